"""Fast tier: release/ is nbgrader's output for source/, and leaks nothing."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from autograder.course import Course
from autograder.release import generate, leaks
from conftest import ASSIGNMENTS, COURSE


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_leaks_nothing(assignment: str) -> None:
    assert leaks(COURSE.assignment(assignment)) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync_with_source(assignment: str, tmp_path) -> None:
    shutil.copy(COURSE.root / "nbgrader_config.py", tmp_path)
    for part in ("source", "reference"):
        shutil.copytree(COURSE.root / part / assignment, tmp_path / part / assignment)
    fresh = Course(tmp_path)
    generate(fresh, fresh.assignment(assignment))
    for path in sorted((COURSE.root / "release" / assignment).rglob("*.ipynb")):
        committed = nbformat.read(path, as_version=4)
        generated = nbformat.read(tmp_path / "release" / assignment / path.name, as_version=4)
        assert [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in committed.cells] == \
               [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in generated.cells], \
               f"release/{assignment}/{path.name} is stale: run `autograder release {assignment}`"


def test_leak_detector_catches_a_solution(tmp_path) -> None:
    assignment = COURSE.assignment("rnn")
    shutil.copytree(assignment.release_dir, tmp_path / "rnn")
    path = tmp_path / "rnn" / "rnn.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("    return np.tanh(x @ Wx + prev_h @ Wh + b)"))
    nbformat.write(nb, str(path))
    assert any("answer-key line" in leak.what for leak in leaks(assignment, tmp_path / "rnn"))


def test_unknown_assignment_says_what_exists() -> None:
    from autograder.course import CourseError

    with pytest.raises(CourseError, match="this course has: .*rnn"):
        COURSE.assignment("no-such-assignment")
