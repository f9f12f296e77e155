"""Checkers of notebook 00's exercises: the right answer passes, each typical mistake gets its own message."""

import numpy as np
import pytest

from lstmgan_tf.exercises import data as exercises


def test_model_range_reference_passes():
    assert exercises.check_to_model_range(lambda images: images.astype(np.float32) / 127.5 - 1.0)


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda x: x.astype(np.float32) / 255.0, "values are in [0, 1]"),
        (lambda x: x.astype(np.float32) / 127.5, "values are in [0, 2]"),
        (lambda x: x / 127.5 - 1.0, "dtype float64"),
        (lambda x: x[..., 0].astype(np.float32) / 127.5 - 1.0, "keep the input's shape"),
        (lambda x: (2.0 * (x - x.min(axis=(1, 2, 3), keepdims=True))
                    / np.maximum(1, np.ptp(x, axis=(1, 2, 3), keepdims=True)) - 1.0).astype(np.float32),
         "rescaled by its own minimum and maximum"),
        (lambda x: x.astype(np.float32) / 128.0 - 1.0, "values differ from the reference"),
        (lambda x: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_model_range_mistakes_get_their_own_message(answer, message):
    feedback = exercises.check_to_model_range(answer)
    assert not feedback and message in feedback.message


def test_flower_caption_reference_passes():
    def write_caption(a):
        return (f"this flower has {a['petal_count']} {a['petal_colour']} petals and "
                f"a {a['center_size']} {a['center_colour']} center")

    assert exercises.check_flower_caption(write_caption, count=60)


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda a: f"a flower with {a['center_colour']} petals and a {a['petal_colour']} center",
         "says the petal colour is"),
        (lambda a: f"a flower with five {a['petal_colour']} petals", "says the petal count is 'five'"),
        (lambda a: f"a flower with {a['petal_count']} petals", "does not say the petals are"),
        (lambda a: f"a big {a['petal_colour']} flower", "says the flower size is 'large'"),
        (lambda a: None, "should be a non-empty string"),
        (lambda a: a["colour"], "raised KeyError"),
    ],
)
def test_flower_caption_mistakes_get_their_own_message(answer, message):
    feedback = exercises.check_flower_caption(answer, count=60)
    assert not feedback and message in feedback.message
