"""The mistakes students make in this assignment: buggy versions of the answer key, and the
detectors that recognise the same mistake in any of its variants. Here noise, builders and
losses; ``mistakes_step`` has train_step and the training run.

A mistake with both a detector and an implementation is named by its detector; the
implementation is the canonical buggy version that the fast tests run through the detector.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.api import Case, Mistake, Raised

from . import key

# The notebook's constants (its locked setup cell); the train-step detectors rely on them.
BATCH_SIZE = 64
NOISE_DIM = 16
# Weights after one step are compared to this relative tolerance (see checks.py).
RTOL = 1e-5


# -- sample_noise ------------------------------------------------------------------------
def _uniform_noise(batch_size: int, noise_dim: int, seed: int | None = None) -> Any:
    import tensorflow as tf

    if seed is None:
        return tf.random.uniform((batch_size, noise_dim))
    return tf.random.stateless_uniform((batch_size, noise_dim), seed=(seed, 0))


def _looks_uniform(case: Case, got: Any, expected: Any) -> bool:
    if isinstance(got, Raised) or isinstance(got[0], Raised):
        return False
    values = np.asarray(got[0], dtype=np.float64)
    return values.size > 1 and values.min() >= 0.0 and values.max() <= 1.0 and 0.4 < values.mean() < 0.6


def _seed_as_truth_value(batch_size: int, noise_dim: int, seed: int | None = None) -> Any:
    return key.sample_noise(batch_size, noise_dim, seed if seed else None)


def _seed_of(case: Case) -> int | None:
    return case.args[2] if len(case.args) > 2 else case.kwargs.get("seed")


def _unseeded_at_zero(case: Case, got: Any, expected: Any) -> bool:
    """Seed 0 gave noise of the right shape and dtype that is not the seeded noise: ``if seed:`` read 0 as None."""
    if _seed_of(case) != 0 or isinstance(got, Raised) or isinstance(got[0], Raised):
        return False
    values, wanted = got[0], expected[0]
    return (isinstance(values, np.ndarray) and values.dtype == np.float32 and values.shape == wanted.shape
            and not np.allclose(values, wanted))


def _numpy_noise(batch_size: int, noise_dim: int, seed: int | None = None) -> Any:
    return np.random.default_rng(seed).normal(size=(batch_size, noise_dim))


def _float64_noise(case: Case, got: Any, expected: Any) -> bool:
    return (not isinstance(got, Raised) and isinstance(got[0], np.ndarray) and got[0].dtype == np.float64
            and got[0].shape == tuple(case.args[:2]))


NOISE = [
    Mistake("gan.seed_zero_ignored",
            "Con seed=0 tu ruido no es el de la semilla: compruebas la semilla con «if seed:», y 0 cuenta como "
            "falso. Pregunta «if seed is None:».",
            "With seed=0 your noise is not the seeded one: you test the seed with \"if seed:\", and 0 counts as "
            "false. Ask \"if seed is None:\".", _seed_as_truth_value, _unseeded_at_zero),
    Mistake("gan.noise_float64",
            "Tu ruido es float64 (numpy genera float64): el generador de Keras trabaja en float32; usa "
            "tf.random.normal o tf.random.stateless_normal con dtype=tf.float32.",
            "Your noise is float64 (numpy draws float64): the Keras generator works in float32; use "
            "tf.random.normal or tf.random.stateless_normal with dtype=tf.float32.", _numpy_noise, _float64_noise),
    Mistake("gan.uniform_noise",
            "Tu ruido es uniforme en [0, 1) (tf.random.uniform): el generador espera ruido normal estándar, "
            "con media 0 y desviación típica 1 (tf.random.normal o tf.random.stateless_normal).",
            "Your noise is uniform on [0, 1) (tf.random.uniform): the generator expects standard normal "
            "noise, with mean 0 and standard deviation 1 (tf.random.normal or tf.random.stateless_normal).",
            implementation=_uniform_noise, detect=_looks_uniform),
]


# -- builders ----------------------------------------------------------------------------
def _last_activation(got: Any) -> str | None:
    if isinstance(got, Raised) or isinstance(got[0], Raised) or not isinstance(got[0], dict):
        return None
    layers = [layer for layer in got[0].get("layers", []) if layer.get("class") != "InputLayer"]
    return layers[-1].get("activation") if layers else None


def _generator_sigmoid(noise_dim: int, image_shape: tuple[int, int, int]) -> Any:
    import keras

    model = key.build_generator(noise_dim, image_shape)
    last = model.layers[-1]
    layers = [*model.layers[:-1], keras.layers.Conv2DTranspose(
        last.filters, 3, strides=2, padding="same", use_bias=False, activation="sigmoid")]
    return keras.Sequential([keras.Input(shape=(noise_dim,)), *layers])


FIXED_SHAPE = ("gan.fixed_image_shape",
               "Tu modelo tiene siempre la forma de los dígitos del cuaderno (8x8x1): la forma de las imágenes es un "
               "argumento (image_shape), y el alto y el ancho pueden ser cualquier múltiplo de 4.",
               "Your model always has the shape of the notebook's digits (8x8x1): the image shape is an argument "
               "(image_shape), and height and width may be any multiple of 4.")


def _generator_fixed_shape(noise_dim: int, image_shape: tuple[int, int, int]) -> Any:
    return key.build_generator(noise_dim, (8, 8, 1))


GENERATOR = [
    Mistake("gan.generator_not_tanh",
            "La última capa del generador no usa activación tanh: las imágenes reales están escaladas a "
            "[-1, 1] y las falsas deben estar en el mismo intervalo, o el discriminador las distingue solo "
            "por su rango.",
            "The generator's last layer does not use a tanh activation: the real images are scaled to "
            "[-1, 1] and the fakes must lie in the same range, or the discriminator tells them apart by "
            "their range alone.",
            implementation=_generator_sigmoid,
            detect=lambda case, got, expected: _last_activation(got) not in (None, "tanh")),
    Mistake(*FIXED_SHAPE, _generator_fixed_shape),
]


def _discriminator_sigmoid(image_shape: tuple[int, int, int]) -> Any:
    import keras

    model = key.build_discriminator(image_shape)
    return keras.Sequential([keras.Input(shape=tuple(image_shape)), *model.layers[:-1],
                             keras.layers.Dense(1, activation="sigmoid")])


def _discriminator_fixed_shape(image_shape: tuple[int, int, int]) -> Any:
    return key.build_discriminator((8, 8, 1))


DISCRIMINATOR = [
    Mistake("gan.sigmoid_output",
            "Tu discriminador termina en una sigmoid. Las pérdidas usan BinaryCrossentropy(from_logits=True), "
            "que aplica la sigmoid por dentro: el discriminador debe devolver un logit (Dense(1) sin "
            "activación), o la sigmoid se aplicaría dos veces.",
            "Your discriminator ends in a sigmoid. The losses use BinaryCrossentropy(from_logits=True), which "
            "applies the sigmoid internally: the discriminator must return a logit (Dense(1) with no "
            "activation), or the sigmoid would be applied twice.",
            implementation=_discriminator_sigmoid,
            detect=lambda case, got, expected: _last_activation(got) == "sigmoid"),
    Mistake(*FIXED_SHAPE, _discriminator_fixed_shape),
]


# -- losses ------------------------------------------------------------------------------
def _bce(from_logits: bool = True) -> Any:
    import keras

    return keras.losses.BinaryCrossentropy(from_logits=from_logits)


def _swapped_labels(real_logits: Any, fake_logits: Any) -> Any:
    import tensorflow as tf

    return _bce()(tf.zeros_like(real_logits), real_logits) + _bce()(tf.ones_like(fake_logits), fake_logits)


def _per_sample_disc_loss(real_logits: Any, fake_logits: Any) -> Any:
    import keras
    import tensorflow as tf

    # The functional loss averages only over the last axis: one value per sample for (N, 1) logits.
    real = keras.losses.binary_crossentropy(tf.ones_like(real_logits), real_logits, from_logits=True)
    fake = keras.losses.binary_crossentropy(tf.zeros_like(fake_logits), fake_logits, from_logits=True)
    return real + fake


def _mean_over_both(real_logits: Any, fake_logits: Any) -> Any:
    import tensorflow as tf

    logits = tf.concat([tf.convert_to_tensor(real_logits), tf.convert_to_tensor(fake_logits)], axis=0)
    labels = tf.concat([tf.ones_like(real_logits), tf.zeros_like(fake_logits)], axis=0)
    return _bce()(labels, logits)


def _disc_not_from_logits(real_logits: Any, fake_logits: Any) -> Any:
    import tensorflow as tf

    bce = _bce(from_logits=False)
    return bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)


def _log_of_sigmoid(logits: Any, label: float) -> Any:
    """The mean BCE written as −log σ(z) or −log(1 − σ(z)) in float32, which gives log(0) = −inf when
    σ(z) rounds to 0 or 1."""
    import tensorflow as tf

    p = tf.sigmoid(tf.convert_to_tensor(logits, dtype=tf.float32))
    return -tf.reduce_mean(tf.math.log(p if label else 1.0 - p))


def _disc_log_of_sigmoid(real_logits: Any, fake_logits: Any) -> Any:
    return _log_of_sigmoid(real_logits, 1.0) + _log_of_sigmoid(fake_logits, 0.0)


def _gen_log_of_sigmoid(fake_logits: Any) -> Any:
    return _log_of_sigmoid(fake_logits, 1.0)


LOG_OF_SIGMOID = ("gan.log_of_sigmoid",
                  "Escribes la BCE como −log(sigmoid(z)) (o −log(1 − sigmoid(z))): con logits grandes la sigmoide "
                  "redondea a 0 o a 1 en float32, el logaritmo da −inf y la pérdida, infinito. "
                  "BinaryCrossentropy(from_logits=True) la calcula de forma estable.",
                  "You write the BCE as −log(sigmoid(z)) (or −log(1 − sigmoid(z))): with large logits the sigmoid "
                  "rounds to 0 or 1 in float32, the logarithm gives −inf and the loss infinity. "
                  "BinaryCrossentropy(from_logits=True) computes it stably.")


def _non_scalar(case: Case, got: Any, expected: Any) -> bool:
    if isinstance(got, Raised) or isinstance(got[0], Raised):
        return False
    return isinstance(got[0], np.ndarray) and got[0].ndim > 0 and got[0].size > 1


NON_SCALAR_ES = ("Tu pérdida no es un escalar sino un valor por muestra: la función "
                 "keras.losses.binary_crossentropy (o tf.nn.sigmoid_cross_entropy_with_logits) no promedia el "
                 "lote. Usa el objeto keras.losses.BinaryCrossentropy(from_logits=True), que reduce con la media, "
                 "o aplica tf.reduce_mean.")
NON_SCALAR_EN = ("Your loss is not a scalar but one value per sample: the function "
                 "keras.losses.binary_crossentropy (or tf.nn.sigmoid_cross_entropy_with_logits) does not average "
                 "over the batch. Use the keras.losses.BinaryCrossentropy(from_logits=True) object, which reduces "
                 "with the mean, or apply tf.reduce_mean.")
NOT_FROM_LOGITS_ES = ("Tratas los logits como probabilidades: BinaryCrossentropy() sin from_logits=True espera "
                      "valores en [0, 1] y recorta los logits. El discriminador devuelve logits, así que usa "
                      "BinaryCrossentropy(from_logits=True), que además es numéricamente estable.")
NOT_FROM_LOGITS_EN = ("You treat the logits as probabilities: BinaryCrossentropy() without from_logits=True expects "
                      "values in [0, 1] and clips the logits. The discriminator returns logits, so use "
                      "BinaryCrossentropy(from_logits=True), which is also numerically stable.")

DISC_LOSS = [
    Mistake("gan.swapped_labels",
            "Las etiquetas están intercambiadas: el discriminador debe acercar sus logits de las imágenes "
            "reales a la etiqueta 1 (tf.ones_like) y los de las falsas a la etiqueta 0 (tf.zeros_like).",
            "The labels are swapped: the discriminator must push its logits for real images towards label 1 "
            "(tf.ones_like) and those for fake images towards label 0 (tf.zeros_like).",
            implementation=_swapped_labels),
    Mistake("gan.non_scalar_loss", NON_SCALAR_ES, NON_SCALAR_EN,
            implementation=_per_sample_disc_loss, detect=_non_scalar),
    Mistake("gan.mean_over_both_batches",
            "Calculas una sola media sobre las imágenes reales y falsas juntas (concatenadas): eso divide la "
            "suma entre el total de ejemplos. La pérdida del discriminador es la suma de dos medias: la BCE "
            "media de las reales más la BCE media de las falsas.",
            "You take a single mean over the real and fake images together (concatenated): that divides the "
            "sum by the total number of examples. The discriminator loss is the sum of two means: the mean "
            "BCE of the real images plus the mean BCE of the fake ones.",
            implementation=_mean_over_both),
    Mistake("gan.loss_not_from_logits", NOT_FROM_LOGITS_ES, NOT_FROM_LOGITS_EN,
            implementation=_disc_not_from_logits),
    Mistake(*LOG_OF_SIGMOID, _disc_log_of_sigmoid),
]


def _generator_zero_labels(fake_logits: Any) -> Any:
    import tensorflow as tf

    return _bce()(tf.zeros_like(fake_logits), fake_logits)


def _saturating_generator_loss(fake_logits: Any) -> Any:
    import tensorflow as tf

    return -_bce()(tf.zeros_like(fake_logits), fake_logits)


def _per_sample_gen_loss(fake_logits: Any) -> Any:
    import keras
    import tensorflow as tf

    return keras.losses.binary_crossentropy(tf.ones_like(fake_logits), fake_logits, from_logits=True)


def _gen_not_from_logits(fake_logits: Any) -> Any:
    import tensorflow as tf

    return _bce(from_logits=False)(tf.ones_like(fake_logits), fake_logits)


GEN_LOSS = [
    Mistake("gan.generator_zero_labels",
            "Comparas los logits de las imágenes falsas con la etiqueta 0: esa es la etiqueta del "
            "discriminador. El generador quiere que el discriminador las tome por reales, así que su pérdida "
            "es la BCE frente a unos (tf.ones_like).",
            "You compare the fake images' logits with label 0: that is the discriminator's label. The "
            "generator wants the discriminator to take them for real, so its loss is the BCE against ones "
            "(tf.ones_like).",
            implementation=_generator_zero_labels),
    Mistake("gan.saturating_generator_loss",
            "Usas la pérdida minimax original, log(1 − D(G(z))) = −BCE(ceros): se satura cuando el "
            "discriminador gana y el generador deja de aprender. Usa la versión no saturante: la BCE frente a "
            "unos, −log D(G(z)).",
            "You use the original minimax loss, log(1 − D(G(z))) = −BCE(zeros): it saturates when the "
            "discriminator wins and the generator stops learning. Use the non-saturating version: the BCE "
            "against ones, −log D(G(z)).",
            implementation=_saturating_generator_loss),
    Mistake("gan.non_scalar_loss", NON_SCALAR_ES, NON_SCALAR_EN,
            implementation=_per_sample_gen_loss, detect=_non_scalar),
    Mistake("gan.loss_not_from_logits", NOT_FROM_LOGITS_ES, NOT_FROM_LOGITS_EN,
            implementation=_gen_not_from_logits),
    Mistake(*LOG_OF_SIGMOID, _gen_log_of_sigmoid),
]
