"""Word vectors with gensim: train word2vec, load pretrained vectors, feed an `Embedding`.

The paper (Ouyang et al.) feeds the LSTM the word2vec vector of each word. Here
`train_word2vec` trains one on the captions of any dataset (plus, optionally,
a real text corpus that gensim ships, usable offline), `load_word_vectors` reads
pretrained vectors from a file (word2vec text or binary, GloVe), and
`embedding_matrix` / `build_embedding` turn either into the weights of a Keras
`Embedding` indexed by `CaptionVectorizer` ids.

Repeatability: `train_word2vec` uses one worker thread and a seed, which makes
gensim 4 deterministic; gensim's ``hashfxn`` (Python's salted ``hash`` by
default, which changes with ``PYTHONHASHSEED``) is replaced by a stable CRC32
so that no code path depends on the process. `tests/test_text_word_vectors.py`
checks identical vectors in two processes with different ``PYTHONHASHSEED``.

Example:

>>> kv = train_word2vec(["a red flower", "a blue flower"], vector_size=8, epochs=2)
>>> kv.vector_size
8
"""

from __future__ import annotations

import os
import zlib
from typing import Iterable

import numpy as np

from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.text.tokens import (
    OOV_ID,
    OOV_TOKEN,
    PADDING_ID,
    PADDING_TOKEN,
    as_caption_list,
    tokenize,
)

WORD_VECTOR_FORMATS = ("auto", "word2vec", "word2vec-binary", "glove")
# Real English text that comes with gensim (its test data), so it works offline.
SAMPLE_CORPORA = {
    "lee": "lee_background.cor",  # 300 Australian news stories (Lee et al. 2005)
    "lee_test": "lee.cor",  # 50 more of the same
}


def stable_hash(text: str) -> int:
    """CRC32 of a string's UTF-8 bytes: a hash that is the same in every process.

    Python's ``hash`` of a string changes with ``PYTHONHASHSEED``; gensim uses it
    (as ``hashfxn``) to seed random vectors.
    """
    return zlib.crc32(str(text).encode("utf-8"))


def sample_corpus(name: str = "lee") -> list[str]:
    """Lines of a small real English corpus shipped with gensim (offline).

    Args:
        name: ``"lee"`` (300 news stories, about 19,000 words of running text)
            or ``"lee_test"`` (50 stories).

    Returns:
        The documents, one string each.
    """
    if name not in SAMPLE_CORPORA:
        raise ValueError(f"unknown sample corpus {name!r}; choose one of: {', '.join(SAMPLE_CORPORA)}.")
    from gensim.test.utils import datapath

    with open(datapath(SAMPLE_CORPORA[name]), encoding="latin-1") as handle:
        return [line.strip() for line in handle if line.strip()]


def _corpus_sentences(extra_corpus) -> list[list[str]]:
    if extra_corpus is None:
        return []
    if isinstance(extra_corpus, str) and extra_corpus in SAMPLE_CORPORA:
        documents = sample_corpus(extra_corpus)
    elif isinstance(extra_corpus, (str, os.PathLike)):
        path = os.fspath(extra_corpus)
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"extra corpus {path!r} is neither a file nor one of the sample corpora "
                f"({', '.join(SAMPLE_CORPORA)})."
            )
        try:
            with open(path, encoding="utf-8") as handle:
                documents = [line for line in handle if line.strip()]
        except UnicodeDecodeError as error:
            raise ValueError(f"extra corpus {path!r} is not UTF-8 text ({error}).") from None
    else:
        documents = as_caption_list(extra_corpus, name="extra_corpus")
    return [tokens for tokens in map(tokenize, documents) if tokens]


def train_word2vec(
    captions,
    vector_size: int | None = None,
    epochs: int | None = None,
    window: int = 5,
    min_count: int = 1,
    sg: int = 1,
    negative: int = 5,
    sample: float = 0.0,
    seed: int = 0,
    extra_corpus=None,
    profile=None,
):
    """Trains gensim `Word2Vec` on captions (and optionally more text).

    Deterministic for a fixed seed: one worker thread, the seed, and a stable
    ``hashfxn`` (see the module docstring).

    Args:
        captions: list of captions, or list of lists of captions per image
            (``CaptionedImages.captions``); tokenised with `tokenize`.
        vector_size: size of the vectors (default: profile's ``word_vector_dim``).
        epochs: passes over the text (default: profile's ``word2vec_epochs``).
        window: context words on each side.
        min_count: words seen fewer times get no vector.
        sg: 1 for skip-gram (better for rare words and small corpora), 0 for CBOW.
        negative: negative samples per word.
        sample: gensim's down-sampling of frequent words. Off by default: in a
            caption vocabulary of a few hundred words every word is
            "frequent", and gensim's usual 1e-3 would discard most of the text.
        seed: random seed.
        extra_corpus: optional extra text: a sample corpus name (``"lee"``), a
            path to a UTF-8 text file (one document per line) or a list of strings.
        profile: profile name or `Profile` for the defaults.

    Returns:
        gensim `KeyedVectors` (``kv["red"]``, ``kv.most_similar("red")``);
        ``kv.get_vecattr(word, "count")`` holds each word's count.
    """
    from gensim.models import Word2Vec

    from lstmgan_tf import config

    profile = config.get_profile(profile)
    vector_size = profile.word_vector_dim if vector_size is None else vector_size
    epochs = profile.word2vec_epochs if epochs is None else epochs
    for name, value in (("vector_size", vector_size), ("epochs", epochs), ("window", window),
                        ("min_count", min_count)):
        check_positive_int(name, value)
    sentences = [tokens for tokens in map(tokenize, as_caption_list(captions, nested=True)) if tokens]
    if not sentences:
        raise ValueError("captions hold no words; word2vec needs some text to train on.")
    sentences += _corpus_sentences(extra_corpus)
    model = Word2Vec(
        sentences=sentences,
        vector_size=vector_size,
        window=window,
        min_count=min_count,
        sg=sg,
        negative=negative,
        sample=sample,
        epochs=epochs,
        seed=seed,
        workers=1,
        hashfxn=stable_hash,
    )
    if len(model.wv) == 0:
        raise ValueError(f"no word occurs min_count={min_count} times in the captions.")
    return model.wv


def _sniff_format(path: str) -> str:
    if path.endswith(".bin"):
        return "word2vec-binary"
    with open(path, "rb") as handle:
        first_line = handle.readline().split()
    if len(first_line) == 2 and all(part.isdigit() for part in first_line):
        return "word2vec"
    return "glove"


def load_word_vectors(path, format: str = "auto", expected_dim: int | None = None, limit: int | None = None):
    """Loads pretrained word vectors from a file into gensim `KeyedVectors`.

    No pickled data is read: gensim's own ``.kv``/``.model`` files (pickles) are
    not accepted; save vectors with ``kv.save_word2vec_format(path)`` instead.

    Args:
        path: the file.
        format: ``"word2vec"`` (text, first line ``"<count> <dim>"``),
            ``"word2vec-binary"``, ``"glove"`` (text without that header line)
            or ``"auto"``: binary for ``.bin`` files, else word2vec text if the
            first line is two integers, else GloVe.
        expected_dim: if given, the vectors must have this size.
        limit: read only the first ``limit`` words (files are sorted by
            frequency, so these are the most common).

    Returns:
        gensim `KeyedVectors`.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: for an unknown format, a file that does not parse as that
            format, or vectors of the wrong size.
    """
    from gensim.models import KeyedVectors

    path = os.fspath(path)
    if format not in WORD_VECTOR_FORMATS:
        raise ValueError(f"unknown word vector format {format!r}; choose one of: {', '.join(WORD_VECTOR_FORMATS)}.")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"word vectors file {path!r} does not exist.")
    if os.path.getsize(path) == 0:
        raise ValueError(f"word vectors file {path!r} is empty.")
    chosen = _sniff_format(path) if format == "auto" else format
    if chosen != "word2vec-binary":
        # gensim quietly pads a short row of a header-less file; check every row.
        _check_text_rows(path, has_header=chosen == "word2vec", limit=limit)
    try:
        vectors = KeyedVectors.load_word2vec_format(
            path, binary=chosen == "word2vec-binary", no_header=chosen == "glove", limit=limit
        )
    except (ValueError, UnicodeDecodeError, IndexError, EOFError, OverflowError) as error:
        raise ValueError(
            f"word vectors file {path!r} could not be read as {chosen} format "
            f"({type(error).__name__}: {error}). Expected one word and its numbers per line"
            + (", after a '<count> <dim>' header line." if chosen == "word2vec" else ".")
        ) from None
    if len(vectors) == 0:
        raise ValueError(f"word vectors file {path!r} holds no vectors.")
    if not np.all(np.isfinite(vectors.vectors)):
        raise ValueError(f"word vectors file {path!r} holds NaN or infinite numbers.")
    if expected_dim is not None and vectors.vector_size != expected_dim:
        raise ValueError(
            f"word vectors in {path!r} have {vectors.vector_size} dimensions, "
            f"expected {expected_dim}."
        )
    return vectors


def _check_text_rows(path: str, has_header: bool, limit: int | None) -> None:
    expected_fields = None
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            fields = len(line.split())
            if number == 1 and has_header:
                header = line.split()
                if len(header) == 2 and all(part.isdigit() for part in header):
                    expected_fields = int(header[1]) + 1
                    continue
                raise ValueError(
                    f"word vectors file {path!r} does not start with a '<count> <dim>' header "
                    "line, so it is not word2vec text format; for GloVe files use format='glove'."
                )
            if fields == 0:
                continue
            if expected_fields is None:
                expected_fields = fields
            if fields != expected_fields:
                raise ValueError(
                    f"word vectors file {path!r} could not be read: line {number} has "
                    f"{fields - 1} numbers, expected {expected_fields - 1}."
                )
            if limit is not None and number - int(has_header) >= limit:
                break


def download_word_vectors(name: str):
    """Downloads pretrained vectors by gensim-data name (needs the internet).

    For example ``"glove-wiki-gigaword-50"`` or ``"word2vec-google-news-300"``
    (1.6 GB). Offline, download the file elsewhere and use `load_word_vectors`.

    Raises:
        ValueError: if the name is unknown or is a corpus, not vectors.
        ConnectionError: if gensim-data cannot be reached.
    """
    import gensim.downloader
    from gensim.models import KeyedVectors

    try:
        vectors = gensim.downloader.load(name)
    except ValueError as error:
        raise ValueError(f"gensim-data has no model named {name!r} ({error}).") from None
    except OSError as error:  # URLError, socket errors and timeouts are OSErrors
        raise ConnectionError(
            f"could not download {name!r} from gensim-data ({error}); without internet, "
            "fetch the vectors file elsewhere and pass its path to load_word_vectors()."
        ) from error
    if not isinstance(vectors, KeyedVectors):
        raise ValueError(f"gensim-data {name!r} is a {type(vectors).__name__}, not word vectors.")
    return vectors


def missing_words(word_vectors, vocabulary) -> list[str]:
    """The vocabulary words (other than ``""`` and ``[UNK]``) that have no vector."""
    return [w for w in _vocabulary_list(vocabulary) if w not in (PADDING_TOKEN, OOV_TOKEN)
            and w not in word_vectors.key_to_index]


def embedding_matrix(word_vectors, vocabulary, seed: int = 0, random_rows: bool = False) -> np.ndarray:
    """Initial weights of an `Embedding` indexed by token ids.

    The rule for each row ``i`` of ``vocabulary[i]``:

    - padding (id 0) and ``[UNK]`` (id 1): zeros. The vocabulary is built
      from the training captions, so no training caption holds ``[UNK]`` and
      its row never learns, even in a trainable embedding: a random row
      would send every caption with a word the model never saw where the
      LSTM never went in training, while zeros add nothing (keras-io's
      pretrained-embedding example gives zeros to words without a vector);
    - a word with a vector: that vector;
    - any other word: random normal numbers with the
      standard deviation of all the given vectors' entries, so they look like
      the others to the network. Each word's random vector is seeded by
      ``seed`` and the word itself, so it does not change when the vocabulary
      grows or is reordered.

    Args:
        word_vectors: gensim `KeyedVectors`.
        vocabulary: a `CaptionVectorizer` or its ``get_vocabulary()`` list
            (``["", "[UNK]", words...]``).
        seed: seed of the random rows.
        random_rows: give *every* word a random row (same scale, same seeds):
            the control that asks what word2vec's vectors bring. On template
            captions word2vec gives words that share every context, such as
            the petal counts, nearly one vector; random rows start them apart.

    Returns:
        float32 array ``(len(vocabulary), word_vectors.vector_size)``.
    """
    words = _vocabulary_list(vocabulary)
    vectors = np.asarray(word_vectors.vectors, dtype=np.float32)
    scale = float(vectors.std()) if vectors.size else 1.0
    matrix = np.zeros((len(words), word_vectors.vector_size), dtype=np.float32)
    for row, word in enumerate(words):
        if row == PADDING_ID or word == OOV_TOKEN:
            continue
        if word in word_vectors.key_to_index and not random_rows:
            matrix[row] = word_vectors[word]
        else:
            rng = np.random.default_rng([seed, stable_hash(word)])
            matrix[row] = rng.normal(0.0, scale, word_vectors.vector_size)
    return matrix


def zero_unknown_word(embedding) -> None:
    """Sets the ``[UNK]`` row of a built Keras `Embedding` to zeros, the rule of `embedding_matrix`.

    For embeddings that start from Keras's random initializer instead of a
    word-vector matrix: no training caption holds ``[UNK]``, so its random
    start would never be trained away.
    """
    weights = np.array(embedding.get_weights()[0])
    weights[OOV_ID] = 0.0
    embedding.set_weights([weights])


def build_embedding(matrix, trainable: bool = False, mask_zero: bool = True, name: str = "word_embedding"):
    """A Keras `Embedding` whose initial weights are ``matrix``.

    Args:
        matrix: ``(vocabulary_size, dim)`` array from `embedding_matrix`.
        trainable: `False` keeps the word vectors fixed (the paper's
            pretrained word2vec); `True` lets the model fine-tune them.
        mask_zero: make the padding id 0 a mask for the layers that follow
            (LSTM steps on padding are skipped).
        name: layer name.

    Returns:
        A built `keras.layers.Embedding`. Its weights are saved with the
        model's weights, not in its config.
    """
    import keras

    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim != 2 or 0 in matrix.shape:
        raise ValueError(f"matrix must have shape (vocabulary_size, dim), got {matrix.shape}.")
    return keras.layers.Embedding(
        matrix.shape[0], matrix.shape[1], mask_zero=mask_zero, weights=[matrix],
        trainable=trainable, name=name,
    )


def neighbour_precision(word_vectors, words: Iterable[str], topn: int = 5) -> float:
    """Fraction of the ``topn`` nearest neighbours of each word that are in ``words``.

    Words of ``words`` missing from the vectors are skipped. For colour words,
    for example, 1.0 means every colour's nearest neighbours are colours.
    """
    group = [w for w in words if w in word_vectors.key_to_index]
    if len(group) < 2:
        raise ValueError(f"need at least two of the words {list(words)} in the vectors, found {group}.")
    members = set(group)
    hits = [neighbour in members for word in group
            for neighbour, _ in word_vectors.most_similar(word, topn=topn)]
    return float(np.mean(hits))


def _vocabulary_list(vocabulary) -> list[str]:
    if hasattr(vocabulary, "get_vocabulary"):
        return list(vocabulary.get_vocabulary())
    if isinstance(vocabulary, (str, bytes)):
        raise ValueError("vocabulary must be a list of words or a CaptionVectorizer, got a string.")
    return [str(w) for w in vocabulary]
