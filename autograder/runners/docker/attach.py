"""The host side of a containerised kernel.

jupyter_client sees a small ``attach`` process (``python -m autograder.runners.docker.attach
...``) as the kernel process. It hands the container its start request, takes the job folder's
write permission away from the student once the kernel's sockets exist, copies the container's
log (capped) to its stderr, which is the grader's kernel log, and exits with the container.
Killing the kernel manager removes the container.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from autograder.privileges import share
from autograder.runners.base import CONNECTION_NAME, kernel_arguments
from autograder.runners.docker.containers import ContainerSlot
from autograder.sandbox.pool import write_start_request

SOCKET_WAIT_SECONDS = 120.0

try:
    import docker
    from docker.errors import DockerException, NotFound
    from requests.exceptions import RequestException
except ImportError:  # the runner's prepare() reports the missing SDK
    pass


class DockerKernelManager(AsyncKernelManager):
    """Starts the grading kernel in a (warm) container through the host-side attach process."""

    def __init__(self, slot: ContainerSlot, environment: dict[str, str], log_bytes: int, **kwargs: Any) -> None:
        super().__init__(transport="ipc", ip=str(slot.directory / "ipc"),
                         connection_file=str(slot.directory / CONNECTION_NAME), kernel_name="python3", **kwargs)
        self._slot = slot
        self._environment = environment
        self._log_bytes = log_bytes
        # SIGINT would reach the attach process, not the kernel: interrupt by message instead.
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        slot = self._slot
        share(Path(self.connection_file), slot.uid, 0o640)
        sockets = [f"{self.ip}-{port}" for port in
                   (self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port)]
        request = {"argv": kernel_arguments(slot.directory, None), "env": self._environment}
        return [sys.executable, "-m", "autograder.runners.docker.attach", slot.container.id,
                str(slot.directory), json.dumps(request), json.dumps(sockets), str(self._log_bytes), str(os.getpid())]

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            try:
                self._slot.container.remove(force=True)
            except DockerException:
                pass


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


def attach(container_id: str, directory: Path, request: dict[str, object], sockets: list[str], log_bytes: int,
           parent: int) -> int:
    """Start the kernel in its container, lock its job folder, relay its log; the container's exit status."""
    engine = docker.from_env(timeout=None)
    try:
        container = engine.containers.get(container_id)
    except DockerException as exc:
        print(f"grading container {container_id[:12]} is gone: {exc}", file=sys.stderr)
        return 1
    _remove_when_stopped(container_id, parent)
    # Relay from the start: a container that dies before its kernel is up (auto-removed) must
    # still leave its reason in the kernel log.
    relay = threading.Thread(target=_relay_log, args=(container, log_bytes), daemon=True)
    relay.start()
    write_start_request(directory, request)
    deadline = time.monotonic() + SOCKET_WAIT_SECONDS
    while not (bound := all(os.path.exists(s) for s in sockets)):
        if time.monotonic() > deadline or not relay.is_alive():
            break
        time.sleep(0.005)
    if bound:
        # The kernel has bound its sockets: from now on the student cannot write here (the
        # writable space is the size-limited tmpfs), and the sockets stay usable. The container's
        # uid is never the folder's owner, so it cannot undo this.
        if os.geteuid() == 0:
            os.chown(directory, 0, 0)
        directory.chmod(0o750 if os.geteuid() else 0o755)
    while True:
        try:
            return int(container.wait().get("StatusCode", 1))
        except NotFound:
            return 0
        except (DockerException, RequestException):
            if not relay.is_alive() and _container_gone(container):
                return 1
            time.sleep(0.2)


def _remove_when_stopped(container_id: str, parent: int) -> None:
    """Remove the container and exit on SIGTERM or SIGINT, or once the grading worker that
    started this kernel (``parent``, which may already be gone at start) has ended.

    The main thread spends its life blocked inside the docker client, where a Python-level
    handler may never run (or would run holding the client's locks): the C-level handler's
    wake-up byte goes to a thread of its own, which acts with a client of its own."""
    receive, send = socket.socketpair()
    send.setblocking(False)
    signal.set_wakeup_fd(send.fileno())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)

    def remove() -> None:
        # ``send`` stays open as long as this thread watches it.
        while not select.select([receive], [], [], 0.5)[0] and os.getppid() == parent and send.fileno() >= 0:
            continue
        try:
            docker.from_env(timeout=30).containers.get(container_id).remove(force=True)
        except DockerException:
            pass
        os._exit(1)

    threading.Thread(target=remove, name="remove-when-stopped", daemon=True).start()


def _container_gone(container: Any) -> bool:
    try:
        container.reload()
    except NotFound:
        return True
    except DockerException:
        return False
    return container.status not in ("running", "created", "restarting")


def main(argv: list[str]) -> None:
    if len(argv) != 6:
        sys.exit("usage: python -m autograder.runners.docker.attach CONTAINER DIR REQUEST SOCKETS LOG_BYTES PARENT_PID")
    sys.exit(attach(argv[0], Path(argv[1]), json.loads(argv[2]), json.loads(argv[3]), int(argv[4]), int(argv[5])))


if __name__ == "__main__":
    main(sys.argv[1:])
