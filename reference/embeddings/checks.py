"""Hidden checks for the one-hot vs embeddings assignment.

Every case is drawn from the per-student generator: texts built from a word list with random
casing, punctuation and contractions; token lists with guaranteed frequency ties; random
indices and weight matrices in float32 and float64; zero vectors; vocabularies whose dict order
differs from their indices. Text and integer results must match the answer key exactly;
floats to a relative error of 1e-6 (1e-5 for the trained Word2Vec weights), and
`embedding_lookup` and `load_glove` must also keep the expected dtype.

`train_word2vec` returns a gensim Word2Vec, which cannot cross the sandbox boundary, so its
cases observe the model's hyperparameters (attributes), its output weights `syn1neg` and
`predict_output_word` for a few words, which depends on the input vectors `wv.vectors` (not
reachable by an observation path). With one worker and the same seed gensim 4 training is
bit-for-bit reproducible in another process, whatever PYTHONHASHSEED is.
"""

from __future__ import annotations

import numpy as np

from autograder.api import RESULT, Case, Check, Observe, PackageFile, Text

from . import key, mistakes

WORDS = ("the", "economy", "government", "bank", "minister", "police", "fire", "australia", "market", "people",
         "said", "new", "year", "sydney", "president", "world", "water", "city", "team", "rates")
CONTRACTIONS = ("don't", "it's", "can't", "isn't", "we're", "they'll", "won't", "i'm")
NUMBERS = ("2001", "3.5", "100", "12")
POOL = ("gato", "perro", "casa", "río", "sol", "luna", "mar", "pan", "vino", "libro", "mesa", "tren", "flor",
        "nube", "cielo", "árbol", "calle", "playa", "lápiz", "reloj")
UNKNOWN = ("queso", "barco", "nieve", "puerta", "silla", "campo")


def _text(rng: np.random.Generator, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        tokens = []
        for position in range(int(rng.integers(5, 11))):
            word = str(rng.choice(WORDS + CONTRACTIONS + NUMBERS))
            roll = rng.random()
            if position == 0 or roll < 0.2:
                word = word.capitalize()
            elif roll < 0.3:
                word = word.upper()
            if rng.random() < 0.15:
                word = f'"{word}"' if rng.random() < 0.5 else f"({word})"
            if rng.random() < 0.2:
                word += str(rng.choice([",", ";", ":"]))
            tokens.append(word)
        out.append(" ".join(tokens) + str(rng.choice([".", "!", "?"])))
    return " ".join(out)


class Tokenize(Check):
    name = "tokenize"
    reference = staticmethod(key.tokenize)
    mistakes = mistakes.TOKENIZE

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("una frase con puntuación y mayúsculas", "one sentence with punctuation and capitals"),
                     (_text(rng, 1),)),
                Case(Text("varias frases con comillas, paréntesis y contracciones",
                          "several sentences with quotes, brackets and contractions"), (_text(rng, 3),)),
                Case(Text("texto largo", "long text"), (_text(rng, 6),))]


def _token_lists(rng: np.random.Generator, min_count: int = 1) -> list[list[str]]:
    """Random token lists that the wrong orders cannot pass: the most frequent word sorts after two
    rarer ones, two words tie in reverse alphabetical order of first appearance, and one word
    occurs exactly min_count times."""
    pool = [str(w) for w in rng.permutation(POOL)]
    common, rare = pool[:8], sorted(pool[8:11])
    lists = [[str(w) for w in rng.choice(common, size=int(rng.integers(2, 7)))] for _ in range(int(rng.integers(3, 6)))]
    top = max(sum(tokens.count(w) for tokens in lists) for w in common)
    lists.append([rare[2]] * (top + 1))
    lists.append([rare[1], rare[0]] * min_count)
    lists.append([pool[11]] * min_count)
    order = rng.permutation(len(lists))
    return [lists[i] for i in order]


class BuildVocab(Check):
    name = "build_vocab"
    reference = staticmethod(key.build_vocab)
    mistakes = mistakes.BUILD_VOCAB

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("listas de tokens con empates de frecuencia", "token lists with frequency ties"),
                     (_token_lists(rng),)),
                Case(Text("otras listas con empates, min_count = 1 explícito",
                          "other lists with ties, explicit min_count = 1"), (_token_lists(rng),), {"min_count": 1}),
                Case("min_count = 2", (_token_lists(rng, 2),), {"min_count": 2}),
                Case("min_count = 3", (_token_lists(rng, 3),), {"min_count": 3})]


class Encode(Check):
    name = "encode"
    reference = staticmethod(key.encode)
    mistakes = mistakes.ENCODE

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label, known, unknown in ((Text("tokens conocidos y desconocidos", "known and unknown tokens"), 6, 3),
                                      (Text("solo palabras desconocidas", "unknown words only"), 0, 4),
                                      (Text("solo palabras conocidas", "known words only"), 7, 0)):
            vocab = key.build_vocab(_token_lists(rng))
            words = [w for w in vocab if w not in mistakes.SPECIALS]
            tokens = [str(w) for w in [*rng.choice(words, size=known), *rng.choice(UNKNOWN, size=unknown)]]
            cases.append(Case(label, ([tokens[i] for i in rng.permutation(len(tokens))], vocab)))
        return cases


class OneHotEncode(Check):
    name = "one_hot_encode"
    reference = staticmethod(key.one_hot_encode)
    rtol = 1e-6

    def cases(self, rng: np.random.Generator) -> list[Case]:
        size = int(rng.integers(6, 15))
        ends = np.array([0, size - 1, int(rng.integers(1, size - 1)), 0])
        return [Case(Text("índices aleatorios", "random indices"),
                     (rng.integers(0, size, size=int(rng.integers(4, 9))), size)),
                Case(Text("un solo índice", "a single index"), (rng.integers(2, size, size=1), size)),
                Case(Text("el relleno (0) y el último índice", "the padding (0) and the last index"), (ends, size))]


def _weights(rng: np.random.Generator, dtype: str) -> np.ndarray:
    return rng.normal(size=(int(rng.integers(6, 15)), int(rng.integers(2, 7)))).astype(dtype)


class EmbeddingLookup(Check):
    name = "embedding_lookup"
    reference = staticmethod(key.embedding_lookup)
    mistakes = mistakes.LOOKUP
    rtol = 1e-6
    strict_dtype = True

    def cases(self, rng: np.random.Generator) -> list[Case]:
        observe = (RESULT, Observe("value", ("arg", 0)), Observe("value", ("arg", 1)))
        cases = []
        settings = ((Text("W en float32", "W in float32"), "float32", (5,), False),
                    (Text("W en float64", "W in float64"), "float64", (4,), False),
                    (Text("lote de secuencias (índices 2-D), W en float32",
                          "batch of sequences (2-D indices), W in float32"), "float32", (2, 3), False),
                    (Text("índices repetidos, W en float64", "repeated indices, W in float64"), "float64", (6,), True))
        for label, dtype, shape, repeated in settings:
            W = _weights(rng, dtype)
            indices = rng.integers(0, len(W), size=shape)
            if repeated:
                indices[-2:] = indices[0]
            cases.append(Case(label, (indices, W), observe=observe))
        return cases


class CosineSimilarity(Check):
    name = "cosine_similarity"
    reference = staticmethod(key.cosine_similarity)
    mistakes = mistakes.COSINE
    rtol = 1e-6

    def cases(self, rng: np.random.Generator) -> list[Case]:
        dim = int(rng.integers(3, 9))
        u = rng.normal(size=dim)
        return [Case(Text("vectores aleatorios", "random vectors"), (rng.normal(size=dim) * 3, rng.normal(size=dim))),
                Case(Text("vectores paralelos de distinta longitud", "parallel vectors of different lengths"),
                     (u, u * float(rng.uniform(2.0, 5.0)))),
                Case(Text("vectores opuestos", "opposite vectors"), (u * 2.0, -u)),
                Case(Text("el primer vector es nulo", "the first vector is zero"),
                     (np.zeros(dim), rng.normal(size=dim))),
                Case(Text("los dos vectores son nulos", "both vectors are zero"), (np.zeros(dim), np.zeros(dim)))]


def _corpus(rng: np.random.Generator, sentences: int, rare: int = 0) -> list[list[str]]:
    words = [str(w) for w in rng.permutation(POOL)[:12]]
    weights = rng.dirichlet(np.ones(len(words)))
    corpus = [[str(w) for w in rng.choice(words, size=int(rng.integers(4, 11)), p=weights)]
              for _ in range(sentences)]
    for word in UNKNOWN[:rare]:
        corpus[int(rng.integers(len(corpus)))].append(word)
    return corpus


class TrainWord2Vec(Check):
    name = "train_word2vec"
    reference = staticmethod(key.train_word2vec)
    mistakes = mistakes.WORD2VEC
    # Same seed, one worker: reproducible to the bit; the tolerance only absorbs a different BLAS.
    rtol = 1e-5

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def hyperparameters(min_count: int, sg: int) -> dict[str, int]:
            return {"vector_size": int(rng.integers(8, 21)), "window": int(rng.integers(2, 6)),
                    "min_count": min_count, "sg": sg, "epochs": int(rng.integers(3, 11)),
                    "seed": int(rng.integers(1, 1000))}

        cases = []
        settings = ((Text("valores por defecto (skip-gram)", "default values (skip-gram)"), {}),
                    (Text("skip-gram con hiperparámetros aleatorios", "skip-gram with random hyperparameters"),
                     hyperparameters(min_count=1, sg=1)),
                    (Text("CBOW (sg = 0) con min_count = 2", "CBOW (sg = 0) with min_count = 2"),
                     hyperparameters(min_count=2, sg=0)))
        for label, kwargs in settings:
            corpus = _corpus(rng, 30, rare=3)
            frequent = sorted({w for s in corpus for w in s if sum(t.count(w) for t in corpus) >= 2})
            probes = [str(w) for w in rng.choice(frequent, size=2, replace=False)]
            observe = (*(Observe("attr", name=n) for n in (*mistakes.HYPERPARAMETERS, "workers", "corpus_count")),
                       Observe("attr", name="syn1neg"),
                       *(Observe("method", name="predict_output_word", args=([w],), kwargs={"topn": 5})
                         for w in probes))
            cases.append(Case(label, (corpus,), kwargs, observe=observe))
        return cases


class LoadGlove(Check):
    name = "load_glove"
    reference = staticmethod(key.load_glove)
    mistakes = mistakes.GLOVE
    rtol = 1e-6
    strict_dtype = True

    def cases(self, rng: np.random.Generator) -> list[Case]:
        # The file ships with gensim; each side resolves it in its own installation.
        path = PackageFile("gensim", "test/test_data/test_glove.txt")
        words = list(key.load_glove(path.build()))
        probes = [str(w) for w in rng.choice(words, size=4, replace=False)]
        observe = (Observe("method", name="__len__"), Observe("value", ("result", "the")),
                   *(Observe("value", ("result", w)) for w in probes))
        return [Case(Text("el fichero GloVe de prueba de gensim (76 palabras, 50 dimensiones)",
                          "gensim's GloVe test file (76 words, 50 dimensions)"), (path,),
                     observe=observe)]


def _shuffled(vocab: dict[str, int], rng: np.random.Generator) -> dict[str, int]:
    items = list(vocab.items())
    return dict(items[i] for i in rng.permutation(len(items)))


class BuildEmbeddingMatrix(Check):
    name = "build_embedding_matrix"
    reference = staticmethod(key.build_embedding_matrix)
    mistakes = mistakes.MATRIX
    rtol = 1e-6

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        settings = ((Text("palabras con y sin vector", "words with and without a vector"), 0.6, False),
                    (Text("diccionario del vocabulario en un orden distinto del de sus índices",
                          "vocabulary dict in an order other than its indices'"), 0.6, True),
                    (Text("pocas palabras con vector", "few words with a vector"), 0.3, False))
        for label, share, shuffle in settings:
            vocab = key.build_vocab(_token_lists(rng))
            dim = int(rng.integers(3, 9))
            words = [w for w in vocab if w not in mistakes.SPECIALS]
            chosen = [str(w) for w in rng.choice(words, size=max(2, round(share * len(words))), replace=False)]
            vectors = {w: rng.normal(size=dim).astype("float32") for w in [*chosen, *UNKNOWN[:2]]}
            cases.append(Case(label, (_shuffled(vocab, rng) if shuffle else vocab, vectors, dim)))
        return cases


class FrozenEmbeddingLayer(Check):
    name = "frozen_embedding_layer"
    reference = staticmethod(key.frozen_embedding_layer)
    mistakes = mistakes.FROZEN
    rtol = 1e-6

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for label in (Text("matriz aleatoria", "random matrix"),
                      Text("otra matriz aleatoria", "another random matrix")):
            matrix = rng.normal(size=(int(rng.integers(5, 16)), int(rng.integers(2, 7)))).astype("float32")
            indices = rng.integers(0, len(matrix), size=(2, 4))
            # Calling the layer first builds it, so its weights exist when observed.
            observe = (Observe("method", name="__call__", args=(indices,)), Observe("attr", name="trainable"),
                       Observe("attr", name="input_dim"), Observe("attr", name="output_dim"), Observe("weights"))
            cases.append(Case(label, (matrix,), observe=observe))
        return cases


CHECKS = [Tokenize(), BuildVocab(), Encode(), OneHotEncode(), EmbeddingLookup(), CosineSimilarity(),
          TrainWord2Vec(), LoadGlove(), BuildEmbeddingMatrix(), FrozenEmbeddingLayer()]
