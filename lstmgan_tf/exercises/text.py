"""Checkers for the exercises of notebook 01 (word embeddings).

- `check_caption_ids`: turn a caption into fixed-length token ids.
- `check_sif_vectors`: the SIF sentence vectors of Arora et al. (2017).

Each checker runs the student's function on a few inputs, compares with the
package (`lstmgan_tf.text`) and names the typical mistake when they differ.

Example:

>>> from lstmgan_tf import text
>>> def caption_ids(caption, word_to_id, max_length):
...     ids = [word_to_id.get(w, text.OOV_ID) for w in text.tokenize(caption)][:max_length]
...     return ids + [text.PADDING_ID] * (max_length - len(ids))
>>> check_caption_ids(caption_ids)
✅ caption_ids pads, truncates and marks unknown words like CaptionVectorizer.
"""

from __future__ import annotations

import warnings

import numpy as np

from lstmgan_tf.exercises.core import Feedback, check_close

_VOCABULARY = ["", "[UNK]", "a", "flower", "petals", "red", "yellow", "with", "five", "and"]
_WORD_TO_ID = {word: index for index, word in enumerate(_VOCABULARY) if index >= 2}
_MAX_LENGTH = 6
_ID_CASES = [
    "a red flower",
    "A Yellow Flower, with five petals.",
    "a purple flower",
    "a red flower with five yellow petals and a yellow centre",
]


def _reference_ids(caption: str, word_to_id: dict, max_length: int) -> list[int]:
    from lstmgan_tf import text

    vectorizer = text.CaptionVectorizer(max_length=max_length, vocabulary=list(word_to_id))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the long case is truncated on purpose
        return vectorizer.encode([caption])[0][0].tolist()


def check_caption_ids(caption_ids) -> Feedback:
    """Checks ``caption_ids(caption, word_to_id, max_length) -> list of ints``.

    The function must lower-case and split the caption (``text.tokenize``
    does both), map each word to its id (unknown words to ``OOV_ID`` = 1),
    keep the first ``max_length`` words and pad with ``PADDING_ID`` = 0 at the
    end.
    """
    for caption in _ID_CASES:
        expected = _reference_ids(caption, _WORD_TO_ID, _MAX_LENGTH)
        try:
            actual = [int(i) for i in np.asarray(caption_ids(caption, dict(_WORD_TO_ID), _MAX_LENGTH)).ravel()]
        except NotImplementedError:
            return Feedback(False, "caption_ids still raises NotImplementedError; write your solution first.")
        if actual == expected:
            continue
        words = caption.lower().replace(",", " ").replace(".", " ").split()
        if len(actual) > _MAX_LENGTH and len(words) > _MAX_LENGTH:
            return Feedback(False, f"{caption!r} gave {len(actual)} ids; cut long captions to max_length={_MAX_LENGTH}.")
        if len(actual) < _MAX_LENGTH:
            return Feedback(False, f"{caption!r} gave {len(actual)} ids; pad short captions with 0 up to max_length={_MAX_LENGTH}.")
        if len(actual) != _MAX_LENGTH:
            return Feedback(False, f"{caption!r} gave {len(actual)} ids, expected exactly {_MAX_LENGTH}.")
        if sorted(actual) == sorted(expected) and actual[-1] != 0 and expected[-1] == 0:
            return Feedback(False, f"{caption!r} gave {actual}: padding goes at the end, after the words.")
        if actual == [0 if i == 1 else i for i in expected]:
            return Feedback(False, f"{caption!r} gave {actual}: unknown words must get OOV_ID = 1; 0 is padding.")
        if caption != caption.lower() and any(i == 1 for i in actual) and 1 not in expected:
            return Feedback(False, f"{caption!r} gave {actual}: lower-case the caption and remove punctuation before looking words up.")
        if len(words) > _MAX_LENGTH and actual == _reference_tail(caption):
            return Feedback(False, f"{caption!r} gave {actual}: keep the first max_length words, not the last.")
        return Feedback(False, f"{caption!r} gave {actual}, expected {expected}.")
    return Feedback(True, "caption_ids pads, truncates and marks unknown words like CaptionVectorizer.")


def _reference_tail(caption: str) -> list[int]:
    from lstmgan_tf import text

    ids = [_WORD_TO_ID.get(w, text.OOV_ID) for w in text.tokenize(caption)]
    return ids[-_MAX_LENGTH:]


_SIF_CAPTIONS = [
    ["a", "red", "flower"],
    ["a", "yellow", "flower", "with", "five", "petals"],
    ["red", "petals"],
    ["a", "flower", "with", "yellow", "petals"],
    ["five", "red", "petals", "and", "a", "yellow", "centre"],
]


def _sif_word_vectors(dim: int = 5, seed: int = 0) -> dict:
    words = sorted({w for caption in _SIF_CAPTIONS for w in caption})
    rng = np.random.default_rng(seed)
    # A shared offset makes the first principal component matter, as in real vectors.
    offset = rng.normal(size=dim)
    return {w: (offset + 0.5 * rng.normal(size=dim)).astype(np.float32) for w in words}


def _sif_reference(token_lists, word_vectors, a, weighted=True, mean=True, remove=True, centred=False):
    counts: dict[str, int] = {}
    for tokens in token_lists:
        for word in tokens:
            counts[word] = counts.get(word, 0) + 1
    total = sum(counts.values())
    rows = []
    for tokens in token_lists:
        weights = np.array([a / (a + counts[w] / total) if weighted is True else
                            (counts[w] / total) / (a + counts[w] / total) if weighted == "inverted" else 1.0
                            for w in tokens])
        summed = weights @ np.stack([word_vectors[w] for w in tokens])
        rows.append(summed / len(tokens) if mean else summed)
    vectors = np.stack(rows).astype(np.float64)
    if not remove:
        return vectors
    fitted = vectors - vectors.mean(axis=0) if centred else vectors
    u = np.linalg.svd(fitted, full_matrices=False)[2][0]
    return vectors - np.outer(vectors @ u, u)


def _sif_package(word_vectors: dict, a: float) -> np.ndarray:
    from gensim.models import KeyedVectors

    from lstmgan_tf import text

    vectors = KeyedVectors(vector_size=len(next(iter(word_vectors.values()))))
    vectors.add_vectors(list(word_vectors), np.stack(list(word_vectors.values())))
    captions = [" ".join(tokens) for tokens in _SIF_CAPTIONS]
    return text.SIFEncoder(vectors, a=a).fit(captions).encode(captions)


def check_sif_vectors(sif_vectors) -> Feedback:
    """Checks ``sif_vectors(token_lists, word_vectors, a) -> (N, dim) array``.

    ``token_lists`` are lists of words, ``word_vectors`` a dict word -> vector.
    ``p(w)`` is the word's count over all ``token_lists`` divided by their total
    number of words; a sentence's vector is the mean over its words of
    ``a / (a + p(w)) * v(w)``; finally the projection on the first principal
    component (first right singular vector, no centring) of all these sentence
    vectors is subtracted from each.
    """
    word_vectors, a = _sif_word_vectors(), 1e-2
    try:
        actual = sif_vectors([list(t) for t in _SIF_CAPTIONS], dict(word_vectors), a)
    except NotImplementedError:
        return Feedback(False, "sif_vectors still raises NotImplementedError; write your solution first.")
    expected = _sif_package(word_vectors, a)
    mismatch = check_close("sif_vectors", actual, expected, atol=1e-4, rtol=1e-3)
    if mismatch is None:
        return Feedback(True, "sif_vectors matches Arora et al.'s SIF (and lstmgan_tf.text.SIFEncoder).")
    if np.shape(actual) != expected.shape:
        return mismatch
    mistakes = [
        (dict(weighted=False), "every word has the same weight; weigh each by a / (a + p(w)) so frequent words count less."),
        (dict(weighted="inverted"), "the weights are inverted: use a / (a + p(w)), which is small for frequent words."),
        (dict(mean=False), "the vectors are sums; divide the weighted sum by the number of words in the caption."),
        (dict(remove=False), "the first principal component is still there; subtract each vector's projection on it."),
        (dict(centred=True), "the principal component was fitted on centred vectors; SIF uses the first singular vector of the uncentred matrix."),
    ]
    for options, message in mistakes:
        if np.allclose(actual, _sif_reference(_SIF_CAPTIONS, word_vectors, a, **options), atol=1e-4, rtol=1e-3):
            return Feedback(False, message)
    return mismatch
