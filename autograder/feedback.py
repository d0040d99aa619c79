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
from autograder.course import Course
from autograder.pipeline import course_directory, write_atomic
from autograder.records import SubmissionResult

_TITLE = {"es": "Informe de corrección", "en": "Grading report"}
_HEAD = {"es": ("Comprobación", "Puntos", "Diagnóstico", "Tu salida en el caso que falla"),
         "en": ("Check", "Points", "Diagnosis", "Your output on the failing case")}
_LABELS = {"es": {"student": "Estudiante", "assignment": "Tarea", "status": "Estado", "score": "Puntuación",
                  "review": "Esta entrega queda marcada para revisión por el equipo docente."},
           "en": {"student": "Student", "assignment": "Assignment", "status": "Status", "score": "Score",
                  "review": "This submission is flagged for review by the teaching staff."}}

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}.ok{color:#1a7f37}.ko{color:#b42318}
pre{white-space:pre-wrap;margin:0;font-size:.85rem}.note{background:#fff8e1;padding:.6rem;border-radius:4px}
"""


def render(result: SubmissionResult, lang: str) -> str:
    labels = _LABELS.get(lang, _LABELS["es"])
    head = _HEAD.get(lang, _HEAD["es"])
    status = messages.text(f"status_{result.status.value}", lang)
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
    review = f'<p class="note">{labels["review"]}</p>' if result.flags else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{_TITLE.get(lang, _TITLE['es'])} · {escape(result.assignment)}</title>
<style>{_STYLE}</style></head><body>
<h1>{_TITLE.get(lang, _TITLE['es'])}</h1>
<p><b>{labels['student']}:</b> {escape(result.student)} · <b>{labels['assignment']}:</b> {escape(result.assignment)}
 · <b>{labels['status']}:</b> {escape(status)} · <b>{labels['score']}:</b> {result.score:g} / {result.max_score:g}</p>
{detail}{review}
<table><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr>
{''.join(rows)}
</table></body></html>
"""


def write_feedback(course: Course, results: list[SubmissionResult], lang: str) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/feedback.html`` for each result."""
    coursedir = course_directory(course)
    written = []
    for result in results:
        folder = Path(coursedir.format_path("feedback", result.student, result.assignment))
        path = folder / "feedback.html"
        write_atomic(path, render(result, lang))
        written.append(path)
    return written
