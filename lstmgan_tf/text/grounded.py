"""A visually grounded sentence encoder: captions embedded where their images are.

Word2vec, SIF and Doc2Vec learn a word from the words around it. On captions
written from templates ("this flower has five {colour} petals ...") every
colour word has the same neighbours, so those vectors barely tell colours
apart, and neither can a GAN conditioned on them. Reed et al. 2016 condition
GAN-CLS on a *joint image-text embedding* ("Learning Deep Representations of
Fine-Grained Visual Descriptions", Reed et al. CVPR 2016), and AttnGAN
(Xu et al. 2018) on its DAMSM encoder: a text encoder and an image encoder
trained together so that a caption lands near the image it describes. That is
the honest offline stand-in for the paper's pretrained skip-thought vectors.

`GroundedEncoder` is that idea, small enough for a CPU class:

- text side: word embedding (started from word2vec when given) -> a
  bidirectional GRU -> a linear map to ``dim`` numbers;
- image side: stride-2 convolutions down to 4x4 -> flatten -> ``dim``
  (flattening keeps *where* a colour is: petals or centre), trained on
  images turned and mirrored at random (``augment_dihedral``);
- both L2-normalised and trained with the symmetric in-batch contrastive loss
  of CLIP (Radford et al. 2021): in a batch of B (image, caption) pairs each
  image must pick its own caption among the B, and each caption its image.

It learns from images and captions only, never from attribute labels, so it
works unchanged on Oxford-102, CUB or a folder of captioned images. It is a
`lstmgan_tf.text.SentenceEncoder` (``encode(captions) -> (N, dim)``), and its
image side (`encode_images`) scores how well an image matches a caption.

Example:

>>> rng = np.random.default_rng(0)
>>> images = rng.integers(0, 255, (8, 32, 32, 3), dtype=np.uint8)
>>> captions = [["a red flower"], ["a blue flower"]] * 4
>>> encoder = GroundedEncoder(dim=8, epochs=1, verbose=0).fit(captions, images=images)
>>> encoder.encode(["a red flower"]).shape, encoder.encode_images(images[:2]).shape
((1, 8), (2, 8))
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os

import numpy as np

from lstmgan_tf import files
from lstmgan_tf.text.sentence import SentenceEncoder
from lstmgan_tf.text.tokens import as_caption_list, normalize_caption

# Part of the cache key: bump it when the networks change (4: zeros for [UNK]).
ARCHITECTURE_VERSION = 4
_SETTINGS_FILE = "grounded_encoder.json"
_WEIGHTS_FILES = {"text_encoder": "text_encoder.weights.h5", "image_encoder": "image_encoder.weights.h5"}


@dataclasses.dataclass(frozen=True)
class GroundedEncoderSettings:
    """Everything that shapes a `GroundedEncoder`'s networks and training.

    Args:
        dim: size of the joint embedding (the sentence vector).
        word_vector_dim: size of the text side's word embedding.
        image_width: filters of the image side's first convolution (then 2x,
            4x, ...).
        image_depth: convolutions of the image side at each resolution: 1 is
            one stride-2 convolution; each more adds a 3x3 stride-1
            convolution before it (VGG-style). One per resolution sees the
            colours but hardly the petal count.
        epochs: passes over the images (one caption drawn per image and pass).
        batch_size: pairs per contrastive batch (the in-batch negatives).
        temperature: softmax temperature of the contrastive loss (CLIP learns
            it and ends near 0.01-0.1; fixed is steadier on a small set).
        learning_rate: Adam's learning rate.
        augment_dihedral: the chance that each training image is turned by a
            multiple of 90 degrees and maybe mirrored
            (`lstmgan_tf.layers.augmentation.rotate_and_flip_randomly`), so
            that the image side learns what a picture keeps when turned (a
            flower's petal count) rather than the few thousand training
            pictures by heart: on the 2048 classroom flowers it lifts how often
            a test image picks its own caption among the caption rewritten with
            every petal count from 38% to 51%, and with every centre colour
            from 84% to 95% (issue 11). A caption stays true of a turned
            picture unless it says "left" or "right", so this is the default
            (1.0) on every dataset; 0 trains on the images as they are. The
            encoder is never a generator, so nothing turned can leak into
            generated images.
        hard_negatives: one-word-swapped captions per image added as
            negatives on the image side of the loss (NegCLIP, Yuksekgonul et
            al. 2023): each image must pick its own caption over that caption
            with one word replaced by a close word2vec neighbour
            (`lstmgan_tf.text.word_swaps`; "five" -> "six", "red" -> "pink").
            In-batch negatives almost always differ in several words, so
            the loss is met by the easiest attribute (the colour) and an
            attribute that only a near-miss tells apart (the petal count)
            is learnt last. 0 (the default) is plain CLIP; needs
            ``word_vectors`` otherwise.
        seed: seed of the weights and of the caption draws.
    """

    dim: int = 64
    word_vector_dim: int = 64
    image_width: int = 32
    image_depth: int = 1
    epochs: int = 30
    batch_size: int = 64
    temperature: float = 0.1
    learning_rate: float = 2e-3
    augment_dihedral: float = 1.0
    hard_negatives: int = 0
    seed: int = 0

    def __post_init__(self):
        counts = {name: 1 for name in ("dim", "word_vector_dim", "image_width", "image_depth", "epochs", "batch_size")}
        for name, least in {**counts, "hard_negatives": 0}.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                kind = "a positive" if least else "a non-negative"
                raise ValueError(f"GroundedEncoder {name} must be {kind} integer, got {value!r}.")
        if self.batch_size < 2:
            raise ValueError(f"batch_size={self.batch_size} must be at least 2: the loss needs negatives.")
        if not self.temperature > 0 or not self.learning_rate > 0:
            raise ValueError(
                f"temperature={self.temperature!r} and learning_rate={self.learning_rate!r} must be positive."
            )
        from lstmgan_tf.layers.augmentation import check_probability

        check_probability("augment_dihedral", self.augment_dihedral)


def build_text_encoder(vocabulary_size: int, word_vector_dim: int, dim: int, name="text_encoder"):
    """Token ids ``(B, T)`` -> unit-length caption embeddings ``(B, dim)``."""
    import keras

    tokens = keras.Input((None,), dtype="int32", name="caption_tokens")
    words = keras.layers.Embedding(vocabulary_size, word_vector_dim, mask_zero=True, name="word_embedding")(tokens)
    summary = keras.layers.Bidirectional(keras.layers.GRU(dim), merge_mode="concat", name="bigru")(words)
    embedded = keras.layers.Dense(dim, name="to_joint")(summary)
    return keras.Model(tokens, keras.layers.UnitNormalization(name="unit")(embedded), name=name)


def build_image_encoder(image_size: int, dim: int, width: int = 32, depth: int = 1, name="image_encoder"):
    """Images ``(B, H, W, 3)`` in [-1, 1] -> unit-length embeddings ``(B, dim)``.

    Stride-2 convolutions halve the image down to 4x4 (three at 32 pixels,
    four at 64), as in DCGAN's discriminator, and the 4x4 map is flattened
    into the embedding. A global average instead would forget where each
    colour is, and on these flowers the centre's colour is the petals' colour
    moved inwards, so the average left centre colour and petal count poorly
    encoded in the sentence vectors. ReLU rather than leaky ReLU:
    TensorFlow's CPU graph optimiser fails to fuse the latter's gradient here
    and prints an error.
    """
    import keras

    images = keras.Input((image_size, image_size, 3), name="image")
    x = images
    for level in range(int(np.log2(image_size // 4))):
        for extra in range(1, depth):
            x = keras.layers.Conv2D(width * 2**level, 3, padding="same", name=f"conv_{level}_{extra}")(x)
            x = keras.layers.ReLU(name=f"relu_{level}_{extra}")(x)
        x = keras.layers.Conv2D(width * 2**level, 3, strides=2, padding="same", name=f"conv_{level}")(x)
        x = keras.layers.ReLU(name=f"relu_{level}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    embedded = keras.layers.Dense(dim, name="to_joint")(x)
    return keras.Model(images, keras.layers.UnitNormalization(name="unit")(embedded), name=name)


def contrastive_loss(image_embeddings, text_embeddings, temperature: float,
                     hard_negative_embeddings=None, hard_negative_mask=None):
    """CLIP's symmetric in-batch loss: each image picks its caption and each caption its image.

    Args:
        image_embeddings: ``(B, D)`` unit vectors.
        text_embeddings: ``(B, D)`` unit vectors; row i describes image i.
        temperature: softmax temperature.
        hard_negative_embeddings: optional ``(B, K, D)`` unit vectors of
            captions that do *not* describe image i (its own caption with a
            word swapped): more candidates for image i to reject, on the
            image-to-caption side only.
        hard_negative_mask: optional ``(B, K)``, 1 where that negative exists.

    Returns:
        ``(B,)`` per-pair losses (the mean of the two directions).
    """
    import tensorflow as tf

    logits = tf.matmul(image_embeddings, text_embeddings, transpose_b=True) / temperature
    labels = tf.range(tf.shape(logits)[0])
    image_logits = logits
    if hard_negative_embeddings is not None:
        hard_logits = tf.einsum("bd,bkd->bk", image_embeddings, hard_negative_embeddings) / temperature
        if hard_negative_mask is not None:
            # A missing negative gets a logit of -1e9: a softmax weight of 0.
            hard_logits += (tf.cast(hard_negative_mask, hard_logits.dtype) - 1.0) * 1e9
        image_logits = tf.concat([logits, hard_logits], axis=1)
    image_to_text = tf.keras.losses.sparse_categorical_crossentropy(labels, image_logits, from_logits=True)
    text_to_image = tf.keras.losses.sparse_categorical_crossentropy(labels, tf.transpose(logits), from_logits=True)
    return 0.5 * (image_to_text + text_to_image)


class GroundedEncoder(SentenceEncoder):
    """Sentence vectors from a text encoder trained to find each caption's image.

    Args:
        dim: size of the sentence vectors (default 64).
        word_vectors: optional gensim `KeyedVectors` (e.g. word2vec) the word
            embedding starts from; their size then sets ``word_vector_dim``.
        vectorizer: optional fitted `CaptionVectorizer` whose vocabulary the
            text side uses (so that its word embedding rows line up with a
            model's); without it one is fitted on the captions.
        verbose: 1 shows a progress bar while fitting, 0 is silent.
        **settings: any field of `GroundedEncoderSettings` (``epochs``,
            ``temperature``, ``seed``, ...).
    """

    def __init__(self, dim: int = 64, word_vectors=None, vectorizer=None, verbose: int = 1, **settings):
        super().__init__()
        if word_vectors is not None:
            if not hasattr(word_vectors, "key_to_index"):
                raise ValueError(f"word_vectors must be gensim KeyedVectors, got {type(word_vectors).__name__}.")
            settings.setdefault("word_vector_dim", word_vectors.vector_size)
        unknown = sorted(set(settings) - {f.name for f in dataclasses.fields(GroundedEncoderSettings)})
        if unknown:
            raise ValueError(f"unknown GroundedEncoder setting(s): {', '.join(unknown)}.")
        self.settings = GroundedEncoderSettings(dim=dim, **settings)
        self.word_vectors = word_vectors
        self.vectorizer = vectorizer
        self.verbose = verbose
        self.text_encoder = None
        self.image_encoder = None
        self.history: list[float] = []

    @property
    def dim(self) -> int:
        return self.settings.dim

    # ------------------------------------------------------------------ fit

    def fit(self, captions, images=None) -> "GroundedEncoder":
        """Trains both sides on (image, caption) pairs.

        Args:
            captions: a list per image of its captions (or one caption per image).
            images: uint8 ``(N, H, W, 3)`` (or float in [-1, 1]), one per entry
                of ``captions``.

        Returns:
            The encoder itself.
        """
        if images is None:
            raise ValueError(
                "GroundedEncoder learns from images and captions together: pass images=, one per "
                "entry of captions."
            )
        captions_per_image = [as_caption_list(group) if not isinstance(group, str) else [group]
                              for group in captions]
        images = _as_model_images(images)
        if len(images) != len(captions_per_image):
            raise ValueError(
                f"images has {len(images)} entries but captions has {len(captions_per_image)}; "
                "give one list of captions per image."
            )
        usable = [i for i, group in enumerate(captions_per_image) if any(map(normalize_caption, group))]
        if len(usable) < 2:
            raise ValueError("GroundedEncoder needs at least two images with a caption to contrast.")
        if self.settings.hard_negatives and self.word_vectors is None:
            raise ValueError(
                f"hard_negatives={self.settings.hard_negatives} swaps words for their word2vec neighbours: "
                "pass word_vectors= (gensim KeyedVectors), or set hard_negatives=0."
            )
        self._cache.clear()
        self._build(captions_per_image, images.shape[1])
        self._train(images[usable], [captions_per_image[i] for i in usable])
        self._fitted = True
        return self

    def _fit(self, token_lists):  # `fit` is overridden: it needs the images too.
        raise NotImplementedError

    def _build(self, captions_per_image, image_size: int) -> None:
        import keras

        from lstmgan_tf.text.vocabulary import CaptionVectorizer
        from lstmgan_tf.text.word_vectors import embedding_matrix, zero_unknown_word

        if self.vectorizer is None:
            longest = max(len(normalize_caption(c).split()) for group in captions_per_image for c in group)
            self.vectorizer = CaptionVectorizer(max_length=max(1, longest)).fit(captions_per_image)
        # Seeds Keras (and NumPy, Python): the encoder's weights depend on its seed alone.
        keras.utils.set_random_seed(self.settings.seed)
        settings = self.settings
        self.text_encoder = build_text_encoder(
            self.vectorizer.vocabulary_size(), settings.word_vector_dim, settings.dim
        )
        self.image_encoder = build_image_encoder(image_size, settings.dim, settings.image_width, settings.image_depth)
        embedding = self.text_encoder.get_layer("word_embedding")
        if self.word_vectors is not None:
            embedding.set_weights([embedding_matrix(self.word_vectors, self.vectorizer, seed=settings.seed)])
        else:
            zero_unknown_word(embedding)

    def _train(self, images, captions_per_image) -> None:
        import keras
        import tensorflow as tf

        from lstmgan_tf.layers.augmentation import rotate_and_flip_randomly

        settings = self.settings
        rng = np.random.default_rng(settings.seed)
        # Every caption of every image, encoded once; a pass draws one per image.
        flat = [c for group in captions_per_image for c in group if normalize_caption(c)]
        owner = np.concatenate([[i] * sum(1 for c in group if normalize_caption(c))
                                for i, group in enumerate(captions_per_image)]).astype(np.int64)
        tokens, _ = self.vectorizer.encode(flat)
        first = np.searchsorted(owner, np.arange(len(images)))
        count = np.bincount(owner, minlength=len(images))
        batch_size = min(settings.batch_size, len(images))
        steps = len(images) // batch_size
        optimizer = keras.optimizers.Adam(settings.learning_rate)
        variables = [*self.text_encoder.trainable_variables, *self.image_encoder.trainable_variables]
        optimizer.build(variables)
        augmentation_seed = keras.random.SeedGenerator(settings.seed)
        hard = settings.hard_negatives
        if hard:
            swap_tokens, swap_first, swap_count = self._one_word_swaps(flat)
            hard = hard if len(swap_tokens) else 0

        @tf.function(reduce_retracing=True)
        def step(batch_images, batch_tokens, negative_tokens=None, negative_mask=None):
            # Probability 0 returns the images as they are.
            batch_images = rotate_and_flip_randomly(batch_images, settings.augment_dihedral, augmentation_seed)
            with tf.GradientTape() as tape:
                negatives = None
                if negative_tokens is not None:
                    negatives = tf.reshape(self.text_encoder(negative_tokens, training=True),
                                           (tf.shape(batch_tokens)[0], hard, settings.dim))
                loss = tf.reduce_mean(contrastive_loss(
                    self.image_encoder(batch_images, training=True),
                    self.text_encoder(batch_tokens, training=True), settings.temperature,
                    negatives, negative_mask,
                ))
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            return loss

        progress = keras.utils.Progbar(settings.epochs * steps, verbose=self.verbose,
                                       stateful_metrics=["loss"], unit_name="step")
        images_tensor = tf.constant(images)
        self.history = []
        for _ in range(settings.epochs):
            order = rng.permutation(len(images))
            choice = first + np.floor(rng.uniform(size=len(images)) * count).astype(np.int64)
            losses = []
            for start in range(0, steps * batch_size, batch_size):
                rows = order[start:start + batch_size]
                negatives = ()
                if hard:
                    # Up to `hard` swaps of each chosen caption, drawn with replacement.
                    captions = np.repeat(choice[rows], hard)
                    drawn = swap_first[captions] + np.floor(
                        rng.uniform(size=len(captions)) * swap_count[captions]).astype(np.int64)
                    mask = (swap_count[captions] > 0).reshape(len(rows), hard).astype(np.float32)
                    # A caption without swaps draws any row (clamped into range); the mask drops it.
                    negatives = (tf.constant(swap_tokens[np.minimum(drawn, len(swap_tokens) - 1)]),
                                 tf.constant(mask))
                loss = step(tf.gather(images_tensor, rows), tf.constant(tokens[choice[rows]]), *negatives)
                losses.append(float(loss))
                progress.add(1, values=[("loss", losses[-1])])
            self.history.append(float(np.mean(losses)))

    def _one_word_swaps(self, captions):
        """Token ids of every one-word swap of each caption, and where each caption's swaps start.

        Returns:
            ``(tokens, first, count)``: int ``(M, T)`` for all swaps, and int
            ``(len(captions),)`` the row of each caption's first swap and how
            many it has.
        """
        from lstmgan_tf.text import word_swaps

        swaps = word_swaps.captions_one_word_swaps(
            self.word_vectors, [normalize_caption(caption).split() for caption in captions]
        )
        count = np.array([len(caption_swaps) for caption_swaps in swaps], dtype=np.int64)
        first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        flat = [swap for caption_swaps in swaps for swap in caption_swaps]
        tokens = self.vectorizer.encode(flat)[0] if flat else np.zeros((0, 1), dtype=np.int32)
        return tokens, first, count

    # ------------------------------------------------------------------ use

    def _encode(self, token_lists):
        ids, _ = self.vectorizer.encode([" ".join(tokens) for tokens in token_lists])
        known = (ids > 1).any(axis=1)
        vectors = np.asarray(self.text_encoder.predict(ids, batch_size=512, verbose=0), dtype=np.float32)
        return vectors, known

    def encode_images(self, images, batch_size: int = 256) -> np.ndarray:
        """Unit-length embeddings ``(N, dim)`` of images (uint8, or float in [-1, 1])."""
        if self.image_encoder is None:
            raise ValueError("GroundedEncoder is not fitted yet; call fit(captions, images=...) first.")
        images = _as_model_images(images)
        return np.asarray(self.image_encoder.predict(images, batch_size=batch_size, verbose=0), dtype=np.float32)

    def word_embedding_matrix(self) -> np.ndarray:
        """The text side's trained word embedding, ``(vocabulary_size, word_vector_dim)``.

        Rows follow ``self.vectorizer``'s ids, so a model built on the same
        vectorizer can start its own embedding from it.
        """
        if self.text_encoder is None:
            raise ValueError("GroundedEncoder is not fitted yet; call fit(captions, images=...) first.")
        return np.asarray(self.text_encoder.get_layer("word_embedding").get_weights()[0], dtype=np.float32)

    # ----------------------------------------------------------------- files

    def save(self, folder: str) -> str:
        """Writes settings, vocabulary and weights (JSON + ``.weights.h5``, no pickle)."""
        if self.text_encoder is None:
            raise ValueError("GroundedEncoder is not fitted yet; there is nothing to save.")
        os.makedirs(folder, exist_ok=True)
        document = {
            "settings": dataclasses.asdict(self.settings),
            "vocabulary": self.vectorizer.words,
            "max_length": self.vectorizer.max_length,
            "image_size": int(self.image_encoder.input_shape[1]),
            "history": self.history,
        }
        # Each file is written whole or not at all; the settings file, which
        # `fit_or_load` looks for, comes last.
        for network, name in ((self.text_encoder, "text_encoder"), (self.image_encoder, "image_encoder")):
            with files.atomic_path(os.path.join(folder, _WEIGHTS_FILES[name])) as temporary:
                network.save_weights(temporary)
        files.write_json(os.path.join(folder, _SETTINGS_FILE), document, indent=1)
        return folder

    @classmethod
    def load(cls, folder: str, verbose: int = 0) -> "GroundedEncoder":
        """Reads an encoder written by `save`.

        Raises:
            FileNotFoundError: if the folder lacks one of the files.
            ValueError: if a file is not what `save` writes.
        """
        from lstmgan_tf.text.vocabulary import CaptionVectorizer

        settings_path = os.path.join(folder, _SETTINGS_FILE)
        weights_paths = {name: os.path.join(folder, file) for name, file in _WEIGHTS_FILES.items()}
        for path in (settings_path, *weights_paths.values()):
            if not os.path.isfile(path):
                raise FileNotFoundError(
                    f"grounded encoder file {path!r} is missing; expected a folder written by GroundedEncoder.save."
                )
        try:
            with open(settings_path, encoding="utf-8") as handle:
                document = json.load(handle)
            settings = dict(document["settings"])
            vocabulary, max_length, image_size = document["vocabulary"], document["max_length"], document["image_size"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"grounded encoder file {settings_path!r} is not valid ({error}).") from None
        vectorizer = CaptionVectorizer(max_length=max_length, vocabulary=vocabulary)
        encoder = cls(vectorizer=vectorizer, verbose=verbose, **settings)
        encoder.text_encoder = build_text_encoder(
            vectorizer.vocabulary_size(), encoder.settings.word_vector_dim, encoder.dim
        )
        encoder.image_encoder = build_image_encoder(image_size, encoder.dim, encoder.settings.image_width,
                                                    encoder.settings.image_depth)
        for name, path in weights_paths.items():
            try:
                getattr(encoder, name).load_weights(path)
            except (OSError, ValueError) as error:
                raise ValueError(
                    f"grounded encoder weights {path!r} cannot be read ({error}); delete the folder "
                    "to train the encoder again."
                ) from None
        encoder.history = list(document.get("history", []))
        encoder._fitted = True
        return encoder


def fit_or_load(captions, images, cache_root: str | None = None, **kwargs) -> GroundedEncoder:
    """A `GroundedEncoder` fitted on these pairs, reused from ``cache_root`` when it was fitted before.

    The cache key is a hash of the images, the captions, the vocabulary, the
    starting word vectors and the settings, so the same data and settings
    train once; anything else trains a new encoder.

    Args:
        captions: a list per image of its captions.
        images: uint8 ``(N, H, W, 3)``.
        cache_root: folder of cached encoders (default:
            ``outputs/cache/grounded_encoder``).
        **kwargs: `GroundedEncoder` arguments.
    """
    from lstmgan_tf import config

    encoder = GroundedEncoder(**kwargs)
    digest = hashlib.sha256(f"grounded-encoder-v{ARCHITECTURE_VERSION}".encode())
    digest.update(np.ascontiguousarray(images).tobytes())
    digest.update(json.dumps([list(as_caption_list(g)) if not isinstance(g, str) else [g] for g in captions]).encode())
    digest.update(json.dumps(dataclasses.asdict(encoder.settings), sort_keys=True).encode())
    if encoder.vectorizer is not None:
        digest.update(json.dumps(encoder.vectorizer.words).encode())
    if encoder.word_vectors is not None:
        digest.update(np.ascontiguousarray(encoder.word_vectors.vectors, dtype=np.float32).tobytes())
        digest.update(json.dumps(list(encoder.word_vectors.index_to_key)).encode())
    folder = os.path.join(cache_root or config.outputs_dir("cache", "grounded_encoder"), digest.hexdigest()[:16])
    if os.path.isfile(os.path.join(folder, _SETTINGS_FILE)):
        try:
            loaded = GroundedEncoder.load(folder, verbose=encoder.verbose)
            loaded.word_vectors = encoder.word_vectors
            return loaded
        except (OSError, ValueError) as error:
            import warnings

            warnings.warn(f"cached grounded encoder in {folder!r} is unreadable ({error}); training again.",
                          stacklevel=2)
    encoder.fit(captions, images=images)
    encoder.save(folder)
    return encoder


def _as_model_images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must have shape (N, height, width, 3), got {images.shape}.")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 127.5 - 1.0
    return images.astype(np.float32)

