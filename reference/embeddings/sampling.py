"""Random texts, token lists and corpora for the hidden cases, drawn from a student's generator."""

from __future__ import annotations

import numpy as np

WORDS = ("the", "economy", "government", "bank", "minister", "police", "fire", "australia", "market", "people",
         "said", "new", "year", "sydney", "president", "world", "water", "city", "team", "rates")
CONTRACTIONS = ("don't", "it's", "can't", "isn't", "we're", "they'll", "won't", "i'm")
NUMBERS = ("2001", "3.5", "100", "12")
POOL = ("gato", "perro", "casa", "río", "sol", "luna", "mar", "pan", "vino", "libro", "mesa", "tren", "flor",
        "nube", "cielo", "árbol", "calle", "playa", "lápiz", "reloj")
UNKNOWN = ("queso", "barco", "nieve", "puerta", "silla", "campo")
ACCENTED_WORDS = ("¿Dónde", "está", "el", "niño", "?", "¡Qué", "año", "!", "canción", "pingüino", "mañana", "árbol",
                  "café", "España", "sí")


def text(rng: np.random.Generator, sentences: int) -> str:
    """English sentences with random casing, quotes, brackets, contractions and punctuation."""
    out = []
    for _ in range(sentences):
        tokens = []
        for position in range(int(rng.integers(5, 11))):
            word = str(rng.choice(WORDS + CONTRACTIONS + NUMBERS))
            roll = rng.random()
            if position == 0 or roll < 0.2:
                word = word.capitalize()
            elif roll < 0.3:
                word = word.upper()
            if rng.random() < 0.15:
                word = f'"{word}"' if rng.random() < 0.5 else f"({word})"
            if rng.random() < 0.2:
                word += str(rng.choice([",", ";", ":"]))
            tokens.append(word)
        out.append(" ".join(tokens) + str(rng.choice([".", "!", "?"])))
    return " ".join(out)


def token_lists(rng: np.random.Generator, min_count: int = 1) -> list[list[str]]:
    """Random token lists that the wrong orders cannot pass: the most frequent word sorts after two
    rarer ones, two words tie in reverse alphabetical order of first appearance, and one word
    occurs exactly min_count times."""
    pool = [str(w) for w in rng.permutation(POOL)]
    common, rare = pool[:8], sorted(pool[8:11])
    lists = [[str(w) for w in rng.choice(common, size=int(rng.integers(2, 7)))] for _ in range(int(rng.integers(3, 6)))]
    top = max(sum(tokens.count(w) for tokens in lists) for w in common)
    lists.append([rare[2]] * (top + 1))
    lists.append([rare[1], rare[0]] * min_count)
    lists.append([pool[11]] * min_count)
    order = rng.permutation(len(lists))
    return [lists[i] for i in order]


def corpus(rng: np.random.Generator, sentences: int, rare: int = 0) -> list[list[str]]:
    """A Word2Vec corpus over twelve words of skewed frequencies, plus ``rare`` words seen once."""
    words = [str(w) for w in rng.permutation(POOL)[:12]]
    weights = rng.dirichlet(np.ones(len(words)))
    drawn = [[str(w) for w in rng.choice(words, size=int(rng.integers(4, 11)), p=weights)]
             for _ in range(sentences)]
    for word in UNKNOWN[:rare]:
        drawn[int(rng.integers(len(drawn)))].append(word)
    return drawn
