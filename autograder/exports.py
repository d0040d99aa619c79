"""Grade exports read from the gradebook: CSV, JSON, and the import files of Canvas and Moodle.

Every number has two decimals and is the gradebook's final score (TA adjustments and late
penalty included). LMS files need the roster (:mod:`autograder.roster`); course students
without a roster entry and roster entries the gradebook does not know are returned as
warnings for the caller to show, never dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from autograder import messages
from autograder.records import Grade, points
from autograder.roster import Roster

FORMATS = ("csv", "json", "canvas", "moodle")
CSV_FIELDS = ["student", "assignment", "status", "score", "max_score", "late_penalty", "adjusted", "mistakes"]
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = {"email": "Email address", "id_number": "ID number"}


@dataclass
class Export:
    text: str
    warnings: list[str] = field(default_factory=list)


def mistakes_of(grade: Grade) -> list[str]:
    if grade.result is None:
        return []
    return sorted({v.mistake for c in grade.result.cells for v in c.checks if v.mistake})


def _check_points(grade: Grade) -> dict[str, float]:
    found: dict[str, float] = {}
    for cell in grade.result.cells if grade.result else []:
        share = cell.max_points / max(len(cell.checks), 1)
        for verdict in cell.checks:
            found[verdict.id] = share * verdict.fraction
    return found


def export_row(grade: Grade) -> dict[str, Any]:
    """The documented JSON shape: gradebook scores, and one entry per check with the grader's verdict."""
    checks = []
    for cell in grade.result.cells if grade.result else []:
        share = cell.max_points / max(len(cell.checks), 1)
        for verdict in cell.checks:
            checks.append({"id": verdict.id, "cell": cell.grade_id, "points": round(share * verdict.fraction, 2),
                           "max_points": round(share, 2), "passed": verdict.passed,
                           "mistake": verdict.mistake, "message": verdict.message})
    return {"student": grade.student, "assignment": grade.assignment, "status": grade.status.value,
            "score": round(grade.final, 2), "max_score": round(grade.max_score, 2),
            "late_penalty": round(grade.late_penalty, 2), "adjusted": grade.adjusted,
            "timestamp": grade.timestamp.isoformat() if grade.timestamp else None,
            "cells": [{"id": c.grade_id, "score": round(c.score, 2), "max_score": round(c.max_points, 2),
                       "auto": None if c.auto is None else round(c.auto, 2),
                       "manual": None if c.manual is None else round(c.manual, 2),
                       "extra_credit": round(c.extra_credit, 2)} for c in grade.cells],
            "comments": [{"cell": name, "text": text} for name, text in grade.comments],
            "flags": grade.flags, "checks": checks}


def to_json(grades: list[Grade]) -> str:
    return json.dumps([export_row(g) for g in grades], indent=2, ensure_ascii=False)


def to_csv(grades: list[Grade]) -> str:
    """One row per student and assignment, with one column per check (its points)."""
    checks = sorted({check for g in grades for check in _check_points(g)})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS + checks)
    writer.writeheader()
    for grade in grades:
        earned = _check_points(grade)
        writer.writerow({"student": grade.student, "assignment": grade.assignment, "status": grade.status.value,
                         "score": points(grade.final), "max_score": points(grade.max_score),
                         "late_penalty": points(grade.late_penalty), "adjusted": "yes" if grade.adjusted else "",
                         "mistakes": ";".join(mistakes_of(grade)),
                         **{check: points(earned[check]) for check in checks if check in earned}})
    return out.getvalue()


def _by_student(by_assignment: dict[str, list[Grade]]) -> dict[str, dict[str, Grade]]:
    table: dict[str, dict[str, Grade]] = {}
    for assignment, grades in by_assignment.items():
        for grade in grades:
            table.setdefault(grade.student, {})[assignment] = grade
    return table


def _roster_warnings(roster: Roster, students: list[str], lang: str) -> list[str]:
    if roster.path is None:
        return [messages.text("roster_missing", lang)]
    missing, unknown = roster.unmatched(students)
    warnings = [messages.text("roster_student_missing", lang, student=s) for s in missing]
    return warnings + [messages.text("roster_entry_unknown", lang, student=s) for s in unknown]


def _score(grade: Grade | None) -> str:
    """The LMS cell: blank when the gradebook has no grade (the LMS then leaves it alone)."""
    return "" if grade is None else points(grade.final)


def to_canvas(by_assignment: dict[str, list[Grade]], roster: Roster, lms_ids: dict[str, str], lang: str) -> Export:
    """Canvas's gradebook import: identity columns, one column per assignment headed
    ``name (id)`` (a new assignment when no id is configured), and the Points Possible row."""
    table = _by_student(by_assignment)
    columns = [f"{a} ({lms_ids[a]})" if lms_ids.get(a) else a for a in by_assignment]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CANVAS_IDENTITY + columns)
    possible = [points(grades[0].max_score) if grades else "" for grades in by_assignment.values()]
    writer.writerow(["Points Possible", "", "", "", ""] + possible)
    for person in sorted(roster.people.values(), key=lambda p: (p.name or p.student).lower()):
        row = table.get(person.student, {})
        writer.writerow([person.name or person.student, person.canvas_id, person.sis_user_id, person.sis_login_id,
                         person.section] + [_score(row.get(a)) for a in by_assignment])
    return Export(out.getvalue(), _roster_warnings(roster, sorted(table), lang))


def to_moodle(by_assignment: dict[str, list[Grade]], roster: Roster, identity: str, lang: str) -> Export:
    """Moodle's grade import: one identity column (email or ID number), one grade column per
    assignment, each followed by its feedback column (status, late penalty, TA comments)."""
    if identity not in MOODLE_IDENTITY:
        raise ValueError(f"c.Autograder.moodle_identity must be one of {', '.join(MOODLE_IDENTITY)}, not {identity!r}")
    table = _by_student(by_assignment)
    out = io.StringIO()
    writer = csv.writer(out)
    header = [MOODLE_IDENTITY[identity]]
    for assignment in by_assignment:
        header += [assignment, f"{assignment} - {messages.text('export_feedback', lang)}"]
    writer.writerow(header)
    warnings = _roster_warnings(roster, sorted(table), lang)
    for person in sorted(roster.people.values(), key=lambda p: p.student):
        key = getattr(person, identity)
        if not key:
            warnings.append(messages.text("roster_no_identity", lang, student=person.student, column=identity))
            continue
        row = [key]
        for assignment in by_assignment:
            grade = table.get(person.student, {}).get(assignment)
            row += [_score(grade), _feedback_text(grade, lang) if grade else ""]
        writer.writerow(row)
    return Export(out.getvalue(), warnings)


def _feedback_text(grade: Grade, lang: str) -> str:
    parts = [messages.text(f"status_{grade.status.value}", lang)]
    if grade.late_penalty:
        parts.append(messages.text("report_late", lang, hours=f"{grade.seconds_late / 3600:.1f}",
                                   penalty=points(grade.late_penalty)))
    parts += [text for _, text in grade.comments]
    return " · ".join(parts)
