"""The mistakes students make in this assignment, as buggy versions of the answer key.

The oracle names a mistake when the student's output on a failing case equals the buggy
version's output (or raises the same error) on that case.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder.api import Mistake

from . import key
from .key import sigmoid

Step = Callable[..., np.ndarray]


# -- simple RNN step --------------------------------------------------------------------
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


STEP = [
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


# -- unrolling through time ---------------------------------------------------------------
def _unroll(step: Step) -> Callable[..., np.ndarray]:
    def forward(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h = np.empty((N, T, h0.shape[1]))
        prev_h = h0
        for t in range(T):
            prev_h = step(x[:, t, :], prev_h, Wx, Wh, b)
            h[:, t, :] = prev_h
        return h
    return forward


def _state_not_carried(x, h0, Wx, Wh, b):
    return np.stack([key.rnn_step_forward(x[:, t, :], h0, Wx, Wh, b) for t in range(x.shape[1])], axis=1)


def _returns_h0_first(x, h0, Wx, Wh, b):
    h = key.rnn_forward(x, h0, Wx, Wh, b)
    return np.concatenate([h0[:, None, :], h[:, :-1, :]], axis=1)


def _time_major(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b).transpose(1, 0, 2)


def _squeezed(x, h0, Wx, Wh, b):
    return np.squeeze(key.rnn_forward(x, h0, Wx, Wh, b))


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
    Mistake("rnn.squeeze",
            "Usas np.squeeze, que elimina dimensiones de tamaño 1 y rompe la forma cuando N, T o H valen 1.",
            "You use np.squeeze, which drops size-1 dimensions and breaks the shape when N, T or H is 1.",
            _squeezed),
    *[Mistake(m.id, m.es, m.en, _unroll(m.implementation)) for m in STEP if m.implementation],
]


def _seq_first_step(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b)[:, 0, :]


def _seq_all_steps(x, h0, Wx, Wh, b):
    return key.rnn_forward(x, h0, Wx, Wh, b)


def _seq_not_carried(x, h0, Wx, Wh, b):
    return key.rnn_step_forward(x[:, -1, :], h0, Wx, Wh, b)


SEQ2VEC = [
    Mistake("rnn.seq2vec_first_step",
            "Devuelves el estado del primer paso; secuencia a vector usa el *último* estado, h[:, -1, :].",
            "You return the first step's state; sequence-to-vector uses the *last* state, h[:, -1, :].",
            _seq_first_step),
    Mistake("rnn.seq2vec_whole_sequence",
            "Devuelves toda la secuencia (N, T, H); secuencia a vector devuelve solo el último estado (N, H).",
            "You return the whole sequence (N, T, H); sequence-to-vector returns only the last state (N, H).",
            _seq_all_steps),
    Mistake("rnn.state_not_carried",
            "El estado no se propaga en el tiempo: el último estado se calculó a partir de h0.",
            "The state is not carried through time: the last state was computed from h0.", _seq_not_carried),
    *[Mistake(m.id, m.es, m.en, (lambda step: lambda *a: _unroll(step)(*a)[:, -1, :])(m.implementation))
      for m in STEP if m.implementation],
]


# -- LSTM ------------------------------------------------------------------------------------
def _lstm(order: str = "ifog", cell_tanh_prev: bool = False, forget: bool = True, bias: bool = True):
    def step(x, prev_h, prev_c, Wx, Wh, b):
        H = prev_h.shape[1]
        a = x @ Wx + prev_h @ Wh + (b if bias else 0.0)
        gates = {name: a[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
        i, f, o, g = sigmoid(gates["i"]), sigmoid(gates["f"]), sigmoid(gates["o"]), np.tanh(gates["g"])
        next_c = (f * prev_c if forget else prev_c) + i * g
        next_h = o * np.tanh(prev_c if cell_tanh_prev else next_c)
        return next_h, next_c
    return step


def _lstm_swapped_outputs(*args):
    next_h, next_c = key.lstm_step_forward(*args)
    return next_c, next_h


LSTM = [
    Mistake("lstm.gate_order",
            "El orden de las compuertas no es i, f, o, g: parece que usaste el orden de Keras (i, f, g, o). "
            "Aquí las columnas de Wx, Wh y b son [i | f | o | g].",
            "The gate order is not i, f, o, g: it looks like Keras's order (i, f, g, o). Here the columns "
            "of Wx, Wh and b are [i | f | o | g].", _lstm(order="ifgo")),
    Mistake("lstm.tanh_prev_c",
            "Calculas next_h con tanh(prev_c); debe usarse la celda nueva: next_h = o * tanh(next_c).",
            "You compute next_h from tanh(prev_c); use the new cell: next_h = o * tanh(next_c).",
            _lstm(cell_tanh_prev=True)),
    Mistake("lstm.no_forget_gate",
            "Falta la compuerta de olvido: next_c = f * prev_c + i * g.",
            "The forget gate is missing: next_c = f * prev_c + i * g.", _lstm(forget=False)),
    Mistake("lstm.missing_bias",
            "Tu salida coincide con una celda LSTM sin el término de sesgo b.",
            "Your output matches an LSTM cell without the bias term b.", _lstm(bias=False)),
    Mistake("lstm.swapped_outputs",
            "Devuelves (next_c, next_h); el orden pedido es (next_h, next_c).",
            "You return (next_c, next_h); the required order is (next_h, next_c).", _lstm_swapped_outputs),
]


# -- GRU ----------------------------------------------------------------------------------------
def _gru(z_swap: bool = False, reset_after: bool = False, reset: bool = True):
    def step(x, prev_h, Wx, Wh, b):
        H = prev_h.shape[1]
        ax = x @ Wx + b
        z = sigmoid(ax[:, :H] + prev_h @ Wh[:, :H])
        r = sigmoid(ax[:, H:2 * H] + prev_h @ Wh[:, H:2 * H]) if reset else 1.0
        if reset_after:
            candidate = np.tanh(ax[:, 2 * H:] + r * (prev_h @ Wh[:, 2 * H:]))
        else:
            candidate = np.tanh(ax[:, 2 * H:] + (r * prev_h) @ Wh[:, 2 * H:])
        return (1 - z) * prev_h + z * candidate if z_swap else z * prev_h + (1 - z) * candidate
    return step


GRU = [
    Mistake("gru.z_swap",
            "Intercambiaste z y (1 − z): en la convención de Keras (y de este curso) "
            "next_h = z * prev_h + (1 − z) * candidato.",
            "You swapped z and (1 − z): in the Keras convention used here "
            "next_h = z * prev_h + (1 − z) * candidate.", _gru(z_swap=True)),
    Mistake("gru.reset_after",
            "Aplicas la compuerta de reinicio después de multiplicar por Wh (reset_after=True de Keras); "
            "aquí se aplica antes: (r * prev_h) · Wh_h.",
            "You apply the reset gate after multiplying by Wh (Keras's reset_after=True); here it is "
            "applied before: (r * prev_h) · Wh_h.", _gru(reset_after=True)),
    Mistake("gru.no_reset_gate",
            "El candidato ignora la compuerta de reinicio r.",
            "The candidate ignores the reset gate r.", _gru(reset=False)),
]
