"""Release an assignment with nbgrader and prove the student version leaks nothing.

``nbgrader generate_assignment`` does the work (and registers the assignment in the
gradebook); :func:`leaks` then reads the released files and reports any solution code,
hidden test, grader call or answer-key text that survived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI

from autograder.course import Assignment, Course, CourseError
from autograder.gradebook import find_alembic

SOLUTION = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
GRADER_NAMES = ("autograder.sandbox", "check(", "reference/", "_course_reference")


@dataclass
class Leak:
    file: str
    what: str


def generate(course: Course, assignment: Assignment) -> None:
    """Run nbgrader's generate_assignment for ``assignment`` (idempotent)."""
    find_alembic()
    api = NbGraderAPI(coursedir=course.coursedir, config=course.config)
    result = api.generate_assignment(assignment.name, force=True, create=True)
    if not result.get("success"):
        raise CourseError(f"nbgrader generate_assignment failed for {assignment.name}:\n"
                          f"{result.get('error') or result.get('log')}")


def _secret_lines(assignment: Assignment) -> set[str]:
    """Distinctive lines that must never reach students: solution bodies and hidden tests."""
    lines: set[str] = set()
    public: set[str] = set()  # what students are meant to see: signatures, docstrings, narrative
    for path in assignment.source_dir.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
                lines.update(line.strip() for line in block.splitlines())
            public.update(line.strip() for line in HIDDEN.sub("", SOLUTION.sub("", cell.source)).splitlines())
    for path in assignment.reference_dir.rglob("*.py"):
        lines.update(line.strip() for line in path.read_text().splitlines()
                     if not line.strip().startswith(("#", "import ", "from ", '"""')))
    # Short or generic lines (``return h``, ``else:``) would only produce false alarms.
    return {line for line in lines - public if len(line) >= 25}


def leaks(assignment: Assignment, release_dir: Path | None = None) -> list[Leak]:
    """Everything in the released assignment that a student must not see."""
    release_dir = release_dir or assignment.release_dir
    if not release_dir.is_dir():
        raise CourseError(f"{release_dir} does not exist: run `autograder release {assignment.name}` first")
    secret = _secret_lines(assignment)
    found: list[Leak] = []
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        name = str(path.relative_to(release_dir))
        if path.suffix == ".py" and (assignment.reference_dir / path.name).exists():
            found.append(Leak(name, "a file of the answer key"))
        if path.suffix != ".ipynb":
            continue
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            where = f"{name} cell {index}"
            for marker in MARKERS:
                if marker in cell.source:
                    found.append(Leak(where, f"marker {marker!r}"))
            if cell.cell_type == "code":
                for token in GRADER_NAMES:
                    if token in cell.source:
                        found.append(Leak(where, f"grader call {token!r}"))
            for line in cell.source.splitlines():
                if line.strip() in secret:
                    found.append(Leak(where, f"solution or answer-key line {line.strip()[:60]!r}"))
            for output in cell.get("outputs", []):
                found.append(Leak(where, f"stored output ({output.get('output_type')})"))
    return found


def release(course: Course, assignment: Assignment) -> list[Leak]:
    generate(course, assignment)
    return leaks(assignment)
