"""Checkers for the exercises of notebook 03 (DCGAN).

- `check_discriminator_loss`: the discriminator's loss from its logits on a
  real and a generated batch.
- `check_generator_loss`: the generator's non-saturating loss.

Both run the student's function on fixed logits, compare with
`lstmgan_tf.models.gan` and name the typical mistake when they differ: labels
swapped, a missing term, the wrong sign, a sigmoid applied twice, logits taken
for probabilities, a sum instead of a mean.

Example:

>>> import tensorflow as tf
>>> def generator_loss(fake_logits):
...     labels = tf.ones_like(fake_logits)
...     return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels, fake_logits))
>>> check_generator_loss(generator_loss)
✅ generator_loss is the non-saturating loss -log D(G(z)), averaged over the batch.
"""

from __future__ import annotations

import numpy as np

from lstmgan_tf.exercises.core import Feedback

_BATCH = 8


def _logits():
    rng = np.random.default_rng(3)
    real = rng.normal(1.0, 1.5, (_BATCH, 1)).astype("float32")
    fake = rng.normal(-0.5, 1.5, (_BATCH, 1)).astype("float32")
    return real, fake


def _bce(logits, label):
    """Per-example binary cross-entropy of logits, in float64 NumPy."""
    logits = np.asarray(logits, np.float64).ravel()
    return np.maximum(logits, 0) - logits * label + np.log1p(np.exp(-np.abs(logits)))


def _bce_of_probabilities(values, label):
    """Keras's cross-entropy when it is told the logits are probabilities."""
    # Clipped in float32, as Keras does, so that 1 - (1 - epsilon) matches.
    epsilon = np.float32(1e-7)
    values = np.clip(np.asarray(values, np.float32).ravel(), epsilon, np.float32(1) - epsilon)
    values = values.astype(np.float64)
    return -(label * np.log(values) + (1 - label) * np.log(1 - values))


def _sigmoid(values):
    return 1 / (1 + np.exp(-np.asarray(values, np.float64)))


def _mistakes_of_any_cross_entropy(expected, terms):
    """The mistakes a loss made of cross-entropy terms can have, whatever the terms.

    Args:
        expected: the reference loss.
        terms: ``(logits, label)`` pairs whose batch-mean cross-entropies add up
            to ``expected``.
    """
    return [
        (-expected, "Wrong sign: a cross-entropy is already the negative log-likelihood, do not negate it."),
        (expected * _BATCH, "You summed over the batch; take the mean over the examples."),
        (sum(_bce(_sigmoid(logits), label).mean() for logits, label in terms),
         "The sigmoid is applied twice: pass the raw logits to a cross-entropy *with logits*."),
        (sum(_bce_of_probabilities(logits, label).mean() for logits, label in terms),
         "The inputs are logits, not probabilities: use from_logits=True (or "
         "tf.nn.sigmoid_cross_entropy_with_logits)."),
    ]


def _call(function, name, *arguments):
    import tensorflow as tf

    try:
        value = function(*(tf.constant(a) for a in arguments))
    except NotImplementedError:
        return None, Feedback(False, f"{name} still raises NotImplementedError; write your solution first.")
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, Feedback(False, f"{name} should return a scalar tensor, got {type(value).__name__}.")
    if value.size != 1:
        return None, Feedback(
            False, f"{name} returned shape {value.shape}; average the per-example losses into one scalar."
        )
    value = float(value.ravel()[0])
    if not np.isfinite(value):
        return None, Feedback(
            False, f"{name} returned {value}; the inputs are logits (any real number), so use a "
            "cross-entropy *with logits*, which is stable."
        )
    return value, None


def _diagnose(value, expected, mistakes, name, success):
    """Feedback for ``value``: right (``success``), one of the named ``mistakes``, or just wrong."""
    if np.isclose(value, expected, rtol=1e-4, atol=1e-5):
        return Feedback(True, success)
    for mistaken_value, message in mistakes:
        if np.isclose(value, mistaken_value, rtol=1e-4, atol=1e-5):
            return Feedback(False, message)
    return Feedback(False, f"{name} returned {value:.4f}; the reference gives {expected:.4f}.")


def check_discriminator_loss(discriminator_loss) -> Feedback:
    """Checks ``discriminator_loss(real_logits, fake_logits) -> scalar``.

    The loss is ``-log D(x) - log(1 - D(G(z)))`` averaged over the batch: the
    cross-entropy of the real logits against label 1 plus that of the fake
    logits against label 0. The inputs are logits of shape ``(B, 1)``.
    """
    from lstmgan_tf.models import gan

    real, fake = _logits()
    value, problem = _call(discriminator_loss, "discriminator_loss", real, fake)
    if problem is not None:
        return problem
    expected = float(gan.discriminator_loss(real, fake, _BATCH))
    real_term, fake_term = _bce(real, 1).mean(), _bce(fake, 0).mean()
    mistakes = [
        (_bce(real, 0).mean() + _bce(fake, 1).mean(),
         "The labels are swapped: real images should get label 1 and generated ones label 0."),
        (real_term, "Only the real term is there; add the loss of the generated images against label 0."),
        (fake_term, "Only the fake term is there; add the loss of the real images against label 1."),
        ((real_term + fake_term) / 2,
         "You averaged the real and fake terms; the DCGAN loss adds them (each is already a batch mean)."),
        *_mistakes_of_any_cross_entropy(expected, [(real, 1), (fake, 0)]),
    ]
    return _diagnose(
        value, expected, mistakes, "discriminator_loss",
        success="discriminator_loss scores real images as 1 and generated ones as 0, averaged over the batch.",
    )


def check_generator_loss(generator_loss) -> Feedback:
    """Checks ``generator_loss(fake_logits) -> scalar``.

    The generator's non-saturating loss is ``-log D(G(z))``, averaged over the
    batch: the cross-entropy of the discriminator's logits on generated images
    against label 1 ("real").
    """
    from lstmgan_tf.models import gan

    _, fake = _logits()
    value, problem = _call(generator_loss, "generator_loss", fake)
    if problem is not None:
        return problem
    expected = float(gan.generator_loss(fake, _BATCH))
    mistakes = [
        (_bce(fake, 0).mean(),
         "The label is wrong: the generator wants its images called real, label 1, not 0."),
        (-_bce(fake, 0).mean(),
         "That is the saturating minimax loss log(1 - D(G(z))); its gradient vanishes when D wins. "
         "Use the non-saturating -log D(G(z)): label 1."),
        *_mistakes_of_any_cross_entropy(expected, [(fake, 1)]),
    ]
    return _diagnose(
        value, expected, mistakes, "generator_loss",
        success="generator_loss is the non-saturating loss -log D(G(z)), averaged over the batch.",
    )
