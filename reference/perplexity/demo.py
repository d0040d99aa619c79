"""Demo students for the language-model evaluation assignment: one per common mistake."""

from autograder.api import Submission

_SENTENCE = "def sentence_perplexity(lm, sentence):\n"
_CORPUS = "def corpus_perplexity(lm, sentences):\n"
_PROB = "def bigram_prob(lm, prev, word):\n"

SUBMISSIONS = [
    Submission("ana", "respuesta de referencia", full_marks=True),
    Submission("blanca", "cuaderno sin resolver", blank=True),
    Submission("bruno", "devuelve 1/PPL (falta el signo menos)", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    with np.errstate(divide="ignore"):
        return float(np.exp(np.mean(np.log(probs[keep]))))
"""}, expect={"perplexity.perplexity": "ppl.inverse"}),
    Submission("carla", "exp con logaritmos en otra base", cells={"perplexity_from_log_probs": """\
def perplexity_from_log_probs(log_probs, base=math.e):
    return math.exp(-np.mean(log_probs))
"""}, expect={"perplexity.perplexity_from_log_probs": "ppl.log_base"}),
    Submission("diego", "media de las perplejidades de las oraciones", cells={"corpus_perplexity": _CORPUS + """\
    return float(np.mean([sentence_perplexity(lm, s) for s in sentences]))
"""}, expect={"perplexity.corpus_perplexity": "lm.mean_of_sentence_perplexities"}),
    Submission("elena", "</s> en la suma pero no en N", cells={"sentence_perplexity": _SENTENCE + """\
    tokens = [BOS] + sentence + [EOS]
    log_p = [math.log(bigram_prob(lm, p, w)) if bigram_prob(lm, p, w) > 0 else -math.inf
             for p, w in zip(tokens[:-1], tokens[1:])]
    return math.exp(-sum(log_p) / len(sentence))
"""}, expect={"perplexity.sentence_perplexity": "lm.end_not_counted"}),
    Submission("fabio", "cuenta <s> como token predicho", cells={"sentence_perplexity": _SENTENCE + """\
    tokens = [BOS] + sentence + [EOS]
    log_p = [np.log(bigram_prob(lm, p, w)) for p, w in zip(tokens[:-1], tokens[1:])]
    with np.errstate(divide="ignore"):
        return float(np.exp(-np.sum(log_p) / len(tokens)))
"""}, expect={"perplexity.sentence_perplexity": "lm.start_counted"}),
    Submission("gloria", "log(0) sin suavizado", cells={"sentence_perplexity": _SENTENCE + """\
    tokens = [BOS] + sentence + [EOS]
    nll = -sum(math.log(bigram_prob(lm, p, w)) for p, w in zip(tokens[:-1], tokens[1:]))
    return math.exp(nll / (len(sentence) + 1))
"""}, expect={"perplexity.sentence_perplexity": "lm.log_zero"}),
    Submission("hugo", "k fijo en 1 (Laplace)", cells={"bigram_prob": _PROB + """\
    count = lm["bigram_counts"].get((prev, word), 0)
    return (count + 1) / (lm["context_counts"].get(prev, 0) + len(lm["vocab"]))
"""}, expect={"perplexity.bigram_prob": "lm.k_ignored"}),
    Submission("ines", "falta k en el denominador", cells={"bigram_prob": _PROB + """\
    count = lm["bigram_counts"].get((prev, word), 0)
    return (count + lm["k"]) / (lm["context_counts"].get(prev, 0) + len(lm["vocab"]))
"""}, expect={"perplexity.bigram_prob": "lm.k_missing_in_denominator"}),
    Submission("jorge", "recorte por la suma de las referencias", cells={"modified_precision": """\
def modified_precision(references, candidate, n):
    grams = lambda tokens: Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    counts = grams(candidate)
    total = Counter()
    for reference in references:
        total += grams(reference)
    return sum(min(c, total[g]) for g, c in counts.items()) / max(1, sum(counts.values()))
"""}, expect={"perplexity.modified_precision": "bleu.clip_by_sum"}),
    Submission("karim", "cuenta cada n-grama distinto una vez", cells={"modified_precision": """\
def modified_precision(references, candidate, n):
    cand = [tuple(candidate[i:i + n]) for i in range(len(candidate) - n + 1)]
    refs = {tuple(r[i:i + n]) for r in references for i in range(len(r) - n + 1)}
    return len(set(cand) & refs) / max(1, len(cand))
"""}, expect={"perplexity.modified_precision": "bleu.distinct_ngrams"}),
    Submission("lucia", "la referencia más corta en la penalización", cells={"brevity_penalty": """\
def brevity_penalty(references, candidate):
    c, r = len(candidate), min(len(ref) for ref in references)
    if c > r:
        return 1.0
    return math.exp(1 - r / c) if c else 0.0
"""}, expect={"perplexity.brevity_penalty": "bleu.shortest_reference"}),
    Submission("mario", "ignora smoothing=\"method1\"", cells={"bleu": """\
def bleu(references, candidate, max_n=4, smoothing=None):
    precisions = [modified_precision(references, candidate, n) for n in range(1, max_n + 1)]
    if min(precisions) == 0:
        return 0.0
    return brevity_penalty(references, candidate) * math.exp(sum(math.log(p) for p in precisions) / max_n)
"""}, expect={"perplexity.bleu": "bleu.no_smoothing"}),
    Submission("nora", "clase positiva fija en 1", cells={"precision_recall_f1": """\
def precision_recall_f1(y_true, y_pred, positive=1):
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 1)
    fp = sum(1 for t, p in zip(y_true, y_pred) if t != 1 and p == 1)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p != 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
"""}, expect={"perplexity.precision_recall_f1": "metrics.positive_class"}),
    Submission("oscar", "ignora la máscara (cuenta el relleno)", cells={"perplexity": """\
def perplexity(probs, mask=None):
    with np.errstate(divide="ignore"):
        return float(np.exp(-np.mean(np.log(np.asarray(probs, dtype=float)))))
"""}, expect={"perplexity.perplexity": "ppl.padding_counted"}),
    Submission("pablo", "no añade </s> al entrenar", cells={"train_bigram_lm": """\
def train_bigram_lm(sentences, k=1.0):
    vocab, contexts, pairs = {BOS, EOS, UNK}, Counter(), Counter()
    for sentence in sentences:
        vocab.update(sentence)
        tokens = [BOS] + sentence
        for prev, word in zip(tokens[:-1], tokens[1:]):
            pairs[(prev, word)] += 1
            contexts[prev] += 1
    return {"k": k, "vocab": vocab, "context_counts": contexts, "bigram_counts": pairs}
"""}, expect={"perplexity.train_bigram_lm": "lm.missing_boundaries"}),
    # Another layout within the rules: defaultdicts and a sorted list for the vocabulary.
    Submission("raquel", "defaultdict y vocabulario como lista ordenada", cells={"train_bigram_lm": """\
from collections import defaultdict


def train_bigram_lm(sentences, k=1.0):
    contexts, pairs = defaultdict(int), defaultdict(int)
    words = set()
    for sentence in sentences:
        words.update(sentence)
        padded = [BOS, *sentence, EOS]
        for i in range(len(padded) - 1):
            pairs[padded[i], padded[i + 1]] += 1
            contexts[padded[i]] += 1
    return {"k": k, "vocab": sorted(words | {BOS, EOS, UNK}), "context_counts": contexts, "bigram_counts": pairs}
"""}, full_marks=True),
    Submission("tomas", "cuenta máxima de las referencias sin recortar por el candidato", cells={"modified_precision": """\
def modified_precision(references, candidate, n):
    grams = lambda tokens: Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    counts = grams(candidate)
    max_ref = Counter()
    for reference in references:
        max_ref |= grams(reference)
    return sum(max_ref[g] for g in counts) / max(1, sum(counts.values()))
"""}, expect={"perplexity.modified_precision": "bleu.count_not_clipped_by_candidate"}),
    Submission("ursula", "divide entre cero con un candidato más corto que n", cells={"modified_precision": """\
def modified_precision(references, candidate, n):
    grams = lambda tokens: Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    counts = grams(candidate)
    max_ref = Counter()
    for reference in references:
        max_ref |= grams(reference)
    return sum(min(c, max_ref[g]) for g, c in counts.items()) / sum(counts.values())
"""}, expect={"perplexity.modified_precision": "bleu.short_candidate_division"}),
    Submission("victor", "empate de longitudes resuelto con la primera referencia", cells={"brevity_penalty": """\
def brevity_penalty(references, candidate):
    c = len(candidate)
    r = len(min(references, key=lambda ref: abs(len(ref) - c)))
    if c > r:
        return 1.0
    return math.exp(1 - r / c) if c else 0.0
"""}, expect={"perplexity.brevity_penalty": "bleu.closest_tie"}),
    Submission("wendy", "producto de probabilidades (se anula en oraciones largas)", cells={
        "sentence_perplexity": _SENTENCE + """\
    tokens = [BOS] + sentence + [EOS]
    product = 1.0
    for p, w in zip(tokens[:-1], tokens[1:]):
        product *= bigram_prob(lm, p, w)
    return product ** (-1 / (len(tokens) - 1)) if product > 0 else math.inf
"""}, expect={"perplexity.sentence_perplexity": "lm.probability_product"}),
    Submission("ximena", "se salta las oraciones vacías del corpus", cells={"corpus_perplexity": _CORPUS + """\
    total_nll, total_tokens = 0.0, 0
    for sentence in sentences:
        if not sentence:
            continue
        tokens = [BOS, *sentence, EOS]
        for prev, word in zip(tokens[:-1], tokens[1:]):
            p = bigram_prob(lm, prev, word)
            total_nll += -math.log(p) if p > 0 else math.inf
        total_tokens += len(tokens) - 1
    return math.exp(total_nll / total_tokens)
"""}, expect={"perplexity.corpus_perplexity": "lm.empty_sentence_skipped"}),
    Submission("yago", "épsilon dentro del logaritmo", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    return float(np.exp(-np.mean(np.log(probs[keep] + 1e-10))))
"""}, expect={"perplexity.perplexity": "ppl.epsilon_in_log"}),
    Submission("sergio", "inserta <s> y </s> en la oración del llamador", cells={"sentence_perplexity": _SENTENCE + """\
    sentence.insert(0, BOS)
    sentence.append(EOS)
    probs = [bigram_prob(lm, p, w) for p, w in zip(sentence[:-1], sentence[1:])]
    with np.errstate(divide="ignore"):
        return float(np.exp(-np.mean(np.log(probs))))
"""}, expect={"perplexity.sentence_perplexity": "mutates_input"}),
    Submission("alba", "media de las perplejidades de cada fila del lote", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    mask = np.ones(probs.shape, bool) if mask is None else np.atleast_2d(np.asarray(mask).astype(bool))
    ppls = [np.exp(-np.mean(np.log(row[keep]))) for row, keep in zip(probs, mask)]
    return float(np.mean(ppls))
"""}, expect={"perplexity.perplexity": "ppl.mean_of_row_perplexities"}),
    Submission("beatriz", "divide entre todas las posiciones, relleno incluido", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    with np.errstate(divide="ignore"):
        return float(np.exp(-np.sum(np.log(probs[keep])) / probs.size))
"""}, expect={"perplexity.perplexity": "ppl.padding_in_denominator"}),
    Submission("cesar", "mask * log(p): NaN con relleno de probabilidad 0", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    mask = np.ones(probs.shape) if mask is None else np.asarray(mask, dtype=float)
    return float(np.exp(-np.sum(mask * np.log(probs)) / np.sum(mask)))
"""}, expect={"perplexity.perplexity": "ppl.log_of_padding"}),
    Submission("dario", "indexa con la máscara de enteros sin convertirla", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    if mask is not None:
        probs = probs[mask]
    with np.errstate(divide="ignore"):
        return float(np.exp(-np.mean(np.log(probs))))
"""}, expect={"perplexity.perplexity": "ppl.int_mask_indexing"}),
    Submission("esteban", "divide entre N - 1", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    with np.errstate(divide="ignore"):
        log_p = np.log(probs[keep])
    return float(np.exp(-log_p.sum() / (len(log_p) - 1)))
"""}, expect={"perplexity.perplexity": "ppl.off_by_one"}),
    Submission("felipe", "producto de probabilidades elevado a -1/N", cells={"perplexity": """\
def perplexity(probs, mask=None):
    probs = np.asarray(probs, dtype=float)
    keep = np.ones(probs.shape, bool) if mask is None else np.asarray(mask).astype(bool)
    p = probs[keep]
    return float(np.prod(p) ** (-1 / len(p)))
"""}, expect={"perplexity.perplexity": "ppl.probability_product"}),
    Submission("gabriel", "cuenta cada bigrama distinto una vez por oración", cells={"train_bigram_lm": """\
def train_bigram_lm(sentences, k=1.0):
    vocab, contexts, pairs = {BOS, EOS, UNK}, Counter(), Counter()
    for sentence in sentences:
        vocab.update(sentence)
        tokens = [BOS, *sentence, EOS]
        for prev, word in set(zip(tokens[:-1], tokens[1:])):
            pairs[(prev, word)] += 1
            contexts[prev] += 1
    return {"k": k, "vocab": vocab, "context_counts": contexts, "bigram_counts": pairs}
"""}, expect={"perplexity.train_bigram_lm": "lm.distinct_bigrams"}),
    Submission("hector", "olvida <UNK> en el vocabulario", cells={"train_bigram_lm": """\
def train_bigram_lm(sentences, k=1.0):
    vocab, contexts, pairs = {BOS, EOS}, Counter(), Counter()
    for sentence in sentences:
        vocab.update(sentence)
        tokens = [BOS, *sentence, EOS]
        for prev, word in zip(tokens[:-1], tokens[1:]):
            pairs[(prev, word)] += 1
            contexts[prev] += 1
    return {"k": k, "vocab": vocab, "context_counts": contexts, "bigram_counts": pairs}
"""}, expect={"perplexity.train_bigram_lm": "lm.vocabulary"}),
    Submission("irene", "máxima verosimilitud, sin suavizado", cells={"bigram_prob": _PROB + """\
    return lm["bigram_counts"].get((prev, word), 0) / lm["context_counts"].get(prev, 0)
"""}, expect={"perplexity.bigram_prob": "lm.no_smoothing"}),
    Submission("javier", "indexa las cuentas sin .get (KeyError)", cells={"bigram_prob": _PROB + """\
    k = lm["k"]
    return (lm["bigram_counts"][(prev, word)] + k) / (lm["context_counts"][prev] + k * len(lm["vocab"]))
"""}, expect={"perplexity.bigram_prob": "lm.unseen_key_error"}),
    Submission("lorena", "promedia la NLL media de cada oración", cells={"corpus_perplexity": _CORPUS + """\
    mean_nlls = []
    for sentence in sentences:
        tokens = [BOS, *sentence, EOS]
        nll = 0.0
        for prev, word in zip(tokens[:-1], tokens[1:]):
            p = bigram_prob(lm, prev, word)
            nll += -math.log(p) if p > 0 else math.inf
        mean_nlls.append(nll / (len(tokens) - 1))
    return math.exp(sum(mean_nlls) / len(mean_nlls))
"""}, expect={"perplexity.corpus_perplexity": "lm.sentences_weighted_equally"}),
    Submission("manuel", "precisión y exhaustividad intercambiadas", cells={"precision_recall_f1": """\
def precision_recall_f1(y_true, y_pred, positive=1):
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == positive and p == positive)
    fp = sum(1 for t, p in zip(y_true, y_pred) if t != positive and p == positive)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t == positive and p != positive)
    precision = tp / (tp + fn) if tp + fn else 0.0
    recall = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return precision, recall, f1
"""}, expect={"perplexity.precision_recall_f1": "metrics.swapped"}),
    Submission("nuria", "divide entre cero sin predicciones positivas", cells={"precision_recall_f1": """\
def precision_recall_f1(y_true, y_pred, positive=1):
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == positive and p == positive)
    fp = sum(1 for t, p in zip(y_true, y_pred) if t != positive and p == positive)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t == positive and p != positive)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)
"""}, expect={"perplexity.precision_recall_f1": "metrics.zero_division"}),
    Submission("olga", "sin recorte de las cuentas", cells={"modified_precision": """\
def modified_precision(references, candidate, n):
    grams = lambda tokens: Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    counts = grams(candidate)
    seen = set()
    for reference in references:
        seen |= set(grams(reference))
    return sum(c for g, c in counts.items() if g in seen) / max(1, sum(counts.values()))
"""}, expect={"perplexity.modified_precision": "bleu.no_clipping"}),
    Submission("pilar", "trata las oraciones como cadenas (.split())", cells={"modified_precision": """\
def modified_precision(references, candidate, n):
    grams = lambda text: Counter(tuple(text.split()[i:i + n]) for i in range(len(text.split()) - n + 1))
    counts = grams(candidate)
    max_ref = Counter()
    for reference in references:
        max_ref |= grams(reference)
    return sum(min(c, max_ref[g]) for g, c in counts.items()) / max(1, sum(counts.values()))
"""}, expect={"perplexity.modified_precision": "bleu.strings_not_tokens"}),
    Submission("ramon", "penalización invertida, exp(1 - c/r)", cells={"brevity_penalty": """\
def brevity_penalty(references, candidate):
    c = len(candidate)
    r = min((len(ref) for ref in references), key=lambda length: (abs(length - c), length))
    if c > r:
        return 1.0
    return math.exp(1 - c / r) if c else 0.0
"""}, expect={"perplexity.brevity_penalty": "bleu.bp_inverted"}),
    Submission("sara", "divide entre cero con un candidato vacío", cells={"brevity_penalty": """\
def brevity_penalty(references, candidate):
    c = len(candidate)
    r = min((len(ref) for ref in references), key=lambda length: (abs(length - c), length))
    if c > r:
        return 1.0
    return math.exp(1 - r / c)
"""}, expect={"perplexity.brevity_penalty": "bleu.bp_empty_candidate"}),
    Submission("alicia", "empate de longitudes resuelto con la referencia más larga", cells={"brevity_penalty": """\
def brevity_penalty(references, candidate):
    c = len(candidate)
    r = max((len(ref) for ref in references), key=lambda length: (-abs(length - c), length))
    if c > r:
        return 1.0
    return math.exp(1 - r / c) if c else 0.0
"""}, expect={"perplexity.brevity_penalty": "bleu.closest_tie_longer"}),
    Submission("rocio", "BLEU sin penalización por brevedad", cells={"bleu": """\
def bleu(references, candidate, max_n=4, smoothing=None):
    precisions = [modified_precision(references, candidate, n) for n in range(1, max_n + 1)]
    if precisions[0] == 0:
        return 0.0
    log_sum = 0.0
    for n, p in enumerate(precisions, start=1):
        if p == 0:
            if smoothing != "method1":
                return 0.0
            p = 0.1 / max(1, len(candidate) - n + 1)
        log_sum += math.log(p) / max_n
    return math.exp(log_sum)
"""}, expect={"perplexity.bleu": "bleu.no_brevity_penalty"}),
    Submission("marta", "suaviza también sin ningún unigrama en común", cells={"bleu": """\
def bleu(references, candidate, max_n=4, smoothing=None):
    log_sum = 0.0
    for n in range(1, max_n + 1):
        p = modified_precision(references, candidate, n)
        if p == 0:
            if smoothing != "method1":
                return 0.0
            p = 0.1 / max(1, len(candidate) - n + 1)
        log_sum += math.log(p) / max_n
    return brevity_penalty(references, candidate) * math.exp(log_sum)
"""}, expect={"perplexity.bleu": "bleu.smoothed_without_unigram_match"}),
]
