"""Hidden checks for precision/recall/F1 and BLEU (tolerances: see ``checks``).

Token sequences come from a small vocabulary so that n-grams repeat and overlap; structured cases
make sure that every clipping variant, the closest and the shortest reference, both ways of
breaking a tie between references, candidates shorter than n or empty, smoothing without unigram
matches and non-ASCII words occur for every student.
"""

from __future__ import annotations

import numpy as np

from autograder.api import Case, Check, Text

from . import key, mistakes_bleu
from .sampling import ACCENTED, WORDS, tokens, vocabulary


# -- precision, recall, F1 -------------------------------------------------------------------------------
M_POSITIVE_0 = Text("etiquetas 0/1, clase positiva 0", "0/1 labels, positive class 0")
M_TEXT = Text("etiquetas de texto", "text labels")
M_NO_PREDICTED = Text("ninguna predicción positiva", "no positive prediction")
M_NO_ACTUAL = Text("ningún positivo real", "no actual positive")
M_NO_TP = Text("ningún verdadero positivo", "no true positive")
M_NONE = Text("ningún positivo, ni real ni predicho", "no positive at all, actual or predicted")
M_PERFECT = Text("predicciones perfectas", "perfect predictions")


class PrecisionRecallF1(Check):
    name = "precision_recall_f1"
    reference = staticmethod(key.precision_recall_f1)
    mistakes = mistakes_bleu.METRICS
    edges = {
        M_POSITIVE_0: "the positive class fixed at 1",
        M_TEXT: "labels assumed to be numbers",
        M_NO_PREDICTED: "precision = TP / (TP + FP) with TP + FP = 0",
        M_NO_ACTUAL: "recall = TP / (TP + FN) with TP + FN = 0",
        M_NO_TP: "F1 = 2PR / (P + R) with P = R = 0",
        M_NONE: "every denominator 0 at once: all three metrics are 0",
        M_PERFECT: "all three metrics must be exactly 1",
    }

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
        perfect = labels(int(rng.integers(5, 12)))
        perfect[0] = 1
        return [
            Case(Text("etiquetas 0/1, clase positiva 1", "0/1 labels, positive class 1"), pair(size)),
            Case(M_POSITIVE_0, (y_true, y_pred), {"positive": 0}),
            Case(M_TEXT, ([name[v] for v in text_true], [name[v] for v in text_pred]), {"positive": "spam"}),
            Case(Text("arreglos de numpy", "numpy arrays"), tuple(np.array(v) for v in pair(size))),
            Case(M_NO_PREDICTED, (labels(10), [0] * 10)),
            Case(M_NO_ACTUAL, ([0] * 10, [1] + labels(9))),
            Case(M_NO_TP, (no_tp_true, [1 - v for v in no_tp_true])),
            Case(M_NONE, ([0] * int(rng.integers(3, 9)),) * 2),
            Case(M_PERFECT, (perfect, list(perfect))),
        ]


# -- BLEU --------------------------------------------------------------------------------------------------
def _perturbed(rng: np.random.Generator, reference: list[str], vocab: list[str], length: int) -> list[str]:
    """A candidate that follows a reference with one word changed, cut or extended to ``length``."""
    candidate = list(reference[:length]) + tokens(rng, vocab, max(0, length - len(reference)))
    candidate[int(rng.integers(len(candidate)))] = str(rng.choice(vocab))
    return candidate


def _candidate_repeats(rng: np.random.Generator, n: int) -> tuple[list[list[str]], list[str]]:
    """An n-gram seen once in one reference and twice in another, repeated more often in the
    candidate: clipping by the max, by the sum, distinct counting and no clipping all differ."""
    vocab = vocabulary(rng, 6)
    gram, filler = vocab[:n], vocab[n:]
    first = [*gram, *tokens(rng, filler, 3)]
    second = [*tokens(rng, filler, 2), *gram, *tokens(rng, filler, 1), *gram]
    candidate = [*gram, *gram, *tokens(rng, filler[:1], 1), *gram, *gram]
    return [first, second], candidate


def _references_repeat(rng: np.random.Generator) -> tuple[list[list[str]], list[str]]:
    """A word used once by the candidate and repeated in the references: clipped by the candidate's
    own count it counts once, by the references' maximum alone three times."""
    vocab = vocabulary(rng, 6)
    word, filler = vocab[0], vocab[1:]
    first = [word, *tokens(rng, filler, 2), word, *tokens(rng, filler, 1), word]
    second = [*tokens(rng, filler, 2), word, word]
    candidate = [word, *tokens(rng, filler, int(rng.integers(4, 7)))]
    return [first, second], [candidate[i] for i in rng.permutation(len(candidate))]


P_CANDIDATE_REPEATS = Text("el candidato repite una palabra de las referencias",
                           "the candidate repeats a word of the references")
P_CANDIDATE_REPEATS_BIGRAM = Text("el candidato repite un bigrama de las referencias",
                                  "the candidate repeats a bigram of the references")
P_REFERENCES_REPEAT = Text("las referencias repiten una palabra que el candidato usa una vez",
                           "the references repeat a word the candidate uses once")
P_SHORT = Text("candidato más corto que n", "candidate shorter than n")
P_NO_MATCH = Text("sin ninguna coincidencia", "no match at all")
P_ACCENTED = Text("palabras con tildes y eñes", "non-ASCII words (accented letters)")


class ModifiedPrecision(Check):
    name = "modified_precision"
    reference = staticmethod(key.modified_precision)
    mistakes = mistakes_bleu.MODIFIED_PRECISION
    edges = {
        P_CANDIDATE_REPEATS: "no clipping, clipping by the sum over references, counting distinct n-grams",
        P_CANDIDATE_REPEATS_BIGRAM: "the same slips for bigrams",
        P_REFERENCES_REPEAT: "the references' maximum count not limited by the candidate's own count",
        P_SHORT: "dividing by the number of candidate n-grams when it is 0 (nltk divides by max(1, ·))",
        P_NO_MATCH: "a precision other than 0 when nothing matches",
        P_ACCENTED: "tokens normalised or filtered instead of compared as given",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        vocab = vocabulary(rng, 4)
        refs, cand = _candidate_repeats(rng, 1)
        refs2, cand2 = _candidate_repeats(rng, 2)
        refs3, cand3 = _references_repeat(rng)
        other = [w for w in WORDS if w not in vocab][:3]
        accented = vocabulary(rng, 4, ACCENTED)
        n = int(rng.integers(2, 5))
        return [
            Case(Text("una referencia, unigramas", "one reference, unigrams"),
                 ([tokens(rng, vocab, 8)], tokens(rng, vocab, 7), 1)),
            Case(Text("varias referencias, bigramas", "several references, bigrams"),
                 ([tokens(rng, vocab, 9) for _ in range(3)], tokens(rng, vocab, 10), 2)),
            Case(P_CANDIDATE_REPEATS, (refs, cand, 1)),
            Case(P_CANDIDATE_REPEATS_BIGRAM, (refs2, cand2, 2)),
            Case(P_REFERENCES_REPEAT, (refs3, cand3, 1)),
            Case(Text("trigramas con varias referencias", "trigrams with several references"),
                 ([tokens(rng, vocab[:3], 10) for _ in range(2)], tokens(rng, vocab[:3], 9), 3)),
            Case(P_SHORT, ([tokens(rng, vocab, 6)], tokens(rng, vocab, int(rng.integers(0, n))), n)),
            Case(P_NO_MATCH, ([tokens(rng, vocab, 6)], tokens(rng, other, 5), 1)),
            Case(P_ACCENTED, ([tokens(rng, accented, 7) for _ in range(2)], tokens(rng, accented, 6),
                              int(rng.integers(1, 3)))),
        ]


BP_LONGER = Text("candidato más largo que todas las referencias", "candidate longer than every reference")
BP_CLOSEST = Text("la referencia más cercana no es la más corta", "the closest reference is not the shortest")
BP_TIE = Text("empate: dos referencias a la misma distancia", "tie: two references at the same distance")
BP_TIE_SHORTER_FIRST = Text("empate con la referencia más corta en primer lugar",
                            "tie with the shorter reference listed first")
BP_EQUAL = Text("candidato de la misma longitud que una referencia", "candidate as long as one reference")
BP_EMPTY = Text("candidato vacío", "empty candidate")


class BrevityPenalty(Check):
    name = "brevity_penalty"
    reference = staticmethod(key.brevity_penalty)
    mistakes = mistakes_bleu.BREVITY
    edges = {
        BP_LONGER: "a penalty for a candidate that is longer (BP is 1)",
        BP_CLOSEST: "the shortest reference instead of the closest",
        BP_TIE: "a tie broken towards the first reference listed",
        BP_TIE_SHORTER_FIRST: "a tie broken towards the longer reference",
        BP_EQUAL: "c = r must give exactly 1",
        BP_EMPTY: "exp(1 − r/c) with c = 0 (nltk returns 0)",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        vocab = vocabulary(rng, 5)
        c = int(rng.integers(6, 10))

        def refs(*lengths: int) -> list[list[str]]:
            return [tokens(rng, vocab, n) for n in lengths]

        gap = int(rng.integers(1, 4))
        return [
            Case(BP_LONGER, (refs(c - 2, c - 1), tokens(rng, vocab, c))),
            Case(Text("candidato más corto que su única referencia", "candidate shorter than its only reference"),
                 (refs(c + 2), tokens(rng, vocab, c))),
            Case(BP_CLOSEST, (refs(3, c + 1, c + 6), tokens(rng, vocab, c))),
            Case(BP_TIE, (refs(c + gap, c - gap), tokens(rng, vocab, c))),
            Case(BP_TIE_SHORTER_FIRST, (refs(c - gap, c + gap), tokens(rng, vocab, c))),
            Case(BP_EQUAL, (refs(c + 3, c), tokens(rng, vocab, c))),
            Case(Text("candidato mucho más corto", "much shorter candidate"), (refs(c + 8), tokens(rng, vocab, 2))),
            Case(BP_EMPTY, (refs(c), [])),
        ]


B_CLOSEST = Text("varias referencias, candidato más corto", "several references, shorter candidate")
B_REPEATED = Text("BLEU-2 con n-gramas repetidos", "BLEU-2 with repeated n-grams")
B_REFERENCES_REPEAT = Text("BLEU-1: las referencias repiten una palabra que el candidato usa una vez",
                           "BLEU-1: the references repeat a word the candidate uses once")
B_EMPTY_ORDER = Text("sin suavizado y un orden sin coincidencias", "no smoothing and an order without matches")
B_METHOD1 = Text("suavizado method1 y un orden sin coincidencias", "method1 smoothing and an order without matches")
B_SHORT_METHOD1 = Text("suavizado method1 y candidato más corto que max_n",
                       "method1 smoothing and a candidate shorter than max_n")
B_SHORT_PLAIN = Text("sin suavizado y candidato más corto que max_n", "no smoothing and a candidate shorter than max_n")
B_NO_UNIGRAM = Text("suavizado method1 sin ninguna coincidencia de unigramas",
                    "method1 smoothing without any unigram match")
B_TIE = Text("empate: dos referencias a la misma distancia", "tie: two references at the same distance")
B_EMPTY = Text("candidato vacío", "empty candidate")
B_TIE_SHORTER_FIRST = Text("empate con la referencia más corta primero", "tie with the shorter reference listed first")


class Bleu(Check):
    name = "bleu"
    reference = staticmethod(key.bleu)
    mistakes = mistakes_bleu.BLEU
    edges = {
        B_CLOSEST: "the shortest reference in the brevity penalty; a missing brevity penalty",
        B_REPEATED: "every clipping slip (by the sum, distinct n-grams, none)",
        B_REFERENCES_REPEAT: "the references' maximum count not limited by the candidate's own count",
        B_EMPTY_ORDER: "an order without matches must zero unsmoothed BLEU",
        B_METHOD1: "smoothing ignored",
        B_SHORT_METHOD1: "division by zero for orders the candidate has no n-grams of",
        B_SHORT_PLAIN: "the same division by zero without smoothing",
        B_NO_UNIGRAM: "method1 applied to unigrams too (nltk returns 0)",
        B_TIE: "a tie between references broken towards the first listed",
        B_EMPTY: "division by zero in the precisions or in the brevity penalty",
        B_TIE_SHORTER_FIRST: "a tie broken towards the longer reference; an inverted brevity penalty",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        vocab = vocabulary(rng, 5)

        def ref(length: int) -> list[str]:
            return tokens(rng, vocab, length)

        def with_empty_order(references: list[list[str]], length: int, max_n: int) -> list[str]:
            """A candidate with unigram matches but none for some order up to max_n."""
            while True:
                candidate = tokens(rng, vocab, length)
                counts = [key.clipped_counts(references, candidate, n)[0] for n in range(1, max_n + 1)]
                if counts[0] and 0 in counts:
                    return candidate

        r1, r2 = ref(10), ref(12)
        repeated_refs, repeated = _candidate_repeats(rng, 2)
        repeating_refs, once = _references_repeat(rng)
        short, short_plain = ref(5), ref(6)
        other = [w for w in WORDS if w not in vocab][:3]
        sparse = [ref(8)]
        c, gap = int(rng.integers(8, 12)), int(rng.integers(1, 4))
        longer = ref(c + gap)

        def tie_shorter_first() -> Case:
            # Drawn after every other case, so adding it left the earlier cases as they were.
            size, apart = int(rng.integers(8, 12)), int(rng.integers(1, 4))
            far = ref(size + apart)
            return Case(B_TIE_SHORTER_FIRST, ([ref(size - apart), far], _perturbed(rng, far, vocab, size)))

        return [
            Case(Text("una referencia, candidato casi igual", "one reference, almost identical candidate"),
                 ([r1], _perturbed(rng, r1, vocab, 10))),
            # closest reference 10 words, shortest 4: only the closest gives a brevity penalty
            Case(B_CLOSEST, ([ref(4), r1, r2], _perturbed(rng, r2, vocab, 8))),
            Case(Text("candidato más largo que las referencias", "candidate longer than the references"),
                 ([r1, ref(8)], _perturbed(rng, r1, vocab, 13))),
            Case(Text("BLEU-3 con varias referencias", "BLEU-3 with several references"),
                 ([ref(7), r1], _perturbed(rng, r1, vocab, 9), 3)),
            Case(B_REPEATED, (repeated_refs, repeated, 2)),
            Case(B_REFERENCES_REPEAT, (repeating_refs, once, 1)),
            Case(B_EMPTY_ORDER, (sparse, with_empty_order(sparse, 7, 4))),
            Case(B_METHOD1, (sparse, with_empty_order(sparse, 6, 4)), {"smoothing": "method1"}),
            Case(B_SHORT_METHOD1, ([short], short[1:4]), {"max_n": 4, "smoothing": "method1"}),
            Case(B_SHORT_PLAIN, ([short_plain], short_plain[:int(rng.integers(1, 4))])),
            Case(B_NO_UNIGRAM, ([ref(6)], tokens(rng, other, 6)), {"smoothing": "method1"}),
            Case(B_TIE, ([longer, ref(c - gap)], _perturbed(rng, longer, vocab, c))),
            Case(B_EMPTY, ([ref(7)], []), {"smoothing": "method1"} if rng.random() < 0.5 else {}),
            tie_shorter_first(),
        ]


CHECKS = [PrecisionRecallF1(), ModifiedPrecision(), BrevityPenalty(), Bleu()]
