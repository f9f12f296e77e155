"""`training.train` given a compiled model object and a `tf.data.Dataset`, not names."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import config, training
from lstmgan_tf.models import build_dcgan
from lstmgan_tf.training import model_objects

SMOKE = config.get_profile("smoke")


def _images(count=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (count, SMOKE.image_size, SMOKE.image_size, 3)).astype("float32")


def _compiled_gan():
    gan = build_dcgan(SMOKE, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


def test_a_model_object_trains_resumes_and_loads_back(tmp_path):
    examples = tf.data.Dataset.from_tensor_slices(_images())
    run_dir = tmp_path / "run"
    first = training.train(_compiled_gan(), examples, out_dir=run_dir, profile=SMOKE, epochs=1, verbose=0)

    steps = 32 // SMOKE.batch_size
    assert (first.initial_step, first.final_step) == (0, steps)
    for name in (model_objects.MODEL_FILE, "config.json", "history.csv", "samples.gif"):
        assert os.path.exists(run_dir / name), name
    loaded = training.load_trained(run_dir)
    assert type(loaded) is type(first.model)
    for mine, theirs in zip(first.model.weights, loaded.weights):
        np.testing.assert_array_equal(np.array(mine), np.array(theirs), err_msg=mine.path)

    # The same model again, one more epoch: the run resumes where it stopped.
    again = training.train(_compiled_gan(), examples, out_dir=run_dir, profile=SMOKE, epochs=2, resume=True,
                           verbose=0)
    assert (again.initial_step, again.final_step) == (steps, 2 * steps)
    assert len(again.history["d_loss"]) == 2


def test_bad_model_objects_and_data_are_refused_with_a_reason(tmp_path):
    examples = tf.data.Dataset.from_tensor_slices(_images())
    with pytest.raises(ValueError, match="looks batched"):
        training.train(_compiled_gan(), examples.batch(8), out_dir=tmp_path / "a", profile=SMOKE, verbose=0)
    with pytest.raises(ValueError, match="tf.data.Dataset of unbatched examples, got str"):
        training.train(_compiled_gan(), "synthetic_faces", out_dir=tmp_path / "b", profile=SMOKE, verbose=0)
    with pytest.raises(ValueError, match="compile GAN before training it"):
        training.train(build_dcgan(SMOKE, seed=0), examples, out_dir=tmp_path / "c", profile=SMOKE, verbose=0)
    with pytest.raises(ValueError, match="sample_fn goes with a model object"):
        training.train("dcgan", "synthetic_faces", out_dir=tmp_path / "d", profile=SMOKE,
                       sample_fn=lambda model: (None, None))
    detector = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    detector.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="pass sample_fn="):
        training.train(detector, tf.data.Dataset.from_tensor_slices(np.zeros((8, 4))), out_dir=tmp_path / "e",
                       profile=SMOKE, verbose=0)
    assert not any((tmp_path / name).exists() for name in "abcde")
