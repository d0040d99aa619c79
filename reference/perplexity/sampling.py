"""Random words, sentences and corpora for the hidden cases, drawn from a student's generator."""

from __future__ import annotations

import numpy as np

# A small vocabulary, so that n-grams repeat and overlap.
WORDS = ("el", "la", "gato", "perro", "come", "duerme", "casa", "sol", "luna", "corre", "mira", "pan")
ACCENTED = ("niño", "año", "canción", "café", "pingüino", "mañana", "árbol", "está")
K_VALUES = (0.05, 0.1, 0.2, 0.5, 0.75, 1.5, 2.0, 3.0)  # never 1: Laplace by accident must fail


def vocabulary(rng: np.random.Generator, size: int, words: tuple[str, ...] = WORDS) -> list[str]:
    """``size`` distinct words."""
    return [str(w) for w in rng.choice(words, size=size, replace=False)]


def sentence(rng: np.random.Generator, vocab: list[str], low: int, high: int) -> list[str]:
    """A sentence of ``low`` to ``high`` words of ``vocab``."""
    return [str(w) for w in rng.choice(vocab, size=int(rng.integers(low, high + 1)))]


def corpus(rng: np.random.Generator, vocab: list[str], count: int, low: int = 1, high: int = 6) -> list[list[str]]:
    """``count`` sentences of ``low`` to ``high`` words."""
    return [sentence(rng, vocab, low, high) for _ in range(count)]


def tokens(rng: np.random.Generator, vocab: list[str], length: int) -> list[str]:
    """``length`` words of ``vocab``."""
    return [str(w) for w in rng.choice(vocab, size=length)]


def smoothing_k(rng: np.random.Generator) -> float:
    """A smoothing constant other than 1."""
    return float(rng.choice(K_VALUES))
