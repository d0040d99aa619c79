"""What a grading batch is asked to do and how it reports: shared by the engine and the ways
it grades (worker processes here, a Dask cluster)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from autograder.gradebook import Change
from autograder.records import SubmissionResult


@dataclass
class Progress:
    """How a batch reports: each callback is optional."""

    warning: Callable[[str], None] = lambda text: None
    started: Callable[[int], None] = lambda total: None        # how many submissions will be graded
    result: Callable[[SubmissionResult], None] = lambda result: None
    moved: Callable[[Change], None] = lambda change: None   # a regrade changed a final grade
    notice: Callable[[str], None] = lambda text: None          # where to watch the batch (a dashboard)


@dataclass(frozen=True)
class BatchOptions:
    """One grading run: which runner, how many workers, which language (None: the course's), which
    Dask scheduler grades it (None: the course's ``c.Autograder.scheduler``; empty: this machine)."""

    runner: str = "local"
    workers: int = 1
    lang: str | None = None
    regrade: bool = False   # grade submissions that did not change since they were last graded too
    scheduler: str | None = None
