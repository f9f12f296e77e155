"""Differentiable augmentation of what a discriminator sees (DiffAugment).

A GAN trained on a few thousand images for many epochs lets its
discriminator memorise the training set; its gradients then stop telling
the generator anything useful. Zhao et al. 2020 ("Differentiable
Augmentation for Data-Efficient GAN Training") augment *every* image D sees,
real and generated, in D's and G's updates alike, with operations that
gradients flow through, so G is never asked to draw the augmentation.

Translation and the symmetries of the square are offered here: the
condition of a text-to-image GAN is the caption's colours and shapes, which
colour jitter would destroy and a cutout could hide, while a flower seen from
above keeps its colour and its petal count when it is turned or mirrored.

Example:

>>> import numpy as np
>>> images = np.zeros((2, 8, 8, 3), "float32")
>>> images[:, 4, 4] = 1.0
>>> shifted = translate_randomly(images, max_shift=2, seed=0)
>>> tuple(shifted.shape), float(np.sum(shifted))
((2, 8, 8, 3), 6.0)
>>> turned = rotate_and_flip_randomly(images, probability=1.0, seed=0)
>>> tuple(turned.shape), float(np.sum(turned))
((2, 8, 8, 3), 6.0)
"""

from __future__ import annotations

import keras
import tensorflow as tf


def translate_randomly(images, max_shift: int, seed=None):
    """Shifts each image by its own random whole number of pixels, filling with zeros.

    DiffAugment's ``translation``: each image moves by ``(dy, dx)`` drawn
    uniformly from ``[-max_shift, max_shift]``; what moves out is lost, what
    comes in is 0 (mid-grey for images in [-1, 1]). The gradient reaches the
    input pixels that stay in view.

    Args:
        images: float ``(B, H, W, C)``.
        max_shift: largest shift in pixels (DiffAugment: 1/8 of the side).
        seed: a `keras.random.SeedGenerator` or an int seed.

    Returns:
        The shifted images, same shape and dtype.
    """
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"max_shift={max_shift!r} must be a whole number of pixels >= 0.")
    images = tf.convert_to_tensor(images)
    if max_shift == 0:
        return images
    shape = tf.shape(images)
    batch_size, height, width = shape[0], shape[1], shape[2]
    shifts = keras.random.randint((batch_size, 2), -max_shift, max_shift + 1, seed=seed, dtype="int32")
    padded = tf.pad(images, [[0, 0], [max_shift, max_shift], [max_shift, max_shift], [0, 0]])
    # Row r of the output is row r - dy of the input, i.e. row r - dy + max_shift of the padding.
    rows = tf.range(height)[None, :] + max_shift - shifts[:, :1]
    columns = tf.range(width)[None, :] + max_shift - shifts[:, 1:]
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(shifted, columns, axis=2, batch_dims=1)


def check_probability(name: str, value) -> None:
    """A number (not a bool) in [0, 1], or a `ValueError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name}={value!r} must be a probability in [0, 1]; 0 switches it off.")


def rotate_and_flip_randomly(images, probability: float, seed=None):
    """Turns or mirrors each square image, with ``probability``, by one of the 8 symmetries of the square.

    The 8 are the rotations by 0, 90, 180 and 270 degrees, each with or
    without a mirror image: a transpose, an upside-down flip and a
    left-right flip, each taken or not at random, make each of them equally
    likely. Every pixel is kept, so colours and counts are too. Karras et al.
    2020 ("Training Generative Adversarial Networks with Limited Data", ADA)
    list these as "pixel blitting" and find that they do not leak into the
    generated images as long as the probability stays below about 0.8; a
    dataset that is itself symmetric (a flower seen from above) cannot leak.

    Args:
        images: float ``(B, S, S, C)``, square.
        probability: chance in [0, 1] that an image is given a random
            symmetry (the identity among them); 0 returns ``images``.
        seed: a `keras.random.SeedGenerator` or an int seed.

    Returns:
        The transformed images, same shape and dtype.
    """
    check_probability("probability", probability)
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4 or (images.shape[1] is not None and images.shape[1] != images.shape[2]):
        raise ValueError(f"images must be square, (B, S, S, C); got shape {tuple(images.shape)}.")
    if probability == 0:
        return images
    batch_size = tf.shape(images)[0]
    draws = keras.random.uniform((batch_size, 4), seed=seed)
    applied = draws[:, :1] < probability
    # Three independent coin flips, each taken only for the images chosen above.
    transpose, flip_rows, flip_columns = (
        tf.reshape(tf.logical_and(applied, draws[:, k:k + 1] < 0.5), (-1, 1, 1, 1)) for k in range(1, 4)
    )
    images = tf.where(transpose, tf.transpose(images, [0, 2, 1, 3]), images)
    images = tf.where(flip_rows, tf.reverse(images, [1]), images)
    return tf.where(flip_columns, tf.reverse(images, [2]), images)
