"""DCGAN building blocks: shapes at every supported size, the condition hook, errors."""

import keras
import numpy as np
import pytest

from lstmgan_tf.layers import dcgan


@pytest.mark.parametrize("image_size", [32, 64, 128])
def test_generator_and_discriminator_shapes(image_size):
    generator = dcgan.build_generator(input_dim=10, image_size=image_size, width=4)
    discriminator = dcgan.build_discriminator(image_size=image_size, width=4)
    images = generator(np.random.default_rng(0).standard_normal((2, 10)).astype("float32"))
    assert tuple(images.shape) == (2, image_size, image_size, 3)
    assert float(keras.ops.max(keras.ops.abs(images))) <= 1.0  # tanh output
    assert tuple(discriminator(images).shape) == (2, 1)


def test_resize_upsampling_doubles_by_repeating_pixels_then_convolving():
    generator = dcgan.build_generator(input_dim=8, image_size=32, width=4, upsampling="resize")
    assert not any(isinstance(layer, keras.layers.Conv2DTranspose) for layer in generator.layers)
    assert [generator.get_layer(f"up_{s}").output.shape[-1] for s in (8, 16, 32)] == [8, 4, 3]
    assert generator.get_layer("up_8").kernel.shape == (3, 3, 16, 8)
    # Before the convolution each 2x2 block repeats one pixel of the smaller map.
    resized = keras.Model(generator.input, generator.get_layer("up_8_resize").output)
    maps = keras.ops.convert_to_numpy(resized(np.ones((1, 8), "float32")))
    np.testing.assert_array_equal(maps[:, ::2, ::2], maps[:, 1::2, 1::2])
    images = generator(np.random.default_rng(0).standard_normal((2, 8)).astype("float32"))
    assert tuple(images.shape) == (2, 32, 32, 3)


def test_conditional_batch_norm_starts_as_batch_norm_and_applies_a_scale_and_shift_per_condition():
    layer = dcgan.ConditionalBatchNormalization(name="cbn")
    rng = np.random.default_rng(3)
    features = rng.normal(2.0, 3.0, (8, 4, 4, 5)).astype("float32")
    condition = rng.standard_normal((8, 6)).astype("float32")
    normalised = keras.ops.convert_to_numpy(layer([features, condition], training=True))
    # Zero-initialised maps: a plain batch norm, whatever the condition.
    np.testing.assert_allclose(normalised.mean(axis=(0, 1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(normalised.std(axis=(0, 1, 2)), 1.0, atol=1e-3)
    layer.scale.kernel.assign(np.ones((6, 5), "float32"))
    layer.shift.bias.assign(np.arange(5, dtype="float32"))
    modulated = keras.ops.convert_to_numpy(layer([features, condition], training=True))
    expected = normalised * (1.0 + condition.sum(axis=1))[:, None, None, None] + np.arange(5)
    np.testing.assert_allclose(modulated, expected, rtol=1e-4, atol=1e-4)


def test_generator_with_conditional_batch_norm_feeds_its_input_to_every_batch_norm():
    generator = dcgan.build_generator(input_dim=8, image_size=32, width=4, conditioning="batch_norm")
    norms = [layer for layer in generator.layers if isinstance(layer, dcgan.ConditionalBatchNormalization)]
    assert [layer.name for layer in norms] == ["project_bn", "up_8_bn", "up_16_bn"]
    assert not any(type(layer) is keras.layers.BatchNormalization for layer in generator.layers)
    inputs = np.random.default_rng(0).standard_normal((3, 8)).astype("float32")
    for layer in norms:
        layer.shift.kernel.assign(np.ones(layer.shift.kernel.shape, "float32"))
    # Two inputs that differ after the 4x4 projection only through the norms still differ.
    generator.get_layer("project").kernel.assign(np.zeros(generator.get_layer("project").kernel.shape))
    images = keras.ops.convert_to_numpy(generator(inputs, training=False))
    assert np.abs(images[0] - images[1]).max() > 1e-3
    restored = keras.Model.from_config(generator.get_config())
    restored.set_weights(generator.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(restored(inputs)), images, atol=1e-5)


def test_widths_double_towards_the_4x4_map():
    generator = dcgan.build_generator(input_dim=8, image_size=64, width=4)
    discriminator = dcgan.build_discriminator(image_size=64, width=4)
    # ngf: 4x4 map has 8*ngf channels, then 4, 2, 1 times ngf before RGB.
    assert generator.get_layer("to_4x4").output.shape[-1] == 32
    assert [generator.get_layer(f"up_{s}").output.shape[-1] for s in (8, 16, 32, 64)] == [16, 8, 4, 3]
    assert [discriminator.get_layer(f"down_{s}").output.shape[-1] for s in (32, 16, 8, 4)] == [4, 8, 16, 32]


def test_conditioned_discriminator_joins_the_condition_at_4x4():
    discriminator = dcgan.build_discriminator(
        image_size=32, width=4, condition_dim=6, condition_projection_dim=5
    )
    joined = discriminator.get_layer("condition_4x4")
    assert tuple(joined.output.shape) == (None, 4, 4, 16 + 5)
    images = np.zeros((3, 32, 32, 3), "float32")
    conditions = np.random.default_rng(1).standard_normal((3, 6)).astype("float32")
    logits = discriminator([images, conditions])
    assert tuple(logits.shape) == (3, 1)
    # The same image under different conditions gets different scores.
    assert np.ptp(np.asarray(logits)) > 0


def test_spatial_condition_tiles_the_projection_and_round_trips_its_config():
    layer = dcgan.SpatialCondition(projection_dim=3, name="join")
    features = np.zeros((2, 4, 4, 5), "float32")
    condition = np.ones((2, 7), "float32")
    output = np.asarray(layer([features, condition]))
    assert output.shape == (2, 4, 4, 8)
    # Every spatial position carries the same projected condition.
    np.testing.assert_allclose(output[:, 1:, 1:, 5:], np.broadcast_to(output[:, :1, :1, 5:], (2, 3, 3, 3)))
    clone = dcgan.SpatialCondition.from_config(layer.get_config())
    assert clone.projection_dim == 3 and clone.name == "join"


def test_batch_norm_is_synchronized_across_replicas():
    generator = dcgan.build_generator(input_dim=8, image_size=32, width=4)
    norms = [layer for layer in generator.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms and all(layer.synchronized for layer in norms)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: dcgan.build_generator(input_dim=8, image_size=48, width=4), "image_size=48"),
        (lambda: dcgan.build_discriminator(image_size=100, width=4), "image_size=100"),
        (lambda: dcgan.build_generator(input_dim=0, image_size=32, width=4), "input_dim"),
        (lambda: dcgan.build_generator(input_dim=8, image_size=32, width=4, upsampling="bilinear"),
         "upsampling='bilinear'"),
        (lambda: dcgan.build_generator(input_dim=8, image_size=32, width=4, conditioning="film"),
         "conditioning='film'"),
        (lambda: dcgan.build_discriminator(image_size=32, width=-1), "width"),
        (lambda: dcgan.build_discriminator(image_size=32, width=4, condition_dim=0), "condition_dim"),
        (lambda: dcgan.build_discriminator(image_size=32, width=4, depth=0), "depth"),
    ],
)
def test_bad_arguments_name_the_input(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_projection_discriminator_scores_image_text_agreement():
    keras.utils.set_random_seed(0)
    for spectral_norm in (False, True):
        discriminator = dcgan.build_discriminator(32, 8, condition_dim=6, condition="projection",
                                                  spectral_norm=spectral_norm)
        images = keras.random.normal((3, 32, 32, 3))
        condition = keras.random.normal((3, 6))
        logits = discriminator([images, condition])
        assert tuple(logits.shape) == (3, 1) and logits.dtype.name == "float32"
        # The condition enters through an inner product: scaling it to zero leaves the unconditional logit.
        unconditional = discriminator([images, 0.0 * condition])
        assert not np.allclose(logits, unconditional)
        names = [type(layer).__name__ for layer in discriminator.layers]
        assert "ProjectionLogit" in names and ("SpectralNormalization" in names) == spectral_norm
        has_batch_norm = any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
        assert has_batch_norm != spectral_norm
    layer = discriminator.get_layer("condition_projection")
    clone = dcgan.ProjectionLogit.from_config(layer.get_config())
    assert clone.spectral_norm
    with pytest.raises(ValueError, match="condition='add'"):
        dcgan.build_discriminator(32, 8, condition_dim=6, condition="add")
    with pytest.raises(ValueError, match="ProjectionLogit expects"):
        dcgan.ProjectionLogit().build([(None, 4, 4), (None, 6)])


def test_deeper_discriminator_adds_a_stride_one_convolution_at_every_resolution():
    shallow = dcgan.build_discriminator(32, 4, condition_dim=6, condition="projection")
    deep = dcgan.build_discriminator(32, 4, condition_dim=6, condition="projection", depth=2)
    extra = [layer for layer in deep.layers if layer.name.startswith("extra_")
             and isinstance(layer, keras.layers.Conv2D)]
    # 32 -> 16 -> 8 -> 4: one extra 3x3 convolution after each of the three halvings, size kept.
    assert [layer.name for layer in extra] == ["extra_16_1", "extra_8_1", "extra_4_1"]
    assert all(layer.strides == (1, 1) and layer.kernel_size == (3, 3) for layer in extra)
    assert deep.count_params() > shallow.count_params()
    inputs = [np.zeros((2, 32, 32, 3), np.float32), np.zeros((2, 6), np.float32)]
    assert tuple(deep(inputs).shape) == (2, 1)
