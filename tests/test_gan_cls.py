"""GAN-CLS (Reed et al. 2016), the baseline trained with the LSTM-CGAN's code."""

import keras
import numpy as np
import pytest

from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig


def make_model(**overrides):
    return GANCLS(GANCLSConfig.from_profile(16, profile="smoke", **overrides), seed=0)


def test_one_image_per_caption_seeded():
    model = make_model()
    vectors = np.random.default_rng(0).normal(size=(3, 16)).astype(np.float32)
    first = model.generate(vectors, seed=4).numpy()
    assert first.shape == (3, 32, 32, 3)
    assert np.all(np.abs(first) <= 1.0)
    np.testing.assert_array_equal(first, model.generate(vectors, seed=4).numpy())
    assert not np.allclose(first, model.generate(vectors, seed=5).numpy())


def test_training_steps_move_generator_and_text_projection():
    keras.utils.set_random_seed(0)
    model = make_model()
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), run_eagerly=True)
    rng = np.random.default_rng(1)
    batch = {
        "caption_tokens": np.ones((4, 3), np.int32),
        "sentence_vector": rng.normal(size=(4, 16)).astype(np.float32),
        "image": rng.uniform(-1, 1, (4, 32, 32, 3)).astype(np.float32),
        "image_index": np.array([0, 0, 1, 2]),
    }
    before = model.text_projection.get_weights()[0].copy()
    logs = [model.train_on_batch(batch, return_dict=True) for _ in range(2)]
    assert all(np.isfinite(log["d_loss"]) and np.isfinite(log["g_loss"]) for log in logs)
    assert logs[0]["d_loss"] != logs[1]["d_loss"]
    assert not np.allclose(before, model.text_projection.get_weights()[0])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="sentence_vector must have shape"):
        make_model().generate(np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match="noise_dim"):
        make_model(noise_dim=0)
    with pytest.raises(ValueError, match="image_size=48"):
        make_model(image_size=48)
