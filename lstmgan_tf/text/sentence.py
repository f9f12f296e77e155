"""Sentence vectors: the stand-in for the paper's skip-thought vectors.

Ouyang et al. condition the discriminator on a skip-thought vector of the whole
caption (Kiros et al. 2015). Those pretrained models cannot be downloaded here,
so every encoder in this module follows one small interface, `SentenceEncoder`:

- ``fit(captions)`` learns from training captions and returns the encoder;
- ``encode(captions)`` returns a float32 array ``(N, dim)``;
- ``dim`` is the vector size.

Implementations:

- `Doc2VecEncoder`: gensim's Doc2Vec (paragraph vectors, Le & Mikolov 2014)
  trained on the captions.
- `SIFEncoder`: the "smooth inverse frequency" average of word vectors (Arora,
  Liang & Ma 2017): frequent words weigh less, and the common direction of all
  sentences is removed.
- `PrecomputedEncoder`: vectors computed elsewhere, one per caption (e.g. the
  char-CNN-RNN embeddings of StackGAN), read from ``.npy`` without unpickling.

Every encoder computes a caption's vector once and keeps it in a cache keyed by
the normalised caption (`normalize_caption`), so encoding the same captions
every epoch costs a dictionary look-up. For ``tf.data`` pipelines,
`SentenceEncoder.table` precomputes the vectors of a list of captions into a
TensorFlow look-up table.
"""

from __future__ import annotations

import abc
import os
import pickle
import warnings

import numpy as np

from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.text.tokens import as_caption_list, normalize_caption, tokenize
from lstmgan_tf.text.word_vectors import stable_hash


class SentenceEncoder(abc.ABC):
    """Turns captions into fixed-size vectors, each computed once and cached.

    Subclasses implement ``_fit(token_lists)``, ``_encode(token_lists)`` and
    the ``dim`` property. ``_encode`` returns ``(vectors, known)``: the vectors
    and, for each caption, whether any of its words was known to the encoder.
    """

    def __init__(self):
        self._cache: dict[str, np.ndarray] = {}
        self._fitted = False

    @property
    @abc.abstractmethod
    def dim(self) -> int:
        """Size of the sentence vectors."""

    @abc.abstractmethod
    def _fit(self, token_lists: list[list[str]]) -> None: ...

    @abc.abstractmethod
    def _encode(self, token_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]: ...

    def fit(self, captions) -> "SentenceEncoder":
        """Learns from training captions (a list, or a list of lists per image).

        Returns:
            The encoder itself. Clears the cache.
        """
        captions = as_caption_list(captions, nested=True)
        token_lists = [tokens for tokens in map(tokenize, captions) if tokens]
        if not token_lists:
            raise ValueError("captions hold no words; the encoder needs some captions to fit.")
        self._cache.clear()
        self._fit(token_lists)
        self._fitted = True
        return self

    def encode(self, captions) -> np.ndarray:
        """Sentence vectors of a list of captions.

        Captions that normalise to the same text (case, punctuation) get the same
        vector, computed once across all calls.

        Args:
            captions: list of strings.

        Returns:
            float32 array ``(len(captions), dim)``. A caption none of whose words
            the encoder knows gets a zero vector (with one warning per call).

        Raises:
            ValueError: for non-string input or a caption without words.
        """
        if not self._fitted:
            raise ValueError(f"{type(self).__name__} is not fitted yet; call fit(captions) first.")
        captions = as_caption_list(captions)
        keys = []
        for index, caption in enumerate(captions):
            key = normalize_caption(caption)
            if not key:
                raise ValueError(
                    f"captions[{index}] = {caption!r} has no words after lower-casing "
                    "and removing punctuation."
                )
            keys.append(key)
        new_keys = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if new_keys:
            vectors, known = self._encode([key.split(" ") for key in new_keys])
            vectors = np.asarray(vectors, dtype=np.float32)
            vectors[~known] = 0.0
            if not known.all():
                unknown = [k for k, ok in zip(new_keys, known) if not ok]
                warnings.warn(
                    f"{len(unknown)} captions have no word the {type(self).__name__} knows "
                    f"(e.g. {unknown[0]!r}); their sentence vectors are zeros.",
                    stacklevel=2,
                )
            self._cache.update(zip(new_keys, vectors))
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[key] for key in keys])

    @property
    def cache_size(self) -> int:
        """How many distinct captions have a cached vector."""
        return len(self._cache)

    def table(self, captions) -> "SentenceVectorTable":
        """Precomputes the vectors of ``captions`` into a TensorFlow look-up table."""
        return SentenceVectorTable(self, captions)


class SentenceVectorTable:
    """Sentence vectors of a fixed set of captions, looked up inside TensorFlow.

    Built once from an encoder and all captions of a dataset; calling it on a
    `tf.string` caption tensor (e.g. in ``dataset.map``) normalises the caption
    in TensorFlow exactly as `normalize_caption` does and gathers its vector, so
    nothing is recomputed per epoch.

    Args:
        encoder: a fitted `SentenceEncoder`.
        captions: every caption that will be looked up (list, or list of lists
            per image).

    Call arguments:
        captions: `tf.string` tensor of shape ``()`` or ``(batch,)``.

    Returns:
        float32 tensor ``(dim,)`` or ``(batch, dim)``. Looking up a caption that
        was not in the table raises ``InvalidArgumentError``.
    """

    def __init__(self, encoder: SentenceEncoder, captions):
        import tensorflow as tf

        captions = as_caption_list(captions, nested=True)
        keys = list(dict.fromkeys(normalize_caption(c) for c in captions))
        if not keys or "" in keys:
            raise ValueError("the table needs a non-empty list of captions that all have words.")
        self.dim = encoder.dim
        self.vectors = tf.constant(encoder.encode(keys))
        self._table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(keys), tf.range(len(keys), dtype=tf.int64)
            ),
            default_value=-1,
        )

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def __call__(self, captions):
        import tensorflow as tf

        from lstmgan_tf.text.vocabulary import standardize_caption

        words = tf.strings.split(standardize_caption(captions))
        keys = tf.strings.reduce_join(words, axis=-1, separator=" ")
        rows = self._table.lookup(keys)
        with tf.control_dependencies(
            [tf.debugging.assert_non_negative(rows, message="caption not in the SentenceVectorTable")]
        ):
            return tf.gather(self.vectors, rows)


class Doc2VecEncoder(SentenceEncoder):
    """Paragraph vectors (gensim `Doc2Vec`) trained on the captions.

    Training gives each distinct caption a vector; every caption, seen or new,
    is then encoded the same way, by gensim's inference (a few gradient steps
    on a fresh vector with the word weights frozen). Inference is made
    deterministic: the start vector and the random draws of each caption are
    seeded by ``seed`` and the caption's text (not by Python's salted ``hash``,
    as gensim's own ``infer_vector`` does), so a caption's vector does not
    depend on the process, on the order of encoding or on the batch.

    Args:
        vector_size: size of the vectors (default: profile's ``sentence_vector_dim``).
        epochs: training passes (default: profile's ``word2vec_epochs``).
        infer_epochs: inference steps per caption (default: ``epochs``); more
            steps, more stable vectors.
        dm: 1 for the "distributed memory" model, 0 for "distributed bag of
            words" (DBOW, usually better on short texts).
        window: context words on each side.
        min_count: words seen fewer times are ignored.
        sample: gensim's down-sampling of frequent words; off by default,
            because in a small caption vocabulary every word is frequent and
            the usual 1e-3 leaves too few words to train each caption's vector.
        seed: random seed of training and inference.
        profile: profile name or `Profile` for the defaults.
    """

    def __init__(self, vector_size=None, epochs=None, infer_epochs=None, dm=0, window=5,
                 min_count=1, sample=0.0, seed=0, profile=None):
        super().__init__()
        from lstmgan_tf import config

        profile = config.get_profile(profile)
        self.vector_size = profile.sentence_vector_dim if vector_size is None else vector_size
        self.epochs = profile.word2vec_epochs if epochs is None else epochs
        self.infer_epochs = self.epochs if infer_epochs is None else infer_epochs
        sizes = {"vector_size": self.vector_size, "epochs": self.epochs,
                 "infer_epochs": self.infer_epochs, "window": window, "min_count": min_count}
        for name, value in sizes.items():
            check_positive_int(name, value)
        if dm not in (0, 1):
            raise ValueError(f"dm={dm!r} must be 0 (DBOW) or 1 (distributed memory).")
        self.dm, self.window, self.min_count, self.sample, self.seed = dm, window, min_count, sample, seed
        self.model = None

    @property
    def dim(self) -> int:
        return self.vector_size

    def _fit(self, token_lists):
        from gensim.models.doc2vec import Doc2Vec, TaggedDocument

        distinct = list(dict.fromkeys(" ".join(tokens) for tokens in token_lists))
        documents = [TaggedDocument(key.split(" "), [i]) for i, key in enumerate(distinct)]
        self.model = Doc2Vec(
            documents, vector_size=self.vector_size, epochs=self.epochs, dm=self.dm,
            dbow_words=1, window=self.window, min_count=self.min_count, sample=self.sample, seed=self.seed,
            workers=1, hashfxn=stable_hash,
        )

    def _encode(self, token_lists):
        vectors = np.stack([self._infer(tokens) for tokens in token_lists])
        known = np.array([any(w in self.model.wv.key_to_index for w in t) for t in token_lists])
        return vectors, known

    def _infer(self, words: list[str]) -> np.ndarray:
        # gensim's Doc2Vec.infer_vector, with the two random sources seeded by
        # the caption: its start vector (gensim: Python's salted hash) and
        # model.random (gensim: shared state, so results depend on call order).
        from gensim.models.doc2vec_inner import train_document_dbow, train_document_dm

        model = self.model
        caption_seed = [self.seed, stable_hash(" ".join(words))]
        model.random = np.random.RandomState(np.random.SeedSequence(caption_seed).generate_state(1))
        start = np.random.default_rng(caption_seed).random(model.dv.vector_size, dtype=np.float32)
        doctag_vectors = ((start - 0.5) / model.dv.vector_size).reshape(1, -1)
        doctags_lockf = np.ones(1, dtype=np.float32)
        work = np.zeros(model.layer1_size, dtype=np.float32)
        neu1 = np.zeros(model.layer1_size, dtype=np.float32)
        alpha, epochs = model.alpha, self.infer_epochs
        alpha_delta = (model.alpha - model.min_alpha) / max(epochs - 1, 1)
        for _ in range(epochs):
            if model.dm:
                train_document_dm(model, words, [0], alpha, work, neu1, learn_words=False,
                                  learn_hidden=False, doctag_vectors=doctag_vectors,
                                  doctags_lockf=doctags_lockf)
            else:
                train_document_dbow(model, words, [0], alpha, work, learn_words=False,
                                    learn_hidden=False, doctag_vectors=doctag_vectors,
                                    doctags_lockf=doctags_lockf)
            alpha -= alpha_delta
        return doctag_vectors[0].copy()


class SIFEncoder(SentenceEncoder):
    """Smooth-inverse-frequency average of word vectors (Arora et al. 2017).

    A caption's vector is the average of its words' vectors, each weighted by
    ``a / (a + p(w))`` where ``p(w)`` is the word's frequency in the fitted
    captions (words never seen there weigh 1); then the projection on the first
    principal component of the training captions' vectors (the direction all
    sentences share, mostly common words) is removed. Words without a vector
    are skipped.

    Args:
        word_vectors: gensim `KeyedVectors` (e.g. from `train_word2vec`).
        a: the smoothing constant; Arora et al. find 1e-4 to 1e-3 works well.
        remove_principal_component: set `False` for the plain weighted average.
    """

    def __init__(self, word_vectors, a: float = 1e-3, remove_principal_component: bool = True):
        super().__init__()
        if not hasattr(word_vectors, "key_to_index"):
            raise ValueError(
                f"word_vectors must be gensim KeyedVectors, got {type(word_vectors).__name__}."
            )
        if not a > 0:
            raise ValueError(f"a={a!r} must be positive.")
        self.word_vectors = word_vectors
        self.a = float(a)
        self.remove_principal_component = remove_principal_component
        self.word_weights: dict[str, float] = {}
        self.principal_component = np.zeros(word_vectors.vector_size, dtype=np.float32)

    @property
    def dim(self) -> int:
        return self.word_vectors.vector_size

    def _fit(self, token_lists):
        counts: dict[str, int] = {}
        for tokens in token_lists:
            for word in tokens:
                counts[word] = counts.get(word, 0) + 1
        total = sum(counts.values())
        self.word_weights = {w: self.a / (self.a + c / total) for w, c in counts.items()}
        self.principal_component = np.zeros(self.dim, dtype=np.float32)
        if self.remove_principal_component:
            distinct = [key.split(" ") for key in dict.fromkeys(" ".join(t) for t in token_lists)]
            averages, known = self._weighted_averages(distinct)
            # First right singular vector of the (uncentred) matrix, as in Arora
            # et al.'s code (TruncatedSVD with one component).
            _, _, right = np.linalg.svd(averages[known], full_matrices=False)
            self.principal_component = right[0].astype(np.float32)

    def _weighted_averages(self, token_lists):
        vectors = np.zeros((len(token_lists), self.dim), dtype=np.float32)
        known = np.zeros(len(token_lists), dtype=bool)
        for row, tokens in enumerate(token_lists):
            words = [w for w in tokens if w in self.word_vectors.key_to_index]
            if not words:
                continue
            weights = np.array([self.word_weights.get(w, 1.0) for w in words], dtype=np.float32)
            vectors[row] = weights @ self.word_vectors[words] / len(words)
            known[row] = True
        return vectors, known

    def _encode(self, token_lists):
        vectors, known = self._weighted_averages(token_lists)
        u = self.principal_component
        return vectors - np.outer(vectors @ u, u), known


class PrecomputedEncoder(SentenceEncoder):
    """Sentence vectors computed elsewhere, one per caption, looked up by caption.

    Args:
        vectors: float array ``(num_captions, dim)``, or ``(num_images,
            captions_per_image, dim)`` as StackGAN stores its char-CNN-RNN
            embeddings.
        captions: the captions, in the same order: a list, or a list of lists
            per image. Captions that normalise to the same text get the mean of
            their vectors.

    `fit` does nothing but is accepted, so the encoder is interchangeable with
    the others. Encoding a caption that has no precomputed vector raises
    `ValueError`.
    """

    def __init__(self, vectors, captions):
        super().__init__()
        vectors = np.asarray(vectors)
        if vectors.dtype.kind not in "fiu":
            raise ValueError(f"precomputed vectors must be numbers, got dtype {vectors.dtype}.")
        captions = as_caption_list(captions, nested=True)
        if vectors.ndim == 3:
            vectors = vectors.reshape(-1, vectors.shape[-1])
        if vectors.ndim != 2:
            raise ValueError(
                f"precomputed vectors must have shape (captions, dim) or (images, "
                f"captions_per_image, dim), got {vectors.shape}."
            )
        if len(vectors) != len(captions):
            raise ValueError(f"got {len(vectors)} precomputed vectors for {len(captions)} captions.")
        if not np.all(np.isfinite(vectors)):
            raise ValueError("precomputed vectors hold NaN or infinite numbers.")
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = {}
        for index, (caption, vector) in enumerate(zip(captions, vectors.astype(np.float64))):
            key = normalize_caption(caption)
            if not key:
                raise ValueError(f"captions[{index}] = {caption!r} has no words.")
            sums[key] = sums.get(key, 0.0) + vector
            counts[key] = counts.get(key, 0) + 1
        self._vectors = {k: (sums[k] / counts[k]).astype(np.float32) for k in sums}
        self._dim = vectors.shape[1]
        self._fitted = True

    @classmethod
    def from_npy(cls, path, captions, allow_pickle: bool = False, expected_dim: int | None = None):
        """Reads the vectors from a ``.npy`` file (never unpickling by default).

        Args:
            path: the ``.npy`` file.
            captions: the captions the rows belong to (see the class).
            allow_pickle: set `True` only for a file you trust: NumPy object
                arrays are pickles, and unpickling a file can run any code in it.
            expected_dim: if given, the vectors must have this size.

        Raises:
            FileNotFoundError: if the file does not exist.
            ValueError: if the file is not a numeric ``.npy`` array (a pickle
                needs ``allow_pickle=True``), or the size is wrong.
        """
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"sentence vectors file {path!r} does not exist.")
        if allow_pickle:
            warnings.warn(
                f"loading {path!r} with allow_pickle=True: unpickling can run arbitrary "
                "code, so do it only for files you trust.",
                stacklevel=2,
            )
        with open(path, "rb") as handle:
            magic = handle.read(6)
        if magic != b"\x93NUMPY":
            kind = "an .npz archive" if magic.startswith(b"PK") else "not a .npy array"
            raise ValueError(
                f"sentence vectors file {path!r} is {kind}; expected one array saved with numpy.save."
            )
        try:
            vectors = np.load(path, allow_pickle=allow_pickle)
        except ValueError as error:
            if "allow_pickle" in str(error):
                raise ValueError(
                    f"sentence vectors file {path!r} holds pickled Python objects, not a "
                    "numeric array; pass allow_pickle=True only if you trust the file."
                ) from None
            raise ValueError(f"sentence vectors file {path!r} is not a .npy array ({error}).") from None
        except (OSError, EOFError, pickle.UnpicklingError) as error:
            raise ValueError(f"sentence vectors file {path!r} is not a .npy array ({error}).") from None
        if vectors.dtype == object:
            vectors = np.asarray(vectors.tolist(), dtype=np.float32)
        encoder = cls(vectors, captions)
        if expected_dim is not None and encoder.dim != expected_dim:
            raise ValueError(
                f"sentence vectors in {path!r} have {encoder.dim} dimensions, expected {expected_dim}."
            )
        return encoder

    @property
    def dim(self) -> int:
        return self._dim

    def fit(self, captions=None) -> "PrecomputedEncoder":
        """Does nothing (the vectors are fixed); returns the encoder."""
        return self

    def _fit(self, token_lists):
        pass

    def _encode(self, token_lists):
        rows = []
        for tokens in token_lists:
            key = " ".join(tokens)
            if key not in self._vectors:
                raise ValueError(f"caption {key!r} has no precomputed sentence vector.")
            rows.append(self._vectors[key])
        return np.stack(rows), np.ones(len(rows), dtype=bool)


def caption_pair_similarities(vectors, image_index, pairs: int = 2000, seed: int = 0):
    """Cosine similarities of random caption pairs of the same and of different images.

    Args:
        vectors: ``(N, dim)`` sentence vectors of N captions.
        image_index: ``(N,)`` image of each caption (from `flatten_captions`).
        pairs: how many pairs of each kind to draw.
        seed: random seed of the draw.

    Returns:
        ``(same, different)``: two float arrays of ``pairs`` cosine similarities.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    image_index = np.asarray(image_index)
    if len(vectors) != len(image_index):
        raise ValueError(f"got {len(vectors)} vectors but {len(image_index)} image indices.")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, 1e-12)
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(image_index == i) for i in np.unique(image_index)]
    groups = [g for g in groups if len(g) >= 2]
    if not groups or len(np.unique(image_index)) < 2:
        raise ValueError("need at least two images, one of them with two or more captions.")
    same = np.empty(pairs)
    for k in range(pairs):
        first, second = rng.choice(groups[rng.integers(len(groups))], size=2, replace=False)
        same[k] = unit[first] @ unit[second]
    different = np.empty(pairs)
    k = 0
    while k < pairs:
        first, second = rng.integers(len(vectors), size=2)
        if image_index[first] != image_index[second]:
            different[k] = unit[first] @ unit[second]
            k += 1
    return same, different


def retrieval_accuracy(query_vectors, gallery_vectors, ks=(1, 5)) -> dict[int, float]:
    """How often query i finds gallery row i among its k most similar rows (cosine).

    For caption -> image retrieval, row i of ``query_vectors`` is a caption of
    image i and row i of ``gallery_vectors`` stands for image i: its image
    embedding (`GroundedEncoder.encode_images`) or, for an encoder without an
    image side, the mean vector of the image's *other* captions.

    Args:
        query_vectors: ``(N, dim)``.
        gallery_vectors: ``(N, dim)``.
        ks: the k of each top-k accuracy.

    Returns:
        ``{k: accuracy}``; chance is ``k / N``.

    Example:

    >>> retrieval_accuracy(np.eye(3), np.eye(3) + 0.1, ks=(1,))
    {1: 1.0}
    """
    query = np.asarray(query_vectors, dtype=np.float64)
    gallery = np.asarray(gallery_vectors, dtype=np.float64)
    if query.ndim != 2 or query.shape != gallery.shape:
        raise ValueError(
            f"query_vectors {query.shape} and gallery_vectors {gallery.shape} must both be (N, dim), "
            "one gallery row per query."
        )
    query /= np.maximum(np.linalg.norm(query, axis=1, keepdims=True), 1e-12)
    gallery /= np.maximum(np.linalg.norm(gallery, axis=1, keepdims=True), 1e-12)
    similarity = query @ gallery.T
    # Rank of the right row: how many rows score strictly higher.
    rank = (similarity > np.diag(similarity)[:, None]).sum(axis=1)
    return {int(k): float(np.mean(rank < k)) for k in ks}


def nearest_class_mean_accuracy(train_vectors, train_labels, test_vectors, test_labels) -> float:
    """How well vectors separate one attribute: nearest class mean, on held-out rows.

    Each class is stood for by the mean of its training vectors; a test vector
    gets the class whose mean is closest (Euclidean). Rows whose label is
    `None` (a caption that does not name the attribute) are skipped. A
    diagnostic only: it reads the labels, so nothing trained may use it.

    Args:
        train_vectors: ``(N, dim)``.
        train_labels: N class labels (any hashable, or `None`).
        test_vectors: ``(M, dim)``.
        test_labels: M class labels (or `None`).

    Returns:
        The share of labelled test rows given their own class; chance is about
        one over the number of classes.

    Example:

    >>> vectors = np.array([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0], [0.9, 0.1]])
    >>> nearest_class_mean_accuracy(vectors, ["a", "a", "b", "b"], vectors[::-1], ["b", "b", "a", None])
    1.0
    """
    train_vectors = np.asarray(train_vectors, dtype=np.float64)
    test_vectors = np.asarray(test_vectors, dtype=np.float64)
    if train_vectors.ndim != 2 or test_vectors.ndim != 2 or train_vectors.shape[1] != test_vectors.shape[1]:
        raise ValueError(
            f"train_vectors {train_vectors.shape} and test_vectors {test_vectors.shape} must both be "
            "(rows, dim) with the same dim."
        )
    if len(train_labels) != len(train_vectors) or len(test_labels) != len(test_vectors):
        raise ValueError("give one label (or None) per row of train_vectors and of test_vectors.")
    classes = sorted({label for label in train_labels if label is not None}, key=str)
    test_rows = [i for i, label in enumerate(test_labels) if label is not None]
    if not classes or not test_rows:
        raise ValueError("nearest_class_mean_accuracy needs labelled rows in both sets.")
    train_labels = np.asarray(train_labels, dtype=object)
    means = np.stack([train_vectors[train_labels == label].mean(axis=0) for label in classes])
    distances = ((test_vectors[test_rows, None, :] - means[None]) ** 2).sum(axis=-1)
    predicted = [classes[i] for i in distances.argmin(axis=1)]
    return float(np.mean([p == test_labels[i] for p, i in zip(predicted, test_rows)]))
