"""How well a discriminator tells real images from generated ones: accuracy and ROC AUC.

Both read a discriminator's logits (positive means "real") and labels (1 for a
real image, 0 for a generated one), the convention of every discriminator in
the kit.

Example:

>>> from lstmgan_tf.metrics import accuracy_at_threshold, roc_auc
>>> accuracy_at_threshold([2.0, 0.3, -0.1, -4.0], [1, 0, 0, 1])
0.5
>>> roc_auc([3.0, 2.0, 1.0, 0.0], [1, 0, 1, 0])
0.75
"""

from __future__ import annotations

import numpy as np


def _scores_and_labels(scores, labels):
    scores = np.asarray(scores, dtype="float64").reshape(-1)
    labels = np.asarray(labels).reshape(-1)
    if scores.shape != labels.shape:
        raise ValueError(f"got {scores.size} scores but {labels.size} labels.")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 (generated) or 1 (real).")
    return scores, labels.astype(bool)


def accuracy_at_threshold(logits, labels, threshold: float = 0.0) -> float:
    """Fraction of images called right when ``logit > threshold`` means "real".

    A logit of 0 is a probability of 0.5, so threshold 0 on logits is the usual
    0.5 on probabilities.

    Args:
        logits: discriminator outputs, any shape with ``N`` values.
        labels: 1 for real, 0 for generated.
        threshold: the decision threshold on the logit.

    Returns:
        Accuracy in [0, 1].
    """
    scores, labels = _scores_and_labels(logits, labels)
    return float(np.mean((scores > threshold) == labels))


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve: the chance a random real image outscores a random generated one.

    Computed as the Mann-Whitney statistic from ranks (ties count one half),
    which needs no threshold: 0.5 is chance, 1.0 a perfect ranking.

    Raises:
        ValueError: if the labels hold only one class.
    """
    from scipy.stats import rankdata

    scores, labels = _scores_and_labels(scores, labels)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        raise ValueError("ROC AUC needs both real (1) and generated (0) images.")
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))
