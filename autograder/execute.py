"""Run a sanitised notebook in a runner's kernel, one cell at a time, from the trusted side.

Before each hidden-test cell runs, the oracle learns which checks that cell (as restored
from the instructor's source) may ask for; afterwards nothing may ask. Timeouts are
enforced here, outside the kernel: per cell (interrupt, then carry on) and per notebook
(the kernel is killed). Cells that finished keep their verdicts.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder import messages
from autograder.oracle import OracleSession
from autograder.records import Status

CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([\w.]+)["']""")
SKIP_TAG = "skip-grading"


@dataclass
class Execution:
    status: Status
    detail: str = ""


def graded_cells(nb: nbformat.NotebookNode) -> dict[int, tuple[str, set[str]]]:
    """Index -> (grade_id, check ids) for every autograded test cell."""
    found = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            found[index] = (meta["grade_id"], set(CHECK_CALL.findall(cell.source)))
    return found


def execute(nb: nbformat.NotebookNode, km: AsyncKernelManager, oracle: OracleSession, env: dict[str, str],
            cell_timeout: float, notebook_timeout: float, lang: str, log: Path) -> Execution:
    """Run every cell; the kernel's own stdout and stderr go to ``log``."""
    client = NotebookClient(nb, km=km, timeout=int(cell_timeout), allow_errors=True,
                            interrupt_on_timeout=False, skip_cells_with_tag=SKIP_TAG,
                            kernel_name="python3", startup_timeout=60, shutdown_kernel="immediate")
    graded = graded_cells(nb)
    outcome = Execution(Status.GRADED)

    async def run_cells() -> None:
        with log.open("wb") as sink:
            try:
                async with client.async_setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=sink):
                    await run_each_cell()
            finally:
                await stop_kernel()

    async def stop_kernel() -> None:
        # nbclient leaves a kernel it was handed running; a grading worker lives for many
        # submissions, so each kernel (and its sandbox or container) ends with its notebook.
        if client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel and await km.is_alive():
            await km.shutdown_kernel(now=True)

    async def run_each_cell() -> None:
        for index, cell in enumerate(nb.cells):
            if index in graded:
                oracle.begin_cell(*graded[index])
            try:
                await client.async_execute_cell(cell, index, execution_count=index + 1)
            except CellTimeoutError:
                outcome.status = Status.TIMEOUT
                outcome.detail = messages.text("detail_timeout_cell", lang, seconds=cell_timeout)
                await km.interrupt_kernel()
            except DeadKernelError:
                outcome.status = Status.CRASHED
                outcome.detail = messages.text("detail_dead_kernel", lang)
                return
            finally:
                oracle.end_cell()

    async def main() -> None:
        try:
            await asyncio.wait_for(run_cells(), timeout=notebook_timeout)
        except TimeoutError:
            outcome.status = Status.TIMEOUT
            outcome.detail = messages.text("detail_timeout_notebook", lang, seconds=notebook_timeout)
            oracle.end_cell()
            await stop_kernel()

    asyncio.run(main())
    return outcome
