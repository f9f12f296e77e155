import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf.layers.augmentation import translate_randomly


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
