"""The course directory: assignments, their answer keys, and the grader's settings.

Settings are traitlets, read from the course's ``nbgrader_config.py`` like nbgrader's own
(``c.Autograder.cell_timeout = 60``), so one file configures both.
"""

from __future__ import annotations

import importlib.util
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from traitlets import Float, Int, Unicode
from traitlets.config import Configurable, Config, PyFileConfigLoader

if TYPE_CHECKING:
    from autograder.checks import Check


class CourseError(Exception):
    """Bad input from the user: says what is wrong and what to do next."""


class Autograder(Configurable):
    """Grading settings (``c.Autograder.*`` in nbgrader_config.py)."""

    lang = Unicode("es", help="Language of feedback: 'es' or 'en'.").tag(config=True)
    cell_timeout = Float(30.0, help="Seconds a single cell may run.").tag(config=True)
    notebook_timeout = Float(300.0, help="Seconds a whole notebook may run.").tag(config=True)
    secret = Unicode("", help="Course secret that seeds per-student hidden cases. "
                              "Empty: kept in .autograder/secret, created on first use.").tag(config=True)
    max_message_bytes = Int(64 * 1024 * 1024, help="Cap on any message from the sandbox.").tag(config=True)
    max_output_chars = Int(20_000, help="Characters of cell output kept in graded notebooks.").tag(config=True)


@dataclass(frozen=True)
class Assignment:
    name: str
    course: Course

    @property
    def source_dir(self) -> Path:
        return self.course.root / "source" / self.name

    @property
    def release_dir(self) -> Path:
        return self.course.root / "release" / self.name

    @property
    def reference_dir(self) -> Path:
        return self.course.root / "reference" / self.name

    @property
    def notebooks(self) -> list[str]:
        return sorted(p.stem for p in self.source_dir.glob("*.ipynb"))

    def imports(self) -> list[str]:
        """Top-level modules the released notebooks import in graded runs (a runner may load
        them ahead)."""
        import ast

        import nbformat

        from autograder.execute import SKIP_TAG

        found: set[str] = set()
        for path in sorted(self.release_dir.glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "code" or SKIP_TAG in cell.get("metadata", {}).get("tags", []):
                    continue
                try:
                    tree = ast.parse(cell.source)
                except SyntaxError:  # IPython magics; such a cell's imports are simply not preloaded
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        found.update(alias.name.split(".")[0] for alias in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        found.add(node.module.split(".")[0])
        return sorted(found)

    def module(self, name: str) -> ModuleType:
        """Import ``reference/<assignment>/<name>.py`` as part of a package of its own."""
        package = f"_course_reference.{self.name}"
        if package not in sys.modules:
            _ensure_namespace("_course_reference")
            spec = importlib.util.spec_from_file_location(
                package, self.reference_dir / "__init__.py",
                submodule_search_locations=[str(self.reference_dir)])
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[package] = module
            spec.loader.exec_module(module)
        return importlib.import_module(f"{package}.{name}")

    def checks(self) -> dict[str, Check]:
        module = self.module("checks")
        found = getattr(module, "CHECKS", None)
        if not found:
            raise CourseError(f"{self.reference_dir / 'checks.py'} defines no CHECKS list")
        return {f"{self.name}.{check.name}": check for check in found}


def _ensure_namespace(name: str) -> None:
    if name not in sys.modules:
        module = ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Course:
        """The course directory containing ``start`` (default: the current directory)."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "nbgrader_config.py").is_file() and (candidate / "source").is_dir():
                return cls(candidate)
        raise CourseError(f"{here} is not inside a course directory (no nbgrader_config.py beside "
                          "a source/ folder). Run the command from the course root or pass --course.")

    @property
    def assignments(self) -> list[str]:
        return sorted(p.name for p in (self.root / "source").iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))

    def assignment(self, name: str) -> Assignment:
        if name not in self.assignments:
            known = ", ".join(self.assignments) or "none"
            raise CourseError(f"unknown assignment {name!r}; this course has: {known}")
        assignment = Assignment(name, self)
        if not (assignment.reference_dir / "checks.py").is_file():
            raise CourseError(f"assignment {name!r} has no answer key: create "
                              f"{assignment.reference_dir / 'checks.py'} with a CHECKS list")
        return assignment

    def config(self) -> Config:
        path = self.root / "nbgrader_config.py"
        return PyFileConfigLoader(path.name, str(path.parent)).load_config()

    def settings(self) -> Autograder:
        return Autograder(config=self.config())

    def secret(self) -> bytes:
        configured = self.settings().secret
        if configured:
            return configured.encode()
        path = self.root / ".autograder" / "secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()
