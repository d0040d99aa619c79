"""The mistakes students make in this assignment: buggy versions of the answer key and the
named diagnoses that the checks on trained notebook models give."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.api import Mistake

from . import key


def _dense_linear_output(input_dim: int, hidden_units: int, latent_dim: int) -> tuple[Any, Any, Any]:
    import keras

    encoder, _, _ = key.build_dense_autoencoder(input_dim, hidden_units, latent_dim)
    decoder = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(input_dim),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])


DENSE = [
    Mistake("autoencoders.linear_output",
            "La última capa del decodificador no tiene activación sigmoid: los píxeles están en [0, 1] y la "
            "salida debe estarlo también.",
            "The decoder's last layer has no sigmoid activation: pixels lie in [0, 1] and so must the output.",
            _dense_linear_output),
]


def _conv_same_filter_order(input_shape: tuple[int, int, int] = (28, 28, 1),
                            filters: Sequence[int] = (16, 8)) -> tuple[Any, Any, Any]:
    import keras

    encoder, _, _ = key.build_conv_autoencoder(input_shape, filters)
    height, width, channels = input_shape
    scale = 2 ** len(filters)
    decoder = keras.Sequential(
        [keras.Input(shape=(height // scale, width // scale, filters[-1]))]
        + [keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu") for f in filters]
        + [keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])


CONV = [
    Mistake("autoencoders.decoder_filter_order",
            "Las capas Conv2DTranspose del decodificador usan los filtros en el mismo orden que el codificador: "
            "el decodificador es el espejo del codificador, así que recorre los filtros al revés. La forma de "
            "salida coincide, pero el número de parámetros no.",
            "The decoder's Conv2DTranspose layers use the filters in the encoder's order: the decoder mirrors "
            "the encoder, so it walks the filters in reverse. The output shape matches, the parameter count "
            "does not.",
            _conv_same_filter_order),
]


def _noise_not_clipped(x: np.ndarray, noise_factor: float, seed: int) -> np.ndarray:
    return x + noise_factor * np.random.default_rng(seed).normal(size=np.shape(x))


NOISE = [
    Mistake("autoencoders.noise_not_clipped",
            "No recortas la imagen ruidosa al intervalo [0, 1] (np.clip): quedan píxeles fuera del rango que "
            "la sigmoid del decodificador puede producir.",
            "You do not clip the noisy image to [0, 1] (np.clip): some pixels fall outside the range the "
            "decoder's sigmoid can produce.", _noise_not_clipped),
]


def _per_feature_errors(autoencoder: Any, X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    return np.mean((X - np.asarray(autoencoder.predict(X, verbose=0))) ** 2, axis=0)


def _summed_errors(autoencoder: Any, X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    return np.sum((X - np.asarray(autoencoder.predict(X, verbose=0))) ** 2, axis=tuple(range(1, X.ndim)))


ERRORS = [
    Mistake("autoencoders.per_feature_error",
            "Promedias sobre las muestras (axis=0) y obtienes un error por píxel; se pide un error por muestra: "
            "promedia sobre todos los ejes salvo el primero.",
            "You average over the samples (axis=0) and get one error per pixel; one error per sample is "
            "required: average over every axis but the first.", _per_feature_errors),
    Mistake("autoencoders.summed_error",
            "Sumas los errores al cuadrado de cada muestra en lugar de promediarlos (el ECM es una media).",
            "You sum each sample's squared errors instead of averaging them (the MSE is a mean).", _summed_errors),
]


def _sample_std_threshold(train_errors: np.ndarray, k: float = 1.0) -> float:
    train_errors = np.asarray(train_errors)
    return float(np.mean(train_errors) + k * np.std(train_errors, ddof=1))


THRESHOLD = [
    Mistake("autoencoders.sample_std",
            "Usas la desviación típica muestral (ddof=1); el umbral del curso usa np.std por defecto (ddof=0).",
            "You use the sample standard deviation (ddof=1); the course's threshold uses np.std's default "
            "(ddof=0).", _sample_std_threshold),
]


def _inverted_anomalies(errors: np.ndarray, threshold: float) -> np.ndarray:
    return np.asarray(errors) < threshold


DETECT = [
    Mistake("autoencoders.inverted_anomaly",
            "El booleano está invertido: devuelves True para las muestras normales (como el tutorial de "
            "TensorFlow); aquí True significa anomalía, es decir, error mayor que el umbral.",
            "The boolean is inverted: you return True for normal samples (as the TensorFlow tutorial does); "
            "here True means anomaly, that is, an error above the threshold.", _inverted_anomalies),
]


def _trainable_encoder_classifier(encoder: Any, n_classes: int) -> Any:
    import keras

    inputs = keras.Input(shape=encoder.input_shape[1:])
    outputs = keras.layers.Dense(n_classes, activation="softmax")(encoder(inputs))
    return keras.Model(inputs, outputs)


CLASSIFIER = [
    Mistake("autoencoders.encoder_trainable",
            "El codificador sigue siendo entrenable: congélalo (encoder.trainable = False) para que solo se "
            "entrene la capa softmax nueva y no se destruya lo aprendido sin etiquetas.",
            "The encoder is still trainable: freeze it (encoder.trainable = False) so that only the new softmax "
            "layer trains and what was learnt without labels is kept.", _trainable_encoder_classifier),
]

UNSCALED = Mistake(
    "autoencoders.unscaled_data",
    "Tu autoencoder parece entrenado con píxeles sin escalar (0-255): una salida sigmoid solo llega a [0, 1], "
    "así que divide las imágenes entre 255 antes de entrenar.",
    "Your autoencoder looks trained on unscaled pixels (0-255): a sigmoid output only reaches [0, 1], so "
    "divide the images by 255 before training.")

THRESHOLD_LEAK = Mistake(
    "autoencoders.threshold_leak",
    "Tu umbral es mucho mayor que el que dan los errores de entrenamiento de los dígitos normales: lo has "
    "calculado con datos de prueba o con anomalías. El umbral sale solo de los errores de entrenamiento de "
    "datos normales.",
    "Your threshold is far above the one the normal digits' training errors give: you computed it on test data "
    "or on anomalies. The threshold comes only from the training errors of normal data.")

DENOISER_CLEAN = Mistake(
    "autoencoders.denoiser_clean_inputs",
    "Tu denoiser reconstruye bien las imágenes limpias pero no las ruidosas: lo has entrenado con entradas "
    "limpias. Un autoencoder de eliminación de ruido se entrena con fit(ruidosas, limpias).",
    "Your denoiser rebuilds clean images well but not noisy ones: you trained it on clean inputs. A denoising "
    "autoencoder is trained with fit(noisy, clean).")

NOT_LAYERWISE = Mistake(
    "autoencoders.not_layerwise",
    "La primera capa del codificador y la última del decodificador no forman un autoencoder por sí solas: no "
    "has entrenado capa a capa (un autoencoder superficial cada vez) sino toda la pila de golpe.",
    "The encoder's first layer and the decoder's last layer do not form an autoencoder on their own: you did "
    "not train layer by layer (one shallow autoencoder at a time) but the whole stack at once.")
