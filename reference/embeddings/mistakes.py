"""The mistakes students make in this assignment, as buggy versions of the answer key or as
detectors on the student's observations.

Where a mistake has many spellings (pad and unk swapped, or real words starting at 1, or no
specials at all) a detector recognises the whole family; the implementation given alongside
is one concrete spelling, used by the fast tests.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from autograder.api import Case, CaseOutcome, Mistake, Raised

from . import key
from .key import PAD, UNK

SPECIALS = (PAD, UNK)


def _result(outcome: CaseOutcome) -> Any:
    """The return value's observation, or None when the call or the observation failed."""
    if isinstance(outcome, Raised) or not outcome or isinstance(outcome[0], Raised):
        return None
    return outcome[0]


# -- tokenize --------------------------------------------------------------------------------
def _tokens_not_lowered(text: str) -> list[str]:
    import nltk

    return nltk.word_tokenize(text, preserve_line=True)


def _split_on_spaces(text: str) -> list[str]:
    return text.lower().split()


def _needs_punkt(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    return isinstance(got, Raised) and got.error.startswith("LookupError") and "punkt" in got.error


TOKENIZE = [
    Mistake("embeddings.tokenize_no_lower",
            "Tus tokens conservan las mayúsculas: pasa cada token a minúsculas, para que «The» y «the» sean "
            "la misma palabra del vocabulario.",
            "Your tokens keep their capitals: lower-case every token so that \"The\" and \"the\" are the same "
            "vocabulary word.", _tokens_not_lowered),
    Mistake("embeddings.tokenize_split",
            "Separas solo por espacios (str.split): la puntuación queda pegada a las palabras («economy,»). "
            "Usa nltk.word_tokenize(text, preserve_line=True), que separa la puntuación y las contracciones.",
            "You split on spaces only (str.split): punctuation stays glued to words (\"economy,\"). Use "
            "nltk.word_tokenize(text, preserve_line=True), which splits off punctuation and contractions.",
            _split_on_spaces),
    Mistake("embeddings.nltk_punkt",
            "nltk.word_tokenize sin preserve_line=True intenta dividir el texto en frases con el modelo "
            "«punkt», que no está instalado (nada se descarga al calificar): llama a "
            "nltk.word_tokenize(text, preserve_line=True).",
            "nltk.word_tokenize without preserve_line=True tries to split the text into sentences with the "
            "\"punkt\" model, which is not installed (nothing is downloaded while grading): call "
            "nltk.word_tokenize(text, preserve_line=True).", detect=_needs_punkt),
]


# -- build_vocab -----------------------------------------------------------------------------
def _words_by_index(vocab: Any) -> list[str] | None:
    """The vocabulary's real words in index order, or None if it is not a str -> int dict."""
    if not isinstance(vocab, dict) or not all(isinstance(i, (int, np.integer)) for i in vocab.values()):
        return None
    return [w for w, _ in sorted(vocab.items(), key=lambda item: int(item[1])) if w not in SPECIALS]


def _specials_misplaced(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    vocab, reference = _result(got), _result(expected)
    words = _words_by_index(vocab)
    return words is not None and words == _words_by_index(reference) and vocab != reference


def _words_from_one(token_lists, min_count=1):
    vocab = key.build_vocab(token_lists, min_count)
    words = [w for w in vocab if w not in SPECIALS]
    return {PAD: 0, **{w: i for i, w in enumerate(words, start=1)}}


def _alphabetical(token_lists, min_count=1):
    counts = Counter(t for tokens in token_lists for t in tokens)
    vocab = {PAD: 0, UNK: 1}
    for word in sorted(w for w, c in counts.items() if c >= min_count):
        vocab[word] = len(vocab)
    return vocab


def _ties_by_first_appearance(token_lists, min_count=1):
    counts = Counter(t for tokens in token_lists for t in tokens)
    vocab = {PAD: 0, UNK: 1}
    for word, count in counts.most_common():
        if count >= min_count:
            vocab[word] = len(vocab)
    return vocab


def _min_count_strict(token_lists, min_count=1):
    counts = Counter(t for tokens in token_lists for t in tokens)
    return {w: i for w, i in key.build_vocab(token_lists, min_count).items() if w in SPECIALS or counts[w] > min_count}


BUILD_VOCAB = [
    Mistake("embeddings.pad_unk_off_by_one",
            "Tus índices especiales están desplazados: el 0 es el relleno «<pad>», el 1 la palabra desconocida "
            "«<unk>» (como en TextVectorization de Keras) y las palabras reales empiezan en el 2.",
            "Your special indices are shifted: 0 is the padding \"<pad>\", 1 the unknown word \"<unk>\" (as in "
            "Keras's TextVectorization) and real words start at 2.",
            _words_from_one, detect=_specials_misplaced),
    Mistake("embeddings.vocab_alphabetical",
            "Ordenas el vocabulario solo alfabéticamente: las palabras van por frecuencia descendente, y el "
            "orden alfabético solo decide los empates.",
            "You sort the vocabulary alphabetically only: words go by descending frequency, and alphabetical "
            "order only breaks ties.", _alphabetical),
    Mistake("embeddings.vocab_ties",
            "Los empates de frecuencia no están en orden alfabético (Counter.most_common los deja en orden de "
            "aparición): ordena con la clave (-frecuencia, palabra).",
            "Frequency ties are not in alphabetical order (Counter.most_common leaves them in order of "
            "appearance): sort with the key (-count, word).", _ties_by_first_appearance),
    Mistake("embeddings.min_count_strict",
            "Descartas también las palabras que aparecen exactamente min_count veces: se quedan las que "
            "aparecen min_count veces o más (count >= min_count).",
            "You also drop words that occur exactly min_count times: keep those occurring min_count times or "
            "more (count >= min_count).", _min_count_strict),
]


# -- encode ------------------------------------------------------------------------------------
def _unknown_as_padding(tokens, vocab):
    return np.array([vocab.get(t, 0) for t in tokens], dtype=np.int64)


def _unknown_dropped(tokens, vocab):
    return np.array([vocab[t] for t in tokens if t in vocab], dtype=np.int64)


ENCODE = [
    Mistake("embeddings.pad_unk_off_by_one",
            "Codificas las palabras desconocidas con 0, que es el índice del relleno «<pad>»: las desconocidas "
            "van al 1, «<unk>».",
            "You encode unknown words as 0, the padding index \"<pad>\": unknown words go to 1, \"<unk>\".",
            _unknown_as_padding),
    Mistake("embeddings.unknown_dropped",
            "Te saltas las palabras desconocidas: cada token debe dar un índice (el 1, «<unk>», si no está en "
            "el vocabulario), o la secuencia pierde longitud y posiciones.",
            "You skip unknown words: every token must give an index (1, \"<unk>\", when it is not in the "
            "vocabulary), or the sequence loses length and positions.", _unknown_dropped),
]


# -- embedding_lookup ----------------------------------------------------------------------
def _one_hot_float64(indices, W):
    return np.eye(W.shape[0])[np.asarray(indices)] @ W


LOOKUP = [
    Mistake("embeddings.float64_result",
            "Con W en float32 devuelves float64: multiplicar por un one-hot creado con np.eye o np.zeros (que "
            "son float64), o rellenar una matriz np.zeros, cambia el tipo. Indexa directamente, W[indices], "
            "que conserva el tipo de W.",
            "With W in float32 you return float64: multiplying by a one-hot made with np.eye or np.zeros "
            "(float64), or filling an np.zeros matrix, changes the dtype. Index directly, W[indices], which "
            "keeps W's dtype.", _one_hot_float64),
]


# -- cosine_similarity ---------------------------------------------------------------------
def _dot_only(u, v):
    return float(np.dot(u, v))


def _zero_division(u, v):
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))


def _divides_by_zero(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    if isinstance(got, Raised):
        return got.error.startswith("ZeroDivisionError")
    value = _result(got)
    try:
        return bool(np.isnan(value)) and _result(expected) == 0.0
    except TypeError:
        return False


def _distance(u, v):
    return 1.0 - key.cosine_similarity(u, v)


COSINE = [
    Mistake("embeddings.cosine_no_norm",
            "Devuelves el producto escalar u·v sin dividir entre las normas: la similitud coseno es "
            "u·v / (‖u‖ ‖v‖), siempre entre -1 y 1.",
            "You return the dot product u·v without dividing by the norms: cosine similarity is "
            "u·v / (‖u‖ ‖v‖), always between -1 and 1.", _dot_only),
    Mistake("embeddings.cosine_zero_division",
            "Con un vector nulo divides entre cero (y obtienes nan o un ZeroDivisionError): si alguna norma es 0, "
            "devuelve 0.0.",
            "With a zero vector you divide by zero (and get nan or a ZeroDivisionError): if either norm is 0, "
            "return 0.0.", _zero_division, detect=_divides_by_zero),
    Mistake("embeddings.cosine_distance",
            "Devuelves la distancia coseno, 1 − similitud (es lo que calcula scipy.spatial.distance.cosine), "
            "no la similitud.",
            "You return the cosine distance, 1 − similarity (what scipy.spatial.distance.cosine computes), not "
            "the similarity.", _distance),
]


# -- train_word2vec -----------------------------------------------------------------------------
def _gensim3_keywords(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    return isinstance(got, Raised) and got.error.startswith("TypeError") and (
        "'size'" in got.error or "'iter'" in got.error)


HYPERPARAMETERS = ("vector_size", "window", "min_count", "sg", "epochs", "seed")


def _attr(case: Case, outcome: CaseOutcome, name: str) -> Any:
    for spec, value in zip(case.observe, outcome, strict=False):
        if spec.kind == "attr" and spec.name == name:
            return value
    return None


def _returns_keyed_vectors(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    return not isinstance(got, Raised) and any(
        isinstance(o, Raised) and "'KeyedVectors' object has no attribute" in o.error for o in got)


def _not_one_worker(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    workers = None if isinstance(got, Raised) else _attr(case, got, "workers")
    return isinstance(workers, int) and workers != 1


def _argument_ignored(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    if isinstance(got, Raised):
        return False
    observed = [(_attr(case, got, name), _attr(case, expected, name)) for name in HYPERPARAMETERS]
    return any(isinstance(g, int) and g != e for g, e in observed)


WORD2VEC = [
    Mistake("embeddings.gensim3_keywords",
            "Usas los nombres de gensim 3 (size=, iter=), que gensim 4 ya no acepta: ahora son vector_size= y "
            "epochs=.",
            "You use gensim 3's names (size=, iter=), which gensim 4 no longer accepts: they are now "
            "vector_size= and epochs=.", detect=_gensim3_keywords),
    Mistake("embeddings.w2v_returns_keyed_vectors",
            "Devuelves model.wv (los vectores, un KeyedVectors) en lugar del modelo Word2Vec entrenado: "
            "devuelve el modelo, que guarda también sus hiperparámetros; sus vectores siguen en model.wv.",
            "You return model.wv (the vectors, a KeyedVectors) instead of the trained Word2Vec model: return the "
            "model, which also keeps its hyperparameters; its vectors are still in model.wv.",
            detect=_returns_keyed_vectors),
    Mistake("embeddings.w2v_workers",
            "Tu modelo no se entrena con un solo hilo (workers=1): con varios, el resultado cambia de una "
            "ejecución a otra aunque fijes la semilla.",
            "Your model is not trained with a single thread (workers=1): with several, the result changes "
            "from run to run even with a fixed seed.", detect=_not_one_worker),
    Mistake("embeddings.w2v_argument_ignored",
            "Tu modelo no usa alguno de los hiperparámetros que recibe la función (vector_size, window, "
            "min_count, sg, epochs o seed): pásalos todos a Word2Vec por su nombre en lugar de fijar valores.",
            "Your model ignores one of the hyperparameters the function receives (vector_size, window, "
            "min_count, sg, epochs or seed): pass them all to Word2Vec by name instead of fixing values.",
            detect=_argument_ignored),
]


# -- load_glove ------------------------------------------------------------------------------
def _glove_float64(path):
    return {word: vector.astype(np.float64) for word, vector in key.load_glove(path).items()}


GLOVE = [
    Mistake("embeddings.glove_float64",
            "Tus vectores son float64: como en el ejemplo de Keras, léelos en float32 "
            "(np.asarray(valores, dtype=\"float32\")), el tipo de los pesos de una capa Embedding.",
            "Your vectors are float64: as in the Keras example, read them as float32 "
            "(np.asarray(values, dtype=\"float32\")), the dtype of an Embedding layer's weights.", _glove_float64),
]


# -- build_embedding_matrix --------------------------------------------------------------------
def _sorted_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix[np.lexsort(matrix.T[::-1])] if matrix.size else matrix


def _rows_misaligned(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    matrix, reference = _result(got), _result(expected)
    if not isinstance(matrix, np.ndarray) or matrix.shape != getattr(reference, "shape", None):
        return False
    matrix, reference = matrix.astype(np.float64), reference.astype(np.float64)
    return not np.allclose(matrix, reference) and np.allclose(_sorted_rows(matrix), _sorted_rows(reference))


def _missing_not_zero(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    matrix, reference = _result(got), _result(expected)
    if not isinstance(matrix, np.ndarray) or matrix.shape != getattr(reference, "shape", None):
        return False
    vocab, vectors = case.args[0], case.args[1]
    found = np.zeros(len(reference), dtype=bool)
    for word, index in vocab.items():
        found[index] = word in vectors and word not in SPECIALS
    return (np.allclose(matrix[found], reference[found]) and not np.allclose(matrix[~found], 0.0))


def _off_by_two(vocab, vectors, dim):
    matrix = np.zeros((len(vocab), dim), dtype=np.float32)
    words = [w for w, _ in sorted(vocab.items(), key=lambda item: item[1]) if w not in SPECIALS]
    for row, word in enumerate(words):
        if word in vectors:
            matrix[row] = vectors[word]
    return matrix


def _missing_as_ones(vocab, vectors, dim):
    matrix = np.ones((len(vocab), dim), dtype=np.float32)
    for word, index in vocab.items():
        if word in vectors:
            matrix[index] = vectors[word]
    return matrix


MATRIX = [
    Mistake("embeddings.rows_misaligned",
            "Las filas de tu matriz no están alineadas con el vocabulario: la fila i debe ser el vector de la "
            "palabra cuyo índice es i (vocab[palabra] == i), contando «<pad>» (0) y «<unk>» (1). No uses la "
            "posición de la palabra en una lista ni el orden del diccionario.",
            "Your matrix rows are not aligned with the vocabulary: row i must hold the vector of the word whose "
            "index is i (vocab[word] == i), counting \"<pad>\" (0) and \"<unk>\" (1). Do not use the word's "
            "position in a list or the dictionary's order.", _off_by_two, detect=_rows_misaligned),
    Mistake("embeddings.missing_not_zero",
            "Las filas de las palabras sin vector (y las de «<pad>» y «<unk>») deben ser ceros, como en el "
            "ejemplo de Keras: empieza con np.zeros, no con valores aleatorios ni unos.",
            "Rows of words without a vector (and those of \"<pad>\" and \"<unk>\") must be zeros, as in the Keras "
            "example: start from np.zeros, not from random values or ones.",
            _missing_as_ones, detect=_missing_not_zero),
]


# -- frozen_embedding_layer -------------------------------------------------------------------
def _trainable_layer(matrix):
    import keras

    return keras.layers.Embedding(matrix.shape[0], matrix.shape[1],
                                  embeddings_initializer=keras.initializers.Constant(matrix))


def _not_initialised(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    if isinstance(got, Raised) or len(got) != len(expected) or isinstance(got[0], Raised):
        return False
    output, reference = np.asarray(got[0], dtype=np.float64), np.asarray(expected[0], dtype=np.float64)
    return output.shape == reference.shape and not np.allclose(output, reference, rtol=1e-5, atol=1e-6)


FROZEN = [
    Mistake("embeddings.layer_trainable",
            "Tu capa Embedding sigue siendo entrenable: créala con trainable=False para que el entrenamiento no "
            "estropee los vectores preentrenados.",
            "Your Embedding layer is still trainable: create it with trainable=False so that training does not "
            "spoil the pretrained vectors.", _trainable_layer),
    Mistake("embeddings.layer_not_initialised",
            "Tu capa no empieza con la matriz que recibe: inicialízala con "
            "embeddings_initializer=keras.initializers.Constant(matrix) (o weights=[matrix]).",
            "Your layer does not start from the matrix it receives: initialise it with "
            "embeddings_initializer=keras.initializers.Constant(matrix) (or weights=[matrix]).",
            detect=_not_initialised),
]
