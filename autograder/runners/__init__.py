"""Runners: where a submission's kernel runs. Add one by subclassing ``Runner``."""

from __future__ import annotations

from traitlets.config import Config

from autograder.course import CourseError
from autograder.runners.base import KernelJob, Runner, RunnerError
from autograder.runners.local import LocalRunner

RUNNERS: dict[str, type[Runner]] = {"local": LocalRunner}


def make_runner(name: str, config: Config | None = None) -> Runner:
    if name == "docker" and name not in RUNNERS:
        from autograder.runners.docker import DockerRunner

        RUNNERS[name] = DockerRunner
    if name not in RUNNERS:
        raise CourseError(f"unknown runner {name!r}; choose one of: local, docker")
    return RUNNERS[name](config=config or Config())


__all__ = ["KernelJob", "Runner", "RunnerError", "make_runner", "RUNNERS"]
