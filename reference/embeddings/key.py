"""Answer key: from tokens to one-hot vectors and embeddings (numpy, nltk, gensim 4, Keras 3)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

PAD, UNK = "<pad>", "<unk>"


def tokenize(text: str) -> list[str]:
    import nltk

    # preserve_line=True skips sentence splitting, which needs punkt data that is not installed.
    return [token.lower() for token in nltk.word_tokenize(text, preserve_line=True)]


def build_vocab(token_lists: list[list[str]], min_count: int = 1) -> dict[str, int]:
    counts = Counter(token for tokens in token_lists for token in tokens)
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    vocab = {PAD: 0, UNK: 1}
    for word in words:
        vocab[word] = len(vocab)
    return vocab


def encode(tokens: list[str], vocab: dict[str, int]) -> np.ndarray:
    return np.array([vocab.get(token, 1) for token in tokens], dtype=np.int64)


def one_hot_encode(indices: np.ndarray, vocab_size: int) -> np.ndarray:
    return np.eye(vocab_size, dtype=np.float32)[np.asarray(indices)]


def embedding_lookup(indices: np.ndarray, W: np.ndarray) -> np.ndarray:
    return W[np.asarray(indices)]


def cosine_similarity(u: np.ndarray, v: np.ndarray) -> float:
    norms = float(np.linalg.norm(u) * np.linalg.norm(v))
    return 0.0 if norms == 0.0 else float(np.dot(u, v) / norms)


def train_word2vec(token_lists: list[list[str]], vector_size: int = 50, window: int = 3, min_count: int = 1,
                   sg: int = 1, epochs: int = 20, seed: int = 0) -> Any:
    from gensim.models import Word2Vec

    return Word2Vec(sentences=token_lists, vector_size=vector_size, window=window, min_count=min_count,
                    sg=sg, epochs=epochs, seed=seed, workers=1)


def load_glove(path: str) -> dict[str, np.ndarray]:
    vectors = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, coefs = line.split(maxsplit=1)
            vectors[word] = np.array(coefs.split(), dtype=np.float32)
    return vectors


def build_embedding_matrix(vocab: dict[str, int], vectors: dict[str, np.ndarray], dim: int) -> np.ndarray:
    matrix = np.zeros((len(vocab), dim), dtype=np.float32)
    for word, index in vocab.items():
        if word in vectors and word not in (PAD, UNK):
            matrix[index] = vectors[word]
    return matrix


def frozen_embedding_layer(matrix: np.ndarray) -> Any:
    import keras

    return keras.layers.Embedding(matrix.shape[0], matrix.shape[1],
                                  embeddings_initializer=keras.initializers.Constant(matrix), trainable=False)
