"""End-to-end tier: real notebooks graded in the sandboxed kernel, for every assignment.

Each assignment's demo class (reference/<assignment>/demo.py) is built in a scratch course,
released with nbgrader, graded with the local runner, and checked student by student.
"""

from __future__ import annotations

import json
from html import escape

import pytest
from nbgrader.api import Gradebook

from autograder.demo import submissions
from autograder import feedback, gradebook
from autograder.records import Status
from autograder.exports import to_csv, to_json
from conftest import ASSIGNMENTS, COURSE

pytestmark = pytest.mark.e2e


def _students(predicate):
    for assignment in ASSIGNMENTS:
        for submission in submissions(COURSE.assignment(assignment)):
            if predicate(submission):
                yield pytest.param(assignment, submission, id=f"{assignment}:{submission.student}")


@pytest.mark.parametrize(("assignment", "submission"), list(_students(lambda s: True)))
def test_every_submission_ends_with_its_expected_status(graded_class, assignment, submission) -> None:
    _, results = graded_class(assignment)
    result = results[submission.student]
    assert result.status is submission.status, result.detail
    if submission.full_marks:
        assert result.score == result.max_score > 0
        assert not result.flags
    if submission.blank:
        assert result.score == 0


@pytest.mark.parametrize(("assignment", "submission"), list(_students(lambda s: bool(s.expect))))
def test_each_mistake_loses_points_and_is_named(graded_class, assignment, submission) -> None:
    _, results = graded_class(assignment)
    result = results[submission.student]
    verdicts = {v.id: v for cell in result.cells for v in cell.checks}
    for check_id, mistake in submission.expect.items():
        verdict = verdicts[check_id]
        assert not verdict.passed and verdict.fraction < 1.0, verdict.message
        assert verdict.mistake == mistake, verdict.message
    assert result.score < result.max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_gradebook_holds_the_recorded_scores(graded_class, assignment) -> None:
    demo, results = graded_class(assignment)
    coursedir = demo.coursedir
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for student, result in results.items():
            if result.status is Status.MISSING:
                continue
            submission = gb.find_submission(assignment, student)
            assert submission.score == pytest.approx(result.score)
            assert submission.max_score == pytest.approx(result.max_score)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_teaches_without_leaking(graded_class, assignment) -> None:
    demo, results = graded_class(assignment)
    paths = feedback.generate(demo, assignment, "es")
    secret_markers = ("BEGIN HIDDEN TESTS", "from autograder.sandbox import check", "Traceback (most recent")
    assert paths
    for path in paths:
        html = path.read_text()
        assert not any(marker in html for marker in secret_markers), path
    notebook = COURSE.assignment(assignment).notebooks[0]
    for submission in submissions(COURSE.assignment(assignment)):
        html = (demo.root / "feedback" / submission.student / assignment / f"{notebook}.html").read_text()
        assert f"{results[submission.student].score:.2f} / {results[submission.student].max_score:.2f}" in html
        for check_id in submission.expect:
            verdict = next(v for c in results[submission.student].cells for v in c.checks if v.id == check_id)
            assert escape(verdict.message) in html


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_export_has_the_documented_shape(graded_class, assignment) -> None:
    demo, results = graded_class(assignment)
    grades = gradebook.grades(demo, assignment)
    rows = json.loads(to_json(grades))
    assert {tuple(sorted(r)) for r in rows} == {
        ("adjusted", "assignment", "cells", "checks", "comments", "flags", "late_penalty", "max_score", "score",
         "status", "student", "timestamp")}
    for row in rows:
        assert row["score"] == round(results[row["student"]].score, 2)
        for check in row["checks"]:
            assert sorted(check) == ["cell", "id", "max_points", "message", "mistake", "passed", "points"]
    assert to_csv(grades).splitlines()[0].startswith("student,assignment,status,score,max_score,late_penalty,adjusted,mistakes")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_regrade_gives_identical_results(graded_class, assignment) -> None:
    from autograder.engine import BatchOptions, grade

    demo, first = graded_class(assignment)
    chosen = [s.student for s in submissions(COURSE.assignment(assignment)) if s.full_marks or s.expect][:3]
    again = {r.student: r for r in grade(demo, assignment, BatchOptions("local", workers=2, lang="es", regrade=True),
                                         chosen)}
    for student, result in again.items():
        before, after = first[student].to_json(), result.to_json()
        for timed in (before, after):
            timed.pop("seconds"), timed.pop("timings")
        assert before == after


def test_cheating_attempts_gain_nothing_and_are_flagged(graded_class) -> None:
    from autograder.checks import observe
    from autograder.oracle import OracleSession

    demo, results = graded_class("rnn")
    assignment = demo.assignment("rnn")
    no_bias = next(m for m in assignment.checks()["rnn.rnn_step_forward"].mistakes if m.id == "rnn.missing_bias")
    for student in ("karim", "mario", "oscar"):
        # What the same student's wrong cell earns with no tricks at all, judged in-process.
        session = OracleSession(assignment, student, demo.secret(), "es")
        cases = session.cases("rnn.rnn_step_forward")
        honest = session.judge("rnn.rnn_step_forward", cases,
                               [observe(no_bias.implementation, c) for c in cases])
        recorded = next(v for c in results[student].cells for v in c.checks if v.id == "rnn.rnn_step_forward")
        assert recorded.fraction == honest.fraction < 1.0
    assert results["lucia"].score == 0  # replaced the check client: no verdict was ever recorded
    assert results["oscar"].flags and "fuera de la celda" in results["oscar"].flags[0]


def test_infinite_loop_times_out_and_finished_cells_still_score(graded_class) -> None:
    _, results = graded_class("rnn")
    assert results["pablo"].status is Status.TIMEOUT
    assert results["pablo"].score == results["pablo"].max_score


def test_malformed_and_missing_notebooks_are_invalid(graded_class, tmp_path) -> None:
    from autograder.engine import BatchOptions, grade

    demo, _ = graded_class("rnn")
    folder = demo.root / "submitted" / "zoe" / "rnn"
    folder.mkdir(parents=True)
    (folder / "rnn.ipynb").write_text("{ this is not json")
    (result,) = grade(demo, "rnn", BatchOptions(lang="es"), ["zoe"])
    assert result.status is Status.INVALID and result.score == 0 and "no se puede leer" in result.detail
    (folder / "rnn.ipynb").unlink()
    (result,) = grade(demo, "rnn", BatchOptions(lang="es"), ["zoe"])
    assert result.status is Status.INVALID
