"""The feedback report students read, produced the nbgrader way.

nbgrader's ``generate_feedback`` (formgrader's "Generate Feedback" button, or ``autograder
feedback``) converts each autograded notebook with a configurable exporter; the course's
``nbgrader_config.py`` points it at :class:`FeedbackExporter`, so both produce this report and
``release_feedback``/``fetch_feedback`` deliver it through the exchange. The exporter never
renders the graded notebook: hidden test code, expected values of hidden cases and
tracebacks from hidden cells cannot appear. It reads the gradebook (TA scores, extra credit,
comments and late penalty included) and the grader's recorded verdicts.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nbconvert.exporters import Exporter
from nbgrader.apps import NbGraderAPI
from nbgrader.exchange.default.exchange import Exchange
from traitlets import default
from traitlets.config import Config

from autograder import gradebook, messages
from autograder.course import Autograder, Course, CourseError
from autograder.records import CellScore, CheckVerdict, Grade, Status, points

# What the course's nbgrader_config.py sets so that formgrader produces this report too.
SETTINGS = {"GenerateFeedback": {"exporter_class": "autograder.feedback.FeedbackExporter", "preprocessors": []}}

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.45rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}.ok{color:#1a7f37}.ko{color:#b42318}.num{white-space:nowrap;text-align:right}
pre{white-space:pre-wrap;margin:.3rem 0 0;font-size:.85rem;background:#f7f7f7;padding:.3rem}
ul{margin:0;padding-left:1.1rem}.note{background:#fff8e1;padding:.6rem;border-radius:4px}
.ta{background:#eef6ff;padding:.6rem;border-radius:4px}.case{color:#555;font-size:.9rem}
"""


class FeedbackExporter(Exporter):
    """nbconvert exporter for nbgrader's GenerateFeedback: the grader's report, one per notebook."""

    output_mimetype = "text/html"
    export_from_notebook = "Autograder feedback"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> tuple[str, dict]:
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        info = resources["nbgrader"]
        # The parent is nbgrader's converter, which knows the course directory.
        course = Course(Path(self.parent.coursedir.root).resolve())
        lang = Autograder(config=self.config).lang
        gradebook.sync_schedule(course, info["assignment"], [info["student"]])
        found = gradebook.grades(course, info["assignment"], [info["student"]], sync=False)
        if not found:
            raise CourseError(f"{info['student']!r} is not in the gradebook for {info['assignment']!r}")
        timezone = Exchange(config=self.config).timezone
        return render(course, found[0], info["notebook"], lang, timezone), resources


def render(course: Course, grade: Grade, notebook: str, lang: str, timezone: str = "UTC") -> str:
    """The report's HTML for ``notebook`` of ``grade``, in ``lang``."""
    def label(key: str, **fields: Any) -> str:
        return messages.text(key, lang, **fields)

    sections = course.assignment(grade.assignment).sections(notebook)
    verdicts: dict[str, CellScore] = {c.grade_id: c for c in grade.result.cells} if grade.result else {}
    facts = [("report_student", escape(grade.student)), ("report_assignment", escape(grade.assignment)),
             ("report_status", escape(label(f"status_{grade.status.value}"))),
             ("report_score", f"<b>{points(grade.final)} / {points(grade.max_score)}</b>")]
    if grade.timestamp is not None:
        facts.insert(3, ("report_submitted", _local(grade.timestamp, timezone)))
    notes = []
    if grade.late_penalty:
        notes.append(label("report_late", hours=f"{grade.seconds_late / 3600:.1f}", penalty=points(grade.late_penalty)))
    if grade.adjusted:
        notes.append(label("report_adjusted"))
    if grade.result and grade.result.detail and "Traceback" not in grade.result.detail:
        notes.append(escape(grade.result.detail))
    if grade.flags:
        notes.append(label("report_review"))
    rows = []
    for cell in grade.cells:
        if cell.grade_id not in sections:
            continue
        scored = verdicts.get(cell.grade_id)
        items = "".join(_verdict_item(v, lang) for v in (scored.checks if scored else []))
        override = f"<br><small>{label('report_ta_score')}</small>" if cell.manual is not None or cell.extra_credit else ""
        rows.append(f"<tr><td>{escape(sections[cell.grade_id])}</td>"
                    f"<td class='num'>{points(cell.score)} / {points(cell.max_points)}{override}</td>"
                    f"<td><ul>{items}</ul></td></tr>")
    comments = "".join(f"<p><b>{escape(sections.get(name, name))}:</b> {escape(text)}</p>"
                       for name, text in grade.comments if name in sections)
    comments_html = f"<div class='ta'><h2>{label('report_comments')}</h2>{comments}</div>" if comments else ""
    notes_html = "".join(f"<p class='note'>{note}</p>" for note in notes)
    head = "".join(f"<th>{label(h)}</th>" for h in ("report_section", "report_points", "report_diagnosis"))
    title = label("report_title")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} · {escape(grade.assignment)}</title>
<style>{_STYLE}</style></head><body>
<h1>{title}</h1>
<p>{" · ".join(f"<b>{label(key)}:</b> {value}" for key, value in facts)}</p>
{notes_html}{comments_html}
<table><tr>{head}</tr>
{"".join(rows)}
</table></body></html>
"""


def _verdict_item(verdict: CheckVerdict, lang: str) -> str:
    mark = '<span class="ok">✔</span>' if verdict.passed else '<span class="ko">✘</span>'
    parts = [f"{mark} {escape(verdict.message)}"]
    if not verdict.passed:
        case = [messages.text("report_inputs", lang, inputs=verdict.inputs)] if verdict.inputs else []
        case += [verdict.difference] if verdict.difference else []
        if case:
            parts.append(f"<div class='case'>{escape(' · '.join(case))}</div>")
        if verdict.observed:
            parts.append(f"<div class='case'>{escape(messages.text('report_observed', lang))}:</div>"
                         f"<pre>{escape(verdict.observed)}</pre>")
    return f"<li>{''.join(parts)}</li>"


def _local(when: datetime, timezone: str) -> str:
    return when.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def generate(course: Course, assignment: str, lang: str, students: list[str] | None = None) -> list[Path]:
    """Run nbgrader's generate_feedback with this report for ``assignment``; returns the reports."""
    gradebook.find_alembic()
    gradebook.sync_schedule(course, assignment)
    config = Config(course.config)
    config.merge(Config({**SETTINGS, "Autograder": {"lang": lang}}))
    api = NbGraderAPI(coursedir=course.coursedir, config=config)
    written: list[Path] = []
    for student in students if students is not None else [None]:
        outcome = api.generate_feedback(assignment, student_id=student, force=True)
        if not outcome.get("success"):
            raise CourseError(f"nbgrader generate_feedback failed for {assignment}:\n"
                              f"{outcome.get('error') or outcome.get('log')}")
    for grade in gradebook.grades(course, assignment, students, sync=False):
        if grade.status is not Status.MISSING:
            written += sorted(course.feedback_dir(grade.student, assignment).glob("*.html"))
    return written


def release(course: Course, assignment: str) -> None:
    """Deliver generated reports to students through the exchange (nbgrader's release_feedback)."""
    api = NbGraderAPI(coursedir=course.coursedir, config=course.config)
    outcome = api.release_feedback(assignment)
    if not outcome.get("success"):
        raise CourseError(f"nbgrader release_feedback failed for {assignment}:\n{outcome.get('error') or outcome.get('log')}")


def configured(course: Course) -> bool:
    """Whether formgrader's "Generate Feedback" produces this report in ``course``."""
    settings = course.config.get("GenerateFeedback", {})
    return str(settings.get("exporter_class", "")) == SETTINGS["GenerateFeedback"]["exporter_class"]
