"""Text side of the kit: vocabulary, word2vec with gensim, sentence vectors.

- `CaptionVectorizer`, `tokenize`: captions -> token ids (0 = padding,
  1 = out-of-vocabulary), fixed length, mask.
- `train_word2vec`, `load_word_vectors`, `embedding_matrix`, `build_embedding`, `zero_unknown_word`:
  word vectors and the Keras `Embedding` they initialise.
- `SentenceEncoder` (`GroundedEncoder`, `Doc2VecEncoder`, `SIFEncoder`,
  `PrecomputedEncoder`): one vector per caption, the stand-in for the paper's
  skip-thought vectors; `retrieval_accuracy` measures caption -> image retrieval,
  `nearest_class_mean_accuracy` how well the vectors separate one attribute.

Importing the package registers `CaptionVectorizer` with Keras, so
``keras.models.load_model`` reads models that contain one.
"""

from lstmgan_tf.text.sentence import (
    Doc2VecEncoder,
    PrecomputedEncoder,
    SentenceEncoder,
    SentenceVectorTable,
    SIFEncoder,
    caption_pair_similarities,
    nearest_class_mean_accuracy,
    retrieval_accuracy,
)
from lstmgan_tf.text.grounded import GroundedEncoder
from lstmgan_tf.text.tokens import (
    OOV_ID,
    OOV_TOKEN,
    PADDING_ID,
    PADDING_TOKEN,
    build_vocabulary,
    flatten_captions,
    normalize_caption,
    tokenize,
)
from lstmgan_tf.text.vocabulary import CaptionVectorizer, standardize_caption
from lstmgan_tf.text.word_vectors import (
    build_embedding,
    download_word_vectors,
    embedding_matrix,
    load_word_vectors,
    missing_words,
    neighbour_precision,
    sample_corpus,
    train_word2vec,
    zero_unknown_word,
)

__all__ = [
    "OOV_ID",
    "OOV_TOKEN",
    "PADDING_ID",
    "PADDING_TOKEN",
    "CaptionVectorizer",
    "Doc2VecEncoder",
    "GroundedEncoder",
    "PrecomputedEncoder",
    "SIFEncoder",
    "SentenceEncoder",
    "SentenceVectorTable",
    "build_embedding",
    "build_vocabulary",
    "caption_pair_similarities",
    "nearest_class_mean_accuracy",
    "retrieval_accuracy",
    "download_word_vectors",
    "embedding_matrix",
    "flatten_captions",
    "load_word_vectors",
    "missing_words",
    "neighbour_precision",
    "normalize_caption",
    "sample_corpus",
    "standardize_caption",
    "tokenize",
    "train_word2vec",
    "zero_unknown_word",
]
