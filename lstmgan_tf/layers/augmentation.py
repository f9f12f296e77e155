"""Differentiable augmentation of what a discriminator sees (DiffAugment).

A GAN trained on a few thousand images for many epochs lets its
discriminator memorise the training set; its gradients then stop telling
the generator anything useful. Zhao et al. 2020 ("Differentiable
Augmentation for Data-Efficient GAN Training") augment *every* image D sees,
real and generated, in D's and G's updates alike, with operations that
gradients flow through, so G is never asked to draw the augmentation.

Only translation is offered here: the condition of a text-to-image GAN is
the caption's colours and shapes, which colour jitter would destroy and a
cutout could hide.

Example:

>>> images = np.zeros((2, 8, 8, 3), "float32")
>>> images[:, 4, 4] = 1.0
>>> shifted = translate_randomly(images, max_shift=2, seed=0)
>>> tuple(shifted.shape), float(np.sum(shifted))
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
