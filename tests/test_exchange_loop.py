"""End-to-end tier: the course loop through nbgrader's exchange, by the commands each role runs.

The instructor releases with ``autograder release``; students fetch and submit with nbgrader's
own commands (what JupyterLab's Assignments tab runs); ``autograder grade`` collects and
grades only what changed; ``autograder feedback --release`` delivers the grader's report,
which students fetch with ``nbgrader fetch_feedback``.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.course import Course
from autograder.demo import scratch_course, student_notebook, submissions
from conftest import COURSE

pytestmark = pytest.mark.e2e
NBGRADER = [sys.executable, "-m", "nbgrader"]


def _student(course: Course, home: Path, student: str, *command: str) -> None:
    """An nbgrader command as ``student`` runs it from their home folder."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(course.root / 'exchange')!r}\n"
        f"c.CourseDirectory.course_id = {course.coursedir.course_id!r}\nc.CourseDirectory.student_id = {student!r}\n")
    done = subprocess.run([*NBGRADER, *command], cwd=home, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _solve(course: Course, home: Path, student: str) -> None:
    demo = next(s for s in submissions(course.assignment("rnn")) if s.student == student)
    nbformat.write(student_notebook(course.assignment("rnn"), "rnn", demo), str(home / "rnn" / "rnn.ipynb"))


def _export(course: Course, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    capsys.readouterr()
    assert main(["--course", str(course.root), "export", "rnn"]) == 0
    return {row["student"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def test_release_submit_grade_regrade_and_feedback_through_the_exchange(tmp_path: Path, capsys) -> None:
    course = scratch_course(COURSE, "rnn", tmp_path / "course")
    root = course.root
    assert main(["--course", str(root), "release", "rnn"]) == 0
    homes = {s: tmp_path / "home" / s for s in ("ana", "karim")}
    for student, home in homes.items():
        _student(course, home, student, "fetch_assignment", "rnn")
        _solve(course, home, student if student == "karim" else "ana")
        _student(course, home, student, "submit", "rnn")

    assert main(["--course", str(root), "grade", "rnn", "--workers", "2"]) == 0
    first = _export(course, capsys)
    assert first["ana"]["score"] == "10.00" and float(first["karim"]["score"]) < 10
    assert (root / "submitted" / "karim" / "rnn" / "timestamp.txt").is_file()   # nbgrader's, kept

    # Nothing new: nothing is graded again. Karim resubmits a fixed notebook: only he is.
    assert main(["--course", str(root), "grade", "rnn"]) == 0
    assert "no han cambiado" in capsys.readouterr().err.replace("\n", " ")
    _solve(course, homes["karim"], "ana")
    _student(course, homes["karim"], "karim", "submit", "rnn")
    assert main(["--course", str(root), "grade", "rnn"]) == 0
    err = capsys.readouterr().err
    assert "karim:" in err and "→ 10.00" in err and "1 entregas no han cambiado" in err.replace("\n", " ")
    assert _export(course, capsys)["karim"]["score"] == "10.00"

    assert main(["--course", str(root), "feedback", "rnn", "--release"]) == 0
    _student(course, homes["karim"], "karim", "fetch_feedback", "rnn")
    # nbgrader files feedback under each submission's timestamp; the newest is the one graded.
    fetched = sorted((homes["karim"] / "rnn" / "feedback").glob("*/rnn.html"))
    assert fetched
    html = fetched[-1].read_text()
    assert "10.00 / 10.00" in html and "BEGIN HIDDEN TESTS" not in html and "check(" not in html
