"""A warm sandbox: import the heavy libraries first, then become the kernel.

Usage: ``python -m autograder.sandbox.pool DIR [--uid UID] [--preload MODULE ...]
[--idle SECONDS] [--limits JSON]``.
The sandbox (a bubblewrap sandbox or a container) starts before any submission is assigned to
it. This process drops to ``--uid`` when given, imports the ``--preload`` modules (what the
assignment's notebooks import: TensorFlow takes seconds), writes ``DIR/ready``, then waits for
``DIR/start``: a JSON object ``{"argv": [...], "env": {...}}`` that the grader writes (with
:func:`write_start_request`) once the submission's files, connection file and oracle socket
are in ``DIR``. It then starts the grading kernel in this same process
(:func:`autograder.sandbox.kernel.main`), so the imports are already done when the student's
first cell runs. ``--limits`` (rlimits, as the local runner's launcher applies them) are set
after the imports, so a memory bomb meets a MemoryError rather than the container's OOM
killer. Nothing else is read from ``DIR``; with no start request within ``--idle`` seconds, or
once the grader stops touching ``DIR/heartbeat`` (it was killed), the process simply exits.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.005
MAX_REQUEST_BYTES = 64 * 1024
START_NAME = "start"
READY_NAME = "ready"
HEARTBEAT_NAME = "heartbeat"
# The grader touches DIR/heartbeat while it waits for this sandbox; a grader that was killed
# stops touching it, and the waiting sandbox exits instead of idling until --idle.
HEARTBEAT_TIMEOUT_SECONDS = 15.0
IDLE_SECONDS = 1800.0


def write_start_request(directory: Path, request: dict[str, object]) -> None:
    """Grader side: hand a waiting sandbox its kernel's arguments and environment, atomically."""
    staging = directory / f".{START_NAME}"
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w") as handle:
        json.dump(request, handle)
    os.replace(staging, directory / START_NAME)


def preload(modules: list[str]) -> None:
    """Import ``modules``, skipping those this Python lacks."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            continue


def _wait_for_start(directory: Path, idle_seconds: float) -> dict[str, object] | None:
    request = directory / START_NAME
    heartbeat = directory / HEARTBEAT_NAME
    deadline = time.monotonic() + idle_seconds
    while time.monotonic() < deadline:
        if request.exists():
            with request.open("rb") as handle:
                return json.loads(handle.read(MAX_REQUEST_BYTES))
        try:
            if time.time() - heartbeat.stat().st_mtime > HEARTBEAT_TIMEOUT_SECONDS:
                return None
        except FileNotFoundError:  # the job folder is gone: the grader removed this sandbox
            return None
        time.sleep(POLL_SECONDS)
    return None


def serve(directory: Path, idle_seconds: float, limits: dict[str, int]) -> None:
    """Imports done: say so in ``directory``, wait for the start request, and become the kernel
    (returns only if no request came)."""
    from autograder import frameworks
    from autograder.sandbox import kernel
    from autograder.sandbox.launch import apply_limits

    # The kernel's sockets in the job folder must accept the grader, which reaches them
    # through the group when it is neither root nor this uid (Docker runner, unprivileged).
    os.umask(0o007)
    (directory / READY_NAME).write_text(str(os.getpid()))
    request = _wait_for_start(directory, idle_seconds)
    if request is None:
        return
    env = request.get("env", {})
    kernel_argv = request.get("argv", [])
    if not isinstance(env, dict) or not isinstance(kernel_argv, list):
        sys.exit("malformed start request")
    os.environ.update({str(k): str(v) for k, v in env.items()})
    frameworks.seed_imported(kernel.SEED)
    apply_limits(limits)
    kernel.main([str(a) for a in kernel_argv])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m autograder.sandbox.pool")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--preload", nargs="*", default=[])
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS)
    parser.add_argument("--limits", type=json.loads, default={})
    args = parser.parse_args(argv)
    from autograder.sandbox import kernel

    if args.uid is not None:
        kernel.drop_privileges(args.uid)
    preload(args.preload)
    serve(args.directory, args.idle, args.limits)


if __name__ == "__main__":
    main(sys.argv[1:])
