"""Read a student's submission folder as hostile data.

A student controls everything in their submission folder: symbolic links (to the answer key,
to the instructor's notebook, to root-only host files), devices, FIFOs, huge or numerous
files. Nothing here follows a link: the folder is opened once and walked by descriptor
(``openat`` with ``O_NOFOLLOW``), only regular files and folders are accepted, and sizes and
counts are capped. What comes out is bytes the grader holds; no later step reads the folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

MAX_FILES = 200
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 8
TIMESTAMP_FILE = "timestamp.txt"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class SubmissionError(Exception):
    """The submission cannot be graded as it is; ``key`` names the reason in the message
    catalogue and ``fields`` fill it in."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(f"{key}: {fields}")
        self.key = key
        self.fields = fields


@dataclass(frozen=True)
class SubmittedFile:
    """A regular file of the submission, by its path relative to the submission folder."""

    path: str
    data: bytes


@dataclass(frozen=True)
class SubmittedWork:
    """Everything the grader takes from one submission folder."""

    notebooks: dict[str, bytes] = field(default_factory=dict)   # by notebook name, without .ipynb
    files: tuple[SubmittedFile, ...] = ()                       # everything else the kernel may read

    def digest(self) -> str:
        """A digest of everything submitted: equal digests, same submission."""
        digest = hashlib.sha256()
        for name, data in sorted(self.notebooks.items()):
            digest.update(f"nb\0{name}\0{len(data)}\0".encode() + data)
        for item in sorted(self.files, key=lambda f: f.path):
            digest.update(f"file\0{item.path}\0{len(item.data)}\0".encode() + item.data)
        return digest.hexdigest()

    def timestamp(self) -> datetime | None:
        """When it was submitted, from nbgrader's ``timestamp.txt`` (None if absent or unreadable)."""
        from nbgrader.utils import parse_utc

        for item in self.files:
            if item.path == TIMESTAMP_FILE:
                try:
                    return parse_utc(item.data[:100].decode().strip())
                except (UnicodeDecodeError, ValueError, OverflowError):
                    return None
        return None


def read_submission(folder: Path, expected: list[str]) -> SubmittedWork:
    """Read ``folder`` without following links. Raises :class:`SubmissionError` for a link,
    a device or FIFO, a notebook that is not expected, or a folder over the caps. A missing
    expected notebook is not an error here: the pipeline reports it per notebook."""
    try:
        root = os.open(folder, _DIR_FLAGS)
    except FileNotFoundError:
        raise SubmissionError("detail_no_folder") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise SubmissionError("detail_unsafe_file", path=folder.name, kind=_kind_of(folder)) from None
        raise
    notebooks: dict[str, bytes] = {}
    files: list[SubmittedFile] = []
    budget = [MAX_TOTAL_BYTES]
    try:
        for relative, data in _walk(root, "", budget, 0):
            name = relative[:-len(".ipynb")]
            if relative.endswith(".ipynb") and "/" not in relative:
                if name not in expected:
                    raise SubmissionError("detail_extra_notebook", notebook=relative,
                                          expected=", ".join(f"{n}.ipynb" for n in expected))
                notebooks[name] = data
            elif not relative.endswith(".ipynb"):
                files.append(SubmittedFile(relative, data))
            if len(files) + len(notebooks) > MAX_FILES:
                raise SubmissionError("detail_too_many_files", limit=MAX_FILES)
    finally:
        os.close(root)
    return SubmittedWork(notebooks, tuple(files))


def _walk(directory: int, prefix: str, budget: list[int], depth: int):  # type: ignore[no-untyped-def]
    if depth > MAX_DEPTH:
        raise SubmissionError("detail_too_deep", limit=MAX_DEPTH)
    with os.scandir(directory) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        # Hidden files (.ipynb_checkpoints, editor state) are never graded nor copied.
        if name.startswith("."):
            continue
        relative = f"{prefix}{name}"
        mode = os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            child = os.open(name, _DIR_FLAGS, dir_fd=directory)
            try:
                yield from _walk(child, relative + "/", budget, depth + 1)
            finally:
                os.close(child)
        elif stat.S_ISREG(mode):
            yield relative, _read_regular(directory, name, relative, budget)
        else:
            raise SubmissionError("detail_unsafe_file", path=relative, kind=_kind(mode))


def _read_regular(directory: int, name: str, relative: str, budget: list[int]) -> bytes:
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=directory)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a link since we looked
            raise SubmissionError("detail_unsafe_file", path=relative, kind="symlink") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise SubmissionError("detail_unsafe_file", path=relative, kind="special")
        data = handle.read(budget[0] + 1)
    budget[0] -= len(data)
    if budget[0] < 0:
        raise SubmissionError("detail_too_large", limit_mb=MAX_TOTAL_BYTES // (1024 * 1024))
    return data


def copy_submission(source: Path, dest: Path) -> None:
    """Copy a submission folder (an exchange's inbound folder) without following anything in it.

    Regular files and folders are copied, within the caps; a link is recreated as a link and
    a FIFO as a FIFO, never followed or opened, so that grading finds them and reports the
    submission as invalid with the reason; devices and sockets are left out."""
    try:
        root = os.open(source, _DIR_FLAGS)
    except OSError as exc:
        raise SubmissionError("detail_unsafe_file", path=source.name, kind=_kind_of(source)) from exc
    try:
        dest.mkdir(parents=True, exist_ok=False)
        _copy_tree(root, dest, [MAX_TOTAL_BYTES + 1], [MAX_FILES + 1], 0)
    finally:
        os.close(root)


def _copy_tree(directory: int, dest: Path, budget: list[int], count: list[int], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    with os.scandir(directory) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        if name.startswith("."):
            continue  # never graded (see _walk)
        if count[0] <= 0 or budget[0] <= 0:
            return  # over a cap: what was copied already exceeds it, and grading says so
        count[0] -= 1
        mode = os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode
        target = dest / name
        if stat.S_ISDIR(mode):
            target.mkdir()
            child = os.open(name, _DIR_FLAGS, dir_fd=directory)
            try:
                _copy_tree(child, target, budget, count, depth + 1)
            finally:
                os.close(child)
        elif stat.S_ISREG(mode):
            try:
                fd = os.open(name, _FILE_FLAGS, dir_fd=directory)
            except OSError:
                continue  # swapped for a link or removed since we looked
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    continue
                data = handle.read(budget[0])
            budget[0] -= len(data)
            target.write_bytes(data)
        elif stat.S_ISLNK(mode):
            os.symlink(os.readlink(name, dir_fd=directory), target)
        elif stat.S_ISFIFO(mode):
            os.mkfifo(target)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def _kind_of(path: Path) -> str:
    try:
        return _kind(os.lstat(path).st_mode)
    except OSError:
        return "special"
