"""Grade a whole class: worker processes that each build their runner once, and one recorder.

The batch checks the runner, collects new submissions from the exchange, registers the
assignment in the gradebook, creates the course secret before any worker starts, reads each
submission folder as hostile data, leaves out submissions graded before with the same answer
key, then grades the rest in worker processes (:func:`autograder.pipeline.grade_submission`),
or on a Dask cluster (:mod:`autograder.cluster`). This process alone writes
the course directory: graded notebooks, ``results.json`` and the gradebook, as each result
arrives. A worker that dies costs only its submission; a submission stopped by the wall clock
alone is regraded once with nothing else running before ``timeout`` is recorded. Nothing here
prints: warnings and results reach the caller through :class:`Progress`.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import json
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook

from autograder import exchange, gradebook, messages
from autograder.course import Assignment, Course, CourseError, student_id_problem, write_atomic
from autograder.batch import BatchOptions, Progress
from autograder.frameworks import use_kernel_settings
from autograder.lifetime import die_with_parent
from autograder.pipeline import Context, Graded, failed, grade_submission
from autograder.privileges import WorkerIdentity, remove_home, worker_identity
from autograder.records import Status, SubmissionResult
from autograder.release import generate
from autograder.runners import make_runner
from autograder.submission import SubmissionError, SubmittedWork, read_submission

__all__ = ["BatchOptions", "Progress", "grade", "build_context", "check_students", "record", "load_result"]


_WORKER: dict[str, Context] = {}


def _start_worker(parent: int, root: str, overrides: dict[str, dict[str, Any]], assignment: str,
                  options: BatchOptions, identity: WorkerIdentity | None) -> None:
    """Build this worker's grading context (its runner, warm sandboxes started) once, dropping
    root first when ``identity`` says how."""
    # No worker goes on grading what nobody will record; its sandboxes end with it.
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group; stopping the batch is the batch process's job.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    use_kernel_settings()
    context = build_context(Course(Path(root), overrides), assignment, options, identity, parent)
    _WORKER["context"] = context
    # The runner owns its warm sandboxes; they go when this worker process exits.
    multiprocessing.util.Finalize(context.runner, context.runner.close, exitpriority=10)
    # Then, once every other finalizer has run, the worker ends without the interpreter's own
    # teardown: with TensorFlow loaded that takes about a second, and the batch waits for it.
    multiprocessing.util.Finalize(None, _end_worker, exitpriority=-100)


def _end_worker() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def build_context(course: Course, assignment_name: str, options: BatchOptions,
                  identity: WorkerIdentity | None = None, parent: int | None = None) -> Context:
    """What one worker needs to grade ``assignment_name``: its runner (set up) and the blank
    cells. With ``identity``, everything of the course is read first, then the process drops
    root (for good) before its runner starts a sandbox."""
    assignment = course.assignment(assignment_name)
    # The answer key runs here: import it (and TensorFlow, if the notebooks use it) now, while
    # the warm sandbox starts, rather than while the first student's kernel waits for a verdict.
    assignment.checks()
    imports, grader_only = assignment.imports(), assignment.grader_only()
    for module in imports:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    blank = {name: gradebook.blank_cells(course, assignment_name, name) for name in assignment.notebooks}
    max_score = gradebook.max_score(course, assignment_name)
    secret, db_url = b"", ""
    if identity is not None:
        secret = course.secret()
        home, db_url = identity.drop(parent or os.getppid(), course.coursedir.db_url)
        multiprocessing.util.Finalize(None, remove_home, args=(home,), exitpriority=0)
    runner = make_runner(options.runner, course.config)
    runner.setup(imports, grader_only)
    return Context(course, assignment, runner, course.lang(options.lang), blank, max_score, secret, db_url)


def _grade_in_worker(student: str, work: SubmittedWork | SubmissionError, submitted: float, more: bool) -> Graded:
    return grade_submission(_WORKER["context"], student, work, queued=time.time() - submitted, more=more)


def check_students(course: Course, assignment: str, students: list[str]) -> list[str]:
    """The requested students, each of whom must have a submission folder; a CourseError
    naming close matches otherwise."""
    known = course.submitted_students(assignment)
    for student in students:
        if student not in known:
            close = difflib.get_close_matches(student, known, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise CourseError(f"no submission of {assignment!r} for student {student!r} under "
                              f"{course.submission_dir('<student>', assignment)}.{hint}")
    return students


def record(course: Course, graded: Graded, work: SubmittedWork | SubmissionError,
           answer_key: str, gb: Gradebook | None = None) -> gradebook.Change | None:
    """Write a result where nbgrader and the TAs see it: graded notebooks, results.json, gradebook
    (through ``gb`` when the batch holds it open). Returns the change of the student's final
    grade when this regrade moved it."""
    began = time.monotonic()
    result = graded.result
    assignment = course.assignment(result.assignment)
    folder = course.autograded_dir(result.student, result.assignment)
    for name in assignment.notebooks:
        # A submission that could not run still gets a notebook, so formgrader and feedback show it.
        text = graded.notebooks.get(name) or _placeholder(assignment, name, result)
        write_atomic(folder / f"{name}.ipynb", text)
    if isinstance(work, SubmittedWork):
        # nbgrader's feedback release reads these two beside the graded notebook.
        for item in work.files:
            if item.path in NBGRADER_FILES:
                write_atomic(folder / item.path, item.data[:200].decode("utf-8", "replace"))
        result.graded_digest = graded_digest(answer_key, work)
    timestamp = work.timestamp() if isinstance(work, SubmittedWork) else None
    change = gradebook.record(course, result, assignment.notebooks, timestamp, gb)
    result.timings.recording = round(time.monotonic() - began, 4)
    write_atomic(course.results_path(result.student, result.assignment),
                 json.dumps(result.to_json(), indent=1, ensure_ascii=False))
    return change


NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")


def graded_digest(answer_key: str, work: SubmittedWork) -> str:
    """What a result was graded from: the submission and the answer key's digest."""
    return hashlib.sha256(f"{work.digest()}\0{answer_key}".encode()).hexdigest()


def _placeholder(assignment: Assignment, name: str, result: SubmissionResult) -> str:
    """The released notebook, headed by why this submission could not be graded."""
    released = assignment.release_dir / f"{name}.ipynb"
    nb = nbformat.read(released, as_version=4) if released.is_file() else nbformat.v4.new_notebook()
    lang = assignment.course.lang()
    reason = result.detail or messages.text(f"status_{result.status.value}", lang)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**{messages.text('placeholder_title', lang)}** {reason}"))
    return nbformat.writes(nb)


def load_result(course: Course, student: str, assignment: str) -> SubmissionResult | None:
    path = course.results_path(student, assignment)
    return SubmissionResult.from_json(json.loads(path.read_text())) if path.exists() else None


def grade(course: Course, assignment_name: str, options: BatchOptions, students: list[str] | None = None,
          progress: Progress | None = None) -> list[SubmissionResult]:
    """Grade every submission of ``assignment_name`` (or ``students``), recording each result as
    soon as it is ready; with every student, those registered without a submission are
    returned as ``missing``."""
    progress = progress or Progress()
    assignment = course.assignment(assignment_name)
    lang = course.lang(options.lang)
    if options.workers < 1:
        raise CourseError(f"--workers must be at least 1, not {options.workers}")
    runner = make_runner(options.runner, course.config)
    for warning in runner.prepare():
        progress.warning(warning)
    runner.check_grader_only(assignment_name, assignment.grader_only())
    identity, why = worker_identity(options.runner, runner.sandbox_uid_base)
    if why:
        progress.warning(why)
    exchange.collect(course, assignment_name)
    for folder in course.submission_folders(assignment_name):
        problem = student_id_problem(folder)
        if problem:
            progress.warning(messages.text("bad_student_id", lang, student=folder, problem=problem))
    todo = check_students(course, assignment_name, students) if students else course.submitted_students(assignment_name)
    if not todo:
        progress.warning(messages.text("no_submissions", lang, assignment=assignment_name,
                                       where=str(course.submission_dir("<student>", assignment_name))))
    if not gradebook.has_assignment(course, assignment_name):
        generate(course, assignment)
    gradebook.sync_schedule(course, assignment_name)
    course.ensure_secret()
    work = {s: _read(course, s, assignment_name, assignment.notebooks) for s in todo}
    answer_key = assignment.reference_digest()  # once per batch: it reads every answer-key file
    unchanged = {} if options.regrade else _unchanged(course, assignment, answer_key, work)
    if unchanged:
        progress.warning(messages.text("unchanged", lang, count=len(unchanged)))
    work = {s: w for s, w in work.items() if s not in unchanged}
    progress.started(len(work))
    results = _run(course, assignment_name, options, work, progress, answer_key, identity) + list(unchanged.values())
    if students is None:
        max_score = gradebook.max_score(course, assignment_name)
        for student in sorted(set(gradebook.registered_students(course)) - set(todo)):
            results.append(SubmissionResult(student, assignment_name, Status.MISSING, 0.0, max_score))
    return sorted(results, key=lambda r: r.student)


def _unchanged(course: Course, assignment: Assignment, answer_key: str,
               work: dict[str, SubmittedWork | SubmissionError]) -> dict[str, SubmissionResult]:
    """Results still current: the same submission graded with the same answer key."""
    found = {}
    for student, submitted in work.items():
        if isinstance(submitted, SubmittedWork):
            previous = load_result(course, student, assignment.name)
            if previous and previous.graded_digest == graded_digest(answer_key, submitted):
                found[student] = previous
    return found


def _read(course: Course, student: str, assignment: str, notebooks: list[str]) -> SubmittedWork | SubmissionError:
    try:
        return read_submission(course.submission_dir(student, assignment), notebooks)
    except SubmissionError as exc:
        return exc


def _run(course: Course, assignment: str, options: BatchOptions,
         work: dict[str, SubmittedWork | SubmissionError], progress: Progress,
         answer_key: str, identity: WorkerIdentity | None) -> list[SubmissionResult]:
    results: dict[str, SubmissionResult] = {}
    with gradebook.opened(course) as gb:

        def done(graded: Graded) -> None:
            change = record(course, graded, work[graded.result.student], answer_key, gb)
            if change:
                progress.moved(change)
            results[graded.result.student] = graded.result
            progress.result(graded.result)

        scheduler = course.settings.scheduler if options.scheduler is None else options.scheduler
        if scheduler:
            from autograder.cluster.client import grade_on_cluster

            grade_on_cluster(course, assignment, options, scheduler, work, done, progress)
        else:
            retry = _pool(course, assignment, options, identity, work, options.workers, done, attempt=1)
            if retry:
                # Alone: one worker, nothing else grading, so only the submission's own code is timed.
                _pool(course, assignment, options, identity,
                      {g.result.student: work[g.result.student] for g in retry}, 1, done, attempt=2)
    return [results[s] for s in sorted(results)]


def _pool(course: Course, assignment: str, options: BatchOptions, identity: WorkerIdentity | None,
          work: dict[str, SubmittedWork | SubmissionError], workers: int, done: Callable[[Graded], None],
          attempt: int) -> list[Graded]:
    """Grade ``work`` in ``workers`` processes; returns what must be regraded alone (first attempt only)."""
    pending = list(work)
    deaths: dict[str, int] = {}
    retry: list[Graded] = []
    while pending:
        processes = min(workers, len(pending))
        with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn"),
                                 initializer=_start_worker,
                                 initargs=(os.getpid(), str(course.root), course.overrides, assignment, options,
                                           identity)) as pool:
            # Workers take submissions in this order; once fewer remain than there are workers, a
            # kernel started ahead would likely go unused (TensorFlow's import alone is seconds of CPU).
            futures: dict[Future[Graded], str] = {
                pool.submit(_grade_in_worker, s, work[s], time.time(), len(pending) - i - 1 >= processes): s
                for i, s in enumerate(pending)}
            pending = []
            try:
                for future in _as_completed(futures):
                    student = futures[future]
                    try:
                        graded = future.result()
                    except BrokenProcessPool:
                        deaths[student] = deaths.get(student, 0) + 1
                        if deaths[student] < 2:
                            pending.append(student)
                            continue
                        context = _parent_context(course, assignment, options)
                        graded = failed(context, student, Status.CRASHED,
                                        messages.text("detail_worker_died", context.lang))
                    graded.result.timings.attempts = attempt
                    if graded.retry_alone and attempt == 1:
                        retry.append(graded)
                    else:
                        done(graded)
            except KeyboardInterrupt:
                # Results are recorded whole as they arrive: stopping here leaves nothing half-done.
                pool.shutdown(wait=False, cancel_futures=True)
                for worker in multiprocessing.active_children():
                    worker.kill()
                raise
    return retry


def _as_completed(futures: dict[Future[Graded], str]) -> Iterator[Future[Graded]]:
    """``futures`` as they complete; Ctrl-C raises KeyboardInterrupt here, between results.

    Python raises KeyboardInterrupt wherever the main thread happens to be, a finalizer
    included, where it is swallowed; the batch therefore takes SIGINT as a flag and checks it."""
    interrupted = threading.Event()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.set()) if main else None
    try:
        waiting = set(futures)
        while waiting:
            finished, waiting = wait(waiting, timeout=0.2, return_when=FIRST_COMPLETED)
            if interrupted.is_set():
                raise KeyboardInterrupt
            yield from finished
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def _parent_context(course: Course, assignment: str, options: BatchOptions) -> Context:
    """Enough context, without a runner, to write a result for a submission no worker survived."""
    a = course.assignment(assignment)
    blank = {name: gradebook.blank_cells(course, assignment, name) for name in a.notebooks}
    return Context(course, a, make_runner(options.runner, course.config), course.lang(options.lang), blank,
                   gradebook.max_score(course, assignment))
