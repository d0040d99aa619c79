"""One-hot vs embeddings: tokens, vocabularies, one-hot and embedding lookups, cosine similarity,
Word2Vec on the Lee corpus, GloVe vectors and a frozen Keras embedding layer (grader side only)."""
