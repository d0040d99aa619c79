"""Answer key: numpy RNN, LSTM and GRU forward passes (batch-major, weights on the right)."""

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Numerically stable logistic function."""
    return np.exp(-np.logaddexp(0.0, -a))


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh + b)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(x, h0, Wx, Wh, b))
    prev_h = h0
    for t in range(T):
        prev_h = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
    return h


def rnn_seq2vec(x, h0, Wx, Wh, b):
    return rnn_forward(x, h0, Wx, Wh, b)[:, -1, :]


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c


def gru_step_forward(x, prev_h, Wx, Wh, b):
    H = prev_h.shape[1]
    ax = x @ Wx + b
    z = sigmoid(ax[:, :H] + prev_h @ Wh[:, :H])
    r = sigmoid(ax[:, H:2 * H] + prev_h @ Wh[:, H:2 * H])
    candidate = np.tanh(ax[:, 2 * H:] + (r * prev_h) @ Wh[:, 2 * H:])
    return z * prev_h + (1 - z) * candidate
