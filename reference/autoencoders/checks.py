"""Hidden checks for the autoencoders assignment (the notebook's trained models: ``checks_trained``).

Builders are judged by architecture (layers, activations, output shapes, parameter counts);
numpy functions against the answer key on per-student random inputs; `reconstruction_errors`
on Keras models the grader sends; greedy pretraining by what it leaves behind. Keras is
imported lazily. Each check lists its edge cases in ``edges`` (label shown in feedback -> what it
catches); every student's case set holds all of them, each in its own case.

Tolerances:

| check | comparison | tolerance | why |
|---|---|---|---|
| builders, classifier_from_encoder | architecture and parameter counts | exact | integers and names |
| add_noise | float64 | rel_error ≤ 1e-7 | the same seeded draws; only the order of float64 operations may differ |
| anomaly_threshold | float64 | rel_error ≤ 1e-9 | a mean and a standard deviation: about 1e-15 apart however they are summed |
| detect_anomalies | booleans, dtype bool | exact | |
| reconstruction_errors | float32 model outputs | rel_error ≤ 1e-4 | the kernel's predict may run on a GPU, whose cuDNN convolutions and reductions differ from the CPU's by about 1e-6 relative; every named mistake changes far more |
| trained models (``checks_trained``) | MSE and F1 on held-out digits | credit tiers | coarse enough for CPU/GPU and run-to-run training differences |
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.api import (Case, CaseGrade, Check, Diagnosis, ModelCheck, Observe, Raised, Text, describe_model,
                            model_difference, summary_difference)

from . import checks_trained, key, mistakes
from .checks_trained import quality_note


class _ModelTriple(ModelCheck):
    """(encoder, decoder, autoencoder): the first two layer by layer, the whole by its summary."""

    def compare_model(self, index: int, got: Any, expected: dict[str, Any]) -> Diagnosis | None:
        return model_difference(got, expected) if index < 2 else summary_difference(got, expected)


def _triple() -> tuple[Observe, ...]:
    return tuple(Observe("model", ("result", i)) for i in range(3))


D_RANDOM = Text("tamaños aleatorios", "random sizes")
D_CODE_1 = Text("código de una sola unidad", "a code of a single unit")
D_INPUT_1 = Text("datos de una sola característica (la salida tiene una unidad)",
                 "data of a single feature (the output has one unit)")


class BuildDenseAutoencoder(_ModelTriple):
    name = "build_dense_autoencoder"
    reference = staticmethod(key.build_dense_autoencoder)
    mistakes = mistakes.DENSE
    edges = {
        D_RANDOM: "sizes copied from the course's 784-100-30 example instead of taken from the arguments",
        D_CODE_1: "a latent size assumed larger than 1",
        D_INPUT_1: "an output layer of input_dim units even when that is one",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        hidden = int(rng.integers(20, 61))
        return [Case(Text("el ejemplo del curso (784-100-30-100-784)", "the course's example (784-100-30-100-784)"),
                     (784, 100, 30), observe=_triple()),
                Case(D_RANDOM, (int(rng.integers(30, 90)), hidden, int(rng.integers(2, hidden // 2))),
                     observe=_triple()),
                Case(D_CODE_1, (int(rng.integers(10, 40)), int(rng.integers(4, 12)), 1), observe=_triple()),
                Case(D_INPUT_1, (1, int(rng.integers(2, 8)), 1), observe=_triple())]


C_RANDOM = Text("forma de entrada y filtros aleatorios", "random input shape and filters")
C_ONE_LAYER = Text("una sola capa convolucional", "a single convolutional layer")
C_THREE_LAYERS = Text("tres capas convolucionales", "three convolutional layers")


class BuildConvAutoencoder(_ModelTriple):
    name = "build_conv_autoencoder"
    reference = staticmethod(key.build_conv_autoencoder)
    mistakes = mistakes.CONV
    edges = {
        C_RANDOM: "decoder filters in the encoder's order (same output shape, other parameter count)",
        C_ONE_LAYER: "the decoder's input size fixed at height // 4 (two layers) instead of 2 ** len(filters)",
        C_THREE_LAYERS: "the same for three layers",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        first = int(rng.integers(10, 33))
        second = int(rng.integers(4, first - 2))
        side = int(rng.choice([12, 16, 20]))
        return [Case(Text("valores por defecto (28, 28, 1) y filtros (16, 8)",
                          "default values (28, 28, 1) and filters (16, 8)"), observe=_triple()),
                Case(C_RANDOM, ((side, side, int(rng.choice([1, 3]))), (first, second)), observe=_triple()),
                Case(C_ONE_LAYER, ((side, side, 1), (int(rng.integers(4, 17)),)), observe=_triple()),
                Case(C_THREE_LAYERS, ((16, 16, int(rng.choice([1, 3]))),
                                      tuple(int(f) for f in rng.integers(4, 17, size=3))), observe=_triple())]


N_STRONG = Text("vectores planos con ruido fuerte", "flat vectors with strong noise")
N_BLACK = Text("imágenes en negro (todo ceros)", "black images (all zeros)")
N_ONE = Text("una sola imagen (N = 1)", "a single image (N = 1)")


class AddNoise(Check):
    name = "add_noise"
    reference = staticmethod(key.add_noise)
    mistakes = mistakes.NOISE
    rtol = 1e-7
    edges = {
        N_STRONG: "noise not clipped to [0, 1]; noise not drawn from np.random.default_rng(seed)",
        N_BLACK: "clipping only above 1 (half the noise is negative here)",
        N_ONE: "a shape taken from the batch size alone",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        observe = (Observe(), Observe("value", ("arg", 0)))
        return [Case(Text("lote de imágenes (N, 28, 28, 1)", "batch of images (N, 28, 28, 1)"),
                     (rng.random((3, 28, 28, 1)), 0.3, int(rng.integers(1000))), observe=observe),
                Case(N_STRONG, (rng.random((5, 20)), float(rng.uniform(0.6, 1.0)), int(rng.integers(1000))),
                     observe=observe),
                Case(N_BLACK, (np.zeros((4, 6, 6, 1)), float(rng.uniform(0.2, 0.6)), int(rng.integers(1000))),
                     observe=observe),
                Case(N_ONE, (rng.random((1, 8, 8, 1)), 0.3, int(rng.integers(1000))), observe=observe)]


def _random_model(rng: np.random.Generator, kind: str) -> Any:
    import keras

    keras.utils.set_random_seed(int(rng.integers(2**31)))
    if kind == "dense":
        return key.build_dense_autoencoder(int(rng.integers(10, 40)), 8, 3)[2]
    return key.build_conv_autoencoder((8, 8, 1), (4, 2))[2]


R_ONE = Text("autoencoder denso, N = 1", "dense autoencoder, N = 1")
R_IMAGES = Text("autoencoder convolucional (imágenes)", "convolutional autoencoder (images)")


class ReconstructionErrors(Check):
    name = "reconstruction_errors"
    reference = staticmethod(key.reconstruction_errors)
    mistakes = mistakes.ERRORS
    rtol = 1e-4
    edges = {
        R_ONE: "averaging over the samples (axis=0) or squeezing, which a batch of one hides otherwise",
        R_IMAGES: "averaging over axis=1 or axis=-1 only, enough for flat data but not for images",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        dense = _random_model(rng, "dense")
        dim = dense.input_shape[1]
        conv = _random_model(rng, "conv")
        return [Case(Text("autoencoder denso", "dense autoencoder"), (dense, rng.random((6, dim)).astype("float32"))),
                Case(R_ONE, (dense, rng.random((1, dim)).astype("float32"))),
                Case(R_IMAGES, (conv, rng.random((4, 8, 8, 1)).astype("float32")))]


T_GIVEN_K = Text("k dado", "given k")
T_SINGLE = Text("un solo error de entrenamiento", "a single training error")
T_CONSTANT = Text("errores de entrenamiento todos iguales", "training errors all equal")
T_K0 = Text("k = 0 (el umbral es la media)", "k = 0 (the threshold is the mean)")


class AnomalyThreshold(Check):
    name = "anomaly_threshold"
    reference = staticmethod(key.anomaly_threshold)
    mistakes = mistakes.THRESHOLD
    rtol = 1e-9
    edges = {
        T_GIVEN_K: "k ignored (fixed at its default)",
        T_SINGLE: "the sample standard deviation (ddof=1), which divides by 0 here",
        T_CONSTANT: "a threshold other than the common value when the spread is 0",
        T_K0: "the maximum or a quantile instead of mean + k · std",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("k por defecto", "default k"), (rng.gamma(2.0, 0.01, size=40),)),
                Case(T_GIVEN_K, (rng.gamma(2.0, 0.01, size=25),), {"k": float(rng.uniform(1.5, 3.0))}),
                Case(Text("pocos errores", "few errors"), (rng.gamma(2.0, 0.01, size=4),), {"k": 2.0}),
                Case(T_SINGLE, (rng.gamma(2.0, 0.01, size=1),), {"k": float(rng.uniform(1.0, 3.0))}),
                Case(T_CONSTANT, (np.full(int(rng.integers(5, 20)), rng.gamma(2.0, 0.01)),)),
                Case(T_K0, (rng.gamma(2.0, 0.01, size=int(rng.integers(10, 30))),), {"k": 0.0})]


A_BELOW = Text("umbral por debajo de casi todos", "threshold below almost all of them")
A_EQUAL = Text("errores exactamente iguales al umbral", "errors exactly equal to the threshold")
A_SINGLE = Text("un solo error", "a single error")


class DetectAnomalies(Check):
    name = "detect_anomalies"
    reference = staticmethod(key.detect_anomalies)
    mistakes = mistakes.DETECT
    strict_dtype = True
    edges = {
        A_BELOW: "the boolean inverted (True for normal samples)",
        A_EQUAL: ">= instead of >: an error equal to the threshold is not above it",
        A_SINGLE: "np.squeeze or a Python bool instead of an array of one",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        observe = (Observe(), Observe("value", ("arg", 0)))
        errors = rng.gamma(2.0, 0.01, size=30)
        few = rng.gamma(2.0, 0.01, size=5)
        at = rng.gamma(2.0, 0.01, size=int(rng.integers(6, 12)))
        threshold = float(np.median(at))
        at[rng.choice(len(at), size=2, replace=False)] = threshold
        return [Case(Text("errores de un lote", "errors of a batch"),
                     (errors, float(np.quantile(errors, 0.8))), observe=observe),
                Case(A_BELOW, (few, float(np.min(few) * 1.01)), observe=observe),
                Case(A_EQUAL, (at, threshold), observe=observe),
                Case(A_SINGLE, (rng.gamma(2.0, 0.01, size=1), 0.0), observe=observe)]


TWO_LAYERS = Text("dígitos 8x8 con dos capas", "8x8 digits with two layers")


class GreedyLayerwisePretrain(_ModelTriple):
    """Judged by what greedy training leaves behind: the stacked architecture, a stack that
    reconstructs the data, and outer layers that form a working shallow autoencoder alone."""

    name = "greedy_layerwise_pretrain"
    mistakes = (mistakes.NOT_LAYERWISE,)
    edges = {TWO_LAYERS: "the whole stack trained at once (its outer layers alone do not reconstruct)"}

    def cases(self, rng: np.random.Generator) -> list[Case]:
        from sklearn.datasets import load_digits

        X = load_digits().data / 16.0
        X = X[rng.permutation(len(X))[:500]].astype("float32")
        sizes = [int(rng.integers(28, 41)), int(rng.integers(8, 15))]
        observe = (*_triple(), Observe("weights", ("result", 0)), Observe("weights", ("result", 1)),
                   Observe("method", ("result", 2), name="predict", args=(X,), kwargs={"verbose": 0}))
        return [Case(TWO_LAYERS, (X, sizes, 10), {"seed": int(rng.integers(1000))}, observe=observe)]

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
            return CaseGrade(0.5, Diagnosis("autoencoders.low_quality", named=quality_note(
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


K_TEN = Text("10 clases", "10 classes")
K_TWO = Text("dos clases", "two classes")


class ClassifierFromEncoder(ModelCheck):
    name = "classifier_from_encoder"
    reference = staticmethod(key.classifier_from_encoder)
    mistakes = mistakes.CLASSIFIER
    edges = {
        K_TEN: "an encoder left trainable (the trainable parameter count shows it)",
        K_TWO: "a single sigmoid unit for two classes instead of a softmax over n_classes",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        import keras

        cases = []
        settings = ((K_TEN, 10), (Text("número de clases aleatorio", "random number of classes"),
                                  int(rng.integers(3, 7))), (K_TWO, 2))
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


CHECKS = [BuildDenseAutoencoder(), BuildConvAutoencoder(), AddNoise(), ReconstructionErrors(), AnomalyThreshold(),
          DetectAnomalies(), GreedyLayerwisePretrain(), ClassifierFromEncoder(), checks_trained.TrainedAutoencoder(),
          checks_trained.Denoiser(), checks_trained.AnomalyDetector()]
