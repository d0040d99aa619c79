"""The Docker runner: one locked-down container per submission, started warm.

Each submission's kernel runs in its own container of the grading image (see ``Dockerfile``):
no network, memory/CPU/pids limits, a read-only root with size-limited tmpfs scratch
(``/home/student``, ``/tmp``), a non-root uid of its own, no capabilities, no new privileges.
The container sees only its own job directory, mounted at the same path as on the host so
the kernel's IPC sockets and the oracle's socket have one name on both sides; the oracle stays
on the host. Nothing the container writes is unpickled, and its log is read back size-capped.

Warm pool: per grading process, ``warm`` containers are started ahead of need. Each runs
``autograder.sandbox.pool``, which imports what the assignment's notebooks import (numpy,
TensorFlow, Keras...) and ipykernel while the previous submission is graded, then becomes the
kernel when its submission arrives, so a submission pays for container start and imports only
when the pool is cold.

The host side of each kernel is a small ``attach`` process (``python -m
autograder.runners.docker attach ...``): jupyter_client sees it as the kernel process. It hands
the container its start request, takes the job directory's write permission away from the
student once the kernel's sockets exist, copies the container's log (capped) to its stderr and
exits with the container. Killing the kernel manager removes the container.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing.util
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Float, Int, List, TraitError, Unicode, validate

from autograder.image import SOURCE_LABEL, source_digest
from autograder.runners.base import KERNEL_HOME, KernelJob, Runner, RunnerError, kernel_environment

CONTAINER_PYTHON = "/opt/venv/bin/python"
CONTAINER_PATH = "/opt/venv/bin:/usr/local/bin:/usr/bin:/bin"
LABEL = "autograder.kernel"
SOCKET_WAIT_SECONDS = 120.0

try:
    import docker
    from docker.errors import DockerException, ImageNotFound, NotFound
    from docker.types import DeviceRequest, Ulimit
except ImportError:  # the SDK is in requirements.txt; prepare() says so if it is missing
    docker = None  # type: ignore[assignment]


def _client() -> Any:
    if docker is None:
        raise RunnerError("the docker Python SDK is missing: pip install docker")
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except DockerException as exc:
        raise RunnerError(f"the Docker engine is not reachable ({exc}). Install and start it: "
                          "apt-get install docker.io && dockerd (or systemctl start docker)") from exc
    return client


@dataclass
class _Container:
    """A started container (importing, or idle and ready) and its private job directory."""

    container: Any
    directory: Path
    uid: int

    def remove(self) -> None:
        try:
            self.container.remove(force=True)
        except DockerException:
            pass  # already gone: auto-removed when its kernel exited
        shutil.rmtree(self.directory, ignore_errors=True)


class _Pool:
    """Containers of one configuration, started ``ahead`` of need in this process."""

    def __init__(self, spec: dict[str, Any], preload: list[str], limits: dict[str, int], ahead: int,
                 idle_seconds: float, uid_base: int) -> None:
        self._spec = spec
        self._limits = limits
        self._uid_base = uid_base
        self._preload = preload
        self._ahead = ahead
        self._idle_seconds = idle_seconds
        self._starter = ThreadPoolExecutor(max_workers=max(1, ahead), thread_name_prefix="warm-pool")
        self._upcoming: deque[Future[_Container]] = deque()

    def _start(self) -> _Container:
        root = os.geteuid() == 0
        uid = self._uid_base + secrets.randbelow(1 << 30) if root else os.getuid()
        directory = Path(tempfile.mkdtemp(prefix="autograder-docker-"))
        if root:
            os.chown(directory, uid, uid)
        command = [CONTAINER_PYTHON, "-m", "autograder.sandbox.pool", str(directory),
                   "--idle", str(self._idle_seconds), "--limits", json.dumps(self._limits),
                   "--preload", *self._preload]
        try:
            container = _client().containers.run(
                command=command, user=f"{uid}:{uid}", detach=True,
                volumes={str(directory): {"bind": str(directory), "mode": "rw"}}, **self._spec)
        except DockerException as exc:
            shutil.rmtree(directory, ignore_errors=True)
            raise RunnerError(f"could not start a grading container: {exc}") from exc
        return _Container(container, directory, uid)

    def take(self) -> _Container:
        """The oldest container started ahead (waiting for it if it is still starting, which is
        never slower than a cold start), then start the next ones."""
        taken = self._upcoming.popleft().result() if self._upcoming else self._start()
        self.fill()
        return taken

    @property
    def started(self) -> bool:
        return bool(self._upcoming)

    def fill(self) -> None:
        while len(self._upcoming) < self._ahead:
            self._upcoming.append(self._starter.submit(self._start))

    def wait_warm(self, timeout: float) -> bool:
        """Wait until every container started ahead has its libraries imported."""
        deadline = time.monotonic() + timeout
        for future in list(self._upcoming):
            box = future.result(timeout=max(0.0, deadline - time.monotonic()))
            while not (box.directory / "ready").exists():
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
        return True

    def close(self) -> None:
        while self._upcoming:
            try:
                self._upcoming.popleft().result(timeout=60).remove()
            except (RunnerError, TimeoutError):
                continue
        self._starter.shutdown(wait=False)


_POOLS: dict[str, _Pool] = {}


def _close_pools() -> None:
    for pool in _POOLS.values():
        pool.close()
    _POOLS.clear()


# Grading workers are multiprocessing children, which skip atexit: their finalizers still run.
atexit.register(_close_pools)
multiprocessing.util.Finalize(None, _close_pools, exitpriority=10)


def device_requests(gpus: str) -> list[Any]:
    """The docker SDK's GPU request for ``gpus`` ("none", "all" or a count)."""
    if gpus in ("none", "0"):
        return []
    count = -1 if gpus == "all" else int(gpus)
    return [DeviceRequest(count=count, capabilities=[["gpu"]])]


class _DockerKernelManager(AsyncKernelManager):
    """Starts the grading kernel in a (warm) container through the host-side attach process."""

    def __init__(self, runner: DockerRunner, job: KernelJob, box: _Container, **kwargs: Any) -> None:
        super().__init__(transport="ipc", ip=str(box.directory / "ipc"),
                         connection_file=str(box.directory / "kernel.json"), kernel_name="python3", **kwargs)
        self._runner = runner
        self._job = job
        self._box = box
        # SIGINT would reach the attach process, not the kernel: interrupt by message instead.
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        box = self._box
        shutil.copytree(self._job.files, box.directory / "files", dirs_exist_ok=True)
        for path in (box.directory / "files", *(box.directory / "files").rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        # A second name for the oracle's socket inside the mounted directory (both live under
        # the same temporary directory, hence the same filesystem).
        os.link(self._job.socket, box.directory / "oracle.sock")
        if os.geteuid() == 0:
            os.chown(self.connection_file, box.uid, box.uid)
        sockets = [f"{self.ip}-{port}" for port in
                   (self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port)]
        request = {"argv": ["--files", str(box.directory / "files"), "-f", self.connection_file],
                   "env": self._runner.environment(self._job)}
        return [sys.executable, "-m", "autograder.runners.docker", "attach", box.container.id,
                str(box.directory), json.dumps(request), json.dumps(sockets), str(self._runner.log_bytes)]

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            self._box.remove()


class DockerRunner(Runner):
    """Grades in containers of the grading image. Configure with ``c.DockerRunner.<trait>``."""

    name = "docker"

    image = Unicode("autograder-grading:cpu", help="Grading image (`autograder image build`).").tag(config=True)
    gpus = Unicode("none", help='GPUs for each container: "none", "all" or a count ("1").').tag(config=True)
    cpus = Float(1.0, help="CPUs each container may use (a fraction is fine).").tag(config=True)
    warm = Int(1, help="Containers kept started ahead of need per grading process (0: cold start).").tag(config=True)
    preload = List(Unicode(), help="Modules a warm container imports before its submission arrives "
                                    "(empty: those the assignment's notebooks import).").tag(config=True)
    idle_seconds = Float(1800.0, help="A warm container nobody claims exits after this long.").tag(config=True)
    log_bytes = Int(1 << 20, help="Most bytes of a container's log read back.").tag(config=True)

    @validate("gpus")
    def _valid_gpus(self, proposal: Any) -> str:
        value = str(proposal["value"]).strip().lower()
        if value not in ("none", "all") and not value.isdigit():
            raise TraitError(f'gpus must be "none", "all" or a count, not {proposal["value"]!r}')
        return value

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._expected: list[str] = []
        self._claimed: dict[int | None, _Container] = {}
        self._jobs: dict[Path, _Container] = {}

    def prepare(self) -> list[str]:
        client = _client()
        try:
            image = client.images.get(self.image)
        except ImageNotFound as exc:
            raise RunnerError(f"the grading image {self.image} is missing: build it with "
                              "`autograder image build` (see .ci/docker-setup.sh)") from exc
        if (image.labels or {}).get(SOURCE_LABEL) != source_digest():
            raise RunnerError(f"the grading image {self.image} carries another version of the autograder "
                              "than this grader: rebuild it with `autograder image build`")
        warnings = []
        if device_requests(self.gpus):
            runtimes = client.info().get("Runtimes", {})
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

    def _spec(self) -> dict[str, Any]:
        mib = 1024 * 1024
        scratch = f"size={self.scratch_mb}m,mode=1777,nosuid,nodev"
        env = self._container_environment(KernelJob(Path("/"), ""))
        env.pop("AUTOGRADER_SOCKET")
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

    def expect_imports(self, modules: list[str]) -> None:
        self._expected = list(modules)

    def _preload(self) -> list[str]:
        # Importing TensorFlow costs seconds of CPU per container: only when the notebooks use it.
        return [*(self.preload or self._expected), "ipykernel.kernelapp"]

    def _pool(self) -> _Pool:
        spec = self._spec()
        preload = self._preload()
        key = json.dumps([repr(sorted(spec.items())), preload, self.limits(), self.warm,
                          self.idle_seconds, self.sandbox_uid_base])
        if key not in _POOLS:
            _POOLS[key] = _Pool(spec, preload, self.limits(), self.warm, self.idle_seconds,
                                self.sandbox_uid_base)
        return _POOLS[key]

    def wait_warm(self, timeout: float = 300.0) -> bool:
        """Start the warm pool if needed and wait until it is ready (benchmarks time warm
        submissions with it); False when it did not get ready within ``timeout``."""
        pool = self._pool()
        if not pool.started:
            pool.fill()
        return pool.wait_warm(timeout)

    def job_uid(self) -> int | None:
        """Claims the next container; the job directory then belongs to that container's uid."""
        box = self._pool().take()
        uid = box.uid if os.geteuid() == 0 else None
        self._claimed[uid] = box
        return uid

    def kernel_manager(self, job: KernelJob) -> AsyncKernelManager:
        box = self._claimed.pop(job.uid, None) or self._pool().take()
        self._jobs[job.directory] = box
        return _DockerKernelManager(self, job, box)

    def _container_environment(self, job: KernelJob) -> dict[str, str]:
        """The kernel's environment with the image's paths and this container's CPU share."""
        env = kernel_environment(job)
        env.update(PATH=CONTAINER_PATH, OMP_NUM_THREADS=str(max(1, round(self.cpus))))
        return env

    def environment(self, job: KernelJob) -> dict[str, str]:
        env = self._container_environment(job)
        box = self._jobs.get(job.directory)
        env["AUTOGRADER_SOCKET"] = str((box.directory if box else job.directory) / "oracle.sock")
        return env


def _relay_log(container: Any, limit: int) -> None:
    """Copy the container's output to our stderr (the kernel log), at most ``limit`` bytes."""
    written = 0
    try:
        for chunk in container.logs(stream=True, follow=True):
            if written < limit:
                sys.stderr.buffer.write(chunk[: limit - written])
                sys.stderr.buffer.flush()
                written += len(chunk)
    except DockerException:
        return


def _attach(container_id: str, directory: Path, request: str, sockets: list[str], log_bytes: int) -> int:
    """Host side of one kernel: start it in its container, lock its directory, relay its log."""
    client = docker.from_env(timeout=None)
    try:
        container = client.containers.get(container_id)
    except DockerException as exc:
        print(f"grading container {container_id[:12]} is gone: {exc}", file=sys.stderr)
        return 1
    parent = os.getppid()

    def remove(*_: object) -> None:
        try:
            container.remove(force=True)
        except DockerException:
            pass
        os._exit(1)

    signal.signal(signal.SIGTERM, remove)
    signal.signal(signal.SIGINT, remove)

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        remove()

    threading.Thread(target=watch_parent, daemon=True).start()
    # Relay from the start: a container that dies before its kernel is up (auto-removed) must
    # still leave its reason in the kernel log.
    relay = threading.Thread(target=_relay_log, args=(container, log_bytes), daemon=True)
    relay.start()
    staging = directory / ".start"
    staging.write_text(request)
    staging.chmod(0o644)
    os.replace(staging, directory / "start")
    deadline = time.monotonic() + SOCKET_WAIT_SECONDS
    while not all(os.path.exists(s) for s in sockets):
        if time.monotonic() > deadline or not relay.is_alive():
            break
        time.sleep(0.005)
    if os.geteuid() == 0:
        # The kernel has bound its sockets: from now on the student cannot write here (the
        # writable space is the size-limited tmpfs), and the sockets stay usable.
        os.chown(directory, 0, 0)
        directory.chmod(0o755)
    relay.join()
    try:
        return int(container.wait().get("StatusCode", 1))
    except NotFound:
        return 0
    except DockerException:
        return 1


def main(argv: list[str]) -> None:
    if len(argv) != 6 or argv[0] != "attach":
        sys.exit("usage: python -m autograder.runners.docker attach CONTAINER DIR REQUEST SOCKETS LOG_BYTES")
    sys.exit(_attach(argv[1], Path(argv[2]), argv[3], json.loads(argv[4]), int(argv[5])))


if __name__ == "__main__":
    main(sys.argv[1:])
