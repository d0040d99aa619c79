"""Who grading workers run as: never root.

A worker parses what a kernel produced, talks to the kernel, and runs the oracle on the
kernel's outputs: everything a student controls passes through it. When the grader is
started as root, each worker reads what it needs of the course (answer key, secret, blank
cells, a snapshot of the gradebook) and then becomes a fresh unprivileged uid of its own, for
good, before it starts any sandbox. From then on sandboxes need no privilege: the local
runner's bubblewrap uses a user namespace, and the Docker runner keeps one supplementary
group, the engine socket's, which is what starts containers.

The batch process itself keeps the identity it was started with: it reads submission folders
only through :func:`autograder.submission.read_submission` (no link followed, sizes capped)
and writes only the course directory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.lifetime import die_with_parent

DOCKER_SOCKET = Path("/var/run/docker.sock")


@dataclass(frozen=True)
class WorkerIdentity:
    """How a worker started as root drops it: each worker takes a fresh uid from
    ``[uid_base, uid_base + 2**30)`` (its own gid too), with only ``groups`` as supplementary groups."""

    uid_base: int
    groups: tuple[int, ...] = ()

    def drop(self, parent: int, db_url: str) -> tuple[Path, str]:
        """Become a fresh unprivileged uid for good. Returns the worker's private home (created
        before the drop; the caller removes it) and the address of the gradebook to read from
        now on: a snapshot in that home, since the course directory may be closed to the worker."""
        uid = self.uid_base + secrets.randbelow(1 << 30)
        home = Path(tempfile.mkdtemp(prefix="autograder-worker-"))
        db_url = snapshot_gradebook(db_url, home / "gradebook.db")
        for path in (home, *home.iterdir()):
            os.chown(path, uid, uid)
        os.setgroups(list(self.groups))
        os.setgid(uid)
        os.setuid(uid)
        # Changing credentials clears the parent-death signal: set it again.
        die_with_parent(parent)
        os.environ["HOME"] = str(home)
        return home, db_url


def worker_identity(runner: str, uid_base: int) -> tuple[WorkerIdentity | None, str | None]:
    """How workers drop root (None when the grader does not run as root), and why they cannot
    when an unprivileged process could not run this Python."""
    if os.geteuid() != 0:
        return None, None
    for path in (Path(sys.base_prefix), Path(sys.prefix), Path(autograder.__file__).parent):
        closed = closed_to_others(path)
        if closed is not None:
            return None, (f"grading workers keep root: {closed} is closed to other users, so an unprivileged "
                          f"worker could not run this Python ({sys.executable}). Open it for traversal "
                          f"(`chmod o+x {closed}`, as `make setup` does) or install Python where others can read it.")
    groups: tuple[int, ...] = ()
    if runner == "docker" and DOCKER_SOCKET.exists():
        groups = (DOCKER_SOCKET.stat().st_gid,)
    return WorkerIdentity(uid_base, groups), None


def closed_to_others(path: Path) -> Path | None:
    """The first folder from ``/`` down to ``path`` that users other than its owner cannot
    enter, or None."""
    for folder in [*reversed(path.resolve().parents), path.resolve()]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


def share(path: Path, uid: int | None, mode: int) -> None:
    """Let a sandbox running as ``uid`` use ``path`` (a socket or file the grader made): by
    ownership when the grader is root; otherwise through ``mode``'s group bits, since a sandbox
    whose uid differs from the grader's runs in the grader's group."""
    if uid is not None and os.geteuid() == 0:
        os.chown(path, uid, uid)
    os.chmod(path, mode)


def snapshot_gradebook(db_url: str, target: Path) -> str:
    """A consistent copy of a SQLite gradebook at ``target`` (the source cells a worker restores
    from do not change during a batch); other databases are shared as they are."""
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return db_url
    source = sqlite3.connect(db_url[len(prefix):])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"{prefix}{target}"


def remove_home(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)
