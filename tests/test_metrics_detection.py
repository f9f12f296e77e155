"""Accuracy and ROC AUC of a real/fake discriminator (`lstmgan_tf.metrics.detection`)."""

import itertools

import numpy as np
import pytest

from lstmgan_tf.metrics import accuracy_at_threshold, roc_auc


def test_roc_auc_is_the_chance_a_real_image_outscores_a_generated_one():
    rng = np.random.default_rng(0)
    scores = np.round(rng.normal(size=60), 1)  # Rounded, so there are ties.
    labels = rng.integers(0, 2, 60)
    pairs = list(itertools.product(scores[labels == 1], scores[labels == 0]))
    brute_force = np.mean([1.0 if r > f else 0.5 if r == f else 0.0 for r, f in pairs])
    assert roc_auc(scores, labels) == pytest.approx(brute_force)
    assert roc_auc([3, 2, 1, 0], [1, 1, 0, 0]) == 1.0
    with pytest.raises(ValueError, match="both real"):
        roc_auc([1.0, 2.0], [1, 1])


def test_accuracy_thresholds_logits_at_zero():
    assert accuracy_at_threshold([2.0, 0.3, -0.1, -4.0], [1, 0, 0, 1]) == 0.5
    with pytest.raises(ValueError, match="got 3 scores but 2 labels"):
        accuracy_at_threshold([1.0, 2.0, 3.0], [1, 0])
    with pytest.raises(ValueError, match="labels must be 0"):
        accuracy_at_threshold([1.0, 2.0], [1, 2])


