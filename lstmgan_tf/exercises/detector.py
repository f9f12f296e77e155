"""Checkers for the exercises of notebook 04 (the LSTM as a discriminator).

- `check_image_to_rows`: turn a batch of images into row sequences.
- `check_accuracy_at_threshold`: a discriminator's accuracy from its logits.
- `check_balanced_disjoint_split`: balanced real/generated train and test sets
  with no image in both, even when the real images hold duplicates.

Each checker runs the student's function on inputs built to expose the usual
mistakes and compares it with `lstmgan_tf.layers.ImageToSequence`,
`lstmgan_tf.metrics.accuracy_at_threshold` or
`lstmgan_tf.experiments.detector_study`; every typical wrong answer gets its
own message.

Example:

>>> import numpy as np
>>> check_image_to_rows(lambda images: np.reshape(images, (len(images), images.shape[1], -1)))
✅ image_to_rows reads each row's W*3 values as one time step, top to bottom.
"""

from __future__ import annotations

import hashlib
from typing import Callable

import numpy as np

from lstmgan_tf.exercises.core import Feedback, check_close


def _numbered_images(count: int = 3, height: int = 8, width: int = 6) -> np.ndarray:
    # Every value is its own flat index, so any reordering changes the output.
    return np.arange(count * height * width * 3, dtype="float32").reshape(count, height, width, 3)


def _to_numpy(value):
    try:
        import keras

        return np.asarray(keras.ops.convert_to_numpy(value))
    except Exception:  # Not a tensor Keras knows: let NumPy try.
        return np.asarray(value)


def check_image_to_rows(image_to_rows: Callable) -> Feedback:
    """Checks ``image_to_rows(images (B, H, W, 3)) -> (B, H, W*3)``, one time step per row."""
    images = _numbered_images()
    count, height, width, channels = images.shape
    try:
        answer = _to_numpy(image_to_rows(images))
    except Exception as error:  # The student's code may fail in any way.
        return Feedback(False, f"image_to_rows raised {type(error).__name__}: {error}")
    expected = images.reshape(count, height, width * channels)
    if answer.shape == (count, width, height * channels):
        return Feedback(False, "image_to_rows returns one time step per column; read rows (axis 1) top to bottom.")
    if answer.shape == (count, height * width * channels):
        return Feedback(False, "image_to_rows flattens each image to one vector; keep the rows as a time axis.")
    if answer.shape == (count, height * width, channels):
        return Feedback(False, "image_to_rows makes every pixel a time step; a step should be a whole row of W*3 values.")
    if answer.shape == expected.shape and not np.array_equal(answer, expected):
        if np.array_equal(answer, images.transpose(0, 2, 1, 3).reshape(count, height, width * channels)):
            return Feedback(False, "image_to_rows has the right shape but reads columns; do not transpose the image.")
        if np.array_equal(answer, images.transpose(0, 1, 3, 2).reshape(count, height, width * channels)):
            return Feedback(False, "image_to_rows groups a row's values by channel (RRR..GGG..); keep each pixel's R, G, B together.")
        if np.array_equal(np.sort(answer, axis=None), np.sort(expected, axis=None)):
            return Feedback(False, "image_to_rows has the right shape and values, but in the wrong order; reshape without transposing.")
    problem = check_close("image_to_rows(images)", answer, expected, atol=0, rtol=0)
    if problem is not None:
        return problem
    return Feedback(True, "image_to_rows reads each row's W*3 values as one time step, top to bottom.")


def check_accuracy_at_threshold(accuracy: Callable) -> Feedback:
    """Checks ``accuracy(logits, labels) -> float in [0, 1]``, a positive logit meaning "real" (1)."""
    from lstmgan_tf.metrics.detection import accuracy_at_threshold

    # Logits between 0 and 0.5 tell a threshold of 0.5 from one of 0, and the
    # classes are unbalanced so that a flipped sign gives a different number.
    logits = np.array([2.0, 0.3, 0.2, -0.4, -1.5, 0.1, -0.2, 3.0, -2.0, 0.4], "float32")
    labels = np.array([1, 1, 1, 0, 0, 1, 1, 1, 0, 1], "int32")
    expected = accuracy_at_threshold(logits, labels)
    try:
        answer = accuracy(logits, labels)
        answer = float(_to_numpy(answer))
    except Exception as error:  # The student's code may fail in any way.
        return Feedback(False, f"accuracy raised {type(error).__name__}: {error}")
    if np.isclose(answer, expected * 100):
        return Feedback(False, "accuracy returns a percentage; return a fraction between 0 and 1.")
    if np.isclose(answer, accuracy_at_threshold(logits, labels, threshold=0.5)):
        return Feedback(False, "accuracy thresholds the logits at 0.5; a logit of 0 is a probability of 0.5, so threshold logits at 0.")
    if np.isclose(answer, 1.0 - expected):
        return Feedback(False, "accuracy calls a positive logit 'generated'; a positive logit means 'real' (label 1).")
    if np.isclose(answer, np.mean(labels == 1)) or np.isclose(answer, np.mean(labels == 0)):
        return Feedback(False, "accuracy does not depend on the logits; compare (logits > 0) with the labels.")
    if not np.isclose(answer, expected):
        return Feedback(False, f"accuracy gives {answer:.3f} where the reference gives {expected:.3f}.")
    return Feedback(True, "accuracy thresholds logits at 0 and returns the fraction called right.")


def _hashes(images) -> list[str]:
    return [hashlib.sha1(np.ascontiguousarray(image).tobytes()).hexdigest() for image in np.asarray(images)]


def _split_inputs(seed: int = 0):
    """Real images with duplicates (as real datasets have) and more generated than real ones."""
    rng = np.random.default_rng(seed)
    unique_real = rng.integers(0, 256, (30, 4, 4, 3), dtype=np.uint8)
    # Ten of the real images appear twice, at places far apart.
    real = np.concatenate([unique_real, unique_real[:10]])[rng.permutation(40)]
    fake = rng.integers(0, 256, (55, 4, 4, 3), dtype=np.uint8)
    return real, fake


def check_balanced_disjoint_split(split: Callable) -> Feedback:
    """Checks ``split(real, fake, test_fraction, seed) -> (train_x, train_y, test_x, test_y)``.

    The answer must label real images 1 and generated ones 0, have as many of
    each in both sets, keep about ``test_fraction`` of the images for testing,
    and have no image (compared by content) in both sets. The real images
    given hold duplicates, so splitting by position is not enough.
    """
    real, fake = _split_inputs()
    test_fraction = 0.25
    try:
        train_x, train_y, test_x, test_y = (np.asarray(part) for part in split(real, fake, test_fraction, 0))
    except Exception as error:  # The student's code may fail in any way.
        return Feedback(False, f"split raised {type(error).__name__}: {error}")
    for name, images, labels in (("train", train_x, train_y), ("test", test_x, test_y)):
        if images.ndim != 4 or images.shape[1:] != real.shape[1:]:
            return Feedback(False, f"the {name} images have shape {images.shape}; expected (N, 4, 4, 3).")
        if labels.shape != (len(images),):
            return Feedback(False, f"the {name} labels have shape {labels.shape}; expected one label per image, ({len(images)},).")
        if not np.isin(labels, (0, 1)).all():
            return Feedback(False, f"the {name} labels should be 0 (generated) and 1 (real), got {sorted(set(labels.tolist()))}.")
    real_hashes = set(_hashes(real))
    train_hashes, test_hashes = _hashes(train_x), _hashes(test_x)
    labelled = [(digest, label) for digest, label in zip(train_hashes + test_hashes, np.concatenate([train_y, test_y]))]
    if labelled and all((digest in real_hashes) == (label == 0) for digest, label in labelled):
        return Feedback(False, "real images are labelled 0 and generated ones 1; the convention is real = 1 (a positive logit).")
    if any((digest in real_hashes) != (label == 1) for digest, label in labelled):
        return Feedback(False, "some images carry the wrong label: real images must be 1, generated ones 0.")
    for name, labels in (("train", train_y), ("test", test_y)):
        real_count, fake_count = int(labels.sum()), int(len(labels) - labels.sum())
        if real_count != fake_count:
            return Feedback(False, f"the {name} set has {real_count} real and {fake_count} generated images; use as many of each.")
    shared = set(train_hashes) & set(test_hashes)
    if shared:
        return Feedback(
            False, f"{len(shared)} images are in both train and test; the real images hold duplicates, "
            "so compare images by content (e.g. a hash of their bytes), not by position."
        )
    if len(test_x) == 0 or len(train_x) == 0:
        return Feedback(False, "one of the sets is empty.")
    fraction = len(test_x) / (len(train_x) + len(test_x))
    if abs(fraction - test_fraction) > 0.1:
        return Feedback(False, f"{fraction:.0%} of the images are in the test set; test_fraction asked for {test_fraction:.0%}.")
    return Feedback(True, "train and test are balanced, labelled real = 1, and share no image.")
