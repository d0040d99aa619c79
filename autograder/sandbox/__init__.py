"""The sandbox side: the only grading code that runs inside the student's kernel.

Notebooks call ``check(check_id, obj)`` (:mod:`autograder.sandbox.client`) from their hidden
tests. The package itself imports nothing heavy: the sandbox launcher and the warm-kernel pool
are modules of it and start with every submission.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check"]


def __getattr__(name: str) -> Any:
    if name == "check":
        from autograder.sandbox.client import check

        return check
    raise AttributeError(f"module 'autograder.sandbox' has no attribute {name!r}")
