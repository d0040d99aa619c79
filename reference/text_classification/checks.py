"""Hidden checks for the text-classification assignment.

Functions are checked against the answer key on random inputs drawn per student; models by
architecture and compilation; training by what EarlyStopping must leave behind; and the
student's exported model by its accuracy on the grader's held-out BBC split, whose texts go
into the sandbox while the labels stay here. Each check lists its edge cases in ``edges`` (label
shown in feedback -> what it catches); every student's case set holds all of them, each in its
own case.

Tolerances:

| check | comparison | tolerance | why |
|---|---|---|---|
| clean_text, make_vectorizer | text and integer ids | exact | no arithmetic |
| builders | architecture, parameter counts and compile configuration | exact | integers and names |
| train_classifier | evaluate() loss against the best val_loss | 1e-3 relative | the same float32 computation on CPU or GPU, through two code paths (fit's validation and evaluate) |
| evaluate_classifier | accuracy and macro F1 (float64), confusion matrix (integers) | rel_error ≤ 1e-9, exact | ratios of small integers |
| exported_model | accuracy on the held-out split | credit tiers | training runs differ |
"""

from __future__ import annotations

from functools import lru_cache

import keras
import numpy as np

from autograder.api import Case, CaseGrade, Check, Diagnosis, Mistake, ModelCheck, Observe, Raised, Text, Texts

from . import data, key, mistakes

WORDS = ("banco", "cuenta", "tarjeta", "crédito", "préstamo", "cobro", "queja", "cliente", "fraude",
         "hipoteca", "interés", "pago", "servicio", "market", "shares", "film", "election", "game",
         "mobile", "music", "minister", "profit", "team", "software")
NOISE = ("XXXX", "xx/xx/2020", "XX", "!!", "$", "(", ")", "¿", "?", ",", ".", "%", "#", "12", "2024")
MASKED_NOISE = tuple(token for token in NOISE if key.MASKED.search(token.lower()))


def _sentence(rng: np.random.Generator, length: int, noisy: bool) -> str:
    tokens = []
    for _ in range(length):
        word = str(rng.choice(WORDS))
        if rng.random() < 0.3:
            word = word.upper() if rng.random() < 0.5 else word.capitalize()
        tokens.append(word)
        if noisy and rng.random() < 0.35:
            tokens.append(str(rng.choice(NOISE)))
    return " ".join(tokens) + ("  " if noisy and rng.random() < 0.5 else "")


X_EMPTY = Text("texto vacío", "empty text")
X_ONLY_NOISE = Text("texto hecho solo de tokens enmascarados y símbolos",
                    "text made only of masked tokens and symbols")
X_EDGES = Text("tokens enmascarados al principio y al final", "masked tokens at the start and at the end")
X_ACCENTED = Text("palabras con tildes, eñes y diéresis, también en mayúsculas",
                  "words with accented letters, in capitals too")
ACCENTED = ("CRÉDITO", "Préstamo", "interés", "año", "niño", "pingüino", "CANCIÓN", "Mañana", "ÚLTIMO", "está")


class CleanText(Check):
    name = "clean_text"
    reference = staticmethod(key.clean_text)
    mistakes = mistakes.CLEAN
    edges = {
        X_EMPTY: "anything that fails on or invents text for an empty string",
        X_ONLY_NOISE: "leftover spaces or symbols when nothing but noise remains (the answer is empty)",
        X_EDGES: "masked-token patterns that need a space on both sides; spaces not stripped at the ends",
        X_ACCENTED: "an ASCII-only symbols regular expression that deletes accented letters",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        cases = []
        for i in range(6):
            tokens = _sentence(rng, int(rng.integers(4, 14)), True).split(" ")
            # Random noise alone leaves about one student in thirty without a masked token, and
            # keeping them would then pass unnoticed: every case gets one.
            tokens.insert(int(rng.integers(0, len(tokens) + 1)), str(rng.choice(MASKED_NOISE)))
            cases.append(Case(Text(f"texto con ruido nº {i + 1}", f"noisy text no. {i + 1}"), (" ".join(tokens),)))
        noise = " ".join(str(t) for t in rng.choice(NOISE, size=int(rng.integers(3, 8))))
        middle = _sentence(rng, int(rng.integers(2, 6)), False)
        accented = " ".join(str(w) for w in rng.choice([*ACCENTED, *WORDS], size=int(rng.integers(6, 12))))
        cases += [Case(X_EMPTY, ("",)),
                  Case(X_ONLY_NOISE, (f"{rng.choice(MASKED_NOISE)} {noise} {rng.choice(MASKED_NOISE)}",)),
                  Case(X_EDGES, (f"{rng.choice(MASKED_NOISE)} {middle} {rng.choice(MASKED_NOISE)}",)),
                  Case(X_ACCENTED, (f"{accented} {rng.choice(ACCENTED)}",))]
        return cases


Z_PADDING = Text("secuencias más cortas que seq_len (relleno)", "sequences shorter than seq_len (padding)")
Z_TRUNCATION = Text("secuencias más largas que seq_len (truncado)", "sequences longer than seq_len (truncation)")
Z_CUT = Text("max_tokens más pequeño que el vocabulario, con empates de frecuencia",
             "max_tokens smaller than the vocabulary, with frequency ties")
Z_EMPTY = Text("un texto vacío entre los que se vectorizan", "an empty text among those vectorised")


class MakeVectorizer(Check):
    name = "make_vectorizer"
    reference = staticmethod(key.make_vectorizer)
    mistakes = mistakes.VECTORIZER
    edges = {
        Z_PADDING: "padding at the front (pad_sequences' default) or output_sequence_length missing",
        Z_TRUNCATION: "truncating at the front, or not truncating at all",
        Z_CUT: "max_tokens not passed on (the vocabulary keeps every word)",
        Z_EMPTY: "an empty text must give a row of padding",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def case(label: Text, seq_len: int, max_tokens: int, empty: bool = False) -> Case:
            train = Texts(tuple(_sentence(rng, int(rng.integers(3, 9)), False).lower() for _ in range(12)))
            other = [_sentence(rng, int(rng.integers(3, 9)), False).lower() for _ in range(4)]
            if empty:
                other[int(rng.integers(4))] = ""
            return Case(label, (train,), {"max_tokens": max_tokens, "seq_len": seq_len},
                        observe=(Observe("method", name="get_vocabulary"),
                                 Observe("method", name="__call__", args=(Texts(tuple(other)),))))

        return [case(Z_PADDING, 14, int(rng.integers(10, 16))), case(Z_TRUNCATION, 5, int(rng.integers(10, 16))),
                case(Z_CUT, int(rng.integers(6, 12)), int(rng.integers(5, 9))),
                case(Z_EMPTY, int(rng.integers(6, 12)), int(rng.integers(10, 16)), empty=True)]


@lru_cache(maxsize=1)
def _unseen_words() -> frozenset[str]:
    """Words of the development and held-out splits that never occur in the fitting split."""
    def words(*splits: str) -> set[str]:
        return {w for split in splits for text in data.load(split)[0] for w in key.clean_text(text).split()}
    return frozenset(words("dev", "test") - words("fit"))


class VectorizerTrainOnly(Check):
    """The notebook's `vectorizer` global must be adapted on the training texts only."""

    name = "vectorizer"
    per_student = False
    mistakes = (mistakes.ADAPTED_ON_TEST,)

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return [Case(Text("vocabulario del vectorizador del cuaderno", "vocabulary of the notebook's vectoriser"),
                     call=False,
                     observe=(Observe("method", name="get_vocabulary"),))]

    def grade_case(self, case: Case, got: object) -> CaseGrade:
        if isinstance(got, Raised):
            return CaseGrade(0.0, self.compare(case, got, [None]))
        vocabulary = got[0]
        if isinstance(vocabulary, Raised) or not isinstance(vocabulary, list):
            return CaseGrade(0.0, Diagnosis("wrong_type", {"expected": "TextVectorization", "got": "?"}))
        leaked = _unseen_words() & set(vocabulary)
        if len(leaked) >= 3:
            return CaseGrade(0.0, Diagnosis(mistakes.ADAPTED_ON_TEST.id, named=mistakes.ADAPTED_ON_TEST))
        return CaseGrade(1.0)


M_TWO = Text("dos clases", "two classes")
M_SHORT = Text("secuencias de longitud 3 (la menor que admite una Conv1D de ancho 3)",
               "sequences of length 3 (the shortest a width-3 Conv1D accepts)")


def _model_cases(rng: np.random.Generator) -> list[Case]:
    def case(label: Text, seq_len: int, classes: int) -> Case:
        args = (int(rng.integers(50, 500)), int(rng.integers(4, 17)), seq_len, classes)
        return Case(label, args, observe=(Observe("model"), Observe("method", name="get_compile_config")))

    cases = []
    for es, en in (("configuración pequeña", "small configuration"),
                   ("configuración mediana", "medium configuration")):
        cases.append(case(Text(f"{es}: vocabulario, embedding, longitud y clases aleatorios",
                               f"{en}: random vocabulary, embedding, length and classes"),
                          int(rng.integers(10, 41)), int(rng.integers(3, 7))))
    return [*cases, case(M_TWO, int(rng.integers(10, 41)), 2), case(M_SHORT, 3, int(rng.integers(2, 7)))]


class BuildCnnClassifier(ModelCheck):
    """Judged by architecture, then by compilation: Adam and the answer key's loss."""

    name = "build_cnn_classifier"
    reference = staticmethod(key.build_cnn_classifier)
    mistakes = mistakes.MODEL
    edges = {
        M_TWO: "a single sigmoid unit and binary cross-entropy for two classes",
        M_SHORT: "a length or pooling that assumes long sequences",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        return _model_cases(rng)

    def compare_rest(self, case: Case, got: list[object], expected: list[object]) -> Diagnosis | None:
        got_loss, exp_loss = mistakes.loss_summary(got[1]), mistakes.loss_summary(expected[1])
        got_opt = (got[1] or {}).get("optimizer", {}) if isinstance(got[1], dict) else {}
        got_opt = got_opt.get("class_name") if isinstance(got_opt, dict) else got_opt
        if got_loss != exp_loss or str(got_opt).lower() != "adam":
            return Diagnosis("wrong_compile", {"expected": f"Adam + {exp_loss[0]}",
                                               "got": f"{got_opt} + {got_loss[0]} (from_logits={got_loss[1]})"})
        return None


class BuildLstmClassifier(BuildCnnClassifier):
    name = "build_lstm_classifier"
    reference = staticmethod(key.build_lstm_classifier)
    mistakes = mistakes.LSTM


OVERFITS = Text("modelo pequeño que sobreajusta", "small model that overfits")


class TrainClassifier(Check):
    """Training is judged by what it must leave behind: a validation split, early stopping on
    val_loss, and the best epoch's weights restored. The model and data come from the grader."""

    name = "train_classifier"
    mistakes = (mistakes.ONE_HOT_LABELS,)
    epochs = 12
    edges = {OVERFITS: "no validation split, no early stopping, best weights not restored, one-hot labels"}

    def cases(self, rng: np.random.Generator) -> list[Case]:
        keras.utils.set_random_seed(int(rng.integers(2**31)))
        model = key.build_cnn_classifier(60, 8, 16, 3)
        # A fast learning rate on few samples with random labels: the model can only memorise,
        # so val_loss bottoms out within a couple of epochs and then climbs.
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        x = rng.integers(1, 60, size=(150, 16))
        y = rng.integers(0, 3, size=150)
        return [Case(OVERFITS, (model, x, y), {"epochs": self.epochs, "batch_size": 32},
                     observe=(Observe("attr", name="history"),
                              Observe("method", ("arg", 0), name="evaluate", args=(x[-30:], y[-30:]),
                                      kwargs={"verbose": 0, "return_dict": True})))]

    def grade_case(self, case: Case, got: object) -> CaseGrade:
        if isinstance(got, Raised) or any(isinstance(o, Raised) for o in got):
            raised = got if isinstance(got, Raised) else next(o for o in got if isinstance(o, Raised))
            named = self.diagnose(case, raised, None)
            return CaseGrade(0.0, named[0] if named else self.compare(case, raised, [None]), named)
        history, evaluated = got
        if not isinstance(history, dict) or "val_loss" not in history:
            return CaseGrade(0.0, Diagnosis(mistakes.NO_VALIDATION.id, named=mistakes.NO_VALIDATION))
        val_loss = [float(v) for v in history["val_loss"]]
        best = min(val_loss)
        problems: list[Mistake] = []
        if len(val_loss) >= self.epochs and int(np.argmin(val_loss)) < len(val_loss) - 3:
            problems.append(mistakes.NO_EARLY_STOPPING)
        final = float(evaluated["loss"]) if isinstance(evaluated, dict) else float("nan")
        if not abs(final - best) <= 1e-3 * max(1.0, abs(best)):
            problems.append(mistakes.NOT_RESTORED)
        if not problems:
            return CaseGrade(1.0)
        return CaseGrade(0.5 if len(problems) == 1 else 0.0, Diagnosis(problems[0].id, named=problems[0]),
                         tuple(Diagnosis(m.id, named=m) for m in problems))


E_PREDICTED_ONLY = Text("una clase que solo aparece en las predicciones",
                        "a class that only appears in the predictions")
E_NEVER_PREDICTED = Text("una clase que nunca se predice", "a class that is never predicted")
E_PERFECT = Text("predicciones perfectas", "perfect predictions")
E_TWO = Text("dos clases", "two classes")
E_ONE = Text("una sola muestra", "a single sample")


class EvaluateClassifier(Check):
    name = "evaluate_classifier"
    reference = staticmethod(key.evaluate_classifier)
    mistakes = mistakes.EVALUATE
    rtol = 1e-9
    edges = {
        E_PREDICTED_ONLY: "classes taken from y_true alone (the confusion matrix loses a row and a column)",
        E_NEVER_PREDICTED: "a per-class F1 written by hand that divides 0 by 0",
        E_PERFECT: "accuracy and macro F1 must be exactly 1 and the matrix diagonal",
        E_TWO: "a binary-only formula where macro F1 averages both classes",
        E_ONE: "a 1x1 confusion matrix squeezed to a number",
    }

    def cases(self, rng: np.random.Generator) -> list[Case]:
        def noisy(classes: int, size: int = 40) -> tuple[np.ndarray, np.ndarray]:
            y_true = rng.integers(0, classes, size=size)
            return y_true, np.where(rng.random(size) < 0.6, y_true, rng.integers(0, classes, size=size))

        cases = [Case(Text("3 clases", "3 classes"), noisy(3)), Case(Text("5 clases", "5 classes"), noisy(5))]
        y_true, y_pred = noisy(4)
        extra = int(rng.integers(4, 7))
        y_pred[rng.choice(len(y_pred), size=2, replace=False)] = extra
        cases.append(Case(E_PREDICTED_ONLY, (y_true, y_pred)))
        y_true, y_pred = noisy(4)
        y_pred[y_pred == 3] = rng.integers(0, 3, size=int(np.sum(y_pred == 3)))
        y_true[:2] = 3
        cases.append(Case(E_NEVER_PREDICTED, (y_true, y_pred)))
        perfect = rng.integers(0, 4, size=int(rng.integers(10, 30)))
        truth = int(rng.integers(5))
        cases += [Case(E_PERFECT, (perfect, perfect.copy())), Case(E_TWO, noisy(2)),
                  Case(E_ONE, (np.array([truth]), np.array([(truth + 1) % 5])))]
        return cases


TIERS = ((0.85, 1.0), (0.75, 0.75), (0.60, 0.5), (0.40, 0.25))


class ExportedModel(Check):
    """The notebook's `exported_model`: raw strings in, probabilities out, graded by accuracy on
    the held-out split with partial-credit tiers."""

    name = "exported_model"
    per_student = False

    def cases(self, rng: np.random.Generator) -> list[Case]:
        texts, _ = data.load("test")
        return [Case(Text("noticias de prueba que guarda el calificador", "test news the grader keeps"), call=False,
                     observe=(Observe("method", name="predict", args=(Texts(tuple(texts)),),
                                      kwargs={"verbose": 0}),))]

    def grade_case(self, case: Case, got: object) -> CaseGrade:
        _, labels = data.load("test")
        if isinstance(got, Raised) or isinstance(got[0], Raised):
            return CaseGrade(0.0, self.compare(case, got if isinstance(got, Raised) else got[0], [None]))
        probs = got[0]
        expected_shape = (len(labels), len(data.CLASSES))
        if not isinstance(probs, np.ndarray) or probs.shape != expected_shape:
            shape = getattr(probs, "shape", type(probs).__name__)
            return CaseGrade(0.0, Diagnosis("wrong_shape", {"expected": expected_shape, "got": shape}))
        accuracy = float(np.mean(probs.argmax(axis=1) == np.asarray(labels)))
        fraction = next((credit for floor, credit in TIERS if accuracy >= floor), 0.0)
        if not np.allclose(probs.sum(axis=1), 1.0, atol=1e-3):
            fraction *= 0.5
            note = _accuracy_note(accuracy, "sus salidas no son probabilidades (¿falta la softmax?)",
                                  "its outputs are not probabilities (missing softmax?)")
            return CaseGrade(fraction, Diagnosis("text.export_not_probabilities", named=note))
        if fraction < 1.0:
            return CaseGrade(fraction, Diagnosis("text.low_accuracy", named=_accuracy_note(
                accuracy, "entrena más épocas o revisa la limpieza y el vectorizador",
                "train for more epochs or check the cleaning and the vectoriser")))
        return CaseGrade(1.0)


def _accuracy_note(accuracy: float, es: str, en: str) -> Mistake:
    return Mistake("text.low_accuracy",
                   f"Tu modelo exportado acierta el {accuracy:.0%} de las noticias de prueba (el 85 % o más da la "
                   f"nota completa): {es}.",
                   f"Your exported model gets {accuracy:.0%} of the test news right (85% or more earns full "
                   f"credit): {en}.")


CHECKS = [CleanText(), MakeVectorizer(), VectorizerTrainOnly(), BuildCnnClassifier(), BuildLstmClassifier(),
          TrainClassifier(), EvaluateClassifier(), ExportedModel()]
