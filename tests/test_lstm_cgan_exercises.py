"""Notebook 05's exercise checkers: a right answer passes, each typical mistake gets its message."""

import numpy as np
import pytest

from lstmgan_tf.exercises.cgan import check_mismatched_selection, check_per_word_generator_loss


def masked(fn):
    def loss(fake_logits, word_mask):
        mask = np.asarray(word_mask, "float64")
        return fn(np.logaddexp(0.0, -np.asarray(fake_logits, "float64")), mask, np.asarray(fake_logits))
    return loss


def test_per_word_loss_reference_passes():
    assert check_per_word_generator_loss(masked(lambda l, m, _: (l * m).sum(1) / m.sum(1))).passed


@pytest.mark.parametrize("wrong, message", [
    (lambda l, m, _: l.mean(1), "counts the padded words"),
    (lambda l, m, _: (l * m).sum(1), "sums over the words"),
    (lambda l, m, x: (np.logaddexp(0, x) * m).sum(1) / m.sum(1), "label 'fake'"),
    (lambda l, m, _: -(l * m).sum(1) / m.sum(1), "wrong sign"),
    (lambda l, m, _: (l * m).sum(1) / m.shape[1], "divides by the padded length"),
    (lambda l, m, _: (l * m).sum() / m.sum(), "averages over all real words of the batch"),
    (lambda l, m, _: l, "has shape (4, 6)"),
])
def test_per_word_loss_mistakes_get_their_own_message(wrong, message):
    feedback = check_per_word_generator_loss(masked(wrong))
    assert not feedback.passed and message in feedback.message


def right_choice(image_index, rng):
    return np.array([rng.choice(np.flatnonzero(image_index != own)) for own in image_index])


def test_mismatched_reference_passes():
    assert check_mismatched_selection(right_choice).passed


@pytest.mark.parametrize("wrong, message", [
    # Avoids its own row but not the other captions of its picture.
    (lambda ix, rng: np.array([rng.choice([j for j in range(len(ix)) if j != i]) for i in range(len(ix))]),
     "compare image indices"),
    (lambda ix, rng: np.array([np.flatnonzero(ix != own)[0] for own in ix]), "same choice"),
    (lambda ix, rng: np.arange(len(ix)), "own row"),
    (lambda ix, rng: right_choice(ix, rng)[:-1], "shape (7,)"),
    (lambda ix, rng: ix[right_choice(ix, rng)], "outside 0..7"),
    (lambda ix, rng: right_choice(ix, rng).astype(float), "integer batch positions"),
    (lambda ix, rng: np.array([np.flatnonzero(ix != own)[rng.integers(2)] for own in ix]), "never gets some"),
])
def test_mismatched_mistakes_get_their_own_message(wrong, message):
    feedback = check_mismatched_selection(wrong)
    assert not feedback.passed and message in feedback.message, feedback.message
