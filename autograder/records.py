"""Plain records passed between the grading engine's modules and written to disk."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


@dataclass
class CellScore:
    """A graded nbgrader cell (a hidden-test cell) and the checks it ran."""

    grade_id: str
    max_points: float
    points: float
    checks: list[CheckVerdict] = field(default_factory=list)


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

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionResult:
        cells = [CellScore(**{**c, "checks": [CheckVerdict(**v) for v in c["checks"]]}) for c in data["cells"]]
        return cls(**{**data, "status": Status(data["status"]), "cells": cells})

    def export_row(self) -> dict[str, Any]:
        """The documented export shape: one entry per check."""
        checks = []
        for cell in self.cells:
            for verdict in cell.checks:
                share = cell.max_points / max(len(cell.checks), 1)
                checks.append({
                    "id": verdict.id,
                    "points": round(share * verdict.fraction, 4),
                    "max_points": round(share, 4),
                    "passed": verdict.passed,
                    "mistake": verdict.mistake,
                    "message": verdict.message,
                })
        return {"student": self.student, "assignment": self.assignment, "status": self.status.value,
                "score": round(self.score, 4), "max_score": round(self.max_score, 4), "checks": checks}
