"""Hidden checks for the RNN assignment.

Every case is drawn from the per-student generator, in float64, and the student's output
must match the answer key to a CS231n relative error of 1e-7. Cases cover D != H (so
swapped or transposed weights cannot hide), D == H (so they show as wrong values that a
named mistake can match), N = 1, T = 1, H = 1 and saturating inputs; every argument is
observed after the call to catch in-place modification.
"""

from __future__ import annotations

import numpy as np

from autograder.api import RESULT, Case, Check, Observe, Text

from . import key, mistakes

RTOL = 1e-7


def _all_args(count: int) -> tuple[Observe, ...]:
    return (RESULT, *(Observe("value", ("arg", i)) for i in range(count)))


def _weights(rng: np.random.Generator, D: int, H: int, gates: int = 1, scale: float = 0.5):
    return (rng.normal(0, scale, (D, gates * H)), rng.normal(0, scale, (H, gates * H)),
            rng.normal(0, scale, gates * H))


# Shapes as (label, N, T, D, H); T is ignored by single-step checks.
SHAPES = [
    (Text("caso general con D ≠ H", "general case with D ≠ H"), 4, 5, 6, 3),
    ("D = H", 3, 4, 4, 4),
    ("N = 1", 1, 3, 5, 4),
    ("H = 1", 2, 3, 3, 1),
]
SATURATED = Text("entradas saturadas (|x| grande)", "saturating inputs (large |x|)")


class _RecurrentCheck(Check):
    rtol = RTOL
    saturate = 25.0

    def shapes(self) -> list[tuple[str | Text, int, int, int, int]]:
        return SHAPES


class RnnStepForward(_RecurrentCheck):
    name = "rnn_step_forward"
    reference = staticmethod(key.rnn_step_forward)
    mistakes = mistakes.STEP

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, N, _, D, H in self.shapes():
            x, prev_h = rng.normal(size=(N, D)), rng.normal(size=(N, H))
            cases.append(Case(label, (x, prev_h, *_weights(rng, D, H)), observe=_all_args(5)))
        x, prev_h = rng.normal(size=(3, 5)) * self.saturate, rng.normal(size=(3, 2))
        cases.append(Case(SATURATED, (x, prev_h, *_weights(rng, 5, 2, scale=2.0)), observe=_all_args(5)))
        return cases


class _SequenceCheck(_RecurrentCheck):
    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        shapes = [*self.shapes(), ("T = 1", 3, 1, 4, 2)]
        for label, N, T, D, H in shapes:
            x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
            cases.append(Case(label, (x, h0, *_weights(rng, D, H)), observe=_all_args(5)))
        x, h0 = rng.normal(size=(2, 4, 3)) * self.saturate, rng.normal(size=(2, 5))
        cases.append(Case(SATURATED, (x, h0, *_weights(rng, 3, 5, scale=2.0)), observe=_all_args(5)))
        return cases


class RnnForward(_SequenceCheck):
    name = "rnn_forward"
    reference = staticmethod(key.rnn_forward)
    mistakes = mistakes.FORWARD


class RnnSeq2Vec(_SequenceCheck):
    name = "rnn_seq2vec"
    reference = staticmethod(key.rnn_seq2vec)
    mistakes = mistakes.SEQ2VEC


class LstmStepForward(_RecurrentCheck):
    name = "lstm_step_forward"
    reference = staticmethod(key.lstm_step_forward)
    mistakes = mistakes.LSTM

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, N, _, D, H in self.shapes():
            x, prev_h, prev_c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
            cases.append(Case(label, (x, prev_h, prev_c, *_weights(rng, D, H, gates=4)), observe=_all_args(6)))
        x = rng.normal(size=(2, 4)) * self.saturate
        prev_h, prev_c = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)) * 3
        cases.append(Case(SATURATED, (x, prev_h, prev_c, *_weights(rng, 4, 3, gates=4, scale=2.0)),
                          observe=_all_args(6)))
        return cases


class GruStepForward(_RecurrentCheck):
    name = "gru_step_forward"
    reference = staticmethod(key.gru_step_forward)
    mistakes = mistakes.GRU

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, N, _, D, H in self.shapes():
            x, prev_h = rng.normal(size=(N, D)), rng.normal(size=(N, H))
            cases.append(Case(label, (x, prev_h, *_weights(rng, D, H, gates=3)), observe=_all_args(5)))
        x, prev_h = rng.normal(size=(2, 4)) * self.saturate, rng.normal(size=(2, 3))
        cases.append(Case(SATURATED, (x, prev_h, *_weights(rng, 4, 3, gates=3, scale=2.0)), observe=_all_args(5)))
        return cases


CHECKS = [RnnStepForward(), RnnForward(), RnnSeq2Vec(), LstmStepForward(), GruStepForward()]
