"""Demo students for the GAN assignment: one per common mistake."""

from autograder.api import Submission

_DISCRIMINATOR = '''def build_discriminator(image_shape):
    return keras.Sequential([
        keras.Input(shape=tuple(image_shape)),
        keras.layers.Conv2D(32, 3, strides=2, padding="same"),
        keras.layers.LeakyReLU(),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Flatten(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
'''

_DISC_LOSS = '''def discriminator_loss(real_logits, fake_logits):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
BODY
'''

# The answer key's step with the pieces a mistake changes left as placeholders.
_STEP = '''def train_step(real_images, noise, generator, discriminator, g_opt, d_opt):
NOISE    with TAPES:
        fake_images = generator(noise, TRAINING)
        real_logits = discriminator(real_images, TRAINING)
        fake_logits = discriminator(fake_images, TRAINING)
        gen_loss = generator_loss(fake_logits)
        disc_loss = discriminator_loss(real_logits, fake_logits)
    gen_grads = GEN_TAPE.gradient(GEN_LOSS, generator.trainable_variables)
    disc_grads = DISC_TAPE.gradient(disc_loss, discriminator.trainable_variables)
    g_opt.apply_gradients(zip(gen_grads, generator.trainable_variables))
    d_opt.apply_gradients(zip(disc_grads, discriminator.trainable_variables))
    return {"gen_loss": gen_loss, "disc_loss": disc_loss}
'''
_KEY_STEP = {"NOISE": "", "TAPES": "tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape",
             "TRAINING": "training=True", "GEN_TAPE": "gen_tape", "GEN_LOSS": "gen_loss", "DISC_TAPE": "disc_tape"}


def _step(**changes: str) -> str:
    source = _STEP
    for placeholder, value in {**_KEY_STEP, **changes}.items():
        source = source.replace(placeholder, value)
    return source.replace("(noise, )", "(noise)").replace("(real_images, )", "(real_images)") \
                 .replace("(fake_images, )", "(fake_images)")


SUBMISSIONS = [
    Submission("ana", "respuesta de referencia", full_marks=True),
    Submission("blanca", "cuaderno sin resolver", blank=True),
    Submission("bruno", "discriminador que termina en sigmoid (con from_logits=True)",
               cells={"build_discriminator": _DISCRIMINATOR},
               expect={"gan.build_discriminator": "gan.sigmoid_output"}),
    Submission("carla", "etiquetas del discriminador intercambiadas", cells={"discriminator_loss": _DISC_LOSS.replace(
        "BODY", "    return (cross_entropy(tf.zeros_like(real_logits), real_logits)\n"
                "            + cross_entropy(tf.ones_like(fake_logits), fake_logits))")},
        expect={"gan.discriminator_loss": "gan.swapped_labels"}),
    Submission("diego", "pérdida sin reducir (una por muestra)", cells={"discriminator_loss": '''\
def discriminator_loss(real_logits, fake_logits):
    real_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
    fake_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return real_loss + fake_loss
'''}, expect={"gan.discriminator_loss": "gan.non_scalar_loss"}),
    Submission("elena", "una sola media sobre reales y falsas juntas", cells={"discriminator_loss": _DISC_LOSS.replace(
        "BODY", "    logits = tf.concat([real_logits, fake_logits], axis=0)\n"
                "    labels = tf.concat([tf.ones_like(real_logits), tf.zeros_like(fake_logits)], axis=0)\n"
                "    return cross_entropy(labels, logits)")},
        expect={"gan.discriminator_loss": "gan.mean_over_both_batches"}),
    Submission("fabio", "pérdida minimax saturante en el generador", cells={"generator_loss": '''\
def generator_loss(fake_logits):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    return -cross_entropy(tf.zeros_like(fake_logits), fake_logits)
'''}, expect={"gan.generator_loss": "gan.saturating_generator_loss"}),
    Submission("gloria", "el generador se actualiza con la pérdida del discriminador",
               cells={"train_step": _step(GEN_LOSS="disc_loss")},
               expect={"gan.train_step": "gan.wrong_model_gradients"}),
    Submission("hugo", "una sola GradientTape no persistente",
               cells={"train_step": _step(TAPES="tf.GradientTape() as tape", GEN_TAPE="tape", DISC_TAPE="tape")},
               expect={"gan.train_step": "gan.one_non_persistent_tape"}),
    Submission("ines", "sin training=True", cells={"train_step": _step(TRAINING="")},
               expect={"gan.train_step": "gan.missing_training_flag"}),
    Submission("jorge", "ruido con BATCH_SIZE fijo dentro del paso",
               cells={"train_step": _step(NOISE="    noise = sample_noise(BATCH_SIZE, NOISE_DIM)\n")},
               expect={"gan.train_step": "gan.fixed_noise_batch"}),
    Submission("karim", "train_step decorado con @tf.function",
               cells={"train_step": "@tf.function\n" + _step()},
               expect={"gan.train_step": "gan.tf_function_train_step"}),
    Submission("lucia", "comprueba la semilla con «if seed:» (0 cuenta como sin semilla)", cells={"sample_noise": '''\
def sample_noise(batch_size, noise_dim, seed=None):
    if seed:
        return tf.random.stateless_normal((batch_size, noise_dim), seed=(seed, 0), dtype=tf.float32)
    return tf.random.normal((batch_size, noise_dim), dtype=tf.float32)
'''}, expect={"gan.sample_noise": "gan.seed_zero_ignored"}),
    Submission("mario", "generador con la forma 8x8 de los dígitos fija", cells={"build_generator": '''\
def build_generator(noise_dim, image_shape):
    return keras.Sequential([
        keras.Input(shape=(noise_dim,)),
        keras.layers.Dense(2 * 2 * 64, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Reshape((2, 2, 64)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", use_bias=False, activation="tanh"),
    ])
'''}, expect={"gan.build_generator": "gan.fixed_image_shape"}),
    Submission("nora", "BCE escrita como −log(sigmoid(z))", cells={"discriminator_loss": '''\
def discriminator_loss(real_logits, fake_logits):
    real_loss = -tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits)))
    fake_loss = -tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits)))
    return real_loss + fake_loss
'''}, expect={"gan.discriminator_loss": "gan.log_of_sigmoid"}),
    Submission("oscar", "generador que termina en sigmoid en lugar de tanh", cells={"build_generator": '''\
def build_generator(noise_dim, image_shape):
    height, width, channels = image_shape
    return keras.Sequential([
        keras.Input(shape=(noise_dim,)),
        keras.layers.Dense((height // 4) * (width // 4) * 64, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Reshape((height // 4, width // 4, 64)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(),
        keras.layers.Conv2DTranspose(channels, 3, strides=2, padding="same", use_bias=False, activation="sigmoid"),
    ])
'''}, expect={"gan.build_generator": "gan.generator_not_tanh"}),
    Submission("paula", "pérdida del generador frente a ceros (la etiqueta del discriminador)", cells={
        "generator_loss": '''\
def generator_loss(fake_logits):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    return cross_entropy(tf.zeros_like(fake_logits), fake_logits)
'''}, expect={"gan.generator_loss": "gan.generator_zero_labels"}),
    Submission("raul", "BinaryCrossentropy sin from_logits=True en el generador", cells={"generator_loss": '''\
def generator_loss(fake_logits):
    cross_entropy = keras.losses.BinaryCrossentropy()
    return cross_entropy(tf.ones_like(fake_logits), fake_logits)
'''}, expect={"gan.generator_loss": "gan.loss_not_from_logits"}),
    Submission("sofia", "ruido de numpy (float64)", cells={"sample_noise": '''\
def sample_noise(batch_size, noise_dim, seed=None):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch_size, noise_dim))
'''}, expect={"gan.sample_noise": "gan.noise_float64"}),
    Submission("tomas", "ruido uniforme en [0, 1) en lugar de normal", cells={"sample_noise": '''\
def sample_noise(batch_size, noise_dim, seed=None):
    if seed is None:
        return tf.random.uniform((batch_size, noise_dim))
    return tf.random.stateless_uniform((batch_size, noise_dim), seed=(seed, 0))
'''}, expect={"gan.sample_noise": "gan.uniform_noise"}),
    Submission("valeria", "genera su propio ruido dentro del paso e ignora el argumento noise", cells={
        "train_step": _step(NOISE="    noise = sample_noise(len(real_images), noise.shape[1])\n")},
        expect={"gan.train_step": "gan.noise_ignored"}),
]
