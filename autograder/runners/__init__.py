"""Runners: where a submission's kernel runs. Add one by subclassing ``Runner`` and naming it here."""

from __future__ import annotations

import importlib

from traitlets.config import Config

from autograder.runners.base import Job, Runner, RunnerError, Sandbox

# name -> "module:class"; imported on first use, so the docker SDK loads only for Docker grading.
RUNNERS: dict[str, str] = {
    "local": "autograder.runners.local:LocalRunner",
    "docker": "autograder.runners.docker.runner:DockerRunner",
}


def runner_class(name: str) -> type[Runner]:
    if name not in RUNNERS:
        from autograder.course import CourseError

        raise CourseError(f"unknown runner {name!r}; choose one of: {', '.join(RUNNERS)}")
    module, _, cls = RUNNERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def make_runner(name: str, config: Config | None = None) -> Runner:
    """A runner configured from the course's ``config`` (``c.<RunnerClass>.*``)."""
    return runner_class(name)(config=config or Config())


__all__ = ["Job", "Runner", "RunnerError", "Sandbox", "RUNNERS", "make_runner", "runner_class"]
