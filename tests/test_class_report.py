"""Fast tier: the class report's numbers and the LMS exports, against a gradebook built here
(a TA override and a late penalty included), without kernels."""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from nbgrader.api import Gradebook

from autograder import exports, gradebook, roster
from autograder.classreport import stats
from autograder.classreport.page import assignment_page, course_page
from autograder.course import Course, CourseError, write_atomic
from autograder.demo import scratch_course
from autograder.records import CellScore, CheckVerdict, Status, SubmissionResult
from autograder.release import generate
from conftest import COURSE

DUE = "2026-11-20T10:00+00:00"
ON_TIME = datetime(2026, 11, 20, 9, 0)
# student -> (credit on every check, mistake named on failing checks, hours late)
CLASS = {"ana": (1.0, None, 0), "bruno": (0.5, "rnn.missing_bias", 0), "carla": (0.25, "rnn.missing_bias", 30),
         "dario": (0.0, "not_implemented", 0), "elena": (0.75, "rnn.squeeze", 0)}


def _result(course: Course, student: str, credit: float, mistake: str | None) -> SubmissionResult:
    cells = []
    for cell in gradebook.blank_cells(course, "rnn", "rnn"):
        check = f"rnn.{cell.grade_id.removeprefix('test_')}"
        verdict = CheckVerdict(check, credit == 1, credit, None if credit == 1 else mistake, "…")
        cells.append(CellScore(cell.grade_id, cell.max_points, cell.max_points * credit, [verdict]))
    return SubmissionResult(student, "rnn", Status.GRADED, sum(c.points for c in cells),
                            sum(c.max_points for c in cells), cells, flags=["⚑ otra celda"] if credit == 0 else [])


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = scratch_course(COURSE, "rnn", tmp_path_factory.mktemp("class") / "course").root
    (root / "roster.csv").write_text(
        "student,name,email,canvas_id,sis_user_id,sis_login_id,section,id_number\n"
        "ana,Ana Pérez,ana@uni.es,101,S1,ana.p,A,1\nbruno,Bruno Gil,bruno@uni.es,102,S2,bruno.g,A,2\n"
        "carla,Carla Ruiz,carla@uni.es,103,S3,carla.r,B,3\ndario,Darío Sanz,,104,S4,dario.s,B,4\n"
        "felipe,Felipe Mora,felipe@uni.es,106,S6,felipe.m,B,6\n")
    course = Course(root, {"Autograder": {"due_dates": {"rnn": DUE}, "lms_assignment_ids": {"rnn": "777"}},
                           "LatePenalty": {"method": "percent_per_day", "percent": 10.0, "cutoff_hours": 0.0}})
    generate(course, course.assignment("rnn"))
    for student, (credit, mistake, late) in CLASS.items():
        result = _result(course, student, credit, mistake)
        gradebook.record(course, result, ["rnn"], ON_TIME + timedelta(hours=1 + late) if late else ON_TIME)
        write_atomic(course.results_path(student, "rnn"), json.dumps(result.to_json()))
    with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:   # a TA regrades elena's first cell
        first = gradebook.blank_cells(course, "rnn", "rnn")[0]
        grade = gb.find_grade(first.grade_id, "rnn", "rnn", "elena")
        grade.manual_score = first.max_points
        gb.add_student("gema")                                                # registered, never submitted
        gb.db.commit()
    return course


def test_distribution_status_and_penalty_match_the_gradebook(graded: Course) -> None:
    grades = {g.student: g for g in gradebook.grades(graded, "rnn")}
    max_score = grades["ana"].max_score
    first = gradebook.blank_cells(graded, "rnn", "rnn")[0].max_points
    assert grades["carla"].late_penalty == pytest.approx(0.25 * max_score * 0.2)         # 31 h late: 2 days
    assert grades["elena"].final == pytest.approx(0.75 * max_score + 0.25 * first)       # the TA's score
    finals = sorted(g.final for g in grades.values() if g.status is not Status.MISSING)
    dist = stats.distribution(list(grades.values()))
    assert dist.mean == pytest.approx(statistics.fmean(finals))
    assert dist.median == pytest.approx(statistics.median(finals))
    assert (dist.q1, dist.q3) == pytest.approx(tuple(np.percentile(finals, [25, 75])))
    counts = stats.status_counts(list(grades.values()))
    assert counts["graded"] == 5 and counts["missing"] == 1 and counts["late"] == 1


def test_item_analysis_and_mistakes(graded: Course) -> None:
    grades = gradebook.grades(graded, "rnn")
    rows = {r.check: r for r in stats.item_analysis(grades)}
    credits = [CLASS[s][0] for s in sorted(CLASS)]
    row = rows["rnn.rnn_forward"]
    assert row.students == 5 and row.pass_rate == pytest.approx(0.2)
    assert row.difficulty == pytest.approx(statistics.fmean(credits))
    assert row.discrimination is not None and row.discrimination > 0.9     # every check agrees with the rest
    found = {(m.check, m.mistake): m.students for m in stats.mistakes(grades)}
    assert found[("rnn.rnn_forward", "rnn.missing_bias")] == ["bruno", "carla"]
    assert stats.mistakes(grades)[0].mistake == "rnn.missing_bias"          # most frequent first


def test_the_report_shows_what_the_gradebook_holds(graded: Course) -> None:
    grades = {g.student: g for g in gradebook.grades(graded, "rnn")}
    html = assignment_page(graded, "rnn", "es")
    assert "Errores más frecuentes" in html and "<svg" in html
    assert not any(ref in html for ref in ('src="http', "<link", "<script", "url(http"))   # viewable offline
    assert "sin el término de sesgo b" in html                                    # the mistake, in words
    assert f"/submissions/{grades['dario'].notebook_ids['rnn']}/" in html          # flagged, linked
    course = course_page(graded, "en")
    assert f"{grades['elena'].final:.2f}" in course and f"{grades['carla'].final:.2f}" in course


def test_canvas_import_follows_canvas_columns(graded: Course) -> None:
    by = {"rnn": gradebook.grades(graded, "rnn")}
    result = exports.to_canvas(by, roster.load(graded), {"rnn": "777"}, "es")
    rows = list(csv.reader(io.StringIO(result.text)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "rnn (777)"]
    assert rows[1][:5] == ["Points Possible", "", "", "", ""] and float(rows[1][5]) == by["rnn"][0].max_score
    body = {r[1]: r for r in rows[2:]}
    assert len(rows) - 2 == 5 and len(body) == 5                                  # one row per roster student
    grades = {g.student: g for g in by["rnn"]}
    assert body["103"][5] == f"{grades['carla'].final:.2f}" and body["106"][5] == ""
    assert all(r[5] == "" or float(r[5]) >= 0 for r in rows[2:])
    assert any("elena" in w for w in result.warnings) and any("felipe" in w for w in result.warnings)


def test_moodle_import_has_identity_grade_and_feedback_columns(graded: Course) -> None:
    by = {"rnn": gradebook.grades(graded, "rnn")}
    result = exports.to_moodle(by, roster.load(graded), "email", "es")
    rows = list(csv.DictReader(io.StringIO(result.text)))
    assert list(rows[0]) == ["Email address", "rnn", "rnn - comentarios"]
    by_email = {r["Email address"]: r for r in rows}
    assert "retraso" in by_email["carla@uni.es"]["rnn - comentarios"]
    assert float(by_email["ana@uni.es"]["rnn"]) == by["rnn"][0].max_score
    assert any("dario" in w for w in result.warnings)                        # no email: reported, not dropped silently
    assert len(exports.to_moodle(by, roster.load(graded), "id_number", "es").text.splitlines()) == 1 + 5


def test_a_broken_roster_is_explained(tmp_path: Path) -> None:
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(COURSE.root / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "roster.csv").write_text("email\nana@uni.es\n")
    with pytest.raises(CourseError, match="'student' column"):
        roster.load(Course(root))


@pytest.mark.e2e
@pytest.mark.browser
def test_the_report_opens_in_a_browser_without_errors(graded: Course) -> None:
    from browser_support import Browser, browser_paths

    paths = browser_paths()
    if paths is None:
        pytest.skip("chromium or chromedriver is not installed (make system installs them as root)")
    shots = COURSE.root / "build" / "report"
    shots.mkdir(parents=True, exist_ok=True)
    page = shots / "rnn.html"
    page.write_text(assignment_page(graded, "rnn", "es"), encoding="utf-8")
    browser = Browser(*paths, shots)
    try:
        browser.driver.set_window_size(1200, 2400)
        browser.tab("report", page.as_uri())
        browser.visible("svg", "the score histogram")
        charts = browser.driver.execute_script(
            "return [...document.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width > 100).length")
        broken = browser.driver.execute_script(
            "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
        browser.shot("class-report")
        errors = browser.console_errors()
    finally:
        browser.quit()
    assert charts >= 2 and broken == 0 and errors == []
