"""How long the class report and the LMS exports take for a large class.

Builds a synthetic gradebook (default 1,000 students on `rnn`, random credit per check, named
mistakes, late submissions, TA overrides; no kernels), then times, in this process, reading
the grades back, rendering the assignment report and the course report, and the Canvas export:

    .venv/bin/python benchmarks/bench_report.py --students 1000

Setup (writing the gradebook) is timed apart: it is what grading a class costs anyway.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import exports, gradebook, roster  # noqa: E402
from autograder.classreport.page import assignment_page, course_page  # noqa: E402
from autograder.course import Course, write_atomic  # noqa: E402
from autograder.demo import scratch_course  # noqa: E402
from autograder.records import CellScore, CheckVerdict, Status, SubmissionResult  # noqa: E402
from autograder.release import generate  # noqa: E402

MISTAKES = ["rnn.missing_bias", "rnn.squeeze", "rnn.naive_tanh", "wrong_values", "exception"]


def build(root: Path, students: int, seed: int) -> Course:
    scratch_course(Course(ROOT), "rnn", root)
    course = Course(root, {"Autograder": {"due_dates": {"rnn": "2026-11-20T10:00+00:00"}}})
    generate(course, course.assignment("rnn"))
    rng = random.Random(seed)
    blank = gradebook.blank_cells(course, "rnn", "rnn")
    start = datetime(2026, 11, 18, 9, 0)
    lines = ["student,name,email,canvas_id,sis_user_id,sis_login_id,section,id_number"]
    for index in range(students):
        student = f"s{index:04d}"
        lines.append(f"{student},Student {index},{student}@uni.es,{1000 + index},S{index},{student},A,{index}")
        cells = []
        for cell in blank:
            credit = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0])
            check = f"rnn.{cell.grade_id.removeprefix('test_')}"
            mistake = None if credit == 1 else rng.choice(MISTAKES)
            cells.append(CellScore(cell.grade_id, cell.max_points, cell.max_points * credit,
                                   [CheckVerdict(check, credit == 1, credit, mistake, "…")]))
        result = SubmissionResult(student, "rnn", Status.GRADED, sum(c.points for c in cells),
                                  sum(c.max_points for c in cells), cells, seconds=rng.uniform(0.5, 3))
        gradebook.record(course, result, ["rnn"], start + timedelta(minutes=rng.uniform(0, 3000)))
        write_atomic(course.results_path(student, "rnn"), json.dumps(result.to_json()))
    (root / "roster.csv").write_text("\n".join(lines) + "\n")
    with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:
        for index in range(0, students, 50):
            gb.find_grade(blank[0].grade_id, "rnn", "rnn", f"s{index:04d}").manual_score = blank[0].max_points
        gb.db.commit()
    return course


def timed(label: str, action):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    value = action()
    print(f"{label:<28} {time.perf_counter() - began:7.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        course = timed(f"setup ({args.students} students)", lambda: build(Path(scratch), args.students, args.seed))
        grades = timed("read grades", lambda: gradebook.grades(course, "rnn"))
        html = timed("assignment report", lambda: assignment_page(course, "rnn", "es"))
        timed("course report", lambda: course_page(course, "es"))
        timed("canvas export", lambda: exports.to_canvas({"rnn": grades}, roster.load(course), {}, "es"))
        print(f"{len(grades)} grades; assignment report {len(html) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
