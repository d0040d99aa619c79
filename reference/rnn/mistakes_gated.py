"""The mistakes of the gated cells, LSTM and GRU, as buggy versions of the answer key (the helpers
and the mistakes every function can make are in ``mistakes``)."""

from __future__ import annotations

import numpy as np

from autograder.api import Mistake

from . import key
from .key import sigmoid
from .mistakes import (NAIVE_SIGMOID, NAIVE_TANH, Step, extras, family, same, sigmoid_exp, squeezed_output, tanh_exp,
                       tanh_exp2)


# -- LSTM ------------------------------------------------------------------------------------
def _lstm(order: str = "ifog", cell_tanh_prev: bool = False, forget: bool = True, bias: bool = True,
          tanh: Step = np.tanh, sig: Step = sigmoid, squeeze_inputs: bool = False) -> Step:
    def step(x, prev_h, prev_c, Wx, Wh, b):
        H = prev_h.shape[1]
        if squeeze_inputs:
            x, prev_h = np.squeeze(x), np.squeeze(prev_h)
        a = x @ Wx + prev_h @ Wh + (b if bias else 0.0)
        gates = {name: a[..., k * H:(k + 1) * H] for k, name in enumerate(order)}
        i, f, o, g = sig(gates["i"]), sig(gates["f"]), sig(gates["o"]), tanh(gates["g"])
        next_c = (f * prev_c if forget else prev_c) + i * g
        next_h = o * tanh(prev_c if cell_tanh_prev else next_c)
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
    family(*NAIVE_TANH, _lstm(tanh=tanh_exp2), _lstm(tanh=tanh_exp)),
    family(*NAIVE_SIGMOID, _lstm(sig=sigmoid_exp)),
    *extras(key.lstm_step_forward, squeezed_output(key.lstm_step_forward), _lstm(squeeze_inputs=True)),
]


# -- GRU ----------------------------------------------------------------------------------------
def _gru(z_swap: bool = False, reset_after: bool = False, reset: bool = True, order: str = "zrc",
         tanh: Step = np.tanh, sig: Step = sigmoid, squeeze_inputs: bool = False) -> Step:
    def step(x, prev_h, Wx, Wh, b):
        H = prev_h.shape[1]
        if squeeze_inputs:
            x, prev_h = np.squeeze(x), np.squeeze(prev_h)
        block = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(order)}
        ax = x @ Wx + b
        z = sig(ax[..., block["z"]] + prev_h @ Wh[:, block["z"]])
        r = sig(ax[..., block["r"]] + prev_h @ Wh[:, block["r"]]) if reset else 1.0
        if reset_after:
            candidate = tanh(ax[..., block["c"]] + r * (prev_h @ Wh[:, block["c"]]))
        else:
            candidate = tanh(ax[..., block["c"]] + (r * prev_h) @ Wh[:, block["c"]])
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
    Mistake("gru.gate_order",
            "Lees los bloques de pesos en el orden de PyTorch (r, z, candidato); aquí las columnas de Wx, Wh "
            "y b son [z | r | candidato].",
            "You read the weight blocks in PyTorch's order (r, z, candidate); here the columns of Wx, Wh and "
            "b are [z | r | candidate].", _gru(order="rzc")),
    family(*NAIVE_TANH, _gru(tanh=tanh_exp2), _gru(tanh=tanh_exp)),
    family(*NAIVE_SIGMOID, _gru(sig=sigmoid_exp)),
    *extras(key.gru_step_forward, squeezed_output(key.gru_step_forward), _gru(squeeze_inputs=True)),
]


# The exp-based tanh and sigmoid of a gated cell, which a huge-input case must tell apart.
_EXP_FORMS = {"lstm_step_forward": ((_lstm(tanh=tanh_exp2), _lstm(tanh=tanh_exp)), _lstm(sig=sigmoid_exp)),
              "gru_step_forward": ((_gru(tanh=tanh_exp2), _gru(tanh=tanh_exp)), _gru(sig=sigmoid_exp))}


def exp_forms_differ(check: str, args: tuple[np.ndarray, ...]) -> bool:
    """Whether, on these arguments, the cell with an exp-based sigmoid gives another output (NaN where
    it overflows) than the cell with either exp-based tanh; True for a cell without a sigmoid."""
    if check not in _EXP_FORMS:
        return True
    tanh_forms, sigmoid_form = _EXP_FORMS[check]
    with np.errstate(over="ignore", invalid="ignore"):
        sigmoid_out = sigmoid_form(*args)
        return not any(same(tanh_form(*args), sigmoid_out) for tanh_form in tanh_forms)
