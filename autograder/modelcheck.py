"""Models judged by their description (``Observe("model")``) against the answer key's models.

Descriptions come from the model's framework (:func:`autograder.frameworks.describe_model`):
whole-model shapes and parameter counts, and per layer its class, sizes, activation,
regulariser and output shape. Architectures are part of the assignment statement, so a
diagnosis may name the expected layer: that leaks nothing.
"""

from __future__ import annotations

from typing import Any

from autograder.checks import Check, Diagnosis, compare_values
from autograder.plan import Case, CaseOutcome, Raised

_LAYER_FACTS = ("units", "filters", "kernel_size", "strides", "activation", "regularizer")
_SUMMARY_FACTS = ("input_shape", "output_shape", "params", "trainable_params")


def model_difference(got: Any, expected: dict[str, Any]) -> Diagnosis | None:
    """Compare two model descriptions layer by layer, then by summary; None when they agree,
    otherwise a diagnosis naming the first layer (or summary fact) that differs."""
    if not _is_description(got):
        return _not_a_model(got)
    got_layers, exp_layers = got["layers"], expected["layers"]
    for index, (g, e) in enumerate(zip(got_layers, exp_layers, strict=False), start=1):  # counts compared below
        if _layer_text(g) != _layer_text(e) or g.get("output_shape") != e.get("output_shape"):
            return Diagnosis("wrong_architecture", {
                "where": index, "expected": f"{_layer_text(e)} → {e.get('output_shape')}",
                "got": f"{_layer_text(g)} → {g.get('output_shape')}"})
    if len(got_layers) != len(exp_layers):
        return Diagnosis("wrong_layer_count", {"expected": len(exp_layers), "got": len(got_layers)})
    for key in ("params", "trainable_params", "output_shape"):
        if got.get(key) != expected.get(key):
            return Diagnosis("wrong_model_summary", {"what": key, "expected": expected.get(key), "got": got.get(key)})
    return None


def summary_difference(got: Any, expected: dict[str, Any]) -> Diagnosis | None:
    """Compare two model descriptions by input and output shapes and parameter counts only
    (a model built from other models, whose layers are those models)."""
    if not _is_description(got):
        return _not_a_model(got)
    for what in _SUMMARY_FACTS:
        if got.get(what) != expected.get(what):
            return Diagnosis("wrong_model_summary", {"what": what, "expected": expected.get(what),
                                                     "got": got.get(what)})
    return None


class ModelCheck(Check):
    """A check whose ``Observe("model")`` observations must describe the answer key's models.

    Input layers are left out of both descriptions: a functional model lists one, a Sequential
    model does not, and the assignment asks for an architecture, not an API. Override
    :meth:`compare_model` for models judged otherwise (by summary, say) and :meth:`compare_rest`
    for the case's other observations.
    """

    def compare(self, case: Case, got: CaseOutcome, expected: CaseOutcome) -> Diagnosis | None:
        """None when every model matches (see :meth:`compare_models`) and so does everything else."""
        if isinstance(got, Raised) or isinstance(expected, Raised):
            return super().compare(case, got, expected)
        if not isinstance(got, list) or len(got) != len(expected):
            return Diagnosis("wrong_values")
        return self.compare_models(case, got, expected) or self.compare_rest(case, got, expected)

    def compare_models(self, case: Case, got: list[Any], expected: list[Any]) -> Diagnosis | None:
        """The first difference among the model observations; a model that could not be described
        (the student's builder raised, or returned something else) is diagnosed as that error."""
        for index, (spec, g, e) in enumerate(zip(case.observe, got, expected, strict=True)):
            if spec.kind != "model":
                continue
            if isinstance(g, Raised) or isinstance(e, Raised):
                diagnosis = compare_values(g, e, self.rtol)
            else:
                diagnosis = self.compare_model(index, _without_inputs(g), _without_inputs(e))
            if diagnosis is not None:
                return diagnosis
        return None

    def compare_model(self, index: int, got: Any, expected: dict[str, Any]) -> Diagnosis | None:
        """Layer by layer; ``index`` is the observation's position in the case."""
        return model_difference(got, expected)

    def compare_rest(self, case: Case, got: list[Any], expected: list[Any]) -> Diagnosis | None:
        """The observations that are not models, compared as :class:`Check` compares them."""
        def others(outcome: list[Any]) -> list[Any]:
            return [None if spec.kind == "model" else value for spec, value in zip(case.observe, outcome, strict=True)]

        return super().compare(case, others(got), others(expected))


def _is_description(value: Any) -> bool:
    return isinstance(value, dict) and "layers" in value


def _not_a_model(value: Any) -> Diagnosis:
    # Only a tampered client sends something other than a description for a model observation.
    return Diagnosis("wrong_type", {"expected": "model", "got": type(value).__name__})


def _without_inputs(description: Any) -> Any:
    if not _is_description(description):
        return description
    return {**description, "layers": [l for l in description["layers"] if l.get("class") != "InputLayer"]}


def _layer_text(layer: dict[str, Any]) -> str:
    details = ", ".join(f"{k}={layer[k]}" for k in _LAYER_FACTS if layer.get(k) not in (None, "linear"))
    return f"{layer.get('class')}({details})"
