"""Demo students for the RNN assignment: one per common mistake, plus attempts to cheat."""

from autograder.api import Status, Submission

_STEP_SIGNATURE = "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n"

SUBMISSIONS = [
    Submission("ana", "respuesta de referencia", full_marks=True),
    Submission("blanca", "cuaderno sin resolver", blank=True),
    Submission("bruno", "celda simple sin sesgo", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx + prev_h @ Wh)\n"},
        expect={"rnn.rnn_step_forward": "rnn.missing_bias"}),
    Submission("carla", "Wx y Wh intercambiados", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wh + prev_h @ Wx + b)\n"},
        expect={"rnn.rnn_step_forward": "rnn.swapped_weights"}),
    Submission("diego", "el estado no se propaga en el tiempo", cells={"rnn_forward": """\
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    for t in range(T):
        h[:, t, :] = rnn_step_forward(x[:, t, :], h0, Wx, Wh, b)
    return h
"""}, expect={"rnn.rnn_forward": "rnn.state_not_carried"}),
    Submission("elena", "np.squeeze rompe N = 1", cells={"rnn_forward": """\
def rnn_forward(x, h0, Wx, Wh, b):
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        states.append(prev_h)
    return np.squeeze(np.stack(states, axis=1))
"""}, expect={"rnn.rnn_forward": "rnn.squeeze"}),
    Submission("fabio", "orden de compuertas de Keras en la LSTM", cells={"lstm_step_forward": """\
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    sig = lambda v: 1 / (1 + np.exp(-v))
    i, f, g, o = sig(a[:, :H]), sig(a[:, H:2*H]), np.tanh(a[:, 2*H:3*H]), sig(a[:, 3*H:])
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c
"""}, expect={"rnn.lstm_step_forward": "lstm.gate_order"}),
    Submission("gloria", "tanh(prev_c) en la LSTM", cells={"lstm_step_forward": """\
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    i, f, o, g = sig(a[:, :H]), sig(a[:, H:2*H]), sig(a[:, 2*H:3*H]), np.tanh(a[:, 3*H:])
    next_c = f * prev_c + i * g
    return o * np.tanh(prev_c), next_c
"""}, expect={"rnn.lstm_step_forward": "lstm.tanh_prev_c"}),
    Submission("hugo", "z y (1 - z) intercambiados en la GRU", cells={"gru_step_forward": """\
def gru_step_forward(x, prev_h, Wx, Wh, b):
    H = prev_h.shape[1]
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    ax = x @ Wx + b
    z = sig(ax[:, :H] + prev_h @ Wh[:, :H])
    r = sig(ax[:, H:2*H] + prev_h @ Wh[:, H:2*H])
    cand = np.tanh(ax[:, 2*H:] + (r * prev_h) @ Wh[:, 2*H:])
    return (1 - z) * prev_h + z * cand
"""}, expect={"rnn.gru_step_forward": "gru.z_swap"}),
    Submission("ines", "convierte a float32", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    x, prev_h, Wx, Wh, b = (np.asarray(a, np.float32) for a in (x, prev_h, Wx, Wh, b))\n"
                            "    return np.tanh(x @ Wx + prev_h @ Wh + b)\n"},
        expect={"rnn.rnn_step_forward": "rnn.float32"}),
    Submission("jorge", "modifica sus argumentos", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    prev_h @= Wh if Wh.shape[0] == Wh.shape[1] else np.eye(len(Wh))\n"
                            "    prev_h += x @ Wx + b\n    return np.tanh(prev_h)\n"},
        expect={"rnn.rnn_step_forward": "mutates_input"}),
    Submission("quique", "tanh escrita con exponenciales (desborda)", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    z = x @ Wx + prev_h @ Wh + b\n"
                            "    return (1 - np.exp(-2 * z)) / (1 + np.exp(-2 * z))\n"},
        expect={"rnn.rnn_step_forward": "rnn.naive_tanh"}),
    Submission("rosa", "np.squeeze de cada x[:, t, :] rompe D = 1", cells={"rnn_forward": """\
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    for t in range(T):
        prev_h = rnn_step_forward(np.squeeze(x[:, t, :]), prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
    return h
"""}, expect={"rnn.rnn_forward": "rnn.squeeze"}),
    Submission("samuel", "devuelve (salida, cache) como CS231n", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)\n"
                            "    return next_h, (x, prev_h, Wx, Wh, next_h)\n"},
        expect={"rnn.rnn_step_forward": "rnn.returns_cache"}),
    Submission("teresa", "bloques de la GRU en el orden de PyTorch (r, z, n)", cells={"gru_step_forward": """\
def gru_step_forward(x, prev_h, Wx, Wh, b):
    H = prev_h.shape[1]
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    ax = x @ Wx + b
    r = sig(ax[:, :H] + prev_h @ Wh[:, :H])
    z = sig(ax[:, H:2*H] + prev_h @ Wh[:, H:2*H])
    n = np.tanh(ax[:, 2*H:] + (r * prev_h) @ Wh[:, 2*H:])
    return z * prev_h + (1 - z) * n
"""}, expect={"rnn.gru_step_forward": "gru.gate_order"}),
    # Attempts to cheat: each has a wrong cell and tries to pass anyway. None may gain points.
    Submission("karim", "redefine np.allclose", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx + prev_h @ Wh)\n\n"
                            "np.allclose = lambda *args, **kwargs: True\n"
                            "np.testing.assert_allclose = lambda *args, **kwargs: None\n"},
        expect={"rnn.rnn_step_forward": "rnn.missing_bias"}),
    Submission("lucia", "sustituye el cliente de comprobación", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx + prev_h @ Wh)\n\n"
                            "import sys, types\n"
                            "fake = types.ModuleType('autograder.sandbox')\n"
                            "fake.check = lambda *args, **kwargs: print('Correcto: 5/5 casos ocultos superados.')\n"
                            "sys.modules['autograder.sandbox'] = fake\n"},
        expect={"rnn.rnn_step_forward": "not_run"}),
    Submission("mario", "oculta los errores (showtraceback)", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx + prev_h @ Wh)\n\n"
                            "get_ipython().showtraceback = lambda *args, **kwargs: None\n"
                            "get_ipython().showsyntaxerror = lambda *args, **kwargs: None\n"},
        expect={"rnn.rnn_step_forward": "rnn.missing_bias"}),
    Submission("nora", "llama a sys.exit()", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    import sys\n    sys.exit(0)\n"},
        expect={"rnn.rnn_step_forward": "exception"}),
    Submission("oscar", "pide el veredicto fuera de la celda oculta", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx + prev_h @ Wh)\n\n"
                            "from autograder.sandbox import check\n"
                            "check('rnn.rnn_step_forward', rnn_step_forward)\n"},
        expect={"rnn.rnn_step_forward": "rnn.missing_bias"}),
    Submission("pablo", "bucle infinito", cells={"rnn_seq2vec": """\
def rnn_seq2vec(x, h0, Wx, Wh, b):
    return rnn_forward(x, h0, Wx, Wh, b)[:, -1, :]

while True:
    pass
"""}, status=Status.TIMEOUT),
    Submission("ulises", "ReLU en lugar de tanh", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.maximum(0, x @ Wx + prev_h @ Wh + b)\n"},
        expect={"rnn.rnn_step_forward": "rnn.relu_activation"}),
    Submission("valeria", "sin el término recurrente", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx + b)\n"},
        expect={"rnn.rnn_step_forward": "rnn.no_recurrence"}),
    Submission("walter", "h[-1]: el último ejemplo del lote, no el último paso", cells={"rnn_seq2vec": """\
def rnn_seq2vec(x, h0, Wx, Wh, b):
    return rnn_forward(x, h0, Wx, Wh, b)[-1]
"""}, expect={"rnn.rnn_seq2vec": "rnn.seq2vec_last_example"}),
    Submission("ximena", "devuelve el primer estado", cells={"rnn_seq2vec": """\
def rnn_seq2vec(x, h0, Wx, Wh, b):
    return rnn_forward(x, h0, Wx, Wh, b)[:, 0, :]
"""}, expect={"rnn.rnn_seq2vec": "rnn.seq2vec_first_step"}),
    Submission("alba", "pesos traspuestos (convención de PyTorch)", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return np.tanh(x @ Wx.T + prev_h @ Wh.T + b)\n"},
        expect={"rnn.rnn_step_forward": "rnn.transposed_weights"}),
    Submission("beatriz", "sigmoide en lugar de tanh", cells={
        "rnn_step_forward": _STEP_SIGNATURE + "    return 1 / (1 + np.exp(-(x @ Wx + prev_h @ Wh + b)))\n"},
        expect={"rnn.rnn_step_forward": "rnn.sigmoid_activation"}),
    Submission("cesar", "sin activación al desenrollar la fórmula", cells={"rnn_forward": """\
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    for t in range(T):
        prev_h = x[:, t, :] @ Wx + prev_h @ Wh + b
        h[:, t, :] = prev_h
    return h
"""}, expect={"rnn.rnn_forward": "rnn.no_activation"}),
    Submission("dario", "guarda el estado antes de actualizarlo (h0 primero)", cells={"rnn_forward": """\
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    for t in range(T):
        h[:, t, :] = prev_h
        prev_h = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
    return h
"""}, expect={"rnn.rnn_forward": "rnn.returns_h0_first"}),
    Submission("esteban", "devuelve los estados en orden (T, N, H)", cells={"rnn_forward": """\
def rnn_forward(x, h0, Wx, Wh, b):
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        states.append(prev_h)
    return np.array(states)
"""}, expect={"rnn.rnn_forward": "rnn.time_major"}),
    Submission("felipe", "devuelve toda la secuencia", cells={"rnn_seq2vec": """\
def rnn_seq2vec(x, h0, Wx, Wh, b):
    h = rnn_forward(x, h0, Wx, Wh, b)
    return h
"""}, expect={"rnn.rnn_seq2vec": "rnn.seq2vec_whole_sequence"}),
    Submission("gabriel", "LSTM sin sesgo", cells={"lstm_step_forward": """\
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    i, f, o, g = sig(a[:, :H]), sig(a[:, H:2*H]), sig(a[:, 2*H:3*H]), np.tanh(a[:, 3*H:])
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c
"""}, expect={"rnn.lstm_step_forward": "lstm.missing_bias"}),
    Submission("hector", "LSTM sin compuerta de olvido", cells={"lstm_step_forward": """\
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    i, o, g = sig(a[:, :H]), sig(a[:, 2*H:3*H]), np.tanh(a[:, 3*H:])
    next_c = prev_c + i * g
    return o * np.tanh(next_c), next_c
"""}, expect={"rnn.lstm_step_forward": "lstm.no_forget_gate"}),
    Submission("irene", "LSTM devuelve (next_c, next_h)", cells={"lstm_step_forward": """\
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    i, f, o, g = sig(a[:, :H]), sig(a[:, H:2*H]), sig(a[:, 2*H:3*H]), np.tanh(a[:, 3*H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_c, next_h
"""}, expect={"rnn.lstm_step_forward": "lstm.swapped_outputs"}),
    Submission("javier", "sigmoide e^z / (1 + e^z) en la GRU (desborda)", cells={"gru_step_forward": """\
def gru_step_forward(x, prev_h, Wx, Wh, b):
    H = prev_h.shape[1]
    sig = lambda v: np.exp(v) / (1 + np.exp(v))
    ax = x @ Wx + b
    z = sig(ax[:, :H] + prev_h @ Wh[:, :H])
    r = sig(ax[:, H:2*H] + prev_h @ Wh[:, H:2*H])
    cand = np.tanh(ax[:, 2*H:] + (r * prev_h) @ Wh[:, 2*H:])
    return z * prev_h + (1 - z) * cand
"""}, expect={"rnn.gru_step_forward": "rnn.naive_sigmoid"}),
    Submission("lorena", "la GRU sin compuerta de reinicio", cells={"gru_step_forward": """\
def gru_step_forward(x, prev_h, Wx, Wh, b):
    H = prev_h.shape[1]
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    ax = x @ Wx + b
    z = sig(ax[:, :H] + prev_h @ Wh[:, :H])
    cand = np.tanh(ax[:, 2*H:] + prev_h @ Wh[:, 2*H:])
    return z * prev_h + (1 - z) * cand
"""}, expect={"rnn.gru_step_forward": "gru.no_reset_gate"}),
    Submission("manuel", "reinicio después de multiplicar por Wh (reset_after)", cells={"gru_step_forward": """\
def gru_step_forward(x, prev_h, Wx, Wh, b):
    H = prev_h.shape[1]
    sig = lambda v: np.exp(-np.logaddexp(0, -v))
    ax = x @ Wx + b
    z = sig(ax[:, :H] + prev_h @ Wh[:, :H])
    r = sig(ax[:, H:2*H] + prev_h @ Wh[:, H:2*H])
    cand = np.tanh(ax[:, 2*H:] + r * (prev_h @ Wh[:, 2*H:]))
    return z * prev_h + (1 - z) * cand
"""}, expect={"rnn.gru_step_forward": "gru.reset_after"}),
]
