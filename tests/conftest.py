"""Shared fixtures: the course in this repository and graded demo classes."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.frameworks import seed_on_import, use_kernel_settings

# Checks judged in this process compute as the grader does, seeded as the kernels are.
use_kernel_settings()
seed_on_import(0)

ROOT = Path(__file__).resolve().parent.parent
COURSE = Course(ROOT)
ASSIGNMENTS = COURSE.assignments

warnings.filterwarnings("ignore", message=".*not in session.*")


@pytest.fixture(scope="session")
def course() -> Course:
    return COURSE


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """A reachable Docker engine with the grading image, or a skip (a failure where
    AUTOGRADER_REQUIRE_DOCKER is set, as .ci/run does once .ci/docker-setup.sh provided both)."""
    from autograder.runners import RunnerError, make_runner

    try:
        make_runner("docker").prepare()
    except RunnerError as exc:
        if os.environ.get("AUTOGRADER_REQUIRE_DOCKER"):
            pytest.fail(f"Docker grading is required here but not available: {exc}")
        pytest.skip(f"Docker grading not available: {exc}")


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory):
    """Build and grade an assignment's demo class once per test session."""
    from autograder.demo import build_class
    from autograder.engine import BatchOptions, grade

    cache: dict[str, tuple[Course, dict]] = {}

    def get(assignment: str) -> tuple[Course, dict]:
        if assignment not in cache:
            demo = build_class(COURSE, assignment, tmp_path_factory.mktemp(f"class-{assignment}"))
            results = grade(demo, assignment, BatchOptions("local", workers=2, lang="es"))
            cache[assignment] = (demo, {r.student: r for r in results})
        return cache[assignment]

    return get
