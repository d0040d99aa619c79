"""What a check case asks of a student's object, run identically on both sides.

The kernel runs a case on the student's object and sends back observations; the oracle
runs the same case on the answer key to get the expected observations. A case is data
(arguments and a closed set of observation kinds), never code, so nothing executable
crosses the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
    target: tuple[Any, ...] = ("result",)
    name: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

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
    """One hidden case: the inputs the sandbox receives and what it must report back.

    ``label`` names the kind of case in feedback ("N = 1", "entradas saturadas"); it must
    describe the situation, never reveal values.
    """

    label: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    call: bool = True
    observe: tuple[Observe, ...] = (RESULT,)

    def to_wire(self) -> dict[str, Any]:
        return {"label": self.label, "args": self.args, "kwargs": self.kwargs, "call": self.call,
                "observe": [o.to_wire() for o in self.observe]}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Case:
        return cls(label=str(data.get("label", "")), args=tuple(data.get("args") or ()),
                   kwargs=dict(data.get("kwargs") or {}), call=bool(data.get("call", True)),
                   observe=tuple(Observe.from_wire(o) for o in data.get("observe") or ()))


@dataclass
class Raised:
    """An exception raised by the code under test, as text."""

    error: str

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


def describe_model(model: Any) -> dict[str, Any]:
    """Architecture facts of a Keras model that do not depend on auto-generated names."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"se esperaba un keras.Model, no {type(model).__name__}")
    layers = []
    for layer in model.layers:
        config = layer.get_config()
        layers.append({
            "class": type(layer).__name__,
            "units": config.get("units"),
            "filters": config.get("filters"),
            "kernel_size": _plain(config.get("kernel_size")),
            "strides": _plain(config.get("strides")),
            "padding": config.get("padding"),
            "activation": _activation_name(config.get("activation")),
            "regularizer": _regularizer(config.get("kernel_regularizer")),
            "output_shape": _shape(layer),
            "params": int(layer.count_params()) if layer.built else None,
            "trainable": bool(layer.trainable),
        })
    trainable = sum(int(_size(w)) for w in model.trainable_weights)
    return {
        "class": type(model).__name__,
        "input_shape": _plain(_io_shape(model, "input")),
        "output_shape": _plain(_io_shape(model, "output")),
        "params": int(model.count_params()),
        "trainable_params": trainable,
        "compiled": bool(getattr(model, "compiled", False) or getattr(model, "optimizer", None)),
        "layers": layers,
    }


def _activation_name(activation: Any) -> Any:
    if isinstance(activation, dict):
        return activation.get("config", {}).get("name") or activation.get("class_name")
    return activation


def _regularizer(config: Any) -> str | None:
    if not isinstance(config, dict):
        return None
    params = ", ".join(f"{k}={v:g}" for k, v in sorted(config.get("config", {}).items()) if isinstance(v, float))
    return f"{config.get('class_name')}({params})"


def _size(weight: Any) -> int:
    size = 1
    for dim in weight.shape:
        size *= int(dim)
    return size


def _io_shape(model: Any, which: str) -> Any:
    try:
        tensors = getattr(model, which + "s") if which == "input" else model.outputs
        shapes = [tuple(t.shape) for t in tensors]
        return shapes[0] if len(shapes) == 1 else shapes
    except (AttributeError, ValueError, TypeError):
        return None


def _shape(layer: Any) -> Any:
    try:
        return _plain(tuple(layer.output.shape))
    except (AttributeError, ValueError, TypeError):
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    return value
