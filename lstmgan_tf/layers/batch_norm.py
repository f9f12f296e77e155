"""`PartwiseBatchNormalization`: DCGAN's batch norm, one call for several batches.

A GAN's discriminator sees three batches per update in Algorithm 1 of Ouyang
et al. (and Reed et al.'s GAN-CLS): real images, mismatched real images and
generated images. Called on each batch alone, every batch-norm layer
normalises it by its own mean and variance. One call on the three batches
stacked is faster (each convolution runs once on 3B images instead of three
times on B), but a plain batch norm would then mix the three batches'
statistics, which changes the maths: D could tell a generated image by the
real ones beside it.

Within `moments_per_part`, this layer computes the moments of each part of
the stacked batch on its own, normalises each part by them and updates its
moving averages once per part, in order: the same numbers, to float
rounding, as one call per part. Outside it, it is Keras's
`keras.layers.BatchNormalization`, except that ``synchronized=True`` sums the
moments across replicas only when there are several: on one device Keras's
synchronised path (sums of squares, an all-reduce per statistic) costs time
and buys nothing.

Example:

>>> import numpy as np
>>> layer = PartwiseBatchNormalization(epsilon=1e-5)
>>> parts = [np.random.default_rng(0).normal(size=(4, 2, 2, 3)).astype("float32"),
...          np.random.default_rng(1).normal(3.0, 2.0, (4, 2, 2, 3)).astype("float32")]
>>> with moments_per_part([4, 4]):
...     stacked = layer(np.concatenate(parts), training=True)
>>> separately = [PartwiseBatchNormalization(epsilon=1e-5)(part, training=True) for part in parts]
>>> bool(np.allclose(stacked, np.concatenate(separately), atol=1e-5))
True
"""

from __future__ import annotations

import contextlib
import threading

import keras
import tensorflow as tf
from keras import ops

_STATE = threading.local()


def _several_replicas() -> bool:
    context = tf.distribute.get_replica_context()
    return context is not None and context.num_replicas_in_sync > 1


def active_part_sizes():
    """The part sizes set by the innermost `moments_per_part`, or `None`."""
    return getattr(_STATE, "part_sizes", None)


def keras_moments_active() -> bool:
    """Whether `keras_moments` is in force (the reference step's statistics)."""
    return getattr(_STATE, "keras_moments", False)


@contextlib.contextmanager
def moments_per_part(part_sizes):
    """Within it, `PartwiseBatchNormalization` layers in training normalise each part by its own moments.

    Args:
        part_sizes: the number of rows of each part, in the order they are
            stacked (Python ints or scalar tensors; the number of parts must be
            known when the step is traced).
    """
    if len(part_sizes) < 1:
        raise ValueError("moments_per_part needs at least one part size.")
    previous = active_part_sizes()
    _STATE.part_sizes = list(part_sizes)
    try:
        yield
    finally:
        _STATE.part_sizes = previous


@contextlib.contextmanager
def keras_moments():
    """Within it, `PartwiseBatchNormalization` computes its moments exactly as Keras's own layer does.

    The kit's reference training step (`lstmgan_tf.models.text_to_image`,
    ``step="reference"``) runs under it, so that benchmarks time the step as
    it was before the faster one: with ``synchronized=True`` Keras takes the
    all-reduce path even on one device.
    """
    previous = keras_moments_active()
    _STATE.keras_moments = True
    try:
        yield
    finally:
        _STATE.keras_moments = previous


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class PartwiseBatchNormalization(keras.layers.BatchNormalization):
    """Batch normalization with moments per part of the batch (`moments_per_part`).

    Takes the arguments of `keras.layers.BatchNormalization`. With
    ``synchronized=True`` the moments are summed across replicas when a
    distribution strategy runs several (as Keras does), and computed locally,
    with Keras's unsynchronised moments, on one.

    Call arguments:
        inputs: the batch, ``(N, ..., C)`` with channels last.
        training: batch statistics (training) or the moving averages.
        mask: as Keras's layer; not supported within `moments_per_part`.
    """

    def _moments(self, inputs, mask):
        if mask is None and self.synchronized and not keras_moments_active() and not _several_replicas():
            return ops.moments(inputs, axes=self._reduction_axes)
        return super()._moments(inputs, mask)

    def call(self, inputs, training=None, mask=None):
        part_sizes = active_part_sizes()
        if not (training and self.trainable and part_sizes) or len(part_sizes) == 1:
            return super().call(inputs, training=training, mask=mask)
        if mask is not None:
            raise ValueError(f"{self.name}: a mask is not supported with moments per part.")
        if self.renorm or self.axis not in (-1, len(inputs.shape) - 1):
            raise ValueError(f"{self.name}: moments per part need channels last and no renorm.")
        compute_dtype = keras.backend.result_type(inputs.dtype, "float32")
        inputs = ops.cast(inputs, compute_dtype)
        parts = tf.split(inputs, tf.stack([tf.cast(size, tf.int32) for size in part_sizes]), num=len(part_sizes))
        moments = [self._moments(part, None) for part in parts]
        # One moving-average update per part, in stacking order: what one
        # call per part does.
        moving_mean, moving_variance = self.moving_mean, self.moving_variance
        for mean, variance in moments:
            moving_mean.assign(
                ops.cast(moving_mean, compute_dtype) * self.momentum + mean * (1.0 - self.momentum))
            moving_variance.assign(
                ops.cast(moving_variance, compute_dtype) * self.momentum + variance * (1.0 - self.momentum))
        # x * a + b, with a = gamma / sqrt(var + eps) and b = beta - mean * a
        # of each row's part (what `tf.nn.batch_normalization` computes).
        scales, offsets = [], []
        for mean, variance in moments:
            scale = ops.rsqrt(variance + self.epsilon)
            if self.scale:
                scale = scale * ops.cast(self.gamma, compute_dtype)
            offset = -mean * scale
            if self.center:
                offset = offset + ops.cast(self.beta, compute_dtype)
            scales.append(scale)
            offsets.append(offset)
        rows_per_part = tf.stack([tf.shape(part)[0] for part in parts])
        row_shape = [-1] + [1] * (len(inputs.shape) - 2) + [inputs.shape[-1]]
        row_scale = ops.reshape(tf.repeat(tf.stack(scales), rows_per_part, axis=0), row_shape)
        row_offset = ops.reshape(tf.repeat(tf.stack(offsets), rows_per_part, axis=0), row_shape)
        return ops.cast(inputs * row_scale + row_offset, self.compute_dtype)
