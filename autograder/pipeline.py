"""Grade one submission on this worker: the seam every way of grading goes through.

For each notebook: parse and validate it, sanitise it with nbgrader's own preprocessors
(restoring locked and hidden cells from the gradebook), run it in the runner's sandbox while
the oracle judges every check, then score the hidden-test cells from the recorded verdicts.
:func:`grade_submission` never raises: whatever happens ends in an explicit status. It
writes nothing to the course directory; the batch records what it returns.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field

import nbformat
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, LimitOutput,
                                    OverwriteCells, OverwriteKernelspec)

from autograder import messages
from autograder.course import Assignment, Course
from autograder.execute import Execution, Limits, execute, graded_cells
from autograder.oracle import OracleSession
from autograder.records import CellScore, CheckVerdict, Status, SubmissionResult, Timings
from autograder.runners.base import Job, Runner
from autograder.submission import SubmissionError, SubmittedWork

log = logging.getLogger(__name__)
_SEVERITY = [Status.GRADED, Status.TIMEOUT, Status.CRASHED, Status.INVALID, Status.MISSING]


@dataclass
class Context:
    """What a grading worker holds for one assignment: built once, used for every submission."""

    course: Course
    assignment: Assignment
    runner: Runner
    lang: str
    blank: dict[str, list[CellScore]]   # every graded cell of each notebook, scored 0
    max_score: float
    # Read before a worker drops root (the course directory may be closed to it); empty: read
    # from the course when needed.
    secret: bytes = b""
    db_url: str = ""

    @property
    def notebooks(self) -> list[str]:
        return list(self.blank)


@dataclass
class Graded:
    """A submission's result and its graded notebooks (nbformat JSON), for the batch to record."""

    result: SubmissionResult
    notebooks: dict[str, str] = field(default_factory=dict)
    # Only the wall clock stopped it: regrade it once alone before recording `timeout`.
    retry_alone: bool = False


@dataclass
class _Notebook:
    status: Status
    detail: str
    cells: list[CellScore]
    flags: list[str]
    text: str | None = None
    execution: Execution | None = None
    oracle_seconds: float = 0.0
    warm: bool = False


def failed(context: Context, student: str, status: Status, detail: str, flags: list[str] | None = None) -> Graded:
    """A result for a submission that could not run at all, every cell scored 0."""
    cells = [cell for name in context.notebooks for cell in context.blank[name]]
    return Graded(SubmissionResult(student, context.assignment.name, status, 0.0, context.max_score, cells,
                                   flags=flags or [], detail=detail))


def grade_submission(context: Context, student: str, work: SubmittedWork | SubmissionError,
                     queued: float = 0.0, more: bool = True) -> Graded:
    """Grade one student's submission; always returns a result with a status. ``more`` False
    says no other submission will follow on this worker, so no kernel is started ahead."""
    started = time.monotonic()
    if isinstance(work, SubmissionError):
        graded = failed(context, student, Status.INVALID, messages.text(work.key, context.lang, **work.fields),
                        [messages.text(work.key, context.lang, **work.fields)])
        graded.result.timings.queued = queued
        return graded
    try:
        last = context.notebooks[-1]
        notebooks = {name: _grade_notebook(context, student, name, work, more or name != last)
                     for name in context.notebooks}
    except Exception:  # noqa: BLE001 - a grader failure on one submission must not stop the batch
        graded = failed(context, student, Status.CRASHED, traceback.format_exc(limit=6))
        graded.result.seconds = round(time.monotonic() - started, 3)
        return graded
    cells = [cell for nb in notebooks.values() for cell in nb.cells]
    status = max((nb.status for nb in notebooks.values()), key=_SEVERITY.index, default=Status.GRADED)
    executions = [nb.execution for nb in notebooks.values() if nb.execution is not None]
    timings = Timings(queued=round(queued, 4),
                      sandbox_start=round(sum(e.kernel_start for e in executions), 4),
                      warm=bool(executions) and all(nb.warm for nb in notebooks.values() if nb.execution),
                      cells=[c for e in executions for c in e.cells],
                      oracle=round(sum(nb.oracle_seconds for nb in notebooks.values()), 4))
    result = SubmissionResult(
        student, context.assignment.name, status,
        score=sum(c.points for c in cells), max_score=sum(c.max_points for c in cells), cells=cells,
        flags=[f for nb in notebooks.values() for f in nb.flags],
        detail=" ".join(nb.detail for nb in notebooks.values() if nb.detail),
        seconds=round(time.monotonic() - started, 3), timings=timings)
    retry = status is Status.TIMEOUT and any(e.wall_clock_timeout for e in executions)
    return Graded(result, {name: nb.text for name, nb in notebooks.items() if nb.text is not None}, retry)


def _grade_notebook(context: Context, student: str, name: str, work: SubmittedWork, ahead: bool) -> _Notebook:
    course, assignment, lang = context.course, context.assignment, context.lang
    blank = [CellScore(c.grade_id, c.max_points, 0.0, []) for c in context.blank[name]]
    if name not in work.notebooks:
        return _Notebook(Status.INVALID, messages.text("detail_missing", lang, notebook=f"{name}.ipynb"), blank, [])
    try:
        raw = nbformat.reads(work.notebooks[name].decode("utf-8"), as_version=nbformat.NO_CONVERT)
        version = raw.get("nbformat")
        if isinstance(version, int) and version < 4:
            # A conversion would drop what nbgrader needs (cell ids, metadata): ask for a save instead.
            return _Notebook(Status.INVALID, messages.text("detail_old_format", lang, version=version), blank, [])
        nb = nbformat.reads(work.notebooks[name].decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the student's, not ours
        return _Notebook(Status.INVALID, messages.text("detail_malformed", lang, error=str(exc)[:200]), blank, [])

    resources = {"nbgrader": {"notebook": name, "assignment": assignment.name, "student": student,
                              "db_url": context.db_url or course.coursedir.db_url}}
    for preprocessor in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        nb, resources = preprocessor(config=course.config).preprocess(nb, resources)

    settings = course.settings
    oracle = OracleSession(assignment, student, context.secret or course.secret(), lang, settings.max_message_bytes)
    limits = Limits(settings.cell_cpu_seconds, settings.cell_timeout, settings.notebook_timeout)
    job = Job(student, assignment.name, name, work.files)
    for attempt in range(2):
        with context.runner.start(job, ahead) as sandbox:
            began = time.monotonic()
            with oracle.serve(sandbox.socket, uid=sandbox.socket_owner):
                execution = execute(nb, sandbox, oracle, limits, lang)
            execution.kernel_start += began - sandbox.started
            if execution.status is Status.CRASHED:
                # The kernel's own stderr says why a process died (fatal signal, failed start-up).
                tail = sandbox.log_tail()
                if tail:
                    execution.detail += f"\n{tail}"
        # A sandbox that failed before running anything of the student's gets one more try.
        if execution.kernel_started or attempt:
            break
        log.warning("%s: the sandbox did not start its kernel; trying another. %s", student, execution.detail)

    cells = _score_cells(nb, oracle, lang)
    present = {c.grade_id for c in cells}
    flags = list(oracle.flags)
    for cell in blank:
        if cell.grade_id not in present:
            flags.append(messages.text("flag_missing_cell", lang, cell=cell.grade_id))
            cells.append(cell)
    nb, _ = LimitOutput(config=course.config).preprocess(nb, resources)
    return _Notebook(execution.status, execution.detail, cells, flags, nbformat.writes(nb), execution, oracle.seconds,
                     sandbox.warm)


def _score_cells(nb: nbformat.NotebookNode, oracle: OracleSession, lang: str) -> list[CellScore]:
    """Score each hidden-test cell from the oracle's verdicts and show them in the notebook."""
    scores = []
    for index, (grade_id, check_ids) in graded_cells(nb).items():
        cell = nb.cells[index]
        verdicts = [oracle.verdicts.get(cid) if oracle.cell_of.get(cid) == grade_id else None for cid in sorted(check_ids)]
        verdicts = [v or _not_run(cid, cell, lang) for v, cid in zip(verdicts, sorted(check_ids), strict=True)]
        max_points = float(cell.metadata.nbgrader.get("points", 0))
        fraction = sum(v.fraction for v in verdicts) / len(verdicts) if verdicts else 0.0
        scores.append(CellScore(grade_id, max_points, max_points * fraction, verdicts))
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
