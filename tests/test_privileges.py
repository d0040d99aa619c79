"""Fast tier: how a worker started as root gives root up, checked without a kernel."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.privileges import WorkerIdentity, closed_to_others, share, snapshot_gradebook, worker_identity

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop it")


def test_a_folder_closed_to_others_on_the_way_is_named() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as top:  # pytest's own tmp_path is closed to others
        inner = Path(top) / "a" / "b"
        inner.mkdir(parents=True)
        for folder in (Path(top), Path(top) / "a", inner):
            folder.chmod(0o755)
        assert closed_to_others(inner) is None
        (Path(top) / "a").chmod(0o750)
        assert closed_to_others(inner) == (Path(top) / "a").resolve()


def test_the_gradebook_snapshot_is_a_consistent_copy(tmp_path) -> None:
    source = tmp_path / "gradebook.db"
    with sqlite3.connect(source) as db:
        db.execute("create table cell (name text)")
        db.execute("insert into cell values ('rnn_step_forward')")
    url = snapshot_gradebook(f"sqlite:///{source}", tmp_path / "copy.db")
    assert url == f"sqlite:///{tmp_path / 'copy.db'}"
    with sqlite3.connect(tmp_path / "copy.db") as db:
        assert db.execute("select name from cell").fetchall() == [("rnn_step_forward",)]
    assert snapshot_gradebook("postgresql://grader@db/course", tmp_path / "x.db") == "postgresql://grader@db/course"


@pytest.mark.skipif(os.geteuid() == 0, reason="as root the workers drop it")
def test_an_unprivileged_grader_keeps_its_identity() -> None:
    assert worker_identity("local", 1_000_000) == (None, None)


@ROOT_ONLY
def test_workers_drop_root_unless_they_could_not_run_python(monkeypatch) -> None:
    identity, why = worker_identity("local", 1_000_000)
    if why:
        assert identity is None and "chmod o+x" in why
    else:
        assert identity == WorkerIdentity(1_000_000, ())
    monkeypatch.setattr("autograder.privileges.closed_to_others", lambda path: Path("/root"))
    identity, why = worker_identity("local", 1_000_000)
    assert identity is None and why and "chmod o+x /root" in why


@ROOT_ONLY
def test_a_dropped_worker_cannot_take_root_back_or_read_the_course(tmp_path) -> None:
    """In a child process: drop, then try to become root again and to read a root-only file."""
    secret = tmp_path / "secret"
    secret.write_text("root only")
    secret.chmod(0o600)
    db = tmp_path / "gradebook.db"
    sqlite3.connect(db).close()
    probe = f"""
import os, sys
from autograder.privileges import WorkerIdentity
home, url = WorkerIdentity(2_000_000).drop(os.getppid(), "sqlite:///{db}")
assert os.getuid() >= 2_000_000 and os.getgid() == os.getuid() and os.getgroups() == [], os.getgroups()
assert os.environ["HOME"] == str(home) and url == f"sqlite:///{{home}}/gradebook.db"
open(url[len("sqlite:///"):], "rb").read()  # its own snapshot stays readable
for attempt in (lambda: os.setuid(0), lambda: open({str(secret)!r}).read()):
    try:
        attempt()
    except PermissionError:
        continue
    sys.exit("still privileged")
print("dropped")
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "dropped", done.stderr


@ROOT_ONLY
def test_sharing_hands_a_file_to_the_sandbox_uid(tmp_path) -> None:
    target = tmp_path / "kernel.json"
    target.write_text("{}")
    share(target, 1_234_567, 0o640)
    info = target.stat()
    assert (info.st_uid, info.st_mode & 0o777) == (1_234_567, 0o640)
