"""Grade exports (CSV, JSON) and the terminal summary, all read from the gradebook."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from rich.table import Table

from autograder import messages
from autograder.course import Course
from autograder.records import Grade, points

CSV_FIELDS = ["student", "assignment", "status", "score", "max_score", "late_penalty", "adjusted", "mistakes"]


def mistake_titles(course: Course, assignment: str, lang: str) -> Callable[[str], str]:
    """A short name in ``lang`` for each mistake id the grader records."""
    named = {m.id: m.message(lang) for check in course.assignment(assignment).checks().values() for m in check.mistakes}

    def title(mistake: str) -> str:
        if mistake in named:
            first = re.split(r"(?<=[.;:])\s", named[mistake], maxsplit=1)[0].rstrip(".;:")
            return first if len(first) <= 70 else first[:69] + "…"
        known = messages.TITLES.get(mistake)
        return known.get(lang) if known else mistake

    return title


def _mistakes(grade: Grade) -> list[str]:
    if grade.result is None:
        return []
    return sorted({v.mistake for c in grade.result.cells for v in c.checks if v.mistake})


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
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for grade in grades:
        writer.writerow({"student": grade.student, "assignment": grade.assignment, "status": grade.status.value,
                         "score": points(grade.final), "max_score": points(grade.max_score),
                         "late_penalty": points(grade.late_penalty), "adjusted": "yes" if grade.adjusted else "",
                         "mistakes": ";".join(_mistakes(grade))})
    return out.getvalue()


def summary_table(grades: list[Grade], lang: str, title: Callable[[str], str], seconds: dict[str, float]) -> Table:
    """The terminal table of a class in ``lang``: final scores as the gradebook holds them."""
    table = Table(title=messages.text("summary_title", lang))
    for key in ("report_student", "report_status", "report_points", "summary_mistakes"):
        table.add_column(messages.text(key, lang))
    table.add_column("s")
    for grade in grades:
        flag = " ⚑" if grade.flags else ""
        late = f" (−{points(grade.late_penalty)})" if grade.late_penalty else ""
        took = seconds.get(grade.student)
        table.add_row(grade.student, messages.text(f"status_{grade.status.value}", lang) + flag,
                      f"{points(grade.final)}/{points(grade.max_score)}{late}",
                      "; ".join(title(m) for m in _mistakes(grade)) or "—",
                      f"{took:.1f}" if took is not None else "")
    return table
