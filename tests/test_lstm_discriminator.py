"""The LSTM discriminator: reading images as sequences, serialisation, learning."""

import numpy as np
import pytest

import keras

from lstmgan_tf.layers import lstm_discriminator as ld
from lstmgan_tf.layers.dcgan import build_discriminator


def _numbered_images(count=2, size=32):
    """Images whose every value is its own flat index, so any reordering shows."""
    return np.arange(count * size * size * 3, dtype="float32").reshape(count, size, size, 3)


def test_rows_are_time_steps_top_to_bottom():
    images = _numbered_images()
    sequence = keras.ops.convert_to_numpy(ld.ImageToSequence("rows")(images))
    assert sequence.shape == (2, 32, 96)
    np.testing.assert_array_equal(sequence[1, 5], images[1, 5].reshape(-1))


def test_columns_are_time_steps_left_to_right():
    images = _numbered_images()
    sequence = keras.ops.convert_to_numpy(ld.ImageToSequence("columns")(images))
    assert sequence.shape == (2, 32, 96)
    np.testing.assert_array_equal(sequence[0, 7], images[0, :, 7].reshape(-1))


def test_patches_come_in_raster_order():
    images = _numbered_images()
    sequence = keras.ops.convert_to_numpy(ld.ImageToSequence("patches", patch_size=8)(images))
    assert sequence.shape == (2, 16, 8 * 8 * 3)
    # Patch 1 is the second patch of the top row; patch 4 opens the second row.
    np.testing.assert_array_equal(sequence[0, 1], images[0, 0:8, 8:16].reshape(-1))
    np.testing.assert_array_equal(sequence[1, 4], images[1, 8:16, 0:8].reshape(-1))


@pytest.mark.parametrize("sequence, cell", [("rows", "keras"), ("patches", "handwritten")])
def test_layer_round_trip_build_fit_and_save(tmp_path, sequence, cell):
    """keras-hub's run_layer_test, in small: build, call, fit a step, save and load."""
    model = ld.build_lstm_discriminator(image_size=32, units=8, sequence=sequence, patch_size=4, cell=cell)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 32, 32, 3)).astype("float32")
    assert model.output_shape == (None, 1)
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(images, np.array([1, 0, 1, 0], "float32"), epochs=1, verbose=0)
    path = str(tmp_path / "lstm_d.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6)
    assert restored.get_layer("image_to_sequence").get_config()["mode"] == sequence


def test_parameter_count_formula_and_matching():
    model = ld.build_lstm_discriminator(image_size=32, units=20)
    assert model.count_params() == ld.lstm_parameter_count(20, 96)
    cnn = build_discriminator(image_size=32, width=8)
    units = ld.lstm_units_for_parameter_count(cnn.count_params(), image_size=32)
    matched = ld.build_lstm_discriminator(image_size=32, units=units)
    assert abs(matched.count_params() - cnn.count_params()) / cnn.count_params() < 0.05


def test_logits_after_each_step_equal_logits_of_truncated_images():
    model = ld.build_lstm_discriminator(image_size=32, units=8)
    images = np.random.default_rng(1).uniform(-1, 1, (3, 32, 32, 3)).astype("float32")
    every_step = ld.logits_after_each_step(model, images, batch_size=2)
    assert every_step.shape == (3, 32)
    np.testing.assert_allclose(every_step[:, -1], model.predict(images, verbose=0)[:, 0], atol=1e-5)
    # Feeding only the first 10 rows gives the 10th column: later rows are never seen.
    rows = model.get_layer("image_to_sequence")(images)[:, :10]
    truncated = model.get_layer("logit")(keras.layers.RNN(model.get_layer("lstm").cell)(rows))
    np.testing.assert_allclose(every_step[:, 9], keras.ops.convert_to_numpy(truncated)[:, 0], atol=1e-5)


def test_handwritten_cell_computes_what_keras_lstm_computes():
    from lstmgan_tf.layers import copy_lstm_weights

    reference = ld.build_lstm_discriminator(image_size=32, units=8, cell="keras")
    handwritten = ld.build_lstm_discriminator(image_size=32, units=8, cell="handwritten")
    assert handwritten.count_params() == reference.count_params()
    copy_lstm_weights(reference.get_layer("lstm"), handwritten.get_layer("lstm"))
    handwritten.get_layer("logit").set_weights(reference.get_layer("logit").get_weights())
    images = np.random.default_rng(2).uniform(-1, 1, (3, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(handwritten.predict(images, verbose=0), reference.predict(images, verbose=0), atol=1e-5)
    np.testing.assert_allclose(
        ld.logits_after_each_step(handwritten, images), ld.logits_after_each_step(reference, images), atol=1e-5
    )


def _stripes_and_blobs(count, rng):
    """Half horizontal stripes, half soft blobs, random colours, noise on both."""
    size = 32
    y, x = np.mgrid[0:size, 0:size].astype("float32")
    images, labels = [], []
    for index in range(count):
        colour = rng.uniform(0.3, 1.0, 3).astype("float32")
        if index % 2 == 0:
            period = rng.uniform(4, 8)
            pattern = 0.5 + 0.5 * np.sin(2 * np.pi * y / period + rng.uniform(0, 2 * np.pi))
        else:
            cy, cx, radius = rng.uniform(8, 24), rng.uniform(8, 24), rng.uniform(4, 9)
            pattern = np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * radius**2))
        image = pattern[..., None] * colour + rng.normal(0, 0.05, (size, size, 3))
        images.append(np.clip(image * 2 - 1, -1, 1))
        labels.append(index % 2)
    return np.asarray(images, "float32"), np.asarray(labels, "float32")


def test_lstm_discriminator_separates_stripes_from_blobs():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    train_images, train_labels = _stripes_and_blobs(256, rng)
    test_images, test_labels = _stripes_and_blobs(128, rng)
    model = ld.build_lstm_discriminator(image_size=32, units=16)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(train_images, train_labels, batch_size=32, epochs=6, verbose=0)
    predictions = model.predict(test_images, verbose=0)[:, 0] > 0
    accuracy = np.mean(predictions == test_labels.astype(bool))
    assert accuracy > 0.9, f"held-out accuracy {accuracy:.2f}"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"image_size": 48}, "image_size=48"),
        ({"units": 0}, "units must be a positive integer"),
        ({"sequence": "spiral"}, "unknown sequence mode 'spiral'"),
        ({"cell": "gru"}, "unknown cell 'gru'"),
        ({"sequence": "patches", "patch_size": 5}, "patch_size=5 does not divide"),
        ({"sequence": "patches", "patch_size": -1}, "patch_size must be a positive integer"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ld.build_lstm_discriminator(**{"image_size": 32, "units": 8, **kwargs})


def test_logits_after_each_step_rejects_other_models():
    with pytest.raises(ValueError, match="not an LSTM discriminator"):
        ld.logits_after_each_step(build_discriminator(image_size=32, width=4), np.zeros((1, 32, 32, 3)))
