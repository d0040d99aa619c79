"""What a check case asks of a student's object, run identically on both sides.

The kernel runs a case on the student's object and sends back observations; the oracle
runs the same case on the answer key to get the expected observations. A case is data
(arguments and a closed set of observation kinds), never code, so nothing executable
crosses the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from autograder.frameworks import describe_model
from autograder.messages import Text

ObserveKind = Literal["value", "method", "attr", "model", "weights"]
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Observe:
    """One thing to report after a case runs.

    ``target`` is a path: its root is ``"result"`` (the return value, or the checked object
    itself when the case does not call it), ``"arg"`` (a positional argument after the call,
    which shows whether the student mutated it) or ``"kwarg"``; the rest are indexes or keys.
    """

    kind: ObserveKind = "value"
    """``value`` (the target), ``attr`` or ``method`` (its attribute ``name``, the method called with
    ``args`` and ``kwargs``), ``model`` (a framework's description of it) or ``weights``."""
    target: tuple[Any, ...] = ("result",)
    """Path to the observed object: a root, then indexes or keys."""
    name: str | None = None
    """Attribute or method name for ``attr`` and ``method``."""
    args: tuple[Any, ...] = ()
    """Positional arguments of the ``method`` call."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of the ``method`` call."""

    def to_wire(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": list(self.target), "name": self.name,
                "args": self.args, "kwargs": self.kwargs}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Observe:
        kind = data.get("kind")
        if kind not in ("value", "method", "attr", "model", "weights"):
            raise ValueError(f"unknown observation kind {kind!r}")
        return cls(kind=kind, target=tuple(data.get("target") or ("result",)), name=data.get("name"),
                   args=tuple(data.get("args") or ()), kwargs=dict(data.get("kwargs") or {}))


RESULT = Observe()


@dataclass(frozen=True)
class Case:
    """One hidden case: the inputs the sandbox receives and what it must report back."""

    label: str | Text
    """Names the kind of case in feedback (``Text("entradas saturadas", "saturated inputs")``); it must
    describe the situation, never reveal values. A plain string is shown as is in every language."""
    args: tuple[Any, ...] = ()
    """Positional arguments of the call."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of the call."""
    call: bool = True
    """False to observe the checked object itself (a notebook global) instead of calling it."""
    observe: tuple[Observe, ...] = (RESULT,)
    """What to report after the call, one observation each."""

    def to_wire(self) -> dict[str, Any]:
        return {"label": self.label, "args": self.args, "kwargs": self.kwargs, "call": self.call,
                "observe": [o.to_wire() for o in self.observe]}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Case:
        label = data.get("label", "")
        return cls(label=label if isinstance(label, Text) else str(label), args=tuple(data.get("args") or ()),
                   kwargs=dict(data.get("kwargs") or {}), call=bool(data.get("call", True)),
                   observe=tuple(Observe.from_wire(o) for o in data.get("observe") or ()))


@dataclass
class Raised:
    """An exception raised by the code under test, as text."""

    error: str
    """``"<ExceptionType>: <message>"``, truncated."""

    @classmethod
    def of(cls, exc: BaseException) -> Raised:
        return cls(f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])


# A case's outcome: Raised when the call itself failed, otherwise one entry per Observe,
# each the observed value or Raised.
CaseOutcome = Raised | list[Any]


def run_case(obj: Any, case: Case) -> CaseOutcome:
    """Run ``case`` on ``obj``. Catches everything the code under test raises, SystemExit too."""
    args, kwargs = list(case.args), dict(case.kwargs)
    try:
        result = obj(*args, **kwargs) if case.call else obj
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        return Raised.of(exc)
    roots = {"result": result, "arg": args, "kwarg": kwargs}
    observations: list[Any] = []
    for spec in case.observe:
        try:
            observations.append(_observe(roots, spec))
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            observations.append(Raised.of(exc))
    return observations


def _observe(roots: dict[str, Any], spec: Observe) -> Any:
    root, *path = spec.target
    target = roots[root]
    for step in path:
        target = target[step]
    if spec.kind == "value":
        return target
    if spec.kind == "attr":
        return getattr(target, str(spec.name))
    if spec.kind == "method":
        return getattr(target, str(spec.name))(*spec.args, **spec.kwargs)
    if spec.kind == "model":
        return describe_model(target)
    return [w.numpy() if hasattr(w, "numpy") else w for w in target.weights]
