"""One HTML feedback report per student, written from the recorded verdicts.

Unlike nbgrader's generate_feedback it never renders the graded notebook, so hidden test
code, expected values of hidden cases and tracebacks from hidden cells cannot appear: the
report holds each check's verdict, points and diagnosis, the label of the failing case and
the student's own output on it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from autograder import messages
from autograder.course import Course, write_atomic
from autograder.records import SubmissionResult

_HEAD = ("report_check", "report_points", "report_diagnosis", "report_observed")

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}.ok{color:#1a7f37}.ko{color:#b42318}
pre{white-space:pre-wrap;margin:0;font-size:.85rem}.note{background:#fff8e1;padding:.6rem;border-radius:4px}
"""


def render(result: SubmissionResult, lang: str) -> str:
    """The report's HTML in ``lang``; raises ValueError for a language not in messages.LANGUAGES."""
    def label(key: str) -> str:
        return messages.text(key, lang)

    title = label("report_title")
    facts = " · ".join(f"<b>{label(key)}:</b> {value}" for key, value in (
        ("report_student", escape(result.student)), ("report_assignment", escape(result.assignment)),
        ("report_status", escape(label(f"status_{result.status.value}"))),
        ("report_score", f"{result.score:g} / {result.max_score:g}")))
    rows = []
    for cell in result.cells:
        share = cell.max_points / max(len(cell.checks), 1)
        for verdict in cell.checks:
            mark = '<span class="ok">✔</span>' if verdict.passed else '<span class="ko">✘</span>'
            rows.append(
                f"<tr><td>{mark} <code>{escape(verdict.id)}</code></td>"
                f"<td>{share * verdict.fraction:.2f} / {share:.2f}</td>"
                f"<td>{escape(verdict.message)}</td>"
                f"<td><pre>{escape(verdict.observed or '')}</pre></td></tr>")
    detail = f'<p class="note">{escape(result.detail)}</p>' if result.detail and "Traceback" not in result.detail else ""
    review = f'<p class="note">{label("report_review")}</p>' if result.flags else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} · {escape(result.assignment)}</title>
<style>{_STYLE}</style></head><body>
<h1>{title}</h1>
<p>{facts}</p>
{detail}{review}
<table><tr>{''.join(f'<th>{label(h)}</th>' for h in _HEAD)}</tr>
{''.join(rows)}
</table></body></html>
"""


def write_feedback(course: Course, results: list[SubmissionResult], lang: str) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/feedback.html`` for each result."""
    written = []
    for result in results:
        path = course.feedback_dir(result.student, result.assignment) / "feedback.html"
        write_atomic(path, render(result, lang))
        written.append(path)
    return written
