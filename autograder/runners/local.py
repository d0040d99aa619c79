"""The local runner: the kernel in a bubblewrap sandbox on this machine, started warm.

The sandbox sees a read-only system (``/usr``, ``/etc``, the Python installation and the
grading engine's own package), a size-limited tmpfs home, its own job folder with the
submission's files (read-only) and its sockets. The course directory, ``reference/``,
``source/``, the gradebook and other students' work are simply not mounted. There is no
network (a fresh network namespace), no capabilities, and resource limits apply to the
kernel and all it starts. Without bubblewrap the runner still limits resources but says
loudly that the filesystem and network are exposed.

Warm kernels: each sandbox is started ahead of need, and its process becomes the kernel when
its submission's start request arrives; jupyter_client manages it through
:class:`_SlotProvisioner`, which hands over that request instead of launching a process. That
process is forked, imports done, from the worker's zygote (``autograder.sandbox.zygote``),
which imported what the assignment's notebooks import once for the whole batch, and enters the
fresh sandbox before anything of the student's runs. Where the zygote cannot be used (root
grader, no bubblewrap, an assignment with grader-only files, whose imports must happen in the
sandbox's own view) or has stopped, the sandbox's process imports them itself
(``autograder.sandbox.pool``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool

import autograder
from autograder.runners.base import (CONNECTION_NAME, FILES_NAME, KERNEL_HOME, SOCKET_NAME, Runner, Slot,
                                     job_directory, kernel_arguments, kernel_environment, read_tail,
                                     sandbox_uid)
from autograder.privileges import share
from autograder.sandbox.pool import write_start_request
from autograder.sandbox.zygote import Zygote, ZygoteError


# The sandbox's own writable folders (tmpfs, size-limited).
_SCRATCH_MOUNTS = ("/tmp", "/dev/shm", KERNEL_HOME)
# What a sandbox runs while a zygote's fork is its kernel: a line once its mounts are done, then
# it waits for the end of its input, the pipe only the kernel holds open, so that the sandbox
# (and whatever the kernel left in it) ends with the kernel, as it does with an imported one.
_PLACEHOLDER = ["/bin/sh", "-c", "echo; exec cat >/dev/null"]
# Waiting for the zygote's first fork includes its imports, under a busy machine's load.
_ZYGOTE_SECONDS = 300.0


def _package() -> Path:
    """The grader's own ``autograder`` package, which the sandbox mounts read-only."""
    return Path(autograder.__file__).resolve().parent


@dataclass
class _LocalSlot(Slot):
    process: subprocess.Popen[bytes] | None = field(default=None)

    def remove(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        super().remove()


class _SlotProvisioner(LocalProvisioner):
    """Starts the kernel by handing its start request to a sandbox started ahead."""

    slot: _LocalSlot

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        slot = self.slot
        # The connection file was just written (0600, by us): hand it to the sandbox user.
        share(slot.directory / CONNECTION_NAME, slot.uid, 0o640)
        write_start_request(slot.directory, {"argv": kernel_arguments(slot.directory, None),
                                             "env": dict(kwargs.get("env") or {})})
        self.process = slot.process
        assert self.process is not None
        self.pid = self.process.pid
        self.pgid = self.process.pid
        return self.connection_info


class _SlotKernelManager(AsyncKernelManager):
    def __init__(self, slot: _LocalSlot, **kwargs: Any) -> None:
        super().__init__(transport="ipc", ip=str(slot.directory / "ipc"),
                         connection_file=str(slot.directory / CONNECTION_NAME), kernel_name="python3", **kwargs)
        self.kernel_id = str(uuid.uuid4())
        # SIGINT would reach the sandbox wrapper, not the kernel: interrupt by message instead.
        self.kernel_spec.interrupt_mode = "message"
        provisioner = _SlotProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        provisioner.slot = slot
        self.provisioner = provisioner


class LocalRunner(Runner):
    """Grades in bubblewrap sandboxes on this machine. Configure with ``c.LocalRunner.<trait>``."""

    name = "local"

    fork_kernels = Bool(True, help="Fork warm kernels from one process per grading worker that imported the "
                                   "assignment's libraries once, instead of importing them in every sandbox "
                                   "(used only with bubblewrap, an unprivileged grader and no grader-only files).",
                        ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._zygote: Zygote | None = None
        self._zygote_stopped = False
        self._zygote_lock = threading.Lock()

    def prepare(self) -> list[str]:
        warnings = []
        if not sys.platform.startswith("linux"):
            warnings.append("Not Linux: the kernel runs with resource limits only, and can read "
                            "the course directory and use the network.")
        elif self._bwrap() is None:
            warnings.append("bubblewrap (bwrap) is not installed: the kernel can read the course "
                            "directory and use the network. Install it (apt-get install bubblewrap).")
        return warnings

    def _kernel_manager(self, slot: Slot, environment: dict[str, str]) -> AsyncKernelManager:
        assert isinstance(slot, _LocalSlot)
        return _SlotKernelManager(slot)

    def environment(self, slot: Slot) -> dict[str, str]:
        env = kernel_environment(slot.directory / SOCKET_NAME)
        if self.sandbox_prefix(slot.directory):
            # The sandbox binds only the grader's own copy of the package: import that one, not
            # the copy the interpreter's site-packages name (an editable install of another
            # checkout would not be mounted).
            env["PYTHONPATH"] = str(_package().parent)
        else:
            env["HOME"] = str(slot.directory / "home")
        return env

    def close(self) -> None:
        super().close()
        with self._zygote_lock:
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None

    def _running_zygote(self) -> Zygote | None:
        """This worker's zygote, started on first use; None where it cannot serve or has stopped."""
        with self._zygote_lock:
            if (self._zygote is None and not self._zygote_stopped and self.fork_kernels and not self._grader_only
                    and os.geteuid() != 0 and sys.platform.startswith("linux") and self._bwrap() is not None):
                env = kernel_environment(Path("/"))
                del env["AUTOGRADER_SOCKET"]
                # The package the sandbox binds, as a sandbox's process imports it.
                env["PYTHONPATH"] = str(_package().parent)
                self._zygote = Zygote(self.preloaded(), env)
            zygote = self._zygote
        why = zygote.stopped() if zygote is not None else None
        if why is not None:
            self._stop_zygote(zygote, why)
            return None
        return zygote

    def _stop_zygote(self, zygote: Zygote, why: str) -> None:
        """For good: every later sandbox imports for itself."""
        with self._zygote_lock:
            if self._zygote is not zygote:
                return
            self._zygote, self._zygote_stopped = None, True
        self.log.warning("Kernels now import their libraries in each sandbox: the zygote stopped (%s)", why)
        zygote.close()

    def _start_slot(self) -> _LocalSlot:
        zygote = self._running_zygote()
        slot = self._start_forked_slot(zygote) if zygote is not None else None
        return slot if slot is not None else self._start_importing_slot()

    def _start_forked_slot(self, zygote: Zygote) -> _LocalSlot | None:
        """A fresh sandbox holding only a placeholder, entered by a fork of ``zygote``; None when
        the zygote gave no kernel (it is then stopped: the caller starts a sandbox that imports)."""
        directory = job_directory(None)
        (directory / FILES_NAME).mkdir(mode=0o755)
        slot = _LocalSlot(directory, None, tempfile.TemporaryFile(prefix="autograder-kernel-log-"))
        limits = self.limits()
        info, info_write = os.pipe()
        lifeline, lifeline_write = os.pipe()
        try:
            command = [sys.executable, "-m", "autograder.sandbox.launch", json.dumps(limits), "--",
                       *self.sandbox_prefix(directory, info_fd=info_write), *_PLACEHOLDER]
            slot.process = subprocess.Popen(command, stdin=lifeline, stdout=subprocess.PIPE, stderr=slot.log,
                                            env=self.environment(slot), pass_fds=[info_write],
                                            start_new_session=True)
        finally:
            os.close(info_write)
            os.close(lifeline)
        try:
            with os.fdopen(info, "rb") as stream:
                sandbox = _read_info(stream)
            assert slot.process.stdout is not None
            with slot.process.stdout:
                mounted = slot.process.stdout.readline()
            if sandbox is None or not mounted:
                return slot  # bubblewrap failed: its message is in the log, which the kernel's start reports
            kernel = zygote.fork({"pid": sandbox, "directory": str(directory), "cwd": KERNEL_HOME, "limits": limits},
                                 slot.log.fileno(), lifeline_write, _ZYGOTE_SECONDS)
        except ZygoteError as exc:
            tail = read_tail(slot.log)
            self._stop_zygote(zygote, f"{exc}: {tail}" if tail else str(exc))
            slot.remove()
            return None
        finally:
            os.close(lifeline_write)
        # The kernel is not the sandbox's child: its CPU time is counted from its own pid.
        slot.process_id = lambda: kernel
        return slot

    def _start_importing_slot(self) -> _LocalSlot:
        uid = sandbox_uid(self.sandbox_uid_base)
        directory = job_directory(uid)
        (directory / FILES_NAME).mkdir(mode=0o755)
        log = tempfile.TemporaryFile(prefix="autograder-kernel-log-")
        slot = _LocalSlot(directory, uid, log)
        drop = ["--uid", str(uid)] if uid is not None and self.sandbox_prefix(directory) else []
        command = [sys.executable, "-m", "autograder.sandbox.launch", json.dumps(self.limits()), "--",
                   *self.sandbox_prefix(directory),
                   sys.executable, "-m", "autograder.sandbox.pool", str(directory), *drop,
                   "--preload", *self.preloaded()]
        slot.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                        env=self.environment(slot), start_new_session=True)
        process = slot.process
        slot.process_id = lambda: process.pid
        return slot

    @staticmethod
    def _bwrap() -> str | None:
        return shutil.which("bwrap")

    def sandbox_prefix(self, directory: Path, info_fd: int | None = None) -> list[str]:
        """The bubblewrap command that isolates a kernel whose job folder is ``directory``
        (writing the sandbox's pid and namespaces to ``info_fd`` when given)."""
        bwrap = self._bwrap()
        if bwrap is None or not sys.platform.startswith("linux"):
            return []
        scratch = str(self.scratch_mb * 1024 * 1024)
        args = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        if os.geteuid() == 0:
            # Root sets up the mounts; the sandbox then drops to its own uid with these two caps.
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
        readable = sorted({sys.base_prefix, sys.prefix, str(_package()), *self.extra_ro_paths})
        # Parents of bound paths are created world-traversable, whatever they are on the host.
        parents = sorted({str(p) for path in readable for p in Path(path).parents if str(p) != "/"}, key=len)
        # Those under one of the sandbox's writable folders (a checkout under /tmp) are made in a
        # small tmpfs of their own, read-only once the paths are bound: in a user namespace the
        # folders bwrap makes belong to the sandbox user, who could otherwise write beside them.
        anchors = sorted({str(Path(mount, Path(path).relative_to(mount).parts[0]))
                          for path in readable for mount in _SCRATCH_MOUNTS
                          if Path(path).is_relative_to(mount) and Path(path) != Path(mount)})
        for anchor in anchors:
            args += ["--perms", "0755", "--size", "65536", "--tmpfs", anchor]
        for parent in parents:
            if parent not in ("/usr", "/etc", *_SCRATCH_MOUNTS, *anchors):
                args += ["--perms", "0755", "--dir", parent]
        for path in readable:
            args += ["--ro-bind", path, path]
        # Grader-held data shipped in an installed package reads as empty; its name stays, so
        # the package's own file order does not change.
        for hidden in self._grader_only:
            args += ["--ro-bind", "/dev/null", hidden.build()]
        args += ["--bind", str(directory), str(directory),
                 "--ro-bind", str(directory / FILES_NAME), str(directory / FILES_NAME),
                 # The sandbox's own root (where the folders above were made) is writable by
                 # the sandbox user in a user namespace, and unbounded: make it read-only.
                 "--remount-ro", "/", *[arg for anchor in anchors for arg in ("--remount-ro", anchor)]]
        if info_fd is not None:
            args += ["--info-fd", str(info_fd)]
        return [*args, "--chdir", KERNEL_HOME, "--"]


def _read_info(stream: IO[bytes]) -> int | None:
    """The host pid of a sandbox's first process, from what bubblewrap writes to ``--info-fd``
    (one JSON object; read until it parses, since the sandbox may keep the descriptor open)."""
    data = b""
    while chunk := stream.read1(4096):
        data += chunk
        try:
            return int(json.loads(data)["child-pid"])
        except ValueError:
            continue
        except (KeyError, TypeError):
            return None
    return None
