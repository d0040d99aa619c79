"""Run a sanitised notebook in a runner's kernel, one cell at a time, from the trusted side.

Before each hidden-test cell runs, the oracle learns which checks that cell (as restored
from the instructor's source) may ask for; afterwards nothing may ask. Time limits are
enforced here, outside the kernel. A cell's budget is CPU time (the kernel's and its
children's), which other jobs on a busy machine do not inflate; a wall-clock limit per cell
and per notebook is only a backstop for code that hangs without using CPU. An overrunning
cell is interrupted and the notebook carries on; cells that finished keep their verdicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field

from collections.abc import Callable
from queue import Empty
from typing import Any

import nbformat
import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from autograder import messages
from autograder.course import SKIP_TAG
from autograder.oracle import OracleSession
from autograder.records import CellTiming, Status
from autograder.runners.base import Sandbox

CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([\w.]+)["']""")
POLL_SECONDS = 0.25
# How long to wait for a kernel_info request's idle status before asking again (doubling).
IDLE_SECONDS = 0.01
RECONNECT_MS = 5
# After an interrupt, how long a cell may take to stop before its kernel is stopped instead.
INTERRUPT_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Limits:
    """Time limits for one notebook."""

    cell_cpu_seconds: float
    cell_timeout: float
    notebook_timeout: float


@dataclass
class Execution:
    status: Status
    detail: str = ""
    cells: list[CellTiming] = field(default_factory=list)
    kernel_start: float = 0.0
    # True when only the wall clock stopped the notebook: a busy machine may be the cause.
    wall_clock_timeout: bool = False
    # False when the sandbox failed before the kernel answered: nothing of the student's ran.
    kernel_started: bool = True


class ReadyClient(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel has answered ``kernel_info`` and
    published that request's idle status on IOPub.

    jupyter_client's own wait ends only after 0.2 s without any IOPub message, a fixed cost on
    every submission; the request's idle status gives the same guarantee (IOPub is connected
    and what the kernel published before it has arrived). A status published before this
    client's IOPub subscription took effect is lost (ZeroMQ's slow joiner), so the request is
    repeated soon, and the idle status of any of them will do."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # This client connects before the kernel in a warm sandbox has bound its sockets, and
        # ZeroMQ retries a failed connection only every 100 ms by default (the manager's context
        # is this kernel's own).
        self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        requests: set[str] = set()
        replied = False
        idle_wait = IDLE_SECONDS
        while True:
            requests.add(self.kernel_info())
            if not replied:
                reply = await self._answer(self.shell_channel, requests, lambda m: m["msg_type"] == "kernel_info_reply")
                if reply is not None:
                    self._handle_kernel_info_reply(reply)
                    replied = True
            # Any of these requests' idle status proves IOPub is connected.
            if replied and await self._answer(
                    self.iopub_channel, requests,
                    lambda m: m["msg_type"] == "status" and m["content"].get("execution_state") == "idle",
                    idle_wait):
                return
            # A loaded machine may take longer to publish than the first waits allow.
            idle_wait = min(1.0, idle_wait * 2)
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    @staticmethod
    async def _answer(channel: Any, requests: set[str], wanted: Callable[[dict[str, Any]], bool],
                      seconds: float = 1.0) -> dict[str, Any] | None:
        """The first message on ``channel`` answering one of ``requests`` that is ``wanted``, or None."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                message = await ensure_async(channel.get_msg(timeout=left))
            except Empty:
                return None
            if message.get("parent_header", {}).get("msg_id") in requests and wanted(message):
                return message
        return None


def graded_cells(nb: nbformat.NotebookNode) -> dict[int, tuple[str, set[str]]]:
    """Index -> (grade_id, check ids) for every autograded test cell."""
    found = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            found[index] = (meta["grade_id"], set(CHECK_CALL.findall(cell.source)))
    return found


def cell_name(nb: nbformat.NotebookNode, index: int) -> str:
    """How a student finds cell ``index``: its nbgrader id, else the section heading above it."""
    meta = nb.cells[index].get("metadata", {}).get("nbgrader", {})
    if meta.get("grade_id"):
        return str(meta["grade_id"])
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return f"#{index + 1}"


def execute(nb: nbformat.NotebookNode, sandbox: Sandbox, oracle: OracleSession, limits: Limits,
            lang: str) -> Execution:
    """Run every cell of ``nb`` in ``sandbox``'s kernel."""
    sandbox.kernel_manager.client_factory = ReadyClient
    client = NotebookClient(nb, km=sandbox.kernel_manager, timeout=None, allow_errors=True,
                            skip_cells_with_tag=SKIP_TAG, kernel_name="python3", startup_timeout=120,
                            shutdown_kernel="immediate")
    km = sandbox.kernel_manager
    graded = graded_cells(nb)
    outcome = Execution(Status.GRADED)

    async def stop_kernel() -> None:
        # nbclient leaves a kernel it was handed running; a grading worker lives for many
        # submissions, so each kernel (and its sandbox) ends with its notebook.
        if client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel and await km.is_alive():
            await km.shutdown_kernel(now=True)

    def time_out(index: int, key: str, seconds: float) -> None:
        outcome.status = Status.TIMEOUT
        outcome.detail = messages.text(key, lang, seconds=seconds, cell=cell_name(nb, index))

    last_cpu: float | None = None  # the kernel's CPU time when the last cell ended

    async def run_cell(index: int, cell: nbformat.NotebookNode) -> bool:
        """Run one cell within its budgets; False when the kernel is gone."""
        nonlocal last_cpu
        # Cells run back to back: this one starts where the last one's CPU time ended.
        started = time.monotonic()
        cpu_start = last_cpu if last_cpu is not None else sandbox.cpu_seconds(rescan=True)
        ticks = 0
        task = asyncio.ensure_future(client.async_execute_cell(cell, index, execution_count=index + 1))
        stopped_at: float | None = None
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=POLL_SECONDS)
                if done:
                    task.result()
                    return True
                now = time.monotonic()
                ticks += 1
                if stopped_at is None:
                    if sandbox.cpu_seconds(rescan=True) - cpu_start > limits.cell_cpu_seconds:
                        time_out(index, "detail_timeout_cpu", limits.cell_cpu_seconds)
                    elif now - started > limits.cell_timeout:
                        time_out(index, "detail_timeout_cell", limits.cell_timeout)
                        outcome.wall_clock_timeout = True
                    else:
                        continue
                    stopped_at = now
                    await km.interrupt_kernel()
                elif now - stopped_at > INTERRUPT_GRACE_SECONDS:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                    await stop_kernel()
                    return False
        except DeadKernelError:
            if outcome.status is Status.GRADED:
                outcome.status = Status.CRASHED
                outcome.detail = messages.text("detail_dead_kernel", lang, cell=cell_name(nb, index))
            return False
        finally:
            last_cpu = sandbox.cpu_seconds(rescan=ticks > 0)
            cpu = max(0.0, last_cpu - cpu_start)
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            outcome.cells.append(CellTiming(index, round(time.monotonic() - started, 4), round(cpu, 4), grade_id))

    async def run_cells() -> None:
        began = time.monotonic()
        try:
            await client.async_start_new_kernel(**sandbox.launch_arguments())
            await client.async_start_new_kernel_client()
        except (RuntimeError, DeadKernelError) as exc:
            # Nothing of the student's has run yet: the sandbox itself failed to start.
            outcome.status = Status.CRASHED
            outcome.detail = messages.text("detail_kernel_start", lang, error=str(exc)[:200])
            outcome.kernel_started = False
            await stop_kernel()
            return
        outcome.kernel_start = time.monotonic() - began
        try:
            for index, cell in enumerate(nb.cells):
                if index in graded:
                    oracle.begin_cell(*graded[index])
                try:
                    if not await run_cell(index, cell):
                        return
                finally:
                    oracle.end_cell()
        finally:
            await stop_kernel()

    async def main() -> None:
        try:
            await asyncio.wait_for(run_cells(), timeout=limits.notebook_timeout)
        except TimeoutError:
            outcome.status = Status.TIMEOUT
            outcome.detail = messages.text("detail_timeout_notebook", lang, seconds=limits.notebook_timeout)
            outcome.wall_clock_timeout = True
            oracle.end_cell()
            await stop_kernel()

    asyncio.run(main())
    return outcome
