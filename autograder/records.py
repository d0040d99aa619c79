"""Plain records passed between the grading engine's modules and written to disk."""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How a submission's grading ended. Every submission gets exactly one."""

    GRADED = "graded"        # every cell ran (cell errors are the student's and cost points)
    TIMEOUT = "timeout"      # a cell or the notebook overran; finished cells still score
    CRASHED = "crashed"      # the kernel died, or the grader failed on this submission
    INVALID = "invalid"      # missing or malformed notebook: nothing could run
    MISSING = "missing"      # the student has no submission for this assignment


@dataclass
class CheckVerdict:
    """The oracle's verdict on one check, as recorded outside the sandbox."""

    id: str
    passed: bool
    fraction: float                 # share of credit earned, 0..1
    mistake: str | None             # stable identifier of the diagnosed mistake, or None
    message: str                    # diagnosis for the student, in their language
    cases_passed: int = 0
    cases_total: int = 0
    failed_case: str | None = None  # label of the first failing case (never its values)
    observed: str | None = None     # short text of the student's own output on that case
    inputs: str | None = None       # the failing case's input shapes, to reproduce it
    difference: str | None = None   # where the output first differs, and by roughly how much


@dataclass
class CellScore:
    """A graded nbgrader cell (a hidden-test cell) and the checks it ran."""

    grade_id: str
    max_points: float
    points: float
    checks: list[CheckVerdict] = field(default_factory=list)


@dataclass
class CellTiming:
    """One executed cell: how long it ran, by the clock and in the kernel's CPU time."""

    index: int
    seconds: float
    cpu_seconds: float
    grade_id: str | None = None


@dataclass
class Timings:
    """Where one submission's grading time went, in seconds."""

    queued: float = 0.0          # from the batch's start until a worker took the submission
    sandbox_start: float = 0.0   # scratch copy, sandbox and kernel start until the kernel answered
    warm: bool = False           # the kernel was started ahead, imports done
    cells: list[CellTiming] = field(default_factory=list)
    oracle: float = 0.0          # the oracle judging checks (the answer key's share of the cells' time)
    recording: float = 0.0       # graded notebook, results file and gradebook
    attempts: int = 1            # 2 when a wall-clock timeout was regraded alone

    @property
    def execution(self) -> float:
        return sum(c.seconds for c in self.cells)

    def phases(self) -> dict[str, float]:
        """The phases a batch summary reports, by name."""
        return {"queued": self.queued, "sandbox_start": self.sandbox_start, "cells": self.execution,
                "oracle": self.oracle, "recording": self.recording}


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    status: Status
    score: float
    max_score: float
    cells: list[CellScore] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # suspicious behaviour for TAs to review
    detail: str = ""                                 # why the status is not "graded"
    seconds: float = 0.0
    timings: Timings = field(default_factory=Timings)
    graded_digest: str = ""     # the submission and answer key graded: unchanged means no regrade

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionResult:
        cells = [CellScore(**{**c, "checks": [CheckVerdict(**v) for v in c["checks"]]}) for c in data["cells"]]
        timings = dict(data.get("timings") or {})
        timings["cells"] = [CellTiming(**c) for c in timings.get("cells", [])]
        return cls(**{**data, "status": Status(data["status"]), "cells": cells, "timings": Timings(**timings)})


@dataclass
class CellGrade:
    """One graded cell as the gradebook holds it: the grader's score and any TA adjustment."""

    grade_id: str
    max_points: float
    auto: float | None
    manual: float | None = None       # a TA's score replaces the grader's
    extra_credit: float = 0.0

    @property
    def score(self) -> float:
        return (self.manual if self.manual is not None else self.auto or 0.0) + self.extra_credit


@dataclass
class Grade:
    """A student's grade on an assignment, read from the gradebook: the one source every
    export, feedback report and class report shows. ``result`` holds the grader's verdicts."""

    student: str
    assignment: str
    status: Status
    max_score: float
    cells: list[CellGrade] = field(default_factory=list)
    late_penalty: float = 0.0
    seconds_late: float = 0.0
    timestamp: datetime | None = None
    comments: list[tuple[str, str]] = field(default_factory=list)  # (cell name, TA comment)
    result: SubmissionResult | None = None
    notebook_ids: dict[str, str] = field(default_factory=dict)      # gradebook ids, for formgrader links

    @property
    def score(self) -> float:
        """Points before any late penalty, TA adjustments included, summed unrounded."""
        return sum(cell.score for cell in self.cells)

    @property
    def final(self) -> float:
        return max(0.0, self.score - self.late_penalty)

    @property
    def adjusted(self) -> bool:
        """Whether a TA changed any score."""
        return any(cell.manual is not None or cell.extra_credit for cell in self.cells)

    @property
    def flags(self) -> list[str]:
        return self.result.flags if self.result else []


def points(value: float) -> str:
    """Every score a person reads, at one precision."""
    return f"{value:.2f}"


def phase_statistics(results: list[SubmissionResult]) -> dict[str, tuple[float, float]]:
    """Median and 95th percentile of each phase over the graded submissions' timings."""
    timed = [r.timings.phases() for r in results if r.status is not Status.MISSING and r.timings.cells]
    if not timed:
        return {}
    stats = {}
    for phase in timed[0]:
        values = sorted(t[phase] for t in timed)
        stats[phase] = (statistics.median(values), values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)])
    return stats

