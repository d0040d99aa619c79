"""Warm kernels forked from one process that imported the assignment's libraries once.

A sandbox started ahead (:mod:`autograder.sandbox.pool`) imports TensorFlow for every
submission: seconds of CPU each time. The local runner instead starts one zygote per grading
worker. The zygote imports the ``--preload`` modules once, with the kernel's environment but
outside any sandbox, and never runs anything of a student's. For each submission the runner
starts a fresh bubblewrap sandbox whose only process waits; the zygote forks a child that
enters all of that sandbox's namespaces (user, mount, pid, network, IPC, UTS, cgroup), drops
every capability and privilege, and from then on is what :mod:`autograder.sandbox.pool`
makes of a sandbox's process: it says it is ready in the job folder, waits for the start
request, applies the limits and becomes the kernel. Each fork serves exactly one submission,
and everything it writes or starts stays in its own sandbox, which ends with the job.

Usage: ``python -m autograder.sandbox.zygote --socket FD [--preload MODULE ...]``. ``FD`` is
one end of a Unix socket pair; the runner holds the other (:class:`Zygote`). A request is one
JSON message ``{"pid": P, "directory": D, "cwd": C, "limits": {...}}`` with two descriptors
attached: the kernel's log, and the write end of the pipe the sandbox's waiting process reads
(the sandbox ends when the kernel, its only holder, does). ``P`` is the host pid of the
sandbox's first process (bubblewrap's ``--info-fd``) and ``D`` its job folder. The answer is
``{"pid": K}``, the kernel's host pid, or ``{"pid": null}`` if it could not enter the sandbox.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

from autograder.lifetime import die_with_parent
from autograder.sandbox.pool import IDLE_SECONDS, preload, serve

MAX_REQUEST_BYTES = 64 * 1024
# Namespaces joined after the one that owns them, in this order; the mount namespace last,
# since entering it changes this process's root to the sandbox's.
_NAMESPACES = {"ipc": 0x08000000, "uts": 0x04000000, "net": 0x40000000, "cgroup": 0x02000000,
               "pid": 0x20000000, "mnt": 0x00020000}
_CLONE_NEWUSER = 0x10000000
# Those the sandbox must have of its own: a child refuses to run a kernel in any of ours.
_REQUIRED = ("user", "ipc", "uts", "net", "pid", "mnt")
_NS_GET_USERNS = 0xB701
_PR_SET_NO_NEW_PRIVS = 38
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _prctl(option: int, argument: int = 0) -> int:
    return int(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(argument), ctypes.c_ulong(0),
                           ctypes.c_ulong(0), ctypes.c_ulong(0)))


def join_sandbox(pid: int) -> None:
    """Enter every namespace of process ``pid`` (a sandbox's first process). This process must
    be single-threaded; afterwards it holds all capabilities in the sandbox's user namespace
    (drop them with :func:`drop_privileges`) and still sits in this pid namespace (its next
    child is the first in the sandbox's)."""
    # Our own namespaces, noted first: once in the sandbox's mounts, /proc is the sandbox's.
    own = {name: os.stat(f"/proc/self/ns/{name}").st_ino for name in ("user", *_NAMESPACES)}
    fds = {name: os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC) for name in ("user", *_NAMESPACES)}
    try:
        for name in _REQUIRED:
            if os.fstat(fds[name]).st_ino == own[name]:
                raise OSError(f"the sandbox shares this process's {name} namespace")
        # bubblewrap sets the sandbox up in one user namespace and runs its command in a second,
        # nested one: enter the one that owns the other namespaces first, the command's last.
        owner = fcntl.ioctl(fds["ipc"], _NS_GET_USERNS)
        try:
            outer = os.fstat(owner).st_ino
            if outer != own["user"]:
                _check(_libc.setns(owner, _CLONE_NEWUSER), "entering the sandbox's outer user namespace")
        finally:
            os.close(owner)
        for name, flag in _NAMESPACES.items():
            if os.fstat(fds[name]).st_ino != own[name]:
                _check(_libc.setns(fds[name], flag), f"entering the sandbox's {name} namespace")
        if os.fstat(fds["user"]).st_ino != outer:
            _check(_libc.setns(fds["user"], _CLONE_NEWUSER), "entering the sandbox's user namespace")
    finally:
        for fd in fds.values():
            os.close(fd)


def drop_privileges(last_capability: int) -> None:
    """No capability left in any set (bounding and ambient included), and none to be gained
    by executing anything: what bubblewrap's ``--cap-drop ALL`` leaves its command."""
    _check(_prctl(_PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    for capability in range(last_capability + 1):
        _check(_prctl(_PR_CAPBSET_DROP, capability), "dropping the bounding set")
    _check(_prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL), "clearing ambient capabilities")
    header = _CapHeader(_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


# Where a child keeps the descriptors it was given: the sandbox ends when the kernel's copy of
# ``_LIFELINE`` closes, and ``_REPORT`` tells the zygote the kernel's pid.
_LIFELINE = 3
_REPORT = 4


def _child(request: dict[str, Any], log_fd: int, lifeline: int, report: int, last_capability: int) -> None:
    """In the freshly forked child: enter the sandbox, fork the kernel into it and report its
    pid. The kernel then serves as the sandbox's warm kernel; this process exits."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(log_fd, 2)
    # Kept across everything the kernel does but not across an exec of something else.
    os.dup2(lifeline, _LIFELINE, inheritable=False)
    os.dup2(report, _REPORT, inheritable=False)
    os.closerange(_REPORT + 1, os.sysconf("SC_OPEN_MAX"))
    join_sandbox(int(request["pid"]))
    # Joining the pid namespace places children, not this process, in it: the kernel is the
    # next process. It is reparented once this one exits, and dies with the sandbox.
    kernel = os.fork()
    if kernel:
        os.write(_REPORT, str(kernel).encode())
        return
    os.close(_REPORT)
    os.setsid()
    drop_privileges(last_capability)
    os.chdir(str(request["cwd"]))
    serve(Path(str(request["directory"])), IDLE_SECONDS, dict(request["limits"]))


def _fork(request: dict[str, Any], fds: list[int], last_capability: int) -> int | None:
    """The host pid of the kernel forked into the sandbox of ``request``; None if it failed
    (why is in the kernel's log)."""
    report, report_write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(report_write)
        with os.fdopen(report, "rb") as stream:
            answer = stream.read()
        return int(answer) if answer else None
    try:
        os.close(report)
        _child(request, fds[0], fds[1], report_write, last_capability)
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:  # noqa: BLE001 - whatever happened, say why in the kernel's log
        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    # Never return into the zygote's loop, nor run its exit handlers.
    os._exit(code)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m autograder.sandbox.zygote")
    parser.add_argument("--socket", type=int, required=True)
    parser.add_argument("--preload", nargs="*", default=[])
    args = parser.parse_args(argv)
    die_with_parent(os.getppid())
    # Children that entered a sandbox are reaped by the system, not waited for.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    last_capability = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    channel = socket.socket(fileno=args.socket)
    preload([*args.preload, "autograder.sandbox.kernel", "autograder.sandbox.launch"])
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, MAX_REQUEST_BYTES, 2)
        except OSError:
            return
        if not message or len(fds) != 2:
            return
        try:
            pid = _fork(json.loads(message), fds, last_capability)
        finally:
            for fd in fds:
                os.close(fd)
        channel.sendall(json.dumps({"pid": pid}).encode())


class ZygoteError(Exception):
    """The zygote did not give a kernel; the message says why."""


class Zygote:
    """The grader's side: starts the zygote process and asks it for forks, one at a time."""

    def __init__(self, preloaded: list[str], env: dict[str, str]) -> None:
        """Start a zygote importing ``preloaded`` with environment ``env``, in a private home
        of its own (``HOME`` too: libraries that write their caches at import write them there)."""
        self.home = Path(tempfile.mkdtemp(prefix="autograder-zygote-"))
        self.log = tempfile.TemporaryFile(prefix="autograder-zygote-log-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "autograder.sandbox.zygote", "--socket", str(theirs.fileno()),
                 "--preload", *preloaded], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=self.log, env={**env, "HOME": str(self.home)}, cwd=self.home,
                start_new_session=True)
        finally:
            theirs.close()
        self._channel = ours
        self._lock = threading.Lock()

    def fork(self, request: dict[str, Any], log_fd: int, lifeline: int, timeout: float) -> int:
        """The host pid of a kernel forked for ``request``, writing its stderr to ``log_fd`` and
        holding ``lifeline`` (the write end of the pipe whose end the sandbox waits for) open
        while it lives. Raises :class:`ZygoteError` if the kernel could not enter its sandbox
        (``log_fd`` says why) or the zygote is gone or does not answer within ``timeout``
        seconds (imports included)."""
        with self._lock:
            try:
                self._channel.settimeout(timeout)
                socket.send_fds(self._channel, [json.dumps(request).encode()], [log_fd, lifeline])
                pid = json.loads(self._channel.recv(MAX_REQUEST_BYTES))["pid"]
            except (OSError, ValueError, KeyError) as exc:
                raise ZygoteError(f"{type(exc).__name__}: {exc}; {self._log_tail()}") from exc
        if pid is None:
            raise ZygoteError("a kernel could not enter its sandbox")
        return int(pid)

    def stopped(self) -> str | None:
        """None while the zygote runs; once it has stopped, why (its exit status and log)."""
        code = self.process.poll()
        return None if code is None else f"exit status {code}; {self._log_tail()}"

    def _log_tail(self, limit: int = 2000) -> str:
        size = os.fstat(self.log.fileno()).st_size
        return os.pread(self.log.fileno(), limit, max(0, size - limit)).decode(errors="replace").strip()

    def close(self) -> None:
        """Stop the zygote (its forks live on in their sandboxes)."""
        self._channel.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
