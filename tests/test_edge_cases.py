"""Fast tier: every check's listed edge cases reach every student, and each one catches what it is for.

Each check lists its edge cases in ``edges`` (feedback label -> what it catches). Here, for a
handful of students, every listed edge case is in the student's case set, in a case of its own;
and an implementation that is correct except for one fragility loses points on exactly the edge
cases meant for that fragility, with feedback that shows that case and names the mistake.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from autograder.api import Text, observe
from autograder.oracle import OracleSession
from conftest import ASSIGNMENTS, COURSE

STUDENTS = ("ana", "bruno", "student7", "zoe-19")
TENSORFLOW = {"autoencoders", "embeddings", "gan", "text_classification"}


def _session(assignment: str, student: str, lang: str = "en") -> OracleSession:
    return OracleSession(COURSE.assignment(assignment), student, b"test-secret", lang=lang)


def _graded_checks(assignment: str) -> list[str]:
    """Checks whose cases differ per student (the others judge notebook globals on fixed data)."""
    return [check_id for check_id, check in _session(assignment, "ana").checks.items() if check.per_student]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_listed_edge_case_is_in_every_case_set(assignment: str) -> None:
    students = STUDENTS[:2] if assignment in TENSORFLOW else STUDENTS
    for check_id in _graded_checks(assignment):
        for student in students:
            session = _session(assignment, student)
            edges = getattr(session.checks[check_id], "edges", {})
            assert edges, f"{check_id} lists no edge cases"
            labels = Counter(case.label for case in session.cases(check_id))
            missing = [edge for edge in edges if labels[edge] == 0]
            assert not missing, f"{check_id}, {student}: {missing}"
            shared = [edge for edge in edges if labels[edge] > 1]
            assert not shared, f"{check_id}, {student}: edge labels used by several cases: {shared}"
            assert all(isinstance(edge, Text) for edge in edges), check_id


@dataclass(frozen=True)
class Fragile:
    """A correct implementation but for one fragility, the edge cases that must catch it, and its name."""

    assignment: str
    check: str
    implementation: Callable[..., Any]
    edges: tuple[Text, ...]
    mistake: str

    def __str__(self) -> str:
        return f"{self.check}:{self.mistake}"


def _checks(assignment: str) -> Any:
    return COURSE.assignment(assignment).module("checks")


def _rnn() -> list[Fragile]:
    checks = _checks("rnn")

    def rnn_forward_squeezing_x(x, h0, Wx, Wh, b):
        N, T, _ = x.shape
        h = np.zeros((N, T, h0.shape[1]))
        prev_h = h0
        for t in range(T):
            prev_h = np.tanh(np.squeeze(x[:, t, :]) @ Wx + prev_h @ Wh + b)
            h[:, t, :] = prev_h
        return h

    def rnn_step_with_exp_tanh(x, prev_h, Wx, Wh, b):
        z = x @ Wx + prev_h @ Wh + b
        with np.errstate(over="ignore", invalid="ignore"):
            return (1 - np.exp(-2 * z)) / (1 + np.exp(-2 * z))

    def gru_with_exp_sigmoid(x, prev_h, Wx, Wh, b):
        H = prev_h.shape[1]

        def sig(v):
            with np.errstate(over="ignore", invalid="ignore"):
                return np.exp(v) / (1 + np.exp(v))

        ax = x @ Wx + b
        z = sig(ax[:, :H] + prev_h @ Wh[:, :H])
        r = sig(ax[:, H:2 * H] + prev_h @ Wh[:, H:2 * H])
        return z * prev_h + (1 - z) * np.tanh(ax[:, 2 * H:] + (r * prev_h) @ Wh[:, 2 * H:])

    return [Fragile("rnn", "rnn.rnn_forward", rnn_forward_squeezing_x, (checks.D_ONE, checks.SMALLEST), "rnn.squeeze"),
            Fragile("rnn", "rnn.rnn_step_forward", rnn_step_with_exp_tanh, (checks.HUGE_Z,), "rnn.naive_tanh"),
            Fragile("rnn", "rnn.gru_step_forward", gru_with_exp_sigmoid, (checks.HUGE_Z,), "rnn.naive_sigmoid")]


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _unguarded_precision(references, candidate, n):
    counts = _ngrams(candidate, n)
    max_ref: Counter = Counter()
    for reference in references:
        max_ref |= _ngrams(reference, n)
    return sum(min(c, max_ref[g]) for g, c in counts.items()) / sum(counts.values())


def _perplexity() -> list[Fragile]:
    checks, bleu = _checks("perplexity"), COURSE.assignment("perplexity").module("checks_bleu")
    key = COURSE.assignment("perplexity").module("key")

    def perplexity_by_product(probs, mask=None):
        probs = np.asarray(probs, dtype=float)
        keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
        with np.errstate(divide="ignore"):
            return float(np.prod(probs[keep]) ** (-1 / keep.sum()))

    def sentence_perplexity_by_product(lm, sentence):
        tokens = [key.BOS, *sentence, key.EOS]
        probs = [key.bigram_prob(lm, p, w) for p, w in zip(tokens[:-1], tokens[1:], strict=False)]
        with np.errstate(divide="ignore"):
            return float(np.prod(probs) ** (-1 / len(probs)))

    def corpus_perplexity_skipping_empty(lm, sentences):
        total_nll, total_tokens = 0.0, 0
        for sentence in sentences:
            if sentence:
                nll, n = key.sentence_nll(lm, sentence)
                total_nll, total_tokens = total_nll + nll, total_tokens + n
        return math.exp(total_nll / total_tokens)

    def bleu_on_unguarded_precision(references, candidate, max_n=4, smoothing=None):
        precisions = [_unguarded_precision(references, candidate, n) for n in range(1, max_n + 1)]
        if precisions[0] == 0:
            return 0.0
        log_sum = 0.0
        for n, p in enumerate(precisions, start=1):
            if p == 0:
                if smoothing != "method1":
                    return 0.0
                p = 0.1 / max(1, len(candidate) - n + 1)
            log_sum += math.log(p) / max_n
        return key.brevity_penalty(references, candidate) * math.exp(log_sum)

    def brevity_penalty_unguarded(references, candidate):
        c = len(candidate)
        r = min((len(ref) for ref in references), key=lambda length: (abs(length - c), length))
        return 1.0 if c > r else math.exp(1 - r / c)

    return [
        Fragile("perplexity", "perplexity.perplexity", perplexity_by_product, (checks.P_LONG,),
                "ppl.probability_product"),
        Fragile("perplexity", "perplexity.sentence_perplexity", sentence_perplexity_by_product, (checks.S_LONG,),
                "lm.probability_product"),
        Fragile("perplexity", "perplexity.corpus_perplexity", corpus_perplexity_skipping_empty,
                (checks.C_WITH_EMPTY, checks.C_ONLY_EMPTY), "lm.empty_sentence_skipped"),
        Fragile("perplexity", "perplexity.modified_precision", _unguarded_precision, (bleu.P_SHORT,),
                "bleu.short_candidate_division"),
        Fragile("perplexity", "perplexity.bleu", bleu_on_unguarded_precision,
                (bleu.B_SHORT_METHOD1, bleu.B_SHORT_PLAIN, bleu.B_EMPTY), "bleu.short_candidate_division"),
        Fragile("perplexity", "perplexity.brevity_penalty", brevity_penalty_unguarded, (bleu.BP_EMPTY,),
                "bleu.bp_empty_candidate"),
    ]


def _embeddings() -> list[Fragile]:
    checks = _checks("embeddings")

    def encode_without_dtype(tokens, vocab):
        return np.array([vocab.get(token, 1) for token in tokens])

    def lookup_with_squeeze(indices, W):
        return np.squeeze(W[np.asarray(indices)])

    return [Fragile("embeddings", "embeddings.encode", encode_without_dtype, (checks.E_EMPTY,),
                    "embeddings.empty_encoding_float"),
            Fragile("embeddings", "embeddings.embedding_lookup", lookup_with_squeeze, (checks.L_SINGLE, checks.L_DIM1),
                    "embeddings.squeeze")]


def _autoencoders() -> list[Fragile]:
    checks = _checks("autoencoders")

    def detect_inclusive(errors, threshold):
        return np.asarray(errors) >= threshold

    def conv_two_layers_only(input_shape=(28, 28, 1), filters=(16, 8)):
        import keras

        height, width, channels = input_shape
        encoder = keras.Sequential([keras.Input(shape=tuple(input_shape))] + [
            keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu") for f in filters])
        decoder = keras.Sequential(
            [keras.Input(shape=(height // 4, width // 4, filters[-1]))]
            + [keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu")
               for f in reversed(filters)]
            + [keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")])
        return encoder, decoder, keras.Sequential([encoder, decoder])

    return [Fragile("autoencoders", "autoencoders.detect_anomalies", detect_inclusive, (checks.A_EQUAL,),
                    "autoencoders.threshold_inclusive"),
            Fragile("autoencoders", "autoencoders.build_conv_autoencoder", conv_two_layers_only,
                    (checks.C_ONE_LAYER, checks.C_THREE_LAYERS), "autoencoders.fixed_depth")]


def _gan() -> list[Fragile]:
    checks = _checks("gan")

    def noise_with_truthy_seed(batch_size, noise_dim, seed=None):
        import tensorflow as tf

        if seed:
            return tf.random.stateless_normal((batch_size, noise_dim), seed=(seed, 0), dtype=tf.float32)
        return tf.random.normal((batch_size, noise_dim), dtype=tf.float32, seed=1)

    def generator_loss_by_hand(fake_logits):
        import tensorflow as tf

        return -tf.reduce_mean(tf.math.log(tf.sigmoid(fake_logits)))

    return [Fragile("gan", "gan.sample_noise", noise_with_truthy_seed, (checks.S_SEED_0,), "gan.seed_zero_ignored"),
            Fragile("gan", "gan.generator_loss", generator_loss_by_hand, (checks.L_HUGE,), "gan.log_of_sigmoid")]


def _text_classification() -> list[Fragile]:
    checks = _checks("text_classification")

    def evaluate_on_true_labels(y_true, y_pred):
        from sklearn.metrics import confusion_matrix, f1_score

        labels = np.unique(y_true)
        return {"accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
                "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0)),
                "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels)}

    def cnn_with_binary_head(vocab_size, embedding_dim, seq_len, n_classes):
        import keras

        binary = n_classes == 2
        model = keras.Sequential([
            keras.Input(shape=(seq_len,), dtype="int64"),
            keras.layers.Embedding(vocab_size, embedding_dim),
            keras.layers.Conv1D(64, 3, activation="relu"),
            keras.layers.GlobalMaxPooling1D(),
            keras.layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
            keras.layers.Dense(1 if binary else n_classes, activation="sigmoid" if binary else "softmax"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    return [Fragile("text_classification", "text_classification.evaluate_classifier", evaluate_on_true_labels,
                    (checks.E_PREDICTED_ONLY, checks.E_ONE), "text.labels_from_truth"),
            Fragile("text_classification", "text_classification.build_cnn_classifier", cnn_with_binary_head,
                    (checks.M_TWO,), "text.binary_sigmoid_head")]


def _fragile() -> list[Fragile]:
    return [*_rnn(), *_perplexity(), *_embeddings(), *_autoencoders(), *_gan(), *_text_classification()]


@pytest.mark.parametrize("fragile", _fragile(), ids=str)
def test_a_fragile_implementation_fails_exactly_its_edge_cases(fragile: Fragile) -> None:
    students = STUDENTS[:2] if fragile.assignment in TENSORFLOW else STUDENTS
    for student in students:
        session = _session(fragile.assignment, student)
        check = session.checks[fragile.check]
        cases = session.cases(fragile.check)
        outcomes = [observe(fragile.implementation, case) for case in cases]
        failing = {case.label for case, got in zip(cases, outcomes, strict=True)
                   if check.grade_case(case, got).fraction < 1.0}
        assert failing == set(fragile.edges), f"{student}: {failing}"
        verdict = session.judge(fragile.check, cases, outcomes)
        assert verdict.mistake == fragile.mistake, f"{student}: {verdict.message}"
        assert verdict.failed_case == fragile.edges[0].en, f"{student}: {verdict.message}"
        assert math.isclose(verdict.fraction, 1 - len(fragile.edges) / len(cases))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_known_mistake_has_a_demo_student(assignment: str) -> None:
    """Each mistake a check can name is made by a demo student, whom the end-to-end tier grades
    and whose feedback must name it."""
    from autograder.demo import submissions

    found = COURSE.assignment(assignment)
    known = {m.id for check in found.checks().values() for m in check.mistakes}
    shown = {mistake for s in submissions(found) for mistake in s.expect.values()}
    assert not known - shown, f"add a student to reference/{assignment}/demo.py for each of: {sorted(known - shown)}"
