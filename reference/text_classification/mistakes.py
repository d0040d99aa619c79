"""The mistakes students make in this assignment: buggy versions and detectors."""

from __future__ import annotations

import re
import warnings
from typing import Any

import keras
import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

from autograder.api import Check, Mistake, Raised, observe

from . import key


# -- cleaning ---------------------------------------------------------------------------------
def _keeps_masked(text):
    text = key.SYMBOLS.sub(" ", text.lower())
    return key.SPACES.sub(" ", text).strip()


def _keeps_case(text):
    text = key.MASKED.sub(" ", text)
    text = re.sub(r"[^A-Za-z0-9áéíóúüñÁÉÍÓÚÜÑ\s]", " ", text)
    return key.SPACES.sub(" ", text).strip()


def _keeps_symbols(text):
    return key.SPACES.sub(" ", key.MASKED.sub(" ", text.lower())).strip()


def _ascii_symbols(text):
    text = re.sub(r"[^a-z0-9\s]", " ", key.MASKED.sub(" ", text.lower()))
    return key.SPACES.sub(" ", text).strip()


CLEAN = [
    Mistake("text.keeps_masked",
            "No eliminas los tokens enmascarados (XXXX, xx/xx/2020): son anonimizaciones, no palabras, "
            "y solo añaden ruido al vocabulario.",
            "You do not drop the masked tokens (XXXX, xx/xx/2020): they are anonymisations, not words, "
            "and only add noise to the vocabulary.", _keeps_masked),
    Mistake("text.keeps_case", "No pasas el texto a minúsculas antes de limpiarlo.",
            "You do not lower-case the text before cleaning it.", _keeps_case),
    Mistake("text.keeps_symbols",
            "No eliminas los símbolos y signos de puntuación (usa una expresión regular como "
            "[^a-z0-9áéíóúüñ\\s]).",
            "You do not remove symbols and punctuation (use a regular expression such as [^a-z0-9\\s] extended "
            "with the accented letters).",
            _keeps_symbols),
    Mistake("text.drops_accented_letters",
            "Tu expresión regular de símbolos ([^a-z0-9\\s]) borra también las letras con tilde, la ñ y la ü "
            "(«crédito» queda «cr dito»): añádelas a las letras permitidas, [^a-z0-9áéíóúüñ\\s].",
            "Your symbols regular expression ([^a-z0-9\\s]) also deletes the accented letters (a Spanish word "
            "such as \"credito\" with an accent is cut in two): add them to the allowed letters.",
            _ascii_symbols),
]


# -- vectoriser ---------------------------------------------------------------------------------
class _PrePadded:
    """A vectoriser that pads and truncates at the front, like keras.utils.pad_sequences' defaults."""

    def __init__(self, train_texts, max_tokens, seq_len):
        self.layer = keras.layers.TextVectorization(max_tokens=max_tokens)
        self.layer.adapt(list(train_texts))
        self.seq_len = seq_len

    def get_vocabulary(self):
        return self.layer.get_vocabulary()

    def __call__(self, texts):
        rows = [[t for t in np.asarray(self.layer([text]))[0] if t] for text in texts]
        return keras.utils.pad_sequences(rows, maxlen=self.seq_len)


def _pre_padded(train_texts, max_tokens=20000, seq_len=200):
    return _PrePadded(train_texts, max_tokens, seq_len)


def _default_max_tokens(train_texts, max_tokens=20000, seq_len=200):
    return key.make_vectorizer(train_texts, seq_len=seq_len)


def _no_sequence_length(train_texts, max_tokens=20000, seq_len=200):
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
    vectorizer.adapt(list(train_texts))
    return vectorizer


VECTORIZER = [
    Mistake("text.pre_padding",
            "Rellenas o truncas las secuencias por delante (padding='pre', el valor por defecto de "
            "pad_sequences); con TextVectorization y output_sequence_length el relleno va al final.",
            "You pad or truncate sequences at the front (padding='pre', pad_sequences' default); with "
            "TextVectorization and output_sequence_length the padding goes at the end.", _pre_padded),
    Mistake("text.max_tokens_ignored",
            "Tu vocabulario no respeta max_tokens: pásalo a TextVectorization(max_tokens=max_tokens), que "
            "guarda solo las palabras más frecuentes (incluidos '' y '[UNK]').",
            "Your vocabulary ignores max_tokens: pass it to TextVectorization(max_tokens=max_tokens), which keeps "
            "only the most frequent words ('' and '[UNK]' included).", _default_max_tokens),
    Mistake("text.sequence_length_ignored",
            "Tus secuencias no tienen longitud seq_len: sin output_sequence_length=seq_len, TextVectorization "
            "rellena cada lote hasta su texto más largo y nunca trunca.",
            "Your sequences are not seq_len long: without output_sequence_length=seq_len, TextVectorization pads "
            "each batch to its longest text and never truncates.", _no_sequence_length),
]

ADAPTED_ON_TEST = Mistake(
    "text.adapted_on_test",
    "Tu vectorizador conoce palabras que solo aparecen en los textos de evaluación (desarrollo o prueba): lo "
    "adaptaste con ellos. Adáptalo solo con los textos de entrenamiento (fit_texts); si no, la evaluación "
    "es optimista.",
    "Your vectoriser knows words that only appear in the evaluation texts (development or test): you adapted "
    "it on them. Adapt it on the training texts only (fit_texts), or the evaluation is optimistic.")


# -- models ------------------------------------------------------------------------------------------
def loss_summary(compile_config: Any) -> tuple[str, bool]:
    """(loss name, from_logits) from a Keras 3 compile config."""
    loss = compile_config.get("loss") if isinstance(compile_config, dict) else None
    if isinstance(loss, dict):
        config = loss.get("config", {})
        return str(config.get("name") or loss.get("class_name")).lower(), bool(config.get("from_logits"))
    return str(loss).lower(), False


def _compile_of(got: Any) -> Any:
    return got[1] if isinstance(got, list) and len(got) > 1 else None


def _softmax_with_logits(case, got, expected) -> bool:
    name, from_logits = loss_summary(_compile_of(got))
    return from_logits


def _one_hot_loss(case, got, expected) -> bool:
    name, _ = loss_summary(_compile_of(got))
    return name.replace("_", "") in ("categoricalcrossentropy",)


def _no_l2(case, got, expected) -> bool:
    if not isinstance(got, list) or not isinstance(got[0], dict):
        return False
    dense = [layer for layer in got[0].get("layers", []) if layer.get("class") == "Dense" and layer.get("units") == 32]
    return bool(dense) and dense[0].get("regularizer") is None


def _classifier(kind: str, loss: Any = "sparse_categorical_crossentropy", l2: bool = True,
                sigmoid_for_two: bool = False, return_sequences: bool = False) -> Any:
    """The answer key's CNN or LSTM classifier with one thing changed."""
    def build(vocab_size, embedding_dim, seq_len, n_classes):
        binary = sigmoid_for_two and n_classes == 2
        if kind == "cnn":
            regularizer = keras.regularizers.L2(0.01) if l2 else None
            body = [keras.layers.Conv1D(64, 3, activation="relu"), keras.layers.GlobalMaxPooling1D(),
                    keras.layers.Dense(32, activation="relu", kernel_regularizer=regularizer)]
        else:
            body = [keras.layers.LSTM(32, return_sequences=return_sequences)]
        head = keras.layers.Dense(1, activation="sigmoid") if binary else keras.layers.Dense(n_classes,
                                                                                             activation="softmax")
        model = keras.Sequential([keras.Input(shape=(seq_len,), dtype="int64"),
                                  keras.layers.Embedding(vocab_size, embedding_dim), *body, head])
        model.compile(optimizer="adam", loss="binary_crossentropy" if binary else loss, metrics=["accuracy"])
        return model
    return build


def _models(kind: str) -> list[Mistake]:
    """The mistakes both classifiers can make, with buggy versions of that classifier."""
    return [
        Mistake(*SOFTMAX_WITH_LOGITS,
                _classifier(kind, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
                _softmax_with_logits),
        Mistake(*ONE_HOT_LOSS, _classifier(kind, loss="categorical_crossentropy"), _one_hot_loss),
        Mistake("text.binary_sigmoid_head",
                "Con dos clases usas una sola neurona sigmoid y binary_crossentropy: aquí la salida es siempre "
                "Dense(n_classes, softmax) con sparse_categorical_crossentropy, también con dos clases.",
                "With two classes you use a single sigmoid unit and binary_crossentropy: here the output is always "
                "Dense(n_classes, softmax) with sparse_categorical_crossentropy, two classes included.",
                _classifier(kind, sigmoid_for_two=True)),
    ]


SOFTMAX_WITH_LOGITS = (
    "text.softmax_with_from_logits",
    "La última capa ya aplica softmax (devuelve probabilidades) pero compilas la pérdida con from_logits=True: la "
    "pérdida aplica softmax otra vez. Usa from_logits=False (o quita la softmax).",
    "The last layer already applies softmax (it outputs probabilities) but the loss is compiled with "
    "from_logits=True, which applies softmax again. Use from_logits=False (or drop the softmax).")
ONE_HOT_LOSS = (
    "text.one_hot_loss",
    "Compilas con categorical_crossentropy, que espera etiquetas one-hot, pero las etiquetas son enteros: usa "
    "sparse_categorical_crossentropy.",
    "You compile with categorical_crossentropy, which expects one-hot labels, but the labels are integers: use "
    "sparse_categorical_crossentropy.")

MODEL = [
    *_models("cnn"),
    Mistake("text.missing_l2",
            "La capa Dense(32) no lleva la regularización L2 (0.01) del modelo del curso.",
            "The Dense(32) layer lacks the course model's L2 (0.01) regularisation.", _classifier("cnn", l2=False),
            _no_l2),
]


LSTM = [
    Mistake("text.lstm_return_sequences",
            "Tu LSTM devuelve la secuencia completa (return_sequences=True): para clasificar un texto "
            "necesitas un único vector por texto, el último estado (secuencia a vector).",
            "Your LSTM returns the whole sequence (return_sequences=True): to classify a text you need one "
            "vector per text, the last state (sequence to vector).", _classifier("lstm", return_sequences=True)),
    *_models("lstm"),
]


# -- training -------------------------------------------------------------------------------------
NO_VALIDATION = Mistake(
    "text.no_validation_split",
    "El entrenamiento no reserva datos de validación: usa validation_split=0.2 para poder vigilar val_loss.",
    "Training holds out no validation data: use validation_split=0.2 so val_loss can be monitored.")
NO_EARLY_STOPPING = Mistake(
    "text.no_early_stopping",
    "El entrenamiento no se detiene aunque val_loss empeora: añade EarlyStopping(monitor='val_loss').",
    "Training does not stop although val_loss gets worse: add EarlyStopping(monitor='val_loss').")
NOT_RESTORED = Mistake(
    "text.best_weights_not_restored",
    "Al terminar, el modelo se queda con los pesos de la última época y no con los mejores: usa "
    "EarlyStopping(..., restore_best_weights=True).",
    "At the end the model keeps the last epoch's weights instead of the best ones: use "
    "EarlyStopping(..., restore_best_weights=True).")
ONE_HOT_LABELS = Mistake(
    "text.one_hot_labels",
    "Conviertes las etiquetas a one-hot, pero el modelo se compila con sparse_categorical_crossentropy, "
    "que espera enteros: pasa las etiquetas tal cual.",
    "You convert the labels to one-hot, but the model is compiled with sparse_categorical_crossentropy, "
    "which expects integers: pass the labels as they are.",
    detect=lambda case, got, expected: isinstance(got, Raised) and "shape" in got.error.lower())


# -- evaluation ---------------------------------------------------------------------------------------
def _transposed_confusion(y_true, y_pred):
    result = key.evaluate_classifier(y_true, y_pred)
    result["confusion_matrix"] = result["confusion_matrix"].T
    return result


def _averaged_f1(average: str) -> Any:
    def evaluate_classifier(y_true, y_pred):
        result = key.evaluate_classifier(y_true, y_pred)
        result["macro_f1"] = float(f1_score(y_true, y_pred, average=average))
        return result
    return evaluate_classifier


def _labels_of_truth(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.unique(y_true)
    with warnings.catch_warnings():  # scikit-learn warns about a matrix of one label, the mistake itself
        warnings.simplefilter("ignore", UserWarning)
        matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {"accuracy": float(np.mean(y_true == y_pred)),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0)),
            "confusion_matrix": matrix}


def _any_evaluation(*variants: Any) -> Any:
    """A detector for a mistake written in several ways: any variant reproduces the student's outcome."""
    def detect(case, got, expected) -> bool:
        return any(Check().compare(case, got, observe(variant, case)) is None for variant in variants)
    return detect


EVALUATE = [
    Mistake("text.confusion_transposed",
            "Tu matriz de confusión está traspuesta: en scikit-learn (y aquí) las filas son las etiquetas "
            "verdaderas y las columnas las predichas: confusion_matrix(y_true, y_pred).",
            "Your confusion matrix is transposed: in scikit-learn (and here) rows are the true labels and "
            "columns the predicted ones: confusion_matrix(y_true, y_pred).", _transposed_confusion),
    Mistake("text.micro_f1",
            "Calculas F1 micro (o ponderado); se pide F1 macro: la media sin ponderar del F1 de cada clase.",
            "You compute micro (or weighted) F1; macro F1 is required: the unweighted mean of per-class F1.",
            _averaged_f1("micro"), _any_evaluation(_averaged_f1("micro"), _averaged_f1("weighted"))),
    Mistake("text.labels_from_truth",
            "Tomas las clases solo de y_true (np.unique(y_true)): una clase que solo aparece en las predicciones "
            "desaparece de la matriz de confusión y del F1 macro. Usa las de ambas, np.union1d(y_true, y_pred).",
            "You take the classes from y_true alone (np.unique(y_true)): a class that only appears in the "
            "predictions vanishes from the confusion matrix and the macro F1. Use both, np.union1d(y_true, y_pred).",
            _labels_of_truth),
]
