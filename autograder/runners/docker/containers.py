"""Grading containers started ahead of need, each the sandbox slot of one kernel.

A container runs ``autograder.sandbox.pool``, which imports what the assignment's notebooks
import (numpy, TensorFlow, Keras...) and ipykernel while the previous submission is graded,
then becomes the kernel when its submission's start request arrives.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from autograder.runners.base import FILES_NAME, RunnerError, Slot, job_directory

CONTAINER_PYTHON = "/opt/venv/bin/python"
CONTAINER_PATH = "/opt/venv/bin:/usr/local/bin:/usr/bin:/bin"
LABEL = "autograder.kernel"

try:
    import docker
    from docker.errors import DockerException
    from docker.types import DeviceRequest
except ImportError:  # the SDK is in requirements.txt; prepare() says so if it is missing
    docker = None  # type: ignore[assignment]


def client() -> Any:
    """A docker SDK client for a reachable engine, or a RunnerError saying how to get one."""
    if docker is None:
        raise RunnerError("the docker Python SDK is missing: pip install docker")
    try:
        engine = docker.from_env(timeout=120)
        engine.ping()
    except DockerException as exc:
        raise RunnerError(f"the Docker engine is not reachable ({exc}). Install and start it: "
                          "apt-get install docker.io && dockerd (or systemctl start docker)") from exc
    return engine


def device_requests(gpus: str) -> list[Any]:
    """The docker SDK's GPU request for ``gpus`` ("none", "all" or a count)."""
    if gpus in ("none", "0"):
        return []
    count = -1 if gpus == "all" else int(gpus)
    return [DeviceRequest(count=count, capabilities=[["gpu"]])]


@dataclass
class ContainerSlot(Slot):
    """A started container (importing, or idle and ready) and its job folder."""

    container: Any = field(default=None)

    def remove(self) -> None:
        if self.container is not None:
            try:
                self.container.remove(force=True)
            except DockerException:
                pass  # already gone: auto-removed when its kernel exited
        super().remove()


def start_container(spec: dict[str, Any], uid: int, preload: list[str], limits: dict[str, int],
                    idle_seconds: float) -> ContainerSlot:
    """Start one container of ``spec``, running as ``uid``, whose pool process waits, imports
    done, in its job folder. A root grader hands the folder to ``uid``; an unprivileged one
    shares it through its own group, which the container runs in."""
    root = os.geteuid() == 0
    directory = job_directory(uid if root else None)
    gid = uid if root else os.getgid()
    if not root:
        directory.chmod(0o770)
    (directory / FILES_NAME).mkdir(mode=0o755)
    command = [CONTAINER_PYTHON, "-m", "autograder.sandbox.pool", str(directory),
               "--idle", str(idle_seconds), "--limits", json.dumps(limits), "--preload", *preload]
    slot = ContainerSlot(directory, uid, tempfile.TemporaryFile(prefix="autograder-kernel-log-"))
    try:
        slot.container = client().containers.run(
            command=command, user=f"{uid}:{gid}", detach=True,
            volumes={str(directory): {"bind": str(directory), "mode": "rw"}}, **spec)
        slot.container.reload()
    except DockerException as exc:
        slot.remove()
        raise RunnerError(f"could not start a grading container: {exc}") from exc
    pid = int(slot.container.attrs.get("State", {}).get("Pid") or 0) or None
    slot.process_id = lambda: pid
    return slot
