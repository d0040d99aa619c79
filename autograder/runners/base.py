"""The runner interface: where a submission's kernel runs, from its job folder to its removal.

A runner turns a :class:`Job` (one submission's notebook and files, already read and checked
by the grader) into a started sandbox: :meth:`Runner.start` gives back a :class:`Sandbox` with
the kernel manager, the kernel's environment and the oracle's socket path, and removes
everything when the block ends. The job folder, the scratch copy, the kernel's uid and its
ownership are the runner's business, decided here once. A runner is built once per grading
worker and lives as long as it; kernels started ahead (warm) are its attribute.

Kernels talk ZeroMQ over IPC sockets in the job folder, so no network is ever needed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

import psutil
from jupyter_client.manager import AsyncKernelManager
from traitlets import Int, List, Unicode
from traitlets.config import LoggingConfigurable

from autograder import frameworks
from autograder.runners.warm import WarmPool
from autograder.sandbox.pool import HEARTBEAT_NAME, READY_NAME
from autograder.submission import SubmittedFile

if TYPE_CHECKING:
    from autograder.wire import PackageFile

KERNEL_HOME = "/home/student"
SOCKET_NAME = "oracle.sock"
FILES_NAME = "files"
CONNECTION_NAME = "kernel.json"
LOG_TAIL_BYTES = 600


class RunnerError(Exception):
    """The runner cannot grade on this machine; the message says what to install or change."""


@dataclass(frozen=True)
class Job:
    """One submission's notebook to run: whose it is and the files beside it."""

    student: str
    assignment: str
    notebook: str
    files: tuple[SubmittedFile, ...] = ()  # copied into the kernel's scratch space


def sandbox_uid(base: int) -> int | None:
    """The kernel's own uid: a fresh one per sandbox when the grader runs as root (None
    otherwise). No two sandboxes share a uid, so a student's processes (a fork bomb's, or
    stragglers of an earlier job) cannot exhaust another kernel's process limit or touch its files."""
    return base + secrets.randbelow(1 << 30) if os.geteuid() == 0 else None


def job_directory(uid: int | None) -> Path:
    """A fresh job folder, private to the grader until handed to the sandbox's ``uid``, with the
    heartbeat a waiting sandbox watches."""
    directory = Path(tempfile.mkdtemp(prefix="autograder-"))
    (directory / HEARTBEAT_NAME).touch(mode=0o644)
    if uid is not None:
        os.chown(directory, uid, uid)
    return directory


def write_files(target: Path, files: tuple[SubmittedFile, ...]) -> None:
    """Write the submission's files (bytes the grader holds) where the kernel reads them."""
    target.mkdir(mode=0o755, exist_ok=True)
    for item in files:
        path = target / item.path
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)


@dataclass
class CpuClock:
    """CPU seconds used by process ``pid`` and its descendants, ended children included.

    Finding the descendants scans every process on the machine, so the tree found is kept
    and looked for again only when asked (``rescan``); a process the kept tree lacks is found
    at the next rescan, and one that ended meanwhile counts in its parent's children times."""

    pid: int | None
    _tree: list[psutil.Process] | None = None

    def seconds(self, rescan: bool = False) -> float:
        if self.pid is None:
            return 0.0
        if self._tree is None or rescan:
            try:
                root = psutil.Process(self.pid)
                self._tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                return 0.0
        total = 0.0
        for process in self._tree:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system + times.children_user + times.children_system
        return total


def kernel_environment(socket: Path, path: str = f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
                       threads: int = os.cpu_count() or 1) -> dict[str, str]:
    """The kernel's whole environment: nothing of the grader's leaks in."""
    return {
        "PATH": path,
        "HOME": KERNEL_HOME,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        # The kernel imports its debugger at start; it would warn about frozen modules on stderr.
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **frameworks.environment(),
        "OMP_NUM_THREADS": str(threads),
        "AUTOGRADER_SOCKET": str(socket),
    }


def kernel_arguments(directory: Path, uid: int | None) -> list[str]:
    """Arguments of ``autograder.sandbox.kernel`` for a kernel whose job folder is ``directory``."""
    drop = ["--uid", str(uid)] if uid is not None else []
    return ["--files", str(directory / FILES_NAME), *drop, "-f", str(directory / CONNECTION_NAME)]


def read_tail(log: IO[bytes], limit: int = LOG_TAIL_BYTES) -> str:
    """The end of a log the grader opened itself, read through its descriptor (never by path)."""
    if log.closed:
        return ""
    size = os.fstat(log.fileno()).st_size
    return os.pread(log.fileno(), limit, max(0, size - limit)).decode(errors="replace").strip()


@dataclass
class Slot:
    """A sandbox started for one kernel (ahead of need, or now): its job folder, its uid and
    the kernel's stderr, which the grader opened itself and never reads back by path."""

    directory: Path
    uid: int | None
    log: IO[bytes]
    warm: bool = False
    process_id: Callable[[], int | None] = field(default=lambda: None)

    def remove(self) -> None:
        """Stop whatever still runs and delete the job folder."""
        shutil.rmtree(self.directory, ignore_errors=True)
        self.log.close()


@dataclass
class Sandbox:
    """A started sandbox for one job, as the pipeline drives it."""

    kernel_manager: AsyncKernelManager
    environment: dict[str, str]   # the kernel's environment, passed when the kernel starts
    socket: Path                  # where the oracle listens; reachable from the kernel
    socket_owner: int | None      # the uid that must be able to connect to it
    slot: Slot
    started: float                # time.monotonic() when the runner began preparing it
    _clock: CpuClock | None = field(default=None, repr=False)

    @property
    def warm(self) -> bool:
        return self.slot.warm

    def cpu_seconds(self, rescan: bool = False) -> float:
        """CPU seconds the kernel and everything it started have used so far; ``rescan`` looks
        for processes started since the last rescan (see :class:`CpuClock`)."""
        if self._clock is None or self._clock.pid != self.slot.process_id():
            self._clock = CpuClock(self.slot.process_id())
        return self._clock.seconds(rescan)

    def launch_arguments(self) -> dict[str, Any]:
        """Keyword arguments for starting the kernel: its environment and where its output goes."""
        return {"env": self.environment, "stdout": subprocess.DEVNULL, "stderr": self.slot.log}

    def log_tail(self, limit: int = LOG_TAIL_BYTES) -> str:
        """The end of the kernel's stderr (why a process died), read through the grader's own descriptor."""
        return read_tail(self.slot.log, limit)


class Runner(LoggingConfigurable):
    """Where kernels run. Subclasses implement ``prepare``, ``_take`` and ``_kernel_manager``;
    configurable with ``c.<RunnerClass>.<trait>`` in nbgrader_config.py."""

    name: ClassVar[str]

    memory_mb = Int(4096, help="Address-space (local) or memory (docker) limit, MiB.").tag(config=True)
    cpu_seconds = Int(900, help="CPU seconds the kernel may use in all.").tag(config=True)
    max_processes = Int(512, help="Processes and threads the sandbox user may have.").tag(config=True)
    max_file_mb = Int(256, help="Largest file the kernel may write, MiB.").tag(config=True)
    scratch_mb = Int(512, help="Size of the kernel's writable scratch space, MiB.").tag(config=True)
    sandbox_uid_base = Int(1_000_000, help="Lowest uid given to kernels when the grader runs as root.").tag(config=True)
    extra_ro_paths = List(Unicode(), help="Extra host paths the kernel may read.").tag(config=True)
    warm = Int(1, help="Kernels started ahead of need per grading worker, with the assignment's "
                       "imports done (0: each kernel starts when its submission arrives).").tag(config=True)
    preload = List(Unicode(), help="Modules a warm kernel imports before its submission arrives "
                                   "(empty: those the assignment's notebooks import).").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._imports: list[str] = []
        self._grader_only: list[PackageFile] = []
        self._pool: WarmPool[Any] | None = None

    def prepare(self) -> list[str]:
        """Check the machine once per batch. Returns warnings about weakened isolation;
        raises :class:`RunnerError` when grading cannot proceed."""
        raise NotImplementedError

    def setup(self, imports: list[str], grader_only: list[PackageFile] | None = None) -> None:
        """Get ready to grade an assignment whose notebooks import ``imports`` and whose
        ``grader_only`` package files the sandbox must not read: sandboxes started ahead
        (``warm``) begin importing in the background."""
        self.close()
        self._imports = list(imports)
        self._grader_only = list(grader_only or [])
        self._pool = WarmPool(self._start_slot, self.warm)
        self._pool.fill()

    def check_grader_only(self, assignment: str, files: list[PackageFile]) -> None:
        """Raise :class:`RunnerError` when this runner cannot hide ``assignment``'s ``files``
        from the sandbox."""

    def wait_warm(self, timeout: float = 300.0) -> bool:
        """Wait until every sandbox started ahead has its imports done (benchmarks time warm
        submissions with it); False when they were not ready within ``timeout``."""
        if self._pool is None:
            self.setup(self._imports, self._grader_only)
        assert self._pool is not None
        deadline = time.monotonic() + timeout
        for slot in self._pool.upcoming(timeout):
            while not (slot.directory / READY_NAME).exists():
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
        return True

    def close(self) -> None:
        """Stop every sandbox started ahead (the runner may be set up again afterwards)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def limits(self) -> dict[str, int]:
        """The kernel's rlimits (applied by ``autograder.sandbox.launch.apply_limits``)."""
        mib = 1024 * 1024
        return {"memory_bytes": self.memory_mb * mib, "cpu_seconds": self.cpu_seconds,
                "max_processes": self.max_processes, "max_file_bytes": self.max_file_mb * mib}

    def preloaded(self) -> list[str]:
        """What a kernel started ahead imports: importing TensorFlow costs seconds of CPU, so
        only what the notebooks use; then the kernel's own modules (its debugger is imported
        when the kernel starts, a tenth of a second)."""
        return [*(self.preload or self._imports), "ipykernel.kernelapp", "ipykernel.debugger"]

    @contextmanager
    def start(self, job: Job, ahead: bool = True) -> Iterator[Sandbox]:
        """A sandbox holding ``job``'s files, with a kernel manager ready to start its kernel;
        removed (kernel, container, job folder) when the block exits. With ``ahead`` False, no
        sandbox is started ahead for a next job."""
        started = time.monotonic()
        slot = self._take(ahead)
        try:
            write_files(slot.directory / FILES_NAME, job.files)
            environment = self.environment(slot)
            yield Sandbox(self._kernel_manager(slot, environment), environment, slot.directory / SOCKET_NAME,
                          slot.uid, slot, started)
        finally:
            slot.remove()

    def environment(self, slot: Slot) -> dict[str, str]:
        """The kernel's environment in ``slot``."""
        return kernel_environment(slot.directory / SOCKET_NAME)

    def _take(self, refill: bool = True) -> Slot:
        """A sandbox for the next kernel: one started ahead when there is one."""
        if self._pool is None:
            self.setup(self._imports, self._grader_only)
        assert self._pool is not None
        return self._pool.take(refill)

    def _start_slot(self) -> Slot:
        """Start a sandbox whose process waits, imports done, for its kernel's start request."""
        raise NotImplementedError

    def _kernel_manager(self, slot: Slot, environment: dict[str, str]) -> AsyncKernelManager:
        """A kernel manager (not yet started) whose kernel runs in ``slot``."""
        raise NotImplementedError
