"""Demo students for the text-classification assignment: one per common mistake."""

from autograder.api import Status, Submission

_CNN = '''def build_cnn_classifier(vocab_size, embedding_dim, seq_len, n_classes):
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embedding_dim),
        keras.layers.Conv1D(64, 3, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss=LOSS, metrics=["accuracy"])
    return model
'''

_TRAIN = '''def train_classifier(model, x_train, y_train, epochs=10, batch_size=128):
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2RESTORE)
    return model.fit(x_train, LABELS, validation_split=0.2, epochs=epochs, batch_size=batch_size,
                     callbacks=[stop], verbose=0)
'''

SUBMISSIONS = [
    Submission("ana", "respuesta de referencia", full_marks=True),
    Submission("blanca", "cuaderno sin resolver", blank=True),
    Submission("bruno", "no elimina los tokens enmascarados", cells={"clean_text": '''\
def clean_text(text):
    text = re.sub(r"[^a-z0-9áéíóúüñ\\s]", " ", text.lower())
    return re.sub(r"\\s+", " ", text).strip()
'''}, expect={"text_classification.clean_text": "text.keeps_masked"}),
    Submission("carla", "rellena por delante con pad_sequences", cells={"make_vectorizer": '''\
def make_vectorizer(train_texts, max_tokens=20000, seq_len=200):
    layer = keras.layers.TextVectorization(max_tokens=max_tokens)
    layer.adapt(list(train_texts))

    class Vectorizer:
        def get_vocabulary(self):
            return layer.get_vocabulary()

        def __call__(self, texts):
            rows = [[t for t in np.asarray(layer([text]))[0] if t] for text in texts]
            return keras.utils.pad_sequences(rows, maxlen=seq_len)

    return Vectorizer()
'''}, expect={"text_classification.make_vectorizer": "text.pre_padding"}),
    Submission("diego", "adapta el vectorizador también con los textos de desarrollo", cells={"fit_vectorizer": '''\
fit_clean = [clean_text(t) for t in fit_texts]
dev_clean = [clean_text(t) for t in dev_texts]
vectorizer = make_vectorizer(fit_clean + dev_clean, max_tokens=20000, seq_len=200)
x_fit = np.asarray(vectorizer(np.array(fit_clean, dtype=object)))
x_dev = np.asarray(vectorizer(np.array(dev_clean, dtype=object)))
'''}, expect={"text_classification.vectorizer": "text.adapted_on_test"}),
    Submission("elena", "softmax con from_logits=True", cells={
        "build_cnn_classifier": _CNN.replace("LOSS", "keras.losses.SparseCategoricalCrossentropy(from_logits=True)")},
        expect={"text_classification.build_cnn_classifier": "text.softmax_with_from_logits"}),
    Submission("fabio", "categorical_crossentropy con etiquetas enteras", cells={
        "build_cnn_classifier": _CNN.replace("LOSS", '"categorical_crossentropy"')},
        expect={"text_classification.build_cnn_classifier": "text.one_hot_loss"}),
    Submission("gloria", "LSTM que devuelve toda la secuencia", cells={"build_lstm_classifier": '''\
def build_lstm_classifier(vocab_size, embedding_dim, seq_len, n_classes):
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embedding_dim),
        keras.layers.LSTM(32, return_sequences=True),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''}, expect={"text_classification.build_lstm_classifier": "text.lstm_return_sequences"}),
    Submission("hugo", "no recupera los mejores pesos", cells={
        "train_classifier": _TRAIN.replace("RESTORE", "").replace("LABELS", "y_train")},
        expect={"text_classification.train_classifier": "text.best_weights_not_restored"}),
    Submission("ines", "etiquetas one-hot con pérdida dispersa", cells={
        "train_classifier": _TRAIN.replace("RESTORE", ", restore_best_weights=True")
                                  .replace("LABELS", "keras.utils.to_categorical(y_train)")},
        expect={"text_classification.train_classifier": "text.one_hot_labels"}),
    Submission("jorge", "matriz de confusión traspuesta", cells={"evaluate_classifier": '''\
def evaluate_classifier(y_true, y_pred):
    from sklearn.metrics import confusion_matrix, f1_score

    return {
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro")),
        "confusion_matrix": confusion_matrix(y_pred, y_true),
    }
'''}, expect={"text_classification.evaluate_classifier": "text.confusion_transposed"}),
    Submission("karim", "la expresión regular de símbolos borra las tildes", cells={"clean_text": '''\
def clean_text(text):
    text = re.sub(r"\\bx{2,}\\b", " ", text.lower())
    text = re.sub(r"[^a-z0-9\\s]", " ", text)
    return re.sub(r"\\s+", " ", text).strip()
'''}, expect={"text_classification.clean_text": "text.drops_accented_letters"}),
    Submission("lucia", "TextVectorization sin output_sequence_length", cells={"make_vectorizer": '''\
def make_vectorizer(train_texts, max_tokens=20000, seq_len=200):
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens)
    vectorizer.adapt(list(train_texts))
    return vectorizer
'''}, expect={"text_classification.make_vectorizer": "text.sequence_length_ignored"},
        # Unpadded sequences as long as the longest article make training cost about 160 s of
        # CPU: the training cell runs out of its budget, and the cause is named in the earlier cell.
        status=Status.TIMEOUT),
    Submission("mario", "clases tomadas solo de y_true", cells={"evaluate_classifier": '''\
def evaluate_classifier(y_true, y_pred):
    from sklearn.metrics import confusion_matrix, f1_score

    labels = np.unique(y_true)
    return {
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0)),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels),
    }
'''}, expect={"text_classification.evaluate_classifier": "text.labels_from_truth"}),
    Submission("nora", "una neurona sigmoid para dos clases", cells={"build_cnn_classifier": '''\
def build_cnn_classifier(vocab_size, embedding_dim, seq_len, n_classes):
    binary = n_classes == 2
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embedding_dim),
        keras.layers.Conv1D(64, 3, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dense(1, activation="sigmoid") if binary else keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
'''}, expect={"text_classification.build_cnn_classifier": "text.binary_sigmoid_head"}),
    Submission("oscar", "entrena sin datos de validación", cells={"train_classifier": '''\
def train_classifier(model, x_train, y_train, epochs=10, batch_size=128):
    return model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
'''}, expect={"text_classification.train_classifier": "text.no_validation_split"}),
    Submission("pablo", "valida pero no se detiene", cells={"train_classifier": '''\
def train_classifier(model, x_train, y_train, epochs=10, batch_size=128):
    return model.fit(x_train, y_train, validation_split=0.2, epochs=epochs, batch_size=batch_size, verbose=0)
'''}, expect={"text_classification.train_classifier": "text.no_early_stopping"}),
    Submission("raul", "no pasa el texto a minúsculas", cells={"clean_text": '''\
def clean_text(text):
    text = re.sub(r"\\bx{2,}\\b", " ", text)
    text = re.sub(r"[^A-Za-z0-9áéíóúüñÁÉÍÓÚÜÑ\\s]", " ", text)
    return re.sub(r"\\s+", " ", text).strip()
'''}, expect={"text_classification.clean_text": "text.keeps_case"}),
    Submission("sofia", "no elimina los símbolos ni la puntuación", cells={"clean_text": '''\
def clean_text(text):
    text = re.sub(r"\\bx{2,}\\b", " ", text.lower())
    return re.sub(r"\\s+", " ", text).strip()
'''}, expect={"text_classification.clean_text": "text.keeps_symbols"}),
    Submission("tomas", "TextVectorization sin max_tokens", cells={"make_vectorizer": '''\
def make_vectorizer(train_texts, max_tokens=20000, seq_len=200):
    vectorizer = keras.layers.TextVectorization(output_sequence_length=seq_len)
    vectorizer.adapt(list(train_texts))
    return vectorizer
'''}, expect={"text_classification.make_vectorizer": "text.max_tokens_ignored"}),
    Submission("valeria", "F1 micro en lugar de macro", cells={"evaluate_classifier": '''\
def evaluate_classifier(y_true, y_pred):
    from sklearn.metrics import confusion_matrix, f1_score

    return {
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
        "macro_f1": float(f1_score(y_true, y_pred, average="micro")),
        "confusion_matrix": confusion_matrix(y_true, y_pred),
    }
'''}, expect={"text_classification.evaluate_classifier": "text.micro_f1"}),
    Submission("yolanda", "capa Dense(32) sin regularización L2", cells={
        "build_cnn_classifier": _CNN.replace(', kernel_regularizer=keras.regularizers.L2(0.01)', '')
                                    .replace("LOSS", '"sparse_categorical_crossentropy"')},
        expect={"text_classification.build_cnn_classifier": "text.missing_l2"}),
]
