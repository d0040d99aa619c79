"""The mistakes students make in this assignment, as buggy versions of the answer key or detectors.

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


def _quiet(function: Callable[..., Any]) -> Callable[..., Any]:
    """A buggy version that takes log(0) the way a student would, without numpy's warnings."""
    def run(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return function(*args, **kwargs)
    return run


def _expects_inf(expected: CaseOutcome) -> bool:
    return isinstance(expected, list) and bool(expected) and isinstance(expected[0], float) and math.isinf(expected[0])


def _raised(*errors: str) -> Callable[[Case, CaseOutcome, CaseOutcome], bool]:
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


def _with(mistake: Mistake, implementation: Callable[..., Any] | None = None,
          detect: Callable[[Case, CaseOutcome, CaseOutcome], bool] | None = None) -> Mistake:
    return Mistake(mistake.id, mistake.es, mistake.en, implementation, detect)


Compare = Callable[[Case, CaseOutcome, CaseOutcome], "Diagnosis | None"]


def _any_of(mistake: Mistake, *variants: Callable[..., Any], compare: Compare | None = None) -> Mistake:
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


PERPLEXITY = [
    _with(INVERSE, _quiet(_ppl_inverse)),
    _any_of(LOG_BASE, _quiet(_ppl_log2_with_exp), _quiet(_ppl_ln_with_pow2)),
    Mistake("ppl.padding_counted",
            "Ignoras la máscara: las posiciones de relleno (mask = 0) entran en la media. Solo cuentan los "
            "tokens reales, tanto en la suma de log p como en N = Σ mask.",
            "You ignore the mask: padding positions (mask = 0) enter the mean. Only real tokens count, both "
            "in the sum of log p and in N = Σ mask.", _quiet(_ppl_mask_ignored)),
    Mistake("ppl.padding_in_denominator",
            "Sumas log p solo sobre los tokens reales pero divides por el número total de posiciones, relleno "
            "incluido: N debe ser Σ mask, el número de tokens reales.",
            "You sum log p over real tokens only but divide by the total number of positions, padding "
            "included: N must be Σ mask, the number of real tokens.", _quiet(_ppl_all_positions)),
    Mistake("ppl.log_of_padding",
            "Obtienes NaN cuando el relleno tiene probabilidad 0: mask · log p da 0 · (−∞) = NaN. Descarta las "
            "posiciones de relleno antes de tomar el logaritmo (por ejemplo probs[mask.astype(bool)]).",
            "You get NaN when padding has probability 0: mask · log p gives 0 · (−∞) = NaN. Drop padding "
            "positions before taking the logarithm (for example probs[mask.astype(bool)]).",
            _quiet(_ppl_literal_formula)),
    Mistake("ppl.int_mask_indexing",
            "Indexas con una máscara de enteros 0/1: numpy la interpreta como posiciones (los elementos 0 y 1), "
            "no como filtro. Conviértela a booleana con mask.astype(bool).",
            "You index with an integer 0/1 mask: numpy reads it as positions (elements 0 and 1), not as a "
            "filter. Convert it to booleans with mask.astype(bool).", _quiet(_ppl_int_mask_index)),
]


# -- perplexity_from_log_probs ---------------------------------------------------------------------
def _from_logs_inverse(log_probs, base=math.e):
    return float(base ** np.mean(log_probs))


def _from_logs_exp(log_probs, base=math.e):
    return float(np.exp(-np.mean(log_probs)))


def _from_logs_divided(log_probs, base=math.e):
    return float(np.exp(-np.mean(log_probs) / np.log(base)))


FROM_LOG_PROBS = [
    _with(INVERSE, _from_logs_inverse),
    _any_of(LOG_BASE, _from_logs_exp, _from_logs_divided),
]


# -- train_bigram_lm ------------------------------------------------------------------------------
def _trainer(k_fixed: float | None = None, start: bool = True, end: bool = True,
             markers: tuple[str, ...] = (BOS, EOS, UNK)) -> Callable[..., dict]:
    def train(sentences, k=1.0):
        vocab = set(markers)
        contexts: Counter = Counter()
        bigrams: Counter = Counter()
        for sentence in sentences:
            vocab.update(sentence)
            tokens = [BOS] * start + list(sentence) + [EOS] * end
            for prev, word in zip(tokens[:-1], tokens[1:], strict=False):
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
    _with(K_IGNORED, _trainer(k_fixed=1.0)),
    _any_of(BOUNDARIES, _trainer(start=False), _trainer(end=False), compare=compare_models),
    Mistake("lm.vocabulary",
            "Al vocabulario le faltan símbolos: como en nltk.lm, contiene todas las palabras del entrenamiento "
            "más \"<s>\", \"</s>\" y \"<UNK>\", y su tamaño V entra en el denominador del suavizado.",
            "Your vocabulary lacks symbols: as in nltk.lm, it holds every training word plus \"<s>\", \"</s>\" "
            "and \"<UNK>\", and its size V enters the smoothing denominator.",
            _trainer(markers=(BOS, EOS)), detect=_markers_missing),
]


# -- bigram_prob -------------------------------------------------------------------------------------
def _prob_k_one(lm, prev, word):
    return (lm["bigram_counts"].get((prev, word), 0) + 1) / (lm["context_counts"].get(prev, 0) + len(lm["vocab"]))


def _prob_no_k_in_denominator(lm, prev, word):
    return (lm["bigram_counts"].get((prev, word), 0) + lm["k"]) / (lm["context_counts"].get(prev, 0) + len(lm["vocab"]))


def _prob_mle(lm, prev, word):
    return lm["bigram_counts"].get((prev, word), 0) / lm["context_counts"].get(prev, 0)


def _prob_direct_index(lm, prev, word):
    return (lm["bigram_counts"][(prev, word)] + lm["k"]) / (lm["context_counts"][prev] + lm["k"] * len(lm["vocab"]))


K_MISSING = Mistake(
    "lm.k_missing_in_denominator",
    "Al denominador le falta k: con add-k se suma k a cada una de las V cuentas, así que el "
    "denominador es C(prev) + k·V, no C(prev) + V (solo coinciden con k = 1).",
    "k is missing from the denominator: add-k adds k to each of the V counts, so the denominator "
    "is C(prev) + k·V, not C(prev) + V (they agree only for k = 1).")
NO_SMOOTHING = Mistake(
    "lm.no_smoothing",
    "Calculas la probabilidad de máxima verosimilitud C(prev w) / C(prev), sin suavizado: un bigrama "
    "no visto recibe probabilidad 0 (perplejidad infinita). Suma k a la cuenta y k·V al denominador.",
    "You compute the maximum-likelihood probability C(prev w) / C(prev), unsmoothed: an unseen "
    "bigram gets probability 0 (infinite perplexity). Add k to the count and k·V to the denominator.")
# The buggy probabilities, reused below: a wrong bigram_prob also shows in both perplexities.
BUGGY_PROBS = ((K_IGNORED, _prob_k_one), (K_MISSING, _prob_no_k_in_denominator), (NO_SMOOTHING, _prob_mle))

PROB = [
    *(_with(mistake, prob) for mistake, prob in BUGGY_PROBS),
    Mistake("lm.unseen_key_error",
            "Un bigrama o un contexto no vistos lanzan KeyError: sus cuentas no están en el diccionario y "
            "valen 0; usa .get(clave, 0).",
            "An unseen bigram or context raises KeyError: its counts are not in the dictionary and are 0; "
            "use .get(key, 0).", _prob_direct_index, detect=_raised("KeyError")),
]


# -- sentence_perplexity and corpus_perplexity --------------------------------------------------------
def _safe_log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


Prob = Callable[[dict, str, str], float]


def _nll(lm, sentence, end: bool = True, log: Callable[[float], float] = _safe_log,
         prob: Prob = key.bigram_prob) -> tuple[float, int]:
    """The key's sentence NLL, optionally without </s>, with a log that fails on 0 or with a
    buggy bigram probability."""
    tokens = [BOS, *sentence] + [EOS] * end
    terms = [-log(prob(lm, prev, word)) for prev, word in zip(tokens[:-1], tokens[1:], strict=False)]
    return sum(terms), len(terms)


def _sentence(n_offset: int = 0, end: bool = True, inverse: bool = False, pow2: bool = False,
              log: Callable[[float], float] = _safe_log, prob: Prob = key.bigram_prob) -> Callable[..., float]:
    def sentence_perplexity(lm, sentence):
        nll, n = _nll(lm, sentence, end=end, log=log, prob=prob)
        mean = nll / (n + n_offset)
        return 2 ** mean if pow2 else math.exp(-mean if inverse else mean)
    return sentence_perplexity


def _corpus(n_offset: int = 0, end: bool = True, inverse: bool = False,
            log: Callable[[float], float] = _safe_log, prob: Prob = key.bigram_prob) -> Callable[..., float]:
    def corpus_perplexity(lm, sentences):
        parts = [_nll(lm, s, end=end, log=log, prob=prob) for s in sentences]
        mean = sum(nll for nll, _ in parts) / sum(n + n_offset for _, n in parts)
        return math.exp(-mean if inverse else mean)
    return corpus_perplexity


def _mean_of_sentence_ppl(lm, sentences):
    return sum(key.sentence_perplexity(lm, s) for s in sentences) / len(sentences)


def _exp_of_mean_sentence_nll(lm, sentences):
    means = [nll / n for nll, n in (key.sentence_nll(lm, s) for s in sentences)]
    return math.exp(sum(means) / len(means))


END_NOT_COUNTED = Mistake(
    "lm.end_not_counted",
    "No cuentas </s> como token predicho: una oración de n palabras predice n + 1 tokens (sus palabras y "
    "</s>), y esos n + 1 términos entran en la suma y en N.",
    "You do not count </s> as a predicted token: a sentence of n words predicts n + 1 tokens (its words "
    "and </s>), and those n + 1 terms enter both the sum and N.")
START_COUNTED = Mistake(
    "lm.start_counted",
    "Cuentas <s> como token predicho: <s> es solo el contexto inicial y nunca se predice, así que N = n + 1 "
    "para una oración de n palabras, no n + 2.",
    "You count <s> as a predicted token: <s> is only the initial context and is never predicted, so "
    "N = n + 1 for a sentence of n words, not n + 2.")
LOG_ZERO = Mistake(
    "lm.log_zero",
    "Con k = 0 (sin suavizado) un bigrama no visto tiene probabilidad 0 y tu código falla al calcular "
    "log(0): la perplejidad correcta es infinita; devuelve math.inf (o usa np.log, que da −inf).",
    "With k = 0 (no smoothing) an unseen bigram has probability 0 and your code fails on log(0): the "
    "correct perplexity is infinite; return math.inf (or use np.log, which gives −inf).")
SENTENCE_LOG_BASE = _with(LOG_BASE, _sentence(pow2=True))


def _log_zero_detect(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    return _expects_inf(expected) and isinstance(got, Raised) and got.error.startswith(("ValueError", "ZeroDivisionError"))


SENTENCE = [
    _with(INVERSE, _sentence(inverse=True)),
    SENTENCE_LOG_BASE,
    _any_of(END_NOT_COUNTED, _sentence(end=False), _sentence(n_offset=-1)),
    _with(START_COUNTED, _sentence(n_offset=1)),
    _with(LOG_ZERO, _sentence(log=math.log), detect=_log_zero_detect),
    *(_with(mistake, _sentence(prob=prob)) for mistake, prob in BUGGY_PROBS),
]

CORPUS = [
    Mistake("lm.mean_of_sentence_perplexities",
            "Promedias las perplejidades de las oraciones: la perplejidad de un corpus es exp de la NLL media "
            "por token sobre todo el corpus, exp(Σ NLL / Σ N), no la media de las perplejidades.",
            "You average the sentences' perplexities: a corpus perplexity is exp of the mean NLL per token "
            "over the whole corpus, exp(Σ NLL / Σ N), not the mean of the perplexities.",
            _mean_of_sentence_ppl),
    Mistake("lm.sentences_weighted_equally",
            "Promedias la NLL media de cada oración, de modo que una oración corta pesa tanto como una larga: "
            "suma la NLL de todos los tokens y divide por el total de tokens, exp(Σ NLL / Σ N).",
            "You average each sentence's mean NLL, so a short sentence weighs as much as a long one: sum the "
            "NLL of every token and divide by the total number of tokens, exp(Σ NLL / Σ N).",
            _exp_of_mean_sentence_nll),
    _with(INVERSE, _corpus(inverse=True)),
    _any_of(END_NOT_COUNTED, _corpus(end=False), _corpus(n_offset=-1)),
    _with(START_COUNTED, _corpus(n_offset=1)),
    _with(LOG_ZERO, _corpus(log=math.log), detect=_log_zero_detect),
    *(_with(mistake, _corpus(prob=prob)) for mistake, prob in BUGGY_PROBS),
]


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
    _any_of(POSITIVE, _prf_for(lambda labels, positive: 1), _prf_for(_other_label)),
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


def _ratio(fraction: Callable[..., tuple[int, int]]) -> Callable[..., float]:
    def modified_precision(references, candidate, n):
        numerator, denominator = fraction(references, candidate, n)
        return numerator / denominator
    return modified_precision


def _bp_with(ref_length: Callable[[list, list], int], inverted: bool = False) -> Callable[..., float]:
    def brevity_penalty(references, candidate):
        c, r = len(candidate), ref_length(references, candidate)
        if c > r:
            return 1.0
        if c == 0:
            return 0.0
        return math.exp(1 - c / r) if inverted else math.exp(1 - r / c)
    return brevity_penalty


def _shortest(references, candidate):
    return min(len(r) for r in references)


def _closest_first_listed(references, candidate):
    return len(min(references, key=lambda r: abs(len(r) - len(candidate))))


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
TIE = Mistake(
    "bleu.closest_tie",
    "Cuando dos referencias están igual de cerca de la longitud del candidato eliges la primera de la lista; "
    "como nltk, elige la más corta: min(longitudes, key=lambda r: (abs(r − c), r)).",
    "When two references are equally close to the candidate's length you pick the first listed; as nltk "
    "does, pick the shorter one: min(lengths, key=lambda r: (abs(r − c), r)).")

MODIFIED_PRECISION = [
    _with(CLIP_BY_SUM, _ratio(_mp_sum)),
    _with(DISTINCT, _ratio(_mp_distinct)),
    _with(NO_CLIPPING, _ratio(_mp_unclipped)),
]

BREVITY = [
    _with(SHORTEST, _bp_with(_shortest)),
    _with(TIE, _bp_with(_closest_first_listed)),
    Mistake("bleu.bp_inverted",
            "La penalización por brevedad está invertida: es exp(1 − r/c) cuando el candidato es más corto "
            "(c ≤ r), no exp(1 − c/r).",
            "The brevity penalty is inverted: it is exp(1 − r/c) when the candidate is shorter (c ≤ r), not "
            "exp(1 − c/r).", _bp_with(key.closest_ref_length, inverted=True)),
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
    _with(CLIP_BY_SUM, _bleu_with(fraction=_mp_sum)),
    _with(DISTINCT, _bleu_with(fraction=_mp_distinct)),
    _with(NO_CLIPPING, _bleu_with(fraction=_mp_unclipped)),
    _with(SHORTEST, _bleu_with(bp=_bp_with(_shortest))),
    Mistake("bleu.no_brevity_penalty",
            "Falta la penalización por brevedad: multiplica la media geométrica de las precisiones por "
            "BP = exp(1 − r/c) cuando el candidato no es más largo que la referencia más cercana.",
            "The brevity penalty is missing: multiply the geometric mean of the precisions by BP = exp(1 − r/c) "
            "when the candidate is not longer than the closest reference.", _bleu_with(use_bp=False)),
]

