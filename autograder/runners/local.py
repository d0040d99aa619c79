"""The local runner: the kernel in a bubblewrap sandbox on this machine.

The sandbox sees a read-only system (``/usr``, ``/etc``, the Python installation and the
grading engine's own package), a size-limited tmpfs home holding a scratch copy of the
submission, and the job directory with its sockets. The course directory, ``reference/``,
``source/``, the gradebook and other students' work are simply not mounted. There is no
network (a fresh network namespace), no capabilities, and resource limits apply to the
kernel and all it starts. Without bubblewrap the runner still limits resources but says
loudly that the filesystem and network are exposed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

import autograder
from autograder.runners.base import KERNEL_HOME, KernelJob, Runner, kernel_command


class _WrappedKernelManager(AsyncKernelManager):
    """Starts the grading kernel behind a command prefix (limits, sandbox)."""

    def __init__(self, prefix: list[str], job: KernelJob, drop_to: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._prefix = prefix
        self._job = job
        self._drop_to = drop_to
        # SIGINT would reach the sandbox wrapper, not the kernel: interrupt by message instead.
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # The connection file was just written (0600, by us): hand it to the sandbox user.
        if self._job.uid is not None:
            for path in (self._job.directory, self._job.connection_file):
                os.chown(path, self._job.uid, self._job.uid)
        return [*self._prefix, *kernel_command(self._job, uid=self._drop_to)]


class LocalRunner(Runner):
    name = "local"

    def prepare(self) -> list[str]:
        warnings = []
        if not sys.platform.startswith("linux"):
            warnings.append("Not Linux: the kernel runs with resource limits only, and can read "
                            "the course directory and use the network.")
        elif self._bwrap() is None:
            warnings.append("bubblewrap (bwrap) is not installed: the kernel can read the course "
                            "directory and use the network. Install it (apt-get install bubblewrap).")
        return warnings

    @staticmethod
    def _bwrap() -> str | None:
        return shutil.which("bwrap")

    def sandbox_prefix(self, job: KernelJob) -> list[str]:
        bwrap = self._bwrap()
        if bwrap is None or not sys.platform.startswith("linux"):
            return []
        scratch = str(self.scratch_mb * 1024 * 1024)
        args = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        if os.geteuid() == 0:
            # Root sets up the mounts; the kernel then drops to its own uid with these two caps.
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            args += ["--unshare-user"]
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", scratch, "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", scratch, "--tmpfs", "/dev/shm",
                 "--perms", "0777", "--size", scratch, "--tmpfs", KERNEL_HOME]
        for path in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32"):
            if os.path.islink(path):
                args += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                args += ["--ro-bind", path, path]
        package = Path(autograder.__file__).resolve().parent
        readable = sorted({sys.base_prefix, sys.prefix, str(package), *self.extra_ro_paths})
        # Parents of bound paths are created world-traversable, whatever they are on the host.
        parents = sorted({str(p) for path in readable for p in Path(path).parents if str(p) != "/"}, key=len)
        for parent in parents:
            if parent not in ("/usr", "/etc", "/tmp"):
                args += ["--perms", "0755", "--dir", parent]
        for path in readable:
            args += ["--ro-bind", path, path]
        args += ["--bind", str(job.directory), str(job.directory),
                 "--ro-bind", str(job.files), str(job.files),
                 "--chdir", KERNEL_HOME, "--"]
        return args

    def environment(self, job: KernelJob) -> dict[str, str]:
        env = super().environment(job)
        if not self.sandbox_prefix(job):
            env["HOME"] = str(job.directory / "home")
        return env

    def kernel_manager(self, job: KernelJob) -> AsyncKernelManager:
        sandbox = self.sandbox_prefix(job)
        prefix = [sys.executable, "-m", "autograder.sandbox.launch", json.dumps(self.limits()), "--", *sandbox]
        return _WrappedKernelManager(prefix, job, job.uid if sandbox else None, transport="ipc",
                                     ip=str(job.directory / "ipc"),
                                     connection_file=str(job.connection_file), kernel_name="python3")
