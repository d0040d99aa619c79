"""Hidden checks for the language-model evaluation assignment.

Every case is drawn from the per-student generator and compared with the answer key to a
relative error of 1e-7. Token sequences come from a small vocabulary so that n-grams repeat and
overlap; structured cases make sure that clipping by the sum of reference counts, counting
distinct n-grams, the shortest reference, a tie between references, smoothing without unigram
matches, masks that drop padding (with probability 0 in the padding), integer masks, unseen words
and contexts, k = 0 and empty sentences all occur for every student. Smoothing constants k are
never 1, so a hard-coded Laplace model cannot pass. List arguments are observed after the call to
catch in-place modification (inserting <s> into the caller's sentence, for example).

The model that train_bigram_lm returns is judged through the probabilities it defines (read with
mistakes.lm_reader), so Counters, lists for the vocabulary or nested bigram dictionaries pass;
bigram_prob and the perplexities receive models in the documented layout, built by the key. The
perplexities call the student's own bigram_prob, so its known mistakes are named there too.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.api import RESULT, Case, CaseOutcome, Check, Diagnosis, Observe, Text

from . import key, mistakes
from .key import BOS, EOS

WORDS = ("el", "la", "gato", "perro", "come", "duerme", "casa", "sol", "luna", "corre", "mira", "pan")
OOV = mistakes.OOV
K_VALUES = (0.05, 0.1, 0.2, 0.5, 0.75, 1.5, 2.0, 3.0)  # never 1: Laplace by accident must fail


def _with_arg(index: int) -> tuple[Observe, ...]:
    return (RESULT, Observe("value", ("arg", index)))


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    return [str(w) for w in rng.choice(WORDS, size=size, replace=False)]


def _sentence(rng: np.random.Generator, vocab: list[str], low: int, high: int) -> list[str]:
    return [str(w) for w in rng.choice(vocab, size=int(rng.integers(low, high + 1)))]


def _corpus(rng: np.random.Generator, vocab: list[str], count: int, low: int = 1, high: int = 6) -> list[list[str]]:
    return [_sentence(rng, vocab, low, high) for _ in range(count)]


def _k(rng: np.random.Generator) -> float:
    return float(rng.choice(K_VALUES))


def _unseen_pair(rng: np.random.Generator, lm: dict, vocab: list[str]) -> tuple[str, str] | None:
    pairs = [(a, b) for a in vocab for b in vocab if (a, b) not in lm["bigram_counts"]]
    return pairs[int(rng.integers(len(pairs)))] if pairs else None


def _lm_with_unseen_pair(rng: np.random.Generator, k: float, size: int = 4, count: int = 5):
    """A model, its training words, one bigram of training words that training never saw, and the
    training corpus. Every training word is a seen context, so k = 0 is defined on them."""
    while True:
        vocab = _vocabulary(rng, size)
        corpus = _corpus(rng, vocab, count)
        lm = key.train_bigram_lm(corpus, k)
        vocab = sorted(set(vocab) & lm["vocab"])
        pair = _unseen_pair(rng, lm, vocab)
        if pair is not None:
            return lm, vocab, pair, corpus


# -- perplexity ----------------------------------------------------------------------------------
def _probs(rng: np.random.Generator, shape: Any) -> np.ndarray:
    return rng.uniform(0.02, 1.0, size=shape)


def _padding_mask(rng: np.random.Generator, rows: int, length: int) -> np.ndarray:
    lengths = rng.integers(1, length + 1, size=rows)
    lengths[0] = length  # the batch is padded to its longest sequence
    return np.arange(length)[None, :] < lengths[:, None]


class Perplexity(Check):
    name = "perplexity"
    reference = staticmethod(key.perplexity)
    mistakes = mistakes.PERPLEXITY

    def cases(self, rng: np.random.Generator) -> list[Case]:
        length = int(rng.integers(6, 15))
        batch = _padding_mask(rng, 4, 7)
        zero_padded = _probs(rng, batch.shape) * batch  # padding has probability 0
        with_zero = _probs(rng, 6)
        with_zero[int(rng.integers(6))] = 0.0
        vector_mask = (rng.random(8) < 0.6).astype(np.int64)
        vector_mask[0] = 1  # at least one real token
        return [
            Case(Text("vector de probabilidades sin máscara", "probability vector without a mask"),
                 (_probs(rng, length),)),
            Case(Text("lista de Python sin máscara", "Python list without a mask"),
                 ([float(p) for p in _probs(rng, 5)],)),
            Case(Text("máscara booleana que descarta relleno (lote 2-D)",
                      "boolean mask that drops padding (2-D batch)"),
                 (_probs(rng, batch.shape), batch)),
            Case(Text("máscara de enteros 0/1 que descarta relleno (lote 2-D)",
                      "0/1 integer mask that drops padding (2-D batch)"),
                 (_probs(rng, batch.shape), batch.astype(np.int64))),
            Case(Text("máscara de enteros 0/1 en un vector", "0/1 integer mask on a vector"),
                 (_probs(rng, 8), vector_mask)),
            Case(Text("relleno con probabilidad 0", "padding with probability 0"),
                 (zero_padded, batch.astype(np.float64))),
            Case(Text("un token real con probabilidad 0", "a real token with probability 0"), (with_zero,)),
        ]


class PerplexityFromLogProbs(Check):
    name = "perplexity_from_log_probs"
    reference = staticmethod(key.perplexity_from_log_probs)
    mistakes = mistakes.FROM_LOG_PROBS

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def logs(base: float, size: int) -> np.ndarray:
            return np.log(_probs(rng, size)) / np.log(base)

        return [
            Case(Text("logaritmos naturales (base por omisión)", "natural logarithms (default base)"),
                 (logs(math.e, 9),)),
            Case(Text("logaritmos en base 2", "base-2 logarithms"), (logs(2, 7),), {"base": 2}),
            Case(Text("logaritmos en base 10", "base-10 logarithms"), (logs(10, 8),), {"base": 10}),
            Case(Text("base 2 como argumento posicional, lista de Python",
                      "base 2 as a positional argument, Python list"), ([float(v) for v in logs(2, 5)], 2)),
            Case(Text("logaritmos naturales con base = e explícita", "natural logarithms with explicit base = e"),
                 (logs(math.e, 6),), {"base": math.e}),
        ]


# -- the bigram model ----------------------------------------------------------------------------------
class TrainBigramLm(Check):
    name = "train_bigram_lm"
    reference = staticmethod(key.train_bigram_lm)
    mistakes = mistakes.TRAIN

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, sentences: list[list[str]], k: float) -> Case:
            return Case(label, (sentences, k), observe=_with_arg(0))

        vocab = _vocabulary(rng, 5)
        return [
            case(Text("corpus pequeño, k < 1", "small corpus, k < 1"),
                 _corpus(rng, vocab, 4), float(rng.choice(K_VALUES[:5]))),
            case("k > 1", _corpus(rng, vocab, 5), float(rng.choice(K_VALUES[5:]))),
            case(Text("k = 0 (sin suavizado)", "k = 0 (no smoothing)"), _corpus(rng, vocab, 4), 0.0),
            case(Text("oraciones de una palabra y una oración vacía", "one-word sentences and an empty sentence"),
                 [*_corpus(rng, vocab, 3, 1, 1), [], *_corpus(rng, vocab, 2)], _k(rng)),
            case(Text("corpus más grande con más vocabulario", "larger corpus with a larger vocabulary"),
                 _corpus(rng, _vocabulary(rng, 8), 10, 2, 8), _k(rng)),
        ]

    def compare(self, case: Case, got: CaseOutcome, expected: CaseOutcome) -> Diagnosis | None:
        return mistakes.compare_models(case, got, expected, self.rtol)


class BigramProb(Check):
    name = "bigram_prob"
    reference = staticmethod(key.bigram_prob)
    mistakes = mistakes.PROB

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def model(k: float):
            return _lm_with_unseen_pair(rng, k, size=5, count=5)

        lm, vocab, _, _ = model(_k(rng))
        seen = sorted(pair for pair in lm["bigram_counts"] if pair[0] != BOS)
        cases = [Case(Text("bigrama visto", "seen bigram"), (lm, *seen[int(rng.integers(len(seen)))]))]
        lm, vocab, pair, _ = model(_k(rng))
        cases.append(Case(Text("bigrama no visto entre palabras conocidas", "unseen bigram of known words"),
                          (lm, *pair)))
        lm, vocab, _, _ = model(_k(rng))
        starts = sorted(w for (p, w) in lm["bigram_counts"] if p == BOS)
        cases.append(Case(Text("inicio de oración (<s> como contexto)", "sentence start (<s> as context)"),
                          (lm, BOS, starts[int(rng.integers(len(starts)))])))
        cases.append(Case(Text("fin de oración (</s> como palabra)", "sentence end (</s> as word)"),
                          (lm, str(rng.choice(vocab)), EOS)))
        lm, vocab, _, _ = model(_k(rng))
        cases.append(Case(Text("palabra fuera del vocabulario", "out-of-vocabulary word"),
                          (lm, str(rng.choice(vocab)), OOV)))
        cases.append(Case(Text("contexto fuera del vocabulario", "out-of-vocabulary context"),
                          (lm, OOV, str(rng.choice(vocab)))))
        lm, vocab, pair, _ = model(0.0)
        seen = sorted(p for p in lm["bigram_counts"] if p[0] != BOS)
        cases.append(Case(Text("k = 0: bigrama visto", "k = 0: seen bigram"),
                          (lm, *seen[int(rng.integers(len(seen)))])))
        cases.append(Case(Text("k = 0: bigrama no visto", "k = 0: unseen bigram"), (lm, *pair)))
        lm, vocab, pair, _ = model(float(rng.choice((4.0, 5.0, 10.0))))
        cases.append(Case(Text("k grande", "large k"), (lm, *pair)))
        return cases


class SentencePerplexity(Check):
    name = "sentence_perplexity"
    reference = staticmethod(key.sentence_perplexity)
    mistakes = mistakes.SENTENCE

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, lm: dict, sentence: list[str]) -> Case:
            return Case(label, (lm, sentence), observe=_with_arg(1))

        lm, vocab, pair, _ = _lm_with_unseen_pair(rng, _k(rng))
        cases = [case(Text("oración de palabras conocidas", "sentence of known words"),
                      lm, _sentence(rng, vocab, 3, 6)),
                 case(Text("oración con un bigrama no visto", "sentence with an unseen bigram"),
                      lm, [*pair, *_sentence(rng, vocab, 1, 3)])]
        lm, vocab, _, _ = _lm_with_unseen_pair(rng, _k(rng))
        sentence = _sentence(rng, vocab, 3, 5)
        sentence.insert(int(rng.integers(len(sentence) + 1)), OOV)
        cases += [case(Text("oración con una palabra fuera del vocabulario",
                            "sentence with an out-of-vocabulary word"), lm, sentence),
                  case(Text("oración de una sola palabra", "one-word sentence"), lm, _sentence(rng, vocab, 1, 1)),
                  case(Text("oración vacía (solo se predice </s>)", "empty sentence (only </s> is predicted)"),
                       lm, [])]
        lm, vocab, pair, corpus = _lm_with_unseen_pair(rng, 0.0)
        cases += [case(Text("k = 0 y un bigrama no visto (probabilidad 0)",
                            "k = 0 and an unseen bigram (probability 0)"), lm, [*pair, str(rng.choice(vocab))]),
                  case(Text("k = 0 con una oración del entrenamiento", "k = 0 with a training sentence"),
                       lm, list(corpus[int(rng.integers(len(corpus)))]))]
        return cases


class CorpusPerplexity(Check):
    name = "corpus_perplexity"
    reference = staticmethod(key.corpus_perplexity)
    mistakes = mistakes.CORPUS

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, lm: dict, sentences: list[list[str]]) -> Case:
            return Case(label, (lm, sentences), observe=_with_arg(1))

        lm, vocab, pair, _ = _lm_with_unseen_pair(rng, _k(rng), size=5)
        varied = [_sentence(rng, vocab, 1, 2), _sentence(rng, vocab, 6, 9), [*pair, OOV], _sentence(rng, vocab, 3, 4)]
        cases = [case(Text("oraciones de longitudes distintas", "sentences of different lengths"), lm, varied),
                 case(Text("una oración larga y varias muy cortas", "one long sentence and several very short ones"),
                      lm,
                      [_sentence(rng, vocab, 10, 12), *_corpus(rng, vocab, 3, 1, 1)]),
                 case(Text("una sola oración", "a single sentence"), lm, [_sentence(rng, vocab, 3, 6)]),
                 case(Text("corpus con una oración vacía", "corpus with an empty sentence"),
                      lm, [_sentence(rng, vocab, 2, 5), [], _sentence(rng, vocab, 4, 7)])]
        lm, vocab, pair, _ = _lm_with_unseen_pair(rng, 0.0)
        cases.append(case(Text("k = 0 y un bigrama no visto (probabilidad 0)",
                               "k = 0 and an unseen bigram (probability 0)"), lm,
                          [_sentence(rng, vocab, 2, 4), [*pair]]))
        return cases


# -- precision, recall, F1 -------------------------------------------------------------------------------
class PrecisionRecallF1(Check):
    name = "precision_recall_f1"
    reference = staticmethod(key.precision_recall_f1)
    mistakes = mistakes.METRICS

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def labels(size: int, p: float = 0.5) -> list[int]:
            return [int(v) for v in rng.random(size) < p]

        def pair(size: int) -> tuple[list[int], list[int]]:
            while True:
                y_true, y_pred = labels(size), labels(size)
                tp = sum(t and g for t, g in zip(y_true, y_pred, strict=False))
                fp = sum(g and not t for t, g in zip(y_true, y_pred, strict=False))
                fn = sum(t and not g for t, g in zip(y_true, y_pred, strict=False))
                if tp and fp != fn:  # precision and recall differ, so swapping them shows
                    return y_true, y_pred

        size = int(rng.integers(15, 30))
        y_true, y_pred = pair(size)
        text_true, text_pred = pair(size)
        name = {1: "spam", 0: "normal"}
        no_tp_true = labels(12)
        no_tp_true[0] = 1
        return [
            Case(Text("etiquetas 0/1, clase positiva 1", "0/1 labels, positive class 1"), pair(size)),
            Case(Text("etiquetas 0/1, clase positiva 0", "0/1 labels, positive class 0"),
                 (y_true, y_pred), {"positive": 0}),
            Case(Text("etiquetas de texto", "text labels"),
                 ([name[v] for v in text_true], [name[v] for v in text_pred]),
                 {"positive": "spam"}),
            Case(Text("arreglos de numpy", "numpy arrays"), tuple(np.array(v) for v in pair(size))),
            Case(Text("ninguna predicción positiva", "no positive prediction"), (labels(10), [0] * 10)),
            Case(Text("ningún positivo real", "no actual positive"), ([0] * 10, [1] + labels(9))),
            Case(Text("ningún verdadero positivo", "no true positive"), (no_tp_true, [1 - v for v in no_tp_true])),
        ]


# -- BLEU --------------------------------------------------------------------------------------------------
def _tokens(rng: np.random.Generator, vocab: list[str], length: int) -> list[str]:
    return [str(w) for w in rng.choice(vocab, size=length)]


def _perturbed(rng: np.random.Generator, reference: list[str], vocab: list[str], length: int) -> list[str]:
    """A candidate that follows a reference with one word changed, cut or extended to ``length``."""
    candidate = list(reference[:length]) + _tokens(rng, vocab, max(0, length - len(reference)))
    candidate[int(rng.integers(len(candidate)))] = str(rng.choice(vocab))
    return candidate


def _repeated_word_case(rng: np.random.Generator, n: int) -> tuple[list[list[str]], list[str]]:
    """An n-gram seen once in one reference and twice in another, repeated more often in the
    candidate: clipping by the max, by the sum, distinct counting and no clipping all differ."""
    vocab = _vocabulary(rng, 6)
    gram, filler = vocab[:n], vocab[n:]
    first = [*gram, *_tokens(rng, filler, 3)]
    second = [*_tokens(rng, filler, 2), *gram, *_tokens(rng, filler, 1), *gram]
    candidate = [*gram, *gram, *_tokens(rng, filler[:1], 1), *gram, *gram]
    return [first, second], candidate


class ModifiedPrecision(Check):
    name = "modified_precision"
    reference = staticmethod(key.modified_precision)
    mistakes = mistakes.MODIFIED_PRECISION

    def cases(self, rng: np.random.Generator) -> list[Case]:
        vocab = _vocabulary(rng, 4)
        refs, cand = _repeated_word_case(rng, 1)
        refs2, cand2 = _repeated_word_case(rng, 2)
        one_ref = _tokens(rng, vocab, 8)
        other = [w for w in WORDS if w not in vocab][:3]
        return [
            Case(Text("una referencia, unigramas", "one reference, unigrams"), ([one_ref], _tokens(rng, vocab, 7), 1)),
            Case(Text("varias referencias, bigramas", "several references, bigrams"),
                 ([_tokens(rng, vocab, 9) for _ in range(3)], _tokens(rng, vocab, 10), 2)),
            Case(Text("el candidato repite una palabra de las referencias",
                      "the candidate repeats a word of the references"), (refs, cand, 1)),
            Case(Text("el candidato repite un bigrama de las referencias",
                      "the candidate repeats a bigram of the references"), (refs2, cand2, 2)),
            Case(Text("trigramas con varias referencias", "trigrams with several references"),
                 ([_tokens(rng, vocab[:3], 10) for _ in range(2)],
                                                      _tokens(rng, vocab[:3], 9), 3)),
            Case(Text("candidato más corto que n", "candidate shorter than n"),
                 ([_tokens(rng, vocab, 6)], _tokens(rng, vocab, 2), 4)),
            Case(Text("sin ninguna coincidencia", "no match at all"),
                 ([_tokens(rng, vocab, 6)], _tokens(rng, other, 5), 1)),
        ]


class BrevityPenalty(Check):
    name = "brevity_penalty"
    reference = staticmethod(key.brevity_penalty)
    mistakes = mistakes.BREVITY

    def cases(self, rng: np.random.Generator) -> list[Case]:
        vocab = _vocabulary(rng, 5)
        c = int(rng.integers(6, 10))

        def refs(*lengths: int) -> list[list[str]]:
            return [_tokens(rng, vocab, n) for n in lengths]

        return [
            Case(Text("candidato más largo que todas las referencias", "candidate longer than every reference"),
                 (refs(c - 2, c - 1), _tokens(rng, vocab, c))),
            Case(Text("candidato más corto que su única referencia", "candidate shorter than its only reference"),
                 (refs(c + 2), _tokens(rng, vocab, c))),
            Case(Text("la referencia más cercana no es la más corta", "the closest reference is not the shortest"),
                 (refs(3, c + 1, c + 6), _tokens(rng, vocab, c))),
            Case(Text("empate: dos referencias a la misma distancia", "tie: two references at the same distance"),
                 (refs(c + 2, c - 2), _tokens(rng, vocab, c))),
            Case(Text("candidato de la misma longitud que una referencia", "candidate as long as one reference"),
                 (refs(c + 3, c), _tokens(rng, vocab, c))),
            Case(Text("candidato mucho más corto", "much shorter candidate"), (refs(c + 8), _tokens(rng, vocab, 2))),
            Case(Text("candidato vacío", "empty candidate"), (refs(c), [])),
        ]


class Bleu(Check):
    name = "bleu"
    reference = staticmethod(key.bleu)
    mistakes = mistakes.BLEU

    def cases(self, rng: np.random.Generator) -> list[Case]:
        vocab = _vocabulary(rng, 5)

        def ref(length: int) -> list[str]:
            return _tokens(rng, vocab, length)

        def with_empty_order(references: list[list[str]], length: int, max_n: int) -> list[str]:
            """A candidate with unigram matches but none for some order up to max_n."""
            while True:
                candidate = _tokens(rng, vocab, length)
                counts = [key.clipped_counts(references, candidate, n)[0] for n in range(1, max_n + 1)]
                if counts[0] and 0 in counts:
                    return candidate

        r1, r2 = ref(10), ref(12)
        repeated_refs, repeated = _repeated_word_case(rng, 2)
        short = ref(5)
        other = [w for w in WORDS if w not in vocab][:3]
        sparse = [ref(8)]
        return [
            Case(Text("una referencia, candidato casi igual", "one reference, almost identical candidate"),
                 ([r1], _perturbed(rng, r1, vocab, 10))),
            # closest reference 10 words, shortest 4: only the closest gives a brevity penalty
            Case(Text("varias referencias, candidato más corto", "several references, shorter candidate"),
                 ([ref(4), r1, r2], _perturbed(rng, r2, vocab, 8))),
            Case(Text("candidato más largo que las referencias", "candidate longer than the references"),
                 ([r1, ref(8)], _perturbed(rng, r1, vocab, 13))),
            Case(Text("BLEU-3 con varias referencias", "BLEU-3 with several references"),
                 ([ref(7), r1], _perturbed(rng, r1, vocab, 9), 3)),
            Case(Text("BLEU-2 con n-gramas repetidos", "BLEU-2 with repeated n-grams"), (repeated_refs, repeated, 2)),
            Case(Text("sin suavizado y un orden sin coincidencias", "no smoothing and an order without matches"),
                 (sparse, with_empty_order(sparse, 7, 4))),
            Case(Text("suavizado method1 y un orden sin coincidencias",
                      "method1 smoothing and an order without matches"),
                 (sparse, with_empty_order(sparse, 6, 4)), {"smoothing": "method1"}),
            Case(Text("suavizado method1 y candidato más corto que max_n",
                      "method1 smoothing and a candidate shorter than max_n"),
                 ([short], short[1:4]), {"max_n": 4, "smoothing": "method1"}),
            Case(Text("suavizado method1 sin ninguna coincidencia de unigramas",
                      "method1 smoothing without any unigram match"),
                 ([ref(6)], _tokens(rng, other, 6)), {"smoothing": "method1"}),
        ]


CHECKS = [Perplexity(), PerplexityFromLogProbs(), TrainBigramLm(), BigramProb(), SentencePerplexity(),
          CorpusPerplexity(), PrecisionRecallF1(), ModifiedPrecision(), BrevityPenalty(), Bleu()]
