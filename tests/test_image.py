"""Fast tier: what goes into the grading image, decided without building it."""

from __future__ import annotations

import fnmatch

from autograder import image
from conftest import ROOT


def _admitted(path: str) -> bool:
    """Whether .dockerignore lets ``path`` into the build context (last matching rule wins)."""
    admitted = True
    for rule in (ROOT / ".dockerignore").read_text().splitlines():
        rule = rule.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        pattern = rule.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern + "/*") or path.startswith(pattern + "/"):
            admitted = negate
    return admitted


def test_build_context_holds_no_answer_key_or_student_work() -> None:
    for path in ("reference/rnn/key.py", "source/rnn/rnn.ipynb", "submitted/ana/rnn/rnn.ipynb",
                 "autograded/ana/rnn/rnn.ipynb", "gradebook.db", ".autograder/secret", ".venv/bin/python"):
        assert not _admitted(path), path
    for path in ("Dockerfile", "autograder/sandbox/kernel.py", "wheelhouse/cpu/requirements.txt"):
        assert _admitted(path), path


def test_cpu_variant_keeps_the_course_pins() -> None:
    requirements, constraints = image._requirements(ROOT, "cpu")
    assert requirements == (ROOT / "requirements.txt").read_text()
    assert constraints == (ROOT / "constraints.txt").read_text()


def test_gpu_variant_swaps_in_tensorflow_with_cuda_wheels() -> None:
    requirements, constraints = image._requirements(ROOT, "gpu")
    assert image.GPU_TENSORFLOW in requirements.splitlines()
    assert "tensorflow-cpu" not in requirements and "tensorflow-cpu" not in constraints.replace("_", "-")
    cpu_pin = next(line for line in (ROOT / "requirements.txt").read_text().splitlines()
                   if line.startswith("tensorflow-cpu=="))
    assert cpu_pin.split("==")[1] == image.GPU_TENSORFLOW.split("==")[1]  # same TensorFlow release


def test_source_digest_names_the_autograder_code() -> None:
    assert image.source_digest() == image.source_digest()
    assert len(image.source_digest()) == 16
