"""The mistakes students make in this assignment, as buggy versions of the answer key: here those
of the simple cell and its unrolling, and the helpers ``mistakes_gated`` (LSTM, GRU) shares.

The oracle names a mistake when the student's output on a failing case equals the buggy
version's output (or raises the same error) on that case. A mistake written in several ways
(np.squeeze on the input or on the output, two exp formulas for tanh) is one entry whose
detector accepts every variant; that detector compares NaN as equal to NaN and errors by type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.api import Case, CaseOutcome, Mistake, Raised, compare_values, observe

from . import key
from .key import sigmoid

Step = Callable[..., Any]
Detect = Callable[[Case, CaseOutcome, CaseOutcome], bool]


# -- telling variants apart ------------------------------------------------------------------
def same(got: Any, wanted: Any) -> bool:
    """Observations equal up to 1e-6 relative, NaN equal to NaN, errors equal by type."""
    if isinstance(wanted, Raised) or isinstance(got, Raised):
        return (isinstance(got, Raised) and isinstance(wanted, Raised)
                and got.error.split(":")[0] == wanted.error.split(":")[0])
    if isinstance(wanted, (list, tuple)):
        return (isinstance(got, (list, tuple)) and len(got) == len(wanted)
                and all(same(g, w) for g, w in zip(got, wanted, strict=True)))
    if isinstance(wanted, np.ndarray):
        return (isinstance(got, np.ndarray) and got.shape == wanted.shape and got.dtype == wanted.dtype
                and bool(np.allclose(got, wanted, rtol=1e-6, atol=1e-12, equal_nan=True)))
    return compare_values(got, wanted, 1e-6) is None


def family(mistake_id: str, es: str, en: str, *variants: Step) -> Mistake:
    """One mistake written in several ways: named when any variant reproduces the student's outcome."""
    def detect(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
        return any(same(got, observe(variant, case)) for variant in variants)

    return Mistake(mistake_id, es, en, variants[0], detect)


def _results(outcome: CaseOutcome) -> list[Any] | None:
    """The arrays a call returned (one, or a tuple's), or None when it raised."""
    if isinstance(outcome, Raised) or not outcome or isinstance(outcome[0], Raised):
        return None
    value = outcome[0]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_float32(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    values, wanted = _results(got), _results(expected)
    return (values is not None and wanted is not None and len(values) == len(wanted)
            and all(isinstance(v, np.ndarray) and v.dtype == np.float32 and v.shape == w.shape
                    and np.allclose(v, w, rtol=1e-3, atol=1e-5, equal_nan=True)
                    for v, w in zip(values, wanted, strict=True)))


def _returns_cache(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    values, wanted = _results(got), _results(expected)
    return (values is not None and wanted is not None and len(values) == len(wanted) + 1
            and all(compare_values(v, w, 1e-6) is None for v, w in zip(values, wanted, strict=False)))


def _in_float32(function: Step) -> Step:
    def run(*args: np.ndarray) -> Any:
        return function(*(np.asarray(a, dtype=np.float32) for a in args))
    return run


def _with_cache(function: Step) -> Step:
    def run(*args: np.ndarray) -> Any:
        out = function(*args)
        return (*out, args) if isinstance(out, tuple) else (out, args)
    return run


# -- activations written with exp, which overflow -----------------------------------------------
def tanh_exp2(z: np.ndarray) -> np.ndarray:
    """tanh as (1 − e^(−2z)) / (1 + e^(−2z)): NaN below about −355."""
    with np.errstate(over="ignore", invalid="ignore"):
        return (1 - np.exp(-2 * z)) / (1 + np.exp(-2 * z))


def tanh_exp(z: np.ndarray) -> np.ndarray:
    """tanh as (e^z − e^(−z)) / (e^z + e^(−z)): NaN beyond about ±710."""
    with np.errstate(over="ignore", invalid="ignore"):
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def sigmoid_exp(z: np.ndarray) -> np.ndarray:
    """The sigmoid as e^z / (1 + e^z): NaN above about 710."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(z) / (1 + np.exp(z))


NAIVE_TANH = ("rnn.naive_tanh",
              "Tu tanh está escrita con exponenciales, como (1 − e^(−2z)) / (1 + e^(−2z)): con una preactivación "
              "muy negativa e^(−2z) desborda a infinito y el cociente da NaN. Usa np.tanh, que es estable.",
              "Your tanh is written with exponentials, such as (1 − e^(−2z)) / (1 + e^(−2z)): for a strongly "
              "negative pre-activation e^(−2z) overflows to infinity and the ratio gives NaN. Use np.tanh, "
              "which is stable.")
NAIVE_SIGMOID = ("rnn.naive_sigmoid",
                 "Tu sigmoide está escrita como e^z / (1 + e^z): con una preactivación muy positiva e^z desborda "
                 "a infinito y el cociente da NaN. Usa 1 / (1 + e^(−z)) o la forma estable "
                 "np.exp(−np.logaddexp(0, −z)).",
                 "Your sigmoid is written as e^z / (1 + e^z): for a strongly positive pre-activation e^z "
                 "overflows to infinity and the ratio gives NaN. Use 1 / (1 + e^(−z)) or the stable form "
                 "np.exp(−np.logaddexp(0, −z)).")
SQUEEZE = ("rnn.squeeze",
           "Usas np.squeeze, que elimina todos los ejes de tamaño 1: cuando N, T, D o H valen 1 la forma cambia "
           "(o el producto con los pesos falla). Indexa sin squeeze (x[:, t, :] ya es (N, D)) o usa reshape.",
           "You use np.squeeze, which drops every axis of size 1: when N, T, D or H is 1 the shape changes (or "
           "the product with the weights fails). Index without squeeze (x[:, t, :] is already (N, D)) or use "
           "reshape.")
FLOAT32 = ("rnn.float32",
           "Tu resultado es float32: conviertes las entradas o la salida a float32 y pierdes precisión (unos "
           "7 dígitos). Trabaja en el tipo de las entradas, float64.",
           "Your result is float32: you convert the inputs or the output to float32 and lose precision (about "
           "7 digits). Keep the inputs' dtype, float64.")
CACHE = ("rnn.returns_cache",
         "Devuelves también una caché, como en CS231n ((salida, cache)): aquí solo se pide la salida.",
         "You also return a cache, as CS231n does ((output, cache)): only the output is asked for here.")


def extras(function: Step, *squeezed: Step) -> list[Mistake]:
    """The mistakes every function of the assignment can make, built from its correct version."""
    return [family(*SQUEEZE, *squeezed),
            Mistake(*FLOAT32, _in_float32(function), _is_float32),
            Mistake(*CACHE, _with_cache(function), _returns_cache)]


# -- simple RNN step --------------------------------------------------------------------
def _rnn_step(tanh: Step = np.tanh, squeeze_inputs: bool = False) -> Step:
    def step(x, prev_h, Wx, Wh, b):
        if squeeze_inputs:
            x, prev_h = np.squeeze(x), np.squeeze(prev_h)
        return tanh(x @ Wx + prev_h @ Wh + b)
    return step


def _transposed(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx.T + prev_h @ Wh.T + b)


def _swapped(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wh + prev_h @ Wx + b)


def _no_bias(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh)


def _sigmoid_step(x, prev_h, Wx, Wh, b):
    return sigmoid(x @ Wx + prev_h @ Wh + b)


def _relu_step(x, prev_h, Wx, Wh, b):
    return np.maximum(0.0, x @ Wx + prev_h @ Wh + b)


def _linear_step(x, prev_h, Wx, Wh, b):
    return x @ Wx + prev_h @ Wh + b


def _no_recurrence(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + b)


def squeezed_output(function: Step) -> Step:
    """``function`` with np.squeeze applied to its output (each output of a tuple)."""
    def run(*args: np.ndarray) -> Any:
        out = function(*args)
        return tuple(np.squeeze(o) for o in out) if isinstance(out, tuple) else np.squeeze(out)
    return run


# Formula mistakes of the step, each reused unrolled by rnn_forward and rnn_seq2vec.
FORMULA = [
    Mistake("rnn.transposed_weights",
            "Multiplicas los pesos por la izquierda (Wx·x) o usas sus traspuestas: con la convención "
            "del curso los pesos van a la derecha, x·Wx con x (N,D) y Wx (D,H).",
            "You multiply the weights on the left (Wx·x) or use their transposes: in this course the "
            "weights go on the right, x·Wx with x (N,D) and Wx (D,H).", _transposed),
    Mistake("rnn.swapped_weights",
            "Intercambiaste Wx y Wh: Wx multiplica la entrada x y Wh el estado anterior prev_h.",
            "You swapped Wx and Wh: Wx multiplies the input x and Wh the previous state prev_h.", _swapped),
    Mistake("rnn.missing_bias",
            "Tu salida coincide con una celda sin el término de sesgo b.",
            "Your output matches a cell without the bias term b.", _no_bias),
    Mistake("rnn.sigmoid_activation",
            "Usaste la sigmoide como activación; la neurona recurrente simple usa tanh.",
            "You used the sigmoid as the activation; the simple recurrent neuron uses tanh.", _sigmoid_step),
    Mistake("rnn.relu_activation",
            "Usaste ReLU como activación; la neurona recurrente simple usa tanh.",
            "You used ReLU as the activation; the simple recurrent neuron uses tanh.", _relu_step),
    Mistake("rnn.no_activation",
            "Falta la función de activación: aplica tanh a x·Wx + prev_h·Wh + b.",
            "The activation is missing: apply tanh to x·Wx + prev_h·Wh + b.", _linear_step),
    Mistake("rnn.no_recurrence",
            "Tu celda ignora el estado anterior prev_h: falta el término prev_h·Wh.",
            "Your cell ignores the previous state prev_h: the prev_h·Wh term is missing.", _no_recurrence),
]
NAIVE_STEPS = (_rnn_step(tanh=tanh_exp2), _rnn_step(tanh=tanh_exp))

STEP = [
    *FORMULA,
    family(*NAIVE_TANH, *NAIVE_STEPS),
    *extras(key.rnn_step_forward, squeezed_output(key.rnn_step_forward), _rnn_step(squeeze_inputs=True)),
]


# -- unrolling through time ---------------------------------------------------------------
def _unroll(step: Step, squeeze_x: bool = False, squeeze_state: bool = False) -> Step:
    """rnn_forward around ``step``, optionally squeezing each x[:, t, :] or each new state."""
    def forward(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h = np.empty((N, T, h0.shape[1]))
        prev_h = h0
        for t in range(T):
            x_t = np.squeeze(x[:, t, :]) if squeeze_x else x[:, t, :]
            prev_h = step(x_t, prev_h, Wx, Wh, b)
            if squeeze_state:
                prev_h = np.squeeze(prev_h)
            h[:, t, :] = prev_h
        return h
    return forward


def _last(forward: Step) -> Step:
    def seq2vec(x, h0, Wx, Wh, b):
        return forward(x, h0, Wx, Wh, b)[:, -1, :]
    return seq2vec


def _state_not_carried(x, h0, Wx, Wh, b):
    return np.stack([key.rnn_step_forward(x[:, t, :], h0, Wx, Wh, b) for t in range(x.shape[1])], axis=1)


def _returns_h0_first(x, h0, Wx, Wh, b):
    h = key.rnn_forward(x, h0, Wx, Wh, b)
    return np.concatenate([h0[:, None, :], h[:, :-1, :]], axis=1)


def _time_major(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b).transpose(1, 0, 2)


FORWARD = [
    Mistake("rnn.state_not_carried",
            "El estado no se propaga en el tiempo: cada paso usa h0 en lugar del estado del paso anterior.",
            "The state is not carried through time: every step uses h0 instead of the previous step's state.",
            _state_not_carried),
    Mistake("rnn.returns_h0_first",
            "La primera salida que devuelves es h0: h[:, t] debe ser el estado *después* de procesar x[:, t].",
            "The first output you return is h0: h[:, t] must be the state *after* processing x[:, t].",
            _returns_h0_first),
    Mistake("rnn.time_major",
            "Devuelves las salidas en orden (T, N, H); la convención del curso es batch-major, (N, T, H).",
            "You return outputs ordered (T, N, H); this course is batch-major, (N, T, H).", _time_major),
    *[Mistake(m.id, m.es, m.en, _unroll(m.implementation)) for m in FORMULA if m.implementation],
    family(*NAIVE_TANH, *(_unroll(step) for step in NAIVE_STEPS)),
    *extras(key.rnn_forward, squeezed_output(key.rnn_forward), _unroll(key.rnn_step_forward, squeeze_x=True),
             _unroll(key.rnn_step_forward, squeeze_state=True)),
]


def _seq_first_step(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b)[:, 0, :]


def _seq_all_steps(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b)


def _seq_not_carried(x, h0, Wx, Wh, b):
    return key.rnn_step_forward(x[:, -1, :], h0, Wx, Wh, b)


def _seq_last_example(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b)[-1]


SEQ2VEC = [
    Mistake("rnn.seq2vec_first_step",
            "Devuelves el estado del primer paso; secuencia a vector usa el *último* estado, h[:, -1, :].",
            "You return the first step's state; sequence-to-vector uses the *last* state, h[:, -1, :].",
            _seq_first_step),
    Mistake("rnn.seq2vec_whole_sequence",
            "Devuelves toda la secuencia (N, T, H); secuencia a vector devuelve solo el último estado (N, H).",
            "You return the whole sequence (N, T, H); sequence-to-vector returns only the last state (N, H).",
            _seq_all_steps),
    Mistake("rnn.seq2vec_last_example",
            "Devuelves h[-1], que es el último *ejemplo* del lote (el primer eje es N, no T, como en los "
            "modelos time-major): el último paso de todos los ejemplos es h[:, -1, :].",
            "You return h[-1], the last *example* of the batch (the first axis is N, not T as in time-major "
            "models): the last step of every example is h[:, -1, :].", _seq_last_example),
    Mistake("rnn.state_not_carried",
            "El estado no se propaga en el tiempo: el último estado se calculó a partir de h0.",
            "The state is not carried through time: the last state was computed from h0.", _seq_not_carried),
    *[Mistake(m.id, m.es, m.en, _last(_unroll(m.implementation))) for m in FORMULA if m.implementation],
    family(*NAIVE_TANH, *(_last(_unroll(step)) for step in NAIVE_STEPS)),
    *extras(key.rnn_seq2vec, squeezed_output(key.rnn_seq2vec),
             _last(_unroll(key.rnn_step_forward, squeeze_x=True))),
]
