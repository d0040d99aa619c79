"""The interface every framework entry implements: no-op hooks, override what applies."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, ClassVar


class Framework:
    """What the grader needs to know about one deep-learning library.

    Hooks run in the grader and in the sandboxed kernel alike, so they import their library
    lazily and only for values that already belong to it.
    """

    module: ClassVar[str] = ""
    """Top-level import name of the library (``"tensorflow"``); its import triggers :meth:`seed`."""
    tags: ClassVar[frozenset[str]] = frozenset()
    """Wire tags (``"$keras"``) this framework encodes and decodes; only a trusted sender may send them."""

    def environment(self) -> dict[str, str]:
        """Environment variables the kernel runs with and the grader adopts, so both compute alike."""
        return {}

    def seed(self, module: ModuleType, seed: int) -> None:
        """Make the freshly imported ``module`` seeded and deterministic."""

    def encode(self, value: Any, add_buffer: Callable[[bytes], int]) -> tuple[str, Any] | None:
        """``(tag, body)`` for a value of this framework (body: plain JSON, bulk data through
        ``add_buffer``, which returns the buffer's index), or None for any other value."""
        return None

    def decode(self, tag: str, body: Any, buffers: list[bytes]) -> Any:
        """Rebuild a value sent under one of :attr:`tags`; called for trusted senders only."""
        raise NotImplementedError(f"{type(self).__name__} declares tag {tag!r} but cannot decode it")

    def describe(self, obj: Any) -> dict[str, Any] | None:
        """Architecture facts of a model of this framework that do not depend on auto-generated
        names, or None when ``obj`` is not one."""
        return None
