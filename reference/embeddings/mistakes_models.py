"""Known mistakes of the functions that train, load or hold embeddings: Word2Vec, GloVe, the
embedding matrix and the frozen Keras layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.api import Case, CaseOutcome, Mistake, Raised

from . import key
from .mistakes import SPECIALS, result


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


def _gensim3(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    from gensim.models import Word2Vec

    return Word2Vec(token_lists, size=vector_size, window=window, min_count=min_count, sg=sg, iter=epochs,
                    seed=seed, workers=1)


def _keyed_vectors(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    return key.train_word2vec(token_lists, vector_size, window, min_count, sg, epochs, seed).wv


def _three_workers(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    from gensim.models import Word2Vec

    return Word2Vec(sentences=token_lists, vector_size=vector_size, window=window, min_count=min_count, sg=sg,
                    epochs=epochs, seed=seed, workers=3)


def _fixed_window(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    return key.train_word2vec(token_lists, vector_size, 5, min_count, sg, epochs, seed)


WORD2VEC = [
    Mistake("embeddings.gensim3_keywords",
            "Usas los nombres de gensim 3 (size=, iter=), que gensim 4 ya no acepta: ahora son vector_size= y "
            "epochs=.",
            "You use gensim 3's names (size=, iter=), which gensim 4 no longer accepts: they are now "
            "vector_size= and epochs=.", _gensim3, _gensim3_keywords),
    Mistake("embeddings.w2v_returns_keyed_vectors",
            "Devuelves model.wv (los vectores, un KeyedVectors) en lugar del modelo Word2Vec entrenado: "
            "devuelve el modelo, que guarda también sus hiperparámetros; sus vectores siguen en model.wv.",
            "You return model.wv (the vectors, a KeyedVectors) instead of the trained Word2Vec model: return the "
            "model, which also keeps its hyperparameters; its vectors are still in model.wv.",
            _keyed_vectors, _returns_keyed_vectors),
    Mistake("embeddings.w2v_workers",
            "Tu modelo no se entrena con un solo hilo (workers=1): con varios, el resultado cambia de una "
            "ejecución a otra aunque fijes la semilla.",
            "Your model is not trained with a single thread (workers=1): with several, the result changes "
            "from run to run even with a fixed seed.", _three_workers, _not_one_worker),
    Mistake("embeddings.w2v_argument_ignored",
            "Tu modelo no usa alguno de los hiperparámetros que recibe la función (vector_size, window, "
            "min_count, sg, epochs o seed): pásalos todos a Word2Vec por su nombre en lugar de fijar valores.",
            "Your model ignores one of the hyperparameters the function receives (vector_size, window, "
            "min_count, sg, epochs or seed): pass them all to Word2Vec by name instead of fixing values.",
            _fixed_window, _argument_ignored),
]


# -- load_glove ------------------------------------------------------------------------------
def _glove_float64(path):
    return {word: vector.astype(np.float64) for word, vector in key.load_glove(path).items()}


def _glove_header_skipped(path):
    vectors = {}
    with open(path, encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            word, coefs = line.split(maxsplit=1)
            vectors[word] = np.array(coefs.split(), dtype=np.float32)
    return vectors


GLOVE = [
    Mistake("embeddings.glove_float64",
            "Tus vectores son float64: como en el ejemplo de Keras, léelos en float32 "
            "(np.asarray(valores, dtype=\"float32\")), el tipo de los pesos de una capa Embedding.",
            "Your vectors are float64: as in the Keras example, read them as float32 "
            "(np.asarray(values, dtype=\"float32\")), the dtype of an Embedding layer's weights.", _glove_float64),
    Mistake("embeddings.glove_header_skipped",
            "Te saltas la primera línea del fichero como si fuera una cabecera (así es el formato de texto de "
            "word2vec): el formato GloVe no tiene cabecera y la primera línea ya es una palabra con su vector.",
            "You skip the file's first line as if it were a header (as in word2vec's text format): the GloVe "
            "format has no header and its first line is already a word with its vector.", _glove_header_skipped),
]


# -- build_embedding_matrix --------------------------------------------------------------------
def _sorted_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix[np.lexsort(matrix.T[::-1])] if matrix.size else matrix


def _rows_misaligned(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    matrix, reference = result(got), result(expected)
    if not isinstance(matrix, np.ndarray) or matrix.shape != getattr(reference, "shape", None):
        return False
    matrix, reference = matrix.astype(np.float64), reference.astype(np.float64)
    return not np.allclose(matrix, reference) and np.allclose(_sorted_rows(matrix), _sorted_rows(reference))


def _missing_not_zero(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    matrix, reference = result(got), result(expected)
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


def _random_layer(matrix):
    import keras

    return keras.layers.Embedding(matrix.shape[0], matrix.shape[1], trainable=False)


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
            _random_layer, _not_initialised),
]
