"""Answer key: the course's news classifier (TextVectorization, Conv1D, early stopping)."""

from __future__ import annotations

import re

import keras
import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

MASKED = re.compile(r"\bx{2,}\b")
SYMBOLS = re.compile(r"[^a-z0-9áéíóúüñ\s]")
SPACES = re.compile(r"\s+")


def clean_text(text):
    text = text.lower()
    text = MASKED.sub(" ", text)
    text = SYMBOLS.sub(" ", text)
    return SPACES.sub(" ", text).strip()


def make_vectorizer(train_texts, max_tokens=20000, seq_len=200):
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, output_sequence_length=seq_len)
    vectorizer.adapt(list(train_texts))
    return vectorizer


def build_cnn_classifier(vocab_size, embedding_dim, seq_len, n_classes):
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embedding_dim),
        keras.layers.Conv1D(64, 3, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_lstm_classifier(vocab_size, embedding_dim, seq_len, n_classes):
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embedding_dim),
        keras.layers.LSTM(32),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_classifier(model, x_train, y_train, epochs=10, batch_size=128):
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    return model.fit(x_train, y_train, validation_split=0.2, epochs=epochs, batch_size=batch_size,
                     callbacks=[stop], verbose=0)


def evaluate_classifier(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.union1d(y_true, y_pred)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0)),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels),
    }


def export_model(vectorizer, model):
    inputs = keras.Input(shape=(1,), dtype="string")
    outputs = model(vectorizer(inputs))
    return keras.Model(inputs, outputs)
