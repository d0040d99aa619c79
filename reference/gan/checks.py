"""Hidden checks for the GAN assignment.

Tolerances:

| check | comparison | tolerance | why |
|---|---|---|---|
| sample_noise (seeded) | float32, dtype exact | rel_error ≤ 1e-6 | the same stateless draws; float32 |
| sample_noise (unseeded) | shape, dtype, mean and std of 25,600 draws | ±0.05 | about ten standard errors |
| builders | architecture and parameter counts | exact | integers and names |
| discriminator_loss, generator_loss | float32 scalars | rel_error ≤ RTOL = 1e-5 | float32 on CPU: a correct loss written another way (softplus, tf.nn.sigmoid_cross_entropy_with_logits) differs by float32 rounding |
| train_step | losses, and every weight after one step relative to its tensor's largest entry | RTOL = 1e-5 | see below; a GPU grader would need about 1e-4 (cuDNN picks convolution algorithms and reduction orders per device) |
| training_run | finite losses, samples in [-1, 1] | exact | |

Builders are judged by architecture (layers, activations, output shapes, parameter counts).
Noise with a seed and both losses are compared with the answer key on per-student random
inputs, logits of shape (N,) and (N, 1); noise without a seed only by shape, dtype and
statistics. `train_step` gets grader-built models (with BatchNormalization, whose output
depends on `training`) and optimiser specs; the sandbox and the grader each rebuild the same
models and fresh optimisers from them, take one step with the same noise, and the returned
losses and every weight of both networks after the step (moving statistics included) must
match the answer key's. The notebook's short training run is judged on its notebook globals.
Each check lists its edge cases in ``edges`` (label shown in feedback -> what it catches); every
student's case set holds all of them, each in its own case.

Why weights are compared relative to their tensor: a weight that ends near zero is the
difference of two larger numbers, w − lr·update, and its rounding is relative to those.
Measured here: the same eager step in two CPU processes, with or without TensorFlow's op
determinism, agrees bit for bit. A correct loss written another way, or the same step compiled
with tf.function, changes the gradients by rounding, and Adam's first step, lr·g / (|g| + ε),
amplifies that where a gradient nearly cancels to |g| ≈ ε: with Keras's default ε = 1e-7 the
weights differed by up to 4e-4 of their tensor's scale, with ε = 1e-3 by 5e-6. The cases therefore
build Adam with ε = 0.1 (TensorFlow's Adam documentation calls 1.0 or 0.1 a good choice for
Inception), which keeps those legitimate variants within 1e-6 of the scale, ten times under RTOL,
while every named mistake moves some tensor by its whole scale. Biases right before a
BatchNormalization would break all this (their gradient is zero up to rounding), which is why
the architectures use `use_bias=False` there, as the TensorFlow DCGAN tutorial does.

A `@tf.function`-decorated `train_step` raises when handed the fresh models and optimisers of
each case (its first trace created other variables); that error is named, not graded silently.
TensorFlow and Keras are imported lazily.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from autograder.api import (RESULT, Case, CaseGrade, Check, Diagnosis, Mistake, ModelCheck, Observe, OptimizerSpec,
                            Raised, Text, compare_values)

from . import key, mistakes, mistakes_step
from .mistakes import NOISE_DIM, RTOL

IMAGE_SHAPE = (8, 8, 1)
SAMPLES_SHAPE = (16, *IMAGE_SHAPE)


@lru_cache(maxsize=1)
def digits() -> np.ndarray:
    """scikit-learn's 8x8 digits scaled from 0..16 to [-1, 1], shaped (N, 8, 8, 1), as the notebook does."""
    from sklearn.datasets import load_digits

    return (load_digits().images / 8.0 - 1.0).astype("float32")[..., None]


def _failed_observation(check: Check, case: Case, got: Any) -> Diagnosis | None:
    if isinstance(got, Raised) or any(isinstance(o, Raised) for o in got):
        raised = got if isinstance(got, Raised) else next(o for o in got if isinstance(o, Raised))
        return check.compare(case, raised, [None])
    return None


def _es(value: float) -> str:
    """A number as Spanish writes it, with a decimal comma."""
    return f"{value:.2f}".replace(".", ",")


S_ONE = Text("con semilla, lote de una muestra", "with a seed, batch of one sample")
S_SEED_0 = Text("semilla 0", "seed 0")
S_DIM_1 = Text("ruido de una sola dimensión", "noise of a single dimension")
S_UNSEEDED = Text("sin semilla, lote grande (solo forma, tipo y estadísticas)",
                  "without a seed, large batch (shape, dtype and statistics only)")


class SampleNoise(Check):
    name = "sample_noise"
    reference = staticmethod(key.sample_noise)
    mistakes = mistakes.NOISE
    rtol = 1e-6
    strict_dtype = True
    edges = {
        S_ONE: "the batch size ignored or squeezed away",
        S_SEED_0: "\"if seed:\", which takes seed 0 for no seed",
        S_DIM_1: "the noise dimension ignored or squeezed away",
        S_UNSEEDED: "uniform instead of standard normal noise; float64 numpy noise",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("con semilla", "with a seed"), (int(rng.integers(3, 10)), int(rng.integers(5, 21))),
                     {"seed": int(rng.integers(1, 10_000))}),
                Case(S_ONE, (1, int(rng.integers(5, 21)), int(rng.integers(1, 10_000)))),
                Case(S_SEED_0, (int(rng.integers(3, 10)), int(rng.integers(5, 21))), {"seed": 0}),
                Case(S_DIM_1, (int(rng.integers(3, 10)), 1), {"seed": int(rng.integers(1, 10_000))}),
                Case(S_UNSEEDED, (400, 64))]

    def grade_case(self, case: Case, got: Any) -> CaseGrade:
        if len(case.args) > 2 or "seed" in case.kwargs:
            return super().grade_case(case, got)
        failed = _failed_observation(self, case, got)
        if failed is not None:
            return CaseGrade(0.0, failed)
        values, shape = got[0], tuple(case.args)
        if not isinstance(values, np.ndarray) or values.shape != shape:
            return CaseGrade(0.0, Diagnosis("wrong_shape", {"expected": shape, "got": np.shape(values)}))
        if values.dtype != np.float32:
            return CaseGrade(0.0, Diagnosis("wrong_dtype", {"expected": "float32", "got": str(values.dtype)}))
        mean, std = float(np.mean(values)), float(np.std(values))
        # 25,600 draws: the mean's standard error is 0.006 and the std's 0.004, so 0.05 is ~10 sigma.
        if abs(mean) <= 0.05 and abs(std - 1.0) <= 0.05:
            return CaseGrade(1.0)
        named = self.diagnose(case, got, None)
        if named:
            return CaseGrade(0.0, named[0], named)
        return CaseGrade(0.0, Diagnosis("gan.noise_not_standard_normal", named=Mistake(
            "gan.noise_not_standard_normal",
            f"Tu ruido sin semilla no parece normal estándar: su media es {_es(mean)} y su desviación típica "
            f"{_es(std)} (deberían ser 0 y 1).",
            f"Your unseeded noise does not look standard normal: its mean is {mean:.2f} and its standard "
            f"deviation {std:.2f} (they should be 0 and 1).")))


_MODEL = (Observe("model"),)


def _image_shape(rng: np.random.Generator) -> tuple[int, int, int]:
    """A random image shape the architectures accept: height and width multiples of 4."""
    height, width = (int(v) for v in 4 * rng.integers(2, 9, size=2))
    return height, width, int(rng.integers(1, 4))


G_OTHER = Text("otra dimensión del ruido y otra forma de imagen (quizá no cuadrada)",
               "another noise dimension and image shape (maybe not square)")
G_SMALLEST = Text("la imagen más pequeña que admite la arquitectura", "the smallest image the architecture accepts")
G_NOISE_1 = Text("ruido de una sola dimensión", "noise of a single dimension")


class BuildGenerator(ModelCheck):
    name = "build_generator"
    reference = staticmethod(key.build_generator)
    mistakes = mistakes.GENERATOR
    edges = {
        G_OTHER: "the notebook's 8x8x1 shape or noise size hard-coded",
        G_SMALLEST: "a starting grid of height // 4 that must still be at least 1",
        G_NOISE_1: "a noise size assumed larger than 1",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("el generador del cuaderno (ruido de 16, dígitos 8x8)",
                          "the notebook's generator (noise of 16, 8x8 digits)"), (NOISE_DIM, IMAGE_SHAPE),
                     observe=_MODEL),
                Case(G_OTHER, (int(rng.integers(4, 33)), _image_shape(rng)), observe=_MODEL),
                Case(G_SMALLEST, (int(rng.integers(4, 33)), (4, 4, int(rng.integers(1, 4)))), observe=_MODEL),
                Case(G_NOISE_1, (1, _image_shape(rng)), observe=_MODEL)]


D_OTHER = Text("otra forma de imagen (quizá no cuadrada)", "another image shape (maybe not square)")
D_SMALLEST = Text("la imagen más pequeña que admite la arquitectura", "the smallest image the architecture accepts")
D_COLOUR = Text("imágenes en color (tres canales)", "colour images (three channels)")


class BuildDiscriminator(ModelCheck):
    name = "build_discriminator"
    reference = staticmethod(key.build_discriminator)
    mistakes = mistakes.DISCRIMINATOR
    edges = {
        D_OTHER: "the notebook's 8x8x1 input shape hard-coded",
        D_SMALLEST: "an input of 4x4, which two stride-2 convolutions bring to 1x1",
        D_COLOUR: "one channel assumed",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        height, width, _ = _image_shape(rng)
        return [Case(Text("el discriminador del cuaderno (dígitos 8x8)", "the notebook's discriminator (8x8 digits)"),
                     (IMAGE_SHAPE,), observe=_MODEL),
                Case(D_OTHER, (_image_shape(rng),), observe=_MODEL),
                Case(D_SMALLEST, ((4, 4, int(rng.integers(1, 4))),), observe=_MODEL),
                Case(D_COLOUR, ((height, width, 3),), observe=_MODEL)]


def _logits(rng: np.random.Generator, n: int, column: bool, scale: float = 2.0) -> np.ndarray:
    return (rng.normal(size=(n, 1) if column else n) * scale).astype("float32")


def _huge_logits(rng: np.random.Generator, n: int) -> np.ndarray:
    """Logits of both signs beyond ±400: σ(z) rounds to exactly 0 or 1 in float32 (beyond about ±17 and ±104)."""
    signs = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[rng.permutation(n)]
    return (signs * rng.uniform(400.0, 1000.0, size=n)).astype("float32")[:, None]


L_ROW = Text("logits de forma (N,)", "logits of shape (N,)")
L_COLUMN = Text("logits de forma (N, 1)", "logits of shape (N, 1)")
L_SIZES = Text("lotes real y falso de distinto tamaño", "real and fake batches of different sizes")
L_HUGE = Text("logits enormes de ambos signos (discriminador muy seguro)",
              "huge logits of both signs (a very confident discriminator)")
L_ONE = Text("lote de un solo logit", "batch of a single logit")
L_ZERO = Text("logits nulos (el discriminador duda)", "zero logits (an undecided discriminator)")
LOSS_EDGES = {
    L_ROW: "labels of another shape than the logits (tf.ones_like keeps them equal)",
    L_COLUMN: "a loss per sample instead of a mean (the functional BCE averages only the last axis)",
    L_HUGE: "−log(sigmoid(z)) written by hand, which gives log(0) = −inf; logits taken for probabilities",
    L_ONE: "squeezing or indexing that assumes more than one sample",
    L_ZERO: "from_logits missing: a logit 0 is not a probability 0",
}


class DiscriminatorLoss(Check):
    name = "discriminator_loss"
    reference = staticmethod(key.discriminator_loss)
    mistakes = mistakes.DISC_LOSS
    rtol = RTOL
    edges = {**LOSS_EDGES, L_SIZES: "one mean over both batches instead of the sum of two means"}

    def cases(self, rng: np.random.Generator) -> list[Case]:
        n, m = int(rng.integers(4, 20)), int(rng.integers(20, 40))
        return [Case(L_ROW, (_logits(rng, n, False), _logits(rng, n, False))),
                Case(L_COLUMN, (_logits(rng, n, True), _logits(rng, n, True))),
                Case(L_SIZES, (_logits(rng, m, True), _logits(rng, n, True))),
                Case(L_HUGE, (_huge_logits(rng, n), _huge_logits(rng, n))),
                Case(L_ONE, (_logits(rng, 1, True), _logits(rng, 1, True))),
                Case(L_ZERO, (np.zeros((n, 1), "float32"), np.zeros((m, 1), "float32")))]


class GeneratorLoss(Check):
    name = "generator_loss"
    reference = staticmethod(key.generator_loss)
    mistakes = mistakes.GEN_LOSS
    rtol = RTOL
    edges = LOSS_EDGES

    def cases(self, rng: np.random.Generator) -> list[Case]:
        n = int(rng.integers(4, 30))
        return [Case(L_ROW, (_logits(rng, n, False),)),
                Case(L_COLUMN, (_logits(rng, n, True),)),
                Case(L_HUGE, (_huge_logits(rng, n),)),
                Case(L_ONE, (_logits(rng, 1, True),)),
                Case(L_ZERO, (np.zeros((n, 1), "float32"),))]


def _adam(rng: np.random.Generator) -> OptimizerSpec:
    # beta_1 = 0.5 as in the DCGAN paper; epsilon = 0.1 for the tolerance (module docstring).
    learning_rate = float(np.round(rng.uniform(1e-3, 5e-3), 5))
    return OptimizerSpec("Adam", {"learning_rate": learning_rate, "beta_1": 0.5, "epsilon": 0.1})


T_PARTIAL = Text("lote parcial: menos imágenes reales que BATCH_SIZE",
                 "partial batch: fewer real images than BATCH_SIZE")
T_OTHER_NOISE = Text("lote mediano con otra dimensión del ruido", "medium batch with another noise dimension")


class TrainStep(Check):
    """One step from identical models and fresh optimisers on both sides; see the module docstring."""

    name = "train_step"
    reference = staticmethod(key.train_step)
    mistakes = mistakes_step.TRAIN_STEP
    rtol = RTOL
    edges = {
        T_PARTIAL: "noise drawn inside the step with a fixed BATCH_SIZE (more fakes than reals on a partial batch)",
        T_OTHER_NOISE: "the notebook's NOISE_DIM hard-coded inside the step",
    }

    def compare(self, case: Case, got: Any, expected: Any) -> Diagnosis | None:
        if isinstance(got, Raised) or isinstance(expected, Raised) or len(got) != len(expected):
            return super().compare(case, got, expected)
        diagnosis = compare_values(got[0], expected[0], self.rtol)
        if diagnosis is not None:
            return diagnosis
        for g, e in zip(got[1:], expected[1:], strict=True):
            if isinstance(g, Raised):
                return compare_values(g, e, self.rtol)
            if not isinstance(g, list) or len(g) != len(e):
                return Diagnosis("wrong_values")
            if not all(mistakes_step.weights_match(gw, ew) for gw, ew in zip(g, e, strict=True)):
                return Diagnosis("wrong_values")
        return None

    def cases(self, rng: np.random.Generator) -> list[Case]:
        import keras

        X = digits()
        observe = (RESULT, Observe("weights", ("arg", 2)), Observe("weights", ("arg", 3)))
        cases = []
        # A partial last batch, far smaller than the notebook's BATCH_SIZE and with its NOISE_DIM,
        # so a step that draws its own BATCH_SIZE noise vectors still runs and can be recognised.
        shapes = [(T_PARTIAL, int(rng.integers(5, 13)), NOISE_DIM),
                  (T_OTHER_NOISE, int(rng.integers(20, 41)), int(rng.choice([8, 12, 24, 32])))]
        for label, batch, noise_dim in shapes:
            keras.utils.set_random_seed(int(rng.integers(2**31)))
            generator = key.build_generator(noise_dim, IMAGE_SHAPE)
            discriminator = key.build_discriminator(IMAGE_SHAPE)
            real = X[rng.choice(len(X), size=batch, replace=False)]
            noise = rng.normal(size=(batch, noise_dim)).astype("float32")
            cases.append(Case(label, (real, noise, generator, discriminator, _adam(rng), _adam(rng)),
                              observe=observe))
        return cases


class TrainingRun(Check):
    """The notebook's `training_run` ({"history": {"gen_loss", "disc_loss"}, "samples"}): finite
    losses at every step and samples of the digits' shape in [-1, 1]."""

    name = "training_run"
    per_student = False

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("el entrenamiento corto del cuaderno", "the notebook's short training run"), call=False,
                     observe=(Observe("value", ("result", "history")), Observe("value", ("result", "samples"))))]

    def grade_case(self, case: Case, got: Any) -> CaseGrade:
        failed = _failed_observation(self, case, got)
        if failed is not None:
            return CaseGrade(0.0, failed)
        history, samples = got
        if not isinstance(history, dict) or set(history) != {"gen_loss", "disc_loss"}:
            return CaseGrade(0.0, Diagnosis("wrong_type", {"expected": 'dict {"gen_loss", "disc_loss"}',
                                                           "got": type(history).__name__}))
        try:
            losses = np.asarray([history["gen_loss"], history["disc_loss"]], dtype=np.float64)
        except (TypeError, ValueError):
            return CaseGrade(0.0, Diagnosis("wrong_type", {"expected": "list[float]",
                                                           "got": type(history["gen_loss"]).__name__}))
        if losses.size == 0 or not np.all(np.isfinite(losses)):
            return CaseGrade(0.0, Diagnosis(mistakes_step.LOSSES_NOT_FINITE.id, named=mistakes_step.LOSSES_NOT_FINITE))
        if (not isinstance(samples, np.ndarray) or samples.shape != SAMPLES_SHAPE or not np.all(np.isfinite(samples))
                or samples.min() < -1.0 or samples.max() > 1.0):
            return CaseGrade(0.0, Diagnosis(mistakes_step.SAMPLES_OUT_OF_RANGE.id, named=mistakes_step.SAMPLES_OUT_OF_RANGE))
        return CaseGrade(1.0)


CHECKS = [SampleNoise(), BuildGenerator(), BuildDiscriminator(), DiscriminatorLoss(), GeneratorLoss(), TrainStep(),
          TrainingRun()]
