"""nbgrader's gradebook: the one place every score lives.

The grader writes its scores here (from the main process only, one transaction per
submission) and formgrader's TAs adjust them here; every export, feedback report and class
report reads them back through :func:`grades`. A regrade changes the grader's scores only:
a TA's manual score, extra credit and comments stand. Due dates, extensions and late
penalties are kept here too, recomputed from the current settings whenever grades are
recorded or read, so a changed due date or policy never leaves a stale penalty.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from nbgrader.api import Assignment as AssignmentRecord
from nbgrader.api import Comment as CommentRecord
from nbgrader.api import Grade as GradeRecord
from nbgrader.api import Gradebook, MissingEntry, SubmittedAssignment, SubmittedNotebook
from nbgrader.exchange.default.exchange import Exchange
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import joinedload, selectinload

from autograder import messages
from autograder.course import Course, CourseError
from autograder.late import LatePenalty
from autograder.records import CellGrade, CellScore, Grade, Status, SubmissionResult


@cache
def find_alembic() -> None:
    """nbgrader runs the `alembic` command when it creates a gradebook: make sure it finds the
    one installed beside this interpreter even when the venv is not activated (once per process)."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


@contextmanager
def opened(course: Course) -> Iterator[Gradebook]:
    """The course's gradebook, open until the block exits: a batch records every result through
    one (opening it checks every table, and its engine caches compiled queries)."""
    with _open(course) as gb:
        yield gb


@contextmanager
def _open(course: Course) -> Iterator[Gradebook]:
    find_alembic()
    coursedir = course.coursedir
    # nbgrader's own session handling emits "not in session" SAWarnings on every submission.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            yield gb


@dataclass(frozen=True)
class Change:
    """A grade a regrade moved (final scores, late penalty included)."""

    student: str
    before: float
    after: float


def record(course: Course, result: SubmissionResult, notebooks: list[str], timestamp: datetime | None,
           gb: Gradebook | None = None) -> Change | None:
    """Record ``result`` (submitted at ``timestamp``, as nbgrader's timestamp.txt says), in one
    transaction, through ``gb`` when given (see :func:`opened`); returns the change when this
    was a regrade that moved the student's final score."""
    if result.status is Status.MISSING:
        return None
    review = result.status is not Status.GRADED or bool(result.flags)
    flag_text = _flag_comment(course, result)
    with nullcontext(gb) if gb is not None else _open(course) as gb:
        before = _final(gb, result.assignment, result.student)
        gb.update_or_create_student(result.student)
        if timestamp:
            gb.update_or_create_submission(result.assignment, result.student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(result.assignment, result.student)
        _apply_extension(course, gb, result.assignment, result.student)
        by_id = {cell.grade_id: cell for cell in result.cells}
        for notebook in notebooks:
            submitted = gb.find_submission_notebook(notebook, result.assignment, result.student)
            for grade in submitted.grades:
                cell = by_id.get(grade.name)
                if cell is None:
                    continue
                grade.auto_score = cell.points
                # A TA's manual score stands and stays out of the queue; anything suspicious
                # that no TA has scored yet goes to their review queue.
                if grade.manual_score is None:
                    grade.needs_manual_grade = review
            # The flag's reason shows on the submission's formgrader page, under its first answer.
            order = _cell_order(course.assignment(result.assignment).sections(notebook))
            for index, comment in enumerate(sorted(submitted.comments, key=lambda c: order(c.name))):
                comment.auto_comment = flag_text if index == 0 else None
            submitted.flagged = review
        gb.db.flush()
        _assign_penalties(LatePenalty(config=course.config), gb.find_submission(result.assignment, result.student))
        gb.db.commit()
        after = _final(gb, result.assignment, result.student)
    if before is not None and abs(before - after) >= 0.005:
        return Change(result.student, before, after)
    return None


def _flag_comment(course: Course, result: SubmissionResult) -> str | None:
    if result.status is Status.GRADED and not result.flags:
        return None
    lang = course.lang()
    lines = [messages.text("flag_comment", lang, status=messages.text(f"status_{result.status.value}", lang))]
    if result.detail and "Traceback" not in result.detail:
        lines.append(result.detail)
    lines += [f"⚑ {flag}" for flag in result.flags]
    return "\n".join(lines)


def _final(gb: Gradebook, assignment: str, student: str) -> float | None:
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return None
    return max(0.0, submission.score - submission.late_submission_penalty)


# -- due dates, extensions and late penalties -------------------------------------------
def due_date(course: Course, assignment: str) -> datetime | None:
    """The due date ``c.Autograder.due_dates`` sets (naive UTC, as nbgrader stores it)."""
    text = course.settings.due_dates.get(assignment)
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise CourseError(f"c.Autograder.due_dates[{assignment!r}] = {text!r} is not a date; write it as "
                          "'2027-01-15 23:59' (in c.Exchange.timezone) or with an offset, '2027-01-15T23:59+01:00'") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(Exchange(config=course.config).timezone))
    return when.astimezone(UTC).replace(tzinfo=None)


def due_date_of(course: Course, assignment: str) -> datetime | None:
    """The due date the gradebook holds (configured or set in formgrader), in UTC."""
    with _open(course) as gb:
        try:
            return _utc(gb.find_assignment(assignment).duedate)
        except MissingEntry:
            return None


def sync_schedule(course: Course, assignment: str, students: list[str] | None = None) -> None:
    """Write the configured due date and extensions into the gradebook and recompute the late
    penalties of ``students`` (default: all) from them and from current scores."""
    due = due_date(course, assignment)
    policy = LatePenalty(config=course.config)
    with _open(course) as gb:
        if due is not None:
            gb.update_or_create_assignment(assignment, duedate=due)
        for submission in _submissions(gb, assignment, students):
            _apply_extension(course, gb, assignment, submission.student.id)
            _assign_penalties(policy, submission)
        gb.db.commit()


def _submissions(gb: Gradebook, assignment: str, students: list[str] | None) -> list[SubmittedAssignment]:
    """The assignment's submissions with their notebooks, grades and comments in a few queries
    (one per relation, not one per student: a class report reads a thousand at once)."""
    notebooks = selectinload(SubmittedAssignment.notebooks)
    query = (gb.db.query(SubmittedAssignment).join(AssignmentRecord).filter(AssignmentRecord.name == assignment)
             .options(selectinload(SubmittedAssignment.student), joinedload(SubmittedAssignment.assignment),
                      notebooks.selectinload(SubmittedNotebook.notebook),
                      notebooks.selectinload(SubmittedNotebook.grades).selectinload(GradeRecord.cell),
                      notebooks.selectinload(SubmittedNotebook.comments).selectinload(CommentRecord.cell)))
    found = query.all()
    return found if students is None else [s for s in found if s.student.id in students]


def _apply_extension(course: Course, gb: Gradebook, assignment: str, student: str) -> None:
    hours = course.settings.extensions.get(assignment, {}).get(student)
    if hours is not None:
        gb.grant_extension(assignment, student, hours=hours)


def _assign_penalties(policy: LatePenalty, submission: SubmittedAssignment) -> None:
    """nbgrader's rule (each notebook's penalty from its score), with this course's policy."""
    late = submission.total_seconds_late
    for notebook in submission.notebooks:
        lost = policy.late_submission_penalty(submission.student.id, notebook.score, late) if late > 0 else None
        penalty = None if lost is None else min(max(lost, 0.0), notebook.score)
        if notebook.late_submission_penalty != penalty:
            notebook.late_submission_penalty = penalty


# -- reading --------------------------------------------------------------------------------
def grades(course: Course, assignment: str, students: list[str] | None = None, sync: bool = True) -> list[Grade]:
    """Every registered student's grade on ``assignment`` (``missing`` without a submission),
    late penalties brought up to date first unless ``sync`` is False (the caller just did)."""
    spec = course.assignment(assignment)
    if not has_assignment(course, assignment):
        raise CourseError(f"{assignment!r} has not been graded yet: run `autograder grade {assignment}` first")
    if sync:
        sync_schedule(course, assignment, students)
    orders = {name: _cell_order(spec.sections(name)) for name in spec.notebooks}
    found: list[Grade] = []
    with _open(course) as gb:
        max_score = float(gb.find_assignment(assignment).max_score)
        submitted = {s.student.id: s for s in _submissions(gb, assignment, students)}
        for student in sorted(s.id for s in gb.students):
            if students is not None and student not in students:
                continue
            if student in submitted:
                found.append(_grade(course, submitted[student], max_score, orders))
            else:
                found.append(Grade(student, assignment, Status.MISSING, max_score))
    return found


def _grade(course: Course, submission: SubmittedAssignment, max_score: float,
           orders: dict[str, Callable[[str], int]]) -> Grade:
    student, assignment = submission.student.id, submission.assignment.name
    path = course.results_path(student, assignment)
    result = SubmissionResult.from_json(json.loads(path.read_text())) if path.is_file() else None
    cells, comments, ids = [], [], {}
    for notebook in sorted(submission.notebooks, key=lambda n: n.notebook.name):
        ids[notebook.notebook.name] = notebook.id
        order = orders.get(notebook.notebook.name, _cell_order({}))
        for grade in sorted(notebook.grades, key=lambda g: order(g.cell.name)):
            cells.append(CellGrade(grade.cell.name, float(grade.cell.max_score), grade.auto_score, grade.manual_score,
                                   float(grade.extra_credit or 0.0)))
        comments += [(c.cell.name, c.manual_comment) for c in sorted(notebook.comments, key=lambda c: order(c.cell.name))
                     if c.manual_comment]
    status = result.status if result else Status.GRADED
    return Grade(student, assignment, status, max_score, cells, float(submission.late_submission_penalty or 0.0),
                 float(submission.total_seconds_late), _utc(submission.timestamp), comments, result, ids)


def _cell_order(sections: dict[str, str]) -> Callable[[str], int]:
    """A sort key putting a notebook's cells in the order students see them."""
    position = {name: index for index, name in enumerate(sections)}
    return lambda name: position.get(name, len(position))


def _utc(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def registered_students(course: Course) -> list[str]:
    with _open(course) as gb:
        return sorted(s.id for s in gb.students)


def blank_cells(course: Course, assignment: str, notebook: str) -> list[CellScore]:
    """Every graded code cell of a notebook, as released, scored 0."""
    with _open(course) as gb:
        nb = gb.find_notebook(notebook, assignment)
        return [CellScore(c.name, float(c.max_score), 0.0, []) for c in nb.grade_cells if c.cell_type == "code"]


def max_score(course: Course, assignment: str) -> float:
    try:
        with _open(course) as gb:
            return float(gb.find_assignment(assignment).max_score)
    except MissingEntry:
        return 0.0


def has_assignment(course: Course, assignment: str) -> bool:
    with _open(course) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
    return True
