"""The notebook-03 checkers accept the right losses and name each typical mistake."""

import keras
import pytest
import tensorflow as tf

from lstmgan_tf.exercises import gan as exercises


def _bce(labels, logits):
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


def right_d(real, fake):
    return tf.reduce_mean(_bce(tf.ones_like(real), real)) + tf.reduce_mean(_bce(tf.zeros_like(fake), fake))


def right_d_keras(real, fake):
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    return cross_entropy(tf.ones_like(real), real) + cross_entropy(tf.zeros_like(fake), fake)


def _not_written():
    raise NotImplementedError


WRONG_D = {
    "swapped": (lambda r, f: tf.reduce_mean(_bce(tf.zeros_like(r), r)) + tf.reduce_mean(_bce(tf.ones_like(f), f)),
                "labels are swapped"),
    "real only": (lambda r, f: tf.reduce_mean(_bce(tf.ones_like(r), r)), "Only the real term"),
    "fake only": (lambda r, f: tf.reduce_mean(_bce(tf.zeros_like(f), f)), "Only the fake term"),
    "sign": (lambda r, f: -right_d(r, f), "Wrong sign"),
    "halved": (lambda r, f: right_d(r, f) / 2, "averaged the real and fake terms"),
    "sum": (lambda r, f: tf.reduce_sum(_bce(tf.ones_like(r), r)) + tf.reduce_sum(_bce(tf.zeros_like(f), f)),
            "summed over the batch"),
    "double sigmoid": (lambda r, f: right_d(tf.sigmoid(r), tf.sigmoid(f)), "sigmoid is applied twice"),
    "probabilities": (
        lambda r, f: keras.losses.BinaryCrossentropy()(tf.ones_like(r), r)
        + keras.losses.BinaryCrossentropy()(tf.zeros_like(f), f),
        "logits, not probabilities",
    ),
    "not scalar": (lambda r, f: _bce(tf.ones_like(r), r), "average the per-example losses"),
    "unwritten": (lambda r, f: _not_written(), "NotImplementedError"),
}


def right_g(fake):
    return tf.reduce_mean(_bce(tf.ones_like(fake), fake))


WRONG_G = {
    "label 0": (lambda f: tf.reduce_mean(_bce(tf.zeros_like(f), f)), "label is wrong"),
    "saturating": (lambda f: -tf.reduce_mean(_bce(tf.zeros_like(f), f)), "saturating minimax loss"),
    "sign": (lambda f: -right_g(f), "Wrong sign"),
    "sum": (lambda f: tf.reduce_sum(_bce(tf.ones_like(f), f)), "summed over the batch"),
    "double sigmoid": (lambda f: right_g(tf.sigmoid(f)), "sigmoid is applied twice"),
    "probabilities": (lambda f: keras.losses.BinaryCrossentropy()(tf.ones_like(f), f), "logits, not probabilities"),
    "log of logits": (lambda f: -tf.reduce_mean(tf.math.log(f)), "cross-entropy *with logits*"),
}


CHECKERS = {
    "discriminator": (exercises.check_discriminator_loss, [right_d, right_d_keras], WRONG_D),
    "generator": (exercises.check_generator_loss, [right_g], WRONG_G),
}


@pytest.mark.parametrize("checker, function", [(c, f) for c, (_, rights, _) in CHECKERS.items() for f in rights])
def test_right_losses_pass(checker, function):
    feedback = CHECKERS[checker][0](function)
    assert feedback.passed, feedback.message


@pytest.mark.parametrize("checker, mistake", [(c, m) for c, (_, _, wrong) in CHECKERS.items() for m in sorted(wrong)])
def test_each_mistake_gets_its_message(checker, mistake):
    check, _, wrong = CHECKERS[checker]
    function, message = wrong[mistake]
    feedback = check(function)
    assert not feedback.passed
    assert message in feedback.message


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_messages_are_distinct(checker):
    check, _, wrong = CHECKERS[checker]
    assert len({check(function).message for function, _ in wrong.values()}) == len(wrong)
