"""Hidden checks for the one-hot vs embeddings assignment.

Tolerances:

| check | comparison | tolerance | why |
|---|---|---|---|
| tokenize, build_vocab, encode | exact (text, integers, dtype of encode) | | no arithmetic |
| one_hot_encode, embedding_lookup, load_glove | exact values and dtype (float32) | rel_error ≤ 1e-6 | copies of float32 values: any difference is a different value or dtype |
| cosine_similarity | float | rel_error ≤ 1e-6 | float64 arithmetic in another order: about 1e-15 |
| build_embedding_matrix, frozen_embedding_layer | float32 | rel_error ≤ 1e-6 | copies of float32 vectors |
| train_word2vec | float32 weights | rel_error ≤ 1e-5 | one worker and one seed reproduce gensim to the bit; the margin absorbs another BLAS |

Every case is drawn from the per-student generator: texts built from a word list with random
casing, punctuation and contractions; token lists with guaranteed frequency ties; random
indices and weight matrices in float32 and float64; zero vectors; vocabularies whose dict order
differs from their indices. Each check lists its edge cases in ``edges`` (label shown in feedback
-> what it catches); every student's case set holds all of them, each in its own case.

`train_word2vec` returns a gensim Word2Vec, which cannot cross the sandbox boundary, so its
cases observe the model's hyperparameters (attributes), its output weights `syn1neg` and
`predict_output_word` for a few words, which depends on the input vectors `wv.vectors` (not
reachable by an observation path). With one worker and the same seed gensim 4 training is
bit-for-bit reproducible in another process, whatever PYTHONHASHSEED is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.api import RESULT, Case, Check, Diagnosis, Observe, PackageFile, Text, compare_values

from . import key, mistakes, mistakes_models
from .sampling import ACCENTED_WORDS, UNKNOWN, corpus, text, token_lists

K_SEVERAL = Text("varias frases con comillas, paréntesis y contracciones",
                 "several sentences with quotes, brackets and contractions")
K_EMPTY = Text("texto vacío", "empty text")
K_ACCENTED = Text("texto con tildes, eñes y signos de apertura", "text with accented letters and opening marks")


class Tokenize(Check):
    name = "tokenize"
    reference = staticmethod(key.tokenize)
    mistakes = mistakes.TOKENIZE
    edges = {
        K_SEVERAL: "splitting on spaces (punctuation and contractions stay glued); no lower-casing",
        K_EMPTY: "str.split(' ') and friends, which give [''] for an empty text",
        K_ACCENTED: "ASCII-only regular expressions that split accented words and drop punctuation",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        accented = " ".join(str(w) for w in rng.choice(ACCENTED_WORDS, size=int(rng.integers(6, 12))))
        return [Case(Text("una frase con puntuación y mayúsculas", "one sentence with punctuation and capitals"),
                     (text(rng, 1),)),
                Case(K_SEVERAL, (text(rng, 3),)),
                Case(Text("texto largo", "long text"), (text(rng, 6),)),
                Case(K_EMPTY, ("",)),
                Case(K_ACCENTED, (accented,))]


V_TIES = Text("listas de tokens con empates de frecuencia", "token lists with frequency ties")
V_MIN2 = Text("min_count = 2", "min_count = 2")
V_NONE = Text("ninguna lista de tokens", "no token lists at all")
V_ABOVE = Text("min_count mayor que cualquier frecuencia (solo quedan los especiales)",
               "min_count above every count (only the special tokens remain)")


class BuildVocab(Check):
    name = "build_vocab"
    reference = staticmethod(key.build_vocab)
    mistakes = mistakes.BUILD_VOCAB
    edges = {
        V_TIES: "ties left in order of first appearance (Counter.most_common) or sorted alphabetically only",
        V_MIN2: "count > min_count instead of count >= min_count",
        V_NONE: "an empty corpus must still give <pad> = 0 and <unk> = 1",
        V_ABOVE: "the special tokens dropped or renumbered when no word is kept",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        lists = token_lists(rng)
        above = max(sum(tokens.count(w) for tokens in lists) for w in {w for t in lists for w in t}) + 1
        return [Case(V_TIES, (token_lists(rng),)),
                Case(Text("otras listas con empates, min_count = 1 explícito",
                          "other lists with ties, explicit min_count = 1"), (token_lists(rng),), {"min_count": 1}),
                Case(V_MIN2, (token_lists(rng, 2),), {"min_count": 2}),
                Case("min_count = 3", (token_lists(rng, 3),), {"min_count": 3}),
                Case(V_NONE, ([[] for _ in range(int(rng.integers(0, 3)))],)),
                Case(V_ABOVE, (lists,), {"min_count": above + int(rng.integers(0, 3))})]


E_MIXED = Text("tokens conocidos y desconocidos", "known and unknown tokens")
E_UNKNOWN = Text("solo palabras desconocidas", "unknown words only")
E_EMPTY = Text("lista de tokens vacía", "empty token list")


class Encode(Check):
    name = "encode"
    reference = staticmethod(key.encode)
    mistakes = mistakes.ENCODE
    strict_dtype = True
    edges = {
        E_MIXED: "unknown words mapped to <pad> (0) or dropped",
        E_UNKNOWN: "the same, when every token is unknown",
        E_EMPTY: "np.array([]) without a dtype, which is float64",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, known, unknown in ((E_MIXED, 6, 3), (E_UNKNOWN, 0, 4),
                                      (Text("solo palabras conocidas", "known words only"), 7, 0), (E_EMPTY, 0, 0)):
            vocab = key.build_vocab(token_lists(rng))
            words = [w for w in vocab if w not in mistakes.SPECIALS]
            tokens = [str(w) for w in [*rng.choice(words, size=known), *rng.choice(UNKNOWN, size=unknown)]]
            cases.append(Case(label, ([tokens[i] for i in rng.permutation(len(tokens))], vocab)))
        return cases


O_SINGLE = Text("un solo índice", "a single index")
O_ENDS = Text("el relleno (0) y el último índice", "the padding (0) and the last index")
O_LOW = Text("índices que no llegan al final del vocabulario", "indices that do not reach the end of the vocabulary")
O_ONE_WORD = Text("vocabulario de una sola palabra (V = 1)", "vocabulary of a single word (V = 1)")


class OneHotEncode(Check):
    name = "one_hot_encode"
    reference = staticmethod(key.one_hot_encode)
    mistakes = mistakes.ONE_HOT
    rtol = 1e-6
    strict_dtype = True
    edges = {
        O_SINGLE: "np.squeeze, which drops the row axis",
        O_ENDS: "an off-by-one in the column of index 0 or of index V − 1",
        O_LOW: "the number of columns inferred from max(indices) + 1 instead of vocab_size",
        O_ONE_WORD: "np.squeeze, which drops the column axis",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        size = int(rng.integers(6, 15))
        ends = np.array([0, size - 1, int(rng.integers(1, size - 1)), 0])
        return [Case(Text("índices aleatorios", "random indices"),
                     (rng.integers(0, size, size=int(rng.integers(4, 9))), size)),
                Case(O_SINGLE, (rng.integers(2, size, size=1), size)),
                Case(O_ENDS, (ends, size)),
                Case(O_LOW, (rng.integers(0, size - 2, size=int(rng.integers(3, 7))), size)),
                Case(O_ONE_WORD, (np.zeros(int(rng.integers(2, 5)), dtype=np.int64), 1))]


def _weights(rng: np.random.Generator, dtype: str, dim: int | None = None) -> np.ndarray:
    return rng.normal(size=(int(rng.integers(6, 15)), dim or int(rng.integers(2, 7)))).astype(dtype)


L_FLOAT32 = Text("W en float32", "W in float32")
L_SINGLE = Text("un solo índice", "a single index")
L_DIM1 = Text("embeddings de dimensión 1", "embeddings of dimension 1")


class EmbeddingLookup(Check):
    name = "embedding_lookup"
    reference = staticmethod(key.embedding_lookup)
    mistakes = mistakes.LOOKUP
    rtol = 1e-6
    strict_dtype = True
    edges = {
        L_FLOAT32: "float64 results from a one-hot product or an np.zeros buffer",
        L_SINGLE: "np.squeeze, which drops the index axis",
        L_DIM1: "np.squeeze, which drops the embedding axis",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        observe = (RESULT, Observe("value", ("arg", 0)), Observe("value", ("arg", 1)))
        cases = []
        settings = ((L_FLOAT32, "float32", (5,), False, None),
                    (Text("W en float64", "W in float64"), "float64", (4,), False, None),
                    (Text("lote de secuencias (índices 2-D), W en float32",
                          "batch of sequences (2-D indices), W in float32"), "float32", (2, 3), False, None),
                    (Text("índices repetidos, W en float64", "repeated indices, W in float64"), "float64", (6,), True,
                     None),
                    (L_SINGLE, "float32", (1,), False, None),
                    (L_DIM1, "float64", (int(rng.integers(3, 7)),), False, 1))
        for label, dtype, shape, repeated, dim in settings:
            W = _weights(rng, dtype, dim)
            indices = rng.integers(0, len(W), size=shape)
            if repeated:
                indices[-2:] = indices[0]
            cases.append(Case(label, (indices, W), observe=observe))
        return cases


C_PARALLEL = Text("vectores paralelos de distinta longitud", "parallel vectors of different lengths")
C_OPPOSITE = Text("vectores opuestos", "opposite vectors")
C_FIRST_ZERO = Text("el primer vector es nulo", "the first vector is zero")
C_BOTH_ZERO = Text("los dos vectores son nulos", "both vectors are zero")
C_DIM1 = Text("vectores de una sola dimensión", "one-dimensional vectors")


class CosineSimilarity(Check):
    name = "cosine_similarity"
    reference = staticmethod(key.cosine_similarity)
    mistakes = mistakes.COSINE
    rtol = 1e-6
    edges = {
        C_PARALLEL: "a missing division by the norms (the answer is exactly 1)",
        C_OPPOSITE: "the cosine distance 1 − similarity (the answer is −1)",
        C_FIRST_ZERO: "dividing by a zero norm",
        C_BOTH_ZERO: "dividing 0 by 0",
        C_DIM1: "the sign of a one-dimensional product (the answer is ±1)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        dim = int(rng.integers(3, 9))
        u = rng.normal(size=dim)
        return [Case(Text("vectores aleatorios", "random vectors"), (rng.normal(size=dim) * 3, rng.normal(size=dim))),
                Case(C_PARALLEL, (u, u * float(rng.uniform(2.0, 5.0)))),
                Case(C_OPPOSITE, (u * 2.0, -u)),
                Case(C_FIRST_ZERO, (np.zeros(dim), rng.normal(size=dim))),
                Case(C_BOTH_ZERO, (np.zeros(dim), np.zeros(dim))),
                Case(C_DIM1, (rng.normal(size=1) * 4, rng.normal(size=1)))]


W_DEFAULT = Text("valores por defecto (skip-gram)", "default values (skip-gram)")
W_RANDOM = Text("skip-gram con hiperparámetros aleatorios", "skip-gram with random hyperparameters")
W_CBOW = Text("CBOW (sg = 0) con min_count = 2", "CBOW (sg = 0) with min_count = 2")


class TrainWord2Vec(Check):
    name = "train_word2vec"
    reference = staticmethod(key.train_word2vec)
    mistakes = mistakes_models.WORD2VEC
    # Same seed, one worker: reproducible up to the BLAS code path, which depends on memory
    # alignment and so changes from run to run; trained weights near zero then differ in their
    # last bits, which a relative tolerance alone reads as a wrong value. ATOL is that floor.
    rtol = 1e-5
    ATOL = 1e-7
    edges = {
        W_DEFAULT: "the function's defaults replaced by gensim's; gensim 3 keywords; model.wv returned",
        W_RANDOM: "a hyperparameter fixed instead of passed on; more than one worker",
        W_CBOW: "sg or min_count ignored (words seen once must leave the vocabulary)",
    }

    def compare(self, case: Case, got: Any, expected: Any) -> Diagnosis | None:
        diagnosis = super().compare(case, got, expected)
        if diagnosis is None or diagnosis.mistake != "wrong_values" or not isinstance(got, list):
            return diagnosis
        close = len(got) == len(expected) and all(self._close(g, e) for g, e in zip(got, expected, strict=True))
        return None if close else diagnosis

    def _close(self, got: Any, expected: Any) -> bool:
        if isinstance(expected, np.ndarray) and expected.dtype.kind == "f":
            return (isinstance(got, np.ndarray) and got.shape == expected.shape
                    and bool(np.allclose(got, expected, rtol=self.rtol, atol=self.ATOL)))
        if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)):
            return len(got) == len(expected) and all(self._close(g, e) for g, e in zip(got, expected, strict=True))
        if isinstance(expected, (float, np.floating)) and isinstance(got, (float, np.floating)):
            return bool(np.isclose(got, expected, rtol=self.rtol, atol=self.ATOL))
        return compare_values(got, expected, self.rtol) is None

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def hyperparameters(min_count: int, sg: int) -> dict[str, int]:
            return {"vector_size": int(rng.integers(8, 21)), "window": int(rng.integers(2, 6)),
                    "min_count": min_count, "sg": sg, "epochs": int(rng.integers(3, 11)),
                    "seed": int(rng.integers(1, 1000))}

        cases = []
        settings = ((W_DEFAULT, {}), (W_RANDOM, hyperparameters(min_count=1, sg=1)),
                    (W_CBOW, hyperparameters(min_count=2, sg=0)))
        for label, kwargs in settings:
            sentences = corpus(rng, 30, rare=3)
            frequent = sorted({w for s in sentences for w in s if sum(t.count(w) for t in sentences) >= 2})
            probes = [str(w) for w in rng.choice(frequent, size=2, replace=False)]
            observe = (*(Observe("attr", name=n) for n in (*mistakes_models.HYPERPARAMETERS, "workers", "corpus_count")),
                       Observe("attr", name="syn1neg"),
                       *(Observe("method", name="predict_output_word", args=([w],), kwargs={"topn": 5})
                         for w in probes))
            cases.append(Case(label, (sentences,), kwargs, observe=observe))
        return cases


G_FILE = Text("el fichero GloVe de prueba de gensim (76 palabras, 50 dimensiones)",
              "gensim's GloVe test file (76 words, 50 dimensions)")


class LoadGlove(Check):
    name = "load_glove"
    reference = staticmethod(key.load_glove)
    mistakes = mistakes_models.GLOVE
    rtol = 1e-6
    strict_dtype = True
    # One fixed file: its first line is a word (no header) and its values need float32.
    edges = {G_FILE: "a skipped first line (word2vec's header), float64 vectors, words split at spaces"}

    def cases(self, rng: np.random.Generator) -> list[Case]:
        # The file ships with gensim; each side resolves it in its own installation.
        path = PackageFile("gensim", "test/test_data/test_glove.txt")
        words = list(key.load_glove(path.build()))
        probes = [str(w) for w in rng.choice(words, size=4, replace=False)]
        observe = (Observe("method", name="__len__"), Observe("value", ("result", "the")),
                   *(Observe("value", ("result", w)) for w in probes))
        return [Case(G_FILE, (path,), observe=observe)]


def _shuffled(vocab: dict[str, int], rng: np.random.Generator) -> dict[str, int]:
    items = list(vocab.items())
    return dict(items[i] for i in rng.permutation(len(items)))


X_SHUFFLED = Text("diccionario del vocabulario en un orden distinto del de sus índices",
                  "vocabulary dict in an order other than its indices'")
X_FEW = Text("pocas palabras con vector", "few words with a vector")
X_NONE = Text("ninguna palabra tiene vector", "no word has a vector")
X_DIM1 = Text("vectores de dimensión 1", "vectors of dimension 1")


class BuildEmbeddingMatrix(Check):
    name = "build_embedding_matrix"
    reference = staticmethod(key.build_embedding_matrix)
    mistakes = mistakes_models.MATRIX
    rtol = 1e-6
    edges = {
        X_SHUFFLED: "rows placed by the dict's order or a list position instead of vocab[word]",
        X_FEW: "missing words filled with random values or ones instead of zeros",
        X_NONE: "a matrix that is not all zeros when no word has a vector",
        X_DIM1: "np.squeeze or vectors stored as scalars",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        settings = ((Text("palabras con y sin vector", "words with and without a vector"), 0.6, False, None),
                    (X_SHUFFLED, 0.6, True, None), (X_FEW, 0.3, False, None), (X_NONE, 0.0, False, None),
                    (X_DIM1, 0.6, False, 1))
        for label, share, shuffle, dim in settings:
            vocab = key.build_vocab(token_lists(rng))
            dim = dim or int(rng.integers(3, 9))
            words = [w for w in vocab if w not in mistakes.SPECIALS]
            count = max(2, round(share * len(words))) if share else 0
            chosen = [str(w) for w in rng.choice(words, size=count, replace=False)]
            vectors = {w: rng.normal(size=dim).astype("float32") for w in [*chosen, *UNKNOWN[:2]]}
            cases.append(Case(label, (_shuffled(vocab, rng) if shuffle else vocab, vectors, dim)))
        return cases


F_ONE_WORD = Text("vocabulario de una sola palabra", "vocabulary of a single word")
F_DIM1 = Text("embeddings de dimensión 1", "embeddings of dimension 1")


class FrozenEmbeddingLayer(Check):
    name = "frozen_embedding_layer"
    reference = staticmethod(key.frozen_embedding_layer)
    mistakes = mistakes_models.FROZEN
    rtol = 1e-6
    edges = {
        F_ONE_WORD: "input_dim taken from elsewhere than the matrix (it has one row)",
        F_DIM1: "output_dim taken from elsewhere than the matrix (it has one column)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, rows, columns in ((Text("matriz aleatoria", "random matrix"), None, None),
                                     (Text("otra matriz aleatoria", "another random matrix"), None, None),
                                     (F_ONE_WORD, 1, None), (F_DIM1, None, 1)):
            matrix = rng.normal(size=(rows or int(rng.integers(5, 16)),
                                      columns or int(rng.integers(2, 7)))).astype("float32")
            indices = rng.integers(0, len(matrix), size=(2, 4))
            # Calling the layer first builds it, so its weights exist when observed.
            observe = (Observe("method", name="__call__", args=(indices,)), Observe("attr", name="trainable"),
                       Observe("attr", name="input_dim"), Observe("attr", name="output_dim"), Observe("weights"))
            cases.append(Case(label, (matrix,), observe=observe))
        return cases


CHECKS = [Tokenize(), BuildVocab(), Encode(), OneHotEncode(), EmbeddingLookup(), CosineSimilarity(),
          TrainWord2Vec(), LoadGlove(), BuildEmbeddingMatrix(), FrozenEmbeddingLayer()]
