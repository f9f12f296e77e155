"""Tokenisation and vocabulary of captions: words -> token ids, padding and a mask.

One rule turns a caption into words, written twice so that it runs both in
Python (for gensim, the sentence encoders and error checks) and inside a
TensorFlow graph (for `CaptionVectorizer` in a `tf.data` pipeline or a saved
model); `tests/test_text_vocabulary.py` checks that the two agree:

1. lower-case;
2. drop apostrophes (``"flower's"`` -> ``"flowers"``, ``"doesn't"`` -> ``"doesnt"``);
3. every other character that is not a letter, a digit or white space becomes a
   space (``"yellow,five-petalled"`` -> ``"yellow five petalled"``);
4. split on white space.

Token ids follow Keras's `TextVectorization`: 0 is padding (the empty string),
1 is the out-of-vocabulary token ``"[UNK]"``, real words start at 2, ordered by
falling frequency (ties alphabetically, so a vocabulary is the same on every
machine).

Example:

>>> from lstmgan_tf.text import CaptionVectorizer, tokenize
>>> tokenize("This flower's petals are YELLOW, and it has 5 of them.")
['this', 'flowers', 'petals', 'are', 'yellow', 'and', 'it', 'has', '5', 'of', 'them']
>>> vectorizer = CaptionVectorizer(max_length=6).fit(["a red flower", "a blue flower"])
>>> ids, mask = vectorizer.encode(["a blue rose"])
>>> ids.tolist(), mask.tolist()
([[2, 4, 1, 0, 0, 0]], [[True, True, True, False, False, False]])
"""

from __future__ import annotations

import collections
import re
import warnings
from typing import Iterable, Sequence

import keras
import numpy as np

PADDING_ID = 0
OOV_ID = 1
PADDING_TOKEN = ""
OOV_TOKEN = "[UNK]"

_APOSTROPHES = "'\u2019"
_PY_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
# Python's \w is letters, digits and "_"; the underscore counts as punctuation.
_PY_NOT_WORD = re.compile(r"[^\w\s]|_")


def tokenize(caption: str) -> list[str]:
    """Splits one caption into lower-case words without punctuation.

    Args:
        caption: a caption (`str`; `bytes` are decoded as UTF-8).

    Returns:
        The list of words; empty for an empty caption or one of only
        punctuation.

    Raises:
        ValueError: if ``caption`` is not a string, or bytes that are not UTF-8.
    """
    caption = _as_text(caption, "caption")
    caption = _PY_APOSTROPHE.sub("", caption.lower())
    return _PY_NOT_WORD.sub(" ", caption).split()


def normalize_caption(caption: str) -> str:
    """The caption's words joined by single spaces: the key of caption caches."""
    return " ".join(tokenize(caption))


@keras.saving.register_keras_serializable(package="lstmgan_tf")
def standardize_caption(captions):
    """The TensorFlow twin of `tokenize`'s standardisation (steps 1-3).

    Used as the ``standardize`` callable of `CaptionVectorizer`; registered with
    Keras so that a model holding the vectorizer saves and loads in ``.keras``
    format.

    Args:
        captions: a `tf.string` tensor of any shape.

    Returns:
        A `tf.string` tensor of the same shape: lower-case, apostrophes dropped,
        other punctuation turned into spaces.
    """
    import tensorflow as tf

    captions = tf.strings.lower(captions, encoding="utf-8")
    captions = tf.strings.regex_replace(captions, f"[{_APOSTROPHES}]", "")
    # RE2 spells Python's [^\w\s]|_ as "not a letter, digit or space".
    return tf.strings.regex_replace(captions, r"[^\pL\pN\s]", " ")


def flatten_captions(captions_per_image: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray]:
    """Flattens the captions of each image into one list.

    Args:
        captions_per_image: a list with, for each image, the list of its
            captions (``CaptionedImages.captions``).

    Returns:
        ``(captions, image_index)``: all captions, and for each the index of its
        image (int64 array), so that ``captions[k]`` describes image
        ``image_index[k]``.
    """
    if isinstance(captions_per_image, (str, bytes)):
        raise ValueError(
            "captions_per_image must be a list of lists of captions (one list per "
            "image), got a single string."
        )
    captions, image_index = [], []
    for index, image_captions in enumerate(captions_per_image):
        if isinstance(image_captions, (str, bytes)):
            raise ValueError(
                f"captions_per_image[{index}] is a single string; expected the list "
                "of that image's captions."
            )
        for caption in image_captions:
            captions.append(caption)
            image_index.append(index)
    return captions, np.asarray(image_index, dtype=np.int64)


def as_caption_list(captions, name: str = "captions", nested: bool = False) -> list[str]:
    """Checks that ``captions`` is a list of strings and returns it as one.

    Accepts any iterable of `str` (or UTF-8 `bytes`, as ``tf.data`` yields them,
    or a NumPy array of either). With ``nested=True`` it also accepts a list of
    lists of captions per image (``CaptionedImages.captions``) and flattens it.

    Raises:
        ValueError: for a single string (a common slip: wrap it in a list) or an
            element that is not a string, naming its position.
    """
    if isinstance(captions, (str, bytes)):
        raise ValueError(
            f"{name} must be a list of strings, got a single {type(captions).__name__} "
            f"{_preview(captions)}; wrap it in a list."
        )
    if isinstance(captions, np.ndarray):
        captions = captions.ravel().tolist()
    try:
        items = list(captions)
    except TypeError:
        raise ValueError(
            f"{name} must be a list of strings, got {type(captions).__name__}."
        ) from None
    if nested and items and all(isinstance(item, (list, tuple)) for item in items):
        items, _ = flatten_captions(items)
    return [_as_text(item, f"{name}[{index}]") for index, item in enumerate(items)]


def build_vocabulary(
    captions: Iterable[str], min_count: int = 1, max_words: int | None = None
) -> list[str]:
    """The words of some captions, most frequent first (ties alphabetically).

    Args:
        captions: captions to count words in (a list, or a list of lists per image).
        min_count: words seen fewer times are left out (they become ``[UNK]``).
        max_words: keep at most this many words (`None`: all).

    Returns:
        The words, without the padding and out-of-vocabulary tokens.
    """
    if not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count={min_count!r} must be a positive integer.")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise ValueError(f"max_words={max_words!r} must be a positive integer or None.")
    counts = collections.Counter(
        word for caption in as_caption_list(captions) for word in tokenize(caption)
    )
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return words[:max_words] if max_words else words


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class CaptionVectorizer(keras.layers.TextVectorization):
    """Turns captions into fixed-length token ids: 0 = padding, 1 = ``[UNK]``.

    A Keras `TextVectorization` with this kit's tokenisation (see the module
    docstring), integer output and a fixed ``max_length``: shorter captions are
    padded with 0 at the end, longer ones are cut to their first ``max_length``
    words. The vocabulary is part of the layer's config, so a model containing
    the layer saves and loads it in ``.keras`` format. Use it inside
    ``tf.data`` (``dataset.map(lambda x: vectorizer(x["caption"]))``) or call
    `encode` from Python, which also checks its input and reports truncation.
    The mask is ``ids != 0`` (`encode` returns it; a following
    ``Embedding(mask_zero=True)`` builds it by itself).

    Args:
        max_length: words per caption after padding or truncation (default:
            the profile's ``max_caption_length``).
        vocabulary: optional list of words (without ``""`` and ``[UNK]``);
            otherwise call `fit`.
        profile: profile name or `Profile` for the default ``max_length``.
        **kwargs: base layer arguments (``name``, ...).

    Call arguments:
        captions: `tf.string` tensor of shape ``(batch,)`` or a scalar.

    Returns:
        int64 tensor of shape ``(batch, max_length)`` (or ``(max_length,)``).

    Example:

    >>> vectorizer = CaptionVectorizer(max_length=5).fit(["a pink flower"])
    >>> vectorizer.get_vocabulary()
    ['', '[UNK]', 'a', 'flower', 'pink']
    """

    def __init__(self, max_length: int | None = None, vocabulary=None, profile=None, **kwargs):
        if max_length is None:
            from lstmgan_tf import config

            max_length = config.get_profile(profile).max_caption_length
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise ValueError(f"max_length={max_length!r} must be a positive integer.")
        if vocabulary is not None:
            vocabulary = self._check_vocabulary(vocabulary)
        super().__init__(
            standardize=standardize_caption,
            split="whitespace",
            output_mode="int",
            output_sequence_length=max_length,
            vocabulary=vocabulary or None,
            **kwargs,
        )
        self.max_length = max_length

    @staticmethod
    def _check_vocabulary(vocabulary) -> list[str]:
        words = [str(w) for w in vocabulary]
        # Accept a vocabulary as get_vocabulary() returns it, with the two
        # reserved tokens in front.
        if words[:2] == [PADDING_TOKEN, OOV_TOKEN]:
            words = words[2:]
        for word in words:
            if word != normalize_caption(word):
                raise ValueError(
                    f"vocabulary word {word!r} would never match: vocabulary words must "
                    "be single lower-case tokens as `tokenize` makes them."
                )
        if len(set(words)) != len(words):
            raise ValueError("the vocabulary has repeated words.")
        return words

    def fit(self, captions, min_count: int = 1, max_words: int | None = None) -> "CaptionVectorizer":
        """Sets the vocabulary from the words of some captions (see `build_vocabulary`).

        Warns once if some captions are longer than ``max_length``.

        Returns:
            The vectorizer itself.
        """
        captions = as_caption_list(captions, nested=True)
        if not captions:
            raise ValueError("captions is empty; fit needs at least one caption.")
        words = build_vocabulary(captions, min_count=min_count, max_words=max_words)
        if not words:
            raise ValueError(
                f"the {len(captions)} captions hold no word seen at least "
                f"min_count={min_count} times."
            )
        self.set_vocabulary(words)
        self._warn_if_truncated([tokenize(c) for c in captions])
        return self

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The vocabulary as plain `str`, id order: ``["", "[UNK]", words...]``."""
        return [str(word) for word in super().get_vocabulary(include_special_tokens)]

    @property
    def words(self) -> list[str]:
        """The vocabulary words, without ``""`` and ``[UNK]`` (index ``i`` has id ``i + 2``)."""
        return self.get_vocabulary()[2:]

    def encode(self, captions) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and mask of a list of captions, with checks.

        Args:
            captions: list of strings.

        Returns:
            ``(ids, mask)``: int32 array ``(N, max_length)`` and the boolean
            array ``ids != 0``. A caption made only of unknown words is a run of
            ``OOV_ID`` (1) tokens, still masked in.

        Raises:
            ValueError: for non-string input, or a caption with no words (empty,
                or only punctuation), naming it.
        """
        import tensorflow as tf

        if self.vocabulary_size() <= 2:
            raise ValueError("the vectorizer has no vocabulary yet; call fit(captions) first.")
        captions = as_caption_list(captions)
        token_lists = [tokenize(c) for c in captions]
        for index, tokens in enumerate(token_lists):
            if not tokens:
                raise ValueError(
                    f"captions[{index}] = {captions[index]!r} has no words after "
                    "lower-casing and removing punctuation."
                )
        self._warn_if_truncated(token_lists)
        if not captions:
            empty = np.zeros((0, self.max_length), dtype=np.int32)
            return empty, empty.astype(bool)
        ids = self(tf.constant(captions)).numpy().astype(np.int32)
        return ids, ids != PADDING_ID

    def decode(self, ids) -> list[str]:
        """Turns rows of token ids back into text (padding dropped, ``[UNK]`` kept)."""
        vocabulary = self.get_vocabulary()
        rows = np.atleast_2d(np.asarray(ids))
        return [" ".join(vocabulary[i] for i in row if i != PADDING_ID) for row in rows]

    def _warn_if_truncated(self, token_lists) -> None:
        lengths = [len(tokens) for tokens in token_lists]
        too_long = sum(length > self.max_length for length in lengths)
        if too_long:
            warnings.warn(
                f"{too_long} of {len(lengths)} captions are longer than "
                f"max_length={self.max_length} words (the longest has {max(lengths)}); "
                f"they are cut to their first {self.max_length} words.",
                stacklevel=3,
            )

    def get_config(self):
        base_config = keras.layers.Layer.get_config(self)
        config = {
            "max_length": self.max_length,
            "vocabulary": self.words or None,
        }
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _as_text(value, name: str) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"{name} is bytes that are not UTF-8 text ({error}).") from None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__} {_preview(value)}.")
    return value


def _preview(value, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
