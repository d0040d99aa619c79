"""The mistakes students make in this assignment: buggy versions of the answer key and the
named diagnoses that the checks on trained notebook models give."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.api import Case, CaseOutcome, Mistake, Raised, compare_values

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


def _dense_course_sizes(input_dim: int, hidden_units: int, latent_dim: int) -> tuple[Any, Any, Any]:
    return key.build_dense_autoencoder(784, 100, 30)


DENSE = [
    Mistake("autoencoders.linear_output",
            "La última capa del decodificador no tiene activación sigmoid: los píxeles están en [0, 1] y la "
            "salida debe estarlo también.",
            "The decoder's last layer has no sigmoid activation: pixels lie in [0, 1] and so must the output.",
            _dense_linear_output),
    Mistake("autoencoders.fixed_sizes",
            "Tu autoencoder tiene siempre los tamaños del ejemplo del curso (784-100-30-100-784): usa input_dim, "
            "hidden_units y latent_dim, los argumentos de la función.",
            "Your autoencoder always has the sizes of the course's example (784-100-30-100-784): use input_dim, "
            "hidden_units and latent_dim, the function's arguments.", _dense_course_sizes),
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


def _conv_fixed_depth(input_shape: tuple[int, int, int] = (28, 28, 1),
                      filters: Sequence[int] = (16, 8)) -> tuple[Any, Any, Any]:
    import keras

    encoder, _, _ = key.build_conv_autoencoder(input_shape, filters)
    height, width, channels = input_shape
    decoder = keras.Sequential(
        [keras.Input(shape=(height // 4, width // 4, filters[-1]))]
        + [keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu") for f in reversed(filters)]
        + [keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])


def _decoder_input_mismatch(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    """Keras refusing to chain an encoder and a decoder whose input shape is not the encoder's output
    (the message names layers, which differ from run to run)."""
    filters = case.args[1] if len(case.args) > 1 else (16, 8)
    return (len(filters) != 2 and isinstance(got, Raised)
            and "is incompatible with the layer: expected shape=" in got.error)


CONV = [
    Mistake("autoencoders.decoder_filter_order",
            "Las capas Conv2DTranspose del decodificador usan los filtros en el mismo orden que el codificador: "
            "el decodificador es el espejo del codificador, así que recorre los filtros al revés. La forma de "
            "salida coincide, pero el número de parámetros no.",
            "The decoder's Conv2DTranspose layers use the filters in the encoder's order: the decoder mirrors "
            "the encoder, so it walks the filters in reverse. The output shape matches, the parameter count "
            "does not.",
            _conv_same_filter_order),
    Mistake("autoencoders.fixed_depth",
            "La entrada del decodificador mide alto // 4 × ancho // 4, que solo vale para dos capas: cada Conv2D de "
            "paso 2 divide el tamaño entre 2, así que con len(filters) capas es alto // 2 ** len(filters).",
            "The decoder's input is height // 4 × width // 4, which only holds for two layers: each stride-2 "
            "Conv2D halves the size, so with len(filters) layers it is height // 2 ** len(filters).",
            _conv_fixed_depth, _decoder_input_mismatch),
]


def _noise_not_clipped(x: np.ndarray, noise_factor: float, seed: int) -> np.ndarray:
    return x + noise_factor * np.random.default_rng(seed).normal(size=np.shape(x))


def _legacy_noise(x: np.ndarray, noise_factor: float, seed: int) -> np.ndarray:
    noise = np.random.RandomState(seed).normal(size=np.shape(x))
    return np.clip(x + noise_factor * noise, 0.0, 1.0)


def _other_gaussian_noise(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    """Clipped Gaussian noise of the right scale, but other draws than default_rng(seed)'s."""
    if isinstance(got, Raised) or isinstance(got[0], Raised) or not isinstance(got[0], np.ndarray):
        return False
    x, factor = np.asarray(case.args[0], dtype=np.float64), float(case.args[1])
    noisy = got[0].astype(np.float64)
    inside = (noisy > 0.0) & (noisy < 1.0)
    if noisy.shape != x.shape or inside.sum() < 20 or noisy.min() < 0.0 or noisy.max() > 1.0:
        return False
    noise = (noisy[inside] - x[inside]) / factor
    return abs(float(np.mean(noise))) < 0.5 and 0.5 < float(np.std(noise)) < 1.5 and not np.allclose(noisy, expected[0])


NOISE = [
    Mistake("autoencoders.noise_not_clipped",
            "No recortas la imagen ruidosa al intervalo [0, 1] (np.clip): quedan píxeles fuera del rango que "
            "la sigmoid del decodificador puede producir.",
            "You do not clip the noisy image to [0, 1] (np.clip): some pixels fall outside the range the "
            "decoder's sigmoid can produce.", _noise_not_clipped),
    Mistake("autoencoders.noise_not_from_seed",
            "Tu ruido es gaussiano pero no sale de np.random.default_rng(seed) (np.random.normal, np.random.seed o "
            "RandomState dan otros valores): usa noise = np.random.default_rng(seed).normal(size=x.shape), para "
            "que el mismo seed dé siempre el mismo ruido.",
            "Your noise is Gaussian but does not come from np.random.default_rng(seed) (np.random.normal, "
            "np.random.seed or RandomState give other values): use noise = "
            "np.random.default_rng(seed).normal(size=x.shape), so that the same seed always gives the same noise.",
            _legacy_noise, _other_gaussian_noise),
]


def _per_feature_errors(autoencoder: Any, X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    return np.mean((X - np.asarray(autoencoder.predict(X, verbose=0))) ** 2, axis=0)


def _summed_errors(autoencoder: Any, X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    return np.sum((X - np.asarray(autoencoder.predict(X, verbose=0))) ** 2, axis=tuple(range(1, X.ndim)))


def _errors_over_axis(axis: int) -> Any:
    def reconstruction_errors(autoencoder: Any, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        return np.mean((X - np.asarray(autoencoder.predict(X, verbose=0))) ** 2, axis=axis)
    return reconstruction_errors


def _one_axis(case: Case, got: CaseOutcome, expected: CaseOutcome) -> bool:
    """Errors averaged over axis 1 or over the last axis only (one prediction serves both)."""
    if isinstance(got, Raised) or isinstance(got[0], Raised):
        return False
    model, X = case.args
    X = np.asarray(X)
    squared = (X - np.asarray(model.predict(X, verbose=0))) ** 2
    return any(compare_values(got[0], np.mean(squared, axis=axis), 1e-4) is None for axis in (1, -1))


ERRORS = [
    Mistake("autoencoders.per_feature_error",
            "Promedias sobre las muestras (axis=0) y obtienes un error por píxel; se pide un error por muestra: "
            "promedia sobre todos los ejes salvo el primero.",
            "You average over the samples (axis=0) and get one error per pixel; one error per sample is "
            "required: average over every axis but the first.", _per_feature_errors),
    Mistake("autoencoders.summed_error",
            "Sumas los errores al cuadrado de cada muestra en lugar de promediarlos (el ECM es una media).",
            "You sum each sample's squared errors instead of averaging them (the MSE is a mean).", _summed_errors),
    Mistake("autoencoders.error_one_axis",
            "Promedias sobre un solo eje (axis=1 o axis=-1): basta con datos planos (N, D), pero con imágenes "
            "(N, alto, ancho, canales) hay que promediar todos los ejes salvo el primero, "
            "axis=tuple(range(1, X.ndim)).",
            "You average over a single axis (axis=1 or axis=-1): enough for flat data (N, D), but for images "
            "(N, height, width, channels) average over every axis but the first, axis=tuple(range(1, X.ndim)).",
            _errors_over_axis(1), _one_axis),
]


def _sample_std_threshold(train_errors: np.ndarray, k: float = 1.0) -> float:
    train_errors = np.asarray(train_errors)
    with np.errstate(divide="ignore", invalid="ignore"):
        std = np.sqrt(np.sum((train_errors - train_errors.mean()) ** 2) / (len(train_errors) - 1))
    return float(np.mean(train_errors) + k * std)


def _k_ignored_threshold(train_errors: np.ndarray, k: float = 1.0) -> float:
    return key.anomaly_threshold(train_errors)


def _max_threshold(train_errors: np.ndarray, k: float = 1.0) -> float:
    return float(np.max(train_errors))


THRESHOLD = [
    Mistake("autoencoders.sample_std",
            "Usas la desviación típica muestral (ddof=1); el umbral del curso usa np.std por defecto (ddof=0).",
            "You use the sample standard deviation (ddof=1); the course's threshold uses np.std's default "
            "(ddof=0).", _sample_std_threshold),
    Mistake("autoencoders.k_ignored",
            "Tu umbral no usa el k que recibe (sale siempre media + 1 · desviación típica): el umbral es "
            "media + k · desviación típica.",
            "Your threshold ignores the k it receives (it is always mean + 1 · standard deviation): the "
            "threshold is mean + k · standard deviation.", _k_ignored_threshold),
    Mistake("autoencoders.threshold_max",
            "Usas el error de entrenamiento máximo como umbral; aquí el umbral es media + k · desviación típica "
            "de los errores de entrenamiento.",
            "You use the largest training error as the threshold; here the threshold is mean + k · standard "
            "deviation of the training errors.", _max_threshold),
]


def _inverted_anomalies(errors: np.ndarray, threshold: float) -> np.ndarray:
    return np.asarray(errors) < threshold


DETECT = [
    Mistake("autoencoders.inverted_anomaly",
            "El booleano está invertido: devuelves True para las muestras normales (como el tutorial de "
            "TensorFlow); aquí True significa anomalía, es decir, error mayor que el umbral.",
            "The boolean is inverted: you return True for normal samples (as the TensorFlow tutorial does); "
            "here True means anomaly, that is, an error above the threshold.", _inverted_anomalies),
    Mistake("autoencoders.threshold_inclusive",
            "Marcas como anomalía un error igual al umbral (>=): solo es anomalía un error que lo supera "
            "estrictamente, errors > threshold.",
            "You flag an error equal to the threshold as an anomaly (>=): only an error strictly above it is one, "
            "errors > threshold.", lambda errors, threshold: np.asarray(errors) >= threshold),
]


def _trainable_encoder_classifier(encoder: Any, n_classes: int) -> Any:
    import keras

    inputs = keras.Input(shape=encoder.input_shape[1:])
    outputs = keras.layers.Dense(n_classes, activation="softmax")(encoder(inputs))
    return keras.Model(inputs, outputs)


def _sigmoid_for_two(encoder: Any, n_classes: int) -> Any:
    import keras

    if n_classes != 2:
        return key.classifier_from_encoder(encoder, n_classes)
    encoder.trainable = False
    inputs = keras.Input(shape=encoder.input_shape[1:])
    outputs = keras.layers.Dense(1, activation="sigmoid")(encoder(inputs, training=False))
    return keras.Model(inputs, outputs)


CLASSIFIER = [
    Mistake("autoencoders.encoder_trainable",
            "El codificador sigue siendo entrenable: congélalo (encoder.trainable = False) para que solo se "
            "entrene la capa softmax nueva y no se destruya lo aprendido sin etiquetas.",
            "The encoder is still trainable: freeze it (encoder.trainable = False) so that only the new softmax "
            "layer trains and what was learnt without labels is kept.", _trainable_encoder_classifier),
    Mistake("autoencoders.binary_sigmoid_head",
            "Con dos clases usas una sola neurona sigmoid: aquí la cabeza es siempre Dense(n_classes, softmax), "
            "también con dos clases, para entrenarla con sparse_categorical_crossentropy.",
            "With two classes you use a single sigmoid unit: here the head is always Dense(n_classes, softmax), "
            "two classes included, so that it trains with sparse_categorical_crossentropy.", _sigmoid_for_two),
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
