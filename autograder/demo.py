"""Build a demo class: a scratch course directory with one assignment and its submissions.

Each assignment lists its demo students in ``reference/<assignment>/demo.py`` as
``SUBMISSIONS``: the answer key, a blank notebook, and one submission per common mistake
(what the student wrote in which solution cell, and which mistake feedback must name).
The same list drives ``make demo`` and the end-to-end tests.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import Assignment, Course
from autograder.records import Status

_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


@dataclass(frozen=True)
class Submission:
    """A demo student. ``cells`` maps solution-cell grade ids to what the student wrote there
    (cells not listed hold the answer key's solution, unless ``blank``); ``expect`` maps
    check ids to the mistake identifier feedback must name for them."""

    student: str
    description: str
    cells: dict[str, str] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    blank: bool = False
    status: Status = Status.GRADED
    full_marks: bool = False


def submissions(assignment: Assignment) -> list[Submission]:
    return list(assignment.module("demo").SUBMISSIONS)


def student_notebook(assignment: Assignment, notebook: str, submission: Submission) -> nbformat.NotebookNode:
    """The release notebook with the student's code in its solution cells."""
    released = nbformat.read(assignment.release_dir / f"{notebook}.ipynb", as_version=4)
    source = nbformat.read(assignment.source_dir / f"{notebook}.ipynb", as_version=4)
    key = {c.metadata.nbgrader["grade_id"]: _MARKER.sub("", c.source)
           for c in source.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    for cell in released.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("solution"):
            continue
        grade_id = meta["grade_id"]
        if grade_id in submission.cells:
            cell.source = submission.cells[grade_id]
        elif not submission.blank:
            cell.source = key[grade_id]
    return released


def scratch_course(course: Course, assignment_name: str, target: Path) -> Course:
    """A fresh course at ``target`` with ``course``'s settings and one assignment's source and
    reference, nothing generated yet."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(course.root / "nbgrader_config.py", target / "nbgrader_config.py")
    for part in ("source", "reference"):
        shutil.copytree(course.root / part / assignment_name, target / part / assignment_name)
    return Course(target)


def build_class(course: Course, assignment_name: str, target: Path) -> Course:
    """Copy the assignment into a fresh course at ``target``, release it, add the submissions."""
    from autograder.release import generate

    demo = scratch_course(course, assignment_name, target)
    assignment = demo.assignment(assignment_name)
    generate(demo, assignment)
    for submission in submissions(assignment):
        folder = target / "submitted" / submission.student / assignment_name
        folder.mkdir(parents=True)
        for notebook in assignment.notebooks:
            nbformat.write(student_notebook(assignment, notebook, submission), str(folder / f"{notebook}.ipynb"))
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return demo
