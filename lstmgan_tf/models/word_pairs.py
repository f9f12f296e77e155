"""The pieces of the per-word loss, as plain functions.

Paper 002 generates an image at every word of a caption; its loss (Eqn 2) is
summed over those words. These functions say where the loss is taken
(`word_loss_mask`), which (caption, word) pairs that gives (`word_pairs`),
which other picture each caption is shown as its "mismatched" image
(`choose_mismatched`) and, in the `classroom` recipe, which word positions a
step samples (`sample_word_positions`). The models
(`lstmgan_tf.models.text_to_image.TextToImageGAN`), the exercises and the
tests use them directly.

Example:

>>> import tensorflow as tf
>>> mask = word_loss_mask(tf.constant([[5, 7, 9, 0], [3, 4, 0, 0]]))
>>> mask.numpy().astype(int).tolist()
[[1, 1, 1, 0], [1, 1, 0, 0]]
>>> word_loss_mask(tf.constant([[5, 7, 9, 0]]), loss_at="last_word").numpy().astype(int).tolist()
[[0, 0, 1, 0]]
"""

from __future__ import annotations

import keras
import tensorflow as tf

LOSS_POSITIONS = ("every_word", "last_word")


def word_loss_mask(caption_tokens, loss_at: str = "every_word"):
    """Where the adversarial loss is computed: ``(B, T)`` booleans.

    Args:
        caption_tokens: int tensor ``(B, T)`` of token ids, 0 = padding.
        loss_at: ``"every_word"`` (the paper): every real word;
            ``"last_word"`` (the baseline): only each caption's last real word.

    Returns:
        A boolean tensor ``(B, T)``. A caption without words has no position.
    """
    if loss_at not in LOSS_POSITIONS:
        raise ValueError(f"loss_at={loss_at!r} is not supported; choose one of {LOSS_POSITIONS}.")
    words = tf.not_equal(caption_tokens, 0)
    if loss_at == "every_word":
        return words
    length = tf.shape(caption_tokens)[1]
    positions = tf.broadcast_to(tf.range(length), tf.shape(caption_tokens))
    last = tf.reduce_max(tf.where(words, positions, -1), axis=1)
    # one_hot(-1) is all zeros: a caption without words keeps no position.
    return tf.cast(tf.one_hot(last, length), tf.bool)


def word_pairs(loss_mask):
    """The (caption, word) pairs where the loss is computed, and their weights.

    Each pair's weight is one over the number of loss positions of its caption,
    so that summing ``weight * loss`` over the pairs of a caption gives the
    *average* of that caption's word losses (Algorithm 1's ``1/n sum_t``).

    Args:
        loss_mask: boolean ``(B, T)`` from `word_loss_mask`.

    Returns:
        ``(positions, pair_caption, pair_weight)``: int64 ``(K, 2)`` indices
        ``[caption, word]`` of the K pairs in row-major order, int64 ``(K,)``
        caption of each pair and float32 ``(K,)`` weights.
    """
    positions = tf.where(loss_mask)
    pair_caption = positions[:, 0]
    words_per_caption = tf.reduce_sum(tf.cast(loss_mask, tf.float32), axis=1)
    pair_weight = 1.0 / tf.gather(words_per_caption, pair_caption)
    return positions, pair_caption, pair_weight


def choose_mismatched(image_index, seed=None, sentence_vector=None, temperature: float = 0.0):
    """For each caption of a batch, the batch position of a real image of another picture.

    The mismatched image ``r*`` of Eqn 2 must never be the caption's own image.
    Two captions of the same picture can share a batch, so the choice compares
    *image indices*, not batch positions: position ``j`` is a candidate for
    caption ``i`` when ``image_index[j] != image_index[i]``, and one candidate
    is drawn uniformly (the arg-max of uniform scores over the candidates).

    With a ``temperature`` and the batch's ``sentence_vector``, candidate ``j``
    is drawn with probability proportional to ``exp(cos(s_i, s_j) / temperature)``
    instead (the Gumbel-max trick): a *hard* mismatch, a picture whose caption
    reads like caption ``i``, so D must look past the petal colour that
    tells most random pairs apart (hard negatives, as in VSE++, Faghri et al.
    2018). It needs no labels: the captions' own vectors choose.

    Args:
        image_index: int tensor ``(B,)``: which picture each batch row shows.
        seed: a `keras.random.SeedGenerator` or an int seed.
        sentence_vector: float ``(B, S)``: the batch's caption vectors; only
            read with a ``temperature``.
        temperature: 0 (the paper: uniform) or the softmax temperature of the
            similarity-weighted draw.

    Returns:
        ``(mismatched_position, valid)``: int64 ``(B,)`` batch positions and a
        boolean ``(B,)`` that is `False` for a caption with no candidate (every
        row of the batch shows its picture); its position is then arbitrary and
        its loss term must be dropped.
    """
    image_index = tf.reshape(image_index, [-1])
    batch_size = tf.shape(image_index)[0]
    candidate = tf.not_equal(image_index[:, None], image_index[None, :])
    scores = keras.random.uniform(tf.stack([batch_size, batch_size]), seed=seed)
    if temperature:
        # Gumbel noise plus log-probabilities: the arg-max is a softmax draw.
        gumbel = -tf.math.log(-tf.math.log(tf.clip_by_value(scores, 1e-7, 1.0 - 1e-7)))
        unit = tf.math.l2_normalize(tf.cast(sentence_vector, tf.float32), axis=-1)
        scores = gumbel + tf.matmul(unit, unit, transpose_b=True) / temperature
    scores = tf.where(candidate, scores, tf.float32.min)
    return tf.argmax(scores, axis=1), tf.reduce_any(candidate, axis=1)


def sample_word_positions(loss_mask, count: int, seed=None):
    """Keeps ``count`` loss positions per caption, drawn uniformly without replacement.

    With `word_pairs` weighting each kept pair by one over its caption's kept
    count, the sampled loss is an unbiased estimate of the every-word average:
    every word has the same chance ``count / n`` to be drawn. Captions with
    ``count`` or fewer positions keep them all.

    Args:
        loss_mask: boolean ``(B, T)`` from `word_loss_mask`.
        count: positions to keep per caption.
        seed: a `keras.random.SeedGenerator` or an int seed.

    Returns:
        A boolean ``(B, T)`` mask, a subset of ``loss_mask``.
    """
    scores = keras.random.uniform(tf.shape(loss_mask), seed=seed)
    scores = tf.where(loss_mask, scores, -1.0)
    length = tf.shape(loss_mask)[1]
    top = tf.math.top_k(scores, k=tf.minimum(count, length)).values
    threshold = top[:, -1:]
    return tf.logical_and(loss_mask, scores >= threshold)
