"""The course directory: its layout, its assignments and answer keys, and the grader's settings.

Every path the engine reads or writes is built here (nbgrader's ``CourseDirectory`` formats
the per-student ones), and ``nbgrader_config.py`` is parsed once per process. Settings are
traitlets read from that file like nbgrader's own (``c.Autograder.cell_cpu_seconds = 30``),
so one file configures both.
"""

from __future__ import annotations

import ast
import errno
import hashlib
import importlib.util
import os
import secrets
import stat
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import nbformat
from nbgrader.coursedir import CourseDirectory
from traitlets import Dict, Float, Int, List, TraitError, Unicode, validate
from traitlets.config import Config, Configurable, PyFileConfigLoader

from autograder.messages import LANGUAGES

if TYPE_CHECKING:
    from autograder.checks import Check
    from autograder.wire import PackageFile

# Cells tagged so are demonstrations: neither the grader nor stock nbgrader runs them.
SKIP_TAG = "skip-grading"
RESULTS_FILE = "results.json"


class CourseError(Exception):
    """Bad input from the user: says what is wrong and what to do next."""


class Autograder(Configurable):
    """Grading settings (``c.Autograder.*`` in nbgrader_config.py)."""

    lang = Unicode("es", help="Language of every message students and TAs read: 'es' or 'en'.").tag(config=True)
    cell_cpu_seconds = Float(30.0, help="CPU seconds a single cell may use (the kernel's and its children's). "
                                        "CPU time does not grow when the machine is busy, so a correct "
                                        "notebook cannot lose points to load.").tag(config=True)
    cell_timeout = Float(120.0, help="Wall-clock backstop per cell, in seconds, for code that hangs without "
                                     "using CPU. A submission stopped by it is regraded once alone before "
                                     "`timeout` is recorded.").tag(config=True)
    notebook_timeout = Float(900.0, help="Wall-clock backstop for a whole notebook, in seconds.").tag(config=True)
    secret = Unicode("", help="Course secret that seeds per-student hidden cases. "
                              "Empty: kept in .autograder/secret, created before the first grading.").tag(config=True)
    max_message_bytes = Int(64 * 1024 * 1024, help="Cap on any message from the sandbox.").tag(config=True)
    max_output_chars = Int(20_000, help="Characters of cell output kept in graded notebooks.").tag(config=True)
    due_dates = Dict(value_trait=Unicode(), help="Due date per assignment, ISO 8601 ('2027-01-15 23:59'); "
                                                 "without an offset, in c.Exchange.timezone. Written to the "
                                                 "gradebook when grading (formgrader's date is kept otherwise)."
                     ).tag(config=True)
    roster = Unicode("roster.csv", help="Class roster mapping student ids to LMS identities, beside "
                                        "nbgrader_config.py (see autograder/roster.py).").tag(config=True)
    lms_assignment_ids = Dict(value_trait=Unicode(), help="Canvas assignment id per assignment, for the "
                                                          "import header 'rnn (12345)'.").tag(config=True)
    moodle_identity = Unicode("email", help="Roster column Moodle matches students by: email or id_number."
                              ).tag(config=True)
    formgrader_url = Unicode("http://localhost:8888/formgrader", help="Where TAs open formgrader; the class "
                             "report links each flagged submission there.").tag(config=True)
    extensions = Dict(value_trait=Dict(value_trait=Float()),
                      help="Extra hours per student: {'rnn': {'ana': 48}}; 0 removes an extension.").tag(config=True)
    scheduler = Unicode("", help="Address of the Dask scheduler (tcp://host:8786) whose grading hosts grade "
                                 "every submission; `autograder grade --scheduler` overrides it. "
                                 "Empty: grade on this machine.").tag(config=True)
    gpu_assignments = List(Unicode(), help="Assignments graded only on Dask workers that advertise a GPU "
                                           "(`dask worker ... --resources GPU=1`); grading one on a cluster "
                                           "without such a worker stops before anything is graded.").tag(config=True)

    @validate("lang")
    def _valid_lang(self, proposal: Any) -> str:
        if proposal["value"] not in LANGUAGES:
            raise TraitError(f"c.Autograder.lang must be one of {', '.join(LANGUAGES)}, not {proposal['value']!r}")
        return str(proposal["value"])


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

    def reference_digest(self) -> str:
        """A digest of the answer key and its data: a changed key means new verdicts."""
        digest = hashlib.sha256()
        for path in sorted(p for p in self.reference_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(self.reference_dir)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def sections(self, notebook: str) -> dict[str, str]:
        """The heading each nbgrader cell of ``notebook`` sits under, by cell name: what students
        and TAs call that part of the assignment."""
        path = self.source_dir / f"{notebook}.ipynb"
        return dict(_sections(path, path.stat().st_mtime_ns if path.is_file() else 0))

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

    def grader_only(self) -> list[PackageFile]:
        """Files of installed packages that only the grader may read (held-out test data), as
        ``reference/<assignment>/__init__.py`` lists them in ``GRADER_ONLY``; runners hide them
        from the sandbox."""
        self.module("checks")
        return list(getattr(sys.modules[f"_course_reference.{self.name}"], "GRADER_ONLY", ()))

    def checks(self) -> dict[str, Check]:
        module = self.module("checks")
        found = getattr(module, "CHECKS", None)
        if not found:
            raise CourseError(f"{self.reference_dir / 'checks.py'} defines no CHECKS list")
        return {f"{self.name}.{check.name}": check for check in found}


@lru_cache(maxsize=64)
def _sections(path: Path, mtime: int) -> tuple[tuple[str, str], ...]:
    """Cached by modification time: a class report asks once per student."""
    titles: dict[str, str] = {}
    heading = path.stem
    for cell in nbformat.read(path, as_version=4).cells if mtime else []:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    heading = line.lstrip("#").strip() or heading
        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if name:
            titles[name] = heading
    return tuple(titles.items())


def _ensure_namespace(name: str) -> None:
    if name not in sys.modules:
        module = ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module


@dataclass(frozen=True)
class Course:
    """A course directory. Its configuration is read once, on first use, per process."""

    root: Path
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, hash=False)

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

    @cached_property
    def config(self) -> Config:
        """``nbgrader_config.py`` with the command line's settings (``{"DockerRunner": {"gpus": "all"}}``) on top."""
        path = self.root / "nbgrader_config.py"
        try:
            config = PyFileConfigLoader(path.name, str(path.parent)).load_config()
        except Exception as exc:  # noqa: BLE001 - any error in the instructor's file is theirs to fix
            raise CourseError(f"{path} cannot be read: {exc}") from exc
        if self.overrides:
            config.merge(Config(self.overrides))
        return config

    @cached_property
    def settings(self) -> Autograder:
        try:
            return Autograder(config=self.config)
        except TraitError as exc:
            raise CourseError(f"{self.root / 'nbgrader_config.py'}: {exc}") from exc

    @cached_property
    def coursedir(self) -> CourseDirectory:
        coursedir = CourseDirectory(config=self.config)
        coursedir.root = str(self.root)
        return coursedir

    def lang(self, requested: str | None = None) -> str:
        """The language of every message: ``requested`` (a command-line flag), else the course's."""
        lang = requested or self.settings.lang
        if lang not in LANGUAGES:
            raise CourseError(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
        return lang

    # -- per-student paths (nbgrader's layout) -----------------------------------------
    def _path(self, step: str, student: str, assignment: str) -> Path:
        if student not in (".", "<student>"):
            problem = student_id_problem(student)
            if problem:
                raise CourseError(f"student id {student!r} {problem}")
        return Path(self.coursedir.format_path(step, student, assignment))

    def submission_dir(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.submitted_directory, student, assignment)

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.autograded_directory, student, assignment)

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.feedback_directory, student, assignment)

    def results_path(self, student: str, assignment: str) -> Path:
        return self.autograded_dir(student, assignment) / RESULTS_FILE

    def submission_folders(self, assignment: str) -> list[str]:
        """Every folder name under submitted/ holding ``assignment``, valid student id or not."""
        base = self._path(self.coursedir.submitted_directory, ".", ".")
        return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir())

    def submitted_students(self, assignment: str) -> list[str]:
        return [s for s in self.submission_folders(assignment) if not student_id_problem(s)]

    # -- the secret that seeds hidden cases --------------------------------------------
    @property
    def secret_path(self) -> Path:
        return self.root / ".autograder" / "secret"

    def ensure_secret(self) -> None:
        """Create the course secret if it does not exist yet: once, atomically (exclusive
        create), mode 0600. Call it before any worker starts so all of them read one secret."""
        if self.settings.secret:
            return
        self.secret_path.parent.mkdir(mode=0o700, exist_ok=True)
        try:
            fd = os.open(self.secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))

    def secret(self) -> bytes:
        """The course secret; refuses a secret file that is a link or readable by others."""
        if self.settings.secret:
            return self.settings.secret.encode()
        try:
            fd = os.open(self.secret_path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            raise CourseError(f"the course secret {self.secret_path} does not exist: grade with "
                              "`autograder grade`, which creates it, or set c.Autograder.secret") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise CourseError(f"{self.secret_path} is a symbolic link; the course secret must be a "
                                  "regular file (delete the link and grade again)") from None
            raise
        with os.fdopen(fd) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise CourseError(f"{self.secret_path} is not a regular file")
            return handle.read().strip().encode()


_ID_PUNCTUATION = set("._-@+ ")


def student_id_problem(student: str) -> str | None:
    """Why ``student`` cannot be a student id (None when it can): ids become folder names,
    formgrader URLs and CSV cells, so letters in any alphabet, digits, spaces and ``._-@+``
    are accepted and nothing else."""
    if not student or student != student.strip():
        return "is empty or starts or ends with a space"
    if len(student) > 64:
        return "is longer than 64 characters"
    if student.startswith((".", "-")):
        return "starts with '.' or '-'"
    odd = sorted({ch for ch in student if not (ch.isalnum() or ch in _ID_PUNCTUATION)})
    if odd:
        return (f"contains {' '.join(repr(ch) for ch in odd)}; use letters, digits, spaces and . _ - @ + "
                "(rename the submission folder)")
    return None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
