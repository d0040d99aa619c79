"""The Docker runner: its container settings (fast tier) and real grading in a real engine.

The engine tests grade the rnn demo class in containers of the grading image and expect the
same statuses, scores and named mistakes as the local runner. Hostile submissions in
containers are covered by test_sandbox.py, which runs its class with both runners.
"""

from __future__ import annotations

import subprocess

import pytest
from traitlets import TraitError
from traitlets.config import Config

from autograder.course import Course
from autograder.engine import BatchOptions, grade
from autograder.demo import build_class
from autograder.records import Status
from autograder.runners import RunnerError, make_runner
from conftest import COURSE


def _runner(**settings: object):
    return make_runner("docker", Config({"DockerRunner": settings}))


def test_containers_are_locked_down_and_limits_come_from_config() -> None:
    spec = _runner(memory_mb=2048, max_processes=64, cpus=1.5, scratch_mb=128).container_spec()
    assert spec["network_mode"] == "none"
    assert spec["read_only"] is True
    assert spec["cap_drop"] == ["ALL"]
    assert spec["security_opt"] == ["no-new-privileges"]
    assert spec["mem_limit"] == spec["memswap_limit"] == 2048 * 1024 * 1024
    assert spec["pids_limit"] == 64
    assert spec["nano_cpus"] == 1_500_000_000
    assert all("size=128m" in options for options in spec["tmpfs"].values())
    assert spec["device_requests"] == []
    assert "AUTOGRADER_SOCKET" not in spec["environment"]


@pytest.mark.parametrize(("gpus", "count"), [("all", -1), ("2", 2)])
def test_gpus_become_a_device_request(gpus: str, count: int) -> None:
    (request,) = _runner(gpus=gpus).container_spec()["device_requests"]
    assert request["Count"] == count
    assert request["Capabilities"] == [["gpu"]]


def test_bad_gpu_setting_is_refused() -> None:
    with pytest.raises(TraitError, match="gpus"):
        _runner(gpus="many")


@pytest.mark.e2e
@pytest.mark.docker
def test_gpus_without_nvidia_runtime_fail_before_grading(docker_engine, tmp_path) -> None:
    import docker

    if "nvidia" in docker.from_env().info().get("Runtimes", {}):
        pytest.skip("this engine has the NVIDIA runtime")
    demo = build_class(COURSE, "rnn", tmp_path)
    with pytest.raises(RunnerError, match="nvidia-container-toolkit"):
        overrides = {"DockerRunner": {"gpus": "all"}}
        grade(Course(demo.root, overrides), "rnn", BatchOptions("docker", workers=1, lang="es"))
    assert not list((demo.root / "autograded").glob("*/rnn/results.json"))


@pytest.mark.e2e
@pytest.mark.docker
def test_image_holds_no_answer_key(docker_engine) -> None:
    image = make_runner("docker").image
    found = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", image, "python", "-c",
         "import importlib.util as u; print(u.find_spec('reference'))"],
        check=True, capture_output=True, text=True).stdout.strip()
    assert found == "None"


@pytest.mark.e2e
@pytest.mark.docker
def test_docker_runner_grades_like_the_local_runner(docker_engine, graded_class, tmp_path) -> None:
    local_demo, local = graded_class("rnn")
    demo = build_class(COURSE, "rnn", tmp_path)
    # Same course secret, hence the same hidden cases for each student.
    (demo.root / ".autograder").mkdir(exist_ok=True)
    (demo.root / ".autograder" / "secret").write_bytes(local_demo.secret())
    results = {r.student: r for r in grade(demo, "rnn", BatchOptions("docker", workers=2, lang="es"))}
    assert results.keys() == local.keys()
    for student, result in results.items():
        expected = local[student]
        assert result.status is expected.status, (student, result.detail)
        assert result.score == pytest.approx(expected.score), student
        assert [(v.id, v.mistake) for c in result.cells for v in c.checks] == \
               [(v.id, v.mistake) for c in expected.cells for v in c.checks], student
    # An infinite loop is stopped from outside; the cells that finished still score.
    assert results["pablo"].status is Status.TIMEOUT
    assert results["pablo"].score == results["pablo"].max_score
