"""Notebook 04's exercise checkers: the right answer passes, each typical mistake gets its own message."""

import hashlib

import numpy as np
import pytest

from lstmgan_tf.exercises import detector


# --- image_to_rows ---------------------------------------------------------

def _rows(images):
    return np.reshape(images, (len(images), images.shape[1], -1))


ROW_MISTAKES = {
    "columns": (lambda x: np.reshape(np.transpose(x, (0, 2, 1, 3)), (len(x), x.shape[2], -1)), "one time step per column"),
    "flattened": (lambda x: np.reshape(x, (len(x), -1)), "flattens each image"),
    "pixels": (lambda x: np.reshape(x, (len(x), -1, 3)), "every pixel a time step"),
    "transposed": (lambda x: np.reshape(np.transpose(x, (0, 2, 1, 3)), (len(x), x.shape[1], -1)), "reads columns"),
    "planar": (lambda x: np.reshape(np.transpose(x, (0, 1, 3, 2)), (len(x), x.shape[1], -1)), "RRR..GGG.."),
    "crash": (lambda x: x.nope, "raised AttributeError"),
}


def test_image_to_rows_accepts_the_reference_and_keras_layer():
    from lstmgan_tf.layers import ImageToSequence

    assert detector.check_image_to_rows(_rows).passed
    assert detector.check_image_to_rows(ImageToSequence("rows")).passed


@pytest.mark.parametrize("mistake", ROW_MISTAKES)
def test_image_to_rows_mistakes_get_their_own_message(mistake):
    answer, message = ROW_MISTAKES[mistake]
    feedback = detector.check_image_to_rows(answer)
    assert not feedback.passed
    assert message in feedback.message


# --- accuracy at threshold -------------------------------------------------

ACCURACY_MISTAKES = {
    "percent": (lambda l, y: 100 * np.mean((l > 0) == (y == 1)), "percentage"),
    "threshold_half": (lambda l, y: np.mean((l > 0.5) == (y == 1)), "threshold logits at 0"),
    "flipped": (lambda l, y: np.mean((l < 0) == (y == 1)), "positive logit means 'real'"),
    "ignores_logits": (lambda l, y: np.mean(y == 1), "does not depend on the logits"),
    "wrong": (lambda l, y: 0.123, "reference gives"),
}


def test_accuracy_accepts_the_reference():
    assert detector.check_accuracy_at_threshold(lambda l, y: np.mean((l > 0) == (y == 1))).passed


@pytest.mark.parametrize("mistake", ACCURACY_MISTAKES)
def test_accuracy_mistakes_get_their_own_message(mistake):
    answer, message = ACCURACY_MISTAKES[mistake]
    feedback = detector.check_accuracy_at_threshold(answer)
    assert not feedback.passed
    assert message in feedback.message


# --- balanced, disjoint split ----------------------------------------------

def _unique(images):
    _, first = np.unique([hashlib.sha1(i.tobytes()).hexdigest() for i in images], return_index=True)
    return images[np.sort(first)]


def _split(real, fake, test_fraction, seed, dedupe=True, balance=True, real_label=1):
    rng = np.random.default_rng(seed)
    real = _unique(real) if dedupe else real
    real = real[rng.permutation(len(real))]
    fake = fake[rng.permutation(len(fake))]
    test_count = round(len(real) * test_fraction)
    if balance:
        fake = fake[: len(real)]
    fake_test = test_count if balance else round(len(fake) * test_fraction)
    train_x = np.concatenate([real[test_count:], fake[fake_test:]])
    train_y = np.concatenate([np.full(len(real) - test_count, real_label), np.full(len(fake) - fake_test, 1 - real_label)])
    test_x = np.concatenate([real[:test_count], fake[:fake_test]])
    test_y = np.concatenate([np.full(test_count, real_label), np.full(fake_test, 1 - real_label)])
    return train_x, train_y, test_x, test_y


SPLIT_MISTAKES = {
    "by_position": (lambda r, f, t, s: _split(r, f, t, s, dedupe=False), "compare images by content"),
    "unbalanced": (lambda r, f, t, s: _split(r, f, t, s, balance=False), "use as many of each"),
    "labels_swapped": (lambda r, f, t, s: _split(r, f, t, s, real_label=0), "real = 1"),
    "no_test": (lambda r, f, t, s: _split(r, f, 0.0, s), "one of the sets is empty"),
    "labels_shape": (lambda r, f, t, s: (lambda a, b, c, d: (a, b[:, None], c, d))(*_split(r, f, t, s)), "one label per image"),
}


def test_split_accepts_the_reference():
    feedback = detector.check_balanced_disjoint_split(_split)
    assert feedback.passed, feedback.message


@pytest.mark.parametrize("mistake", SPLIT_MISTAKES)
def test_split_mistakes_get_their_own_message(mistake):
    answer, message = SPLIT_MISTAKES[mistake]
    feedback = detector.check_balanced_disjoint_split(answer)
    assert not feedback.passed
    assert message in feedback.message, feedback.message
