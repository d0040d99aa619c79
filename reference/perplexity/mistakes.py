"""The mistakes students make in this assignment, as buggy versions of the answer key or detectors:
here the perplexities and the training of the bigram model, with the helpers the other mistake
modules share; ``mistakes_lm`` has bigram_prob and the sentence and corpus perplexities,
``mistakes_bleu`` precision/recall/F1 and BLEU.

The oracle names a mistake when the student's output on a failing case equals the buggy
version's output (or raises the same error), or when its detector recognises the output. A
misconception written in several ways is one entry whose detector accepts every variant; the
same misconception seen from several functions (1/PPL, a wrong bigram_prob) keeps its id there.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.api import (Case, CaseOutcome, Check, Diagnosis, Mistake, Raised, Unsupported, compare_values,
                            observe)

from . import key
from .key import BOS, EOS, UNK

EPSILONS = (1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-20)  # what students add to p before log(p)


def quiet(function: Callable[..., Any]) -> Callable[..., Any]:
    """A buggy version that takes log(0) the way a student would, without numpy's warnings."""
    def run(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return function(*args, **kwargs)
    return run


def expects_inf(expected: CaseOutcome) -> bool:
    """Whether the expected result is an infinite float (a probability 0 somewhere)."""
    return isinstance(expected, list) and bool(expected) and isinstance(expected[0], float) and math.isinf(expected[0])


def raised(*errors: str) -> Callable[[Case, CaseOutcome, CaseOutcome], bool]:
    """A detector for an error whose text starts with one of ``errors``."""
    def detect(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
        return isinstance(got, Raised) and got.error.startswith(errors)
    return detect


# -- perplexity(probs, mask) --------------------------------------------------------------------
def _masked_logs(probs, mask):
    probs = np.asarray(probs, dtype=np.float64)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    return np.log(probs[keep])


INVERSE = Mistake(
    "ppl.inverse",
    "Devuelves el inverso de la perplejidad, exp(+media de log p): falta el signo menos. La perplejidad "
    "es exp(−(1/N)·Σ log p) y vale al menos 1 (1 = modelo perfecto).",
    "You return the inverse of the perplexity, exp(+mean log p): the minus sign is missing. Perplexity "
    "is exp(−(1/N)·Σ log p) and is at least 1 (1 = a perfect model).")
LOG_BASE = Mistake(
    "ppl.log_base",
    "Mezclas bases de logaritmo: la exponencial debe deshacer el mismo logaritmo (exp con ln, 2** con log2, "
    "base ** (−media) con logaritmos en esa base).",
    "You mix logarithm bases: the exponential must undo the same logarithm (exp with ln, 2** with log2, "
    "base ** (−mean) with logarithms in that base).")


def variant(mistake: Mistake, implementation: Callable[..., Any] | None = None,
            detect: Callable[[Case, CaseOutcome, CaseOutcome], bool] | None = None) -> Mistake:
    """The same mistake (id and messages) as made by another function."""
    return Mistake(mistake.id, mistake.es, mistake.en, implementation, detect)


Compare = Callable[[Case, CaseOutcome, CaseOutcome], "Diagnosis | None"]


def any_of(mistake: Mistake, *variants: Callable[..., Any], compare: Compare | None = None) -> Mistake:
    """One mistake written in several ways. A single entry (not one per variant) keeps the oracle's
    vote fair: two variants that agree on a case would otherwise count that case twice."""
    judge = compare or Check().compare

    def detect(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
        return any(judge(case, got, observe(variant, case)) is None for variant in variants)

    return Mistake(mistake.id, mistake.es, mistake.en, variants[0], detect)


def _ppl_inverse(probs, mask=None):
    return float(np.exp(np.mean(_masked_logs(probs, mask))))


def _ppl_log2_with_exp(probs, mask=None):
    return float(np.exp(-np.mean(_masked_logs(probs, mask) / np.log(2))))


def _ppl_ln_with_pow2(probs, mask=None):
    return float(2 ** -np.mean(_masked_logs(probs, mask)))


def _ppl_mask_ignored(probs, mask=None):
    return float(np.exp(-np.mean(np.log(np.asarray(probs, dtype=np.float64)))))


def _ppl_all_positions(probs, mask=None):
    probs = np.asarray(probs, dtype=np.float64)
    return float(np.exp(-np.sum(_masked_logs(probs, mask)) / probs.size))


def _ppl_literal_formula(probs, mask=None):
    probs = np.asarray(probs, dtype=np.float64)
    mask = np.ones(probs.shape) if mask is None else np.asarray(mask, dtype=np.float64)
    return float(np.exp(-np.sum(mask * np.log(probs)) / np.sum(mask)))


def _ppl_int_mask_index(probs, mask=None):
    probs = np.asarray(probs, dtype=np.float64)
    chosen = probs if mask is None else probs[np.asarray(mask)]
    return float(np.exp(-np.mean(np.log(chosen))))


def _ppl_product(probs, mask=None):
    probs = np.asarray(probs, dtype=np.float64)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    return float(np.prod(probs[keep]) ** (-1.0 / keep.sum()))


def _ppl_epsilon(epsilon: float, clip: bool) -> Callable[..., float]:
    def perplexity(probs, mask=None):
        probs = np.asarray(probs, dtype=np.float64)
        keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
        kept = np.maximum(probs[keep], epsilon) if clip else probs[keep] + epsilon
        return float(np.exp(-np.mean(np.log(kept))))
    return perplexity


def _rows(probs, mask):
    probs = np.atleast_2d(np.asarray(probs, dtype=np.float64))
    keep = np.ones(probs.shape, bool) if mask is None else np.atleast_2d(np.asarray(mask).astype(bool))
    return [np.log(row[kept]) for row, kept in zip(probs, keep, strict=True)]


def _ppl_mean_of_rows(probs, mask=None):
    return float(np.mean([np.exp(-logs.sum() / logs.size) for logs in _rows(probs, mask)]))


def _ppl_mean_of_row_nll(probs, mask=None):
    return float(np.exp(-np.mean([logs.sum() / logs.size for logs in _rows(probs, mask)])))


def _ppl_off_by(offset: int) -> Callable[..., float]:
    def perplexity(probs, mask=None):
        logs = _masked_logs(probs, mask)
        return float(np.exp(-np.sum(logs) / (logs.size + offset)))
    return perplexity


PRODUCT = Mistake(
    "ppl.probability_product",
    "Multiplicas las probabilidades y elevas el producto a −1/N: con muchos tokens el producto se anula "
    "(por debajo de 1e−308 un float vale 0) y la perplejidad sale infinita o falla. Suma logaritmos: "
    "exp(−(1/N)·Σ log p).",
    "You multiply the probabilities and raise the product to −1/N: with many tokens the product underflows "
    "(below 1e−308 a float is 0) and the perplexity comes out infinite or fails. Sum logarithms instead: "
    "exp(−(1/N)·Σ log p).")
EPSILON = Mistake(
    "ppl.epsilon_in_log",
    "Sumas un épsilon a las probabilidades (o las recortas a un mínimo) antes del logaritmo: una probabilidad "
    "0 debe dar perplejidad infinita, y las probabilidades diminutas cambian. Toma log p tal cual.",
    "You add an epsilon to the probabilities (or clip them to a minimum) before the logarithm: a probability "
    "0 must give an infinite perplexity, and tiny probabilities change. Take log p as it is.")
OFF_BY_ONE = Mistake(
    "ppl.off_by_one",
    "Divides la suma de log p entre N − 1 o N + 1: N es el número de tokens reales (Σ mask), ni uno más ni uno "
    "menos.",
    "You divide the sum of log p by N − 1 or N + 1: N is the number of real tokens (Σ mask), no more and no "
    "fewer.")

PERPLEXITY = [
    any_of(Mistake(
        "ppl.mean_of_row_perplexities",
        "Promedias valores por fila del lote (la perplejidad de cada secuencia, o su NLL media): la perplejidad "
        "de un lote es exp de la NLL media sobre todos sus tokens reales, exp(−Σ mask·log p / Σ mask). La media "
        "de perplejidades es otra medida (mean_perplexity de Hugging Face evaluate).",
        "You average per-row values of the batch (each sequence's perplexity, or its mean NLL): the perplexity "
        "of a batch is exp of the mean NLL over all its real tokens, exp(−Σ mask·log p / Σ mask). A mean of "
        "perplexities is another measure (Hugging Face evaluate's mean_perplexity)."),
        quiet(_ppl_mean_of_rows), quiet(_ppl_mean_of_row_nll)),
    variant(INVERSE, quiet(_ppl_inverse)),
    any_of(LOG_BASE, quiet(_ppl_log2_with_exp), quiet(_ppl_ln_with_pow2)),
    Mistake("ppl.padding_counted",
            "Ignoras la máscara: las posiciones de relleno (mask = 0) entran en la media. Solo cuentan los "
            "tokens reales, tanto en la suma de log p como en N = Σ mask.",
            "You ignore the mask: padding positions (mask = 0) enter the mean. Only real tokens count, both "
            "in the sum of log p and in N = Σ mask.", quiet(_ppl_mask_ignored)),
    Mistake("ppl.padding_in_denominator",
            "Sumas log p solo sobre los tokens reales pero divides por el número total de posiciones, relleno "
            "incluido: N debe ser Σ mask, el número de tokens reales.",
            "You sum log p over real tokens only but divide by the total number of positions, padding "
            "included: N must be Σ mask, the number of real tokens.", quiet(_ppl_all_positions)),
    Mistake("ppl.log_of_padding",
            "Obtienes NaN cuando el relleno tiene probabilidad 0: mask · log p da 0 · (−∞) = NaN. Descarta las "
            "posiciones de relleno antes de tomar el logaritmo (por ejemplo probs[mask.astype(bool)]).",
            "You get NaN when padding has probability 0: mask · log p gives 0 · (−∞) = NaN. Drop padding "
            "positions before taking the logarithm (for example probs[mask.astype(bool)]).",
            quiet(_ppl_literal_formula)),
    Mistake("ppl.int_mask_indexing",
            "Indexas con una máscara de enteros 0/1: numpy la interpreta como posiciones (los elementos 0 y 1), "
            "no como filtro. Conviértela a booleana con mask.astype(bool).",
            "You index with an integer 0/1 mask: numpy reads it as positions (elements 0 and 1), not as a "
            "filter. Convert it to booleans with mask.astype(bool).", quiet(_ppl_int_mask_index)),
    variant(PRODUCT, quiet(_ppl_product)),
    any_of(EPSILON, *(quiet(_ppl_epsilon(e, clip)) for clip in (False, True) for e in EPSILONS)),
    any_of(OFF_BY_ONE, quiet(_ppl_off_by(-1)), quiet(_ppl_off_by(1))),
]


# -- perplexity_from_log_probs ---------------------------------------------------------------------
def _from_logs_inverse(log_probs, base=math.e):
    return float(base ** np.mean(log_probs))


def _from_logs_exp(log_probs, base=math.e):
    return float(np.exp(-np.mean(log_probs)))


def _from_logs_divided(log_probs, base=math.e):
    return float(np.exp(-np.mean(log_probs) / np.log(base)))


def _from_logs_product(log_probs, base=math.e):
    probs = np.power(float(base), np.asarray(log_probs, dtype=np.float64))
    return float(np.prod(probs) ** (-1.0 / probs.size))


FROM_LOG_PROBS = [
    variant(INVERSE, _from_logs_inverse),
    any_of(LOG_BASE, _from_logs_exp, _from_logs_divided),
    variant(PRODUCT, quiet(_from_logs_product)),
]


# -- train_bigram_lm ------------------------------------------------------------------------------
def _trainer(k_fixed: float | None = None, start: bool = True, end: bool = True,
             markers: tuple[str, ...] = (BOS, EOS, UNK), distinct: bool = False,
             skip_empty: bool = False) -> Callable[..., dict]:
    def train(sentences, k=1.0):
        vocab = set(markers)
        contexts: Counter = Counter()
        bigrams: Counter = Counter()
        for sentence in sentences:
            if skip_empty and not sentence:
                continue
            vocab.update(sentence)
            tokens = [BOS] * start + list(sentence) + [EOS] * end
            pairs = list(zip(tokens[:-1], tokens[1:], strict=False))
            for prev, word in (dict.fromkeys(pairs) if distinct else pairs):
                bigrams[(prev, word)] += 1
                contexts[prev] += 1
        return {"k": float(k if k_fixed is None else k_fixed), "vocab": vocab,
                "context_counts": dict(contexts), "bigram_counts": dict(bigrams)}
    return train


K_IGNORED = Mistake(
    "lm.k_ignored",
    "Usas k = 1 (Laplace) en lugar del k que recibes: el suavizado add-k suma k a cada cuenta y k·V al "
    "denominador, P(w | prev) = (C(prev w) + k) / (C(prev) + k·V).",
    "You use k = 1 (Laplace) instead of the k you receive: add-k smoothing adds k to every count and k·V "
    "to the denominator, P(w | prev) = (C(prev w) + k) / (C(prev) + k·V).")
BOUNDARIES = Mistake(
    "lm.missing_boundaries",
    "Faltan bigramas de frontera: cada oración se rellena como <s> w1 … wn </s> antes de contar, así el "
    "modelo aprende cómo empiezan (<s> w1) y cómo terminan (wn </s>) las oraciones.",
    "Boundary bigrams are missing: pad each sentence as <s> w1 … wn </s> before counting, so the model "
    "learns how sentences start (<s> w1) and end (wn </s>).")
LAYOUT = Mistake(
    "lm.layout",
    "El diccionario del modelo no tiene la estructura pedida: claves \"k\", \"vocab\", \"context_counts\" "
    "({palabra: cuenta}) y \"bigram_counts\" ({(prev, palabra): cuenta}).",
    "The model dictionary does not have the required layout: keys \"k\", \"vocab\", \"context_counts\" "
    "({word: count}) and \"bigram_counts\" ({(prev, word): count}).")


EMPTY_SKIPPED_TRAIN = Mistake(
    "lm.empty_sentence_skipped",
    "Te saltas las oraciones vacías: una oración vacía también se rellena como <s> </s>, así que aporta el "
    "bigrama (<s>, </s>) y una aparición del contexto <s>.",
    "You skip empty sentences: an empty sentence is also padded as <s> </s>, so it contributes the bigram "
    "(<s>, </s>) and one occurrence of the context <s>.",
    _trainer(skip_empty=True))


# -- reading a student's model -------------------------------------------------------------------------
def lm_reader(lm: Any) -> Callable[[str, str], float] | None:
    """P(word | prev) under the model dictionary a student's train_bigram_lm returned, or None when
    the dictionary lacks the documented keys. Counters, sets or lists and nested bigram dictionaries
    ({prev: {word: count}}) are all accepted: only the probabilities the model defines are judged."""
    try:
        k = float(lm["k"])
        vocab, contexts, bigrams = lm["vocab"], lm["context_counts"], lm["bigram_counts"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(vocab, (set, list, tuple, dict)) or not isinstance(contexts, dict) or not isinstance(bigrams, dict):
        return None
    size = len(set(vocab))
    nested = bool(bigrams) and all(isinstance(v, dict) for v in bigrams.values())

    def prob(prev: str, word: str) -> float:
        count = bigrams.get(prev, {}).get(word, 0) if nested else bigrams.get((prev, word), 0)
        denominator = contexts.get(prev, 0) + k * size
        return (count + k) / denominator if denominator else math.nan

    return prob


OOV = "ornitorrinco"  # outside every model's vocabulary in the hidden cases


def compare_models(case: Case, got: CaseOutcome, expected: CaseOutcome, rtol: float = 1e-7) -> Diagnosis | None:
    """Compare two train_bigram_lm outcomes by the probabilities their models define; the other
    observations (the arguments after the call) as values."""
    if isinstance(expected, Raised) or isinstance(got, Raised) or not isinstance(got, list) or len(got) != len(expected):
        return Check().compare(case, got, expected)
    student, reference = lm_reader(got[0]), lm_reader(expected[0])
    if reference is None:
        return None if student is None else Diagnosis("wrong_values")
    if student is None:
        if got[0] is None or isinstance(got[0], Unsupported):
            return compare_values(got[0], expected[0], rtol)
        return Diagnosis(LAYOUT.id, named=LAYOUT)
    model = expected[0]
    # </s> is never a context; with k = 0 only seen contexts define a distribution.
    contexts = [c for c in sorted(model["vocab"] | {OOV})
                if c != EOS and (model["k"] > 0 or model["context_counts"].get(c, 0) > 0)]
    queries = [(prev, word) for prev in contexts for word in sorted(model["vocab"] | {OOV})]
    try:
        got_probs = np.array([student(p, w) for p, w in queries], dtype=np.float64)
    except (TypeError, ValueError, AttributeError):  # counts that are not numbers
        return Diagnosis(LAYOUT.id, named=LAYOUT)
    expected_probs = np.array([reference(p, w) for p, w in queries])
    if compare_values(got_probs, expected_probs, rtol) is not None:
        return Diagnosis("wrong_values")
    return Check().compare(case, [None, *got[1:]], [None, *expected[1:]])


def _vocab_of(outcome: CaseOutcome) -> set | None:
    if not isinstance(outcome, list) or not outcome or not isinstance(outcome[0], dict):
        return None
    vocab = outcome[0].get("vocab")
    return set(vocab) if isinstance(vocab, (set, list, tuple, dict)) else None


def _markers_missing(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    vocab = _vocab_of(got)
    return vocab is not None and lm_reader(got[0]) is not None and not {BOS, EOS, UNK} <= vocab


TRAIN = [
    variant(K_IGNORED, _trainer(k_fixed=1.0)),
    any_of(BOUNDARIES, _trainer(start=False), _trainer(end=False), compare=compare_models),
    Mistake("lm.vocabulary",
            "Al vocabulario le faltan símbolos: como en nltk.lm, contiene todas las palabras del entrenamiento "
            "más \"<s>\", \"</s>\" y \"<UNK>\", y su tamaño V entra en el denominador del suavizado.",
            "Your vocabulary lacks symbols: as in nltk.lm, it holds every training word plus \"<s>\", \"</s>\" "
            "and \"<UNK>\", and its size V enters the smoothing denominator.",
            _trainer(markers=(BOS, EOS)), detect=_markers_missing),
    Mistake("lm.distinct_bigrams",
            "Cuentas cada bigrama distinto una sola vez por oración (con un conjunto): si una oración repite un "
            "bigrama («muy muy muy»), cada aparición suma 1 a su cuenta y a la de su contexto.",
            "You count each distinct bigram once per sentence (with a set): when a sentence repeats a bigram "
            "(\"very very very\"), every occurrence adds 1 to its count and to its context's.",
            _trainer(distinct=True)),
    EMPTY_SKIPPED_TRAIN,
]
