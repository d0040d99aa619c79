"""Record results in nbgrader's gradebook, where formgrader shows them and TAs adjust them.

Writes are idempotent (a regrade overwrites the autograder's scores, never a TA's manual
score) and happen in one transaction per submission, from the main process only.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from autograder.course import Course
from autograder.records import CellScore, Status, SubmissionResult


@cache
def find_alembic() -> None:
    """nbgrader runs the `alembic` command when it creates a gradebook: make sure it finds the
    one installed beside this interpreter even when the venv is not activated (once per process)."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


@contextmanager
def _open(course: Course) -> Iterator[Gradebook]:
    find_alembic()
    coursedir = course.coursedir
    # nbgrader's own session handling emits "not in session" SAWarnings on every submission.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            yield gb


def record(course: Course, result: SubmissionResult, notebooks: list[str], timestamp: datetime | None) -> None:
    """Record ``result`` (submitted at ``timestamp``, as nbgrader's timestamp.txt says)."""
    if result.status is Status.MISSING:
        return
    review = result.status is not Status.GRADED or bool(result.flags)
    with _open(course) as gb:
        gb.update_or_create_student(result.student)
        if timestamp:
            gb.update_or_create_submission(result.assignment, result.student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(result.assignment, result.student)
        by_id = {cell.grade_id: cell for cell in result.cells}
        for notebook in notebooks:
            submitted = gb.find_submission_notebook(notebook, result.assignment, result.student)
            for grade in submitted.grades:
                cell = by_id.get(grade.name)
                if cell is None:
                    continue
                grade.auto_score = cell.points
                # A TA's manual score stands; anything suspicious goes to their review queue.
                grade.needs_manual_grade = grade.manual_score is not None or review
            submitted.flagged = review
        gb.db.commit()


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
