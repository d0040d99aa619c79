"""The class roster: how course student ids map to LMS identities.

The instructor keeps ``roster.csv`` beside ``nbgrader_config.py`` (``c.Autograder.roster``
changes the file), one row per student, with a ``student`` column holding the course's
student id and any of: ``name``, ``email``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``,
``section``, ``id_number``. Exports use it; students and roster entries that do not match
are reported, never dropped silently.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, CourseError

COLUMNS = ("student", "name", "email", "canvas_id", "sis_user_id", "sis_login_id", "section", "id_number")


@dataclass(frozen=True)
class Person:
    student: str
    name: str = ""
    email: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    id_number: str = ""


@dataclass
class Roster:
    people: dict[str, Person] = field(default_factory=dict)
    path: Path | None = None

    def find(self, student: str) -> Person | None:
        return self.people.get(student)

    def unmatched(self, students: list[str]) -> tuple[list[str], list[str]]:
        """(course students missing from the roster, roster entries with no course student)."""
        known = set(students)
        return sorted(known - set(self.people)), sorted(set(self.people) - known)


def load(course: Course) -> Roster:
    """The course roster; an empty one when the file does not exist."""
    path = course.root / course.settings.roster
    if not path.is_file():
        return Roster(path=None)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "student" not in reader.fieldnames:
            raise CourseError(f"{path} needs a header row with a 'student' column (the course's student id); "
                              f"other columns it reads: {', '.join(COLUMNS[1:])}")
        people: dict[str, Person] = {}
        for line, row in enumerate(reader, start=2):
            student = (row.get("student") or "").strip()
            if not student:
                raise CourseError(f"{path}, line {line}: the 'student' column is empty")
            if student in people:
                raise CourseError(f"{path}, line {line}: student {student!r} appears twice")
            people[student] = Person(**{c: (row.get(c) or "").strip() for c in COLUMNS})
    return Roster(people, path)
