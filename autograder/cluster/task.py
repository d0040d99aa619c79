"""The grading task and the plain data it carries between the batch and a grading host.

A request holds the submission as the grader read it (notebook and file bytes, or the reason
it cannot be graded) and a reply holds the result as ``results.json`` stores it plus the graded
notebooks' text: dicts of str, bytes and numbers, so no object of the grader's or a student's
is ever unpickled on the other side. Dask ships the data; what it means is decided here.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from distributed import get_worker

from autograder.pipeline import Graded
from autograder.records import SubmissionResult
from autograder.submission import SubmissionError, SubmittedFile, SubmittedWork

if TYPE_CHECKING:
    from distributed import Scheduler, Worker

    from autograder.cluster.versions import Versions

PLUGIN_NAME = "autograder"
WORKER_COMMAND = "dask worker {scheduler} --nthreads 1 --preload autograder.cluster.worker --course /path/to/course"


class NotGradingWorker(Exception):
    """A Dask worker that was not started as a grading host."""


def request(assignment: str, student: str, work: SubmittedWork | SubmissionError, runner: str, lang: str,
            versions: Versions) -> dict[str, Any]:
    """What the batch sends to grade ``student``'s ``work``."""
    data: dict[str, Any] = {"assignment": assignment, "student": student, "runner": runner, "lang": lang,
                            "versions": versions.to_json(), "sent": time.time()}
    if isinstance(work, SubmissionError):
        data["error"] = {"key": work.key, "fields": dict(work.fields)}
    else:
        data["notebooks"] = dict(work.notebooks)
        data["files"] = [[item.path, item.data] for item in work.files]
    return data


def submitted_work(data: dict[str, Any]) -> SubmittedWork | SubmissionError:
    """The submission a request carries, as the pipeline takes it."""
    if "error" in data:
        return SubmissionError(data["error"]["key"], **data["error"]["fields"])
    return SubmittedWork({str(name): bytes(body) for name, body in data["notebooks"].items()},
                         tuple(SubmittedFile(str(path), bytes(body)) for path, body in data["files"]))


def reply(graded: Graded) -> dict[str, Any]:
    """What a grading host sends back for one graded submission."""
    return {"result": graded.result.to_json(), "notebooks": dict(graded.notebooks), "retry_alone": graded.retry_alone}


def graded(data: dict[str, Any]) -> Graded:
    """The graded submission a reply carries, for the batch to record."""
    return Graded(SubmissionResult.from_json(data["result"]),
                  {str(name): str(text) for name, text in data["notebooks"].items()}, bool(data["retry_alone"]))


def grade(data: dict[str, Any]) -> dict[str, Any]:
    """Dask's task: grade the requested submission with this worker's grading plugin."""
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise NotGradingWorker(f"Dask worker {worker.address} is not a grading host: start it with "
                               f"`{WORKER_COMMAND.format(scheduler=worker.scheduler.address)}`")
    return plugin.grade(data)


async def inspect(assignment: str, runner: str, expected: dict[str, str], *, dask_worker: Worker) -> dict[str, Any]:
    """A worker's versions for ``assignment`` and, when they match ``expected``, its runner's
    warnings once its grading context is built (sandboxes started ahead included)."""
    plugin = dask_worker.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise NotGradingWorker("not started as a grading host: start it with "
                               f"`{WORKER_COMMAND.format(scheduler=dask_worker.scheduler.address)}`")
    # Building a context imports the answer key and starts sandboxes: seconds the worker's
    # event loop must not be blocked for (it would miss its heartbeats).
    return await asyncio.to_thread(plugin.inspect, assignment, runner, expected)


def allow_failures(dask_scheduler: Scheduler, deaths: int) -> None:
    """Record a task as failed once it has cost ``deaths`` workers."""
    dask_scheduler.allowed_failures = deaths - 1
