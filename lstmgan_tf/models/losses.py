"""The adversarial losses every GAN of the kit shares.

Each function takes logits (not probabilities): the sigmoid lives inside the
cross-entropy, where it is computed stably. Per-example values are reduced
with `tf.nn.compute_average_loss`, so a step means the same on one device and
on eight.

Example:

>>> import tensorflow as tf
>>> real_logits = tf.constant([[4.0], [3.0]])
>>> fake_logits = tf.constant([[-4.0], [2.0]])
>>> float(accuracy(real_logits, real=True)), float(accuracy(fake_logits, real=False))
(1.0, 0.5)
>>> round(float(generator_loss(fake_logits, global_batch_size=2)), 3)
2.073
"""

from __future__ import annotations

import tensorflow as tf


def per_example_bce(logits, labels):
    """Binary cross-entropy of logits against 0/1 (or smoothed) labels, per example.

    Args:
        logits: tensor of shape ``(B, 1)`` or ``(B,)``: the discriminator's
            raw scores, before any sigmoid.
        labels: a tensor of the same shape, or a Python number broadcast to it
            (``1.0`` = real, ``0.0`` = fake).

    Returns:
        A float32 tensor of shape ``(B,)``.
    """
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1])
    labels = tf.broadcast_to(tf.cast(labels, tf.float32), tf.shape(logits))
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


GAN_LOSSES = ("cross_entropy", "hinge")


def adversarial_terms(logits, target: str, loss: str):
    """Per-example adversarial loss of D's logits.

    Args:
        logits: ``(B, 1)`` or ``(B,)`` logits.
        target: ``"real"`` or ``"fake"`` for D's loss; ``"generator"`` for G's
            (non-saturating cross-entropy, or hinge's ``-D``).
        loss: one of `GAN_LOSSES`: ``"cross_entropy"`` (Goodfellow et al.
            2014) or ``"hinge"`` (Lim & Ye 2017; Miyato et al. 2018):
            D ``relu(1 - real) + relu(1 + fake)``, G ``-D(fake)``.

    Returns:
        float32 ``(B,)``.
    """
    if loss not in GAN_LOSSES:
        raise ValueError(f"unknown GAN loss {loss!r}; choose one of: {', '.join(GAN_LOSSES)}.")
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1])
    if loss == "cross_entropy":
        return per_example_bce(logits, 0.0 if target == "fake" else 1.0)
    if target == "generator":
        return -logits
    return tf.nn.relu(1.0 - logits) if target == "real" else tf.nn.relu(1.0 + logits)


def discriminator_loss(real_logits, fake_logits, global_batch_size, label_smoothing=0.0, loss="cross_entropy"):
    """The discriminator's loss: real images scored real, generated ones fake.

    ``-log D(x) - log(1 - D(G(z)))``, averaged over the global batch; or, with
    ``loss="hinge"``, ``relu(1 - D(x)) + relu(1 + D(G(z)))``.

    Args:
        real_logits: logits of the discriminator on real images, ``(B, 1)``.
        fake_logits: logits on generated images, ``(B, 1)``.
        global_batch_size: batch size summed over all replicas.
        label_smoothing: one-sided label smoothing: real images get the label
            ``1 - label_smoothing`` (Salimans et al. 2016); 0 disables it.
            Cross-entropy only.
        loss: one of `GAN_LOSSES` (see `adversarial_terms`).

    Returns:
        A scalar: this replica's share of the global mean.
    """
    if loss == "cross_entropy":
        per_example = per_example_bce(real_logits, 1.0 - label_smoothing) + per_example_bce(fake_logits, 0.0)
    else:
        per_example = adversarial_terms(real_logits, "real", loss) + adversarial_terms(fake_logits, "fake", loss)
    return tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)


def generator_loss(fake_logits, global_batch_size, loss="cross_entropy"):
    """The generator's loss: the non-saturating ``-log D(G(z))`` (Goodfellow et al. 2014).

    With ``loss="hinge"`` it is ``-D(G(z))`` (Lim & Ye 2017).

    Args:
        fake_logits: logits of the discriminator on generated images.
        global_batch_size: batch size summed over all replicas.
        loss: one of `GAN_LOSSES`.

    Returns:
        A scalar: this replica's share of the global mean.
    """
    return tf.nn.compute_average_loss(
        adversarial_terms(fake_logits, "generator", loss), global_batch_size=global_batch_size
    )


def accuracy(logits, real: bool):
    """Fraction of examples the discriminator calls correctly (logit > 0 means real)."""
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1])
    correct = logits > 0.0 if real else logits < 0.0
    return tf.reduce_mean(tf.cast(correct, tf.float32))
