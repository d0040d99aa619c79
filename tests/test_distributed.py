"""Grading across machines: a Dask scheduler and grading hosts on loopback, started with the
stock `dask` command line as real hosts are, each host with its own checkout of the course.

A class graded on the cluster gets exactly the grades the local engine gives it (same course
secret, same cases), a worker killed mid-batch costs nothing, a GPU assignment runs only on a
worker advertising a GPU (and stops before grading when there is none), and a host whose
answer key or secret differs is refused with what differs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

import autograder
from autograder.cluster import client as cluster_client
from autograder.cluster.versions import VersionMismatch, Versions
from autograder.cluster.worker import GradingPlugin
from autograder.course import Course, CourseError
from autograder.demo import build_class
from autograder.engine import BatchOptions, Progress, grade
from autograder.records import Status, SubmissionResult
from conftest import COURSE

# Grading hosts import the engine these tests import, whichever checkout that is.
ENGINE_PATH = str(Path(autograder.__file__).resolve().parent.parent)
SUBSET = ["ana", "bruno", "carla", "diego", "fabio", "hugo", "jorge", "lucia"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A scheduler and grading hosts, each a `dask` process group of its own, with its log."""

    folder: Path
    address: str = ""
    dashboard: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def _start(self, name: str, *args: str) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "dask", *args], cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": ENGINE_PATH}, start_new_session=True)

    def start_scheduler(self) -> None:
        port, self.dashboard = _free_port(), _free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                    "--dashboard-address", f"127.0.0.1:{self.dashboard}")

    def start_worker(self, name: str, course: Path, *extra: str) -> None:
        self._start(name, "worker", self.address, "--name", name, "--nthreads", "1", "--no-dashboard",
                    "--local-directory", str(self.folder / name), "--preload", "autograder.cluster.worker",
                    "--course", str(course), *extra)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def client(self) -> Client:
        return Client(self.address, timeout=30, set_as_default=False)

    def wait_for_workers(self, count: int) -> None:
        with self.client() as client:
            client.wait_for_workers(count, timeout=120)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        for name in [n for n in self.processes if n != "scheduler"] + ["scheduler"]:
            if name in self.processes:
                self.stop(name)


def _grades(results: list[SubmissionResult]) -> dict[str, tuple[Any, ...]]:
    """Everything a student and the gradebook see of each result: status, scores, named mistakes."""
    return {r.student: (r.status, r.score, r.max_score, r.flags, [asdict(c) for c in r.cells]) for r in results}


def _worker_checkout(course: Course, target: Path) -> Path:
    """What a grading host holds: the course's files and secret, no submissions, no gradebook."""
    target.mkdir()
    shutil.copy(course.root / "nbgrader_config.py", target)
    for part in ("source", "reference"):
        shutil.copytree(course.root / part, target / part)
    (target / ".autograder").mkdir(mode=0o700)
    shutil.copy(course.secret_path, target / ".autograder" / "secret")
    return target


@pytest.fixture(scope="module")
def rnn_local(graded_class) -> tuple[Course, dict[str, SubmissionResult]]:
    return graded_class("rnn")


@pytest.fixture(scope="module")
def rnn_class(tmp_path_factory, rnn_local) -> Course:
    """A fresh copy of the rnn demo class with the locally graded class's secret."""
    demo = build_class(COURSE, "rnn", tmp_path_factory.mktemp("distributed") / "course")
    demo.secret_path.parent.mkdir(mode=0o700)
    shutil.copy(rnn_local[0].secret_path, demo.secret_path)
    return demo


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, rnn_class) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    checkout = _worker_checkout(rnn_class, folder / "host-course")
    running = Cluster(folder)
    running.start_scheduler()
    try:
        for name in ("cpu-1", "cpu-2"):
            running.start_worker(name, checkout)
        running.wait_for_workers(2)
        yield running
    finally:
        running.close()


@pytest.mark.e2e
def test_a_class_graded_on_the_cluster_gets_the_local_grades(rnn_class, rnn_local, cluster) -> None:
    notices: list[str] = []
    results = grade(rnn_class, "rnn", BatchOptions(lang="es", scheduler=cluster.address, regrade=True),
                    progress=Progress(notice=notices.append))
    assert _grades(results) == _grades(list(rnn_local[1].values()))
    assert any(f"http://127.0.0.1:{cluster.dashboard}/status" in notice for notice in notices)
    # Recorded here, where the course lives: results files, graded notebooks, the gradebook.
    for result in results:
        autograded = rnn_class.autograded_dir(result.student, "rnn")
        assert (autograded / "results.json").is_file() and (autograded / "rnn.ipynb").is_file()
    assert {r.student: r.timings.attempts for r in results}["pablo"] == 1
    # Each host graded from its own checkout, whose gradebook it registered the assignment in.
    assert (cluster.folder / "host-course" / "gradebook.db").is_file()


@pytest.mark.e2e
def test_a_worker_killed_mid_batch_costs_no_submission(rnn_class, rnn_local, cluster) -> None:
    cluster.wait_for_workers(2)
    recorded: list[str] = []
    outcome: dict[str, Any] = {}

    def batch() -> None:
        try:
            outcome["results"] = grade(rnn_class, "rnn", BatchOptions(lang="es", scheduler=cluster.address, regrade=True),
                                       SUBSET, Progress(result=lambda r: recorded.append(r.student)))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread below
            outcome["error"] = exc

    runner = threading.Thread(target=batch)
    runner.start()
    killed = None
    with cluster.client() as client:
        deadline = time.monotonic() + 300
        while killed is None and runner.is_alive() and time.monotonic() < deadline:
            busy = [address for address, keys in client.processing().items() if keys]
            if recorded and busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed = busy[0]
            time.sleep(0.1)
    runner.join(timeout=600)
    assert "error" not in outcome, outcome.get("error")
    assert killed is not None and len(recorded) == len(SUBSET)
    assert _grades(outcome["results"]) == _grades([rnn_local[1][s] for s in SUBSET])


@pytest.mark.e2e
def test_a_gpu_assignment_runs_only_where_a_gpu_is_advertised(rnn_class, rnn_local, cluster) -> None:
    gpu_course = Course(rnn_class.root, {"Autograder": {"gpu_assignments": ["rnn"]}})
    students = ["ana", "bruno", "carla"]
    recorded: list[str] = []
    with pytest.raises(CourseError, match=r"(?s)none of the \d workers.*--resources GPU=1"):
        grade(gpu_course, "rnn", BatchOptions(lang="es", scheduler=cluster.address, regrade=True), students,
              Progress(result=lambda r: recorded.append(r.student)))
    assert recorded == []

    cluster.wait_for_workers(2)
    before = {name: len(cluster.log(name)) for name in ("cpu-1", "cpu-2")}
    cluster.start_worker("gpu-1", cluster.folder / "host-course", "--resources", "GPU=1")
    try:
        cluster.wait_for_workers(3)
        results = grade(gpu_course, "rnn", BatchOptions(lang="es", scheduler=cluster.address, regrade=True), students)
        gpu_log = cluster.log("gpu-1")
    finally:
        cluster.stop("gpu-1")
    assert _grades(results) == _grades([rnn_local[1][s] for s in students])
    for student in students:
        assert f"graded {student}/rnn" in gpu_log
        assert all(f"graded {student}/rnn" not in cluster.log(name)[before[name]:] for name in before)


# -- fast tier: no kernel runs -----------------------------------------------------------------

def _small_course(target: Path, secret: str) -> Course:
    target.mkdir()
    shutil.copy(COURSE.root / "nbgrader_config.py", target)
    for part in ("source", "reference"):
        shutil.copytree(COURSE.root / part / "rnn", target / part / "rnn",
                        ignore=shutil.ignore_patterns("__pycache__"))
    (target / ".autograder").mkdir(mode=0o700)
    (target / ".autograder" / "secret").write_text(secret)
    (target / ".autograder" / "secret").chmod(0o600)
    return Course(target)


@pytest.fixture(scope="module")
def two_checkouts(tmp_path_factory) -> tuple[Course, Course]:
    """The batch's course with one submission, and a host's checkout whose answer key and secret differ."""
    folder = tmp_path_factory.mktemp("checkouts")
    batch = _small_course(folder / "batch", "a" * 64)
    submitted = batch.submission_dir("ana", "rnn")
    submitted.mkdir(parents=True)
    shutil.copy(COURSE.root / "release" / "rnn" / "rnn.ipynb", submitted)
    host = _small_course(folder / "host", "b" * 64)
    with (host.root / "reference" / "rnn" / "checks.py").open("a") as checks:
        checks.write("\n# edited on this host only\n")
    return batch, host


def test_a_host_with_another_answer_key_and_secret_is_refused_before_grading(two_checkouts) -> None:
    batch, host = two_checkouts
    recorded: list[str] = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                      preload=["autograder.cluster.worker"], preload_argv=["--course", str(host.root)]) as local:
        with pytest.raises(CourseError) as refused:
            grade(batch, "rnn", BatchOptions(lang="en", scheduler=local.scheduler_address),
                  progress=Progress(result=lambda r: recorded.append(r.student)))
    message = str(refused.value)
    assert "refusing to grade" in message
    assert "hidden tests or answer key (source/rnn/ and reference/rnn/)" in message
    assert "course secret" in message and "copy .autograder/secret" in message
    assert "engine" not in message and "limits" not in message
    assert "a" * 64 not in message and "b" * 64 not in message  # digests travel, never the secret
    assert recorded == [] and not batch.results_path("ana", "rnn").exists()


def test_a_host_refuses_a_request_from_a_batch_with_other_versions(two_checkouts) -> None:
    batch, host = two_checkouts
    request = {"assignment": "rnn", "student": "ana", "runner": "local", "lang": "en",
               "versions": Versions.of(batch, "rnn").to_json(), "sent": time.time(), "notebooks": {}, "files": []}
    with pytest.raises(VersionMismatch, match="answer key"):
        GradingPlugin(str(host.root)).grade(request)


def test_an_unreachable_scheduler_says_where_and_how_to_start_one(two_checkouts, monkeypatch) -> None:
    batch, _ = two_checkouts
    monkeypatch.setattr(cluster_client, "CONNECT_SECONDS", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(CourseError, match=rf"(?s)cannot reach a Dask scheduler at {address}.*dask scheduler"):
        grade(batch, "rnn", BatchOptions(lang="en", scheduler=address))


def test_results_cross_the_wire_as_plain_data() -> None:
    from autograder.cluster import task
    from autograder.pipeline import Graded
    from autograder.records import CellScore, CheckVerdict
    from autograder.submission import SubmissionError, SubmittedFile, SubmittedWork

    versions = Versions("e", "a", "s", "l")
    work = SubmittedWork({"rnn": b"{}"}, (SubmittedFile("data/x.csv", b"1,2\n"),))
    sent = task.request("rnn", "ana", work, "local", "es", versions)
    assert task.submitted_work(sent) == work
    refused = task.submitted_work(task.request("rnn", "ana", SubmissionError("detail_too_deep", limit=8),
                                               "local", "es", versions))
    assert isinstance(refused, SubmissionError) and (refused.key, refused.fields) == ("detail_too_deep", {"limit": 8})
    result = SubmissionResult("ana", "rnn", Status.GRADED, 1.0, 2.0,
                              [CellScore("c", 2.0, 1.0, [CheckVerdict("rnn.x", False, 0.5, "m", "msg")])])
    reply = task.reply(Graded(result, {"rnn": "{}"}, retry_alone=True))
    assert _plain(sent) and _plain(reply)
    back = task.graded(reply)
    assert back.result == result and back.notebooks == {"rnn": "{}"} and back.retry_alone


def _plain(value: object) -> bool:
    """Only JSON-like values and bytes: nothing whose unpickling runs the sender's code."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, bytes, int, float, bool))


@pytest.mark.e2e
def test_a_tensorflow_assignment_graded_on_the_cluster_gets_the_local_grades(graded_class, tmp_path) -> None:
    local_demo, local = graded_class("gan")
    students = [s for s in ("ana", "bruno", "carla") if s in local]
    demo = build_class(COURSE, "gan", tmp_path / "course")
    demo.secret_path.parent.mkdir(mode=0o700)
    shutil.copy(local_demo.secret_path, demo.secret_path)
    running = Cluster(tmp_path)
    running.start_scheduler()
    try:
        running.start_worker("tf-1", _worker_checkout(demo, tmp_path / "host-course"))
        running.wait_for_workers(1)
        results = grade(demo, "gan", BatchOptions(lang="es", scheduler=running.address), students)
    finally:
        running.close()
    assert _grades(results) == _grades([local[s] for s in students])
