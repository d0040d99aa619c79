"""The mistakes students make in this assignment: buggy versions and detectors."""

from __future__ import annotations

import re
from typing import Any

import keras
import numpy as np
from sklearn.metrics import f1_score

from autograder.api import Mistake, Raised

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


CLEAN = [
    Mistake("text.keeps_masked",
            "No eliminas los tokens enmascarados (XXXX, xx/xx/2020): son anonimizaciones, no palabras, "
            "y solo añaden ruido al vocabulario.",
            "You do not drop the masked tokens (XXXX, xx/xx/2020): they are anonymisations, not words, "
            "and only add noise to the vocabulary.", _keeps_masked),
    Mistake("text.keeps_case", "No pasas el texto a minúsculas antes de limpiarlo.",
            "You do not lower-case the text before cleaning it.", _keeps_case),
    Mistake("text.keeps_symbols",
            "No eliminas los símbolos y signos de puntuación (usa una expresión regular como [^a-z0-9\\s]).",
            "You do not remove symbols and punctuation (use a regular expression such as [^a-z0-9\\s]).",
            _keeps_symbols),
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


VECTORIZER = [
    Mistake("text.pre_padding",
            "Rellenas o truncas las secuencias por delante (padding='pre', el valor por defecto de "
            "pad_sequences); con TextVectorization y output_sequence_length el relleno va al final.",
            "You pad or truncate sequences at the front (padding='pre', pad_sequences' default); with "
            "TextVectorization and output_sequence_length the padding goes at the end.", _pre_padded),
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


MODEL = [
    Mistake("text.softmax_with_from_logits",
            "La última capa ya aplica softmax (devuelve probabilidades) pero compilas la pérdida con "
            "from_logits=True: la pérdida aplica softmax otra vez. Usa from_logits=False (o quita la softmax).",
            "The last layer already applies softmax (it outputs probabilities) but the loss is compiled with "
            "from_logits=True, which applies softmax again. Use from_logits=False (or drop the softmax).",
            detect=_softmax_with_logits),
    Mistake("text.one_hot_loss",
            "Compilas con categorical_crossentropy, que espera etiquetas one-hot, pero las etiquetas son "
            "enteros: usa sparse_categorical_crossentropy.",
            "You compile with categorical_crossentropy, which expects one-hot labels, but the labels are "
            "integers: use sparse_categorical_crossentropy.", detect=_one_hot_loss),
    Mistake("text.missing_l2",
            "La capa Dense(32) no lleva la regularización L2 (0.01) del modelo del curso.",
            "The Dense(32) layer lacks the course model's L2 (0.01) regularisation.", detect=_no_l2),
]


def _lstm_sequences(vocab_size, embedding_dim, seq_len, n_classes):
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embedding_dim),
        keras.layers.LSTM(32, return_sequences=True),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


LSTM = [
    Mistake("text.lstm_return_sequences",
            "Tu LSTM devuelve la secuencia completa (return_sequences=True): para clasificar un texto "
            "necesitas un único vector por texto, el último estado (secuencia a vector).",
            "Your LSTM returns the whole sequence (return_sequences=True): to classify a text you need one "
            "vector per text, the last state (sequence to vector).", _lstm_sequences),
    *MODEL,
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


def _micro_f1(y_true, y_pred):
    result = key.evaluate_classifier(y_true, y_pred)
    result["macro_f1"] = float(f1_score(y_true, y_pred, average="micro"))
    return result


EVALUATE = [
    Mistake("text.confusion_transposed",
            "Tu matriz de confusión está traspuesta: en scikit-learn (y aquí) las filas son las etiquetas "
            "verdaderas y las columnas las predichas: confusion_matrix(y_true, y_pred).",
            "Your confusion matrix is transposed: in scikit-learn (and here) rows are the true labels and "
            "columns the predicted ones: confusion_matrix(y_true, y_pred).", _transposed_confusion),
    Mistake("text.micro_f1",
            "Calculas F1 micro (o ponderado); se pide F1 macro: la media sin ponderar del F1 de cada clase.",
            "You compute micro (or weighted) F1; macro F1 is required: the unweighted mean of per-class F1.",
            _micro_f1),
]
