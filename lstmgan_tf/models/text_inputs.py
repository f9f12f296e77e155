"""From a captioned dataset to the inputs of the text-to-image GANs.

`TextPipeline` holds the text side of a trained model, fitted once on the
training captions:

- a `CaptionVectorizer` (vocabulary, 0 = padding, 1 = unknown word, fixed
  ``max_length``);
- word2vec vectors (`train_word2vec`) -> the embedding matrix of the LSTM;
- a `SentenceEncoder`, the stand-in for the paper's skip-thought vectors that
  condition the discriminator: ``"grounded"`` (the default: a text encoder
  trained with an image encoder on the training pairs,
  `lstmgan_tf.text.GroundedEncoder`), ``"sif"`` (smooth-inverse-frequency
  average of the word vectors) or ``"doc2vec"``;
- the word vectors the LSTM reads: ``"word2vec"`` (the paper),
  ``"grounded"`` (the grounded encoder's word embedding, which starts from
  word2vec and learns to tell apart the words the images tell apart) or
  ``"random"`` (random rows at word2vec's scale: the control that says what
  word2vec's start brings).

Sentence vectors are computed once per caption, when the examples are made,
never per epoch. `TextPipeline.save` writes everything a checkpoint needs to
turn new text into model inputs (vocabulary, word vectors, the training
captions the sentence encoder is refitted on, settings) as plain text and
JSON: nothing is pickled.

`image_examples` makes the training examples the runner wants: one element
per *image* with all its captions, of which the model draws one per step (Reed
et al. sample one caption per image and epoch), so an epoch is one pass over
the images.

Example:

>>> text = TextPipeline.fit([["a red flower", "a flower with red petals"]], profile="smoke", sentence_encoder="sif")
>>> inputs = text.encode(["a red flower"])
>>> inputs["caption_tokens"].shape, inputs["sentence_vector"].shape
((1, 16), (1, 16))
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np

from lstmgan_tf import config as _config
from lstmgan_tf.checks import check_positive_int

SENTENCE_ENCODERS = ("grounded", "sif", "doc2vec")
WORD_VECTOR_SOURCES = ("word2vec", "grounded", "random")
#: The folder of a run that holds its `TextPipeline` (`TextPipeline.save`).
TEXT_FOLDER = "text"

# Keys of an example and of a training batch of the text-to-image models
# (`image_examples`; `TextPipeline.encode` gives the first two).
CAPTION_TOKENS = "caption_tokens"
SENTENCE_VECTOR = "sentence_vector"
CAPTION_COUNT = "caption_count"
IMAGE = "image"
IMAGE_INDEX = "image_index"
SWAPPED_SENTENCE_VECTOR = "swapped_sentence_vector"
SWAP_COUNT = "swap_count"
_SETTINGS_FILE = "text_pipeline.json"
_VECTORS_FILE = "word_vectors.txt"
_CAPTIONS_FILE = "training_captions.txt"
_GROUNDED_FOLDER = "grounded_encoder"


class TextPipeline:
    """Vocabulary, word vectors and sentence encoder of a text-to-image model.

    Build it with `TextPipeline.fit` (training) or `TextPipeline.load`
    (generation from a checkpoint).

    Args:
        vectorizer: a fitted `lstmgan_tf.text.CaptionVectorizer`.
        word_vectors: gensim `KeyedVectors`.
        sentence_encoder: a fitted `lstmgan_tf.text.SentenceEncoder`.
        sentence_encoder_name: one of `SENTENCE_ENCODERS`.
        training_captions: the captions everything was fitted on.
        seed: the seed used for fitting.
        word_vector_source: where the LSTM's word vectors come from, one of
            `WORD_VECTOR_SOURCES`.
    """

    def __init__(self, vectorizer, word_vectors, sentence_encoder, sentence_encoder_name,
                 training_captions, seed=0, word_vector_source="word2vec"):
        if word_vector_source not in WORD_VECTOR_SOURCES:
            raise ValueError(
                f"unknown word vector source {word_vector_source!r}; choose one of: {', '.join(WORD_VECTOR_SOURCES)}."
            )
        if word_vector_source == "grounded" and sentence_encoder_name != "grounded":
            raise ValueError("word_vectors='grounded' needs sentence_encoder='grounded'.")
        self.word_vector_source = word_vector_source
        self.vectorizer = vectorizer
        self.word_vectors = word_vectors
        self.sentence_encoder = sentence_encoder
        self.sentence_encoder_name = sentence_encoder_name
        self.training_captions = list(training_captions)
        self.seed = seed

    # ----------------------------------------------------------------- build

    @classmethod
    def fit(cls, captions, profile=None, sentence_encoder: str = "grounded", word_vector_dim=None,
            sentence_vector_dim=None, max_length=None, seed: int = 0, images=None,
            word_vector_source: str = "word2vec", verbose: int = 1,
            encoder_settings: dict | None = None) -> "TextPipeline":
        """Fits vocabulary, word2vec and the sentence encoder on training captions.

        Args:
            captions: a list of captions, or a list of lists per image.
            profile: profile name or `Profile` (word2vec size and epochs,
                sentence vector size, ``max_caption_length``).
            sentence_encoder: one of `SENTENCE_ENCODERS`.
            word_vector_dim: overrides the profile's ``word_vector_dim``.
            sentence_vector_dim: for ``"doc2vec"`` and ``"grounded"``, overrides
                the profile's ``sentence_vector_dim`` (SIF vectors have the
                word vectors' size).
            max_length: overrides the profile's ``max_caption_length``.
            seed: seed of word2vec, Doc2Vec and the grounded encoder.
            images: uint8 ``(N, H, W, 3)``, one per entry of ``captions``
                (a list per image): needed by the ``"grounded"`` encoder, which
                is reused from ``outputs/cache/`` when these pairs were
                encoded before.
            word_vector_source: the LSTM's word vectors, one of `WORD_VECTOR_SOURCES`.
            verbose: 1 shows the grounded encoder's progress bar.
            encoder_settings: `GroundedEncoderSettings` fields for the
                grounded encoder (``{"image_depth": 2}``) but
                ``word_vector_dim``, which the word vectors set; ``epochs``
                defaults to the profile's ``grounded_encoder_epochs``.
        """
        from lstmgan_tf import text

        if sentence_encoder not in SENTENCE_ENCODERS:
            raise ValueError(
                f"unknown sentence encoder {sentence_encoder!r}; choose one of: {', '.join(SENTENCE_ENCODERS)}."
            )
        if word_vector_source not in WORD_VECTOR_SOURCES:
            raise ValueError(
                f"unknown word vector source {word_vector_source!r}; choose one of: {', '.join(WORD_VECTOR_SOURCES)}."
            )
        if word_vector_source == "grounded" and sentence_encoder != "grounded":
            raise ValueError("word_vectors='grounded' needs sentence_encoder='grounded'.")
        if encoder_settings and sentence_encoder != "grounded":
            raise ValueError(
                f"encoder settings {sorted(encoder_settings)} are for sentence_encoder='grounded', "
                f"not {sentence_encoder!r}."
            )
        profile = _config.get_profile(profile)
        captions_per_image = list(captions)
        captions = text.vocabulary.as_caption_list(captions, nested=True)
        if not captions:
            raise ValueError("captions is empty; a text-to-image model needs captioned images.")
        with warnings.catch_warnings():
            # Over-long captions are reported once, by `image_examples`.
            warnings.simplefilter("ignore", UserWarning)
            vectorizer = text.CaptionVectorizer(max_length=max_length or profile.max_caption_length).fit(captions)
        word_vectors = text.train_word2vec(
            captions, vector_size=word_vector_dim or profile.word_vector_dim, seed=seed, profile=profile
        )
        if sentence_encoder == "grounded":
            if images is None:
                raise ValueError(
                    "the grounded sentence encoder learns from images and captions: pass images= "
                    "(one per list of captions), or choose sentence_encoder='sif' or 'doc2vec'."
                )
            from lstmgan_tf.text import grounded

            encoder_settings = {"dim": sentence_vector_dim or profile.sentence_vector_dim, "seed": seed,
                                "epochs": profile.grounded_encoder_epochs, **(encoder_settings or {})}
            encoder = grounded.fit_or_load(
                captions_per_image, images, word_vectors=word_vectors, vectorizer=vectorizer, verbose=verbose,
                **encoder_settings,
            )
        else:
            encoder = _make_sentence_encoder(sentence_encoder, word_vectors, sentence_vector_dim, seed, profile)
            encoder.fit(captions)
        return cls(vectorizer, word_vectors, encoder, sentence_encoder, captions, seed, word_vector_source)

    # ----------------------------------------------------------------- use

    @property
    def vocabulary_size(self) -> int:
        return self.vectorizer.vocabulary_size()

    @property
    def max_length(self) -> int:
        return self.vectorizer.max_length

    @property
    def word_vector_dim(self) -> int:
        return self.word_vectors.vector_size

    @property
    def sentence_vector_dim(self) -> int:
        return self.sentence_encoder.dim

    def embedding_matrix(self) -> np.ndarray:
        """The ``(vocabulary_size, word_vector_dim)`` matrix that starts the LSTM's embedding.

        word2vec's vectors, the grounded encoder's trained word embedding
        (its rows follow the same vocabulary), or random rows with the
        spread of word2vec's (``"random"``).
        """
        from lstmgan_tf import text

        if self.word_vector_source == "grounded":
            return self.sentence_encoder.word_embedding_matrix()
        return text.embedding_matrix(self.word_vectors, self.vectorizer, seed=self.seed,
                                     random_rows=self.word_vector_source == "random")

    @property
    def image_encoder(self):
        """The grounded encoder's image side (a `keras.Model`), or `None` for other encoders."""
        return getattr(self.sentence_encoder, "image_encoder", None)

    def words(self, caption: str) -> list[str]:
        """The words of a caption as the model reads them (cut to ``max_length``)."""
        from lstmgan_tf.text import tokenize

        return tokenize(caption)[: self.max_length]

    def encode(self, captions) -> dict[str, np.ndarray]:
        """Token ids and sentence vectors of a list of captions.

        Returns:
            ``{"caption_tokens": int32 (N, max_length), "sentence_vector":
            float32 (N, S)}``.

        Raises:
            ValueError: for a caption without words (see `CaptionVectorizer.encode`).
        """
        tokens, _ = self.vectorizer.encode(captions)
        return {CAPTION_TOKENS: tokens, SENTENCE_VECTOR: self.scale(self.sentence_encoder.encode(captions))}

    def swapped_sentence_vectors(self, captions, per_caption: int, min_change: float = 0.02,
                                 min_similarity: float = 0.6, seed: int = 0, sentence_vectors=None):
        """Sentence vectors of each caption with one word swapped for a close word2vec neighbour.

        The negatives of the ``swapped_caption_weight`` recipe setting
        (`lstmgan_tf.text.word_swaps`). Of every one-word swap, those whose
        sentence vector moves by less than ``min_change`` in cosine distance
        are dropped: the sentence encoder reads them as the same caption
        (synonyms, with the grounded encoder: "center" -> "middle" moves it
        by 0.000, a colour swap by 0.26-0.66). Up to ``per_caption`` of the
        rest are drawn at random without replacement. ``sentence_vectors``:
        the captions' own, as `encode` gives them, when already at hand.

        Returns:
            ``(vectors, counts)``: float32 ``(N, per_caption, S)``, scaled as
            `encode`'s (rows past ``counts[i]`` are zero), and int32 ``(N,)``.
        """
        from lstmgan_tf.text import word_swaps

        check_positive_int("per_caption", per_caption)
        swaps = word_swaps.captions_one_word_swaps(
            self.word_vectors, [self.words(caption) for caption in captions], min_similarity=min_similarity
        )
        vectors = np.zeros((len(captions), per_caption, self.sentence_vector_dim), dtype=np.float32)
        counts = np.zeros(len(captions), dtype=np.int32)
        flat = [swap for caption_swaps in swaps for swap in caption_swaps]
        if not flat:
            return vectors, counts
        original = self.encode(captions)[SENTENCE_VECTOR] if sentence_vectors is None else sentence_vectors
        swapped = self.scale(self.sentence_encoder.encode(flat))
        sizes = [len(caption_swaps) for caption_swaps in swaps]
        row = np.repeat(np.arange(len(captions)), sizes)
        # Scaled vectors all have length sqrt(S) (zero vectors aside), so the
        # cosine is a dot product over S.
        change = 1.0 - np.sum(swapped * original[row], axis=-1) / self.sentence_vector_dim
        starts = np.cumsum([0] + sizes)
        rng = np.random.default_rng(seed)
        for index in range(len(captions)):
            span = np.arange(starts[index], starts[index + 1])
            kept = span[change[span] >= min_change]
            if len(kept) == 0:
                continue
            chosen = rng.choice(kept, size=min(per_caption, len(kept)), replace=False)
            vectors[index, : len(chosen)] = swapped[chosen]
            counts[index] = len(chosen)
        return vectors, counts

    @staticmethod
    def scale(sentence_vectors) -> np.ndarray:
        """Rescales sentence vectors to length ``sqrt(dim)``, so their entries are about 1.

        SIF vectors are averages of down-weighted word vectors, about 100 times
        shorter than a word vector; fed as they are, the discriminator's
        condition projection (initialised from N(0, 0.02), as in DCGAN) sees
        almost nothing and D cannot learn whether an image matches its
        caption. Only the direction carries meaning (captions are compared by
        cosine), so it is kept; a zero vector (no known word) stays zero.
        """
        vectors = np.asarray(sentence_vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
        scale = np.sqrt(vectors.shape[-1]) / np.maximum(norms, 1e-12)
        return (vectors * np.where(norms > 0, scale, 0.0)).astype(np.float32)

    # ----------------------------------------------------------------- files

    def save(self, folder: str) -> str:
        """Writes the pipeline to ``folder`` (text and JSON files, each whole or not at all)."""
        from lstmgan_tf import files

        os.makedirs(folder, exist_ok=True)
        settings = {
            "max_length": self.max_length,
            "vocabulary": self.vectorizer.words,
            "sentence_encoder": self.sentence_encoder_name,
            "sentence_vector_dim": self.sentence_vector_dim,
            "seed": self.seed,
            "word_vector_source": self.word_vector_source,
        }
        if self.sentence_encoder_name == "grounded":
            self.sentence_encoder.save(os.path.join(folder, _GROUNDED_FOLDER))
        if self.sentence_encoder_name == "doc2vec":
            encoder = self.sentence_encoder
            settings["doc2vec"] = {"epochs": encoder.epochs, "infer_epochs": encoder.infer_epochs,
                                   "dm": encoder.dm, "window": encoder.window,
                                   "min_count": encoder.min_count}
        with files.atomic_path(os.path.join(folder, _VECTORS_FILE)) as temporary:
            self.word_vectors.save_word2vec_format(temporary)
        files.write_text(os.path.join(folder, _CAPTIONS_FILE),
                         "".join(caption.replace("\n", " ") + "\n" for caption in self.training_captions))
        # The settings file last: a folder that has it has the rest.
        files.write_json(os.path.join(folder, _SETTINGS_FILE), settings, indent=1)
        return folder

    @classmethod
    def load(cls, folder: str) -> "TextPipeline":
        """Reads a pipeline written by `save`.

        The sentence encoder is refitted on the saved training captions;
        fitting is deterministic, so it gives the vectors the model was
        trained with.

        Raises:
            FileNotFoundError: if the folder or one of its files is missing.
            ValueError: if a file is not what `save` writes.
        """
        from lstmgan_tf import text

        settings_path = os.path.join(folder, _SETTINGS_FILE)
        for path in (settings_path, os.path.join(folder, _VECTORS_FILE), os.path.join(folder, _CAPTIONS_FILE)):
            if not os.path.isfile(path):
                raise FileNotFoundError(
                    f"text pipeline file {path!r} is missing; expected the folder written by "
                    "TextPipeline.save (a trained model's 'text/' folder)."
                )
        try:
            with open(settings_path, encoding="utf-8") as handle:
                settings = json.load(handle)
            vocabulary, max_length = settings["vocabulary"], settings["max_length"]
            name, seed = settings["sentence_encoder"], settings["seed"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"text pipeline file {settings_path!r} is not valid ({error}).") from None
        vectorizer = text.CaptionVectorizer(max_length=max_length, vocabulary=vocabulary)
        word_vectors = text.load_word_vectors(os.path.join(folder, _VECTORS_FILE), format="word2vec")
        with open(os.path.join(folder, _CAPTIONS_FILE), encoding="utf-8") as handle:
            captions = [line.rstrip("\n") for line in handle if line.strip()]
        if name == "grounded":
            from lstmgan_tf.text.grounded import GroundedEncoder

            encoder = GroundedEncoder.load(os.path.join(folder, _GROUNDED_FOLDER))
            encoder.word_vectors = word_vectors
        else:
            options = settings.get("doc2vec", {})
            encoder = _make_sentence_encoder(name, word_vectors, settings.get("sentence_vector_dim"), seed,
                                             None, **options)
            encoder.fit(captions)
        return cls(vectorizer, word_vectors, encoder, name, captions, seed,
                   settings.get("word_vector_source", "word2vec"))


def _make_sentence_encoder(name, word_vectors, sentence_vector_dim, seed, profile, **options):
    from lstmgan_tf import text

    if name == "sif":
        return text.SIFEncoder(word_vectors)
    if name == "doc2vec":
        return text.Doc2VecEncoder(vector_size=sentence_vector_dim, seed=seed, profile=profile, **options)
    raise ValueError(f"unknown sentence encoder {name!r}; choose one of: {', '.join(SENTENCE_ENCODERS)}.")


def caption_table(data, text: TextPipeline) -> dict[str, np.ndarray]:
    """Every caption of a `CaptionedImages` as model inputs, one row per caption.

    Returns:
        ``{"caption_tokens" (N, T), "sentence_vector" (N, S), "image_index"
        (N,), "captions": list of N strings}``.
    """
    if data.captions is None:
        raise ValueError(f"dataset {data.name!r} has no captions; the text-to-image models need captions.")
    image_index, captions = data.caption_pairs()
    kept = [i for i, caption in enumerate(captions) if text.words(caption)]
    if not kept:
        raise ValueError(f"no caption of dataset {data.name!r} has any words.")
    captions = [captions[i] for i in kept]
    inputs = text.encode(captions)
    return {**inputs, IMAGE_INDEX: image_index[kept], "captions": captions}


def image_examples(data, text: TextPipeline, swaps_per_caption: int = 0, seed: int = 0):
    """The unbatched training examples: one per image, with all its captions.

    Each element is a dict: ``image`` float32 ``(H, W, 3)`` in [-1, 1],
    ``image_index`` int64, ``caption_tokens`` int32 ``(C, T)``,
    ``sentence_vector`` float32 ``(C, S)`` and ``caption_count`` int32 (rows
    past it are padding; C is the most captions any image has). Images without
    a caption are left out. With ``swaps_per_caption``, also
    ``swapped_sentence_vector`` float32 ``(C, K, S)`` and ``swap_count`` int32
    ``(C,)``: each caption with one word swapped
    (`TextPipeline.swapped_sentence_vectors`).

    Args:
        data: a `lstmgan_tf.data.CaptionedImages`.
        text: the fitted `TextPipeline`.
        swaps_per_caption: K, how many swapped captions to keep per caption
            (0: none, no swap keys).
        seed: seed of the choice of swaps.

    Returns:
        A finite `tf.data.Dataset` in image order.
    """
    import tensorflow as tf

    table = caption_table(data, text)
    image_index = table[IMAGE_INDEX]
    counts = np.bincount(image_index, minlength=len(data)).astype(np.int32)
    images_with_captions = np.flatnonzero(counts)
    most = int(counts.max())
    slot = np.zeros(len(image_index), dtype=np.int64)
    for index in images_with_captions:
        rows = np.flatnonzero(image_index == index)
        slot[rows] = np.arange(len(rows))
    row_of_image = np.full(len(data), -1, dtype=np.int64)
    row_of_image[images_with_captions] = np.arange(len(images_with_captions))
    target = row_of_image[image_index]
    caption_tokens = np.zeros((len(images_with_captions), most, text.max_length), dtype=np.int32)
    sentence_vector = np.zeros((len(images_with_captions), most, text.sentence_vector_dim), dtype=np.float32)
    caption_tokens[target, slot] = table[CAPTION_TOKENS]
    sentence_vector[target, slot] = table[SENTENCE_VECTOR]
    from lstmgan_tf.text import tokenize

    too_long = sum(len(tokenize(c)) > text.max_length for c in table["captions"])
    if too_long:
        warnings.warn(
            f"{too_long} captions are longer than max_length={text.max_length} words and are cut.",
            stacklevel=2,
        )
    images = data.images[images_with_captions].astype(np.float32) / 127.5 - 1.0
    examples = {
        IMAGE: images,
        IMAGE_INDEX: images_with_captions.astype(np.int64),
        CAPTION_TOKENS: caption_tokens,
        SENTENCE_VECTOR: sentence_vector,
        CAPTION_COUNT: counts[images_with_captions],
    }
    if swaps_per_caption:
        vectors, swap_counts = text.swapped_sentence_vectors(
            table["captions"], swaps_per_caption, seed=seed, sentence_vectors=table[SENTENCE_VECTOR]
        )
        examples[SWAPPED_SENTENCE_VECTOR] = np.zeros(
            (len(images_with_captions), most, swaps_per_caption, text.sentence_vector_dim), dtype=np.float32
        )
        examples[SWAPPED_SENTENCE_VECTOR][target, slot] = vectors
        examples[SWAP_COUNT] = np.zeros((len(images_with_captions), most), dtype=np.int32)
        examples[SWAP_COUNT][target, slot] = swap_counts
    return tf.data.Dataset.from_tensor_slices(examples)
