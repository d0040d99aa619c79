"""Answer key: autoencoders in Keras 3 (course sections 3.1 to 3.12).

Keras is imported inside the functions that build models so that the grader process only
loads TensorFlow when a check actually needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def build_dense_autoencoder(input_dim: int, hidden_units: int, latent_dim: int) -> tuple[Any, Any, Any]:
    import keras

    encoder = keras.Sequential([
        keras.Input(shape=(input_dim,)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(latent_dim, activation="relu"),
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(input_dim, activation="sigmoid"),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])


def build_conv_autoencoder(input_shape: tuple[int, int, int] = (28, 28, 1),
                           filters: Sequence[int] = (16, 8)) -> tuple[Any, Any, Any]:
    import keras

    height, width, channels = input_shape
    encoder = keras.Sequential([keras.Input(shape=tuple(input_shape))] + [
        keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu") for f in filters])
    scale = 2 ** len(filters)
    decoder = keras.Sequential(
        [keras.Input(shape=(height // scale, width // scale, filters[-1]))]
        + [keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu")
           for f in reversed(filters)]
        + [keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])


def add_noise(x: np.ndarray, noise_factor: float, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(size=np.shape(x))
    return np.clip(x + noise_factor * noise, 0.0, 1.0)


def reconstruction_errors(autoencoder: Any, X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    reconstructed = np.asarray(autoencoder.predict(X, verbose=0))
    return np.mean((X - reconstructed) ** 2, axis=tuple(range(1, X.ndim)))


def anomaly_threshold(train_errors: np.ndarray, k: float = 1.0) -> float:
    train_errors = np.asarray(train_errors)
    return float(np.mean(train_errors) + k * np.std(train_errors))


def detect_anomalies(errors: np.ndarray, threshold: float) -> np.ndarray:
    return np.asarray(errors) > threshold


def greedy_layerwise_pretrain(X: np.ndarray, layer_sizes: Sequence[int], epochs: int,
                              seed: int = 0) -> tuple[Any, Any, Any]:
    import keras

    keras.utils.set_random_seed(seed)
    codes = np.asarray(X, dtype="float32")
    encoder_layers: list[Any] = []
    decoder_layers: list[Any] = []
    for depth, size in enumerate(layer_sizes):
        # The first shallow autoencoder rebuilds pixels in [0, 1]; deeper ones rebuild ReLU codes.
        hidden = keras.layers.Dense(size, activation="relu")
        output = keras.layers.Dense(codes.shape[1], activation="sigmoid" if depth == 0 else "relu")
        shallow = keras.Sequential([keras.Input(shape=(codes.shape[1],)), hidden, output])
        shallow.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        shallow.fit(codes, codes, epochs=epochs, batch_size=32, verbose=0)
        codes = np.asarray(hidden(codes))
        encoder_layers.append(hidden)
        decoder_layers.insert(0, output)
    encoder = keras.Sequential([keras.Input(shape=(np.shape(X)[1],)), *encoder_layers])
    decoder = keras.Sequential([keras.Input(shape=(layer_sizes[-1],)), *decoder_layers])
    return encoder, decoder, keras.Sequential([encoder, decoder])


def classifier_from_encoder(encoder: Any, n_classes: int) -> Any:
    import keras

    encoder.trainable = False
    inputs = keras.Input(shape=encoder.input_shape[1:])
    codes = encoder(inputs, training=False)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(codes)
    return keras.Model(inputs, outputs)
