"""The batch's side of grading across machines: every submission goes to a Dask cluster and
each result is recorded here as it comes back.

This process stays the only writer of the course directory, exactly as when grading
locally: the batch hands :func:`grade_on_cluster` its ``done`` callback (record, report) and
gets every result through it. Before anything is graded the cluster is checked: grading
hosts must have the batch's versions (engine, answer key, course secret, limits), and a GPU
assignment (``c.Autograder.gpu_assignments``) needs a worker that advertises a ``GPU``
resource; its submissions then run only there. A worker that dies mid-submission has Dask
run the submission elsewhere; one that kills two workers is recorded as ``crashed``. A
submission stopped only by the wall clock is graded once more when the rest of the batch is
done, alone on the cluster, before ``timeout`` is recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from distributed import Client, Future, KilledWorker, as_completed

from autograder import gradebook, messages
from autograder.batch import BatchOptions, Progress
from autograder.cluster import task
from autograder.cluster.versions import VersionMismatch, Versions
from autograder.course import Course, CourseError
from autograder.pipeline import Context, Graded, failed
from autograder.records import Status
from autograder.runners import RunnerError, make_runner
from autograder.submission import SubmissionError, SubmittedWork

CONNECT_SECONDS = 10.0
WORKERS_SECONDS = 60.0
# As on one machine: a submission during which two workers died is recorded as crashed,
# rather than taking down Dask's default of four.
DEATHS = 2


def grade_on_cluster(course: Course, assignment: str, options: BatchOptions, scheduler: str,
                     work: dict[str, SubmittedWork | SubmissionError], done: Callable[[Graded], None],
                     progress: Progress) -> None:
    """Grade ``work`` on the Dask cluster whose scheduler is at ``scheduler``, calling ``done``
    with each result as it arrives. Raises CourseError when the scheduler cannot be reached or
    the cluster cannot grade this assignment as this machine would."""
    lang = course.lang(options.lang)
    versions = Versions.of(course, assignment)
    resources = {"GPU": 1} if _needs_gpu(course, assignment) else None
    with _connect(scheduler) as client:
        progress.notice(_dashboard(client, scheduler))
        client.run_on_scheduler(task.allow_failures, deaths=DEATHS)
        workers = _grading_workers(client, scheduler, assignment, gpu=resources is not None)
        for warning in _check(client, workers, assignment, options.runner, versions):
            progress.warning(warning)
        failure = _FailureContext(course, assignment, options.runner, lang)
        requests = {student: task.request(assignment, student, submission, options.runner, lang, versions)
                    for student, submission in work.items()}
        retry = _grade(client, requests, resources, failure, done, attempt=1)
        # Alone: the rest of the batch is done, so only the submission's own code is timed.
        for graded in retry:
            _grade(client, {graded.result.student: requests[graded.result.student]}, resources, failure, done,
                   attempt=2)


def _grade(client: Client, requests: dict[str, dict[str, Any]], resources: dict[str, float] | None,
           failure: _FailureContext, done: Callable[[Graded], None], attempt: int) -> list[Graded]:
    """Submit ``requests`` and record each result; returns what must be graded again alone."""
    futures: dict[Future, str] = {
        client.submit(task.grade, data, key=f"grade-{data['assignment']}-{student}-{uuid.uuid4().hex}",
                      resources=resources, pure=False): student
        for student, data in requests.items()}
    retry: list[Graded] = []
    try:
        for future in as_completed(futures, loop=client.loop):
            student = futures[future]
            try:
                graded = task.graded(future.result())
            except KilledWorker:
                graded = failure.crashed(student)
            except (VersionMismatch, task.NotGradingWorker) as exc:
                raise CourseError(f"the cluster cannot grade {student}'s submission: {exc}") from None
            except Exception as exc:  # noqa: BLE001 - the grader never raises for a student's fault
                raise RunnerError(f"grading {student}'s submission on the cluster failed: {exc}") from exc
            graded.result.timings.attempts = attempt
            if graded.retry_alone and attempt == 1:
                retry.append(graded)
            else:
                done(graded)
    finally:
        # Stopped early (Ctrl-C, a refused host): nothing goes on grading what nobody records.
        client.cancel([future for future in futures if not future.done()])
    return retry


class _FailureContext:
    """Enough of a grading context to write the result of a submission no worker survived."""

    def __init__(self, course: Course, assignment: str, runner: str, lang: str) -> None:
        self._course, self._assignment, self._runner, self._lang = course, assignment, runner, lang

    def crashed(self, student: str) -> Graded:
        course, name = self._course, self._assignment
        blank = {notebook: gradebook.blank_cells(course, name, notebook)
                 for notebook in course.assignment(name).notebooks}
        context = Context(course, course.assignment(name), make_runner(self._runner, course.config), self._lang,
                          blank, gradebook.max_score(course, name))
        return failed(context, student, Status.CRASHED, messages.text("detail_worker_died", self._lang))


def _needs_gpu(course: Course, assignment: str) -> bool:
    listed = list(course.settings.gpu_assignments)
    unknown = sorted(set(listed) - set(course.assignments))
    if unknown:
        raise CourseError(f"c.Autograder.gpu_assignments names {', '.join(map(repr, unknown))}, which this course "
                          f"does not have; its assignments are: {', '.join(course.assignments)}")
    return assignment in listed


def _connect(scheduler: str) -> Client:
    try:
        return Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise CourseError(
            f"cannot reach a Dask scheduler at {scheduler} ({exc}). Start one on that host with "
            f"`dask scheduler --port 8786` and grading hosts with `{task.WORKER_COMMAND.format(scheduler=scheduler)}`, "
            "or grade on this machine without --scheduler.") from None


def _dashboard(client: Client, scheduler: str) -> str:
    if "dashboard" not in client.scheduler_info(n_workers=0).get("services", {}):
        return f"Grading on the Dask cluster at {scheduler} (its scheduler serves no dashboard: install bokeh there)."
    return f"Grading on the Dask cluster at {scheduler}; dashboard: {client.dashboard_link}"


def _grading_workers(client: Client, scheduler: str, assignment: str, gpu: bool) -> list[str]:
    """The workers that may grade ``assignment``: all of them, or those with a GPU."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except TimeoutError:
        raise CourseError(f"no worker joined the Dask scheduler at {scheduler} within {WORKERS_SECONDS:.0f} s: "
                          f"start grading hosts with `{task.WORKER_COMMAND.format(scheduler=scheduler)}`") from None
    workers = client.scheduler_info(n_workers=-1)["workers"]
    if not gpu:
        return sorted(workers)
    with_gpu = sorted(address for address, info in workers.items() if info.get("resources", {}).get("GPU", 0) >= 1)
    if not with_gpu:
        raise CourseError(f"{assignment!r} is graded on a GPU (c.Autograder.gpu_assignments), but none of the "
                          f"{len(workers)} workers of the cluster at {scheduler} advertises one: start a GPU host "
                          f"with `{task.WORKER_COMMAND.format(scheduler=scheduler)} --resources GPU=1`")
    return with_gpu


def _check(client: Client, workers: list[str], assignment: str, runner: str, versions: Versions) -> list[str]:
    """Refuse hosts that would grade differently (CourseError); returns the hosts' runner warnings.
    Matching hosts build their grading context now, so grading starts warm."""
    replies = client.run(task.inspect, assignment, runner, versions.to_json(), workers=workers, on_error="return")
    problems, warnings = [], []
    for address, reply in sorted(replies.items()):
        if isinstance(reply, BaseException):
            problems.append(f"{address} cannot grade {assignment!r}: {reply}")
            continue
        differences = versions.differences(Versions.from_json(reply["versions"]), assignment)
        problems.extend(f"{address} differs from this machine in {difference}" for difference in differences)
        warnings.extend(f"{address}: {warning}" for warning in reply["warnings"])
    if problems:
        raise CourseError("refusing to grade on this cluster:\n  " + "\n  ".join(problems))
    return warnings
