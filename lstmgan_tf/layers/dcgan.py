"""DCGAN building blocks (Radford et al. 2016), as used by Reed et al. 2016 and
Ouyang et al. for text-to-image synthesis.

- `build_generator`: a vector (noise, a sentence vector plus noise, or the LSTM's
  hidden state h_t) -> an RGB image in [-1, 1] of 32, 64 or 128 pixels.
- `build_discriminator`: an RGB image -> one real/fake logit; optionally
  conditioned on a vector (a sentence vector), which is projected, replicated
  over the 4x4 feature map and concatenated to it, as Reed et al. do.

Widths follow DCGAN's ``ngf``/``ndf`` convention: the generator's last hidden
layer has ``width`` filters and each earlier one twice as many; the
discriminator's first layer has ``width`` filters and each later one twice as
many.

Example:

>>> generator = build_generator(input_dim=64, image_size=32, width=16)
>>> discriminator = build_discriminator(image_size=32, width=16, condition_dim=8)
>>> images = generator(keras.random.normal((2, 64)))
>>> logits = discriminator([images, keras.random.normal((2, 8))])
>>> tuple(images.shape), tuple(logits.shape)
((2, 32, 32, 3), (2, 1))
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.layers.batch_norm import PartwiseBatchNormalization
from lstmgan_tf.config import SUPPORTED_IMAGE_SIZES

# DCGAN's initialisation: weights from N(0, 0.02).
_INIT_STDDEV = 0.02


def _check_image_size(image_size: int) -> int:
    if image_size not in SUPPORTED_IMAGE_SIZES:
        raise ValueError(
            f"image_size={image_size!r} is not supported; choose one of {SUPPORTED_IMAGE_SIZES}."
        )
    return int(math.log2(image_size // 4))


def _conv_init():
    return keras.initializers.RandomNormal(stddev=_INIT_STDDEV)


def _batch_norm(name: str, affine: bool = True):
    """DCGAN's batch norm; ``affine=False`` leaves out its own scale and shift.

    A `PartwiseBatchNormalization`: Keras's layer, which can also normalise
    the real, mismatched and generated images of one discriminator call each
    by their own moments (`lstmgan_tf.layers.batch_norm`).
    """
    # DCGAN scales batch-norm gammas from N(1, 0.02).
    return PartwiseBatchNormalization(
        momentum=0.9,
        synchronized=True,
        epsilon=1e-5,
        center=affine,
        scale=affine,
        gamma_initializer=keras.initializers.RandomNormal(1.0, _INIT_STDDEV),
        name=name,
    )


def _check_feature_and_condition(layer_name: str, input_shape):
    feature_shape, condition_shape = input_shape
    if len(feature_shape) != 4 or len(condition_shape) != 2:
        raise ValueError(
            f"{layer_name} expects [feature_map (B, H, W, C), condition (B, D)], "
            f"got shapes {feature_shape} and {condition_shape}."
        )
    return feature_shape, condition_shape


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class SpatialCondition(keras.layers.Layer):
    """Projects a condition vector and replicates it over a feature map.

    This is how Reed et al. 2016 join a sentence vector to the discriminator:
    ``Dense -> LeakyReLU``, tiled to the spatial size of the 4x4 feature map and
    concatenated to it along the channels.

    Args:
        projection_dim: size of the projected condition.
        negative_slope: slope of the leaky ReLU.

    Call arguments:
        inputs: a list ``[feature_map, condition]`` of shapes ``(B, H, W, C)``
            and ``(B, D)``.

    Returns:
        A tensor of shape ``(B, H, W, C + projection_dim)``.
    """

    def __init__(self, projection_dim: int, negative_slope: float = 0.2, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("projection_dim", projection_dim)
        self.projection_dim = projection_dim
        self.negative_slope = negative_slope
        self.projection = layers.Dense(
            projection_dim, kernel_initializer=_conv_init(), name="projection"
        )

    def build(self, input_shape):
        _, condition_shape = _check_feature_and_condition("SpatialCondition", input_shape)
        self.projection.build(condition_shape)

    def call(self, inputs):
        feature_map, condition = inputs
        projected = ops.leaky_relu(self.projection(condition), self.negative_slope)
        projected = ops.cast(projected, feature_map.dtype)
        height, width = ops.shape(feature_map)[1], ops.shape(feature_map)[2]
        tiled = ops.tile(projected[:, None, None, :], [1, height, width, 1])
        return ops.concatenate([feature_map, tiled], axis=-1)

    def compute_output_shape(self, input_shape):
        feature_shape, _ = input_shape
        return (*feature_shape[:3], feature_shape[3] + self.projection_dim)

    def get_config(self):
        base_config = super().get_config()
        config = {"projection_dim": self.projection_dim, "negative_slope": self.negative_slope}
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch norm whose scale and shift are set by a condition vector.

    ``(1 + gamma(c)) * BN(x) + beta(c)``, with ``gamma`` and ``beta`` linear
    maps of the condition to one number per channel: conditional batch norm
    (de Vries et al. 2017, "Modulating early visual processing by language";
    FiLM, Perez et al. 2018), as SN-GAN's and BigGAN's class-conditional
    generators and DF-GAN's text-conditional one use it. The condition then
    reaches every layer of the generator instead of the first one only. Both
    maps start at zero, so the layer starts as a plain batch norm.

    Args:
        name: layer name; the batch norm itself is ``{name}_statistics``.

    Call arguments:
        inputs: ``[feature_map (B, H, W, C), condition (B, D)]``.
        training: batch statistics (training) or the moving averages.

    Returns:
        A tensor shaped like ``feature_map``.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.normalization = _batch_norm(f"{self.name}_statistics", affine=False)
        self.scale = None
        self.shift = None

    def build(self, input_shape):
        feature_shape, condition_shape = _check_feature_and_condition("ConditionalBatchNormalization", input_shape)
        channels = feature_shape[-1]
        self.normalization.build(feature_shape)
        self.scale = layers.Dense(channels, kernel_initializer="zeros", name="scale")
        self.shift = layers.Dense(channels, kernel_initializer="zeros", name="shift")
        self.scale.build(condition_shape)
        self.shift.build(condition_shape)

    def call(self, inputs, training=False):
        feature_map, condition = inputs
        normalised = self.normalization(feature_map, training=training)
        scale = ops.cast(self.scale(condition), normalised.dtype)[:, None, None, :]
        shift = ops.cast(self.shift(condition), normalised.dtype)[:, None, None, :]
        return normalised * (1.0 + scale) + shift

    def compute_output_shape(self, input_shape):
        return input_shape[0]


GENERATOR_UPSAMPLINGS = ("transpose", "resize")
GENERATOR_CONDITIONINGS = ("input", "batch_norm")


def build_generator(
    input_dim: int, image_size: int = 64, width: int = 64, name: str = "generator",
    upsampling: str = "transpose", conditioning: str = "input",
) -> keras.Model:
    """Builds a DCGAN generator: a vector -> an image in [-1, 1].

    Args:
        input_dim: size of the input vector.
        image_size: output height and width: 32, 64 or 128.
        width: filters of the last hidden layer (DCGAN's ``ngf``).
        name: model name.
        upsampling: ``"transpose"`` (DCGAN: 4x4 transposed convolutions with
            stride 2) or ``"resize"`` (nearest-neighbour doubling, then a 3x3
            convolution: Odena et al. 2016, "Deconvolution and Checkerboard
            Artifacts"; a transposed convolution whose kernel is not a multiple
            of its stride paints overlapping, uneven patterns that training
            must first learn to cancel).
        conditioning: where the input vector enters: ``"input"`` (DCGAN: it
            is projected to the 4x4 map, and only there) or ``"batch_norm"``
            (it also sets the scale and shift of every batch norm,
            `ConditionalBatchNormalization`).

    Returns:
        A functional `keras.Model` mapping ``(B, input_dim)`` to
        ``(B, image_size, image_size, 3)``.
    """
    upsamplings = _check_image_size(image_size)
    check_positive_int("input_dim", input_dim)
    check_positive_int("width", width)
    if upsampling not in GENERATOR_UPSAMPLINGS:
        raise ValueError(f"upsampling={upsampling!r} is not supported; choose one of {GENERATOR_UPSAMPLINGS}.")
    if conditioning not in GENERATOR_CONDITIONINGS:
        raise ValueError(
            f"conditioning={conditioning!r} is not supported; choose one of {GENERATOR_CONDITIONINGS}."
        )

    def batch_normalised(x, generator_input, layer_name):
        if conditioning == "batch_norm":
            return ConditionalBatchNormalization(name=layer_name)([x, generator_input])
        return _batch_norm(layer_name)(x)

    def doubled(x, filters, layer_name, use_bias):
        if upsampling == "transpose":
            return layers.Conv2DTranspose(
                filters, 4, strides=2, padding="same", use_bias=use_bias,
                kernel_initializer=_conv_init(), name=layer_name,
            )(x)
        x = layers.UpSampling2D(2, interpolation="nearest", name=f"{layer_name}_resize")(x)
        return layers.Conv2D(filters, 3, padding="same", use_bias=use_bias, kernel_initializer=_conv_init(),
                             name=layer_name)(x)

    channels = width * 2 ** (upsamplings - 1)
    inputs = keras.Input((input_dim,), name="generator_input")
    x = layers.Dense(4 * 4 * channels, use_bias=False, kernel_initializer=_conv_init(), name="project")(inputs)
    x = layers.Reshape((4, 4, channels), name="to_4x4")(x)
    x = batch_normalised(x, inputs, "project_bn")
    x = layers.ReLU(name="project_relu")(x)
    for level in range(upsamplings - 1):
        channels //= 2
        size = 8 * 2**level
        x = doubled(x, channels, f"up_{size}", use_bias=False)
        x = batch_normalised(x, inputs, f"up_{size}_bn")
        x = layers.ReLU(name=f"up_{size}_relu")(x)
    x = doubled(x, 3, f"up_{image_size}", use_bias=True)
    # The image is kept in float32 even under mixed precision.
    outputs = layers.Activation("tanh", dtype="float32", name="image")(x)
    return keras.Model(inputs, outputs, name=name)


DISCRIMINATOR_CONDITIONS = ("concat", "projection")


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class ProjectionLogit(keras.layers.Layer):
    """The condition term of a projection discriminator (Miyato & Koyama 2018).

    ``<embed(y), mean_xy(phi(x))>``: the condition is mapped to the feature
    map's channels and compared with the spatially averaged features by an
    inner product. Added to the unconditional logit, it lets D score "does this
    image match this text" directly, instead of having to discover it through
    a concatenation; it converges in far fewer steps (measured in issue 11).

    Args:
        spectral_norm: wrap the condition's projection in spectral normalisation.

    Call arguments:
        inputs: ``[feature_map (B, H, W, C), condition (B, D)]``.

    Returns:
        ``(B, 1)`` logits.
    """

    def __init__(self, spectral_norm: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.spectral_norm = bool(spectral_norm)
        self.embedding = None

    def build(self, input_shape):
        feature_shape, condition_shape = _check_feature_and_condition("ProjectionLogit", input_shape)
        embedding = layers.Dense(feature_shape[-1], use_bias=False, kernel_initializer=_conv_init(),
                                 name="embedding")
        self.embedding = layers.SpectralNormalization(embedding, name="embedding_sn") if self.spectral_norm else embedding
        self.embedding.build(condition_shape)

    def call(self, inputs):
        feature_map, condition = inputs
        pooled = ops.mean(feature_map, axis=(1, 2))
        embedded = ops.cast(self.embedding(condition), pooled.dtype)
        return ops.sum(pooled * embedded, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "spectral_norm": self.spectral_norm}


def build_discriminator(
    image_size: int = 64,
    width: int = 64,
    condition_dim: int | None = None,
    condition_projection_dim: int = 128,
    condition: str = "concat",
    spectral_norm: bool = False,
    depth: int = 1,
    name: str = "discriminator",
) -> keras.Model:
    """Builds a DCGAN discriminator: an image (and a condition) -> one logit.

    Args:
        image_size: input height and width: 32, 64 or 128.
        width: filters of the first layer (DCGAN's ``ndf``).
        condition_dim: size of the condition vector, or `None` for an
            unconditional discriminator that takes the image alone.
        condition_projection_dim: size the condition is projected to before it
            is replicated over the 4x4 feature map (Reed et al. use 128).
        condition: how the condition meets the image: ``"concat"`` (Reed et
            al. 2016 and the paper: projected, tiled over the 4x4 map and
            concatenated) or ``"projection"`` (Miyato & Koyama 2018: an inner
            product of the condition's embedding and the pooled features,
            added to the logit).
        spectral_norm: wrap every convolution and dense layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018) and drop
            D's batch norm, as SN-GAN does; it bounds D's Lipschitz constant,
            which steadies training.
        depth: convolutions at each resolution. 1 is DCGAN's one 4x4
            stride-2 convolution; each more adds a 3x3 stride-1 convolution
            after it (the ``n_extra_layers`` of the WGAN authors' DCGAN
            discriminator, Arjovsky et al. 2017, here at every resolution).
            One layer per resolution sees colours but hardly counts petals.
        name: model name.

    Returns:
        A functional `keras.Model` mapping ``image`` (or ``[image, condition]``)
        to logits of shape ``(B, 1)``.
    """
    downsamplings = _check_image_size(image_size)
    check_positive_int("width", width)
    check_positive_int("depth", depth)
    if condition not in DISCRIMINATOR_CONDITIONS:
        raise ValueError(f"condition={condition!r} is not supported; choose one of {DISCRIMINATOR_CONDITIONS}.")

    def normalised(layer):
        return layers.SpectralNormalization(layer, name=f"{layer.name}_sn") if spectral_norm else layer

    image = keras.Input((image_size, image_size, 3), name="image")
    x = image
    channels = width
    for level in range(downsamplings):
        size = image_size // 2 ** (level + 1)
        x = normalised(layers.Conv2D(
            channels, 4, strides=2, padding="same", use_bias=level == 0 or spectral_norm,
            kernel_initializer=_conv_init(), name=f"down_{size}",
        ))(x)
        # DCGAN: no batch norm on the discriminator's first layer.
        if level > 0 and not spectral_norm:
            x = _batch_norm(f"down_{size}_bn")(x)
        x = layers.LeakyReLU(0.2, name=f"down_{size}_lrelu")(x)
        for extra in range(1, depth):
            x = normalised(layers.Conv2D(
                channels, 3, padding="same", use_bias=spectral_norm, kernel_initializer=_conv_init(),
                name=f"extra_{size}_{extra}",
            ))(x)
            if not spectral_norm:
                x = _batch_norm(f"extra_{size}_{extra}_bn")(x)
            x = layers.LeakyReLU(0.2, name=f"extra_{size}_{extra}_lrelu")(x)
        channels *= 2
    channels //= 2
    inputs = image
    projection = None
    if condition_dim is not None:
        check_positive_int("condition_dim", condition_dim)
        condition_input = keras.Input((condition_dim,), name="condition")
        inputs = [image, condition_input]
        if condition == "concat":
            x = SpatialCondition(condition_projection_dim, name="condition_4x4")([x, condition_input])
            x = normalised(layers.Conv2D(
                channels, 1, use_bias=spectral_norm, kernel_initializer=_conv_init(), name="joint_1x1"
            ))(x)
            if not spectral_norm:
                x = _batch_norm("joint_bn")(x)
            x = layers.LeakyReLU(0.2, name="joint_lrelu")(x)
        else:
            projection = ProjectionLogit(spectral_norm, name="condition_projection")([x, condition_input])
    x = normalised(layers.Conv2D(1, 4, padding="valid", kernel_initializer=_conv_init(), name="logit_conv"))(x)
    if projection is None:
        logits = layers.Flatten(dtype="float32", name="logit")(x)
    else:
        logits = layers.Flatten(name="unconditional_logit")(x)
        logits = layers.Add(dtype="float32", name="logit")([logits, projection])
    return keras.Model(inputs, logits, name=name)
