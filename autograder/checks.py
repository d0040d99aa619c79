"""Checks: how one graded function or object is judged (answer keys import it from :mod:`autograder.api`).

A check module defines ``CHECKS``, a list of :class:`Check` objects. Each check makes
randomised cases from a per-student generator, computes the expected observations by
running the same cases on the answer key, compares, and when a case fails tries the
assignment's known mistakes to name the one the student made. All of this runs in the
trusted grader process; only the case inputs ever reach the sandbox.
"""

from __future__ import annotations

import inspect
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from autograder import messages, wire
from autograder.messages import Text, localize
from autograder.plan import Case, CaseOutcome, Raised, run_case
from autograder.records import CheckVerdict


@dataclass(frozen=True)
class Mistake:
    """A known mistake with its diagnosis in each language.

    Give either ``implementation`` (a buggy version with the reference's signature: the
    mistake matches when the student's observations equal its observations) or ``detect``
    (a predicate on the case, the student's observations and the expected ones).
    """

    id: str
    """Stable identifier (``"rnn.missing_bias"``), recorded in the verdict and the exports."""
    es: str
    """The diagnosis in Spanish."""
    en: str
    """The diagnosis in English."""
    implementation: Callable[..., Any] | None = None
    """A buggy version of the answer key with its signature."""
    detect: Callable[[Case, CaseOutcome, CaseOutcome], bool] | None = None
    """A predicate on (case, student's outcome, expected outcome)."""

    def message(self, lang: str) -> str:
        """The diagnosis in ``lang``; raises ValueError for a language not in messages.LANGUAGES."""
        return Text(self.es, self.en).get(lang)


@dataclass(frozen=True)
class Diagnosis:
    """Why a case failed: a stable mistake id and how to say it."""

    mistake: str
    """A known mistake's id, or a generic diagnosis's key in the messages catalogue."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Values for the catalogue entry's placeholders."""
    named: Mistake | None = None
    """The known mistake that says it, when there is one."""

    def message(self, lang: str) -> str:
        """The diagnosis in ``lang``; raises ValueError for a language not in messages.LANGUAGES."""
        if self.named is not None:
            return self.named.message(lang)
        return messages.text(self.mistake, lang, **self.fields)


@dataclass(frozen=True)
class CaseGrade:
    """How one case went: the credit it earns and, when it falls short, why."""

    fraction: float
    """Share of the case's credit earned, 0..1."""
    diagnosis: Diagnosis | None = None
    """Why the case lost credit; None when it earned all of it."""
    candidates: tuple[Diagnosis, ...] = ()
    """Every known mistake this case's output is consistent with, best explanation first."""
    difference: tuple[tuple[int, ...], float] | None = None
    """Where the output first differs from the expected one and by how much (index, error)."""


def rel_error(x: Any, y: Any) -> float:
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


_FRAMES: dict[int, tuple[Case, bytes]] = {}


def fresh_copy(case: Case) -> Case:
    """An independent copy of a case, built exactly as the sandbox will rebuild it.

    A case holding a framework value (a Keras model) is encoded once and rebuilt from that
    frame for each run (the answer key's, then each known mistake's): saving a model costs as
    much as loading it. Cases are never changed after they are made; only copies run."""
    seen = _FRAMES.get(id(case))
    if seen is not None and seen[0] is case:
        return Case.from_wire(wire.unframe(seen[1]))
    data = case.to_wire()
    try:
        return Case.from_wire(wire.copy_plain(data))
    except wire.NotPlain:
        framed = wire.frame(data)
    if len(_FRAMES) >= 256:
        _FRAMES.clear()
    _FRAMES[id(case)] = (case, framed)
    return Case.from_wire(wire.unframe(framed))


def observe(obj: Any, case: Case) -> CaseOutcome:
    """Run ``case`` on ``obj`` in this process and return what the oracle would receive had it
    run in the sandbox: same copy of the inputs, same encoding of the outputs."""
    return wire.received(run_case(obj, fresh_copy(case)))


def _type_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "numpy.ndarray"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf")


def compare_values(got: Any, expected: Any, rtol: float, strict_dtype: bool = False) -> Diagnosis | None:
    """Compare one observation with the expected one; None when they match."""
    if isinstance(expected, Raised):
        return None if isinstance(got, Raised) and got.error == expected.error else Diagnosis("wrong_values")
    if isinstance(got, Raised):
        if got.error.startswith("NotImplementedError"):
            return Diagnosis("not_implemented")
        return Diagnosis("exception", {"error": got.error})
    if isinstance(got, wire.Unsupported):
        return Diagnosis("unsupported_value", {"got": got.type_name})
    if got is None and expected is not None:
        return Diagnosis("returned_none")
    if isinstance(expected, np.ndarray) and expected.shape != () or isinstance(expected, np.ndarray) and not _is_number(got):
        return _compare_arrays(got, expected, rtol, strict_dtype)
    if _is_number(expected):
        if not _is_number(got):
            return Diagnosis("wrong_type", {"expected": _type_name(expected), "got": _type_name(got)})
        g, e = float(np.asarray(got)), float(np.asarray(expected))
        if math.isnan(e) and math.isnan(g) or g == e:
            return None
        if math.isinf(e) or math.isinf(g):
            return Diagnosis("wrong_values")
        if math.isnan(g):
            return Diagnosis("nan_output")
        return None if rel_error(g, e) <= rtol else Diagnosis("wrong_values")
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return Diagnosis("wrong_type", {"expected": _type_name(expected), "got": _type_name(got)})
        if len(got) != len(expected):
            return Diagnosis("wrong_length", {"expected": len(expected), "got": len(got)})
        for g, e in zip(got, expected, strict=True):
            diagnosis = compare_values(g, e, rtol, strict_dtype)
            if diagnosis is not None:
                return diagnosis
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Diagnosis("wrong_type", {"expected": "dict", "got": _type_name(got)})
        if set(got) != set(expected):
            return Diagnosis("wrong_values")
        for key, e in expected.items():
            diagnosis = compare_values(got[key], e, rtol, strict_dtype)
            if diagnosis is not None:
                return diagnosis
        return None
    if type(got) is not type(expected) and not (isinstance(got, str) and isinstance(expected, str)):
        return Diagnosis("wrong_type", {"expected": _type_name(expected), "got": _type_name(got)})
    return None if got == expected else Diagnosis("wrong_values")


def _compare_arrays(got: Any, expected: np.ndarray, rtol: float, strict_dtype: bool) -> Diagnosis | None:
    if not isinstance(got, np.ndarray):
        return Diagnosis("wrong_type", {"expected": "numpy.ndarray", "got": _type_name(got)})
    if got.shape != expected.shape:
        return Diagnosis("wrong_shape", {"expected": expected.shape, "got": got.shape})
    if expected.dtype.kind in "fc" and got.dtype.kind in "fc":
        if np.any(~np.isfinite(got)) and np.all(np.isfinite(expected)):
            return Diagnosis("nan_output")
        if strict_dtype and got.dtype != expected.dtype:
            return Diagnosis("wrong_dtype", {"expected": str(expected.dtype), "got": str(got.dtype)})
        error = rel_error(got, expected)
        if error <= rtol:
            return None
        if got.dtype == np.float32 and expected.dtype == np.float64 and error <= 1e-4:
            return Diagnosis("float32_precision")
        return Diagnosis("wrong_values")
    if strict_dtype and got.dtype != expected.dtype:
        return Diagnosis("wrong_dtype", {"expected": str(expected.dtype), "got": str(got.dtype)})
    return None if np.array_equal(got, expected) else Diagnosis("wrong_values")


class Check:
    """One graded function or object of an assignment.

    Subclasses set ``name`` and ``reference`` and implement :meth:`cases`; override
    :meth:`grade_case` for checks that are not "equal to the answer key" (a model's accuracy
    on held-out data with partial-credit tiers, for example).
    """

    name: str = ""
    reference: Callable[..., Any] | None = None
    mistakes: Sequence[Mistake] = ()
    rtol: float = 1e-7
    strict_dtype: bool = False
    # False for checks whose inputs are the same for everyone (held-out data, fixed texts).
    per_student: bool = True

    def cases(self, rng: np.random.Generator) -> list[Case]:
        """This student's cases, drawn from ``rng`` only, so that a regrade repeats them."""
        raise NotImplementedError(f"check {self.name!r} defines no cases")

    def run_reference(self, case: Case) -> CaseOutcome:
        """The answer key's outcome on ``case``; raises TypeError when the check has no reference."""
        if self.reference is None:
            raise TypeError(f"check {self.name!r} has no reference; override grade_case")
        return observe(self.reference, case)

    def compare(self, case: Case, got: CaseOutcome, expected: CaseOutcome) -> Diagnosis | None:
        """None when ``got`` matches ``expected`` (which may itself be a raised error)."""
        if isinstance(expected, Raised) or isinstance(got, Raised):
            return compare_values(got, expected, self.rtol)
        if not isinstance(got, list) or len(got) != len(expected):
            # Only a tampered client sends a different number of observations than asked for.
            return Diagnosis("wrong_values")
        for spec, g, e in zip(case.observe, got, expected, strict=True):
            diagnosis = compare_values(g, e, self.rtol, self.strict_dtype)
            if diagnosis is not None:
                if spec.target[0] == "arg" and spec.kind == "value" and diagnosis.mistake != "exception":
                    return Diagnosis("mutates_input")
                return diagnosis
        return None

    def grade_case(self, case: Case, got: CaseOutcome) -> CaseGrade:
        """Credit for one case; raises RuntimeError when the answer key itself fails on it."""
        expected = self.run_reference(case)
        if isinstance(expected, Raised):
            raise RuntimeError(f"the answer key for {self.name!r} raised on case "
                               f"{localize(case.label, 'en')!r}: {expected.error}")
        diagnosis = self.compare(case, got, expected)
        if diagnosis is None:
            return CaseGrade(1.0)
        named = self.diagnose(case, got, expected)
        return CaseGrade(0.0, named[0] if named else diagnosis, named, first_difference(got, expected, self.rtol))

    def diagnose(self, case: Case, got: CaseOutcome, expected: CaseOutcome) -> tuple[Diagnosis, ...]:
        """The known mistakes whose behaviour the student's output reproduces on this case."""
        found: list[Diagnosis] = []
        for mistake in self.mistakes:
            if any(d.mistake == mistake.id for d in found):
                continue  # variants of one mistake share its id: a case counts for it once
            if mistake.detect is not None:
                matched = mistake.detect(case, got, expected)
            elif mistake.implementation is not None:
                matched = self.compare(case, got, observe(mistake.implementation, case)) is None
            else:
                matched = False
            if matched:
                found.append(Diagnosis(mistake.id, named=mistake))
        return tuple(found)

    def verdict(self, check_id: str, cases: list[Case], outcomes: list[CaseOutcome], lang: str) -> CheckVerdict:
        """The recorded verdict on all cases, its message in ``lang``, naming the most telling mistake."""
        grades = [self.grade_case(case, got) for case, got in zip(cases, outcomes, strict=True)]
        fraction = sum(g.fraction for g in grades) / len(grades) if grades else 0.0
        passed = sum(1 for g in grades if g.fraction >= 1.0)
        failing = [(case, got, g) for case, got, g in zip(cases, outcomes, grades, strict=True) if g.diagnosis is not None]
        if not failing:
            message = messages.text("passed", lang, passed=passed, total=len(cases))
            return CheckVerdict(check_id, True, fraction, None, message, passed, len(cases))
        chosen = _most_telling(failing)
        case, got, grade = chosen
        assert grade.diagnosis is not None
        key = "partial" if passed else ("partial_credit" if fraction > 0 else "failed")
        label = localize(case.label, lang)
        message = messages.text(key, lang, passed=passed, total=len(cases), case=label,
                                diagnosis=grade.diagnosis.message(lang), credit=fraction)
        difference = None
        if grade.difference is not None:
            index, error = grade.difference
            magnitude = f"{10.0 ** round(math.log10(error)):.0e}" if 0 < error < math.inf else ("∞" if error else "0")
            difference = messages.text("report_difference", lang, index=", ".join(map(str, index)) or "0",
                                       magnitude=magnitude)
        return CheckVerdict(check_id, False, fraction, grade.diagnosis.mistake, message, passed, len(cases),
                            failed_case=label, observed=summarise(got),
                            inputs=describe_inputs(case, self.reference), difference=difference)


def first_difference(got: CaseOutcome, expected: CaseOutcome, rtol: float) -> tuple[tuple[int, ...], float] | None:
    """The index of the first element of the first differing numeric observation of the same
    shape, and the absolute error there; None when they cannot be compared element by element."""
    if not isinstance(got, list) or not isinstance(expected, list):
        return None
    for g, e in zip(got, expected, strict=False):
        try:
            g_arr, e_arr = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
        except (TypeError, ValueError):
            continue
        if g_arr.shape != e_arr.shape or g_arr.size == 0:
            continue
        with np.errstate(invalid="ignore"):
            close = np.isclose(g_arr, e_arr, rtol=rtol, atol=1e-12, equal_nan=True)
        if close.all():
            continue
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        error = float(abs(g_arr[index] - e_arr[index])) if g_arr.ndim else float(abs(g_arr - e_arr))
        return index, error if math.isfinite(error) else math.inf
    return None


def describe_inputs(case: Case, reference: Callable[..., Any] | None, limit: int = 240) -> str | None:
    """The case's inputs by parameter name, arrays by shape: enough to rebuild a similar case."""
    if not case.call or not (case.args or case.kwargs):
        return None
    try:
        names = list(inspect.signature(reference).parameters) if reference is not None else []
    except (TypeError, ValueError):
        names = []
    items = [(names[i] if i < len(names) else f"#{i + 1}", value) for i, value in enumerate(case.args)]
    text = ", ".join(f"{name}={_shape_of(value)}" for name, value in [*items, *case.kwargs.items()])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shape_of(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array{value.shape}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 30 else f"str[{len(value)}]"
    if isinstance(value, list | tuple):
        return f"{type(value).__name__}[{len(value)}]"
    if isinstance(value, bool | int | float | np.number) or value is None:
        return repr(value)
    return type(value).__name__


def _most_telling(failing: list[tuple[Case, CaseOutcome, CaseGrade]]) -> tuple[Case, CaseOutcome, CaseGrade]:
    """The known mistake that explains the most failing cases (earliest listed on ties), shown
    on the first case it explains; with no known mistake, the first failing case."""
    counts = Counter(d.mistake for _, _, g in failing for d in g.candidates)
    if not counts:
        return failing[0]
    order = {d.mistake: i for _, _, g in reversed(failing) for i, d in enumerate(g.candidates)}
    top = max(counts, key=lambda m: (counts[m], -order[m]))
    for case, got, grade in failing:
        for candidate in grade.candidates:
            if candidate.mistake == top:
                return case, got, replace(grade, diagnosis=candidate)
    return failing[0]


def summarise(outcome: Any, limit: int = 400) -> str:
    """A short, human-readable rendering of the student's own output."""
    if isinstance(outcome, Raised):
        return outcome.error[:limit]
    if isinstance(outcome, list) and len(outcome) == 1:
        outcome = outcome[0]
    if isinstance(outcome, np.ndarray):
        body = np.array2string(outcome, threshold=12, edgeitems=2, precision=4)
        text = f"array(shape={outcome.shape}, dtype={outcome.dtype}) {body}"
    else:
        with np.printoptions(threshold=12, edgeitems=2, precision=4):
            text = repr(outcome)
    return text if len(text) <= limit else text[: limit - 1] + "…"
