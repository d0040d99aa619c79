"""Hidden checks for the RNN assignment.

Tolerances (every check):

| comparison | tolerance | why |
|---|---|---|
| outputs and arguments after the call, float64 | CS231n rel_error ≤ 1e-7 | the key and a correct student differ only by the order of float64 sums (about 1e-15 relative); CS231n's own targets are 1e-8 (step) and 1e-7 (sequence) |
| dtype | exactly float64 | the notebook asks to keep the inputs' dtype; a float32 result agrees only to about 1e-7 and would pass some cases by luck, so the dtype is checked, not the digits |

Every case is drawn from the per-student generator, in float64. Each check lists its edge cases
in ``edges`` (label shown in feedback -> what it catches); every student's case set holds all of
them, each in its own case. Every argument is observed after the call to catch in-place changes.
"""

from __future__ import annotations

import numpy as np

from autograder.api import RESULT, Case, Check, Observe, Text

from . import key, mistakes, mistakes_gated

RTOL = 1e-7
# exp(2·355) and exp(710) overflow float64: beyond this a tanh or sigmoid written with exp gives NaN.
HUGE = 820.0

GENERAL = Text("caso general con D ≠ H", "general case with D ≠ H")
SQUARE = Text("entrada y estado del mismo tamaño (D = H)", "input and state of the same size (D = H)")
N_ONE = Text("lote de un solo ejemplo (N = 1)", "batch of a single example (N = 1)")
T_ONE = Text("secuencia de un solo paso (T = 1)", "sequence of a single step (T = 1)")
D_ONE = Text("una sola característica de entrada (D = 1)", "a single input feature (D = 1)")
H_ONE = Text("estado de una sola unidad (H = 1)", "state of a single unit (H = 1)")
SMALLEST = Text("tamaños mínimos: todos los ejes de tamaño 1", "smallest sizes: every axis of size 1")
HUGE_Z = Text("preactivaciones enormes de ambos signos (exp desborda)",
              "huge pre-activations of both signs (exp overflows)")
ZEROS = Text("entradas y estado nulos", "all-zero inputs and state")

STEP_EDGES = {
    GENERAL: "transposed weights (Wx·x) and most formula slips",
    SQUARE: "Wx and Wh swapped, which D ≠ H turns into a shape error; here it shows as wrong values",
    N_ONE: "np.squeeze dropping the batch axis",
    D_ONE: "np.squeeze dropping the feature axis (x (N, 1) becomes (N,) and x·Wx fails)",
    H_ONE: "np.squeeze dropping the state axis",
    SMALLEST: "any squeeze, reshape or len() that assumes an axis larger than 1",
    HUGE_Z: "tanh or sigmoid written with exp, which overflow to NaN (np.tanh and the stable sigmoid do not)",
    ZEROS: "a missing bias (the output is then exactly tanh(b)) and non-zero-centred activations",
}
SEQUENCE_EDGES = {**STEP_EDGES, T_ONE: "returning h0 as the first state; squeezing the time axis"}

# Shape edges as (label, fixed sizes); sizes not fixed are drawn from the student's generator.
SHAPES: list[tuple[Text, dict[str, int]]] = [
    (GENERAL, {}),
    (SQUARE, {"square": 1}),
    (N_ONE, {"N": 1}),
    (D_ONE, {"D": 1}),
    (H_ONE, {"H": 1}),
    (SMALLEST, {"N": 1, "T": 1, "D": 1, "H": 1}),
]


def _all_args(count: int) -> tuple[Observe, ...]:
    return (RESULT, *(Observe("value", ("arg", i)) for i in range(count)))


def _sizes(rng: np.random.Generator, N: int = 0, T: int = 0, D: int = 0, H: int = 0,
           square: int = 0) -> tuple[int, int, int, int]:
    """(N, T, D, H) around an edge: sizes given stay, the others are drawn in 2..6, with D ≠ H
    unless ``square``."""
    N, T, H = (size or int(rng.integers(2, 7)) for size in (N, T, H))
    if square:
        return N, T, H, H
    while not D or D == H > 1:
        D = int(rng.integers(2, 7))
    return N, T, D, H


def _weights(rng: np.random.Generator, D: int, H: int, gates: int, scale: float = 0.5):
    return (rng.normal(0, scale, (D, gates * H)), rng.normal(0, scale, (H, gates * H)),
            rng.normal(0, scale, gates * H))


def _huge_inputs(rng: np.random.Generator, shape: tuple[int, ...], H: int, gates: int):
    """Inputs and weights whose input part x·Wx + b has, in every gate block, entries beyond ±HUGE;
    the recurrent part stays tiny next to it, so the whole pre-activations overflow exp too."""
    D = shape[-1]
    while True:
        x = rng.normal(size=shape) * rng.uniform(1500.0, 3000.0) / np.sqrt(D)
        Wx, Wh, b = _weights(rng, D, H, gates, scale=1.0)
        a = (x.reshape(-1, D) @ Wx + b).reshape(-1, gates, H)
        if np.all(a.min(axis=(0, 2)) <= -HUGE - 20) and np.all(a.max(axis=(0, 2)) >= HUGE + 20):
            return x, (Wx, Wh * 0.5, b)


class _StepCheck(Check):
    rtol = RTOL
    strict_dtype = True
    gates = 1
    states = 1  # prev_h, plus prev_c for the LSTM
    edges = STEP_EDGES

    def _case(self, label: Text, rng: np.random.Generator, x: np.ndarray, H: int, weights: tuple,
              zero_state: bool = False) -> Case:
        N = x.shape[0]
        states = tuple(np.zeros((N, H)) if zero_state else rng.normal(size=(N, H)) for _ in range(self.states))
        args = (x, *states, *weights)
        return Case(label, args, observe=_all_args(len(args)))

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, fixed in SHAPES:
            N, _, D, H = _sizes(rng, **fixed)
            cases.append(self._case(label, rng, rng.normal(size=(N, D)), H, _weights(rng, D, H, self.gates)))
        while True:  # for a gated cell, until an exp-based tanh and an exp-based sigmoid fail differently
            N, _, D, H = _sizes(rng, N=int(rng.integers(3, 6)))
            x, weights = _huge_inputs(rng, (N, D), H, self.gates)
            huge = self._case(HUGE_Z, rng, x, H, weights)
            if mistakes_gated.exp_forms_differ(self.name, huge.args):
                break
        cases.append(huge)
        N, _, D, H = _sizes(rng)
        cases.append(self._case(ZEROS, rng, np.zeros((N, D)), H, _weights(rng, D, H, self.gates), zero_state=True))
        return cases


class RnnStepForward(_StepCheck):
    name = "rnn_step_forward"
    reference = staticmethod(key.rnn_step_forward)
    mistakes = mistakes.STEP


class _SequenceCheck(_StepCheck):
    edges = SEQUENCE_EDGES

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, x: np.ndarray, h0: np.ndarray, weights: tuple) -> Case:
            return Case(label, (x, h0, *weights), observe=_all_args(5))

        cases = []
        for label, fixed in [*SHAPES, (T_ONE, {"T": 1})]:
            N, T, D, H = _sizes(rng, **fixed)
            cases.append(case(label, rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), _weights(rng, D, H, 1)))
        N, T, D, H = _sizes(rng, N=int(rng.integers(3, 6)))
        x, weights = _huge_inputs(rng, (N, T, D), H, 1)
        cases.append(case(HUGE_Z, x, rng.normal(size=(N, H)), weights))
        N, T, D, H = _sizes(rng)
        cases.append(case(ZEROS, np.zeros((N, T, D)), np.zeros((N, H)), _weights(rng, D, H, 1)))
        return cases


class RnnForward(_SequenceCheck):
    name = "rnn_forward"
    reference = staticmethod(key.rnn_forward)
    mistakes = mistakes.FORWARD


class RnnSeq2Vec(_SequenceCheck):
    name = "rnn_seq2vec"
    reference = staticmethod(key.rnn_seq2vec)
    mistakes = mistakes.SEQ2VEC


class LstmStepForward(_StepCheck):
    name = "lstm_step_forward"
    reference = staticmethod(key.lstm_step_forward)
    mistakes = mistakes_gated.LSTM
    gates = 4
    states = 2


class GruStepForward(_StepCheck):
    name = "gru_step_forward"
    reference = staticmethod(key.gru_step_forward)
    mistakes = mistakes_gated.GRU
    gates = 3


CHECKS = [RnnStepForward(), RnnForward(), RnnSeq2Vec(), LstmStepForward(), GruStepForward()]
