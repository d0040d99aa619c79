"""End-to-end tier: hostile submissions are contained by each runner's sandbox.

Each student below has a correct rnn_step_forward followed by something hostile in the same
cell. Every one must end with an explicit status, the hostile action must fail inside the
sandbox, and the rest of the batch must be graded normally: with the local runner (bubblewrap),
its kernels forked from the worker's zygote or importing their own libraries, and with the
Docker runner (one container per submission).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import Course
from autograder.engine import BatchOptions, grade
from autograder.demo import Submission, build_class, student_notebook
from autograder.records import Status
from conftest import COURSE

pytestmark = pytest.mark.e2e

_CORRECT = "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n    return np.tanh(x @ Wx + prev_h @ Wh + b)\n\n"

HOSTILE = {
    "reads_answer_key": f"""
import os
try:
    print("LEAK", open({str(COURSE.root / 'reference' / 'rnn' / 'key.py')!r}).read()[:40])
except OSError as exc:
    print("BLOCKED", type(exc).__name__)
print("COURSE", sorted(os.listdir({str(COURSE.root)!r})) if os.path.exists({str(COURSE.root)!r}) else None)
""",
    "opens_network": """
import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=3)
    print("LEAK connected")
except OSError as exc:
    print("BLOCKED", type(exc).__name__)
""",
    "fork_bomb": """
import os, time
children = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError as exc:
    print("BLOCKED", type(exc).__name__, "after", children)
""",
    "memory_bomb": """
try:
    hog = bytearray(16 * 1024 ** 3)
    print("LEAK allocated")
except MemoryError as exc:
    print("BLOCKED", type(exc).__name__)
""",
    "fills_disk": """
import os
chunk = b"x" * (16 * 1024 * 1024)
written = 0
try:
    with open("big.bin", "wb") as f:
        for _ in range(640):  # 10 GiB
            f.write(chunk)
            written += len(chunk)
    print("LEAK wrote", written)
except OSError as exc:
    print("BLOCKED", type(exc).__name__, "after", written // 2**20, "MiB")
""",
    "writes_outside_scratch": f"""
for target in ("/usr/evil.py", {str(COURSE.root / 'evil.txt')!r}, "/etc/evil"):
    try:
        open(target, "w").write("x")
        print("LEAK", target)
    except OSError as exc:
        print("BLOCKED", type(exc).__name__)
""",
    "escalates": """
fields = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
held = {name: fields[name].strip() for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
if any(int(value, 16) for value in held.values()) or fields["NoNewPrivs"].strip() != "1":
    print("LEAK", held, fields["NoNewPrivs"].strip())
else:
    print("BLOCKED no capability, no new privileges")
""",
    "sees_host_processes": """
import os
seen = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        seen.append(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode())
    except OSError:
        pass
host = [c for c in seen if any(w in c for w in ("pytest", "spawn_main", "autograder grade", "dockerd"))]
print("LEAK" if host else "BLOCKED", len(seen), "processes", host)
""",
    "kills_kernel": "\nimport os\nos._exit(1)\n",
}


# "local" forks each kernel from the worker's zygote; "local-importing" starts each sandbox's
# kernel with its own imports, as the local runner does where it cannot fork.
@pytest.fixture(scope="module", params=["local", "local-importing", pytest.param("docker", marks=pytest.mark.docker)])
def hostile_class(request, tmp_path_factory):
    runner = request.param
    if runner == "docker":
        request.getfixturevalue("docker_engine")
    demo = build_class(COURSE, "rnn", tmp_path_factory.mktemp(f"hostile-{runner}"))
    if runner == "local-importing":
        with (demo.root / "nbgrader_config.py").open("a") as config:
            config.write("\nc.LocalRunner.fork_kernels = False\n")
        demo, runner = Course(demo.root), "local"
    assignment = demo.assignment("rnn")
    for student, code in HOSTILE.items():
        folder = demo.root / "submitted" / student / "rnn"
        folder.mkdir(parents=True)
        submission = Submission(student, student, cells={"rnn_step_forward": _CORRECT + code})
        nbformat.write(student_notebook(assignment, "rnn", submission), str(folder / "rnn.ipynb"))
    students = [*HOSTILE, "ana"]
    results = {r.student: r for r in grade(demo, "rnn", BatchOptions(runner, workers=2, lang="es"), students)}
    return demo, results


def _output(demo, student: str) -> str:
    nb = nbformat.read(demo.root / "autograded" / student / "rnn" / "rnn.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "rnn_step_forward")
    return "".join(o.get("text", "") for o in cell.outputs)


@pytest.mark.parametrize("student", [s for s in HOSTILE if s != "kills_kernel"])
def test_hostile_action_is_blocked_and_the_submission_still_graded(hostile_class, student: str) -> None:
    demo, results = hostile_class
    result = results[student]
    assert result.status is Status.GRADED, result.detail
    output = _output(demo, student)
    assert "BLOCKED" in output and "LEAK" not in output, output
    verdict = next(v for c in result.cells for v in c.checks if v.id == "rnn.rnn_step_forward")
    if student != "fork_bomb":  # a student who exhausts their own process limit may break their own checks
        assert verdict.passed, verdict.message


def test_course_directory_is_invisible(hostile_class) -> None:
    demo, _ = hostile_class
    output = _output(demo, "reads_answer_key")
    assert "reference" not in output.split("COURSE", 1)[1]


def test_killed_kernel_is_recorded_and_the_batch_goes_on(hostile_class) -> None:
    _, results = hostile_class
    assert results["kills_kernel"].status is Status.CRASHED
    assert results["kills_kernel"].score == 0
    assert results["ana"].status is Status.GRADED and results["ana"].score == results["ana"].max_score


def test_folders_made_for_paths_bound_under_tmp_are_read_only(request, tmp_path) -> None:
    """A path the sandbox may read that lies under /tmp (as a checkout does in CI) has its parent
    folders made inside the sandbox's writable /tmp: the kernel must not be able to write there."""
    # Readable by the unprivileged workers (pytest's own folders are 0700).
    outer = Path(tempfile.mkdtemp(prefix="autograder-test-"))
    outer.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(outer, ignore_errors=True))
    shared = outer / "shared"
    (shared / "data").mkdir(parents=True)
    demo = build_class(COURSE, "rnn", tmp_path / "course")
    for folder in (demo.root / "submitted").iterdir():
        shutil.rmtree(folder)
    code = f"""
import os
for target in ({str(shared / 'evil.txt')!r}, {str(outer / 'evil.txt')!r}, {str(shared / 'data' / 'evil.txt')!r}):
    try:
        open(target, "w").write("x")
        print("LEAK", target)
    except OSError as exc:
        print("BLOCKED", type(exc).__name__)
print("SEES", os.path.isdir({str(shared / 'data')!r}))
"""
    folder = demo.root / "submitted" / "writer" / "rnn"
    folder.mkdir(parents=True)
    submission = Submission("writer", "writer", cells={"rnn_step_forward": _CORRECT + code})
    nbformat.write(student_notebook(demo.assignment("rnn"), "rnn", submission), str(folder / "rnn.ipynb"))
    course = Course(demo.root, {"LocalRunner": {"extra_ro_paths": [str(shared / "data")]}})
    (result,) = grade(course, "rnn", BatchOptions("local", workers=1, lang="es"))
    output = _output(course, "writer")
    assert result.status is Status.GRADED, result.detail
    assert output.count("BLOCKED") == 3 and "LEAK" not in output and "SEES True" in output, output
