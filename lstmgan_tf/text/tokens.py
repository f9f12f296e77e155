"""Pure-Python caption handling: words, normalised captions, vocabulary, checks.

This module needs neither TensorFlow nor Keras, so gensim-only code (word2vec,
the sentence encoders) can use it without loading them. The tokenisation rule
and its TensorFlow twin are described in `lstmgan_tf.text.vocabulary`.
"""

from __future__ import annotations

import collections
import re
from typing import Iterable, Sequence

import numpy as np

from lstmgan_tf.checks import check_positive_int

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
    check_positive_int("min_count", min_count)
    check_positive_int("max_words", max_words, allow_none=True)
    counts = collections.Counter(
        word for caption in as_caption_list(captions) for word in tokenize(caption)
    )
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return words[:max_words] if max_words else words


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
