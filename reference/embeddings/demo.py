"""Demo students for the one-hot vs embeddings assignment: one per common mistake."""

from autograder.api import Submission

SUBMISSIONS = [
    Submission("ana", "respuesta de referencia", full_marks=True),
    Submission("blanca", "cuaderno sin resolver", blank=True),
    Submission("bruno", "palabras reales desde el 1 y desconocidas al 0", cells={
        "build_vocab": '''\
def build_vocab(token_lists, min_count=1):
    from collections import Counter

    counts = Counter(token for tokens in token_lists for token in tokens)
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    vocab = {"<pad>": 0}
    for index, word in enumerate(words, start=1):
        vocab[word] = index
    return vocab
''',
        "encode": '''\
def encode(tokens, vocab):
    return np.array([vocab.get(token, 0) for token in tokens])
'''}, expect={"embeddings.build_vocab": "embeddings.pad_unk_off_by_one",
              "embeddings.encode": "embeddings.pad_unk_off_by_one"}),
    Submission("carla", "vocabulario solo en orden alfabético", cells={"build_vocab": '''\
def build_vocab(token_lists, min_count=1):
    from collections import Counter

    counts = Counter(token for tokens in token_lists for token in tokens)
    vocab = {"<pad>": 0, "<unk>": 1}
    for word in sorted(counts):
        if counts[word] >= min_count:
            vocab[word] = len(vocab)
    return vocab
'''}, expect={"embeddings.build_vocab": "embeddings.vocab_alphabetical"}),
    Submission("diego", "empates en orden de aparición (most_common)", cells={"build_vocab": '''\
def build_vocab(token_lists, min_count=1):
    from collections import Counter

    counts = Counter(token for tokens in token_lists for token in tokens)
    vocab = {"<pad>": 0, "<unk>": 1}
    for word, count in counts.most_common():
        if count >= min_count:
            vocab[word] = len(vocab)
    return vocab
'''}, expect={"embeddings.build_vocab": "embeddings.vocab_ties"}),
    Submission("elena", "filas de la matriz desplazadas dos posiciones", cells={"build_embedding_matrix": '''\
def build_embedding_matrix(vocab, vectors, dim):
    matrix = np.zeros((len(vocab), dim), dtype=np.float32)
    words = [w for w in vocab if w not in ("<pad>", "<unk>")]
    for row, word in enumerate(words):
        if word in vectors:
            matrix[row] = vectors[word]
    return matrix
'''}, expect={"embeddings.build_embedding_matrix": "embeddings.rows_misaligned"}),
    Submission("fabio", "coseno sin dividir entre las normas", cells={"cosine_similarity": '''\
def cosine_similarity(u, v):
    return float(np.dot(u, v))
'''}, expect={"embeddings.cosine_similarity": "embeddings.cosine_no_norm"}),
    Submission("gloria", "coseno que divide entre cero con un vector nulo", cells={"cosine_similarity": '''\
def cosine_similarity(u, v):
    return float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
'''}, expect={"embeddings.cosine_similarity": "embeddings.cosine_zero_division"}),
    Submission("hugo", "búsqueda que devuelve float64 con W en float32", cells={"embedding_lookup": '''\
def embedding_lookup(indices, W):
    indices = np.asarray(indices)
    out = np.zeros(indices.shape + (W.shape[1],))
    for position, index in np.ndenumerate(indices):
        out[position] = W[index]
    return out
'''}, expect={"embeddings.embedding_lookup": "embeddings.float64_result"}),
    Submission("ines", "capa Embedding entrenable", cells={"frozen_embedding_layer": '''\
def frozen_embedding_layer(matrix):
    return keras.layers.Embedding(matrix.shape[0], matrix.shape[1], weights=[matrix])
'''}, expect={"embeddings.frozen_embedding_layer": "embeddings.layer_trainable"}),
    Submission("jorge", "argumentos de gensim 3 (size, iter)", cells={"train_word2vec": '''\
def train_word2vec(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    return Word2Vec(token_lists, size=vector_size, window=window, min_count=min_count, sg=sg, iter=epochs,
                    seed=seed, workers=1)
'''}, expect={"embeddings.train_word2vec": "embeddings.gensim3_keywords"}),
    Submission("karim", "palabras sin vector con valores aleatorios", cells={"build_embedding_matrix": '''\
def build_embedding_matrix(vocab, vectors, dim):
    matrix = np.random.default_rng().normal(scale=0.1, size=(len(vocab), dim)).astype(np.float32)
    for word, index in vocab.items():
        if word in vectors:
            matrix[index] = vectors[word]
    return matrix
'''}, expect={"embeddings.build_embedding_matrix": "embeddings.missing_not_zero"}),
    Submission("lucia", "matriz one-hot en float64 (np.zeros)", cells={"one_hot_encode": '''\
def one_hot_encode(indices, vocab_size):
    indices = np.asarray(indices)
    out = np.zeros((len(indices), vocab_size))
    out[np.arange(len(indices)), indices] = 1
    return out
'''}, expect={"embeddings.one_hot_encode": "embeddings.one_hot_float64"}),
    Submission("mario", "se salta la primera línea del fichero GloVe", cells={"load_glove": '''\
def load_glove(path):
    vectors = {}
    with open(path, encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            word, *values = line.split()
            vectors[word] = np.asarray(values, dtype="float32")
    return vectors
'''}, expect={"embeddings.load_glove": "embeddings.glove_header_skipped"}),
    Submission("nora", "tokeniza con la expresión regular [a-z0-9]+", cells={"tokenize": '''\
def tokenize(text):
    import re

    return re.findall(r"[a-z0-9]+", text.lower())
'''}, expect={"embeddings.tokenize": "embeddings.tokenize_ascii_regex"}),
    Submission("oscar", "np.array sin dtype: una lista vacía da float64", cells={"encode": '''\
def encode(tokens, vocab):
    return np.array([vocab.get(token, 1) for token in tokens])
'''}, expect={"embeddings.encode": "embeddings.empty_encoding_float"}),
    Submission("pablo", "tokens sin pasar a minúsculas", cells={"tokenize": '''\
def tokenize(text):
    return nltk.word_tokenize(text, preserve_line=True)
'''}, expect={"embeddings.tokenize": "embeddings.tokenize_no_lower"}),
    Submission("raquel", "separa solo por espacios (str.split)", cells={"tokenize": '''\
def tokenize(text):
    return text.lower().split()
'''}, expect={"embeddings.tokenize": "embeddings.tokenize_split"}),
    Submission("sergio", "word_tokenize sin preserve_line=True (necesita punkt)", cells={"tokenize": '''\
def tokenize(text):
    return [token.lower() for token in nltk.word_tokenize(text)]
'''}, expect={"embeddings.tokenize": "embeddings.nltk_punkt"}),
    Submission("tomas", "descarta las palabras con exactamente min_count apariciones", cells={"build_vocab": '''\
def build_vocab(token_lists, min_count=1):
    from collections import Counter

    counts = Counter(token for tokens in token_lists for token in tokens)
    words = sorted((w for w, c in counts.items() if c > min_count), key=lambda w: (-counts[w], w))
    vocab = {"<pad>": 0, "<unk>": 1}
    for word in words:
        vocab[word] = len(vocab)
    return vocab
'''}, expect={"embeddings.build_vocab": "embeddings.min_count_strict"}),
    Submission("ursula", "se salta las palabras desconocidas", cells={"encode": '''\
def encode(tokens, vocab):
    return np.array([vocab[token] for token in tokens if token in vocab], dtype=np.int64)
'''}, expect={"embeddings.encode": "embeddings.unknown_dropped"}),
    Submission("victor", "columnas del one-hot según el índice más alto", cells={"one_hot_encode": '''\
def one_hot_encode(indices, vocab_size):
    indices = np.asarray(indices)
    return np.eye(indices.max() + 1, dtype=np.float32)[indices]
'''}, expect={"embeddings.one_hot_encode": "embeddings.one_hot_size_from_indices"}),
    Submission("wendy", "np.squeeze en la búsqueda de embeddings", cells={"embedding_lookup": '''\
def embedding_lookup(indices, W):
    return np.squeeze(W[np.asarray(indices)])
'''}, expect={"embeddings.embedding_lookup": "embeddings.squeeze"}),
    Submission("ximena", "distancia coseno de scipy en lugar de la similitud", cells={"cosine_similarity": '''\
def cosine_similarity(u, v):
    from scipy.spatial.distance import cosine

    return float(cosine(u, v))
'''}, expect={"embeddings.cosine_similarity": "embeddings.cosine_distance"}),
    Submission("yago", "devuelve model.wv en lugar del modelo", cells={"train_word2vec": '''\
def train_word2vec(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    model = Word2Vec(sentences=token_lists, vector_size=vector_size, window=window, min_count=min_count,
                     sg=sg, epochs=epochs, seed=seed, workers=1)
    return model.wv
'''}, expect={"embeddings.train_word2vec": "embeddings.w2v_returns_keyed_vectors"}),
    Submission("alba", "Word2Vec sin workers=1", cells={"train_word2vec": '''\
def train_word2vec(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    return Word2Vec(sentences=token_lists, vector_size=vector_size, window=window, min_count=min_count,
                    sg=sg, epochs=epochs, seed=seed)
'''}, expect={"embeddings.train_word2vec": "embeddings.w2v_workers"}),
    Submission("beatriz", "no pasa sg a Word2Vec (entrena CBOW)", cells={"train_word2vec": '''\
def train_word2vec(token_lists, vector_size=50, window=3, min_count=1, sg=1, epochs=20, seed=0):
    return Word2Vec(sentences=token_lists, vector_size=vector_size, window=window, min_count=min_count,
                    epochs=epochs, seed=seed, workers=1)
'''}, expect={"embeddings.train_word2vec": "embeddings.w2v_argument_ignored"}),
    Submission("cesar", "vectores GloVe en float64", cells={"load_glove": '''\
def load_glove(path):
    vectors = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, coefs = line.split(maxsplit=1)
            vectors[word] = np.array([float(x) for x in coefs.split()])
    return vectors
'''}, expect={"embeddings.load_glove": "embeddings.glove_float64"}),
    Submission("dario", "capa congelada sin inicializar con la matriz", cells={"frozen_embedding_layer": '''\
def frozen_embedding_layer(matrix):
    return keras.layers.Embedding(matrix.shape[0], matrix.shape[1], trainable=False)
'''}, expect={"embeddings.frozen_embedding_layer": "embeddings.layer_not_initialised"}),
]
