"""Grading through a Dask scheduler against grading on one machine: whole commands.

Builds an assignment's demo class (as ``bench_grading.py`` does), then from the same fresh
copy each time (one course secret for all) times, alternately and ``--repeat`` times each
(the best run counts: a shared machine's load only ever adds time),

- ``autograder grade --workers W`` on this machine;
- ``autograder grade --scheduler ADDRESS`` with a scheduler and W single-threaded grading
  workers on loopback (``dask scheduler`` / ``dask worker --preload autograder.cluster.worker``,
  started and connected beforehand, as a standing cluster is), the workers reading the same
  course checkout.

It prints the wall time per submission of each whole command, their ratio, the time the
scheduler adds per submission (the difference of the two, per submission), and the round trip
of one submission's request and reply through the scheduler when nothing else runs (a task
that only echoes the real request). Submissions per minute of one host follow from the
distributed command.

    .venv/bin/python benchmarks/bench_distributed.py --assignment rnn --students 16 [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_grading import demo_class, fresh_copy
from distributed import Client

import autograder
from autograder.cluster import task
from autograder.cluster.versions import Versions
from autograder.course import Course
from autograder.submission import read_submission

ENGINE_PATH = str(Path(autograder.__file__).resolve().parent.parent)
ENV = {**os.environ, "PYTHONPATH": ENGINE_PATH}
ROUND_TRIPS = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def grade_command(course: Path, assignment: str, *options: str) -> float:
    return timed([sys.executable, "-m", "autograder", "grade", assignment, *options], course)


def start(folder: Path, name: str, *args: str) -> subprocess.Popen[bytes]:
    log = (folder / f"{name}.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                            env=ENV, start_new_session=True)


def echo(data: dict[str, Any]) -> dict[str, Any]:
    """A grading task's traffic without the grading: the request in, a reply of its size out."""
    return {"notebooks": {name: body.decode() for name, body in data["notebooks"].items()}}


def round_trip(client: Client, course: Course, assignment: str, students: list[str]) -> float:
    """Median seconds for one real request and its reply to cross the scheduler, one at a time."""
    versions = Versions.of(course, assignment)
    requests = [task.request(assignment, s, read_submission(course.submission_dir(s, assignment),
                                                           course.assignment(assignment).notebooks),
                             "local", "es", versions) for s in students]
    times = []
    for index in range(ROUND_TRIPS):
        began = time.perf_counter()
        client.submit(echo, requests[index % len(requests)], pure=False).result()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="rnn")
    parser.add_argument("--students", type=int, default=16, help="submissions in the batch")
    parser.add_argument("--workers", type=int, default=2, help="grading workers, here and on the cluster")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command; the fastest counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        folder = Path(tmp)
        template = folder / "template"
        students = demo_class(args.assignment, args.students, template)
        count = len(students)
        Course(template).ensure_secret()
        course = folder / "cluster"
        fresh_copy(template, course)
        port = _free_port()
        address = f"tcp://127.0.0.1:{port}"
        processes = [start(folder, "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                           "--dashboard-address", f"127.0.0.1:{_free_port()}")]
        local, distributed = [], []
        try:
            processes.append(start(folder, "workers", "worker", address, "--nworkers", str(args.workers),
                                   "--nthreads", "1", "--no-dashboard", "--preload", "autograder.cluster.worker",
                                   "--course", str(course)))
            with Client(address, timeout=60, set_as_default=False) as client:
                client.wait_for_workers(args.workers, timeout=120)
                for _ in range(args.repeat):
                    local.append(grade_command(fresh_copy(template, folder / "local"), args.assignment,
                                               "--workers", str(args.workers)))
                    distributed.append(grade_command(fresh_copy(template, course), args.assignment,
                                                     "--scheduler", address))
                trip = round_trip(client, Course(course), args.assignment, students)
        finally:
            for process in reversed(processes):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)

    best_local, best_distributed = min(local), min(distributed)
    print(f"\n{args.assignment}: batch of {count} submissions, {args.workers} grading workers, whole command "
          f"(best of {args.repeat}; runs: local {_seconds(local)}, scheduler {_seconds(distributed)})")
    print(f"  autograder grade --workers {args.workers}              {best_local / count:6.2f} s per submission")
    print(f"  autograder grade --scheduler (loopback)  {best_distributed / count:6.2f} s per submission  "
          f"{best_local / best_distributed:4.2f}x local")
    print(f"  added by the scheduler: {(best_distributed - best_local) / count:+.2f} s per submission over the "
          f"batch; one request and reply alone: {trip * 1000:.0f} ms (median of {ROUND_TRIPS})")
    print(f"  one host grades {60 * count / best_distributed:.1f} submissions per minute through the scheduler")


def _seconds(runs: list[float]) -> str:
    return " / ".join(f"{run:.1f} s" for run in runs)


if __name__ == "__main__":
    main()
