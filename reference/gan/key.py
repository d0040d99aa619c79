"""Answer key: a small DCGAN in TensorFlow / Keras 3 (TensorFlow DCGAN tutorial conventions).

TensorFlow and Keras are imported inside the functions so that the grader process only loads
them when a check actually needs them.
"""

from __future__ import annotations

from typing import Any


def sample_noise(batch_size: int, noise_dim: int, seed: int | None = None) -> Any:
    import tensorflow as tf

    if seed is None:
        return tf.random.normal((batch_size, noise_dim), dtype=tf.float32)
    return tf.random.stateless_normal((batch_size, noise_dim), seed=(seed, 0), dtype=tf.float32)


def build_generator(noise_dim: int, image_shape: tuple[int, int, int]) -> Any:
    import keras

    height, width, channels = image_shape
    return keras.Sequential([
        keras.Input(shape=(noise_dim,)),
        keras.layers.Dense((height // 4) * (width // 4) * 64, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Reshape((height // 4, width // 4, 64)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Conv2DTranspose(channels, 3, strides=2, padding="same", use_bias=False, activation="tanh"),
    ])


def build_discriminator(image_shape: tuple[int, int, int]) -> Any:
    import keras

    return keras.Sequential([
        keras.Input(shape=tuple(image_shape)),
        keras.layers.Conv2D(32, 3, strides=2, padding="same"),
        keras.layers.LeakyReLU(),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ])


def _cross_entropy() -> Any:
    import keras

    return keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits: Any, fake_logits: Any) -> Any:
    import tensorflow as tf

    cross_entropy = _cross_entropy()
    real_loss = cross_entropy(tf.ones_like(real_logits), real_logits)
    fake_loss = cross_entropy(tf.zeros_like(fake_logits), fake_logits)
    return real_loss + fake_loss


def generator_loss(fake_logits: Any) -> Any:
    import tensorflow as tf

    return _cross_entropy()(tf.ones_like(fake_logits), fake_logits)


def train_step(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any, d_opt: Any) -> dict:
    import tensorflow as tf

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        fake_images = generator(noise, training=True)
        real_logits = discriminator(real_images, training=True)
        fake_logits = discriminator(fake_images, training=True)
        gen_loss = generator_loss(fake_logits)
        disc_loss = discriminator_loss(real_logits, fake_logits)
    gen_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
    disc_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
    g_opt.apply_gradients(zip(gen_grads, generator.trainable_variables, strict=False))
    d_opt.apply_gradients(zip(disc_grads, discriminator.trainable_variables, strict=False))
    return {"gen_loss": gen_loss, "disc_loss": disc_loss}
