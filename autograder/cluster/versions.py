"""What a grading host and the batch must share for a submission to get the same grade anywhere.

Grades depend on the engine's code, the assignment's hidden tests and answer key, the course
secret (which seeds every student's cases) and the grading limits. Each side digests its own
copy; only digests travel, never the answer key or the secret.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder.course import Course, CourseError
from autograder.image import source_digest

# The settings that change what a submission scores; runner limits stay each host's own
# (a GPU host sets its own c.DockerRunner.gpus).
GRADING_SETTINGS = ("cell_cpu_seconds", "cell_timeout", "notebook_timeout", "max_message_bytes", "max_output_chars")
NO_SECRET = "none"


class VersionMismatch(Exception):
    """A grading host would grade differently from the batch; the message says what differs."""


@dataclass(frozen=True)
class Versions:
    """Digests of everything a grade depends on, as one checkout holds it."""

    engine: str       # the autograder package (the digest Docker images are labelled with)
    assignment: str   # source/<assignment>/ and reference/<assignment>/: hidden tests and answer key
    secret: str       # a hash of the course secret, never the secret itself
    settings: str     # the c.Autograder limits in GRADING_SETTINGS

    @classmethod
    def of(cls, course: Course, assignment: str) -> Versions:
        """This checkout's digests for ``assignment``; raises CourseError for an unknown assignment."""
        found = course.assignment(assignment)
        settings = {name: getattr(course.settings, name) for name in GRADING_SETTINGS}
        return cls(source_digest(), _tree_digest([found.source_dir, found.reference_dir]), _secret_digest(course),
                   _digest(json.dumps(settings, sort_keys=True).encode()))

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Versions:
        return cls(**data)

    def differences(self, theirs: Versions, assignment: str) -> list[str]:
        """What differs between this batch's versions and a host's ``theirs``, each with what to do."""
        found = []
        if self.engine != theirs.engine:
            found.append(f"the autograder engine (code digest {self.engine} here, {theirs.engine} there): "
                         "install the same autograder version, from the same checkout or grading image")
        if self.assignment != theirs.assignment:
            found.append(f"the hidden tests or answer key (source/{assignment}/ and reference/{assignment}/): "
                         "check out the same commit of the course on that host")
        if theirs.secret == NO_SECRET:
            found.append("the course secret: that host has none; copy .autograder/secret from this machine "
                         "(mode 0600) or set the same c.Autograder.secret")
        elif self.secret != theirs.secret:
            found.append("the course secret: copy .autograder/secret from this machine (mode 0600) or set the "
                         "same c.Autograder.secret, so every host seeds the same cases")
        if self.settings != theirs.settings:
            found.append(f"the grading limits (c.Autograder.{', '.join(GRADING_SETTINGS)}): use the same "
                         "nbgrader_config.py")
        return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _tree_digest(folders: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            # Byte-code caches and editor state differ between hosts without changing a grade.
            if not path.is_file() or "__pycache__" in relative.parts or relative.name.startswith("."):
                continue
            digest.update(f"{folder.parent.name}/{folder.name}/{relative}".encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _secret_digest(course: Course) -> str:
    try:
        secret = course.secret()
    except CourseError:
        return NO_SECRET
    # Domain-separated, so the digest is not a hash anyone else computes of the same secret.
    return _digest(b"autograder course secret\0" + secret)
