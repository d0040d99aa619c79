"""The class report: one self-contained HTML page (inline SVG and CSS) built from the gradebook."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from nbgrader.exchange.default.exchange import Exchange

from autograder import gradebook, messages
from autograder.classreport import charts, stats
from autograder.course import Course
from autograder.records import Grade, Status, phase_statistics, points
from autograder.reports import mistake_titles

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{margin-top:1.4rem}
table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #d5d5d5;padding:.3rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.n{text-align:right;white-space:nowrap}.review{background:#fff4e5}
.muted{color:#666;font-size:.9rem}.grid{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
.card{border:1px solid #e3e3e3;border-radius:6px;padding:.6rem 1rem}.card>b{display:block}svg{max-width:100%;height:auto}
"""


def assignment_page(course: Course, assignment: str, lang: str) -> str:
    grades = gradebook.grades(course, assignment)
    title = f"{messages.text('class_title', lang)} · {escape(assignment)}"
    return _page(title, lang, _generated(course, lang) + section(course, assignment, grades, lang))


def course_page(course: Course, lang: str) -> str:
    """Every graded assignment: one row per student, then each assignment's section."""
    names = [a for a in course.assignments if gradebook.has_assignment(course, a)]
    by_assignment = {a: gradebook.grades(course, a) for a in names}
    students = sorted({g.student for grades in by_assignment.values() for g in grades})
    table = {(g.student, a): g for a, grades in by_assignment.items() for g in grades}
    head = "".join(f"<th>{escape(a)}</th>" for a in names)
    rows = []
    for student in students:
        cells = [table.get((student, a)) for a in names]
        total = sum(g.final for g in cells if g is not None)
        rows.append(f"<tr><td>{escape(student)}</td>"
                    + "".join(f"<td class='n'>{_score_cell(g, lang)}</td>" for g in cells)
                    + f"<td class='n'><b>{points(total)}</b></td></tr>")
    possible = sum(grades[0].max_score for grades in by_assignment.values() if grades)
    matrix = (f"<table><tr><th>{messages.text('report_student', lang)}</th>{head}"
              f"<th>{messages.text('class_total', lang)} / {points(possible)}</th></tr>{''.join(rows)}</table>")
    body = _generated(course, lang) + matrix + "".join(
        f"<h2>{escape(a)}</h2>" + section(course, a, grades, lang, level=3) for a, grades in by_assignment.items())
    return _page(messages.text("class_course_title", lang), lang, body)


def _score_cell(grade: Grade | None, lang: str) -> str:
    if grade is None:
        return "—"
    if grade.status is Status.MISSING:
        return f"<span class='muted'>{messages.text('status_missing', lang)}</span>"
    return points(grade.final)


def _generated(course: Course, lang: str) -> str:
    when = datetime.now(UTC).astimezone(ZoneInfo(Exchange(config=course.config).timezone)).strftime("%Y-%m-%d %H:%M")
    return f"<p class='muted'>{messages.text('class_generated', lang, when=when)}</p>"


def _page(title: str, lang: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_STYLE}</style></head><body><h1>{title}</h1>{body}</body></html>\n")


def section(course: Course, assignment: str, grades: list[Grade], lang: str, level: int = 2) -> str:
    """One assignment's part of a report."""
    def t(key: str, **fields: Any) -> str:
        return messages.text(key, lang, **fields)

    h = f"h{level}"
    titles = {}
    for notebook in course.assignment(assignment).notebooks:
        titles.update(course.assignment(assignment).sections(notebook))
    parts = [f"<{h}>{t('class_status')}</{h}>", _status_table(grades, lang)]
    dist = stats.distribution(grades)
    labels = {"mean": t("class_mean"), "median": t("class_median"), "quartiles": t("class_quartiles"),
              "score": t("report_score"), "students": t("class_students"), "due": t("class_due"),
              "submitted": t("class_submitted")}
    charts_html = []
    if dist is not None:
        numbers = (f"<p class='muted'>{t('class_mean')} {points(dist.mean)} · {t('class_median')} {points(dist.median)}"
                   f" · {t('class_quartiles')} {points(dist.q1)} – {points(dist.q3)} / {points(dist.max_score)}</p>")
        charts_html.append(f"<div class='card'><b>{t('class_scores')}</b>{numbers}{charts.histogram(dist, labels)}</div>")
    times = [g.timestamp for g in grades if g.timestamp is not None]
    if times:
        due = gradebook.due_date_of(course, assignment)
        charts_html.append(f"<div class='card'><b>{t('class_timeline')}</b>"
                           f"{charts.submissions_over_time(times, due, labels)}</div>")
    parts.append(f"<div class='grid'>{''.join(charts_html)}</div>")
    parts += [f"<{h}>{t('class_checks')}</{h}>", _checks_table(grades, titles, lang)]
    parts += [f"<{h}>{t('class_mistakes')}</{h}>", _mistakes_table(course, assignment, grades, titles, lang)]
    parts += [f"<{h}>{t('class_flagged')}</{h}>", _flagged_table(course, grades, lang)]
    parts += [f"<{h}>{t('class_timing')}</{h}>", _timing_table(grades, lang)]
    return "".join(parts)


def _status_table(grades: list[Grade], lang: str) -> str:
    counts = stats.status_counts(grades)
    head = "".join(f"<th>{messages.text(f'status_{k}', lang) if k != 'late' else messages.text('class_late', lang)}</th>"
                   for k in counts)
    return f"<table><tr>{head}</tr><tr>{''.join(f'<td class=n>{v}</td>' for v in counts.values())}</tr></table>"


def _checks_table(grades: list[Grade], titles: dict[str, str], lang: str) -> str:
    rows = stats.item_analysis(grades)
    if not rows:
        return f"<p>{messages.text('class_none', lang)}</p>"
    head = "".join(f"<th>{messages.text(k, lang)}</th>" for k in (
        "report_section", "class_check", "class_pass_rate", "class_difficulty", "class_discrimination", "class_review"))
    body = []
    for row in rows:
        disc = "—" if row.discrimination is None else f"{row.discrimination:.2f}"
        mark = "⚑" if row.review else ""
        body.append(f"<tr class='{'review' if row.review else ''}'><td>{escape(titles.get(row.cell, row.cell))}</td>"
                    f"<td><code>{escape(row.check)}</code></td><td class=n>{row.pass_rate:.0%}</td>"
                    f"<td class=n>{row.difficulty:.2f}</td><td class=n>{disc}</td><td>{mark}</td></tr>")
    note = messages.text("class_checks_note", lang, hard=stats.TOO_HARD, easy=stats.TOO_EASY,
                         weak=stats.WEAK_DISCRIMINATION)
    return f"<p class='muted'>{note}</p><table><tr>{head}</tr>{''.join(body)}</table>"


def _mistakes_table(course: Course, assignment: str, grades: list[Grade], titles: dict[str, str], lang: str) -> str:
    """One row per named mistake (students who made it anywhere), with where it showed and how often."""
    found = stats.mistakes(grades)
    if not found:
        return f"<p>{messages.text('class_none', lang)}</p>"
    full = {m.id: m.message(lang) for check in course.assignment(assignment).checks().values() for m in check.mistakes}
    short = mistake_titles(course, assignment, lang)
    cells_of = {v.id: c.grade_id for g in grades if g.result for c in g.result.cells for v in c.checks}
    ran = sum(1 for g in grades if g.result is not None and g.status is not Status.MISSING) or 1
    grouped: dict[str, list[stats.MistakeCount]] = {}
    for entry in found:
        grouped.setdefault(entry.mistake, []).append(entry)
    order = sorted(grouped, key=lambda m: (-len({s for e in grouped[m] for s in e.students}), m))
    head = "".join(f"<th>{messages.text(k, lang)}</th>" for k in (
        "class_mistake", "report_section", "class_students", "class_who"))
    body = []
    for mistake in order:
        students = sorted({s for entry in grouped[mistake] for s in entry.students})
        position = {cell: index for index, cell in enumerate(titles)}
        entries = sorted(grouped[mistake], key=lambda e: position.get(cells_of.get(e.check, ""), len(position)))
        where = "<br>".join(f"{escape(titles.get(cells_of.get(e.check, ''), e.check))} ({len(e.students)})"
                            for e in entries)
        who = ", ".join(students[:12]) + (" …" if len(students) > 12 else "")
        title, message = short(mistake), full.get(mistake, "")
        detail = f"<br><span class='muted'>{escape(message)}</span>" if message.rstrip(".") != title else ""
        body.append(f"<tr><td><b>{escape(title)}</b>{detail}</td><td>{where}</td>"
                    f"<td class=n>{len(students)} ({len(students) / ran:.0%})</td><td>{escape(who)}</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _flagged_table(course: Course, grades: list[Grade], lang: str) -> str:
    flagged = [g for g in grades if g.flags or g.status in (Status.TIMEOUT, Status.CRASHED, Status.INVALID)]
    if not flagged:
        return f"<p>{messages.text('class_none', lang)}</p>"
    base = course.settings.formgrader_url.rstrip("/")
    body = []
    for grade in flagged:
        reasons = [*grade.flags]
        if grade.result and grade.result.detail and "Traceback" not in grade.result.detail:
            reasons.insert(0, grade.result.detail)
        links = " ".join(f"<a href='{escape(base)}/submissions/{escape(nb_id)}/?index=0'>"
                         f"{messages.text('class_open', lang)}</a>" for nb_id in grade.notebook_ids.values())
        body.append(f"<tr><td>{escape(grade.student)}</td><td>{messages.text(f'status_{grade.status.value}', lang)}</td>"
                    f"<td>{'<br>'.join(escape(r) for r in reasons)}</td><td>{links}</td></tr>")
    head = "".join(f"<th>{messages.text(k, lang)}</th>" for k in ("report_student", "report_status", "class_reasons"))
    return f"<table><tr>{head}<th></th></tr>{''.join(body)}</table>"


def _timing_table(grades: list[Grade], lang: str) -> str:
    results = [g.result for g in grades if g.result is not None]
    phases = phase_statistics(results)
    if not phases:
        return f"<p>{messages.text('class_none', lang)}</p>"
    rows = "".join(f"<tr><td>{escape(name)}</td><td class=n>{median:.2f}</td><td class=n>{p95:.2f}</td></tr>"
                   for name, (median, p95) in phases.items())
    slowest = sorted(results, key=lambda r: -r.seconds)[:5]
    slow = ", ".join(f"{escape(r.student)} ({r.seconds:.1f} s)" for r in slowest)
    return (f"<table><tr><th>{messages.text('class_phase', lang)}</th><th>{messages.text('class_median', lang)} (s)</th>"
            f"<th>p95 (s)</th></tr>{rows}"
            f"</table><p>{messages.text('class_slowest', lang)}: {slow}</p>")
