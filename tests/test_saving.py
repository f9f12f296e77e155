"""Every GAN of the kit saves as ``.keras`` and comes back with `keras.saving.load_model`.

The same class, weights, optimizer state and images after loading, and ``fit`` goes on:
what ``model.save("x.keras")`` promises a Keras user.
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import config
from lstmgan_tf.models import build_dcgan
from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
from lstmgan_tf.models.lstm_gan import build_lstm_gan

VOCABULARY, SENTENCE_DIM, BATCH = 30, 8, 4
SMOKE = config.get_profile("smoke")


def _text_batch(seed=0):
    rng = np.random.default_rng(seed)
    tokens = np.zeros((BATCH, 6), np.int32)
    for row, length in enumerate([5, 3, 6, 2]):
        tokens[row, :length] = rng.integers(2, VOCABULARY, length)
    return {
        "caption_tokens": tokens,
        "sentence_vector": rng.normal(size=(BATCH, SENTENCE_DIM)).astype(np.float32),
        "image": rng.uniform(-1, 1, (BATCH, SMOKE.image_size, SMOKE.image_size, 3)).astype(np.float32),
        "image_index": np.arange(BATCH),
    }


def _image_batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (BATCH, SMOKE.image_size, SMOKE.image_size, 3)).astype(np.float32)


#: name -> (a built model, a training batch, its images for fixed inputs in inference mode).
CASES = {
    "GAN (DCGAN)": (
        lambda: build_dcgan(SMOKE, seed=0),
        _image_batch,
        lambda model: model.generate(np.random.default_rng(1).normal(size=(2, model.latent_dim)).astype("float32")),
    ),
    "GAN (LSTM discriminator)": (
        lambda: build_lstm_gan(SMOKE, seed=0),
        _image_batch,
        lambda model: model.generate(np.random.default_rng(1).normal(size=(2, model.latent_dim)).astype("float32")),
    ),
    "LSTMCGAN": (
        lambda: LSTMCGAN(LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile=SMOKE), seed=0),
        _text_batch,
        lambda model: model.generate_word_images(_text_batch(1)["caption_tokens"], seed=3)[0],
    ),
    "GANCLS": (
        lambda: GANCLS(GANCLSConfig.from_profile(SENTENCE_DIM, profile=SMOKE), seed=0),
        _text_batch,
        lambda model: model.generate(_text_batch(1)["sentence_vector"], seed=3),
    ),
}


def _compiled(model):
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.5), label_smoothing=0.1,
                  run_eagerly=True)  # Tracing a two-tape step costs more than one eager step.
    return model


def _values(variables):
    return {variable.path: np.array(variable) for variable in variables}


@pytest.mark.parametrize("name", CASES)
def test_a_trained_model_saves_and_loads_as_keras(name, tmp_path):
    build, batch, images = CASES[name]
    keras.utils.set_random_seed(0)
    model = _compiled(build())
    model.train_on_batch(batch(0))
    path = str(tmp_path / "model.keras")
    model.save(path)

    loaded = keras.saving.load_model(path)

    assert type(loaded) is type(model)
    # Compared as the file stores them (JSON has no tuples).
    assert json.loads(json.dumps(loaded.get_config())) == json.loads(json.dumps(model.get_config()))
    original, restored = _values(model.weights), _values(loaded.weights)
    assert sorted(restored) == sorted(original)
    for key, value in original.items():
        np.testing.assert_array_equal(restored[key], value, err_msg=key)
    np.testing.assert_array_equal(np.array(images(loaded)), np.array(images(model)))
    # The optimizers come back as compiled, with their step count and Adam moments.
    for mine, theirs in ((model.d_optimizer, loaded.d_optimizer), (model.g_optimizer, loaded.g_optimizer)):
        assert theirs.get_config() == mine.get_config()
        assert int(theirs.iterations) == int(mine.iterations) > 0
        restored_slots = _values(theirs.variables)
        for key, value in _values(mine.variables).items():
            np.testing.assert_array_equal(restored_slots[key], value, err_msg=key)
    assert loaded.label_smoothing == model.label_smoothing
    # Training goes on from where it was.
    loaded.run_eagerly = True
    loaded.train_on_batch(batch(1))
    assert int(loaded.g_optimizer.iterations) == int(model.g_optimizer.iterations) + model.generator_steps
