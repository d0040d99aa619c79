"""The numbers of a class report, computed from the gradebook's grades: score distribution,
status counts, item analysis per check, and how many students made each named mistake."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from autograder.records import Grade, Status

# Conventional item-analysis thresholds: checks outside them deserve a look.
TOO_HARD, TOO_EASY, WEAK_DISCRIMINATION = 0.3, 0.9, 0.1


@dataclass(frozen=True)
class Distribution:
    scores: list[float]
    max_score: float
    mean: float
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class CheckStats:
    """Item analysis of one check over the students whose notebook ran."""

    check: str
    cell: str
    students: int
    pass_rate: float
    difficulty: float                 # mean share of the check's credit earned (classical p-value)
    discrimination: float | None      # point-biserial: check credit against the rest of the score

    @property
    def review(self) -> bool:
        return (self.difficulty < TOO_HARD or self.difficulty > TOO_EASY
                or (self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION))


@dataclass
class MistakeCount:
    mistake: str
    check: str
    students: list[str] = field(default_factory=list)


def distribution(grades: list[Grade]) -> Distribution | None:
    scores = sorted(g.final for g in grades if g.status is not Status.MISSING)
    if not scores:
        return None
    q1, median, q3 = (np.percentile(scores, [25, 50, 75]).tolist())
    return Distribution(scores, max(g.max_score for g in grades), statistics.fmean(scores), median, q1, q3)


def status_counts(grades: list[Grade]) -> dict[str, int]:
    """Each status, and ``late``, with how many students have it."""
    counts = Counter(g.status.value for g in grades)
    counts["late"] = sum(1 for g in grades if g.seconds_late > 0)
    return {key: counts.get(key, 0) for key in [*(s.value for s in Status), "late"]}


def item_analysis(grades: list[Grade]) -> list[CheckStats]:
    """One row per check, in notebook order."""
    credit: dict[str, dict[str, float]] = {}
    passed: dict[str, dict[str, bool]] = {}
    share: dict[str, float] = {}
    cells: dict[str, str] = {}
    totals = {g.student: g.score for g in grades if g.result is not None and g.status is not Status.MISSING}
    for grade in grades:
        if grade.student not in totals or grade.result is None:
            continue
        for cell in grade.result.cells:
            for verdict in cell.checks:
                credit.setdefault(verdict.id, {})[grade.student] = verdict.fraction
                passed.setdefault(verdict.id, {})[grade.student] = verdict.passed
                share[verdict.id] = cell.max_points / max(len(cell.checks), 1)
                cells[verdict.id] = cell.grade_id
    rows = []
    for check, by_student in credit.items():
        students = sorted(by_student)
        x = np.array([by_student[s] for s in students])
        rest = np.array([totals[s] - share[check] * by_student[s] for s in students])
        discrimination = None
        if len(students) > 2 and x.std() > 0 and rest.std() > 0:
            discrimination = float(np.corrcoef(x, rest)[0, 1])
        rows.append(CheckStats(check, cells[check], len(students), sum(passed[check].values()) / len(students),
                               float(x.mean()), discrimination))
    return rows


def mistakes(grades: list[Grade]) -> list[MistakeCount]:
    """Named mistakes, most frequent first: what to reteach."""
    found: dict[tuple[str, str], MistakeCount] = {}
    for grade in grades:
        for cell in grade.result.cells if grade.result else []:
            for verdict in cell.checks:
                if verdict.mistake:
                    entry = found.setdefault((verdict.id, verdict.mistake), MistakeCount(verdict.mistake, verdict.id))
                    entry.students.append(grade.student)
    return sorted(found.values(), key=lambda m: (-len(m.students), m.check, m.mistake))
