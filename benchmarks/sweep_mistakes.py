"""How well the hidden checks catch and name the known mistakes, measured over many students.

For every assignment, check and student (each student id seeds different cases), this judges
in-process, as the oracle does, every known mistake that has a buggy implementation and, for
mistakes without one, the demo students that make it; it also records whether each check's
listed edge cases (``check.edges``) appear in the student's case set. It writes a Markdown
report: per check, its edge cases; per mistake, the share of students for whom it loses points
and the share for whom feedback names it.

    .venv/bin/python benchmarks/sweep_mistakes.py --students 40 --tf-students 6 --output docs/coverage.md

With ``--output`` only the part of the file between the sweep markers is replaced, so notes
written around it stay. Checks graded on notebook globals (the same held-out data for everyone)
are left out: the end-to-end tests cover them.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.checks import Check, observe
from autograder.course import Assignment, Course
from autograder.demo import Submission, submissions
from autograder.frameworks import seed_on_import, use_kernel_settings
from autograder.messages import Text, localize
from autograder.oracle import OracleSession
from autograder.records import Status

ROOT = Path(__file__).resolve().parent.parent

SECRET = b"coverage-sweep"
BEGIN, END = "<!-- sweep:begin -->", "<!-- sweep:end -->"
# Assignments whose checks build or train Keras models: a student costs seconds, not milliseconds.
TENSORFLOW = {"autoencoders", "embeddings", "gan", "text_classification"}
# Demo students that attack the grader rather than make a mistake, and outcomes that are statuses.
NOT_MISTAKES = {"not_run", "exception"}
# What a demo cell may use from the notebook besides the answer key's own names.
NOTEBOOK_IMPORTS = {"keras": "import keras", "tf": "import tensorflow as tf", "Word2Vec": "from gensim.models import Word2Vec",
                    "nltk": "import nltk", "re": "import re", "math": "import math", "np": "import numpy as np",
                    "Counter": "from collections import Counter"}


@dataclass
class Tally:
    """Per mistake: over how many students it was judged, lost points and was named."""

    source: str
    judged: int = 0
    lost: int = 0
    named: int = 0
    others: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class CheckReport:
    """One check's edge cases (and for how many students each was present) and mistakes."""

    edges: dict[Text | str, str]
    present: dict[Text | str, int] = field(default_factory=lambda: defaultdict(int))
    students: int = 0
    mistakes: dict[str, Tally] = field(default_factory=dict)


def _memoised_reference(check: Check) -> None:
    """Run the answer key once per case instead of once per mistake: the sweep's own shortcut."""
    original = type(check).run_reference
    memo: dict[int, tuple[Any, Any]] = {}

    def run_reference(case: Any) -> Any:
        if id(case) not in memo:
            memo[id(case)] = (case, original(check, case))
        return memo[id(case)][1]

    check.run_reference = run_reference  # type: ignore[method-assign]


def _demo_function(assignment: Assignment, submission: Submission, name: str) -> Callable[..., Any] | None:
    """The function ``name`` as the demo student's cell defines it, with the notebook's names around it."""
    source = submission.cells.get(name)
    if source is None or f"def {name}(" not in source:
        return None
    namespace = {k: v for k, v in vars(assignment.module("key")).items() if not k.startswith("__")}
    for word, statement in NOTEBOOK_IMPORTS.items():
        if re.search(rf"\b{word}\b", source):
            exec(statement, namespace)  # noqa: S102 - trusted demo code from reference/
    exec(source, namespace)  # noqa: S102
    return namespace.get(name)


Swept = tuple[str, str, "Callable[..., Any] | None"]


def _implementations(assignment: Assignment, check_id: str, check: Check) -> list[Swept]:
    """(mistake id, where its behaviour comes from, implementation or None) for every mistake of a check."""
    found: dict[str, Swept] = {}
    for mistake in check.mistakes:
        if mistake.implementation is not None and mistake.id not in found:
            found[mistake.id] = (mistake.id, "implementation", mistake.implementation)
    for submission in submissions(assignment):
        expected = submission.expect.get(check_id)
        if expected is None or expected in found or expected in NOT_MISTAKES or submission.status is not Status.GRADED:
            continue
        function = _demo_function(assignment, submission, check.name)
        if function is not None:
            found[expected] = (expected, f"demo `{submission.student}`", function)
    known = {m.id for m in check.mistakes}
    for mistake_id in sorted(known - set(found)):
        found[mistake_id] = (mistake_id, "not swept", None)
    return list(found.values())


def sweep(course: Course, name: str, students: int) -> dict[str, CheckReport]:
    """Judge every swept mistake of one assignment for ``students`` students."""
    assignment = course.assignment(name)
    reports: dict[str, CheckReport] = {}
    implementations: dict[str, list[Swept]] = {}
    for index in range(students):
        session = OracleSession(assignment, f"student{index:03d}", SECRET, "en")
        for check_id, check in session.checks.items():
            if not check.per_student:
                continue
            _memoised_reference(check)
            if check_id not in implementations:
                implementations[check_id] = _implementations(assignment, check_id, check)
                reports[check_id] = CheckReport(dict(getattr(check, "edges", {})))
            report = reports[check_id]
            cases = session.cases(check_id)
            report.students += 1
            labels = {localize(case.label, "en") for case in cases}
            for edge in report.edges:
                report.present[edge] += localize(edge, "en") in labels
            for mistake_id, source, function in implementations[check_id]:
                tally = report.mistakes.setdefault(mistake_id, Tally(source))
                if function is None:
                    continue
                verdict = session.judge(check_id, cases, [observe(function, case) for case in cases])
                tally.judged += 1
                tally.lost += verdict.fraction < 1.0
                tally.named += verdict.mistake == mistake_id
                if verdict.mistake != mistake_id:
                    tally.others[str(verdict.mistake)] += 1
    return reports


def _share(count: int, total: int) -> str:
    return "–" if not total else f"{count / total:.0%}"


def render(results: dict[str, tuple[int, dict[str, CheckReport]]], command: str, seconds: float) -> str:
    """The Markdown report of a sweep."""
    lines = [f"Produced by `{command}` ({seconds / 60:.0f} min). Students `student000`, `student001`, … with a "
             "fixed secret; each student's cases come from their own generator.", ""]
    misses: list[str] = []
    for name, (students, reports) in results.items():
        lines += [f"## {name} ({students} students)", "", "### Edge cases", "",
                  "| check | edge case | catches | present |", "|---|---|---|---|"]
        for check_id, report in reports.items():
            if not report.edges:
                lines.append(f"| `{check_id}` | (none listed) | | |")
            for edge, catches in report.edges.items():
                lines.append(f"| `{check_id}` | {localize(edge, 'en')} | {catches} | "
                             f"{_share(report.present[edge], report.students)} |")
                if report.present[edge] < report.students:
                    misses.append(f"`{check_id}`: edge case “{localize(edge, 'en')}” missing for some students")
        lines += ["", "### Mistakes", "", "| check | mistake | judged from | loses points | named | named instead |",
                  "|---|---|---|---|---|---|"]
        for check_id, report in reports.items():
            for mistake_id, tally in report.mistakes.items():
                instead = ", ".join(f"`{m}` ×{n}" for m, n in sorted(tally.others.items(), key=lambda i: -i[1]))
                lines.append(f"| `{check_id}` | `{mistake_id}` | {tally.source} | {_share(tally.lost, tally.judged)} | "
                             f"{_share(tally.named, tally.judged)} | {instead} |")
                if tally.judged and (tally.lost < tally.judged or tally.named < math.ceil(0.95 * tally.judged)):
                    misses.append(f"`{check_id}` / `{mistake_id}`: loses points {_share(tally.lost, tally.judged)}, "
                                  f"named {_share(tally.named, tally.judged)}")
                elif not tally.judged:
                    misses.append(f"`{check_id}` / `{mistake_id}`: no implementation or demo student to sweep")
        lines.append("")
    lines += ["## Below target (100% lose points, ≥ 95% named)", ""]
    lines += [f"- {miss}" for miss in misses] or ["- none"]
    return "\n".join(lines) + "\n"


def write(report: str, output: Path | None) -> None:
    """Print the report, or put it between the sweep markers of ``output`` (appended when absent)."""
    if output is None:
        print(report)
        return
    block = f"{BEGIN}\n{report}{END}\n"
    text = output.read_text() if output.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text + ("\n" if text else "") + block
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40, help="students per numpy assignment")
    parser.add_argument("--tf-students", type=int, default=6, help="students per TensorFlow assignment")
    parser.add_argument("--assignment", action="append", help="assignment to sweep (repeatable; default: all)")
    parser.add_argument("--output", type=Path, help="Markdown file to write (default: print)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    use_kernel_settings()
    seed_on_import(0)  # as the kernels do: unseeded TensorFlow random ops refuse to run under determinism
    course = Course(ROOT)
    began = time.monotonic()
    results = {}
    for name in args.assignment or course.assignments:
        students = args.tf_students if name in TENSORFLOW else args.students
        results[name] = (students, sweep(course, name, students))
        print(f"{name}: {time.monotonic() - began:.0f} s", file=sys.stderr)
    command = ".venv/bin/python benchmarks/sweep_mistakes.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    write(render(results, command, time.monotonic() - began), args.output)


if __name__ == "__main__":
    main()
