"""Sandboxes started ahead of need, so a submission finds its kernel's imports already done.

A runner owns one :class:`WarmPool` per grading worker. While one submission is graded, the
pool starts the next sandboxes in a background thread; each is used for exactly one kernel.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from autograder.sandbox.pool import HEARTBEAT_NAME

HEARTBEAT_SECONDS = 2.0


class _Removable(Protocol):
    warm: bool
    directory: Path

    def remove(self) -> None: ...


S = TypeVar("S", bound=_Removable)


class WarmPool(Generic[S]):
    """Keeps ``ahead`` sandboxes made by ``start`` started in the background."""

    def __init__(self, start: Callable[[], S], ahead: int) -> None:
        self._start = start
        self._ahead = ahead
        self._starter = ThreadPoolExecutor(max_workers=max(1, ahead), thread_name_prefix="warm-pool")
        self._upcoming: deque[Future[S]] = deque()
        self._lock = threading.Lock()
        self._closed = False
        self._stopped = threading.Event()
        threading.Thread(target=self._beat, name="warm-pool-heartbeat", daemon=True).start()

    def _beat(self) -> None:
        """Tell the sandboxes waiting for a submission that this grader is alive."""
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            with self._lock:
                started = [future.result() for future in self._upcoming if future.done() and not future.exception()]
            for slot in started:
                try:
                    os.utime(slot.directory / HEARTBEAT_NAME)
                except FileNotFoundError:
                    continue

    def fill(self) -> None:
        """Start sandboxes until ``ahead`` are started or starting."""
        with self._lock:
            while not self._closed and len(self._upcoming) < self._ahead:
                self._upcoming.append(self._starter.submit(self._start))

    def take(self, refill: bool = True) -> S:
        """The oldest sandbox started ahead (waiting for it if it is still starting, which is
        never slower than a cold start), or a new one when none is; then start the next unless
        ``refill`` is False (no kernel will be needed after this one: starting one would only
        take CPU from the kernels still grading)."""
        with self._lock:
            upcoming = self._upcoming.popleft() if self._upcoming else None
        slot = upcoming.result() if upcoming is not None else self._start()
        if refill:
            self.fill()
        slot.warm = upcoming is not None
        return slot

    def upcoming(self, timeout: float) -> list[S]:
        """The sandboxes started ahead, once started (for callers that wait until they are ready)."""
        with self._lock:
            futures = list(self._upcoming)
        return [future.result(timeout=timeout) for future in futures]

    def close(self) -> None:
        """Remove every sandbox started ahead; nothing new starts afterwards."""
        self._stopped.set()
        with self._lock:
            self._closed = True
            futures = list(self._upcoming)
            self._upcoming.clear()
        for future in futures:
            try:
                future.result(timeout=120).remove()
            except Exception:  # noqa: BLE001 - a sandbox that failed to start has nothing to remove
                continue
        self._starter.shutdown(wait=False, cancel_futures=True)
