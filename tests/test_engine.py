"""End-to-end tier: the engine's warm kernels, load-proof time limits and phase timings.

Each test builds a scratch course with the demo class of one assignment and grades it with
the local runner, as `autograder grade` does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import threading
import time

import nbformat
import psutil
import pytest

from autograder.course import Course
from autograder.demo import Submission, build_class, student_notebook
from autograder.engine import BatchOptions, grade
from autograder.records import Status
from conftest import COURSE

pytestmark = pytest.mark.e2e


def _only(demo: Course, assignment: str, students: list[str]) -> None:
    """Keep only ``students``' submissions in the demo class."""
    for folder in (demo.root / "submitted").iterdir():
        if folder.name not in students:
            shutil.rmtree(folder)


def _add(demo: Course, assignment: str, student: str, cells: dict[str, str]) -> None:
    folder = demo.root / "submitted" / student / assignment
    folder.mkdir(parents=True)
    notebook = student_notebook(demo.assignment(assignment), assignment, Submission(student, student, cells=cells))
    nbformat.write(notebook, str(folder / f"{assignment}.ipynb"))


def _configure(demo: Course, section: str = "Autograder", **settings: float) -> Course:
    with (demo.root / "nbgrader_config.py").open("a") as config:
        for name, value in settings.items():
            config.write(f"\nc.{section}.{name} = {value!r}\n")
    return Course(demo.root)


def _busy() -> None:
    while True:
        pass


_MARKER = (
    "import os\n"
    "marks = ('mark', '/tmp/mark', '/dev/shm/mark', os.path.expanduser('~/mark'))\n"
    "print('REUSED' if any(os.path.exists(m) for m in marks) else 'FRESH')\n"
    "for m in marks:\n    open(m, 'w').write('x')\n"
    "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n    return np.tanh(x @ Wx + prev_h @ Wh + b)\n")


@pytest.mark.parametrize("fork_kernels", [True, False], ids=["forked", "importing"])
def test_warm_kernels_are_started_ahead_and_used_once(tmp_path, fork_kernels: bool) -> None:
    demo = build_class(COURSE, "rnn", tmp_path / "course")
    _only(demo, "rnn", ["ana", "bruno", "carla"])
    # Each kernel leaves a mark in every folder it may write; a kernel used twice, or a
    # folder one sandbox shares with the next, would show one to the next submission.
    _add(demo, "rnn", "marker", {"rnn_step_forward": _MARKER})
    _add(demo, "rnn", "marker2", {"rnn_step_forward": _MARKER})
    demo = _configure(demo, "LocalRunner", fork_kernels=fork_kernels)
    results = {r.student: r for r in grade(demo, "rnn", BatchOptions("local", workers=1, lang="es"))}
    assert all(r.status is Status.GRADED for r in results.values())
    # With one worker, every submission after the first finds a kernel started ahead.
    assert sum(r.timings.warm for r in results.values()) >= len(results) - 1
    for student in ("marker", "marker2"):
        nb = nbformat.read(demo.root / "autograded" / student / "rnn" / "rnn.ipynb", as_version=4)
        text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert "FRESH" in text and "REUSED" not in text
        assert results[student].score == results["ana"].score == results["ana"].max_score


def _kill_zygotes(stop: threading.Event, killed: list[int]) -> None:
    """Kill every zygote the batch's workers start, as soon as it appears."""
    while not stop.is_set():
        for process in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "autograder.sandbox.zygote" in process.cmdline():
                    process.kill()
                    killed.append(process.pid)
        time.sleep(0.02)


def test_a_dead_zygote_leaves_the_sandboxes_to_import_for_themselves(tmp_path, graded_class) -> None:
    graded, reference = graded_class("rnn")
    # The same class, secret included (cases are drawn per student from it), before grading.
    shutil.copytree(graded.root, tmp_path / "course",
                    ignore=shutil.ignore_patterns("gradebook.db", "autograded", "feedback"))
    demo = Course(tmp_path / "course")
    _only(demo, "rnn", ["ana", "bruno", "carla"])
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_zygotes, args=(stop, killed), daemon=True)
    killer.start()
    try:
        results = {r.student: r for r in grade(demo, "rnn", BatchOptions("local", workers=1, lang="es"))}
    finally:
        stop.set()
        killer.join()
    assert killed
    assert all(r.status is Status.GRADED for r in results.values()), {s: r.detail for s, r in results.items()}
    assert {s: r.score for s, r in results.items()} == {s: reference[s].score for s in results}


def test_every_result_records_where_its_time_went(graded_class) -> None:
    _, results = graded_class("rnn")
    ana = results["ana"].timings
    assert ana.sandbox_start > 0 and ana.oracle > 0 and ana.recording > 0
    assert ana.cells and all(c.seconds >= 0 and c.cpu_seconds >= 0 for c in ana.cells)
    assert {c.grade_id for c in ana.cells} >= {"rnn_step_forward", "test_rnn_step_forward"}
    assert set(ana.phases()) == {"queued", "sandbox_start", "cells", "oracle", "recording"}


def test_an_endless_loop_uses_its_cpu_budget_and_names_its_cell(graded_class) -> None:
    _, results = graded_class("rnn")
    pablo = results["pablo"]
    assert pablo.status is Status.TIMEOUT
    assert "rnn_seq2vec" in pablo.detail and "CPU" in pablo.detail
    assert pablo.timings.attempts == 1  # CPU time does not depend on load: no regrade needed


def test_a_hang_is_stopped_by_the_wall_clock_and_regraded_once_alone(tmp_path) -> None:
    demo = build_class(COURSE, "rnn", tmp_path / "course")
    _only(demo, "rnn", ["ana"])
    _add(demo, "rnn", "sleeper", {"rnn_forward": (
        "import time\ntime.sleep(600)\n"
        "def rnn_forward(x, h0, Wx, Wh, b):\n    raise NotImplementedError\n")})
    demo = _configure(demo, cell_timeout=3.0)
    results = {r.student: r for r in grade(demo, "rnn", BatchOptions("local", workers=2, lang="en"))}
    sleeper = results["sleeper"]
    assert sleeper.status is Status.TIMEOUT
    assert sleeper.timings.attempts == 2
    assert "rnn_forward" in sleeper.detail
    assert 0 < sleeper.score < sleeper.max_score  # the other cells still score
    assert results["ana"].status is Status.GRADED and results["ana"].score == results["ana"].max_score


def test_the_answer_key_keeps_full_marks_on_a_busy_machine(tmp_path) -> None:
    demo = build_class(COURSE, "embeddings", tmp_path / "course")
    _only(demo, "embeddings", ["ana"])
    busy = [multiprocessing.get_context("spawn").Process(target=_busy, daemon=True)
            for _ in range(2 * (os.cpu_count() or 1))]
    for process in busy:
        process.start()
    try:
        (ana,) = grade(demo, "embeddings", BatchOptions("local", workers=1, lang="es"))
    finally:
        for process in busy:
            process.kill()
    assert ana.status is Status.GRADED, ana.detail
    assert ana.score == ana.max_score
