"""The Docker runner's settings, its checks of the engine and image, and the container spec."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Float, Int, TraitError, Unicode, validate

from autograder.image import SOURCE_LABEL, grader_only_digest, grader_only_label, source_digest
from autograder.runners.base import KERNEL_HOME, SOCKET_NAME, Runner, RunnerError, Slot, kernel_environment
from autograder.runners.docker.attach import DockerKernelManager
from autograder.runners.docker.containers import (CONTAINER_PATH, LABEL, ContainerSlot, client, device_requests,
                                                  start_container)
from autograder.wire import PackageFile

try:
    from docker.errors import ImageNotFound
    from docker.types import Ulimit
except ImportError:  # prepare() reports the missing SDK
    pass


class DockerRunner(Runner):
    """Grades in containers of the grading image. Configure with ``c.DockerRunner.<trait>``."""

    name = "docker"

    image = Unicode("autograder-grading:cpu", help="Grading image (`autograder image build`).").tag(config=True)
    gpus = Unicode("none", help='GPUs for each container: "none", "all" or a count ("1").').tag(config=True)
    cpus = Float(1.0, help="CPUs each container may use (a fraction is fine).").tag(config=True)
    idle_seconds = Float(1800.0, help="A warm container nobody claims exits after this long.").tag(config=True)
    log_bytes = Int(1 << 20, help="Most bytes of a container's log read back.").tag(config=True)

    @validate("gpus")
    def _valid_gpus(self, proposal: Any) -> str:
        value = str(proposal["value"]).strip().lower()
        if value not in ("none", "all") and not value.isdigit():
            raise TraitError(f'gpus must be "none", "all" or a count, not {proposal["value"]!r}')
        return value

    def prepare(self) -> list[str]:
        engine = client()
        try:
            image = engine.images.get(self.image)
        except ImageNotFound as exc:
            raise RunnerError(f"the grading image {self.image} is missing: build it with "
                              "`autograder image build` (see .ci/docker-setup.sh)") from exc
        if (image.labels or {}).get(SOURCE_LABEL) != source_digest():
            raise RunnerError(f"the grading image {self.image} carries another version of the autograder "
                              "than this grader: rebuild it with `autograder image build`")
        warnings = []
        if device_requests(self.gpus):
            runtimes = engine.info().get("Runtimes", {})
            if "nvidia" not in runtimes:
                raise RunnerError(
                    f"--gpus {self.gpus} needs the NVIDIA container runtime, and this Docker engine has "
                    f"none (runtimes: {', '.join(sorted(runtimes)) or 'none'}). Install the NVIDIA driver "
                    "and nvidia-container-toolkit, run `nvidia-ctk runtime configure --runtime=docker`, "
                    "restart dockerd, and build the GPU image with `autograder image build --variant gpu`.")
            if self.image.endswith(":cpu"):
                warnings.append(f"GPUs requested but {self.image} is the CPU image: "
                                "build and use the gpu variant (`autograder image build --variant gpu`).")
        return warnings

    def check_grader_only(self, assignment: str, files: list[PackageFile]) -> None:
        labels = client().images.get(self.image).labels or {}
        if files and labels.get(grader_only_label(assignment)) != grader_only_digest(files):
            raise RunnerError(f"the grading image {self.image} does not hide this course's grader-only files "
                              "(held-out data listed in reference/<assignment>/__init__.py): rebuild it with "
                              "`autograder image build`")

    def container_spec(self) -> dict[str, Any]:
        """Everything ``containers.run`` gets but the command, user and job folder."""
        mib = 1024 * 1024
        scratch = f"size={self.scratch_mb}m,mode=1777,nosuid,nodev"
        # The socket's path differs per container: each kernel gets it with its start request.
        env = {k: v for k, v in self._environment(Path(SOCKET_NAME)).items() if k != "AUTOGRADER_SOCKET"}
        return {
            "image": self.image, "auto_remove": True, "init": True, "network_mode": "none",
            "mem_limit": self.memory_mb * mib, "memswap_limit": self.memory_mb * mib,
            "nano_cpus": int(self.cpus * 1e9), "pids_limit": self.max_processes,
            "read_only": True, "tmpfs": {KERNEL_HOME: scratch, "/tmp": scratch},
            "shm_size": 64 * mib, "cap_drop": ["ALL"], "security_opt": ["no-new-privileges"],
            "ulimits": [Ulimit(name="core", soft=0, hard=0)],
            "device_requests": device_requests(self.gpus), "environment": env,
            "hostname": "sandbox", "labels": {LABEL: "1"},
        }

    def _start_slot(self) -> ContainerSlot:
        # Docker needs no privilege to run a container as any uid: every container gets its own.
        uid = self.sandbox_uid_base + secrets.randbelow(1 << 30)
        return start_container(self.container_spec(), uid, self.preloaded(), self.limits(), self.idle_seconds)

    def _kernel_manager(self, slot: Slot, environment: dict[str, str]) -> AsyncKernelManager:
        assert isinstance(slot, ContainerSlot)
        return DockerKernelManager(slot, environment, self.log_bytes)

    def _environment(self, socket: Path) -> dict[str, str]:
        return kernel_environment(socket, path=CONTAINER_PATH, threads=max(1, round(self.cpus)))

    def environment(self, slot: Slot) -> dict[str, str]:
        return self._environment(slot.directory / SOCKET_NAME)
