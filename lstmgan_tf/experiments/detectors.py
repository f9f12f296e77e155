"""Real-vs-generated detectors: balanced, disjoint image sets, the CNN and LSTM detectors, training, scoring.

The pieces of the LSTM-as-discriminator study (`lstmgan_tf.experiments.detector_study`)
that work on one generator: `build_detector_sets` makes a balanced train set and a
held-out test set with no image in both (checked by content hash);
`build_detectors` makes a CNN detector and one LSTM detector per way of reading
an image, of matched size; `train_detector` fits one and recomputes its batch-norm
statistics for its final weights (`refresh_batch_norm_statistics`);
`evaluate_discriminator` scores any discriminator on held-out images
(`lstmgan_tf.metrics.detection`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING

import numpy as np

from lstmgan_tf.experiments.runs import trainable_parameter_count
from lstmgan_tf.metrics.detection import accuracy_at_threshold, roc_auc

if TYPE_CHECKING:
    from lstmgan_tf.experiments.detector_study import StudyConfig

def content_hashes(images) -> list[str]:
    """Returns a SHA-1 of each image's uint8 pixels: equal images, equal hashes.

    Args:
        images: array of shape ``(N, H, W, C)``, uint8 or floats in [-1, 1]
            (converted to uint8 first, as a saved PNG would be).
    """
    from lstmgan_tf.viz import to_uint8

    pixels = to_uint8(images)
    return [hashlib.sha1(np.ascontiguousarray(image).tobytes()).hexdigest() for image in pixels]


@dataclasses.dataclass
class DetectorSets:
    """Balanced real/generated train and test sets, images as uint8.

    Labels are 1 for a real image and 0 for a generated one, matching the
    discriminator's convention that a positive logit means "real".
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    dropped_duplicates: int = 0

    def describe(self) -> str:
        def counts(labels):
            return f"{int(labels.sum())} real + {int(len(labels) - labels.sum())} generated"

        return (
            f"train: {counts(self.train_labels)}; test: {counts(self.test_labels)}; "
            f"{self.dropped_duplicates} test images dropped as duplicates of train images"
        )


def _as_uint8_images(name: str, images) -> np.ndarray:
    from lstmgan_tf.viz import to_uint8

    array = np.asarray(images)
    if array.ndim != 4 or array.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (N, H, W, 3), got {array.shape}.")
    if len(array) == 0:
        raise ValueError(f"{name} is empty.")
    return to_uint8(array)


def build_detector_sets(real_train, real_test, fake_train, fake_test, seed: int = 0) -> DetectorSets:
    """Builds balanced train and test sets with no image in both.

    A test image whose pixels equal those of any train image (real or
    generated) is dropped, since a detector could have memorised it; then each
    set is cut to as many real as generated images and shuffled.

    Args:
        real_train: real images for training, ``(N, H, W, 3)``, uint8 or [-1, 1].
        real_test: real held-out images (the dataset's ``test`` split).
        fake_train: generated images for training.
        fake_test: generated held-out images, from noise the train set did not use.
        seed: seed of the shuffle and of which images are kept when cutting.

    Returns:
        `DetectorSets`.

    Raises:
        ValueError: if the images' shapes differ or a set would be empty.
    """
    arrays = {
        "real_train": _as_uint8_images("real_train", real_train),
        "real_test": _as_uint8_images("real_test", real_test),
        "fake_train": _as_uint8_images("fake_train", fake_train),
        "fake_test": _as_uint8_images("fake_test", fake_test),
    }
    shapes = {name: array.shape[1:] for name, array in arrays.items()}
    if len(set(shapes.values())) != 1:
        raise ValueError(f"all images must have the same size, got {shapes}.")
    train_hashes = set(content_hashes(arrays["real_train"])) | set(content_hashes(arrays["fake_train"]))
    dropped = 0
    for name in ("real_test", "fake_test"):
        keep = np.array([digest not in train_hashes for digest in content_hashes(arrays[name])])
        dropped += int((~keep).sum())
        arrays[name] = arrays[name][keep]
        if not len(arrays[name]):
            raise ValueError(f"every image of {name} also appears in the train set.")
    rng = np.random.default_rng(seed)

    def balanced(real, fake):
        count = min(len(real), len(fake))
        real = real[rng.permutation(len(real))[:count]]
        fake = fake[rng.permutation(len(fake))[:count]]
        images = np.concatenate([real, fake])
        labels = np.concatenate([np.ones(count, "float32"), np.zeros(count, "float32")])
        order = rng.permutation(len(images))
        return images[order], labels[order]

    train_images, train_labels = balanced(arrays["real_train"], arrays["fake_train"])
    test_images, test_labels = balanced(arrays["real_test"], arrays["fake_test"])
    return DetectorSets(train_images, train_labels, test_images, test_labels, dropped)


def to_model_input(images) -> np.ndarray:
    """uint8 images -> float32 in [-1, 1], what the models read."""
    return np.asarray(images, "float32") / 127.5 - 1.0


def predict_logits(model, images, batch_size: int = 256) -> np.ndarray:
    """Runs a discriminator in inference mode on uint8 images; returns ``(N,)`` logits."""
    import keras

    inputs = to_model_input(images)
    chunks = [
        keras.ops.convert_to_numpy(model(inputs[start : start + batch_size], training=False))
        for start in range(0, len(inputs), batch_size)
    ]
    return np.concatenate(chunks).reshape(-1)


def evaluate_discriminator(model, images, labels) -> dict:
    """Held-out accuracy (threshold 0), accuracy on each class, and ROC AUC."""
    logits = predict_logits(model, images)
    labels = np.asarray(labels)
    return {
        "accuracy": accuracy_at_threshold(logits, labels),
        "real_accuracy": accuracy_at_threshold(logits[labels == 1], labels[labels == 1]),
        "fake_accuracy": accuracy_at_threshold(logits[labels == 0], labels[labels == 0]),
        "roc_auc": roc_auc(logits, labels),
    }


def accuracy_by_steps_seen(lstm_detector, images, labels) -> np.ndarray:
    """Accuracy of an LSTM detector after it has read ``1, 2, ..., T`` rows (or steps).

    Uses `lstmgan_tf.layers.lstm_discriminator.logits_after_each_step`: the
    LSTM is causal, so its verdict after ``t`` rows is what it would say if the
    rest of the image were hidden.

    Returns:
        Array of ``T`` accuracies; the last is the detector's usual accuracy.
    """
    from lstmgan_tf.layers.lstm_discriminator import logits_after_each_step

    logits = logits_after_each_step(lstm_detector, to_model_input(images))
    correct = (logits > 0) == (np.asarray(labels)[:, None] == 1)
    return correct.mean(axis=0)


def lstm_key(sequence: str) -> str:
    """The results' name of the LSTM detector that reads ``sequence`` (``rows`` -> ``lstm_rows``)."""
    return f"lstm_{sequence}"


def build_detectors(study: StudyConfig) -> dict:
    """Builds the CNN detector (the GAN discriminator's architecture, ``study.detector_width``) and matched LSTMs.

    Returns:
        ``{"cnn_detector": model, "lstm_rows": model, ...}``, one LSTM per
        ``study.lstm_sequences``, each with about the CNN's trainable
        weights; not compiled.
    """
    from lstmgan_tf.layers.dcgan import build_discriminator
    from lstmgan_tf.layers.lstm_discriminator import build_lstm_discriminator, lstm_units_for_parameter_count

    cnn = build_discriminator(study.image_size, study.detector_width, name="cnn_detector")
    detectors = {"cnn_detector": cnn}
    for sequence in study.lstm_sequences:
        units = study.lstm_units or lstm_units_for_parameter_count(
            trainable_parameter_count(cnn), study.image_size, sequence, study.lstm_patch_size
        )
        detectors[lstm_key(sequence)] = build_lstm_discriminator(
            study.image_size, units, sequence, study.lstm_patch_size, study.lstm_cell, name=lstm_key(sequence),
        )
    return detectors


def train_detector(model, sets: DetectorSets, study: StudyConfig, verbose=0):
    """Trains a detector on the train set with Adam and binary cross-entropy on logits.

    Batch normalisation's moving statistics are then recomputed for the
    final weights (`refresh_batch_norm_statistics`): after a few dozen fast
    Adam steps they still describe the weights of several steps ago, and a
    CNN detector that ranks every held-out image right (ROC AUC 1.0) called
    most real ones generated (threshold accuracy 54-70 %, measured at
    ``classroom``); with fresh statistics it scored 99.9-100 %.

    Returns:
        The Keras ``History``.
    """
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(study.detector_learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )
    inputs = to_model_input(sets.train_images)
    history = model.fit(
        inputs, sets.train_labels, batch_size=study.batch_size, epochs=study.detector_epochs, shuffle=True,
        verbose=verbose,
    )
    if study.refresh_batch_norm:
        refresh_batch_norm_statistics(model, inputs, study.batch_size)
    return history


def _batch_norm_layers(layer) -> list:
    import keras

    if isinstance(layer, keras.layers.BatchNormalization):
        return [layer]
    return [norm for child in getattr(layer, "layers", []) for norm in _batch_norm_layers(child)]


def refresh_batch_norm_statistics(model, inputs, batch_size: int) -> int:
    """Sets every batch-norm layer's moving statistics to their mean over ``inputs`` under the current weights.

    The "precise" statistics of Wu & Johnson (2021, "Rethinking batch in
    BatchNorm"): one pass in training mode, each layer's momentum set so that
    its moving mean and variance become the plain average over the batches.
    The weights do not change.

    Args:
        model: a Keras model (nested models are searched too).
        inputs: model inputs, e.g. the training images in [-1, 1].
        batch_size: images per forward pass (as in training).

    Returns:
        How many batch-norm layers were refreshed (0: nothing to do).
    """
    norms = _batch_norm_layers(model)
    if not norms:
        return 0
    momenta = [norm.momentum for norm in norms]
    try:
        for index, start in enumerate(range(0, len(inputs), batch_size)):
            for norm in norms:
                # new = old * m + batch * (1 - m) with m = k / (k + 1) is the running mean of k + 1 batches.
                norm.momentum = index / (index + 1)
            model(inputs[start : start + batch_size], training=True)
    finally:
        for norm, momentum in zip(norms, momenta):
            norm.momentum = momentum
    return len(norms)
