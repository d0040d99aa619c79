"""The mistakes students make in this assignment, as buggy versions of the answer key or as
detectors on the student's observations: here from text to vectors (tokens, vocabulary, indices,
one-hot, lookup, cosine); ``mistakes_models`` has Word2Vec, GloVe and the embedding layers.

Where a mistake has many spellings (pad and unk swapped, or real words starting at 1, or no
specials at all) a detector recognises the whole family; the implementation given alongside
is one concrete spelling, used by the fast tests.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np

from autograder.api import Case, CaseOutcome, Mistake, Raised

from . import key
from .key import PAD, UNK

SPECIALS = (PAD, UNK)


def result(outcome: CaseOutcome) -> Any:
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


def _ascii_regex(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _sentence_split(text: str) -> list[str]:
    import nltk

    return [token.lower() for token in nltk.word_tokenize(text)]


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
            "nltk.word_tokenize(text, preserve_line=True).", _sentence_split, _needs_punkt),
    Mistake("embeddings.tokenize_ascii_regex",
            "Tokenizas con una expresión regular ASCII como [a-z]+: pierdes los signos de puntuación, que también "
            "son tokens, y partes las palabras con tildes o eñes («niño» da «ni» y «o»). Usa "
            "nltk.word_tokenize(text, preserve_line=True).",
            "You tokenise with an ASCII regular expression such as [a-z]+: you lose the punctuation marks, which "
            "are tokens too, and split every word with an accented letter in two. Use "
            "nltk.word_tokenize(text, preserve_line=True).", _ascii_regex),
]


# -- build_vocab -----------------------------------------------------------------------------
def _words_by_index(vocab: Any) -> list[str] | None:
    """The vocabulary's real words in index order, or None if it is not a str -> int dict."""
    if not isinstance(vocab, dict) or not all(isinstance(i, (int, np.integer)) for i in vocab.values()):
        return None
    return [w for w, _ in sorted(vocab.items(), key=lambda item: int(item[1])) if w not in SPECIALS]


def _specials_misplaced(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    vocab, reference = result(got), result(expected)
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


def _default_dtype(tokens, vocab):
    return np.array([vocab.get(t, 1) for t in tokens])


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
    Mistake("embeddings.empty_encoding_float",
            "Con una lista de tokens vacía devuelves un array float64: np.array([]) no sabe que serán enteros. "
            "Indica el tipo, np.array(..., dtype=np.int64), y la secuencia vacía sigue siendo de enteros.",
            "For an empty token list you return a float64 array: np.array([]) cannot know they are integers. "
            "Give the dtype, np.array(..., dtype=np.int64), and the empty sequence stays an integer one.",
            _default_dtype),
]


# -- one_hot_encode ----------------------------------------------------------------------------
def _one_hot_float64(indices, vocab_size):
    return np.eye(vocab_size)[np.asarray(indices)]


def _size_from_indices(indices, vocab_size):
    indices = np.asarray(indices)
    return np.eye(int(indices.max()) + 1, dtype=np.float32)[indices]


ONE_HOT = [
    Mistake("embeddings.one_hot_float64",
            "Tu matriz one-hot es float64 (np.eye y np.zeros crean float64 por defecto): la función devuelve "
            "float32, como dice su docstring; usa np.eye(vocab_size, dtype=np.float32).",
            "Your one-hot matrix is float64 (np.eye and np.zeros make float64 by default): the function returns "
            "float32, as its docstring says; use np.eye(vocab_size, dtype=np.float32).", _one_hot_float64),
    Mistake("embeddings.one_hot_size_from_indices",
            "Deduces el número de columnas del índice más alto (max(indices) + 1) en lugar de usar vocab_size: "
            "la matriz tiene siempre vocab_size columnas, aparezcan o no los índices altos.",
            "You infer the number of columns from the highest index (max(indices) + 1) instead of using "
            "vocab_size: the matrix always has vocab_size columns, whether the high indices occur or not.",
            _size_from_indices),
]


# -- embedding_lookup ----------------------------------------------------------------------
def _one_hot_float64_lookup(indices, W):
    return np.eye(W.shape[0])[np.asarray(indices)] @ W


def _squeezed_lookup(indices, W):
    return np.squeeze(W[np.asarray(indices)])


LOOKUP = [
    Mistake("embeddings.float64_result",
            "Con W en float32 devuelves float64: multiplicar por un one-hot creado con np.eye o np.zeros (que "
            "son float64), o rellenar una matriz np.zeros, cambia el tipo. Indexa directamente, W[indices], "
            "que conserva el tipo de W.",
            "With W in float32 you return float64: multiplying by a one-hot made with np.eye or np.zeros "
            "(float64), or filling an np.zeros matrix, changes the dtype. Index directly, W[indices], which "
            "keeps W's dtype.", _one_hot_float64_lookup),
    Mistake("embeddings.squeeze",
            "Usas np.squeeze, que elimina todos los ejes de tamaño 1: con un solo índice o con embeddings de "
            "dimensión 1 la forma cambia. El resultado tiene la forma de indices más la dimensión del embedding.",
            "You use np.squeeze, which drops every axis of size 1: with a single index or embeddings of "
            "dimension 1 the shape changes. The result has the shape of indices plus the embedding dimension.",
            _squeezed_lookup),
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
    value = result(got)
    try:
        return bool(np.isnan(value)) and result(expected) == 0.0
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
