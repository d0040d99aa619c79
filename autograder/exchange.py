"""The course exchange, nbgrader's: publish an assignment, collect submissions safely.

Students fetch, validate and submit with nbgrader's own tools (JupyterLab's Assignments tab);
the instructor side goes through nbgrader's exchange classes too, with one change made
through nbgrader's plugin point (``c.ExchangeFactory.collect``): :class:`SafeCollect` copies
a student's inbound folder without following anything in it. The exchange root must be
writable by every student, so it carries the sticky bit and the course folder inside it is
created (and checked) by the instructor before any student could claim the name.
"""

from __future__ import annotations

import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.exchange import Exchange
from traitlets.config import Config

from autograder.course import Course, CourseError
from autograder.gradebook import find_alembic
from autograder.submission import TIMESTAMP_FILE, SubmissionError, copy_submission

log = logging.getLogger(__name__)

# What the course's nbgrader_config.py sets so that `nbgrader collect` copies safely too.
SETTINGS = {"ExchangeFactory": {"collect": "autograder.exchange.SafeCollect"}}
# A timestamp.txt claiming an earlier time than the folder's own change time by more than
# this is the student's claim, not the submission time.
CLOCK_SLACK_SECONDS = 300


class SafeCollect(ExchangeCollect):
    """nbgrader's collect, copying each inbound folder as hostile data."""

    def do_copy(self, src: str, dest: str, log: logging.Logger | None = None) -> None:
        try:
            copy_submission(Path(src), Path(dest))
        except SubmissionError:
            # The inbound entry is itself a link or not a folder: collect nothing of it (grading
            # then reports the notebook missing) rather than stop collecting the whole class.
            Path(dest).mkdir(parents=True, exist_ok=True)
            logging.getLogger(__name__).warning("%s is not a folder; nothing collected from it", src)
        _trust_timestamp(Path(src), Path(dest))


def _trust_timestamp(src: Path, dest: Path) -> None:
    """Keep nbgrader's timestamp unless the student wrote one earlier than the folder itself
    changed (the kernel sets a change time; no user can set it back), and make sure the copy's
    timestamp.txt is a regular file: nbgrader reads it on every later collect."""
    from nbgrader.utils import parse_utc

    changed = datetime.fromtimestamp(os.lstat(src).st_ctime, UTC)
    path = dest / TIMESTAMP_FILE
    try:
        claimed = parse_utc(_read_regular(path).strip()).replace(tzinfo=UTC)
    except (OSError, ValueError, OverflowError):
        claimed = None
    if claimed is None or (changed - claimed).total_seconds() > CLOCK_SLACK_SECONDS:
        log.warning("%s: timestamp.txt says %s but the folder was written at %s; using the latter",
                    src.name, claimed, changed)
        path.unlink(missing_ok=True)
        path.write_text(changed.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def _read_regular(path: Path) -> str:
    """At most 100 characters of ``path`` if it is a regular file; a link or FIFO (recreated, never
    followed) raises OSError instead of being opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        return handle.read(100).decode("utf-8", "replace")


def _api(course: Course, extra: dict | None = None) -> NbGraderAPI:
    find_alembic()
    config = Config(course.config)
    config.merge(Config({**SETTINGS, **(extra or {})}))
    return NbGraderAPI(coursedir=course.coursedir, config=config)


def exchange_root(course: Course) -> Path:
    return Path(Exchange(config=course.config).root)


def prepare(course: Course) -> Path:
    """Create the exchange root (world-writable, sticky, as nbgrader requires) and this course's
    folder in it, owned by the instructor; refuses a course folder someone else created."""
    root = exchange_root(course)
    root.mkdir(parents=True, exist_ok=True)
    if root.is_symlink() or not root.is_dir():
        raise CourseError(f"the exchange root {root} must be a real directory (c.Exchange.root)")
    os.chmod(root, 0o1777)
    folder = root / course.coursedir.course_id
    try:
        os.mkdir(folder, 0o755)
    except FileExistsError:
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            raise CourseError(f"{folder} exists but was not created by this account (owner uid {info.st_uid}); "
                              "someone else claimed the course's exchange folder: remove it and release again") from None
    return root


def publish(course: Course, assignment: str) -> Path:
    """Release ``assignment`` (already generated) to the exchange, replacing an earlier release."""
    prepare(course)
    outcome = _api(course, {"ExchangeReleaseAssignment": {"force": True}}).release_assignment(assignment)
    if not outcome.get("success"):
        raise CourseError(f"nbgrader release_assignment failed for {assignment}:\n"
                          f"{outcome.get('error') or outcome.get('log')}")
    return exchange_root(course) / course.coursedir.course_id / "outbound" / assignment


def collect(course: Course, assignment: str) -> bool:
    """Collect new and newer submissions from the exchange into submitted/ (nbgrader's collect,
    copying safely); False when the course has no exchange folder to collect from."""
    inbound = exchange_root(course) / course.coursedir.course_id / "inbound"
    if not inbound.is_dir():
        return False
    outcome = _api(course).collect(assignment, update=True)
    if not outcome.get("success"):
        raise CourseError(f"nbgrader collect failed for {assignment}:\n{outcome.get('error') or outcome.get('log')}")
    return True
