"""A grading host's side: a Dask worker plugin that grades the submissions a batch sends.

Start each grading host with the stock Dask CLI, from the same image (or environment) and a
checkout of the course with the same commit and the same course secret as the machine that
runs ``autograder grade``::

    dask worker tcp://SCHEDULER:8786 --nworkers 2 --nthreads 1 \\
        --preload autograder.cluster.worker --course /srv/course [--resources GPU=1]

``--course`` (or ``AUTOGRADER_COURSE``) is this host's own checkout: the answer key is read
from it and never crosses the network. The plugin builds each assignment's grading context
(runner, warm sandboxes, answer key imported) once per worker process, when the first batch
asks for it, and closes its runners when the worker stops. A request whose versions differ
from this host's is refused before anything is graded.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from distributed import Worker, WorkerPlugin

from autograder import gradebook
from autograder.cluster import task
from autograder.cluster.versions import Versions, VersionMismatch
from autograder.course import Course, CourseError
from autograder.engine import BatchOptions, build_context
from autograder.frameworks import use_kernel_settings
from autograder.pipeline import Context, grade_submission
from autograder.release import generate
from autograder.runners import make_runner

log = logging.getLogger(__name__)


class GradingPlugin(WorkerPlugin):
    """Grades submissions on one Dask worker from the course checkout at ``root``; one
    submission at a time (start workers with ``--nthreads 1`` and scale with ``--nworkers``)."""

    idempotent = True

    def __init__(self, root: str) -> None:
        self.root = root
        self._where = root   # this worker's address and checkout, once it is set up
        self._course = Course(Path(root))
        self._contexts: dict[tuple[str, str], Context] = {}
        self._versions: dict[str, Versions] = {}
        self._warnings: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()

    def setup(self, worker: Worker) -> None:
        self._where = f"{worker.address} ({self.root})"
        use_kernel_settings()
        _log_with_dask()
        if worker.state.nthreads != 1:
            log.warning("this grading worker has %d threads but grades one submission at a time: start it "
                        "with --nthreads 1 and use --nworkers for parallel grading", worker.state.nthreads)

    def teardown(self, worker: Worker) -> None:
        # Not under the lock: a submission still grading must not hold up the worker's shutdown.
        for context in list(self._contexts.values()):
            context.runner.close()

    def inspect(self, assignment: str, runner: str, expected: dict[str, str]) -> dict[str, Any]:
        """This host's versions and, when they are the batch's, its runner's warnings (the
        grading context is built now, so the first submission finds warm sandboxes)."""
        with self._lock:
            versions = self._versions_of(assignment)
            warnings: list[str] = []
            if versions == Versions.from_json(expected):
                self._context(assignment, runner)
                warnings = self._warnings[(assignment, runner)]
        return {"versions": versions.to_json(), "warnings": warnings}

    def grade(self, request: dict[str, Any]) -> dict[str, Any]:
        """Grade one requested submission; raises VersionMismatch when this host would grade it
        differently from the batch (a student's fault never raises: it is a result)."""
        assignment, student = request["assignment"], request["student"]
        with self._lock:
            expected = Versions.from_json(request["versions"])
            differences = expected.differences(self._versions_of(assignment), assignment)
            if differences:
                raise VersionMismatch(f"grading worker {self._where} differs from the batch in "
                                      + "; ".join(differences))
            context = replace(self._context(assignment, request["runner"]), lang=request["lang"])
            graded = grade_submission(context, student, task.submitted_work(request),
                                      queued=max(0.0, time.time() - request["sent"]))
        result = graded.result
        log.info("graded %s/%s: %s, %.2f/%.2f in %.1f s", student, assignment, result.status.value,
                 result.score, result.max_score, result.seconds)
        return task.reply(graded)

    def _versions_of(self, assignment: str) -> Versions:
        if assignment not in self._versions:
            self._versions[assignment] = Versions.of(self._course, assignment)
        return self._versions[assignment]

    def _context(self, assignment: str, runner: str) -> Context:
        key = (assignment, runner)
        if key not in self._contexts:
            course = self._course
            found = course.assignment(assignment)
            check = make_runner(runner, course.config)
            self._warnings[key] = check.prepare()
            check.check_grader_only(assignment, found.grader_only())
            # This checkout's own gradebook restores the locked and hidden cells; the
            # workers of one host share it, so one of them registers the assignment.
            with _exclusive(found.source_dir):
                if not gradebook.has_assignment(course, assignment):
                    generate(course, found)
            self._contexts[key] = build_context(course, assignment, BatchOptions(runner))
            log.info("ready to grade %s with the %s runner from %s", assignment, runner, course.root)
        return self._contexts[key]


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold a lock on ``folder`` that the other processes of this host wait for."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _log_with_dask() -> None:
    """Grading lines go where the worker's own lines go (its standard error, by default), unless
    the process already logs somewhere (a worker inside another program)."""
    ours, dask = logging.getLogger("autograder"), logging.getLogger("distributed")
    if not ours.handlers and not logging.getLogger().handlers:
        for handler in dask.handlers:
            ours.addHandler(handler)
        ours.setLevel(logging.INFO)


def _course_root(context: click.Context, parameter: click.Parameter, value: str) -> str:
    try:
        return str(Course.find(Path(value)).root)
    except CourseError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option("--course", "course", envvar="AUTOGRADER_COURSE", default=".", show_default=True,
              callback=_course_root, help="This host's checkout of the course directory (AUTOGRADER_COURSE).")
async def dask_setup(worker: Worker, course: str) -> None:
    """Dask's preload hook: make this worker a grading host for the course at ``course``."""
    await worker.plugin_add(GradingPlugin(course), name=task.PLUGIN_NAME, catch_errors=False)
