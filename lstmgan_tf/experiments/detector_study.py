"""The LSTM-as-discriminator study of paper 000, done with held-out data and error bars.

Paper 000 trains a GAN, then shows its generated images together with real ones
to an LSTM and reports that the LSTM tells them apart more often than the GAN's
own discriminator does (72.68 % against 58.53 %), once, with no error bars and
no code. Those two numbers measure different things: a GAN's discriminator is
trained *against* a moving generator and sits near 50 % at equilibrium by
design, while a detector trained *after* the fact on a frozen generator is an
ordinary classifier. And how hard detection is depends on how good the
generator is. This module makes the comparison fair and repeatable. For each
seed:

1. train one DCGAN (`lstmgan_tf.training.train("dcgan", ...)`, cached and
   resumable), keeping its weights at several epochs from early to late
   (``generator_epochs``, `lstmgan_tf.training.callbacks.WeightSnapshots`):
   generators of rising quality from one run;
2. for each of those generators, build a balanced train set (the GAN's real
   training images and as many generated ones) and a balanced, held-out test
   set (real images of the dataset's ``test`` split, generated images from
   fresh noise), with no image in both (checked by content hash);
3. train fresh detectors with the same data, optimiser and epochs: a CNN with
   the GAN discriminator's architecture (``detector_width`` wide) and one LSTM
   discriminator (`lstmgan_tf.layers.build_lstm_discriminator`, units chosen
   to match the CNN's parameter count) per way of reading an image
   (``lstm_sequences``: rows, columns, patches);
4. measure held-out accuracy (threshold 0 on the logit) and ROC AUC
   (`lstmgan_tf.metrics.detection`) of each, and of the GAN's own
   discriminator of the same epoch, frozen, on the same test set.

`run_study` repeats this over seeds and datasets and keeps each finished
generator epoch's results in ``out_dir`` (an interrupted run resumes);
`summarise`, `paired_differences`, `write_table` and `plot_curves` turn them
into a table of mean ± std and one figure: accuracy and ROC AUC against the
generator's epoch, a line per discriminator, next to the paper's numbers.

Example:

>>> config = StudyConfig.from_profile("smoke", dataset="abstract_art")
>>> config.generator_epochs
(1,)
>>> snapshot_epochs(30)
(1, 2, 4, 8, 15, 30)
>>> results = run_study(config, seeds=2, out_dir="outputs/experiments/demo")  # doctest: +SKIP
>>> summarise(results)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import math
import os
import shutil
import time
from typing import Iterable, Sequence

import numpy as np

from lstmgan_tf import config as kit_config
from lstmgan_tf import files
from lstmgan_tf.metrics.detection import accuracy_at_threshold, roc_auc

# The paper's two accuracies, in %: the GAN's discriminator and the LSTM.
# The paper's LSTM reads an image as a sequence of rows.
PAPER_ACCURACY = {"gan_discriminator": 58.53, "lstm_rows": 72.68}

# The discriminators a study can compare, in table order, with the names a
# reader sees; an LSTM detector is named by how it reads (`lstm_key`).
DISCRIMINATORS = {
    "gan_discriminator": "GAN's own discriminator (frozen)",
    "cnn_detector": "CNN detector",
    "lstm_rows": "LSTM detector, rows",
    "lstm_columns": "LSTM detector, columns",
    "lstm_patches": "LSTM detector, patches",
}

# The datasets the study supports: offline stand-ins for the paper's faces and
# abstract art, and CelebA through TFDS when it is on disk.
STUDY_DATASETS = ("synthetic_faces", "abstract_art", "celeb_a")

# Generators kept per GAN run, from epoch 1 to the last, evenly on a log scale.
SNAPSHOT_COUNT = 6

TABLE_COLUMNS = (
    "dataset", "generator_epoch", "discriminator", "parameters", "seeds",
    "accuracy_mean", "accuracy_std", "roc_auc_mean", "roc_auc_std",
    "real_accuracy_mean", "fake_accuracy_mean", "training_accuracy_mean", "paper_accuracy",
)
RESULTS_FILE = "results.json"
TABLE_STEM = "lstm_discriminator_table"
CHART_FILE = "lstm_discriminator_curve.png"
GENERATORS_FILE = "lstm_discriminator_generators_{dataset}.png"


def snapshot_epochs(final_epoch: int, count: int = SNAPSHOT_COUNT) -> tuple[int, ...]:
    """Epochs ``1 .. final_epoch`` spaced evenly on a log scale, at most ``count`` of them.

    Early epochs change a GAN the most, so the snapshots crowd there.
    """
    if not isinstance(final_epoch, int) or final_epoch < 1:
        raise ValueError(f"final_epoch must be a positive integer, got {final_epoch!r}.")
    points = np.geomspace(1, final_epoch, num=max(count, 1))
    return tuple(int(epoch) for epoch in sorted({int(round(point)) for point in points}))


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """Everything that shapes one seed of the study; defaults come from a profile.

    Args:
        dataset: the dataset's name (see `STUDY_DATASETS`).
        profile: the profile whose DCGAN is trained (``smoke``, ``classroom``,
            ``paper``).
        image_size: height and width of the images.
        train_per_class: real (and generated) images in the detectors' train
            set; the real ones are the first of the GAN's own training images.
        test_per_class: real (and generated) images in the held-out test set;
            the real ones come from the dataset's ``test`` split.
        gan_epochs: epochs of DCGAN training.
        gan_images: the DCGAN's training images (at least ``train_per_class``).
        detector_epochs: epochs of detector training.
        batch_size: batch size of the detectors.
        generator_epochs: the GAN epochs whose generator (and discriminator)
            the detectors are scored against; default `snapshot_epochs`
            of ``gan_epochs``.
        detector_width: first-layer filters of the CNN detector (the LSTMs
            are sized to match it); default the profile's ``detector_width``.
        detector_learning_rate: Adam learning rate of every detector.
        refresh_batch_norm: recompute the detectors' batch-norm statistics
            after training (`train_detector` says why); `False` keeps the
            moving averages of training, for comparison.
        lstm_sequences: the ways LSTM detectors read an image, one detector
            each: ``rows``, ``columns``, ``patches``.
        lstm_patch_size: patch side for ``patches``.
        lstm_cell: ``keras`` or ``handwritten`` (see `build_lstm_discriminator`).
        lstm_units: LSTM units; `None` matches the CNN's parameter count.
    """

    dataset: str
    profile: str
    image_size: int
    train_per_class: int
    test_per_class: int
    gan_epochs: int
    detector_epochs: int
    batch_size: int
    gan_images: int | None = None
    generator_epochs: tuple[int, ...] = ()
    detector_width: int | None = None
    detector_learning_rate: float = 1e-3
    refresh_batch_norm: bool = True
    lstm_sequences: tuple[str, ...] = ("rows", "columns", "patches")
    lstm_patch_size: int = 4
    lstm_cell: str = "keras"
    lstm_units: int | None = None

    def __post_init__(self):
        if self.dataset not in STUDY_DATASETS:
            raise ValueError(
                f"unknown dataset {self.dataset!r} for the LSTM-discriminator study; "
                f"choose one of: {', '.join(STUDY_DATASETS)}."
            )
        for name in ("train_per_class", "test_per_class", "gan_epochs", "detector_epochs", "batch_size"):
            _check_positive_int(name, getattr(self, name))
        if self.gan_images is None:
            object.__setattr__(self, "gan_images", max(kit_config.get_profile(self.profile).dataset_size,
                                                       self.train_per_class))
        _check_positive_int("gan_images", self.gan_images)
        if self.gan_images < self.train_per_class:
            raise ValueError(
                f"the detectors' {self.train_per_class} real training images are taken from the GAN's "
                f"{self.gan_images}: raise gan_images or lower train_per_class."
            )
        if not self.detector_learning_rate > 0:
            raise ValueError(f"detector_learning_rate must be positive, got {self.detector_learning_rate!r}.")
        from lstmgan_tf.layers.lstm_discriminator import CELL_KINDS, SEQUENCE_MODES

        if isinstance(self.lstm_sequences, str):
            raise ValueError(f"lstm_sequences must be a sequence of names, got the string {self.lstm_sequences!r}.")
        object.__setattr__(self, "lstm_sequences", tuple(dict.fromkeys(self.lstm_sequences)))
        for sequence in self.lstm_sequences:
            if sequence not in SEQUENCE_MODES:
                raise ValueError(f"unknown lstm sequence {sequence!r}; choose one of: {', '.join(SEQUENCE_MODES)}.")
        if self.lstm_cell not in CELL_KINDS:
            raise ValueError(f"unknown lstm_cell {self.lstm_cell!r}; choose one of: {', '.join(CELL_KINDS)}.")
        # Defaults that depend on other fields; a frozen dataclass sets them this way.
        epochs = tuple(self.generator_epochs) or snapshot_epochs(self.gan_epochs)
        for epoch in epochs:
            _check_positive_int("generator_epochs", epoch)
        if list(epochs) != sorted(set(epochs)) or epochs[-1] > self.gan_epochs:
            raise ValueError(
                f"generator_epochs must rise and stay within the GAN's {self.gan_epochs} epochs, got {epochs}."
            )
        object.__setattr__(self, "generator_epochs", epochs)
        if self.detector_width is None:
            object.__setattr__(self, "detector_width", kit_config.get_profile(self.profile).detector_width)
        _check_positive_int("detector_width", self.detector_width)

    @classmethod
    def from_profile(cls, profile=None, dataset: str = "synthetic_faces", **overrides) -> "StudyConfig":
        """Builds the configuration from a profile: its study sizes, a quarter of its images as test set.

        Args:
            profile: a profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
            dataset: the dataset's name.
            **overrides: any other field.
        """
        profile = kit_config.get_profile(profile)
        values = dict(
            dataset=dataset,
            profile=profile.name,
            image_size=profile.image_size,
            train_per_class=profile.detector_images,
            test_per_class=max(profile.dataset_size // 4, profile.batch_size),
            gan_epochs=profile.study_gan_epochs,
            gan_images=profile.dataset_size,
            detector_epochs=profile.detector_epochs,
            batch_size=profile.batch_size,
            detector_width=profile.detector_width,
        )
        unknown = set(overrides) - {field.name for field in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown StudyConfig field(s): {', '.join(sorted(unknown))}.")
        values.update(overrides)
        return cls(**values)

    def to_dict(self) -> dict:
        """The fields as JSON would give them back (tuples as lists)."""
        return {
            **dataclasses.asdict(self),
            "generator_epochs": list(self.generator_epochs),
            "lstm_sequences": list(self.lstm_sequences),
        }


def _check_positive_int(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


# ---------------------------------------------------------------------------
# Data: content hashes, generated images, balanced and disjoint sets.
# ---------------------------------------------------------------------------


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


def generate_images(generator, count: int, latent_dim: int, seed: int, batch_size: int = 256) -> np.ndarray:
    """Draws ``count`` images from a generator as uint8, as they would be saved to disk.

    Real images are 8-bit; generated ones are rounded to 8 bits too, so that a
    detector cannot tell them apart by the fine values that no real image has.

    Args:
        generator: a model from noise ``(B, latent_dim)`` to images in [-1, 1].
        count: how many images.
        latent_dim: size of the noise vector.
        seed: seed of the noise (different seeds give disjoint draws).
        batch_size: images per forward pass.

    Returns:
        uint8 array ``(count, H, W, 3)``.
    """
    import keras

    from lstmgan_tf.viz import to_uint8

    noise = np.random.default_rng(seed).standard_normal((count, latent_dim)).astype("float32")
    chunks = [
        to_uint8(keras.ops.convert_to_numpy(generator(noise[start : start + batch_size], training=False)))
        for start in range(0, count, batch_size)
    ]
    return np.concatenate(chunks)


# ---------------------------------------------------------------------------
# Scoring a discriminator (the metrics themselves: `lstmgan_tf.metrics.detection`).
# ---------------------------------------------------------------------------


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


def trainable_parameter_count(model) -> int:
    """Trainable weights of a model (batch-norm moving statistics are not learned)."""
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


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


# ---------------------------------------------------------------------------
# Models: the detectors and the frozen DCGAN.
# ---------------------------------------------------------------------------


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


def train_or_load(model_name: str, dataset: str, out_dir: str, profile=None, epochs: int | None = None,
                  options=None, verbose=0, callbacks=()):
    """Trains a registered model with the kit's runner, or loads the run already in ``out_dir``.

    The run folder is the runner's (`lstmgan_tf.training.train`): checkpoints,
    sample grids, ``history.csv``. A finished run is loaded; an interrupted one
    resumes from its last checkpoint; so calling this again costs nothing.

    Args:
        model_name: a registered model, e.g. ``"dcgan"`` or ``"dcgan_lstm_d"``.
        dataset: the dataset's name.
        out_dir: the run folder.
        profile: profile name or `Profile`.
        epochs: total epochs (default: the profile's).
        options: `lstmgan_tf.training.TrainOptions`.
        verbose: ``model.fit``'s verbosity.
        callbacks: extra Keras callbacks of the training (not called when
            the run is loaded).

    Returns:
        ``(model, history)``: the trained model and its history (metric name
        -> one value per epoch).
    """
    from lstmgan_tf import training
    from lstmgan_tf.training.callbacks import read_history_csv
    from lstmgan_tf.training.checkpoints import has_final_weights

    out_dir = os.fspath(out_dir)
    if has_final_weights(out_dir):
        return training.load_trained(out_dir), read_history_csv(os.path.join(out_dir, "history.csv"))
    # A run stopped before its first checkpoint resumes from step 0.
    started = os.path.exists(os.path.join(out_dir, "config.json"))
    result = training.train(
        model_name, dataset, out_dir=out_dir, profile=profile, resume=started,
        epochs=epochs, options=options, verbose=verbose, callbacks=callbacks,
    )
    return result.model, result.history


def gan_dir(out_dir: str, study: StudyConfig, seed: int) -> str:
    """The seed's DCGAN run folder; its ``snapshots/`` hold the generator epochs."""
    return os.path.join(seed_dir(out_dir, study, seed), "gan")


def train_or_load_gan(study: StudyConfig, seed: int, run_dir: str, verbose=0):
    """Trains the seed's DCGAN, keeping its weights at ``study.generator_epochs``, or loads it.

    Returns:
        ``(gan, history)``, the GAN as it ended training.

    Raises:
        ValueError: if a finished run in ``run_dir`` lacks a snapshot the
            study needs (it was trained for another study).
    """
    from lstmgan_tf import training
    from lstmgan_tf.training.callbacks import WeightSnapshots

    options = training.TrainOptions(seed=seed, image_size=study.image_size, dataset_size=study.gan_images)
    snapshots = WeightSnapshots(os.path.join(run_dir, "snapshots"), study.generator_epochs)
    gan, history = train_or_load(
        "dcgan", study.dataset, run_dir, study.profile, study.gan_epochs, options, verbose, callbacks=[snapshots]
    )
    missing = [epoch for epoch in study.generator_epochs if not os.path.exists(snapshots.path(snapshots.folder, epoch))]
    if missing:
        raise ValueError(
            f"the DCGAN run in {run_dir!r} has no weights saved at epoch(s) {missing}: it was trained "
            "for other generator_epochs; use another --out folder or delete that run."
        )
    return gan, history


def load_generator_epoch(gan, run_dir: str, epoch: int):
    """Puts the weights the GAN had at the end of ``epoch`` (its snapshot) back into ``gan``; returns it."""
    from lstmgan_tf.training.callbacks import WeightSnapshots

    gan.load_weights(WeightSnapshots.path(os.path.join(run_dir, "snapshots"), epoch))
    return gan


def load_real_images(study: StudyConfig, split: str, count: int, seed: int) -> np.ndarray:
    """The dataset's first ``count`` real images of a split, uint8.

    The DCGAN's runner draws its training images with the run's seed, so for
    the ``train`` split and the same seed these are the images it learnt from.
    """
    from lstmgan_tf import data

    arrays = data.load_arrays(study.dataset, split=split, image_size=study.image_size, count=count, seed=seed)
    return np.asarray(arrays.images)


# ---------------------------------------------------------------------------
# One seed, many seeds.
# ---------------------------------------------------------------------------


def seed_dir(out_dir: str, study: StudyConfig, seed: int) -> str:
    return os.path.join(out_dir, study.profile, study.dataset, f"seed_{seed}")


def _read_results(path: str, study: StudyConfig) -> dict | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        stored = json.load(handle)
    if stored.get("config") != study.to_dict():
        raise ValueError(
            f"{path} holds results of a different configuration ({stored.get('config')}); "
            "use another --out folder or delete that one."
        )
    return stored


def load_real_sets(study: StudyConfig, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The real halves of the detectors' sets: the first of the GAN's training images, and held-out test images."""
    return (
        load_real_images(study, "train", study.gan_images, seed)[: study.train_per_class],
        load_real_images(study, "test", study.test_per_class, seed),
    )


def generated_sets(study: StudyConfig, seed: int, gan, real_train, real_test) -> DetectorSets:
    """Step 2 for the GAN's current weights: balanced, disjoint train and test sets.

    The noise depends on the seed only, so every generator epoch of a run is
    shown the same noise vectors, and the test noise is never training noise.
    """
    generator = gan.inference_generator
    return build_detector_sets(
        real_train=real_train,
        real_test=real_test,
        fake_train=generate_images(generator, study.train_per_class, gan.latent_dim, seed=2 * seed),
        fake_test=generate_images(generator, study.test_per_class, gan.latent_dim, seed=2 * seed + 1),
        seed=seed,
    )


def prepare_seed(study: StudyConfig, seed: int, out_dir: str, generator_epoch: int | None = None, verbose=0):
    """Steps 1-2 for one seed and one generator epoch (default: the last one).

    Returns:
        ``(gan, history, sets)``: the GAN with the weights of that epoch, its
        training history and the `DetectorSets`.
    """
    import keras

    generator_epoch = generator_epoch or study.generator_epochs[-1]
    if generator_epoch not in study.generator_epochs:
        raise ValueError(f"generator_epoch {generator_epoch} is not one of the study's {study.generator_epochs}.")
    keras.utils.set_random_seed(seed)
    run_dir = gan_dir(out_dir, study, seed)
    gan, history = train_or_load_gan(study, seed, run_dir, verbose)
    load_generator_epoch(gan, run_dir, generator_epoch)
    return gan, history, generated_sets(study, seed, gan, *load_real_sets(study, seed))


def evaluate_generator_epoch(
    study: StudyConfig, seed: int, gan, history: dict, sets: DetectorSets, generator_epoch: int,
    detectors: dict | None = None, verbose=0,
) -> dict:
    """Steps 3-4 for one generator epoch: trains both detectors and evaluates all three discriminators.

    Args:
        study, seed: the configuration and the seed.
        gan: the GAN with the weights of ``generator_epoch``.
        history: the GAN's training history.
        sets: the `DetectorSets` of that generator.
        generator_epoch: which epoch ``gan`` holds.
        detectors: untrained detectors from `build_detectors`, to keep a
            handle on them (they are trained in place); default: new ones,
            drawn after ``keras.utils.set_random_seed(seed)``.
        verbose: Keras verbosity of detector training.

    Returns:
        A dict with ``generator_epoch``, ``sets`` (a description) and, per
        discriminator, its trainable ``parameters`` and held-out ``metrics``;
        the GAN's discriminator also has ``training_accuracy``, its accuracy
        during that training epoch as ``model.fit`` logged it (the kind of
        number a GAN paper reports).
    """
    import keras

    if detectors is None:
        keras.utils.set_random_seed(seed)
        detectors = build_detectors(study)
    discriminators = {"gan_discriminator": gan.discriminator, **detectors}
    entry = {"generator_epoch": generator_epoch, "sets": sets.describe(), "discriminators": {}}
    for name, model in discriminators.items():
        if name != "gan_discriminator":
            train_detector(model, sets, study, verbose=verbose)
        entry["discriminators"][name] = {
            "parameters": trainable_parameter_count(model),
            "metrics": evaluate_discriminator(model, sets.test_images, sets.test_labels),
        }
    real, fake = history.get("d_real_accuracy", []), history.get("d_fake_accuracy", [])
    if len(real) >= generator_epoch and len(fake) >= generator_epoch:
        entry["discriminators"]["gan_discriminator"]["training_accuracy"] = float(
            (real[generator_epoch - 1] + fake[generator_epoch - 1]) / 2
        )
    return entry


def run_seed(study: StudyConfig, seed: int, out_dir: str, verbose=0) -> dict:
    """Runs the study for one seed; what it already stored is read back, not rerun.

    The results go to ``<out_dir>/<profile>/<dataset>/seed_<seed>/results.json``
    after every generator epoch, so an interrupted seed loses at most the
    epoch it was on; the DCGAN's run folder sits beside it (``gan/``).

    Returns:
        ``{"config", "seed", "generator_epochs": [entry, ...], "gan_seconds",
        "seconds"}``, one `evaluate_generator_epoch` entry per generator epoch,
        in order; ``gan_seconds`` is the GAN's training time (absent when the
        GAN was loaded, not trained, by the call that wrote it) and
        ``seconds`` the whole seed's recorded compute.
    """
    path = os.path.join(seed_dir(out_dir, study, seed), RESULTS_FILE)
    results = _read_results(path, study) or {"config": study.to_dict(), "seed": seed, "generator_epochs": []}
    done = {entry["generator_epoch"] for entry in results["generator_epochs"]}
    todo = [epoch for epoch in study.generator_epochs if epoch not in done]
    if not todo:
        return results
    import keras

    from lstmgan_tf.training.checkpoints import has_final_weights

    start = time.perf_counter()
    run_dir = gan_dir(out_dir, study, seed)
    trains_gan = not has_final_weights(run_dir)
    keras.utils.set_random_seed(seed)
    gan, history = train_or_load_gan(study, seed, run_dir, verbose)
    if trains_gan:
        results["gan_seconds"] = round(time.perf_counter() - start, 1)
    real_train, real_test = load_real_sets(study, seed)
    for epoch in todo:
        load_generator_epoch(gan, run_dir, epoch)
        sets = generated_sets(study, seed, gan, real_train, real_test)
        results["generator_epochs"].append(
            evaluate_generator_epoch(study, seed, gan, history, sets, epoch, verbose=verbose)
        )
        results["generator_epochs"].sort(key=lambda entry: entry["generator_epoch"])
        results["seconds"] = round(results.get("seconds", 0.0) + time.perf_counter() - start, 1)
        start = time.perf_counter()
        files.write_json(path, results, indent=1)
    return results


def run_study(
    studies: StudyConfig | Sequence[StudyConfig], seeds: int | Iterable[int], out_dir: str, verbose=0,
    progress: bool = True,
) -> list[dict]:
    """Runs the study over seeds (and datasets); finished seeds are read back, not rerun.

    Args:
        studies: one `StudyConfig` or one per dataset.
        seeds: a number of seeds (``0 .. seeds-1``) or the seeds themselves.
        out_dir: folder of the cached GANs and per-seed results.
        verbose: Keras verbosity of GAN and detector training.
        progress: show a progress bar over (dataset, seed).

    Returns:
        The list of per-seed result dicts (`run_seed`).
    """
    from tqdm.auto import tqdm

    studies = [studies] if isinstance(studies, StudyConfig) else list(studies)
    seeds = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed.")
    if any(not isinstance(seed, int) or seed < 0 for seed in seeds):
        raise ValueError(f"seeds must be non-negative integers, got {seeds}.")
    jobs = [(study, seed) for study in studies for seed in seeds]
    results = []
    with tqdm(jobs, desc="lstm-discriminator study", unit="seed", disable=not progress) as bar:
        for study, seed in bar:
            bar.set_postfix_str(f"{study.dataset} seed {seed}")
            results.append(run_seed(study, seed, out_dir, verbose=verbose))
    return results


# ---------------------------------------------------------------------------
# Table and figure.
# ---------------------------------------------------------------------------


def _entries(results: Sequence[dict]):
    """Yields ``(dataset, generator_epoch, seed, entry)`` for every stored generator epoch."""
    if not results:
        raise ValueError("no results to summarise.")
    for result in results:
        for entry in result["generator_epochs"]:
            yield result["config"]["dataset"], entry["generator_epoch"], result["seed"], entry


def _present(entries: Sequence[dict]) -> list[str]:
    """The discriminators every entry scored, in `DISCRIMINATORS` order."""
    return [name for name in DISCRIMINATORS if all(name in entry["discriminators"] for entry in entries)]


def mean_std(values) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value) of numbers over seeds."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def summarise(results: Sequence[dict]) -> list[dict]:
    """Mean ± std (over seeds) of each discriminator's metrics per dataset and generator epoch.

    Accuracies are in %, ROC AUC in [0, 1]; the standard deviation is the
    sample one (``ddof=1``), 0 for a single seed. ``training_accuracy_mean``
    (the GAN discriminator's accuracy during that training epoch) and
    ``paper_accuracy`` are empty where they do not apply. Columns:
    `TABLE_COLUMNS`.
    """
    groups: dict[tuple, list[dict]] = {}
    for dataset, epoch, _, entry in _entries(results):
        groups.setdefault((dataset, epoch), []).append(entry)
    datasets = list(dict.fromkeys(dataset for dataset, _ in groups))
    rows = []
    for dataset in datasets:
        for epoch in sorted(epoch for name, epoch in groups if name == dataset):
            entries = groups[(dataset, epoch)]
            for name in _present(entries):
                metrics = [entry["discriminators"][name]["metrics"] for entry in entries]
                accuracy_mean, accuracy_std = mean_std([100 * m["accuracy"] for m in metrics])
                auc_mean, auc_std = mean_std([m["roc_auc"] for m in metrics])
                in_training = [entry["discriminators"][name].get("training_accuracy") for entry in entries]
                in_training = [value for value in in_training if value is not None]
                rows.append({
                    "dataset": dataset,
                    "generator_epoch": epoch,
                    "discriminator": name,
                    "parameters": entries[0]["discriminators"][name]["parameters"],
                    "seeds": len(entries),
                    "accuracy_mean": round(accuracy_mean, 2),
                    "accuracy_std": round(accuracy_std, 2),
                    "roc_auc_mean": round(auc_mean, 3),
                    "roc_auc_std": round(auc_std, 3),
                    "real_accuracy_mean": round(mean_std([100 * m["real_accuracy"] for m in metrics])[0], 2),
                    "fake_accuracy_mean": round(mean_std([100 * m["fake_accuracy"] for m in metrics])[0], 2),
                    "training_accuracy_mean": round(100 * float(np.mean(in_training)), 2) if in_training else "",
                    "paper_accuracy": PAPER_ACCURACY.get(name, ""),
                })
    return rows


def paired_differences(results: Sequence[dict], baseline: str = "cnn_detector") -> list[dict]:
    """Each LSTM detector's held-out accuracy minus the ``baseline``'s, in points, paired by seed.

    Every detector of a seed and generator epoch sees the same sets, so the
    per-seed difference removes what the seed does to all of them (the GAN,
    the images drawn), and its spread says whether one is reliably ahead.

    Returns:
        Rows ``{"dataset", "generator_epoch", "detector", "seeds",
        "difference_mean", "difference_std"}``, one per LSTM detector.
    """
    if baseline not in DISCRIMINATORS:
        raise ValueError(f"unknown discriminator {baseline!r}; choose one of: {', '.join(DISCRIMINATORS)}.")
    groups: dict[tuple, list[float]] = {}
    for dataset, epoch, _, entry in _entries(results):
        scores = entry["discriminators"]
        for name in scores:
            if name.startswith("lstm_"):
                difference = scores[name]["metrics"]["accuracy"] - scores[baseline]["metrics"]["accuracy"]
                groups.setdefault((dataset, epoch, name), []).append(100 * difference)
    rows = []
    for (dataset, epoch, name), values in groups.items():
        mean, std = mean_std(values)
        rows.append({"dataset": dataset, "generator_epoch": epoch, "detector": name, "seeds": len(values),
                     "difference_mean": round(mean, 2), "difference_std": round(std, 2)})
    return rows


def format_spread(mean, std, seeds: int, digits: int) -> str:
    """``"mean ± std"``, or the mean alone for one seed (which has no spread; "± 0.0" would claim one)."""
    return f"{mean:.{digits}f} ± {std:.{digits}f}" if seeds > 1 else f"{mean:.{digits}f}"


def _markdown_grid(header: Sequence[str], keys, names, rows_by_key: dict, cell) -> list[str]:
    """A Markdown table: a line per ``(dataset, epoch)`` of ``keys``, a column per name, ``cell(row)`` in each."""
    lines = ["| " + " | ".join(header) + " |", "|---|---:|" + "---:|" * (len(header) - 2)]
    for dataset, epoch in keys:
        cells = [dataset, str(epoch)]
        for name in names:
            row = rows_by_key.get((dataset, epoch, name))
            cells.append("—" if row is None else cell(row))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown_table(rows: Sequence[dict], differences: Sequence[dict] | None = None) -> str:
    """The summary as Markdown: one line per dataset and generator epoch, a column per discriminator.

    Each cell is the held-out accuracy (%) and, in brackets, the ROC AUC;
    ``differences`` (from `paired_differences`) adds a second table, each
    LSTM detector minus the CNN detector.
    """
    names = [name for name in DISCRIMINATORS if any(row["discriminator"] == name for row in rows)]
    keys = list(dict.fromkeys((row["dataset"], row["generator_epoch"]) for row in rows))
    lines = _markdown_grid(
        ["dataset", "generator epoch", *(DISCRIMINATORS[name] for name in names)], keys, names,
        {(row["dataset"], row["generator_epoch"], row["discriminator"]): row for row in rows},
        lambda row: (f"{format_spread(row['accuracy_mean'], row['accuracy_std'], row['seeds'], 1)} "
                     f"({format_spread(row['roc_auc_mean'], row['roc_auc_std'], row['seeds'], 3)})"),
    )
    seeds = sorted({row["seeds"] for row in rows})
    weights = {name: next(r["parameters"] for r in rows if r["discriminator"] == name) for name in names}
    spread_note = (
        "One seed, so no spread" if seeds == [1]
        else f"Mean ± sample standard deviation over {' or '.join(map(str, seeds))} seeds"
    )
    lines += [
        "",
        f"{spread_note}: held-out accuracy (%) at threshold 0 on the logit, ROC AUC in brackets. "
        "Each generator epoch is the same GAN run's generator (its moving average, where the recipe "
        "keeps one) after that many epochs, scored by the GAN's own discriminator of that epoch and "
        "by detectors trained from scratch on its images. Trainable weights: "
        + ", ".join(f"{DISCRIMINATORS[name]} {count:,}" for name, count in weights.items())
        + ". Paper 000 (one run, no error bars, faces and abstract art together): GAN "
        f"{PAPER_ACCURACY['gan_discriminator']:.2f}, LSTM {PAPER_ACCURACY['lstm_rows']:.2f}.",
    ]
    if differences:
        detectors = [name for name in DISCRIMINATORS if any(row["detector"] == name for row in differences)]
        lines += ["", *_markdown_grid(
            ["dataset", "generator epoch", *(f"{DISCRIMINATORS[name]} − CNN" for name in detectors)], keys, detectors,
            {(row["dataset"], row["generator_epoch"], row["detector"]): row for row in differences},
            lambda row: f"{row['difference_mean']:+.1f}" + (
                f" ± {row['difference_std']:.1f}" if row["seeds"] > 1 else ""),
        ), "",
                  "Accuracy difference in points, paired by seed (mean ± std of the per-seed differences): "
                  "above 0, the LSTM reading that way beats the CNN detector of the same size."]
    return "\n".join(lines) + "\n"


def write_table(rows: Sequence[dict], out_dir: str, differences: Sequence[dict] | None = None) -> tuple[str, str]:
    """Writes the summary as ``lstm_discriminator_table.csv`` and ``.md``; returns both paths."""
    os.makedirs(out_dir, exist_ok=True)
    csv_path = os.path.join(out_dir, f"{TABLE_STEM}.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    markdown_path = files.write_text(os.path.join(out_dir, f"{TABLE_STEM}.md"), markdown_table(rows, differences))
    return csv_path, markdown_path


def plot_curves(rows: Sequence[dict], title: str | None = None):
    """Held-out accuracy and ROC AUC against the generator's epoch: a line (± std band) per discriminator.

    One column per dataset; the paper's two accuracies are dashed lines. The
    ROC AUC row matters where a detector ranks the images right but its
    threshold is off (accuracy near 50-70 %, AUC near 1). Returns the
    matplotlib `Figure`.
    """
    from lstmgan_tf.viz import metric_curves

    seeds = max(row["seeds"] for row in rows)
    default_title = (
        f"Real vs generated, held out, as the generator improves: mean ± std over {seeds} seeds"
        if seeds > 1 else "Real vs generated, held out, as the generator improves (one seed)"
    )
    names = {name: label for name, label in DISCRIMINATORS.items() if any(r["discriminator"] == name for r in rows)}
    # AUC on the same scale as accuracy, so that 50 means chance on both rows.
    rows = [{**row, "roc_auc_pct_mean": 100 * row["roc_auc_mean"], "roc_auc_pct_std": 100 * row["roc_auc_std"]}
            for row in rows]
    return metric_curves(
        rows, names, metrics=(("accuracy", "held-out accuracy (%)"), ("roc_auc_pct", "ROC AUC × 100")),
        references=PAPER_ACCURACY, title=title or default_title,
    )


def plot_generator_epochs(study: StudyConfig, seed: int, out_dir: str, images_per_epoch: int = 8):
    """What the detectors were shown: a row of generated images per kept generator epoch, then real ones.

    Uses the seed's trained GAN in ``out_dir`` (trains it if missing) and the
    same noise for every epoch. Returns the matplotlib `Figure`.
    """
    from lstmgan_tf.viz import image_grid

    run_dir = gan_dir(out_dir, study, seed)
    gan, _ = train_or_load_gan(study, seed, run_dir)
    rows = []
    for epoch in study.generator_epochs:
        load_generator_epoch(gan, run_dir, epoch)
        rows.append(generate_images(gan.inference_generator, images_per_epoch, gan.latent_dim, seed=2 * seed + 1))
    rows.append(load_real_images(study, "test", images_per_epoch, seed))
    names = [f"epoch {epoch}" for epoch in study.generator_epochs] + ["real (held out)"]
    captions = [name if column == 0 else "" for name in names for column in range(images_per_epoch)]
    return image_grid(np.concatenate(rows), captions=captions, columns=images_per_epoch, cell_size=0.9,
                      title=f"{study.dataset}, seed {seed}: the generator at each kept epoch")


def write_report(results: Sequence[dict], out_dir: str, publish_dir: str | None = None) -> dict:
    """Writes the table (CSV, Markdown) and the curves (PNG) to ``out_dir``; copies MD + PNG to ``publish_dir``.

    Returns:
        ``{"csv": path, "markdown": path, "chart": path, "rows": rows, "differences": rows}``.
    """
    from lstmgan_tf.viz import save_figure

    rows = summarise(results)
    differences = paired_differences(results)
    csv_path, markdown_path = write_table(rows, out_dir, differences)
    chart_path = save_figure(plot_curves(rows), os.path.join(out_dir, CHART_FILE))
    if publish_dir:
        os.makedirs(publish_dir, exist_ok=True)
        for path in (markdown_path, chart_path):
            shutil.copy(path, os.path.join(publish_dir, os.path.basename(path)))
    return {"csv": csv_path, "markdown": markdown_path, "chart": chart_path, "rows": rows,
            "differences": differences}


def total_seconds(results: Sequence[dict], key: str = "seconds") -> float:
    """Compute time of the seeds as recorded (a resumed seed counts its last run only).

    ``key="gan_seconds"`` gives the part spent training the GANs.
    """
    return float(sum(result.get(key, 0.0) for result in results))


def format_duration(seconds: float) -> str:
    minutes, seconds = divmod(int(math.ceil(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
