"""An LSTM that reads an image as a sequence and says whether it is real.

Paper 000 (an LSTM as the discriminator of a GAN) feeds images to an LSTM. An
LSTM needs a sequence, so the image is cut into one: by default each of its
``H`` rows is a time step of ``W * 3`` numbers, read top to bottom; columns
(left to right) and square patches (in raster order) are options. The last
hidden state goes through a linear layer to one real/fake logit, so the model
is a drop-in replacement for `lstmgan_tf.layers.dcgan.build_discriminator`.

- `ImageToSequence`: the layer that turns ``(B, H, W, C)`` into a sequence.
- `build_lstm_discriminator`: image -> sequence -> LSTM -> logit, on either
  ``keras.layers.LSTM`` or the kit's hand-written `lstmgan_tf.layers.LSTMCell`.
- `lstm_units_for_parameter_count`: the number of units that gives the model
  about as many weights as another discriminator, for a fair comparison.
- `logits_after_each_step`: the logit the model would give after reading only
  the first ``t`` rows, for every ``t`` at once.

Example:

>>> discriminator = build_lstm_discriminator(image_size=32, units=16)
>>> logits = discriminator(keras.random.normal((2, 32, 32, 3)))
>>> tuple(logits.shape)
(2, 1)
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.config import SUPPORTED_IMAGE_SIZES

SEQUENCE_MODES = ("rows", "columns", "patches")
CELL_KINDS = ("keras", "handwritten")


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class ImageToSequence(keras.layers.Layer):
    """Cuts images into sequences an RNN can read.

    Args:
        mode: ``"rows"`` (one time step per row, top to bottom, each step the
            row's ``W * C`` values), ``"columns"`` (one step per column, left to
            right, ``H * C`` values) or ``"patches"`` (one step per
            ``patch_size x patch_size`` patch in raster order, ``patch_size**2 * C``
            values).
        patch_size: side of a square patch; used only by ``"patches"`` and must
            divide the image's height and width.

    Call arguments:
        images: a tensor of shape ``(B, H, W, C)``.

    Returns:
        A tensor of shape ``(B, steps, features)``.

    Example:

    >>> tuple(ImageToSequence("rows")(keras.ops.zeros((2, 32, 32, 3))).shape)
    (2, 32, 96)
    """

    def __init__(self, mode: str = "rows", patch_size: int = 4, **kwargs):
        super().__init__(**kwargs)
        if mode not in SEQUENCE_MODES:
            raise ValueError(f"unknown sequence mode {mode!r}; choose one of: {', '.join(SEQUENCE_MODES)}.")
        check_positive_int("patch_size", patch_size)
        self.mode = mode
        self.patch_size = patch_size

    def build(self, input_shape):
        if len(input_shape) != 4 or any(size is None for size in input_shape[1:]):
            raise ValueError(
                f"ImageToSequence expects images of shape (B, H, W, C) with known H, W, C, got {input_shape}."
            )
        height, width = input_shape[1], input_shape[2]
        if self.mode == "patches" and (height % self.patch_size or width % self.patch_size):
            raise ValueError(
                f"patch_size={self.patch_size} does not divide the image size {height}x{width}."
            )

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        if self.mode == "rows":
            return (batch, height, width * channels)
        if self.mode == "columns":
            return (batch, width, height * channels)
        patches = (height // self.patch_size) * (width // self.patch_size)
        return (batch, patches, self.patch_size * self.patch_size * channels)

    def call(self, images):
        _, height, width, channels = images.shape
        if self.mode == "rows":
            return ops.reshape(images, (-1, height, width * channels))
        if self.mode == "columns":
            return ops.reshape(ops.transpose(images, (0, 2, 1, 3)), (-1, width, height * channels))
        size = self.patch_size
        grid = ops.reshape(images, (-1, height // size, size, width // size, size, channels))
        # Bring the two patch-grid axes together so patches come out in raster order.
        grid = ops.transpose(grid, (0, 1, 3, 2, 4, 5))
        return ops.reshape(grid, (-1, (height // size) * (width // size), size * size * channels))

    def get_config(self):
        base_config = super().get_config()
        config = {"mode": self.mode, "patch_size": self.patch_size}
        return {**base_config, **config}


def _check_image_size(image_size) -> None:
    if image_size not in SUPPORTED_IMAGE_SIZES:
        raise ValueError(
            f"image_size={image_size!r} is not supported; choose one of {SUPPORTED_IMAGE_SIZES}."
        )


def sequence_shape(image_size: int, sequence: str = "rows", patch_size: int = 4, channels: int = 3) -> tuple[int, int]:
    """Returns ``(steps, features)`` of the sequence an image becomes."""
    return ImageToSequence(sequence, patch_size).compute_output_shape(
        (None, image_size, image_size, channels)
    )[1:]


def _recurrent_layer(cell: str, units: int):
    if cell == "keras":
        return layers.LSTM(units, name="lstm")
    # The kit's hand-written cell (notebook 02) in its RNN layer, which
    # computes the input projection of all rows in one matmul.
    from lstmgan_tf.layers.lstm_cell import LSTM

    return LSTM(units, name="lstm")


def build_lstm_discriminator(
    image_size: int = 64,
    units: int = 128,
    sequence: str = "rows",
    patch_size: int = 4,
    cell: str = "keras",
    name: str = "lstm_discriminator",
) -> keras.Model:
    """Builds an LSTM discriminator: an image -> a sequence -> LSTM -> one logit.

    The image is read as a sequence (see `ImageToSequence`); the LSTM's last
    hidden state, which has seen the whole image, goes through a linear layer
    to one real/fake logit (positive means "real"), the same contract as
    `lstmgan_tf.layers.dcgan.build_discriminator`, so `lstmgan_tf.models.GAN`
    and the detector study take either.

    Args:
        image_size: input height and width: 32, 64 or 128.
        units: hidden units of the LSTM.
        sequence: ``"rows"``, ``"columns"`` or ``"patches"``.
        patch_size: side of a patch when ``sequence="patches"``.
        cell: ``"keras"`` for ``keras.layers.LSTM`` or ``"handwritten"`` for
            `lstmgan_tf.layers.LSTM`, the RNN layer around the kit's own
            `lstmgan_tf.layers.LSTMCell`; both compute the same function with
            the same weights (`lstmgan_tf.layers.copy_lstm_weights` copies
            them from one to the other).
        name: model name.

    Returns:
        A functional `keras.Model` mapping ``(B, image_size, image_size, 3)``
        to logits of shape ``(B, 1)``; its layers are named
        ``image_to_sequence``, ``lstm`` and ``logit``.

    Raises:
        ValueError: if an argument is out of range or ``patch_size`` does not
            divide ``image_size``.
    """
    _check_image_size(image_size)
    check_positive_int("units", units)
    if cell not in CELL_KINDS:
        raise ValueError(f"unknown cell {cell!r}; choose one of: {', '.join(CELL_KINDS)}.")
    images = keras.Input((image_size, image_size, 3), name="image")
    steps = ImageToSequence(sequence, patch_size, name="image_to_sequence")(images)
    last_hidden_state = _recurrent_layer(cell, units)(steps)
    # The logit is kept in float32 even under mixed precision, as in the DCGAN.
    logits = layers.Dense(1, dtype="float32", name="logit")(last_hidden_state)
    return keras.Model(images, logits, name=name)


def lstm_parameter_count(units: int, input_features: int) -> int:
    """Weights of a one-layer LSTM plus its one-logit head.

    An LSTM has four gates, each with an input kernel, a recurrent kernel and a
    bias: ``4 * units * (input_features + units + 1)``; the head adds
    ``units + 1``.
    """
    return 4 * units * (input_features + units + 1) + units + 1


def lstm_units_for_parameter_count(
    parameter_count: int, image_size: int, sequence: str = "rows", patch_size: int = 4
) -> int:
    """Returns the LSTM units whose discriminator has about ``parameter_count`` weights.

    Solves ``4 u^2 + (4 d + 5) u + 1 = parameter_count`` for ``u`` (``d``: the
    features per time step) and rounds to the nearest integer, so that an LSTM
    detector can be compared with a CNN of the same size.

    Args:
        parameter_count: weights to match, e.g. ``cnn.count_params()``.
        image_size: the images' height and width.
        sequence: how the image is read (see `ImageToSequence`).
        patch_size: patch side for ``"patches"``.

    Returns:
        A positive number of units.

    Example:

    >>> lstm_units_for_parameter_count(115_585, image_size=32)
    128
    """
    check_positive_int("parameter_count", parameter_count)
    _, features = sequence_shape(image_size, sequence, patch_size)
    a, b, c = 4.0, 4.0 * features + 5.0, 1.0 - parameter_count
    units = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return max(1, round(units))


def logits_after_each_step(discriminator: keras.Model, images, batch_size: int = 256):
    """Returns the logit after each time step: what the model says having read ``t`` rows.

    An LSTM is causal: its hidden state after step ``t`` depends on the first
    ``t`` rows only, so applying the logit head to it gives exactly the logit
    the discriminator would give if the rows after ``t`` did not exist. One
    pass over the full image therefore gives the answer for every ``t``.

    Args:
        discriminator: a model from `build_lstm_discriminator`.
        images: array of shape ``(N, H, W, 3)`` in [-1, 1].
        batch_size: images per forward pass.

    Returns:
        A NumPy array of shape ``(N, steps)``; its last column equals
        ``discriminator.predict(images)[:, 0]``.
    """
    import numpy as np

    try:
        to_sequence = discriminator.get_layer("image_to_sequence")
        recurrent = discriminator.get_layer("lstm")
        head = discriminator.get_layer("logit")
    except ValueError as error:
        raise ValueError(
            f"model {discriminator.name!r} is not an LSTM discriminator from "
            "build_lstm_discriminator (it needs layers 'image_to_sequence', 'lstm', 'logit')."
        ) from error
    # A twin of the recurrent layer that returns every step, with the same weights.
    config = {**recurrent.get_config(), "return_sequences": True, "name": f"{recurrent.name}_every_step"}
    every_step = type(recurrent).from_config(config)
    every_step.build(to_sequence.compute_output_shape((None, *discriminator.input_shape[1:])))
    every_step.set_weights(recurrent.get_weights())
    images = np.asarray(images, dtype="float32")
    chunks = []
    for start in range(0, len(images), batch_size):
        hidden_states = every_step(to_sequence(images[start : start + batch_size]))
        chunks.append(ops.convert_to_numpy(head(hidden_states))[..., 0])
    return np.concatenate(chunks, axis=0)
