import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf.layers.augmentation import rotate_and_flip_randomly, translate_randomly


def test_each_image_is_shifted_whole_within_the_limit_with_zeros_coming_in():
    images = np.random.default_rng(0).uniform(0.5, 1.0, (16, 8, 8, 3)).astype(np.float32)
    shifted = translate_randomly(images, max_shift=2, seed=1).numpy()
    seen = set()
    for image, result in zip(images, shifted):
        matches = [
            (dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
            if np.array_equal(result, _shift(image, dy, dx))
        ]
        assert len(matches) == 1
        seen.add(matches[0])
    # The shifts differ from image to image.
    assert len(seen) > 3


def _shift(image, dy, dx):
    padded = np.pad(image, ((2, 2), (2, 2), (0, 0)))
    return padded[2 - dy:2 - dy + 8, 2 - dx:2 - dx + 8]


def test_gradients_reach_the_pixels_that_stay_in_view():
    images = tf.Variable(tf.ones((4, 8, 8, 1)))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(translate_randomly(images, max_shift=1, seed=0))
    gradient = tape.gradient(total, images).numpy()
    assert set(np.unique(gradient)) <= {0.0, 1.0}
    # At least 7 x 7 of each image's 8 x 8 pixels stay in view.
    assert np.all(gradient.sum(axis=(1, 2, 3)) >= 49)


def test_no_shift_and_bad_shifts():
    images = np.ones((2, 4, 4, 3), np.float32)
    np.testing.assert_array_equal(translate_randomly(images, 0).numpy(), images)
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="max_shift"):
            translate_randomly(images, bad)


def _symmetries(image):
    """The 8 rotations and mirror images of a square image."""
    turns = [np.rot90(image, k, axes=(0, 1)) for k in range(4)]
    return turns + [turn[:, ::-1] for turn in turns]


def test_each_image_gets_one_of_the_eight_symmetries_and_all_eight_occur():
    images = np.random.default_rng(0).uniform(size=(64, 6, 6, 3)).astype(np.float32)
    turned = rotate_and_flip_randomly(images, probability=1.0, seed=3).numpy()
    seen = set()
    for image, result in zip(images, turned):
        matches = [k for k, candidate in enumerate(_symmetries(image)) if np.array_equal(result, candidate)]
        assert len(matches) == 1
        seen.add(matches[0])
    assert seen == set(range(8))


def test_probability_sets_how_many_images_are_turned_and_gradients_reach_every_pixel():
    images = np.random.default_rng(1).uniform(size=(400, 4, 4, 1)).astype(np.float32)
    np.testing.assert_array_equal(rotate_and_flip_randomly(images, 0.0).numpy(), images)
    unchanged = np.all(rotate_and_flip_randomly(images, 0.5, seed=0).numpy() == images, axis=(1, 2, 3))
    # Half are left alone, and 1 in 8 of the others draws the identity: 9/16 unchanged.
    assert abs(unchanged.mean() - 9 / 16) < 0.08
    variable = tf.Variable(images)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(rotate_and_flip_randomly(variable, 1.0, seed=0) * 2.0)
    np.testing.assert_array_equal(tape.gradient(total, variable).numpy(), np.full_like(images, 2.0))


def test_bad_probabilities_and_shapes_raise():
    images = np.ones((2, 4, 4, 3), np.float32)
    for bad in (-0.1, 1.5, True, "half"):
        with pytest.raises(ValueError, match="probability"):
            rotate_and_flip_randomly(images, bad)
    with pytest.raises(ValueError, match="square"):
        rotate_and_flip_randomly(np.ones((2, 4, 6, 3), np.float32), 0.5)
