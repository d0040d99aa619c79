"""Grading speed: stock ``nbgrader autograde`` against this grader's runners, same session.

Builds an assignment's demo class in a scratch course, then times the same submissions
with each configuration and prints per-submission medians and ratios to the stock baseline.
Stock nbgrader runs the notebook as released, hidden checks in the kernel (the course's
in-process fallback); the grader runs them in its sandbox with the oracle outside.

    .venv/bin/python benchmarks/bench_grading.py [--assignment rnn] [--runner local ...]
        [--workers 1 2] [--students N] [--repeat 1]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import Course
from autograder.demo import build_class, submissions
from autograder.records import Status

ROOT = Path(__file__).resolve().parent.parent


def stock_nbgrader(demo: Course, assignment: str, students: list[str]) -> list[float]:
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    times = []
    for student in students:
        start = time.perf_counter()
        subprocess.run([nbgrader, "autograde", assignment, "--student", student, "--force"],
                       cwd=demo.root, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def grader_single(demo: Course, assignment: str, students: list[str], runner: str) -> list[float]:
    """Per-submission wall time of one grading worker, as the pipeline records it. With the
    Docker runner each submission finds a warm container (imports done), as in a batch whose
    notebooks take longer than a container's start."""
    from autograder.pipeline import grade_submission, runner_config
    from autograder.runners import make_runner

    times = []
    for student in students:
        if runner == "docker":
            docker = make_runner(runner, runner_config(demo, None))
            docker.expect_imports(demo.assignment(assignment).imports())
            docker.wait_warm()
        times.append(grade_submission(str(demo.root), assignment, student, runner).seconds)
    return times


def grader_batch(demo: Course, assignment: str, students: list[str], runner: str, workers: int) -> float:
    """Batch wall time divided by the number of submissions (includes worker start-up)."""
    from autograder.cli import grade

    start = time.perf_counter()
    results = grade(demo, assignment, runner, workers, "es", students=students)
    assert all(r.status is Status.GRADED for r in results), [(r.student, r.status) for r in results]
    return (time.perf_counter() - start) / len(students)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="rnn")
    parser.add_argument("--runner", nargs="+", default=["local"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--students", type=int, default=8, help="submissions to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        demo = build_class(Course(ROOT), args.assignment, Path(tmp) / "course")
        graded = [s.student for s in submissions(demo.assignment(args.assignment)) if s.status is Status.GRADED]
        students = graded[: args.students]
        rows: list[tuple[str, float]] = []
        stock = statistics.median(stock_nbgrader(demo, args.assignment, students))
        rows.append(("stock nbgrader autograde (serial)", stock))
        single: dict[str, float] = {}
        for runner in args.runner:
            single[runner] = statistics.median(grader_single(demo, args.assignment, students, runner))
            rows.append((f"{runner} runner, one submission" + (" (warm container)" if runner == "docker" else ""),
                         single[runner]))
            for workers in args.workers:
                rows.append((f"{runner} runner, batch of {len(students)}, {workers} worker(s), per submission",
                             grader_batch(demo, args.assignment, students, runner, workers)))

    print(f"\n{args.assignment}: {len(students)} submissions, median seconds per submission")
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds:7.2f} s   {stock / seconds:5.1f}x faster than stock")
    if "local" in single and "docker" in single:
        print(f"  Docker overhead per submission over the local runner (warm container): "
              f"{single['docker'] - single['local']:+.2f} s ({single['docker'] / single['local']:.2f}x)")


if __name__ == "__main__":
    main()
