"""The evaluation's judges: the degraded-image training, the pixel colour check, the colour-word alignment."""

import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import data
from lstmgan_tf.data import flowers
from lstmgan_tf.metrics import evaluation, features
from lstmgan_tf.metrics.flower_colour import petal_colour_from_pixels


@pytest.fixture(scope="module")
def test_flowers():
    return data.load_arrays("synthetic_flowers", split="test", count=128, profile="smoke")


def test_pixel_check_reads_real_flowers_and_refuses_noise(test_flowers):
    predicted = petal_colour_from_pixels(test_flowers.images)
    assert np.mean(predicted == test_flowers.attributes["petal_colour"]) >= 0.95
    # Degraded (blurred, noisy, shifted) real flowers mostly keep their colour (the evaluation
    # prints the figure on the real_degraded row).
    degraded = features.degrade(test_flowers.images.astype(np.float32) / 127.5 - 1.0, seed=3).numpy()
    assert np.mean(petal_colour_from_pixels(degraded) == test_flowers.attributes["petal_colour"]) >= 0.8
    # A flat grey image has no petal colour to find ...
    assert petal_colour_from_pixels(np.full((1, 32, 32, 3), 128, np.uint8))[0] == -1
    # ... and a flat blue one is blue, whatever its shading.
    blue = np.array(flowers.COLOURS["blue"]) * 0.8
    assert flowers.PETAL_COLOURS[petal_colour_from_pixels(np.full((1, 32, 32, 3), blue, np.uint8))[0]] == "blue"
    with pytest.raises(ValueError, match="images must have shape"):
        petal_colour_from_pixels(np.zeros((32, 32, 3)))


def test_degrade_keeps_colours_and_range():
    images = tf.random.uniform((16, 32, 32, 3), -1, 1, seed=0)
    damaged = features.degrade(images, seed=1).numpy()
    assert damaged.shape == (16, 32, 32, 3) and damaged.min() >= -1 and damaged.max() <= 1
    flat = np.full((4, 32, 32, 3), [0.6, -0.4, 0.1], np.float32)
    np.testing.assert_allclose(features.degrade(flat, seed=2).numpy().mean(axis=(0, 1, 2)), [0.6, -0.4, 0.1],
                               atol=0.02)
    assert not np.allclose(damaged, images.numpy())


def test_named_word_accuracy_looks_before_and_at_the_colour_word():
    captions = ["a red flower", "five blue petals", "petals"]
    truth = np.array([0, 6, 2])  # red, blue, yellow
    # (caption, word) images: caption 0 turns red at "red" (word 1), caption 1 stays red throughout.
    caption_of_pair = np.array([0, 0, 0, 1, 1, 1, 2])
    position_of_pair = np.array([0, 1, 2, 0, 1, 2, 0])
    predicted = np.array([3, 0, 0, 0, 0, 0, 2])
    before, at = evaluation.named_word_accuracy(predicted, caption_of_pair, position_of_pair, captions, truth,
                                                flowers.PETAL_COLOURS)
    assert (before, at) == (0.0, 0.5)
    assert np.isnan(evaluation.named_word_accuracy(predicted[-1:], [2], [0], captions[2:], truth[2:],
                                                   flowers.PETAL_COLOURS)[0])


def test_the_judge_does_not_depend_on_what_drew_random_numbers_before(test_flowers):
    import keras

    train = data.load_arrays("synthetic_flowers", split="train", count=64, profile="smoke")
    judges = []
    for draws in (0, 3):
        keras.utils.set_random_seed(draws)
        keras.layers.Dense(8).build((None, 4))  # a model loaded before the judge draws random weights
        _, judge = evaluation.load_feature_space(test_flowers, train, epochs=1, profile="smoke", seed=5)
        judges.append(judge.network.get_weights())
    for first, second in zip(*judges):
        np.testing.assert_array_equal(first, second)


def test_the_judge_reports_each_epoch_only_when_asked(test_flowers, capsys):
    train = data.load_arrays("synthetic_flowers", split="train", count=64, profile="smoke")
    evaluation.load_feature_space(test_flowers, train, epochs=2, profile="smoke", verbose=2)
    assert "Epoch 2/2" in capsys.readouterr().out
    evaluation.load_feature_space(test_flowers, train, epochs=2, profile="smoke")
    assert "Epoch" not in capsys.readouterr().out
