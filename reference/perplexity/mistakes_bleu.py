"""Known mistakes of precision/recall/F1 and of BLEU's pieces (modified precision, brevity penalty)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

from autograder.api import Case, CaseOutcome, Mistake, Raised

from . import key
from .mistakes import any_of, variant


# -- precision_recall_f1 ----------------------------------------------------------------------------
def _prf_for(label_of: Callable[[list, Any], Any]) -> Callable[..., tuple[float, float, float]]:
    def prf(y_true, y_pred, positive=1):
        return key.precision_recall_f1(y_true, y_pred, label_of(list(y_true) + list(y_pred), positive))
    return prf


def _other_label(labels: list, positive: Any) -> Any:
    others = sorted({label for label in labels if label != positive}, key=repr)
    return others[0] if others else object()  # a label no sample has


def _prf_swapped(y_true, y_pred, positive=1):
    p, r, f1 = key.precision_recall_f1(y_true, y_pred, positive)
    return r, p, f1


def _prf_unguarded(y_true, y_pred, positive=1):
    pairs = list(zip(y_true, y_pred, strict=False))
    tp = sum(t == positive and g == positive for t, g in pairs)
    precision = tp / sum(g == positive for _, g in pairs)
    recall = tp / sum(t == positive for t, _ in pairs)
    return precision, recall, 2 * precision * recall / (precision + recall)


def _zero_division_detect(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    if isinstance(got, Raised):
        return got.error.startswith("ZeroDivisionError")
    values = got[0] if isinstance(got, list) and got else None
    return isinstance(values, (list, tuple)) and any(isinstance(v, float) and math.isnan(v) for v in values)


POSITIVE = Mistake(
    "metrics.positive_class",
    "Calculas las métricas para la clase equivocada: la clase positiva es el argumento positive (que no "
    "siempre es 1, ni siempre un número).",
    "You compute the metrics for the wrong class: the positive class is the positive argument (not always "
    "1, nor always a number).")

METRICS = [
    Mistake("metrics.swapped",
            "Intercambiaste precisión y exhaustividad: precisión = VP / (VP + FP) (de lo que predices "
            "positivo, cuánto acierta); exhaustividad = VP / (VP + FN) (de lo positivo, cuánto encuentras).",
            "You swapped precision and recall: precision = TP / (TP + FP) (of what you predict positive, how "
            "much is right); recall = TP / (TP + FN) (of what is positive, how much you find).", _prf_swapped),
    any_of(POSITIVE, _prf_for(lambda labels, positive: 1), _prf_for(_other_label)),
    Mistake("metrics.zero_division",
            "Divides por cero cuando no hay predicciones positivas (o ningún positivo real): como scikit-learn "
            "con zero_division=0, esa métrica vale 0, y F1 = 2·VP / (2·VP + FP + FN) vale 0 si VP = 0.",
            "You divide by zero when there are no positive predictions (or no actual positives): as "
            "scikit-learn with zero_division=0, that metric is 0, and F1 = 2·TP / (2·TP + FP + FN) is 0 when TP = 0.",
            _prf_unguarded, detect=_zero_division_detect),
]


# -- BLEU ---------------------------------------------------------------------------------------------
def _mp_sum(references, candidate, n):
    counts = key.ngram_counts(candidate, n)
    total = sum((key.ngram_counts(r, n) for r in references), Counter())
    return sum(min(c, total[g]) for g, c in counts.items()), max(1, sum(counts.values()))


def _mp_distinct(references, candidate, n):
    counts = key.ngram_counts(candidate, n)
    seen = set().union(*(key.ngram_counts(r, n) for r in references))
    return sum(1 for g in counts if g in seen), max(1, sum(counts.values()))


def _mp_unclipped(references, candidate, n):
    counts = key.ngram_counts(candidate, n)
    seen = set().union(*(key.ngram_counts(r, n) for r in references))
    return sum(c for g, c in counts.items() if g in seen), max(1, sum(counts.values()))


def _mp_max_reference(references, candidate, n):
    counts = key.ngram_counts(candidate, n)
    max_ref: Counter = Counter()
    for reference in references:
        max_ref |= key.ngram_counts(reference, n)
    return sum(max_ref[g] for g in counts), max(1, sum(counts.values()))


def _mp_max_reference_per_occurrence(references, candidate, n):
    counts = key.ngram_counts(candidate, n)
    max_ref: Counter = Counter()
    for reference in references:
        max_ref |= key.ngram_counts(reference, n)
    return sum(c * max_ref[g] for g, c in counts.items() if g in max_ref), max(1, sum(counts.values()))


def _mp_unguarded(references, candidate, n):
    numerator, _ = key.clipped_counts(references, candidate, n)
    return numerator, sum(key.ngram_counts(candidate, n).values())


def _ratio(fraction: Callable[..., tuple[int, int]]) -> Callable[..., float]:
    def modified_precision(references, candidate, n):
        numerator, denominator = fraction(references, candidate, n)
        return numerator / denominator
    return modified_precision


def _bp_with(ref_length: Callable[[list, list], int] = key.closest_ref_length, inverted: bool = False,
             guard_empty: bool = True) -> Callable[..., float]:
    def brevity_penalty(references, candidate):
        c, r = len(candidate), ref_length(references, candidate)
        if c > r:
            return 1.0
        if c == 0 and guard_empty:
            return 0.0
        return math.exp(1 - c / r) if inverted else math.exp(1 - r / c)
    return brevity_penalty


def _shortest(references, candidate):
    return min(len(r) for r in references)


def _closest_first_listed(references, candidate):
    return len(min(references, key=lambda r: abs(len(r) - len(candidate))))


def _closest_longer(references, candidate):
    return min((len(r) for r in references), key=lambda r: (abs(r - len(candidate)), -r))


def _split_strings(references, candidate, *args: Any, **kwargs: Any):
    return candidate.split()


def _bleu_with(fraction: Callable[..., tuple[int, int]] = key.clipped_counts,
               bp: Callable[..., float] = key.brevity_penalty, smooth: bool = True,
               smooth_unigrams: bool = False, use_bp: bool = True) -> Callable[..., float]:
    def bleu(references, candidate, max_n=4, smoothing=None):
        fractions = [fraction(references, candidate, n) for n in range(1, max_n + 1)]
        if fractions[0][0] == 0 and not (smooth_unigrams and smoothing == "method1"):
            return 0.0
        log_sum = 0.0
        for numerator, denominator in fractions:
            if numerator == 0:
                if smoothing is None or not smooth:
                    return 0.0
                numerator = key.EPSILON
            log_sum += math.log(numerator / denominator) / max_n
        return (bp(references, candidate) if use_bp else 1.0) * math.exp(log_sum)
    return bleu


def _bleu_from(precision: Callable[..., float] = key.modified_precision,
               bp: Callable[..., float] = key.brevity_penalty) -> Callable[..., float]:
    """The notebook's BLEU, written on the precision and brevity penalty functions, with either replaced."""
    def bleu(references, candidate, max_n=4, smoothing=None):
        precisions = [precision(references, candidate, n) for n in range(1, max_n + 1)]
        if precisions[0] == 0:
            return 0.0
        log_sum = 0.0
        for n, p in enumerate(precisions, start=1):
            if p == 0:
                if smoothing != "method1":
                    return 0.0
                p = key.EPSILON / max(1, len(candidate) - n + 1)
            log_sum += math.log(p) / max_n
        return bp(references, candidate) * math.exp(log_sum)
    return bleu


def _divides_by_zero(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    if isinstance(got, Raised):
        return got.error.startswith("ZeroDivisionError")
    value = got[0] if isinstance(got, list) and got else None
    return isinstance(value, float) and math.isnan(value)


def _strings(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    return isinstance(got, Raised) and got.error.startswith("AttributeError") and "split" in got.error


CLIP_BY_SUM = Mistake(
    "bleu.clip_by_sum",
    "Recortas cada n-grama por la suma de sus cuentas en todas las referencias: el recorte usa la cuenta "
    "máxima en una sola referencia, min(cuenta en el candidato, máx. sobre referencias).",
    "You clip each n-gram by the sum of its counts over all references: clipping uses the maximum count "
    "in any single reference, min(candidate count, max over references).")
DISTINCT = Mistake(
    "bleu.distinct_ngrams",
    "Cuentas cada n-grama distinto una sola vez: un n-grama repetido en el candidato cuenta tantas veces "
    "como aparece, hasta su cuenta máxima en una referencia.",
    "You count each distinct n-gram once: an n-gram repeated in the candidate counts as many times as it "
    "occurs, up to its maximum count in one reference.")
NO_CLIPPING = Mistake(
    "bleu.no_clipping",
    "No recortas las cuentas: si el candidato repite una palabra de la referencia («the the the …») la "
    "precisión sale inflada. Cada n-grama cuenta como mucho su número máximo de apariciones en una referencia.",
    "You do not clip the counts: a candidate that repeats a reference word (“the the the …”) gets an "
    "inflated precision. Each n-gram counts at most its maximum number of occurrences in one reference.")
SHORTEST = Mistake(
    "bleu.shortest_reference",
    "Usas la referencia más corta en la penalización por brevedad: r es la longitud de la referencia más "
    "cercana a la del candidato (en empate, la más corta de las dos).",
    "You use the shortest reference in the brevity penalty: r is the length of the reference closest to "
    "the candidate's (on a tie, the shorter of the two).")
MAX_REFERENCE = Mistake(
    "bleu.count_not_clipped_by_candidate",
    "Sumas la cuenta máxima de cada n-grama en las referencias sin limitarla por su cuenta en el candidato: si "
    "una referencia repite una palabra que el candidato usa una vez, cuentas más coincidencias de las que hay "
    "(la precisión puede pasar de 1). La cuenta recortada es min(cuenta en el candidato, máx. en una "
    "referencia).",
    "You add each n-gram's maximum count in the references without limiting it by its count in the candidate: "
    "when a reference repeats a word the candidate uses once, you count more matches than there are (the "
    "precision can exceed 1). The clipped count is min(candidate count, max in one reference).")
SHORT_CANDIDATE = Mistake(
    "bleu.short_candidate_division",
    "Divides entre cero cuando el candidato no tiene n-gramas de orden n (es más corto que n, o está vacío): "
    "como nltk, el denominador de la precisión modificada es max(1, número de n-gramas del candidato), así que "
    "esa precisión vale 0.",
    "You divide by zero when the candidate has no n-grams of order n (it is shorter than n, or empty): as nltk "
    "does, the modified precision's denominator is max(1, number of candidate n-grams), so that precision is 0.")
STRINGS = Mistake(
    "bleu.strings_not_tokens",
    "Tratas las oraciones como cadenas (.split()): candidate ya es una lista de tokens y references una lista "
    "de listas de tokens, como en nltk.",
    "You treat the sentences as strings (.split()): candidate is already a list of tokens and references a "
    "list of token lists, as in nltk.")
TIE = Mistake(
    "bleu.closest_tie",
    "Cuando dos referencias están igual de cerca de la longitud del candidato eliges la primera de la lista; "
    "como nltk, elige la más corta: min(longitudes, key=lambda r: (abs(r − c), r)).",
    "When two references are equally close to the candidate's length you pick the first listed; as nltk "
    "does, pick the shorter one: min(lengths, key=lambda r: (abs(r − c), r)).")

TIE_LONGER = Mistake(
    "bleu.closest_tie_longer",
    "Cuando dos referencias están igual de cerca de la longitud del candidato eliges la más larga; como nltk, "
    "elige la más corta: min(longitudes, key=lambda r: (abs(r − c), r)).",
    "When two references are equally close to the candidate's length you pick the longer one; as nltk does, "
    "pick the shorter one: min(lengths, key=lambda r: (abs(r − c), r)).")
BP_EMPTY = Mistake(
    "bleu.bp_empty_candidate",
    "Con un candidato vacío (c = 0) divides entre cero en exp(1 − r/c): como nltk, la penalización por "
    "brevedad de un candidato vacío es 0.",
    "With an empty candidate (c = 0) you divide by zero in exp(1 − r/c): as nltk does, the brevity penalty of "
    "an empty candidate is 0.")

BP_INVERTED = Mistake(
    "bleu.bp_inverted",
    "La penalización por brevedad está invertida: es exp(1 − r/c) cuando el candidato es más corto "
    "(c ≤ r), no exp(1 − c/r).",
    "The brevity penalty is inverted: it is exp(1 − r/c) when the candidate is shorter (c ≤ r), not "
    "exp(1 − c/r).")

MODIFIED_PRECISION = [
    variant(CLIP_BY_SUM, _ratio(_mp_sum)),
    variant(DISTINCT, _ratio(_mp_distinct)),
    variant(NO_CLIPPING, _ratio(_mp_unclipped)),
    any_of(MAX_REFERENCE, _ratio(_mp_max_reference), _ratio(_mp_max_reference_per_occurrence)),
    variant(SHORT_CANDIDATE, _ratio(_mp_unguarded), detect=_divides_by_zero),
    variant(STRINGS, _split_strings, detect=_strings),
]

BREVITY = [
    variant(SHORTEST, _bp_with(_shortest)),
    variant(TIE, _bp_with(_closest_first_listed)),
    variant(TIE_LONGER, _bp_with(_closest_longer)),
    variant(BP_INVERTED, _bp_with(inverted=True)),
    variant(BP_EMPTY, _bp_with(guard_empty=False), detect=_divides_by_zero),
    variant(STRINGS, _split_strings, detect=_strings),
]

BLEU = [
    Mistake("bleu.no_smoothing",
            "Ignoras smoothing=\"method1\": con suavizado, un orden sin coincidencias usa (0 + 0.1) / número "
            "de n-gramas del candidato en lugar de anular todo el BLEU.",
            "You ignore smoothing=\"method1\": with smoothing, an order without matches uses (0 + 0.1) / number "
            "of candidate n-grams instead of zeroing the whole BLEU.", _bleu_with(smooth=False)),
    Mistake("bleu.smoothed_without_unigram_match",
            "Sin ninguna coincidencia de unigramas el BLEU es 0 aunque haya suavizado (así lo define nltk): "
            "method1 solo rellena órdenes superiores vacíos.",
            "With no unigram match at all BLEU is 0 even with smoothing (as nltk defines it): method1 only "
            "fills empty higher orders.", _bleu_with(smooth_unigrams=True)),
    variant(CLIP_BY_SUM, _bleu_with(fraction=_mp_sum)),
    variant(DISTINCT, _bleu_with(fraction=_mp_distinct)),
    variant(NO_CLIPPING, _bleu_with(fraction=_mp_unclipped)),
    any_of(MAX_REFERENCE, _bleu_from(precision=_ratio(_mp_max_reference)),
           _bleu_from(precision=_ratio(_mp_max_reference_per_occurrence))),
    variant(SHORTEST, _bleu_with(bp=_bp_with(_shortest))),
    variant(TIE, _bleu_from(bp=_bp_with(_closest_first_listed))),
    variant(TIE_LONGER, _bleu_from(bp=_bp_with(_closest_longer))),
    variant(BP_INVERTED, _bleu_from(bp=_bp_with(inverted=True))),
    Mistake("bleu.no_brevity_penalty",
            "Falta la penalización por brevedad: multiplica la media geométrica de las precisiones por "
            "BP = exp(1 − r/c) cuando el candidato no es más largo que la referencia más cercana.",
            "The brevity penalty is missing: multiply the geometric mean of the precisions by BP = exp(1 − r/c) "
            "when the candidate is not longer than the closest reference.", _bleu_with(use_bp=False)),
    variant(SHORT_CANDIDATE, _bleu_from(precision=_ratio(_mp_unguarded)), detect=_divides_by_zero),
    variant(STRINGS, _split_strings, detect=_strings),
]
