"""What the terminal shows after grading: a table of final grades with mistakes named in the
course language, read from the gradebook."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.table import Table

from autograder import messages
from autograder.course import Course
from autograder.exports import mistakes_of
from autograder.records import Grade, points


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
                      "; ".join(title(m) for m in mistakes_of(grade)) or "—",
                      f"{took:.1f}" if took is not None else "")
    return table
