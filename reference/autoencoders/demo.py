"""Demo students for the autoencoders assignment: one per common mistake."""

from autograder.api import Submission

SUBMISSIONS = [
    Submission("ana", "respuesta de referencia", full_marks=True),
    Submission("blanca", "cuaderno sin resolver", blank=True),
    Submission("bruno", "filtros del decodificador en el mismo orden que el codificador", cells={
        "build_conv_autoencoder": '''\
def build_conv_autoencoder(input_shape=(28, 28, 1), filters=(16, 8)):
    height, width, channels = input_shape
    encoder = keras.Sequential([keras.Input(shape=tuple(input_shape))] + [
        keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu") for f in filters])
    decoder = keras.Sequential(
        [keras.Input(shape=(height // 2 ** len(filters), width // 2 ** len(filters), filters[-1]))]
        + [keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu") for f in filters]
        + [keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])
'''}, expect={"autoencoders.build_conv_autoencoder": "autoencoders.decoder_filter_order"}),
    Submission("carla", "sigmoid con los píxeles sin escalar (0-255)", cells={
        "prepare_data": '''X_fit = X_fit_raw
X_test = X_test_raw
print("X_fit:", X_fit.shape, X_fit.dtype, "| píxeles entre", X_fit.min(), "y", X_fit.max())
'''}, expect={"autoencoders.autoencoder": "autoencoders.unscaled_data"}),
    Submission("diego", "umbral calculado con los datos de prueba", cells={
        "train_anomaly_detector": '''keras.utils.set_random_seed(0)
_, _, anomaly_autoencoder = build_dense_autoencoder(784, 32, 8)
anomaly_autoencoder.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
normal_test = X_test[y_test == NORMAL_DIGIT]
others_test = X_test[np.random.default_rng(1).choice(np.flatnonzero(y_test != NORMAL_DIGIT),
                                                     size=len(normal_test), replace=False)]
X_anomaly_test = np.concatenate([normal_test, others_test])
is_anomaly_test = np.r_[np.zeros(len(normal_test), bool), np.ones(len(others_test), bool)]
X_normal = X_fit[y_fit == NORMAL_DIGIT]
anomaly_autoencoder.fit(X_normal, X_normal, epochs=10, batch_size=32, verbose=0)
threshold = anomaly_threshold(reconstruction_errors(anomaly_autoencoder, X_anomaly_test), k=1.0)
anomaly_detector = {"autoencoder": anomaly_autoencoder, "threshold": threshold}
'''}, expect={"autoencoders.anomaly_detector": "autoencoders.threshold_leak"}),
    Submission("elena", "error por píxel en lugar de por muestra", cells={
        "reconstruction_errors": '''def reconstruction_errors(autoencoder, X):
    return np.mean((X - autoencoder.predict(X, verbose=0)) ** 2, axis=0)
'''}, expect={"autoencoders.reconstruction_errors": "autoencoders.per_feature_error"}),
    Submission("fabio", "booleano de anomalía invertido (True = normal)", cells={
        "detect_anomalies": '''def detect_anomalies(errors, threshold):
    return np.asarray(errors) < threshold
'''}, expect={"autoencoders.detect_anomalies": "autoencoders.inverted_anomaly"}),
    Submission("gloria", "denoiser entrenado con entradas limpias", cells={
        "train_denoiser": '''keras.utils.set_random_seed(0)
_, _, denoiser = build_conv_autoencoder()
denoiser.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
images_fit = X_fit[:1000].reshape(-1, 28, 28, 1)
denoiser.fit(images_fit, images_fit, epochs=3, batch_size=32, verbose=0)
'''}, expect={"autoencoders.denoiser": "autoencoders.denoiser_clean_inputs"}),
    Submission("hugo", "codificador entrenable en el clasificador", cells={
        "classifier_from_encoder": '''def classifier_from_encoder(encoder, n_classes):
    inputs = keras.Input(shape=encoder.input_shape[1:])
    outputs = keras.layers.Dense(n_classes, activation="softmax")(encoder(inputs))
    return keras.Model(inputs, outputs)
'''}, expect={"autoencoders.classifier_from_encoder": "autoencoders.encoder_trainable"}),
    Submission("ines", "entrada del decodificador fija en alto // 4 (solo dos capas)", cells={
        "build_conv_autoencoder": '''\
def build_conv_autoencoder(input_shape=(28, 28, 1), filters=(16, 8)):
    height, width, channels = input_shape
    encoder = keras.Sequential([keras.Input(shape=tuple(input_shape))] + [
        keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu") for f in filters])
    decoder = keras.Sequential(
        [keras.Input(shape=(height // 4, width // 4, filters[-1]))]
        + [keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu")
           for f in reversed(filters)]
        + [keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])
'''}, expect={"autoencoders.build_conv_autoencoder": "autoencoders.fixed_depth"}),
    Submission("jorge", "error medio solo sobre el último eje", cells={
        "reconstruction_errors": '''def reconstruction_errors(autoencoder, X):
    return np.mean((X - autoencoder.predict(X, verbose=0)) ** 2, axis=-1)
'''}, expect={"autoencoders.reconstruction_errors": "autoencoders.error_one_axis"}),
    Submission("karim", "un error igual al umbral cuenta como anomalía (>=)", cells={
        "detect_anomalies": '''def detect_anomalies(errors, threshold):
    return np.asarray(errors) >= threshold
'''}, expect={"autoencoders.detect_anomalies": "autoencoders.threshold_inclusive"}),
    Submission("lucia", "ruido de np.random.normal sin la semilla", cells={
        "add_noise": '''def add_noise(x, noise_factor, seed):
    noisy = x + noise_factor * np.random.normal(loc=0.0, scale=1.0, size=x.shape)
    return np.clip(noisy, 0.0, 1.0)
'''}, expect={"autoencoders.add_noise": "autoencoders.noise_not_from_seed"}),
    Submission("mario", "el error máximo como umbral", cells={
        "anomaly_threshold": '''def anomaly_threshold(train_errors, k=1.0):
    return float(np.max(train_errors))
'''}, expect={"autoencoders.anomaly_threshold": "autoencoders.threshold_max"}),
    Submission("nora", "entrena toda la pila de golpe, no capa a capa", cells={
        "greedy_layerwise_pretrain": '''def greedy_layerwise_pretrain(X, layer_sizes, epochs, seed=0):
    keras.utils.set_random_seed(seed)
    input_dim = np.shape(X)[1]
    encoder = keras.Sequential([keras.Input(shape=(input_dim,))]
                               + [keras.layers.Dense(s, activation="relu") for s in layer_sizes])
    decoder = keras.Sequential([keras.Input(shape=(layer_sizes[-1],))]
                               + [keras.layers.Dense(s, activation="relu") for s in reversed(layer_sizes[:-1])]
                               + [keras.layers.Dense(input_dim, activation="sigmoid")])
    autoencoder = keras.Sequential([encoder, decoder])
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    autoencoder.fit(X, X, epochs=epochs, batch_size=32, verbose=0)
    return encoder, decoder, autoencoder
'''}, expect={"autoencoders.greedy_layerwise_pretrain": "autoencoders.not_layerwise"}),
    Submission("oscar", "decodificador denso sin sigmoid en la salida", cells={
        "build_dense_autoencoder": '''\
def build_dense_autoencoder(input_dim, hidden_units, latent_dim):
    encoder = keras.Sequential([
        keras.Input(shape=(input_dim,)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(latent_dim, activation="relu"),
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(input_dim),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
'''}, expect={"autoencoders.build_dense_autoencoder": "autoencoders.linear_output"}),
    Submission("paula", "tamaños 784-100-30 del ejemplo del curso fijos", cells={
        "build_dense_autoencoder": '''\
def build_dense_autoencoder(input_dim, hidden_units, latent_dim):
    encoder = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(30, activation="relu"),
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(30,)),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
'''}, expect={"autoencoders.build_dense_autoencoder": "autoencoders.fixed_sizes"}),
    Submission("raul", "umbral sin multiplicar por k", cells={
        "anomaly_threshold": '''def anomaly_threshold(train_errors, k=1.0):
    return float(np.mean(train_errors) + np.std(train_errors))
'''}, expect={"autoencoders.anomaly_threshold": "autoencoders.k_ignored"}),
    Submission("sofia", "desviación típica muestral (ddof=1) en el umbral", cells={
        "anomaly_threshold": '''def anomaly_threshold(train_errors, k=1.0):
    return float(np.mean(train_errors) + k * np.std(train_errors, ddof=1))
'''}, expect={"autoencoders.anomaly_threshold": "autoencoders.sample_std"}),
    Submission("tomas", "imagen ruidosa sin recortar a [0, 1]", cells={
        "add_noise": '''def add_noise(x, noise_factor, seed):
    noise = np.random.default_rng(seed).normal(size=x.shape)
    return x + noise_factor * noise
'''}, expect={"autoencoders.add_noise": "autoencoders.noise_not_clipped"}),
    Submission("valeria", "suma los errores al cuadrado en lugar de promediarlos", cells={
        "reconstruction_errors": '''def reconstruction_errors(autoencoder, X):
    reconstructed = autoencoder.predict(X, verbose=0)
    return np.sum((X - reconstructed) ** 2, axis=tuple(range(1, X.ndim)))
'''}, expect={"autoencoders.reconstruction_errors": "autoencoders.summed_error"}),
    Submission("yolanda", "una sola neurona sigmoid para dos clases", cells={
        "classifier_from_encoder": '''def classifier_from_encoder(encoder, n_classes):
    encoder.trainable = False
    inputs = keras.Input(shape=encoder.input_shape[1:])
    codes = encoder(inputs, training=False)
    if n_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid")(codes)
    else:
        outputs = keras.layers.Dense(n_classes, activation="softmax")(codes)
    return keras.Model(inputs, outputs)
'''}, expect={"autoencoders.classifier_from_encoder": "autoencoders.binary_sigmoid_head"}),
]
