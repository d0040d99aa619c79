"""Grade one submission, or a whole class in parallel.

For each notebook: read and validate it, sanitise it with nbgrader's own preprocessors
(restoring locked and hidden cells from the gradebook), run it in the runner's sandbox
while the oracle judges every check, then write the graded notebook and the verdicts.
:func:`grade_submission` never raises: whatever happens ends in an explicit status.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, LimitOutput,
                                    OverwriteCells, OverwriteKernelspec)
from traitlets.config import Config

from autograder import gradebook, messages
from autograder.course import Assignment, Course
from autograder.execute import execute, graded_cells
from autograder.oracle import OracleSession
from autograder.records import CellScore, CheckVerdict, Status, SubmissionResult
from autograder.runners import make_runner
from autograder.runners.base import KernelJob, Runner, use_kernel_tensorflow_settings

RESULTS_FILE = "results.json"
_SEVERITY = [Status.GRADED, Status.TIMEOUT, Status.CRASHED, Status.INVALID, Status.MISSING]


def course_directory(course: Course) -> CourseDirectory:
    # nbgrader runs the `alembic` command when it creates a gradebook; make sure it finds
    # the one installed beside this interpreter even when the venv is not activated.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    coursedir = CourseDirectory(config=course.config())
    coursedir.root = str(course.root)
    return coursedir


def submission_dir(course: Course, student: str, assignment: str) -> Path:
    return Path(course_directory(course).format_path("submitted", student, assignment))


def autograded_dir(course: Course, student: str, assignment: str) -> Path:
    return Path(course_directory(course).format_path("autograded", student, assignment))


def load_result(course: Course, student: str, assignment: str) -> SubmissionResult | None:
    path = autograded_dir(course, student, assignment) / RESULTS_FILE
    return SubmissionResult.from_json(json.loads(path.read_text())) if path.exists() else None


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


@dataclass
class _Notebook:
    status: Status
    detail: str
    cells: list[CellScore]
    flags: list[str]


def runner_config(course: Course, overrides: dict[str, dict[str, object]] | None) -> Config:
    """The course's config with command-line runner settings (``{"DockerRunner": {"gpus": "all"}}``) on top."""
    config = course.config()
    if overrides:
        config.merge(Config(overrides))
    return config


def grade_submission(root: str, assignment_name: str, student: str, runner_name: str,
                     lang: str | None = None, overrides: dict[str, dict[str, object]] | None = None
                     ) -> SubmissionResult:
    """Grade one student's submission; always returns a result with a status."""
    started = time.monotonic()
    use_kernel_tensorflow_settings()
    course = Course(Path(root))
    try:
        assignment = course.assignment(assignment_name)
        settings = course.settings()
        lang = lang or settings.lang
        runner = make_runner(runner_name, runner_config(course, overrides))
        runner.expect_imports(assignment.imports())
        notebooks = [_grade_notebook(course, assignment, student, name, runner, lang)
                     for name in assignment.notebooks]
    except Exception:  # noqa: BLE001 - a grader failure on one submission must not stop the batch
        return SubmissionResult(student, assignment_name, Status.CRASHED, 0.0,
                                gradebook.max_score(course, assignment_name), detail=traceback.format_exc(limit=6),
                                seconds=time.monotonic() - started)
    cells = [cell for nb in notebooks for cell in nb.cells]
    status = max((nb.status for nb in notebooks), key=_SEVERITY.index, default=Status.GRADED)
    return SubmissionResult(
        student, assignment_name, status,
        score=round(sum(c.points for c in cells), 4), max_score=sum(c.max_points for c in cells), cells=cells,
        flags=[f for nb in notebooks for f in nb.flags],
        detail=" ".join(nb.detail for nb in notebooks if nb.detail),
        seconds=round(time.monotonic() - started, 3))


def save_result(course: Course, result: SubmissionResult) -> None:
    write_atomic(autograded_dir(course, result.student, result.assignment) / RESULTS_FILE,
                  json.dumps(result.to_json(), indent=1, ensure_ascii=False))


def _grade_notebook(course: Course, assignment: Assignment, student: str, name: str, runner: Runner,
                    lang: str) -> _Notebook:
    settings = course.settings()
    config = course.config()
    coursedir = course_directory(course)
    blank = gradebook.blank_cells(course, assignment.name, name)
    path = submission_dir(course, student, assignment.name) / f"{name}.ipynb"
    if not path.exists():
        return _Notebook(Status.INVALID, messages.text("detail_missing", lang, notebook=path.name), blank, [])
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the student's, not ours
        return _Notebook(Status.INVALID, messages.text("detail_malformed", lang, error=str(exc)[:200]), blank, [])

    resources = {"nbgrader": {"notebook": name, "assignment": assignment.name, "student": student,
                              "db_url": coursedir.db_url}}
    for preprocessor in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)

    oracle = OracleSession(assignment, student, course.secret(), lang, settings.max_message_bytes)
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        job = KernelJob(Path(tmp), student, runner.job_uid())
        shutil.copytree(path.parent, job.files, ignore=shutil.ignore_patterns("*.ipynb", ".*"))
        if job.uid is not None:
            os.chown(job.directory, job.uid, job.uid)
        with oracle.serve(job.socket, uid=job.uid):
            log = job.directory / "kernel.log"
            execution = execute(nb, runner.kernel_manager(job), oracle, runner.environment(job),
                                settings.cell_timeout, settings.notebook_timeout, lang, log)
        if execution.status is Status.CRASHED and log.exists():
            # The kernel's own stderr says why a process died (fatal signal, failed start-up).
            tail = log.read_text(errors="replace")[-600:].strip()
            if tail:
                execution.detail += f"\n{tail}"

    cells = _score_cells(nb, oracle, lang)
    present = {c.grade_id for c in cells}
    flags = list(oracle.flags)
    for cell in blank:
        if cell.grade_id not in present:
            flags.append(f"test cell {cell.grade_id} is missing from the submission")
            cells.append(cell)
    nb, _ = LimitOutput(config=config).preprocess(nb, resources)
    target = autograded_dir(course, student, assignment.name) / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))
    return _Notebook(execution.status, execution.detail, cells, flags)


def _score_cells(nb: nbformat.NotebookNode, oracle: OracleSession, lang: str) -> list[CellScore]:
    """Score each hidden-test cell from the oracle's verdicts and show them in the notebook."""
    scores = []
    for index, (grade_id, check_ids) in graded_cells(nb).items():
        cell = nb.cells[index]
        verdicts = [oracle.verdicts.get(cid) if oracle.cell_of.get(cid) == grade_id else None for cid in sorted(check_ids)]
        verdicts = [v or _not_run(cid, cell, lang) for v, cid in zip(verdicts, sorted(check_ids), strict=True)]
        max_points = float(cell.metadata.nbgrader.get("points", 0))
        fraction = sum(v.fraction for v in verdicts) / len(verdicts) if verdicts else 0.0
        scores.append(CellScore(grade_id, max_points, round(max_points * fraction, 4), verdicts))
        # The recorded verdicts come first and are what scored; the kernel's own output (visible
        # tests) follows for the TA, but it never counts.
        header = messages.text("verdict_header", lang)
        lines = "\n".join(f"{'✔' if v.passed else '✘'} {v.id}: {v.message}" for v in verdicts)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{header}\n{lines}\n"),
                        *cell.outputs]
    return scores


def _not_run(check_id: str, cell: nbformat.NotebookNode, lang: str) -> CheckVerdict:
    names = [o.get("evalue", "") for o in cell.get("outputs", []) if o.get("ename") == "NameError"]
    if names:
        name = names[0].split("'")[1] if "'" in names[0] else names[0]
        return CheckVerdict(check_id, False, 0.0, "not_defined", messages.text("not_defined", lang, name=name))
    return CheckVerdict(check_id, False, 0.0, "not_run", messages.text("not_run", lang))


def submitted_students(course: Course, assignment: str) -> list[str]:
    base = Path(course_directory(course).format_path("submitted", ".", "."))
    return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir())


def grade_batch(course: Course, assignment: str, students: Iterable[str], runner_name: str, workers: int,
                lang: str | None, on_result: Callable[[SubmissionResult], None],
                overrides: dict[str, dict[str, object]] | None = None) -> list[SubmissionResult]:
    """Grade submissions in worker processes. A worker that dies costs only its submission:
    the others are retried in a fresh pool, and a submission that kills two workers is
    recorded as crashed."""
    pending = list(students)
    attempts: dict[str, int] = {}
    results: dict[str, SubmissionResult] = {}
    while pending:
        with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("spawn")) as pool:
            futures: dict[Future[SubmissionResult], str] = {
                pool.submit(grade_submission, str(course.root), assignment, s, runner_name, lang, overrides): s
                for s in pending}
            pending = []
            for future in as_completed(futures):
                student = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    attempts[student] = attempts.get(student, 0) + 1
                    if attempts[student] < 2:
                        pending.append(student)
                        continue
                    result = SubmissionResult(student, assignment, Status.CRASHED, 0.0,
                                              gradebook.max_score(course, assignment),
                                              detail="the grading worker died twice on this submission")
                results[student] = result
                on_result(result)
    return [results[s] for s in sorted(results)]
