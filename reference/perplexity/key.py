"""Answer key: perplexity, an add-k bigram language model, precision/recall/F1 and BLEU.

Conventions (the notebook states them to students):
- perplexity = exp(-sum(mask * log p) / sum(mask)); masked-out positions may hold any value, even 0.
- The bigram model follows nltk.lm: sentences are padded as <s> w1 ... wn </s>; the vocabulary is
  every training word plus "<s>", "</s>" and "<UNK>"; P(w | prev) = (C(prev w) + k) / (C(prev) + k·V)
  where C(prev) counts the training bigrams that start with prev. Words outside the vocabulary
  have zero counts, which gives exactly nltk's <UNK> probabilities (k = 1 is nltk's Laplace).
- A sentence of n words predicts n + 1 tokens (its words and </s>, never <s>).
- BLEU equals nltk.translate.bleu_score.sentence_bleu with uniform weights 1/max_n, except that
  an unsmoothed order without matches gives exactly 0.0 where nltk gives about 1e-77 and a warning.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

BOS, EOS, UNK = "<s>", "</s>", "<UNK>"
EPSILON = 0.1  # nltk's SmoothingFunction().method1 default


# -- perplexity --------------------------------------------------------------------------------
def perplexity(probs, mask=None) -> float:
    probs = np.asarray(probs, dtype=np.float64)
    keep = np.ones(probs.shape, dtype=bool) if mask is None else np.asarray(mask).astype(bool)
    with np.errstate(divide="ignore"):
        log_p = np.log(probs[keep])
    return float(np.exp(-log_p.sum() / keep.sum()))


def perplexity_from_log_probs(log_probs, base=math.e) -> float:
    return float(base ** (-np.mean(np.asarray(log_probs, dtype=np.float64))))


# -- add-k bigram language model -------------------------------------------------------------
def train_bigram_lm(sentences, k=1.0) -> dict:
    vocab = {BOS, EOS, UNK}
    context_counts: dict[str, int] = {}
    bigram_counts: dict[tuple[str, str], int] = {}
    for sentence in sentences:
        vocab.update(sentence)
        tokens = [BOS, *sentence, EOS]
        for prev, word in zip(tokens[:-1], tokens[1:], strict=False):
            bigram_counts[(prev, word)] = bigram_counts.get((prev, word), 0) + 1
            context_counts[prev] = context_counts.get(prev, 0) + 1
    return {"k": float(k), "vocab": vocab, "context_counts": context_counts, "bigram_counts": bigram_counts}


def bigram_prob(lm, prev, word) -> float:
    k = lm["k"]
    count = lm["bigram_counts"].get((prev, word), 0)
    return (count + k) / (lm["context_counts"].get(prev, 0) + k * len(lm["vocab"]))


def sentence_nll(lm, sentence) -> tuple[float, int]:
    """Negative log-likelihood of one sentence and the number of tokens it predicts."""
    tokens = [BOS, *sentence, EOS]
    nll = 0.0
    for prev, word in zip(tokens[:-1], tokens[1:], strict=False):
        p = bigram_prob(lm, prev, word)
        nll += -math.log(p) if p > 0 else math.inf
    return nll, len(tokens) - 1


def sentence_perplexity(lm, sentence) -> float:
    nll, n = sentence_nll(lm, sentence)
    return math.exp(nll / n)


def corpus_perplexity(lm, sentences) -> float:
    total_nll, total_n = 0.0, 0
    for sentence in sentences:
        nll, n = sentence_nll(lm, sentence)
        total_nll += nll
        total_n += n
    return math.exp(total_nll / total_n)


# -- classification metrics -------------------------------------------------------------------
def precision_recall_f1(y_true, y_pred, positive=1) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for truth, guess in zip(y_true, y_pred, strict=False):
        if guess == positive:
            if truth == positive:
                tp += 1
            else:
                fp += 1
        elif truth == positive:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    # sklearn's form: defined (as 0) even when precision and recall are both 0.
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return float(precision), float(recall), float(f1)


# -- BLEU --------------------------------------------------------------------------------------
def ngram_counts(tokens: Sequence[Hashable], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def clipped_counts(references, candidate, n) -> tuple[int, int]:
    """Numerator and denominator of the modified precision, as nltk keeps them."""
    counts = ngram_counts(candidate, n)
    max_ref: Counter = Counter()
    for reference in references:
        max_ref |= ngram_counts(reference, n)  # Counter union keeps the maximum count
    numerator = sum(min(count, max_ref[gram]) for gram, count in counts.items())
    return numerator, max(1, sum(counts.values()))


def modified_precision(references, candidate, n) -> float:
    numerator, denominator = clipped_counts(references, candidate, n)
    return numerator / denominator


def closest_ref_length(references, candidate) -> int:
    c = len(candidate)
    return min((len(reference) for reference in references), key=lambda r: (abs(r - c), r))


def brevity_penalty(references, candidate) -> float:
    c, r = len(candidate), closest_ref_length(references, candidate)
    if c > r:
        return 1.0
    if c == 0:
        return 0.0
    return math.exp(1 - r / c)


def bleu(references, candidate, max_n=4, smoothing=None) -> float:
    if smoothing not in (None, "method1"):
        raise ValueError(f"smoothing must be None or 'method1', not {smoothing!r}")
    fractions = [clipped_counts(references, candidate, n) for n in range(1, max_n + 1)]
    if fractions[0][0] == 0:
        return 0.0  # no unigram matches: 0 even with smoothing, as in nltk
    log_sum = 0.0
    for numerator, denominator in fractions:
        if numerator == 0:
            if smoothing is None:
                return 0.0
            numerator = EPSILON
        log_sum += math.log(numerator / denominator) / max_n
    return brevity_penalty(references, candidate) * math.exp(log_sum)
