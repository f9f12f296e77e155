"""The GAN model: losses, a custom train_step that behaves like a GAN, seeds, precision."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import models
from lstmgan_tf.models import gan as gan_module
from lstmgan_tf.training.builders.dcgan import DCGAN_SETTINGS
from lstmgan_tf.training.registry import parse_settings


def _images(count=16, seed=0):
    # Smooth blobs, so that "real" differs from what an untrained G makes.
    rng = np.random.default_rng(seed)
    grid = np.linspace(-1, 1, 32)
    y, x = np.meshgrid(grid, grid, indexing="ij")
    centres = rng.uniform(-0.5, 0.5, (count, 2))
    blobs = np.exp(-((x - centres[:, :1, None]) ** 2 + (y - centres[:, 1:, None]) ** 2) * 6)
    return np.repeat(blobs[..., None] * 2 - 1, 3, axis=-1).astype("float32")


def _compiled(seed=1, d_learning_rate=2e-3, g_learning_rate=2e-3, **kwargs):
    keras.utils.set_random_seed(seed)
    gan = models.build_dcgan("smoke", seed=seed, **kwargs)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(d_learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(g_learning_rate, beta_1=0.5),
    )
    return gan


def _bce(logits, label):
    probabilities = 1 / (1 + np.exp(-logits))
    return -(label * np.log(probabilities) + (1 - label) * np.log(1 - probabilities))


def test_losses_match_the_textbook_formulas():
    real_logits = np.array([[2.0], [-1.0], [0.5]], "float32")
    fake_logits = np.array([[-3.0], [0.2], [1.0]], "float32")
    expected_d = np.mean(_bce(real_logits, 1) + _bce(fake_logits, 0))
    expected_g = np.mean(_bce(fake_logits, 1))
    np.testing.assert_allclose(models.discriminator_loss(real_logits, fake_logits, 3), expected_d, rtol=1e-5)
    np.testing.assert_allclose(models.generator_loss(fake_logits, 3), expected_g, rtol=1e-5)
    # On one of two replicas, the loss is this replica's share of the global mean.
    np.testing.assert_allclose(models.generator_loss(fake_logits, 6), expected_g / 2, rtol=1e-5)
    smoothed = np.mean(_bce(real_logits, 0.9) + _bce(fake_logits, 0))
    np.testing.assert_allclose(
        models.discriminator_loss(real_logits, fake_logits, 3, label_smoothing=0.1), smoothed, rtol=1e-5
    )
    assert float(models.accuracy(real_logits, real=True)) == pytest.approx(2 / 3)
    assert float(models.accuracy(fake_logits, real=False)) == pytest.approx(1 / 3)


def test_train_step_reports_the_trackers_by_name():
    gan = _compiled(recipe=gan_module.DCGANRecipe())
    logs = gan.train_step(tf.constant(_images()))
    assert sorted(logs) == ["d_fake_accuracy", "d_loss", "d_real_accuracy", "g_loss"]
    assert [metric.name for metric in gan.metrics] == ["d_loss", "g_loss", "d_real_accuracy", "d_fake_accuracy"]
    # Two discriminator updates per generator update (the paper's setting).
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 1
    # The fast recipe updates D once per G update.
    fast = _compiled()
    fast.train_step(tf.constant(_images()))
    assert int(fast.d_optimizer.iterations) == 1 and int(fast.g_optimizer.iterations) == 1


def test_discriminator_loss_falls_while_the_generator_is_frozen():
    gan = _compiled(g_learning_rate=0.0)
    images = tf.constant(_images())
    generator_before = [v.numpy() for v in gan.generator.trainable_variables]
    losses = [float(gan.train_step(images)["d_loss"]) for _ in range(5)]
    gan.reset_metrics()
    last = float(gan.train_step(images)["d_loss"])
    assert last < 0.5 * losses[0], (losses, last)
    for before, after in zip(generator_before, gan.generator.trainable_variables):
        np.testing.assert_array_equal(before, after.numpy())


def test_generator_loss_falls_while_the_discriminator_is_frozen():
    gan = _compiled(d_learning_rate=0.0)
    images = tf.constant(_images())
    first = float(gan.train_step(images)["g_loss"])
    for _ in range(4):
        gan.train_step(images)
    gan.reset_metrics()
    last = float(gan.train_step(images)["g_loss"])
    assert last < first, (first, last)


def test_a_fixed_seed_reproduces_the_losses():
    images = tf.constant(_images())

    def run(seed):
        gan = _compiled(seed=seed)
        return [float(gan.train_step(images)["g_loss"]) for _ in range(2)]

    first, second, other = run(5), run(5), run(6)
    np.testing.assert_allclose(first, second, rtol=1e-6)
    assert not np.allclose(first, other)


def test_generate_is_deterministic_and_images_are_in_range():
    gan = _compiled()
    noise = np.random.default_rng(0).standard_normal((4, gan.latent_dim)).astype("float32")
    images = np.asarray(gan.generate(noise))
    assert images.shape == (4, 32, 32, 3) and np.abs(images).max() <= 1.0
    np.testing.assert_array_equal(images, np.asarray(gan(noise)))


def test_dict_batches_are_accepted():
    gan = _compiled()
    logs = gan.train_step({"image": tf.constant(_images()), "image_index": tf.range(16)})
    assert np.isfinite(float(logs["d_loss"]))


def test_mixed_precision_wraps_the_optimizers_and_trains():
    try:
        keras.mixed_precision.set_global_policy("mixed_float16")
        gan = _compiled()
        assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
        assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
        logs = gan.train_step(tf.constant(_images()))
        assert all(np.isfinite(float(value)) for value in logs.values())
        assert gan.generator.get_layer("up_8").compute_dtype == "float16"
        assert gan.generate(np.zeros((1, gan.latent_dim), "float32")).dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"discriminator_steps": 0}, "discriminator_steps"),
        ({"generator_steps": 1.5}, "generator_steps"),
        ({"latent_dim": -3}, "latent_dim"),
    ],
)
def test_bad_model_arguments_name_the_input(kwargs, message):
    generator = models.build_dcgan("smoke").generator
    discriminator = models.build_dcgan("smoke").discriminator
    arguments = {"latent_dim": 32, **kwargs}
    with pytest.raises(ValueError, match=message):
        models.GAN(generator, discriminator, **arguments)


def test_bad_label_smoothing_is_refused():
    gan = models.build_dcgan("smoke")
    with pytest.raises(ValueError, match="label_smoothing"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), label_smoothing=1.5)


def test_unknown_dcgan_setting_is_refused():
    with pytest.raises(ValueError, match="unknown setting 'widht'"):
        parse_settings({"widht": "3"}, DCGAN_SETTINGS, "dcgan")
    with pytest.raises(ValueError, match="latent_dim='ten'.*int"):
        parse_settings({"latent_dim": "ten"}, DCGAN_SETTINGS, "dcgan")
    settings, source = parse_settings(
        {"latent_dim": "7", "data.path": "/x"}, DCGAN_SETTINGS, "dcgan"
    )
    assert settings == {"latent_dim": 7} and source == {"path": "/x"}


def test_hinge_losses_match_their_formulas():
    real_logits = np.array([[2.0], [-1.0], [0.5]], "float32")
    fake_logits = np.array([[-3.0], [0.2], [1.0]], "float32")
    expected_d = np.mean(np.maximum(0, 1 - real_logits) + np.maximum(0, 1 + fake_logits))
    np.testing.assert_allclose(
        models.discriminator_loss(real_logits, fake_logits, 3, loss="hinge"), expected_d, rtol=1e-6
    )
    np.testing.assert_allclose(models.generator_loss(fake_logits, 3, loss="hinge"), -np.mean(fake_logits), rtol=1e-6)
    with pytest.raises(ValueError, match="unknown GAN loss 'wasserstein'"):
        models.generator_loss(fake_logits, 3, loss="wasserstein")


def test_profiles_pick_their_dcgan_recipe():
    paper = gan_module.dcgan_recipe("paper")
    assert paper == gan_module.DCGANRecipe()
    assert (paper.gan_loss, paper.generator_upsampling, paper.generator_ema, paper.augment_translation) == (
        "cross_entropy", "transpose", 0.0, 0.0
    )
    # The paper's DCGAN at a tiny size: transposed convolutions, no average, no shifts.
    gan = models.build_dcgan("paper", image_size=32, latent_dim=8, generator_width=4, discriminator_width=4)
    assert isinstance(gan.generator.get_layer("up_32"), keras.layers.Conv2DTranspose)
    assert gan.average_generator is None and gan.inference_generator is gan.generator
    assert gan.discriminator_steps == 2 and gan.gan_loss == "cross_entropy" and gan.augment_translation == 0.0
    assert gan_module.dcgan_recipe("classroom") == gan_module.DCGAN_RECIPES["fast"]
    assert gan_module.dcgan_recipe("classroom", generator_ema=0.0).generator_ema == 0.0
    assert gan_module.dcgan_recipe("classroom", "paper") == paper
    with pytest.raises(ValueError, match="unknown DCGAN recipe 'papr'"):
        gan_module.dcgan_recipe("classroom", "papr")
    with pytest.raises(ValueError, match="gan_recipe='quick'"):
        gan_module.dcgan_recipe(models.gan._config.get_profile("smoke").replace(gan_recipe="quick"))


def test_the_average_generator_follows_g_and_makes_the_images():
    gan = _compiled(recipe=gan_module.DCGANRecipe(generator_ema=0.9))
    start = [w.copy() for w in gan.average_generator.get_weights()]
    np.testing.assert_array_equal(gan.average_generator.get_weights()[0], gan.generator.get_weights()[0])
    images = tf.constant(_images())
    for _ in range(3):
        gan.train_step(images)
    average = {w.path: w.numpy() for w in gan.average_generator.weights}
    trained = {w.path: w.numpy() for w in gan.generator.weights}
    assert not set(average) & set(trained), "the average's variables need paths of their own"
    kernel = "average_project/kernel"
    assert not np.allclose(average[kernel], start[0]) and not np.allclose(average[kernel], trained["project/kernel"])
    # Its batch norm keeps statistics of its own activations.
    assert not np.allclose(average["average_project_bn/moving_mean"], trained["project_bn/moving_mean"])
    noise = np.random.default_rng(0).standard_normal((4, gan.latent_dim)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(gan.generate(noise)), np.asarray(gan.average_generator(noise, training=False)), atol=1e-6
    )
    assert not np.allclose(np.asarray(gan.generate(noise)), np.asarray(gan.generator(noise, training=False)))
    restored = models.GAN.from_config(gan.get_config())
    assert restored.generator_ema == 0.9 and restored.average_generator is not None


def test_translation_shifts_what_d_sees():
    gan = _compiled(recipe=gan_module.DCGANRecipe(augment_translation=0.25))
    images = tf.constant(_images(64))
    shifted = np.asarray(gan.augment(images))
    assert shifted.shape == images.shape and not np.allclose(shifted, images)
    assert np.isfinite(float(gan.train_step(images)["d_loss"]))
    plain = _compiled(recipe=gan_module.DCGANRecipe())
    np.testing.assert_array_equal(np.asarray(plain.augment(images)), images)
    generator = plain.generator
    with pytest.raises(ValueError, match="augment_translation"):
        models.GAN(generator, plain.discriminator, latent_dim=plain.latent_dim, augment_translation=0.5)
    with pytest.raises(ValueError, match="generator_ema"):
        models.GAN(generator, plain.discriminator, latent_dim=plain.latent_dim, generator_ema=1.0)
    with pytest.raises(ValueError, match="gan_loss='wgan'"):
        models.GAN(generator, plain.discriminator, latent_dim=plain.latent_dim, gan_loss="wgan")


def test_recipe_settings_parse_by_type():
    settings, _ = parse_settings(
        {"spectral_norm": "yes", "generator_ema": "0.99", "generator_upsampling": "transpose"},
        DCGAN_SETTINGS, "dcgan",
    )
    assert settings == {"spectral_norm": True, "generator_ema": 0.99, "generator_upsampling": "transpose"}
    with pytest.raises(ValueError, match="spectral_norm='maybe'"):
        parse_settings({"spectral_norm": "maybe"}, DCGAN_SETTINGS, "dcgan")
