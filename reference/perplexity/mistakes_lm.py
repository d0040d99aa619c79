"""Known mistakes of bigram_prob and of the sentence and corpus perplexities built on it.

A wrong bigram_prob also shows in both perplexities (they call the student's own), so its
mistakes are named there too, with the same ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from autograder.api import Case, CaseOutcome, Check, Mistake, Raised, observe

from . import key
from .key import BOS, EOS
from .mistakes import INVERSE, K_IGNORED, LOG_BASE, any_of, expects_inf, quiet, raised, variant

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
    *(variant(mistake, prob) for mistake, prob in BUGGY_PROBS),
    Mistake("lm.unseen_key_error",
            "Un bigrama o un contexto no vistos lanzan KeyError: sus cuentas no están en el diccionario y "
            "valen 0; usa .get(clave, 0).",
            "An unseen bigram or context raises KeyError: its counts are not in the dictionary and are 0; "
            "use .get(key, 0).", _prob_direct_index, detect=raised("KeyError")),
]


# -- sentence_perplexity and corpus_perplexity --------------------------------------------------------
def _safe_log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


def _safe_log2(p: float) -> float:
    return math.log2(p) if p > 0 else -math.inf


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


def _corpus(n_offset: int = 0, end: bool = True, inverse: bool = False, pow2: bool = False,
            log: Callable[[float], float] = _safe_log, prob: Prob = key.bigram_prob,
            skip_empty: bool = False) -> Callable[..., float]:
    def corpus_perplexity(lm, sentences):
        parts = [_nll(lm, s, end=end, log=log, prob=prob) for s in sentences if s or not skip_empty]
        mean = sum(nll for nll, _ in parts) / sum(n + n_offset for _, n in parts)
        return 2 ** mean if pow2 else math.exp(-mean if inverse else mean)
    return corpus_perplexity


def _token_probs(lm, sentence) -> list[float]:
    tokens = [BOS, *sentence, EOS]
    return [key.bigram_prob(lm, prev, word) for prev, word in zip(tokens[:-1], tokens[1:], strict=False)]


def _from_product(probs: list[float], form: str) -> float:
    """Perplexity as the product of the probabilities to the power −1/N, written three ways."""
    if form == "numpy":
        return float(np.prod(probs) ** (-1.0 / len(probs)))
    product = math.prod(probs)
    return product ** (-1 / len(probs)) if form == "power" else math.exp(-math.log(product) / len(probs))


def _sentence_product(form: str) -> Callable[..., float]:
    def sentence_perplexity(lm, sentence):
        return _from_product(_token_probs(lm, sentence), form)
    return quiet(sentence_perplexity)


def _corpus_product(form: str) -> Callable[..., float]:
    def corpus_perplexity(lm, sentences):
        return _from_product([p for sentence in sentences for p in _token_probs(lm, sentence)], form)
    return quiet(corpus_perplexity)


PRODUCT_FORMS = ("numpy", "power", "log")


def _skipped_empty(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    """The outcome of skipping empty sentences; with nothing but empty ones, N = 0 and the division fails."""
    sentences = case.args[1]
    if sentences and not any(sentences):
        return isinstance(got, Raised) and got.error.startswith("ZeroDivisionError")
    return Check().compare(case, got, observe(_corpus(skip_empty=True), case)) is None


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
PRODUCT = Mistake(
    "lm.probability_product",
    "Multiplicas las probabilidades de los tokens y elevas el producto a −1/N: en una oración (o un corpus) "
    "largo el producto se anula (por debajo de 1e−308 un float vale 0) y la perplejidad sale infinita o falla. "
    "Suma logaritmos: exp(−(1/N)·Σ log p).",
    "You multiply the tokens' probabilities and raise the product to −1/N: for a long sentence (or corpus) "
    "the product underflows (below 1e−308 a float is 0) and the perplexity comes out infinite or fails. Sum "
    "logarithms instead: exp(−(1/N)·Σ log p).")


def _log_zero_detect(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    return expects_inf(expected) and isinstance(got, Raised) and got.error.startswith(("ValueError", "ZeroDivisionError"))


SENTENCE = [
    variant(INVERSE, _sentence(inverse=True)),
    any_of(LOG_BASE, _sentence(pow2=True), _sentence(log=_safe_log2)),
    any_of(END_NOT_COUNTED, _sentence(end=False), _sentence(n_offset=-1)),
    variant(START_COUNTED, _sentence(n_offset=1)),
    variant(LOG_ZERO, _sentence(log=math.log), detect=_log_zero_detect),
    *(variant(mistake, _sentence(prob=prob)) for mistake, prob in BUGGY_PROBS),
    any_of(PRODUCT, *(_sentence_product(form) for form in PRODUCT_FORMS)),
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
    variant(INVERSE, _corpus(inverse=True)),
    any_of(END_NOT_COUNTED, _corpus(end=False), _corpus(n_offset=-1)),
    variant(START_COUNTED, _corpus(n_offset=1)),
    variant(LOG_ZERO, _corpus(log=math.log), detect=_log_zero_detect),
    *(variant(mistake, _corpus(prob=prob)) for mistake, prob in BUGGY_PROBS),
    any_of(LOG_BASE, _corpus(pow2=True), _corpus(log=_safe_log2)),
    any_of(PRODUCT, *(_corpus_product(form) for form in PRODUCT_FORMS)),
    Mistake("lm.empty_sentence_skipped",
            "Te saltas las oraciones vacías: una oración vacía se evalúa como <s> </s> y predice un token, "
            "</s>, que entra en la suma de la NLL y en N.",
            "You skip empty sentences: an empty sentence is scored as <s> </s> and predicts one token, </s>, "
            "which enters both the NLL sum and N.", _corpus(skip_empty=True), _skipped_empty),
]
