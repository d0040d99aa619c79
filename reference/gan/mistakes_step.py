"""Known mistakes of train_step and of the notebook's short training run, with the detectors that
recognise each in any of its variants.

The detectors read the weights the sandbox observed after one step against the grader-built
models of the case (``case.args[2]`` and ``case.args[3]``), which never left this process.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.api import Case, Mistake, Raised, compare_values

from . import key
from .mistakes import BATCH_SIZE, RTOL

# -- train_step --------------------------------------------------------------------------
def _one_tape_step(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any, d_opt: Any) -> dict:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        fake_images = generator(noise, training=True)
        real_logits = discriminator(real_images, training=True)
        fake_logits = discriminator(fake_images, training=True)
        gen_loss = key.generator_loss(fake_logits)
        disc_loss = key.discriminator_loss(real_logits, fake_logits)
    gen_grads = tape.gradient(gen_loss, generator.trainable_variables)
    disc_grads = tape.gradient(disc_loss, discriminator.trainable_variables)
    g_opt.apply_gradients(zip(gen_grads, generator.trainable_variables, strict=False))
    d_opt.apply_gradients(zip(disc_grads, discriminator.trainable_variables, strict=False))
    return {"gen_loss": gen_loss, "disc_loss": disc_loss}


def _step(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any, d_opt: Any,
          training: bool | None = True, generator_loss_name: str = "gen_loss") -> dict:
    """The answer key's step with one knob per mistake: the training flag and the loss whose
    gradients update the generator."""
    import tensorflow as tf

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        fake_images = generator(noise, training=training)
        real_logits = discriminator(real_images, training=training)
        fake_logits = discriminator(fake_images, training=training)
        losses = {"gen_loss": key.generator_loss(fake_logits),
                  "disc_loss": key.discriminator_loss(real_logits, fake_logits)}
    gen_grads = gen_tape.gradient(losses[generator_loss_name], generator.trainable_variables)
    disc_grads = disc_tape.gradient(losses["disc_loss"], discriminator.trainable_variables)
    g_opt.apply_gradients(zip(gen_grads, generator.trainable_variables, strict=False))
    d_opt.apply_gradients(zip(disc_grads, discriminator.trainable_variables, strict=False))
    return losses


def _no_training_flag(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any,
                      d_opt: Any) -> dict:
    return _step(real_images, noise, generator, discriminator, g_opt, d_opt, training=None)


def _generator_updated_with_disc_loss(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any,
                                      d_opt: Any) -> dict:
    return _step(real_images, noise, generator, discriminator, g_opt, d_opt, generator_loss_name="disc_loss")


def _fixed_noise_batch(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any,
                       d_opt: Any) -> dict:
    # The TensorFlow tutorial's habit: draw BATCH_SIZE noise vectors whatever the real batch holds.
    own_noise = key.sample_noise(BATCH_SIZE, np.shape(noise)[1])
    return _step(real_images, own_noise, generator, discriminator, g_opt, d_opt)


def _own_noise(real_images: Any, noise: Any, generator: Any, discriminator: Any, g_opt: Any, d_opt: Any) -> dict:
    own_noise = key.sample_noise(len(real_images), np.shape(noise)[1])
    return _step(real_images, own_noise, generator, discriminator, g_opt, d_opt)


def _raised(*fragments: str, alternatives: tuple[tuple[str, ...], ...] = ()) -> Any:
    """A detector for an error whose (possibly truncated) text holds every fragment, or every fragment
    of one of the alternatives."""
    def detect(case: Case, got: Any, expected: Any) -> bool:
        return isinstance(got, Raised) and any(all(fragment in got.error for fragment in group)
                                               for group in (fragments, *alternatives))
    return detect


def _step_observations(got: Any) -> tuple[Any, list[np.ndarray], list[np.ndarray]] | None:
    """(losses, generator weights, discriminator weights) when the step ran and was observed."""
    if isinstance(got, Raised) or len(got) != 3 or any(isinstance(o, Raised) for o in got):
        return None
    losses, gen_weights, disc_weights = got
    if not all(isinstance(w, list) for w in (gen_weights, disc_weights)):
        return None
    return losses, gen_weights, disc_weights


def _moving(model: Any) -> list[int]:
    """Indexes of a model's BatchNormalization moving statistics in ``model.weights``."""
    return [i for i, w in enumerate(model.weights) if "moving_" in w.path]


def weights_match(got: Any, expected: np.ndarray) -> bool:
    """One weight tensor within RTOL of the expected one, relative to the tensor's largest entry.

    Not element by element: a weight that ends near zero is the difference of two larger numbers
    (w − lr·update), so its float32 rounding is relative to those, not to itself."""
    if not isinstance(got, np.ndarray) or got.shape != expected.shape or got.dtype.kind != "f":
        return False
    if not np.all(np.isfinite(got)):
        return False
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-8)
    return float(np.max(np.abs(got.astype(np.float64) - expected), initial=0.0)) <= RTOL * scale


def _same(got: Any, expected: Any) -> bool:
    return compare_values(got, expected, RTOL) is None


def _same_at(got: list[np.ndarray], expected: list[np.ndarray], indexes: list[int]) -> bool:
    return len(got) == len(expected) and all(weights_match(got[i], expected[i]) for i in indexes)


def _same_weights(got: list[np.ndarray], expected: list[np.ndarray]) -> bool:
    return _same_at(got, expected, list(range(len(expected))))


def _missing_training(case: Case, got: Any, expected: Any) -> bool:
    """Some BatchNormalization moving statistic never moved: that network ran in inference mode."""
    observed = _step_observations(got)
    if observed is None:
        return False
    for model, weights in zip(case.args[2:4], observed[1:], strict=True):
        initial = model.get_weights()
        if len(weights) == len(initial) and any(np.array_equal(weights[i], initial[i]) for i in _moving(model)):
            return True
    return False


def _batch_moments(case: Case, weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """The batch mean and variance that the generator's first BatchNormalization saw in one step,
    recovered from its moving statistics: moving = momentum · initial + (1 − momentum) · batch."""
    generator = case.args[2]
    moving = _moving(generator)
    if len(moving) < 2 or len(weights) != len(generator.weights):
        return None
    momentum = next(layer.momentum for layer in generator.layers if hasattr(layer, "moving_mean"))
    initial = generator.get_weights()
    mean, variance = ((np.asarray(weights[i], np.float64) - momentum * initial[i]) / (1.0 - momentum)
                      for i in moving[:2])
    return mean, variance


def _noise_vectors(case: Case, got: Any, expected: Any) -> int | None:
    """How many noise vectors the generator saw, when they were not the noise passed in; 0 when
    more than the noise dimension, None when the step used the noise passed in (or cannot tell).

    The generator starts with Dense(units, use_bias=False) on noise z, so its first
    BatchNormalization saw the batch variance of z·W: unit u's is W_uᵀ S W_u, where S is the
    noise's (biased) batch covariance. Solving those equations for S gives its rank, and K noise
    vectors in general position give a covariance of rank K − 1 (full rank when K exceeds the
    noise dimension). A step that used the noise passed in leaves the batch means proportional to
    the expected ones (equal, or scaled when the generator ran twice); other noise does not."""
    observed, wanted = _step_observations(got), _step_observations(expected)
    if observed is None or wanted is None:
        return None
    seen, meant = _batch_moments(case, observed[1]), _batch_moments(case, wanted[1])
    if seen is None or meant is None or not np.any(seen[0]):
        return None
    scale = float(seen[0] @ meant[0]) / max(float(meant[0] @ meant[0]), 1e-30)
    if np.linalg.norm(seen[0] - scale * meant[0]) <= 1e-2 * np.linalg.norm(seen[0]):
        return None
    kernel = np.asarray(case.args[2].get_weights()[0], dtype=np.float64)
    dim = kernel.shape[0]
    rows, cols = np.triu_indices(dim)
    # One column per entry of the symmetric S (off-diagonal entries count twice), one row per unit.
    design = (kernel[rows] * kernel[cols] * np.where(rows == cols, 1.0, 2.0)[:, None]).T
    entries = np.linalg.lstsq(design, seen[1], rcond=None)[0]
    covariance = np.zeros((dim, dim))
    covariance[rows, cols] = entries
    covariance[cols, rows] = entries
    eigenvalues = np.linalg.eigvalsh(covariance)
    # Rounding leaves the zero eigenvalues near 2e-5 of the largest; real ones are rarely below 1e-3.
    rank = int(np.sum(eigenvalues > 3e-4 * max(float(eigenvalues.max()), 1e-12)))
    return 0 if rank >= dim else rank + 1


def _fixed_batch(case: Case, got: Any, expected: Any) -> bool:
    count, real = _noise_vectors(case, got, expected), len(case.args[0])
    dim = np.shape(case.args[1])[1]
    return count is not None and (count > real or (count == 0 and real < dim))


def _ignored_noise(case: Case, got: Any, expected: Any) -> bool:
    count = _noise_vectors(case, got, expected)
    return count is not None and count == len(case.args[0])


def _wrong_update(case: Case, got: Any, expected: Any) -> bool:
    """Same losses and the same forward pass (moving statistics), but a network's trainable
    weights end elsewhere: its update used another loss's gradients or the other optimiser."""
    observed, wanted = _step_observations(got), _step_observations(expected)
    if observed is None or wanted is None or not _same(observed[0], wanted[0]):
        return False
    for model, g, e in zip(case.args[2:4], observed[1:], wanted[1:], strict=True):
        if not _same_at(g, e, _moving(model)):
            return False
    return not (_same_weights(observed[1], wanted[1]) and _same_weights(observed[2], wanted[2]))


TRAIN_STEP = [
    Mistake("gan.one_non_persistent_tape",
            "Pides dos gradientes a una sola GradientTape no persistente, y una cinta así solo puede calcular "
            "un gradiente. Usa dos cintas (gen_tape y disc_tape) en el mismo with, una por red, como en el "
            "tutorial de TensorFlow.",
            "You ask one non-persistent GradientTape for two gradients, and such a tape can only compute one. "
            "Use two tapes (gen_tape and disc_tape) in the same with statement, one per network, as in the "
            "TensorFlow tutorial.",
            implementation=_one_tape_step, detect=_raised("non-persistent GradientTape")),
    Mistake("gan.tf_function_train_step",
            "Tu train_step está decorado con @tf.function: la función compilada crea las variables del "
            "optimizador en su primera llamada y falla cuando recibe modelos u optimizadores nuevos. Quita el "
            "decorador; el bucle de entrenamiento del cuaderno ya compila el paso con tf.function.",
            "Your train_step is decorated with @tf.function: the compiled function creates the optimiser's "
            "variables on its first call and fails when it is given new models or optimisers. Remove the "
            "decorator; the notebook's training loop already compiles the step with tf.function.",
            # In a kernel the error text is cut before TensorFlow's own explanation; what survives is the
            # traced function's "in user code" and the optimiser building its variables. Called directly,
            # TensorFlow says it outright.
            detect=_raised("ValueError: in user code", "apply_gradients", "build(",
                           alternatives=(("tf.function only supports singleton tf.Variables",),))),
    Mistake("gan.missing_training_flag",
            "Al menos una red no se ejecutó en modo entrenamiento: las estadísticas de sus capas "
            "BatchNormalization no cambiaron. Llama al generador y al discriminador con training=True dentro "
            "del paso de entrenamiento, para que normalicen con las estadísticas del lote.",
            "At least one network did not run in training mode: its BatchNormalization statistics did not "
            "change. Call the generator and the discriminator with training=True inside the training step, "
            "so that they normalise with the batch statistics.",
            implementation=_no_training_flag, detect=_missing_training),
    Mistake("gan.fixed_noise_batch",
            "Tu train_step no genera las imágenes falsas con el ruido que recibe: saca su propio ruido con un "
            "tamaño de lote fijo (como sample_noise(BATCH_SIZE, ...)), así que en un lote parcial hay muchas "
            "más imágenes falsas que reales. Usa el argumento noise, cuyo tamaño sigue al lote real.",
            "Your train_step does not make the fake images from the noise it receives: it draws its own noise "
            "with a fixed batch size (like sample_noise(BATCH_SIZE, ...)), so on a partial batch there are "
            "many more fake images than real ones. Use the noise argument, whose size follows the real batch.",
            implementation=_fixed_noise_batch, detect=_fixed_batch),
    Mistake("gan.noise_ignored",
            "Tu train_step no genera las imágenes falsas con el ruido que recibe, sino con ruido propio: así el "
            "paso no es reproducible. Usa el argumento noise.",
            "Your train_step does not make the fake images from the noise it receives but from noise of its "
            "own: the step is then not reproducible. Use the noise argument.",
            implementation=_own_noise, detect=_ignored_noise),
    Mistake("gan.wrong_model_gradients",
            "Las pérdidas y las pasadas hacia delante coinciden, pero una red no se actualiza con sus propios "
            "gradientes: el generador se actualiza con gen_tape.gradient(gen_loss, generator.trainable_variables) "
            "y g_opt; el discriminador, con disc_tape.gradient(disc_loss, discriminator.trainable_variables) y "
            "d_opt.",
            "The losses and the forward passes match, but a network is not updated with its own gradients: "
            "the generator is updated with gen_tape.gradient(gen_loss, generator.trainable_variables) and "
            "g_opt; the discriminator with disc_tape.gradient(disc_loss, discriminator.trainable_variables) and "
            "d_opt.",
            implementation=_generator_updated_with_disc_loss, detect=_wrong_update),
]

LOSSES_NOT_FINITE = Mistake(
    "gan.losses_not_finite",
    "Alguna pérdida del entrenamiento corto del cuaderno es NaN o infinita: revisa que las pérdidas usen "
    "from_logits=True sobre logits (sin sigmoid en el discriminador) y que el generador termine en tanh.",
    "Some loss of the notebook's short training run is NaN or infinite: check that the losses use "
    "from_logits=True on logits (no sigmoid in the discriminator) and that the generator ends in tanh.")

SAMPLES_OUT_OF_RANGE = Mistake(
    "gan.samples_out_of_range",
    "Las muestras del generador entrenado no tienen la forma pedida o se salen de [-1, 1]: el generador "
    "debe devolver imágenes con la forma de los dígitos y terminar en tanh.",
    "The trained generator's samples do not have the required shape or fall outside [-1, 1]: the generator "
    "must return images shaped like the digits and end in tanh.")
