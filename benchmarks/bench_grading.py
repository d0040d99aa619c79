"""Grading speed as an instructor lives it: whole commands, beside stock ``nbgrader autograde``.

Builds an assignment's demo class in a scratch course (repeating its correct-or-wrong
students until there are ``--students`` submissions), then, from the same fresh copy each
time (no gradebook, nothing graded), times:

- stock nbgrader: ``nbgrader generate_assignment`` + ``nbgrader autograde`` (serial; hidden
  checks run in the student's kernel, the course's in-process fallback);
- this grader: ``autograder grade`` with each runner and worker count (it registers the
  assignment itself), start-up included.

It prints the wall time per submission of each whole command and its ratio to stock, and from
the recorded phase timings the grading overhead per submission: the worker's time on a
submission minus the student's own cell execution (cells' wall time less the oracle's judging),
plus recording; median over submissions that found a warm kernel.

    .venv/bin/python benchmarks/bench_grading.py --assignment rnn --students 16 [--workers 2] [--runner local docker]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import Course
from autograder.demo import build_class, submissions
from autograder.records import Status, SubmissionResult

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def demo_class(assignment: str, count: int, target: Path) -> list[str]:
    """A demo class of ``count`` graded-status submissions; returns the students."""
    demo = build_class(Course(ROOT), assignment, target)
    graded = [s.student for s in submissions(demo.assignment(assignment)) if s.status is Status.GRADED]
    submitted = demo.root / "submitted"
    for folder in submitted.iterdir():
        if folder.name not in graded:
            shutil.rmtree(folder)
    students = sorted(graded)
    for index in range(len(students), count):
        copy = f"{graded[index % len(graded)]}{index // len(graded) + 1}"
        shutil.copytree(submitted / graded[index % len(graded)], submitted / copy)
        students.append(copy)
    for student in students[count:]:
        shutil.rmtree(submitted / student)
    return students[:count]


def fresh_copy(template: Path, target: Path) -> Path:
    """The class as an instructor has it before grading: no gradebook, nothing graded."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("gradebook.db", "autograded", "feedback"))
    return target


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def stock(course: Path, assignment: str) -> float:
    nbgrader = str(BIN / "nbgrader")
    return (timed([nbgrader, "generate_assignment", assignment, "--force"], course)
            + timed([nbgrader, "autograde", assignment, "--force"], course))


def ours(course: Path, assignment: str, runner: str, workers: int) -> tuple[float, list[SubmissionResult]]:
    seconds = timed([str(BIN / "autograder"), "grade", assignment, "--runner", runner, "--workers", str(workers)],
                    course)
    results = [SubmissionResult.from_json(json.loads(path.read_text()))
               for path in sorted((course / "autograded").glob(f"*/{assignment}/results.json"))]
    return seconds, results


def overhead(result: SubmissionResult) -> float:
    own = result.timings.execution - result.timings.oracle
    return result.seconds - own + result.timings.recording


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="rnn")
    parser.add_argument("--runner", nargs="+", default=["local"])
    parser.add_argument("--workers", nargs="+", type=int, default=[2])
    parser.add_argument("--students", type=int, default=16, help="submissions in the batch")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        template = Path(tmp) / "template"
        students = demo_class(args.assignment, args.students, template)
        count = len(students)
        rows: list[tuple[str, float, str]] = []
        baseline = stock(fresh_copy(template, Path(tmp) / "stock"), args.assignment) / count
        rows.append(("stock nbgrader generate_assignment + autograde", baseline, ""))
        for runner in args.runner:
            for workers in args.workers:
                seconds, results = ours(fresh_copy(template, Path(tmp) / f"{runner}-{workers}"),
                                        args.assignment, runner, workers)
                bad = [(r.student, r.status.value) for r in results if r.status is not Status.GRADED]
                assert not bad and len(results) == count, bad
                warm = [overhead(r) for r in results if r.timings.warm] or [overhead(r) for r in results]
                rows.append((f"autograder grade --runner {runner} --workers {workers}", seconds / count,
                             f"overhead median {statistics.median(warm):.2f} s "
                             f"({sum(r.timings.warm for r in results)}/{count} warm)"))

    print(f"\n{args.assignment}: batch of {count} submissions, whole command, seconds per submission")
    width = max(len(name) for name, _, _ in rows)
    for name, seconds, note in rows:
        print(f"  {name:<{width}}  {seconds:6.2f} s  {baseline / seconds:5.1f}x stock  {note}")


if __name__ == "__main__":
    main()
