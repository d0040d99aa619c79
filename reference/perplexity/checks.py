"""Hidden checks for the language-model evaluation assignment (perplexity and the bigram model here,
precision/recall/F1 and BLEU in ``checks_bleu``).

Tolerances (every check):

| comparison | tolerance | why |
|---|---|---|
| perplexities, probabilities, metrics, BLEU (float64) | rel_error ≤ 1e-7 | a correct student sums in another order or uses numpy instead of math: about 1e-15 relative, 1e-13 after exp of a mean over a thousand tokens |
| infinite results (a token with probability 0) | exact: inf must be inf | 0 · log 0 and log(0) fail in ways a finite tolerance would hide |
| the model train_bigram_lm returns | the probabilities it defines, rel 1e-7 | its layout is free (Counters, lists, nested dicts); the numbers are not |
| text, integers, arguments after the call | exact | |

Each check lists its edge cases in ``edges`` (label shown in feedback -> what it catches); every
student's case set holds all of them, each in its own case, drawn around the edge from the
student's generator. Smoothing constants k are never 1, so a hard-coded Laplace model cannot pass.
List arguments are observed after the call to catch in-place changes (inserting <s> into the
caller's sentence, for example).

The model that train_bigram_lm returns is judged through the probabilities it defines (read with
mistakes.lm_reader); bigram_prob and the perplexities receive models in the documented layout,
built by the key. The perplexities call the student's own bigram_prob, so its known mistakes are
named there too.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.api import RESULT, Case, CaseOutcome, Check, Diagnosis, Observe, Text

from . import checks_bleu, key, mistakes, mistakes_lm
from .key import BOS, EOS
from .sampling import ACCENTED, K_VALUES, corpus, sentence, smoothing_k, vocabulary

OOV = mistakes.OOV


def _with_arg(index: int) -> tuple[Observe, ...]:
    return (RESULT, Observe("value", ("arg", index)))


def _unseen_pair(rng: np.random.Generator, lm: dict, vocab: list[str]) -> tuple[str, str] | None:
    pairs = [(a, b) for a in vocab for b in vocab if (a, b) not in lm["bigram_counts"]]
    return pairs[int(rng.integers(len(pairs)))] if pairs else None


def _lm_with_unseen_pair(rng: np.random.Generator, k: float, size: int = 4, count: int = 5):
    """A model, its training words, one bigram of training words that training never saw, and the
    training corpus. Every training word is a seen context, so k = 0 is defined on them."""
    while True:
        vocab = vocabulary(rng, size)
        sentences = corpus(rng, vocab, count)
        lm = key.train_bigram_lm(sentences, k)
        vocab = sorted(set(vocab) & lm["vocab"])
        pair = _unseen_pair(rng, lm, vocab)
        if pair is not None:
            return lm, vocab, pair, sentences


def _walk(rng: np.random.Generator, lm: dict, length: int) -> list[str]:
    """A sentence of at least ``length`` words made only of bigrams the model has seen, so that an
    unsmoothed model gives it a finite perplexity too."""
    following: dict[str, list[str]] = {}
    for prev, word in sorted(lm["bigram_counts"]):
        following.setdefault(prev, []).append(word)
    words: list[str] = []
    current = BOS
    while len(words) < length or EOS not in following[current]:
        options = [w for w in following[current] if w != EOS] or following[current]
        current = str(rng.choice(options))
        if current == EOS:  # a dead end: only </s> follows it
            words, current = [], BOS
            continue
        words.append(current)
    return words


def _underflowing(rng: np.random.Generator, k: float, sentences: int) -> tuple[dict, list[list[str]]]:
    """A model trained on long sentences (so most bigrams are seen) and sentences of seen bigrams whose
    token probabilities multiply to less than the smallest float (about 1e-324)."""
    vocab = vocabulary(rng, 4)
    lm = key.train_bigram_lm(corpus(rng, vocab, 6, 15, 25), k)
    for scale in range(1, 100):
        drawn = [_walk(rng, lm, 700 * scale // sentences) for _ in range(sentences)]
        if sum(key.sentence_nll(lm, s)[0] for s in drawn) > 800:
            return lm, drawn
    raise RuntimeError("no underflowing sentences for this model")


# -- perplexity ----------------------------------------------------------------------------------
def _probs(rng: np.random.Generator, shape: Any) -> np.ndarray:
    return rng.uniform(0.02, 1.0, size=shape)


def _padding_mask(rng: np.random.Generator, rows: int, length: int) -> np.ndarray:
    lengths = rng.integers(1, length, size=rows)  # every row but the first is padded
    lengths[0] = length  # the batch is padded to its longest sequence
    return np.arange(length)[None, :] < lengths[:, None]


P_BOOL = Text("máscara booleana que descarta relleno (lote 2-D)", "boolean mask that drops padding (2-D batch)")
P_INT = Text("máscara de enteros 0/1 en un vector", "0/1 integer mask on a vector")
P_ZERO_PADDING = Text("relleno con probabilidad 0", "padding with probability 0")
P_ZERO_REAL = Text("un token real con probabilidad 0", "a real token with probability 0")
P_SINGLE = Text("un solo token", "a single token")
P_UNIFORM = Text("probabilidades constantes (modelo uniforme)", "constant probabilities (a uniform model)")
P_TINY = Text("probabilidades diminutas", "tiny probabilities")
P_LONG = Text("secuencia larga de probabilidades pequeñas (su producto se anula)",
              "long sequence of small probabilities (their product underflows)")
P_PADDED_ROW = Text("una fila del lote que es toda relleno", "a batch row that is all padding")


class Perplexity(Check):
    name = "perplexity"
    reference = staticmethod(key.perplexity)
    mistakes = mistakes.PERPLEXITY
    edges = {
        P_BOOL: "padding counted in the mean or in N; averaging per-row perplexities (rows of different lengths)",
        P_INT: "an integer 0/1 mask used as indices instead of as a filter",
        P_ZERO_PADDING: "mask · log p, which is 0 · (−inf) = NaN on padding",
        P_ZERO_REAL: "an epsilon or clipping inside the log (the answer is infinite)",
        P_SINGLE: "dividing by N − 1 (or any off-by-one in N)",
        P_UNIFORM: "a uniform model over V words must give exactly V: inverse and log-base slips",
        P_TINY: "an epsilon added to p or a floor on p before log (p is below any usual epsilon)",
        P_LONG: "multiplying probabilities instead of summing logs (the product underflows to 0)",
        P_PADDED_ROW: "per-row means, which divide 0 by 0 on a row without real tokens",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        batch = _padding_mask(rng, 4, 7)
        zero_padded = _probs(rng, batch.shape) * batch  # padding has probability 0
        with_zero = _probs(rng, 6)
        with_zero[int(rng.integers(6))] = 0.0
        vector_mask = (rng.random(8) < 0.6).astype(np.int64)
        vector_mask[0] = 1  # at least one real token
        tiny = _probs(rng, int(rng.integers(6, 12)))
        tiny[rng.choice(len(tiny), size=3, replace=False)] = 10.0 ** -rng.uniform(25, 60, size=3)
        padded_row = _padding_mask(rng, 3, 6)
        padded_row[int(rng.integers(1, 3))] = False
        vocab_size = int(rng.integers(3, 50))
        return [
            Case(Text("vector de probabilidades sin máscara", "probability vector without a mask"),
                 (_probs(rng, int(rng.integers(6, 15))),)),
            Case(Text("lista de Python sin máscara", "Python list without a mask"),
                 ([float(p) for p in _probs(rng, 5)],)),
            Case(P_BOOL, (_probs(rng, batch.shape), batch)),
            Case(Text("máscara de enteros 0/1 que descarta relleno (lote 2-D)",
                      "0/1 integer mask that drops padding (2-D batch)"),
                 (_probs(rng, batch.shape), batch.astype(np.int64))),
            Case(P_INT, (_probs(rng, 8), vector_mask)),
            Case(P_ZERO_PADDING, (zero_padded, batch.astype(np.float64))),
            Case(P_ZERO_REAL, (with_zero,)),
            Case(P_SINGLE, (_probs(rng, 1),)),
            Case(P_UNIFORM, (np.full(int(rng.integers(4, 12)), 1.0 / vocab_size),)),
            Case(P_TINY, (tiny,)),
            Case(P_LONG, (rng.uniform(1e-3, 2e-2, size=int(rng.integers(500, 800))),)),
            Case(P_PADDED_ROW, (_probs(rng, padded_row.shape), padded_row)),
        ]


L_SINGLE = Text("una sola log-probabilidad", "a single log-probability")
L_ZERO = Text("log-probabilidades nulas (un modelo perfecto)", "zero log-probabilities (a perfect model)")
L_VERY_NEGATIVE = Text("log-probabilidades muy negativas (el producto de las probabilidades se anula)",
                       "very negative log-probabilities (the product of the probabilities underflows)")
L_BASE2 = Text("logaritmos en base 2", "base-2 logarithms")
L_BASE10 = Text("logaritmos en base 10", "base-10 logarithms")


class PerplexityFromLogProbs(Check):
    name = "perplexity_from_log_probs"
    reference = staticmethod(key.perplexity_from_log_probs)
    mistakes = mistakes.FROM_LOG_PROBS
    edges = {
        L_BASE2: "exp applied to base-2 logarithms (nltk.lm's convention)",
        L_BASE10: "a base ignored or applied twice",
        L_SINGLE: "dividing by N − 1",
        L_ZERO: "a perfect model must give 1 in every base",
        L_VERY_NEGATIVE: "turning log-probabilities back into probabilities and multiplying them (underflow)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def logs(base: float, size: int) -> np.ndarray:
            return np.log(_probs(rng, size)) / np.log(base)

        return [
            Case(Text("logaritmos naturales (base por omisión)", "natural logarithms (default base)"),
                 (logs(math.e, 9),)),
            Case(L_BASE2, (logs(2, 7),), {"base": 2}),
            Case(L_BASE10, (logs(10, 8),), {"base": 10}),
            Case(Text("base 2 como argumento posicional, lista de Python",
                      "base 2 as a positional argument, Python list"), ([float(v) for v in logs(2, 5)], 2)),
            Case(Text("logaritmos naturales con base = e explícita", "natural logarithms with explicit base = e"),
                 (logs(math.e, 6),), {"base": math.e}),
            Case(L_SINGLE, (logs(2, 1),), {"base": 2}),
            Case(L_ZERO, (np.zeros(int(rng.integers(3, 9))),), {"base": float(rng.choice([2.0, 10.0]))}),
            Case(L_VERY_NEGATIVE, (rng.uniform(-60.0, -20.0, size=int(rng.integers(40, 60))),)),
        ]


# -- the bigram model ----------------------------------------------------------------------------------
T_K0 = Text("k = 0 (sin suavizado)", "k = 0 (no smoothing)")
T_SHORT = Text("oraciones de una palabra y una oración vacía", "one-word sentences and an empty sentence")
T_REPEATED = Text("una oración que repite una palabra y un bigrama", "a sentence that repeats a word and a bigram")
T_ACCENTED = Text("palabras con tildes y eñes", "non-ASCII words (accented letters)")
T_ONLY_EMPTY = Text("corpus de oraciones vacías", "a corpus of empty sentences")


class TrainBigramLm(Check):
    name = "train_bigram_lm"
    reference = staticmethod(key.train_bigram_lm)
    mistakes = mistakes.TRAIN
    edges = {
        T_K0: "k stored or applied as another value (k = 0 is valid: no smoothing)",
        T_SHORT: "missing boundary bigrams (<s> w and w </s> are all a one-word sentence has); skipped empty sentences",
        T_REPEATED: "counting each distinct bigram once per sentence (a set) instead of every occurrence",
        T_ACCENTED: "tokens normalised or filtered instead of counted as given",
        T_ONLY_EMPTY: "skipping empty sentences, which still give the bigram (<s>, </s>)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, sentences: list[list[str]], k: float) -> Case:
            return Case(label, (sentences, k), observe=_with_arg(0))

        vocab = vocabulary(rng, 5)
        first, second, third = vocabulary(rng, 3)
        repeated = [*corpus(rng, vocab, 2), [first, second] * int(rng.integers(2, 4)) + [third]]
        accented = vocabulary(rng, 4, ACCENTED)
        return [
            case(Text("corpus pequeño, k < 1", "small corpus, k < 1"), corpus(rng, vocab, 4),
                 float(rng.choice(K_VALUES[:5]))),
            case("k > 1", corpus(rng, vocab, 5), float(rng.choice(K_VALUES[5:]))),
            case(T_K0, corpus(rng, vocab, 4), 0.0),
            case(T_SHORT, [*corpus(rng, vocab, 3, 1, 1), [], *corpus(rng, vocab, 2)], smoothing_k(rng)),
            case(Text("corpus más grande con más vocabulario", "larger corpus with a larger vocabulary"),
                 corpus(rng, vocabulary(rng, 8), 10, 2, 8), smoothing_k(rng)),
            case(T_REPEATED, [repeated[i] for i in rng.permutation(3)], smoothing_k(rng)),
            case(T_ACCENTED, corpus(rng, [*accented, *vocab[:2]], 4, 2, 6), smoothing_k(rng)),
            case(T_ONLY_EMPTY, [[] for _ in range(int(rng.integers(1, 4)))], smoothing_k(rng)),
        ]

    def compare(self, case: Case, got: CaseOutcome, expected: CaseOutcome) -> Diagnosis | None:
        return mistakes.compare_models(case, got, expected, self.rtol)


B_UNSEEN = Text("bigrama no visto entre palabras conocidas", "unseen bigram of known words")
B_START = Text("inicio de oración (<s> como contexto)", "sentence start (<s> as context)")
B_END = Text("fin de oración (</s> como palabra)", "sentence end (</s> as word)")
B_OOV_WORD = Text("palabra fuera del vocabulario", "out-of-vocabulary word")
B_OOV_CONTEXT = Text("contexto fuera del vocabulario", "out-of-vocabulary context")
B_K0_SEEN = Text("k = 0: bigrama visto", "k = 0: seen bigram")
B_K0_UNSEEN = Text("k = 0: bigrama no visto", "k = 0: unseen bigram")
B_LARGE_K = Text("k grande", "large k")


class BigramProb(Check):
    name = "bigram_prob"
    reference = staticmethod(key.bigram_prob)
    mistakes = mistakes_lm.PROB
    edges = {
        B_UNSEEN: "a missing or misplaced k (the count is 0)",
        B_START: "<s> not counted as a context",
        B_END: "</s> missing from the bigrams",
        B_OOV_WORD: "dictionary indexing that raises KeyError for a word never seen",
        B_OOV_CONTEXT: "KeyError for a context never seen (its count is 0)",
        B_K0_SEEN: "k forced to 1 (Laplace) or k·V left out",
        B_K0_UNSEEN: "probability exactly 0 without smoothing",
        B_LARGE_K: "k missing from the denominator (the error grows with k)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def model(k: float):
            return _lm_with_unseen_pair(rng, k, size=5, count=5)

        lm, vocab, _, _ = model(smoothing_k(rng))
        seen = sorted(pair for pair in lm["bigram_counts"] if pair[0] != BOS)
        cases = [Case(Text("bigrama visto", "seen bigram"), (lm, *seen[int(rng.integers(len(seen)))]))]
        lm, vocab, pair, _ = model(smoothing_k(rng))
        cases.append(Case(B_UNSEEN, (lm, *pair)))
        lm, vocab, _, _ = model(smoothing_k(rng))
        starts = sorted(w for (p, w) in lm["bigram_counts"] if p == BOS)
        cases.append(Case(B_START, (lm, BOS, starts[int(rng.integers(len(starts)))])))
        cases.append(Case(B_END, (lm, str(rng.choice(vocab)), EOS)))
        lm, vocab, _, _ = model(smoothing_k(rng))
        cases.append(Case(B_OOV_WORD, (lm, str(rng.choice(vocab)), OOV)))
        cases.append(Case(B_OOV_CONTEXT, (lm, OOV, str(rng.choice(vocab)))))
        lm, vocab, pair, _ = model(0.0)
        seen = sorted(p for p in lm["bigram_counts"] if p[0] != BOS)
        cases.append(Case(B_K0_SEEN, (lm, *seen[int(rng.integers(len(seen)))])))
        cases.append(Case(B_K0_UNSEEN, (lm, *pair)))
        lm, vocab, pair, _ = model(float(rng.choice((4.0, 5.0, 10.0))))
        cases.append(Case(B_LARGE_K, (lm, *pair)))
        return cases


S_UNSEEN = Text("oración con un bigrama no visto", "sentence with an unseen bigram")
S_OOV = Text("oración con una palabra fuera del vocabulario", "sentence with an out-of-vocabulary word")
S_ONE_WORD = Text("oración de una sola palabra", "one-word sentence")
S_EMPTY = Text("oración vacía (solo se predice </s>)", "empty sentence (only </s> is predicted)")
S_K0_UNSEEN = Text("k = 0 y un bigrama no visto (probabilidad 0)", "k = 0 and an unseen bigram (probability 0)")
S_LONG = Text("oración muy larga (el producto de sus probabilidades se anula)",
              "very long sentence (the product of its probabilities underflows)")


class SentencePerplexity(Check):
    name = "sentence_perplexity"
    reference = staticmethod(key.sentence_perplexity)
    mistakes = mistakes_lm.SENTENCE
    edges = {
        S_UNSEEN: "an unsmoothed or wrongly smoothed bigram_prob",
        S_OOV: "KeyError or a skipped token for a word outside the vocabulary",
        S_ONE_WORD: "N off by one: n + 1 = 2 tokens are predicted",
        S_EMPTY: "N = 0 (</s> not counted) or <s> counted: an empty sentence predicts exactly one token",
        S_K0_UNSEEN: "math.log(0) raising instead of an infinite perplexity",
        S_LONG: "multiplying probabilities instead of summing logs (the product underflows to 0)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, lm: dict, words: list[str]) -> Case:
            return Case(label, (lm, words), observe=_with_arg(1))

        lm, vocab, pair, _ = _lm_with_unseen_pair(rng, smoothing_k(rng))
        cases = [case(Text("oración de palabras conocidas", "sentence of known words"), lm, sentence(rng, vocab, 3, 6)),
                 case(S_UNSEEN, lm, [*pair, *sentence(rng, vocab, 1, 3)])]
        lm, vocab, _, _ = _lm_with_unseen_pair(rng, smoothing_k(rng))
        with_oov = sentence(rng, vocab, 3, 5)
        with_oov.insert(int(rng.integers(len(with_oov) + 1)), OOV)
        cases += [case(S_OOV, lm, with_oov), case(S_ONE_WORD, lm, sentence(rng, vocab, 1, 1)),
                  case(S_EMPTY, lm, [])]
        long_lm, long_sentences = _underflowing(rng, smoothing_k(rng), 1)
        cases.append(case(S_LONG, long_lm, long_sentences[0]))
        lm, vocab, pair, sentences = _lm_with_unseen_pair(rng, 0.0)
        cases += [case(S_K0_UNSEEN, lm, [*pair, str(rng.choice(vocab))]),
                  case(Text("k = 0 con una oración del entrenamiento", "k = 0 with a training sentence"),
                       lm, list(sentences[int(rng.integers(len(sentences)))]))]
        return cases


C_LENGTHS = Text("oraciones de longitudes distintas", "sentences of different lengths")
C_SINGLE = Text("una sola oración", "a single sentence")
C_WITH_EMPTY = Text("corpus con una oración vacía", "corpus with an empty sentence")
C_ONLY_EMPTY = Text("corpus de oraciones vacías", "a corpus of empty sentences")
C_K0_UNSEEN = Text("k = 0 y un bigrama no visto (probabilidad 0)", "k = 0 and an unseen bigram (probability 0)")
C_LONG = Text("corpus largo (el producto de sus probabilidades se anula)",
              "long corpus (the product of its probabilities underflows)")


class CorpusPerplexity(Check):
    name = "corpus_perplexity"
    reference = staticmethod(key.corpus_perplexity)
    mistakes = mistakes_lm.CORPUS
    edges = {
        C_LENGTHS: "a mean of per-sentence perplexities, or of per-sentence mean NLLs",
        C_SINGLE: "a corpus of one sentence must equal that sentence's perplexity",
        C_WITH_EMPTY: "skipping empty sentences (each still predicts </s>)",
        C_ONLY_EMPTY: "skipping empty sentences, which here leaves N = 0",
        C_K0_UNSEEN: "math.log(0) raising instead of an infinite perplexity",
        C_LONG: "multiplying probabilities instead of summing logs (the product underflows to 0)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, lm: dict, sentences: list[list[str]]) -> Case:
            return Case(label, (lm, sentences), observe=_with_arg(1))

        lm, vocab, pair, _ = _lm_with_unseen_pair(rng, smoothing_k(rng), size=5)
        varied = [sentence(rng, vocab, 1, 2), sentence(rng, vocab, 6, 9), [*pair, OOV], sentence(rng, vocab, 3, 4)]
        cases = [case(C_LENGTHS, lm, varied),
                 case(Text("una oración larga y varias muy cortas", "one long sentence and several very short ones"),
                      lm, [sentence(rng, vocab, 10, 12), *corpus(rng, vocab, 3, 1, 1)]),
                 case(C_SINGLE, lm, [sentence(rng, vocab, 3, 6)]),
                 case(C_WITH_EMPTY, lm, [sentence(rng, vocab, 2, 5), [], sentence(rng, vocab, 4, 7)]),
                 case(C_ONLY_EMPTY, lm, [[] for _ in range(int(rng.integers(2, 5)))]),
                 case(C_LONG, *_underflowing(rng, smoothing_k(rng), int(rng.integers(4, 9))))]
        lm, vocab, pair, _ = _lm_with_unseen_pair(rng, 0.0)
        cases.append(case(C_K0_UNSEEN, lm, [sentence(rng, vocab, 2, 4), [*pair]]))
        return cases


CHECKS = [Perplexity(), PerplexityFromLogProbs(), TrainBigramLm(), BigramProb(), SentencePerplexity(),
          CorpusPerplexity(), *checks_bleu.CHECKS]
