"""Fast tier: the course loop around grading, without kernels.

The gradebook as the one source of grades (TA adjustments survive regrades and reach every
export and report), due dates and late penalties, flags where TAs see them, student-id
hygiene, the exchange's safe collect, and malformed submissions.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import exchange, feedback, gradebook
from autograder.course import Course, CourseError, student_id_problem
from autograder.demo import scratch_course
from autograder.engine import check_students
from autograder.late import penalty
from autograder.pipeline import Context, grade_submission
from autograder.records import CellScore, CheckVerdict, Status, SubmissionResult
from autograder.release import generate
from autograder.exports import to_csv, to_json
from autograder.runners import make_runner
from autograder.submission import SubmissionError, SubmittedWork, copy_submission, read_submission
from conftest import COURSE

ON_TIME = datetime(2026, 11, 20, 9, 0)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch course with rnn generated once; each test copies it."""
    course = scratch_course(COURSE, "rnn", tmp_path_factory.mktemp("released") / "course")
    generate(course, course.assignment("rnn"))
    return course.root


@pytest.fixture
def course(released: Path, tmp_path: Path) -> Course:
    root = tmp_path / "course"
    shutil.copytree(released, root)
    return Course(root)


def _with(course: Course, **settings: dict) -> Course:
    return Course(course.root, settings)


def _result(course: Course, student: str, fraction: float, flags: list[str] | None = None,
            status: Status = Status.GRADED) -> SubmissionResult:
    cells = [CellScore(c.grade_id, c.max_points, c.max_points * fraction,
                       [CheckVerdict(f"rnn.{c.grade_id}", fraction == 1, fraction, None, "ok")])
             for c in gradebook.blank_cells(course, "rnn", "rnn")]
    return SubmissionResult(student, "rnn", status, sum(c.points for c in cells), sum(c.max_points for c in cells),
                            cells, flags=flags or [])


def _ta_adjusts(course: Course, student: str, cell: str, manual: float, extra: float, comment: str) -> None:
    """What formgrader does when a TA scores a cell and comments on an answer."""
    with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:
        grade = gb.find_grade(cell, "rnn", "rnn", student)
        grade.manual_score, grade.extra_credit, grade.needs_manual_grade = manual, extra, False
        gb.find_comment("rnn_forward", "rnn", "rnn", student).manual_comment = comment
        gb.db.commit()


def test_late_policy() -> None:
    assert penalty("none", 10, 0, 8.0, 3600) is None
    assert penalty("percent_per_day", 10, 0, 8.0, 0) is None
    assert penalty("percent_per_day", 10, 0, 8.0, 1) == pytest.approx(0.8)           # a day begun
    assert penalty("percent_per_day", 10, 0, 8.0, 86400 + 1) == pytest.approx(1.6)
    assert penalty("percent_per_hour", 5, 0, 10.0, 2.5 * 3600) == pytest.approx(1.5)
    assert penalty("percent_per_day", 10, 48, 8.0, 49 * 3600) == 8.0                 # past the cut-off
    assert penalty("percent_per_day", 50, 0, 8.0, 5 * 86400) == 8.0                  # never below zero
    assert penalty("zero", 10, 0, 8.0, 1) == 8.0


def test_ta_adjustments_survive_regrades_and_reach_every_output(course: Course) -> None:
    cells = gradebook.blank_cells(course, "rnn", "rnn")
    adjusted = cells[1].grade_id
    assert gradebook.record(course, _result(course, "ana", 0.5), ["rnn"], ON_TIME) is None
    _ta_adjusts(course, "ana", adjusted, manual=cells[1].max_points, extra=0.5, comment="Bien razonado")
    before = gradebook.grades(course, "rnn", ["ana"])[0]

    change = gradebook.record(course, _result(course, "ana", 0.25), ["rnn"], ON_TIME)   # a regrade
    grade = gradebook.grades(course, "rnn", ["ana"])[0]
    adjusted_cell = next(c for c in grade.cells if c.grade_id == adjusted)
    assert adjusted_cell.manual == cells[1].max_points and adjusted_cell.extra_credit == 0.5
    assert change is not None and change.before == pytest.approx(before.final) and change.after == pytest.approx(grade.final)
    expected = sum(c.max_points * 0.25 for c in cells if c.grade_id != adjusted) + cells[1].max_points + 0.5
    assert grade.final == pytest.approx(expected) and grade.adjusted
    with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:
        assert not gb.find_grade(adjusted, "rnn", "rnn", "ana").needs_manual_grade   # stays out of the queue
        assert gb.find_submission("rnn", "ana").score == pytest.approx(expected)      # what nbgrader export reads

    shown = f"{expected:.2f}"
    assert f"ana,rnn,graded,{shown}," in to_csv([grade])
    assert json.loads(to_json([grade]))[0]["score"] == round(expected, 2)
    html = feedback.render(course, grade, "rnn", "es")
    assert f"{shown} / {grade.max_score:.2f}" in html and "Bien razonado" in html


def test_due_date_changes_and_extensions_recompute_the_penalty(course: Course) -> None:
    policy = {"LatePenalty": {"method": "percent_per_day", "percent": 10.0, "cutoff_hours": 0.0}}
    late = _with(course, Autograder={"due_dates": {"rnn": "2026-11-19T03:00+00:00"}}, **policy)
    gradebook.record(late, _result(late, "ana", 1.0), ["rnn"], ON_TIME)              # 30 h late: 2 days begun
    grade = gradebook.grades(late, "rnn", ["ana"])[0]
    assert grade.late_penalty == pytest.approx(0.2 * grade.score) and grade.seconds_late == 30 * 3600

    moved = _with(course, Autograder={"due_dates": {"rnn": "2026-11-20 08:00"}}, **policy)  # Madrid: 07:00 UTC
    grade = gradebook.grades(moved, "rnn", ["ana"])[0]
    assert grade.seconds_late == 2 * 3600 and grade.late_penalty == pytest.approx(0.1 * grade.score)

    extended = _with(course, Autograder={"due_dates": {"rnn": "2026-11-20 08:00"}, "extensions": {"rnn": {"ana": 3}}},
                     **policy)
    grade = gradebook.grades(extended, "rnn", ["ana"])[0]
    assert grade.late_penalty == 0 and grade.final == grade.score
    with pytest.raises(CourseError, match="not a date"):
        gradebook.due_date(_with(course, Autograder={"due_dates": {"rnn": "mañana"}}), "rnn")


def test_flag_reasons_show_in_formgrader_and_clear_on_a_clean_regrade(course: Course) -> None:
    gradebook.record(course, _result(course, "ana", 0.0, ["La celda «2. Desenrollado» pidió otra comprobación"],
                                      Status.TIMEOUT), ["rnn"], ON_TIME)
    with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:
        submitted = gb.find_submission_notebook("rnn", "rnn", "ana")
        comments = [c.auto_comment for c in submitted.comments if c.auto_comment]
        assert submitted.flagged and len(comments) == 1
        assert "tiempo agotado" in comments[0] and "pidió otra comprobación" in comments[0]
    gradebook.record(course, _result(course, "ana", 1.0), ["rnn"], ON_TIME)
    with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:
        submitted = gb.find_submission_notebook("rnn", "rnn", "ana")
        assert not submitted.flagged and not any(c.auto_comment for c in submitted.comments)


@pytest.mark.parametrize(("student", "ok"), [
    ("ana", True), ("José María", True), ("ana.lópez@uni.es", True), ("1234-x_y+z", True),
    ("../x", False), ("a/b", False), ("$(rm -rf ~)", False), ("o'brien", False), ("-rf", False), (".hidden", False),
    ("", False), (" ana", False), ("a" * 65, False), ("tab\there", False)])
def test_student_ids_are_accepted_or_refused_with_a_reason(student: str, ok: bool) -> None:
    assert (student_id_problem(student) is None) is ok
    if not ok:
        with pytest.raises(CourseError, match="student id"):
            COURSE.results_path(student, "rnn")


def test_an_unknown_student_is_an_error_naming_close_matches(course: Course) -> None:
    (course.root / "submitted" / "bruno" / "rnn").mkdir(parents=True)
    with pytest.raises(CourseError, match="Did you mean: bruno"):
        check_students(course, "rnn", ["bruni"])


def test_collect_copies_without_following_and_grading_says_why(tmp_path: Path) -> None:
    inbound = tmp_path / "inbound"
    (inbound / "data").mkdir(parents=True)
    (inbound / "rnn.ipynb").write_text("{}")
    (inbound / "data" / "notes.txt").write_text("mine")
    os.symlink("/etc/shadow", inbound / "data" / "shadow")
    os.mkfifo(inbound / "pipe")
    copy = tmp_path / "submitted"
    copy_submission(inbound, copy)
    assert (copy / "data" / "notes.txt").read_text() == "mine"
    assert os.readlink(copy / "data" / "shadow") == "/etc/shadow"      # recreated, never read
    assert (copy / "pipe").is_fifo()
    with pytest.raises(SubmissionError) as refused:
        read_submission(copy, ["rnn"])
    assert refused.value.key == "detail_unsafe_file"


def test_a_backdated_timestamp_is_replaced_by_the_folders_own_time(tmp_path: Path) -> None:
    inbound = tmp_path / "ana+rnn+2020"
    inbound.mkdir()
    (inbound / "timestamp.txt").write_text("2020-01-01 00:00:00.000000 UTC")
    dest = tmp_path / "copy"
    exchange.SafeCollect.do_copy(exchange.SafeCollect.__new__(exchange.SafeCollect), str(inbound), str(dest))
    when = SubmittedWork(files=tuple(read_submission(dest, ["rnn"]).files)).timestamp()
    assert when is not None and abs((datetime.now(when.tzinfo) - when).total_seconds()) < 60


def test_the_exchange_refuses_a_course_folder_someone_else_created(course: Course) -> None:
    root = exchange.prepare(course)
    assert root.stat().st_mode & 0o7777 == 0o1777
    folder = root / course.coursedir.course_id
    os.chown(folder, 12345, 12345)
    with pytest.raises(CourseError, match="not created by this account"):
        exchange.prepare(course)


@pytest.mark.parametrize(("content", "reason"), [
    (b"not json at all", "no se puede leer"),
    (b'{"cells": "x"}', "no se puede leer"),
    (json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}).encode(), "nbformat 3"),
])
def test_malformed_notebooks_are_invalid_with_a_reason(course: Course, content: bytes, reason: str) -> None:
    assignment = course.assignment("rnn")
    context = Context(course, assignment, make_runner("local", course.config), "es",
                      {"rnn": gradebook.blank_cells(course, "rnn", "rnn")}, gradebook.max_score(course, "rnn"))
    graded = grade_submission(context, "ana", SubmittedWork({"rnn": content}))
    assert graded.result.status is Status.INVALID and reason in graded.result.detail
    assert graded.result.score == 0


def test_a_second_notebook_makes_the_submission_invalid(tmp_path: Path) -> None:
    for name in ("rnn.ipynb", "rnn-copia.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / name))
    with pytest.raises(SubmissionError) as refused:
        read_submission(tmp_path, ["rnn"])
    assert refused.value.key == "detail_extra_notebook"


def test_timestamps_round_trip_through_the_gradebook(course: Course) -> None:
    gradebook.record(course, _result(course, "ana", 1.0), ["rnn"], ON_TIME + timedelta(minutes=5))
    grade = gradebook.grades(course, "rnn", ["ana"])[0]
    assert grade.timestamp is not None and grade.timestamp.replace(tzinfo=None) == ON_TIME + timedelta(minutes=5)


def test_a_kernel_that_stops_mid_check_is_not_reported_as_tampering(tmp_path: Path) -> None:
    import socket

    from autograder.oracle import OracleSession

    session = OracleSession(COURSE.assignment("rnn"), "ana", b"secret", "es")
    with session.serve(tmp_path / "oracle.sock"):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(str(tmp_path / "oracle.sock"))
        client.sendall(b"\x00\x00\x00\x00\x00\x00\x01\x00{\"type\"")   # interrupted mid-frame
        client.close()
    assert session.flags == []


def test_planted_links_and_fifos_in_the_inbound_folder_never_stop_or_fool_collect(tmp_path: Path) -> None:
    inbound = tmp_path / "inbound"
    (inbound / "ana+rnn+1").mkdir(parents=True)
    os.mkfifo(inbound / "ana+rnn+1" / "timestamp.txt")             # would block a plain read
    os.symlink("/etc", inbound / "bruno+rnn+1")                       # the entry itself is a link
    collect = exchange.SafeCollect.__new__(exchange.SafeCollect)
    for name in ("ana+rnn+1", "bruno+rnn+1"):
        exchange.SafeCollect.do_copy(collect, str(inbound / name), str(tmp_path / name))
        stamp = tmp_path / name / "timestamp.txt"
        assert stamp.is_file() and not stamp.is_symlink()
    assert sorted(p.name for p in (tmp_path / "bruno+rnn+1").iterdir()) == ["timestamp.txt"]
