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

import warnings

import keras
import numpy as np

from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.text.tokens import (  # noqa: F401  (re-exported)
    _APOSTROPHES,
    OOV_ID,
    OOV_TOKEN,
    PADDING_ID,
    PADDING_TOKEN,
    as_caption_list,
    build_vocabulary,
    flatten_captions,
    normalize_caption,
    tokenize,
)


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
        check_positive_int("max_length", max_length)
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
