"""The trusted side of checking: makes cases, judges what the sandbox observed, records verdicts.

One :class:`OracleSession` serves one submission over a Unix socket that the runner makes
visible to the kernel. The grader tells the session which hidden-test cell is executing;
a check asked for outside that cell, or twice in it, is refused and flagged. Only case
inputs go out; expected values never leave this process.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder import messages, wire
from autograder.checks import Check, observe, summarise
from autograder.course import Assignment, Autograder, Course, CourseError
from autograder.plan import Case, Raised
from autograder.privileges import share
from autograder.records import CheckVerdict

log = logging.getLogger(__name__)


def case_rng(secret: bytes, student: str, assignment: str, check_id: str) -> np.random.Generator:
    """Per-student, per-check generator: different for every student, identical on regrade."""
    digest = hmac.new(secret, f"{student}\0{assignment}\0{check_id}".encode(), hashlib.sha256).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


@dataclass
class _Cell:
    grade_id: str
    allowed: frozenset[str]
    requested: set[str] = field(default_factory=set)


class OracleSession:
    def __init__(self, assignment: Assignment, student: str, secret: bytes, lang: str,
                 max_message_bytes: int = wire.DEFAULT_MAX_FRAME) -> None:
        self.assignment = assignment
        self.student = student
        self.secret = secret
        self.lang = lang
        self.max_message_bytes = max_message_bytes
        self.checks: dict[str, Check] = assignment.checks()
        self.verdicts: dict[str, CheckVerdict] = {}
        self.cell_of: dict[str, str] = {}
        self.flags: list[str] = []
        self.seconds = 0.0  # spent judging: the answer key's and the comparisons' share of the run
        self._cell: _Cell | None = None
        self._lock = threading.Lock()

    # -- cell tracking, called by the executor ---------------------------------------
    def begin_cell(self, grade_id: str, allowed: set[str]) -> None:
        with self._lock:
            self._cell = _Cell(grade_id, frozenset(allowed))

    def end_cell(self) -> None:
        with self._lock:
            self._cell = None

    def cases(self, check_id: str) -> list[Case]:
        rng = case_rng(self.secret, self.student, self.assignment.name, check_id)
        return self.checks[check_id].cases(rng)

    # -- the socket ---------------------------------------------------------------------
    @contextmanager
    def serve(self, path: Path, uid: int | None = None) -> Iterator[Path]:
        """Listen on ``path`` for the kernel's requests until the block exits."""
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        share(path, uid, 0o660)
        server.listen(4)
        stop = threading.Event()
        thread = threading.Thread(target=self._accept_loop, args=(server, stop), daemon=True)
        thread.start()
        try:
            yield path
        finally:
            stop.set()
            # shutdown() wakes the blocked accept(); close() alone does not on Linux.
            try:
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
            thread.join(timeout=5)

    def _accept_loop(self, server: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                try:
                    self.handle(conn)
                except wire.ConnectionClosed:
                    # The kernel was interrupted or died mid-check (a timeout, a crash): its status
                    # says so, and the check it did not finish scores nothing. Not tampering.
                    log.info("%s: the kernel closed the oracle connection mid-check", self.student)
                except Exception as exc:  # noqa: BLE001 - whatever the kernel sends, keep serving
                    self._flag("flag_protocol", error=f"{type(exc).__name__}: {exc}"[:300])

    def handle(self, conn: socket.socket) -> None:
        header, _ = wire.receive(conn, self.max_message_bytes)
        check_id = str(header.get("check", ""))
        if header.get("type") != "cases" or check_id not in self.checks:
            self._flag("flag_protocol", error=f"unknown request for {check_id!r}")
            wire.send(conn, {"type": "refused", "message": messages.text("refused", self.lang)})
            return
        cell = self._admit(check_id)
        if cell is None:
            wire.send(conn, {"type": "refused", "message": messages.text("refused", self.lang)})
            return
        cases = self.cases(check_id)
        wire.send(conn, {"type": "cases"}, {"cases": [c.to_wire() for c in cases]})
        header, buffers = wire.receive(conn, self.max_message_bytes)
        outcomes = wire.decode(header.get("outcomes"), buffers)
        if header.get("type") != "results" or not isinstance(outcomes, list) or len(outcomes) != len(cases):
            raise wire.WireError("results do not match the cases sent")
        outcomes = [self._well_formed(outcome, case) for outcome, case in zip(outcomes, cases, strict=True)]
        began = time.monotonic()
        try:
            verdict = self.judge(check_id, cases, outcomes)
        except Exception as exc:  # noqa: BLE001 - a failing check must cost a verdict, not the session
            log.exception("check %s failed while judging %s", check_id, self.student)
            verdict = CheckVerdict(check_id, False, 0.0, "grader_error", messages.text("grader_error", self.lang))
            self._flag("flag_grader_error", check=check_id, error=f"{type(exc).__name__}: {exc}"[:300])
        with self._lock:
            self.seconds += time.monotonic() - began
            self.verdicts[check_id] = verdict
            self.cell_of[check_id] = cell
        wire.send(conn, {"type": "verdict", "message": verdict.message})

    def _well_formed(self, outcome: Any, case: Case) -> Any:
        """Checks may rely on getting one observation per Observe; only a tampered client differs."""
        if isinstance(outcome, Raised) or (isinstance(outcome, list) and len(outcome) == len(case.observe)):
            return outcome
        self._flag("flag_protocol", error=f"malformed observations for case {messages.localize(case.label, self.lang)!r}")
        return Raised(messages.text("incomplete_observations", self.lang))

    def judge(self, check_id: str, cases: list[Case], outcomes: list[Any]) -> CheckVerdict:
        return self.checks[check_id].verdict(check_id, cases, outcomes, self.lang)

    def _admit(self, check_id: str) -> str | None:
        with self._lock:
            cell = self._cell
            if cell is None or check_id not in cell.allowed:
                running = cell.grade_id if cell else "-"
                self._flag_locked("flag_out_of_cell", check=check_id, cell=running)
                return None
            if check_id in cell.requested:
                self._flag_locked("flag_repeat", check=check_id)
                return None
            cell.requested.add(check_id)
            return cell.grade_id

    def _flag(self, key: str, **fields: Any) -> None:
        with self._lock:
            self._flag_locked(key, **fields)

    def _flag_locked(self, key: str, **fields: Any) -> None:
        self.flags.append(messages.text(key, self.lang, **fields))


def check_in_process(check_id: str, obj: Any) -> None:
    """Instructor mode: judge in the kernel itself against the course's ``reference/``.

    Used when no grader is listening (``nbgrader validate`` or stock ``nbgrader autograde``
    on the course directory). It raises AssertionError on failure so nbgrader scores the cell.
    """
    assignment_name = check_id.split(".", 1)[0]
    try:
        course = Course.find()
        assignment = course.assignment(assignment_name)
    except CourseError as exc:
        raise RuntimeError(messages.text("hidden_tests_need_grader", Autograder.lang.default_value, error=exc)) from None
    course.ensure_secret()
    session = OracleSession(assignment, student="", secret=course.secret(), lang=course.lang())
    cases = session.cases(check_id)
    outcomes = [observe(obj, case) for case in cases]
    verdict = session.judge(check_id, cases, outcomes)
    print(verdict.message)
    if not verdict.passed:
        raise AssertionError(verdict.message + (f"\n{summarise(outcomes[0])}" if outcomes else ""))

