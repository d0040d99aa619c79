"""The runner interface: where and how a submission's kernel runs.

A runner turns a :class:`KernelJob` into a Jupyter kernel manager whose kernel runs
isolated (a bubblewrap sandbox, a container). The grader drives that kernel with nbclient
from the trusted side, and the kernel reaches the oracle only through ``job.socket``.
Kernels talk ZeroMQ over IPC sockets in ``job.directory``, so no network is ever needed.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from jupyter_client.manager import AsyncKernelManager
from traitlets import Int, List, Unicode
from traitlets.config import LoggingConfigurable


class RunnerError(Exception):
    """The runner cannot grade on this machine; the message says what to install or change."""


@dataclass(frozen=True)
class KernelJob:
    """One submission's kernel: where its files are and how it reaches the oracle.

    ``directory`` holds the connection file, the kernel's IPC sockets, the oracle socket
    (``socket``) and, under ``files``, a scratch copy of the submission the kernel starts from.
    """

    directory: Path
    student: str
    uid: int | None = None  # the kernel's own uid when the grader runs as root (see Runner.job_uid)

    @property
    def socket(self) -> Path:
        return self.directory / "oracle.sock"

    @property
    def files(self) -> Path:
        return self.directory / "files"

    @property
    def connection_file(self) -> Path:
        return self.directory / "kernel.json"


KERNEL_HOME = "/home/student"

# TensorFlow settings of the grading kernel. The grader adopts them too (see
# `use_kernel_tensorflow_settings`) so that the answer key runs on the same CPU kernels (oneDNN
# off) as the student's code, and TensorFlow's start-up logging stays off the console.
TENSORFLOW_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


def use_kernel_tensorflow_settings() -> None:
    """Apply the kernel's TensorFlow settings to this process; effective before TensorFlow is
    imported, and explicit settings in the environment win."""
    for name, value in TENSORFLOW_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


# Variables the kernel gets; nothing else of the grader's environment reaches it.
def kernel_environment(job: KernelJob) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": KERNEL_HOME,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        **TENSORFLOW_ENVIRONMENT,
        "KERAS_BACKEND": "tensorflow",
        "OMP_NUM_THREADS": str(os.cpu_count() or 1),
        "AUTOGRADER_SOCKET": str(job.socket),
    }


def kernel_command(job: KernelJob, python: str = sys.executable, uid: int | None = None) -> list[str]:
    """The command that starts the grading kernel inside the sandbox (dropping to ``uid``)."""
    drop = ["--uid", str(uid)] if uid is not None else []
    return [python, "-m", "autograder.sandbox.kernel", "--files", str(job.files), *drop,
            "-f", str(job.connection_file)]


class Runner(LoggingConfigurable):
    """Subclasses implement ``prepare`` and ``kernel_manager``. Configurable with ``c.<RunnerClass>.<trait>`` in nbgrader_config.py."""

    name: ClassVar[str]

    memory_mb = Int(4096, help="Address-space (local) or memory (docker) limit, MiB.").tag(config=True)
    cpu_seconds = Int(900, help="CPU seconds the kernel may use in all.").tag(config=True)
    max_processes = Int(512, help="Processes and threads the sandbox user may have.").tag(config=True)
    max_file_mb = Int(256, help="Largest file the kernel may write, MiB.").tag(config=True)
    scratch_mb = Int(512, help="Size of the kernel's writable scratch space, MiB.").tag(config=True)
    sandbox_uid_base = Int(1_000_000, help="Lowest uid given to kernels when the grader runs as root.").tag(config=True)
    extra_ro_paths = List(Unicode(), help="Extra host paths the kernel may read.").tag(config=True)

    def prepare(self) -> list[str]:
        """Check the machine once per batch. Returns warnings about weakened isolation;
        raises :class:`RunnerError` when grading cannot proceed."""
        raise NotImplementedError

    def expect_imports(self, modules: list[str]) -> None:
        """Told, before any job, the modules the assignment's notebooks import; runners that
        start kernels ahead of need may load them early. Others ignore it."""

    def limits(self) -> dict[str, int]:
        """The kernel's rlimits (applied by ``autograder.sandbox.launch.apply_limits``)."""
        mib = 1024 * 1024
        return {"memory_bytes": self.memory_mb * mib, "cpu_seconds": self.cpu_seconds,
                "max_processes": self.max_processes, "max_file_bytes": self.max_file_mb * mib}

    def kernel_manager(self, job: KernelJob) -> AsyncKernelManager:
        """A kernel manager (not yet started) whose kernel runs isolated for ``job``."""
        raise NotImplementedError

    def environment(self, job: KernelJob) -> dict[str, str]:
        """The kernel's whole environment (nothing of the grader's leaks in)."""
        return kernel_environment(job)

    def job_uid(self) -> int | None:
        """A fresh unprivileged uid for one job (None when not root). No two sandboxes share a
        uid, so a student's processes (a fork bomb's, or stragglers of an earlier job) cannot
        exhaust another kernel's process limit or touch its files."""
        return self.sandbox_uid_base + secrets.randbelow(1 << 30) if os.geteuid() == 0 else None
