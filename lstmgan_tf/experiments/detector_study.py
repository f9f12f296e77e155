"""The LSTM-as-discriminator study of paper 000, done with held-out data and error bars.

Paper 000 trains a GAN, then shows its generated images together with real ones
to an LSTM and reports that the LSTM tells them apart more often than the GAN's
own discriminator does (72.68 % against 58.53 %), once, with no error bars and
no code. Those two numbers measure different things: a GAN's discriminator is
trained *against* a moving generator and sits near 50 % at equilibrium by
design, while a detector trained *after* the fact on a frozen generator is an
ordinary classifier. This module makes the comparison fair and repeatable. For
each seed:

1. train a DCGAN (`lstmgan_tf.training.train("dcgan", ...)`, cached and
   resumable) and freeze it;
2. build a balanced train set (the GAN's real training images and as many
   generated ones) and a balanced, held-out test set (real images of the
   dataset's ``test`` split, generated images from fresh noise), with no image
   in both (checked by content hash);
3. train two detectors with the same data, optimiser and epochs: the LSTM
   discriminator (`lstmgan_tf.layers.build_lstm_discriminator`, units chosen to
   match the CNN's parameter count) and a CNN with the GAN discriminator's
   architecture and fresh weights;
4. measure held-out accuracy (threshold 0 on the logit) and ROC AUC of both,
   and of the GAN's own frozen discriminator on the same test set.

`run_study` repeats this over seeds and datasets, keeps each finished seed's
results in ``out_dir`` (so an interrupted run resumes), and
`summarise`/`write_table`/`plot_accuracy` turn them into a table of mean ± std
and a bar chart with error bars next to the paper's numbers.

Example:

>>> config = StudyConfig.from_profile("smoke", dataset="abstract_art")
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

# The paper's two accuracies, in %: the GAN's discriminator and the LSTM.
PAPER_ACCURACY = {"gan_discriminator": 58.53, "lstm_detector": 72.68}

# The three discriminators compared, in table order, with the names a reader sees.
DISCRIMINATORS = {
    "gan_discriminator": "GAN's own discriminator (frozen)",
    "cnn_detector": "CNN detector (same architecture, fresh weights)",
    "lstm_detector": "LSTM detector",
}

# The datasets the study supports: offline stand-ins for the paper's faces and
# abstract art, and CelebA through TFDS when it is on disk.
STUDY_DATASETS = ("synthetic_faces", "abstract_art", "celeb_a")

TABLE_COLUMNS = (
    "dataset", "discriminator", "parameters", "seeds",
    "accuracy_mean", "accuracy_std", "roc_auc_mean", "roc_auc_std",
    "real_accuracy_mean", "fake_accuracy_mean", "training_accuracy_mean", "paper_accuracy",
)
RESULTS_FILE = "results.json"
TABLE_STEM = "lstm_discriminator_table"
CHART_FILE = "lstm_discriminator_accuracy.png"


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """Everything that shapes one seed of the study; defaults come from a profile.

    Args:
        dataset: the dataset's name (see `STUDY_DATASETS`).
        profile: the profile whose DCGAN is trained (``smoke``, ``classroom``,
            ``paper``).
        image_size: height and width of the images.
        train_per_class: real (and generated) images in the detectors' train
            set; the real ones are the GAN's own training images.
        test_per_class: real (and generated) images in the held-out test set;
            the real ones come from the dataset's ``test`` split.
        gan_epochs: epochs of DCGAN training.
        detector_epochs: epochs of detector training.
        batch_size: batch size of the detectors.
        detector_learning_rate: Adam learning rate of both detectors.
        lstm_sequence: how the LSTM reads an image: ``rows``, ``columns``,
            ``patches``.
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
    detector_learning_rate: float = 1e-3
    lstm_sequence: str = "rows"
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
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if not self.detector_learning_rate > 0:
            raise ValueError(f"detector_learning_rate must be positive, got {self.detector_learning_rate!r}.")
        from lstmgan_tf.layers.lstm_discriminator import CELL_KINDS, SEQUENCE_MODES

        if self.lstm_sequence not in SEQUENCE_MODES:
            raise ValueError(f"unknown lstm_sequence {self.lstm_sequence!r}; choose one of: {', '.join(SEQUENCE_MODES)}.")
        if self.lstm_cell not in CELL_KINDS:
            raise ValueError(f"unknown lstm_cell {self.lstm_cell!r}; choose one of: {', '.join(CELL_KINDS)}.")

    @classmethod
    def from_profile(cls, profile=None, dataset: str = "synthetic_faces", **overrides) -> "StudyConfig":
        """Builds the configuration from a profile: the GAN's settings, a quarter as many test images.

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
            train_per_class=profile.dataset_size,
            test_per_class=max(profile.dataset_size // 4, profile.batch_size),
            gan_epochs=profile.epochs,
            detector_epochs=profile.detector_epochs,
            batch_size=profile.batch_size,
        )
        unknown = set(overrides) - {field.name for field in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown StudyConfig field(s): {', '.join(sorted(unknown))}.")
        values.update(overrides)
        return cls(**values)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


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
# Metrics.
# ---------------------------------------------------------------------------


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


def build_detectors(study: StudyConfig, discriminator_width: int) -> dict:
    """Builds the CNN detector (the GAN discriminator's architecture) and a matched LSTM.

    Returns:
        ``{"cnn_detector": model, "lstm_detector": model}``, not compiled.
    """
    from lstmgan_tf.layers.dcgan import build_discriminator
    from lstmgan_tf.layers.lstm_discriminator import build_lstm_discriminator, lstm_units_for_parameter_count

    cnn = build_discriminator(study.image_size, discriminator_width, name="cnn_detector")
    units = study.lstm_units or lstm_units_for_parameter_count(
        trainable_parameter_count(cnn), study.image_size, study.lstm_sequence, study.lstm_patch_size
    )
    lstm = build_lstm_discriminator(
        study.image_size, units, study.lstm_sequence, study.lstm_patch_size, study.lstm_cell,
        name="lstm_detector",
    )
    return {"cnn_detector": cnn, "lstm_detector": lstm}


def train_detector(model, sets: DetectorSets, study: StudyConfig, verbose=0):
    """Trains a detector on the train set with Adam and binary cross-entropy on logits.

    Returns:
        The Keras ``History``.
    """
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(study.detector_learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )
    return model.fit(
        to_model_input(sets.train_images), sets.train_labels,
        batch_size=study.batch_size, epochs=study.detector_epochs, shuffle=True, verbose=verbose,
    )


def train_or_load(model_name: str, dataset: str, out_dir: str, profile=None, epochs: int | None = None,
                  options=None, verbose=0):
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
        epochs=epochs, options=options, verbose=verbose,
    )
    return result.model, result.history


def train_or_load_gan(study: StudyConfig, seed: int, gan_dir: str, verbose=0):
    """Trains the seed's DCGAN (`train_or_load` with the study's settings); returns ``(gan, history)``."""
    from lstmgan_tf import training

    options = training.TrainOptions(seed=seed, image_size=study.image_size, dataset_size=study.train_per_class)
    return train_or_load("dcgan", study.dataset, gan_dir, study.profile, study.gan_epochs, options, verbose)


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


def prepare_seed(study: StudyConfig, seed: int, out_dir: str, verbose=0):
    """Steps 1-2 for one seed: the frozen DCGAN and the detectors' train and test sets.

    Returns:
        ``(gan, history, sets)``: the trained GAN, its training history and
        the `DetectorSets`.
    """
    import keras

    keras.utils.set_random_seed(seed)
    gan, history = train_or_load_gan(study, seed, os.path.join(seed_dir(out_dir, study, seed), "gan"), verbose)
    sets = build_detector_sets(
        real_train=load_real_images(study, "train", study.train_per_class, seed),
        real_test=load_real_images(study, "test", study.test_per_class, seed),
        # Two different noise seeds: no generated test image comes from training noise.
        fake_train=generate_images(gan.inference_generator, study.train_per_class, gan.latent_dim, seed=2 * seed),
        fake_test=generate_images(gan.inference_generator, study.test_per_class, gan.latent_dim, seed=2 * seed + 1),
        seed=seed,
    )
    return gan, history, sets


def evaluate_seed(
    study: StudyConfig, seed: int, gan, history: dict, sets: DetectorSets, detectors: dict | None = None,
    verbose=0,
) -> dict:
    """Steps 3-4 for one seed: trains both detectors and evaluates all three discriminators.

    Args:
        study, seed: the configuration and the seed.
        gan, history, sets: what `prepare_seed` returned.
        detectors: untrained detectors from `build_detectors`, to keep a
            handle on them (they are trained in place); default: new ones.
        verbose: Keras verbosity of detector training.

    Returns:
        A dict with ``config``, ``seed``, ``sets`` (a description) and, per
        discriminator, its trainable ``parameters`` and held-out ``metrics``;
        the GAN's discriminator also has ``training_accuracy``, its accuracy
        on the last training epoch as ``model.fit`` logged it (the kind of
        number a GAN paper reports).
    """
    import keras

    profile = kit_config.get_profile(study.profile)
    keras.utils.set_random_seed(seed)
    detectors = detectors or build_detectors(study, profile.discriminator_width)
    discriminators = {"gan_discriminator": gan.discriminator, **detectors}
    results = {"config": study.to_dict(), "seed": seed, "sets": sets.describe(), "discriminators": {}}
    for name, model in discriminators.items():
        if name != "gan_discriminator":
            train_detector(model, sets, study, verbose=verbose)
        results["discriminators"][name] = {
            "parameters": trainable_parameter_count(model),
            "metrics": evaluate_discriminator(model, sets.test_images, sets.test_labels),
        }
    if history.get("d_real_accuracy") and history.get("d_fake_accuracy"):
        results["discriminators"]["gan_discriminator"]["training_accuracy"] = float(
            (history["d_real_accuracy"][-1] + history["d_fake_accuracy"][-1]) / 2
        )
    return results


def run_seed(study: StudyConfig, seed: int, out_dir: str, verbose=0) -> dict:
    """Runs the study for one seed, or returns the results it already stored.

    The results are written to ``<out_dir>/<profile>/<dataset>/seed_<seed>/results.json``
    once the seed is done; the DCGAN's run folder sits beside it (``gan/``).

    Returns:
        The dict of `evaluate_seed` plus ``seconds``, the time the seed took.
    """
    results_path = os.path.join(seed_dir(out_dir, study, seed), RESULTS_FILE)
    stored = _read_results(results_path, study)
    if stored is not None:
        return stored
    start = time.perf_counter()
    gan, history, sets = prepare_seed(study, seed, out_dir, verbose)
    results = evaluate_seed(study, seed, gan, history, sets, verbose=verbose)
    results["seconds"] = round(time.perf_counter() - start, 1)
    files.write_json(results_path, results, indent=1)
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
        The list of per-seed result dicts.
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
# Table and chart.
# ---------------------------------------------------------------------------


def summarise(results: Sequence[dict]) -> list[dict]:
    """Mean ± std (over seeds) of each discriminator's metrics, one row per dataset and discriminator.

    Accuracies are in %, ROC AUC in [0, 1]; the standard deviation is the
    sample one (``ddof=1``), 0 for a single seed. ``training_accuracy_mean``
    (the GAN discriminator's accuracy on its last training epoch) and
    ``paper_accuracy`` are empty where they do not apply. Columns:
    `TABLE_COLUMNS`.
    """
    if not results:
        raise ValueError("no results to summarise.")
    datasets = list(dict.fromkeys(result["config"]["dataset"] for result in results))
    rows = []
    for dataset in datasets:
        runs = [result for result in results if result["config"]["dataset"] == dataset]
        for name in DISCRIMINATORS:
            metrics = [run["discriminators"][name]["metrics"] for run in runs]

            def stats(key, scale=1.0):
                values = np.array([m[key] for m in metrics]) * scale
                return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0

            accuracy_mean, accuracy_std = stats("accuracy", 100.0)
            in_training = [run["discriminators"][name].get("training_accuracy") for run in runs]
            in_training = [value for value in in_training if value is not None]
            auc_mean, auc_std = stats("roc_auc")
            rows.append({
                "dataset": dataset,
                "discriminator": name,
                "parameters": runs[0]["discriminators"][name]["parameters"],
                "seeds": len(runs),
                "accuracy_mean": round(accuracy_mean, 2),
                "accuracy_std": round(accuracy_std, 2),
                "roc_auc_mean": round(auc_mean, 3),
                "roc_auc_std": round(auc_std, 3),
                "real_accuracy_mean": round(stats("real_accuracy", 100.0)[0], 2),
                "fake_accuracy_mean": round(stats("fake_accuracy", 100.0)[0], 2),
                "training_accuracy_mean": round(100 * float(np.mean(in_training)), 2) if in_training else "",
                "paper_accuracy": PAPER_ACCURACY.get(name, ""),
            })
    return rows


def markdown_table(rows: Sequence[dict]) -> str:
    """The summary as a Markdown table, the paper's numbers in their own column."""
    lines = [
        "| dataset | discriminator | trainable weights | held-out accuracy (%) | ROC AUC "
        "| accuracy on real / generated (%) | while training (%) | paper (%) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    def spread(mean, std, seeds, digits):
        # One seed has no spread; "± 0.0" would claim one.
        return f"{mean:.{digits}f} ± {std:.{digits}f}" if seeds > 1 else f"{mean:.{digits}f}"

    for row in rows:
        paper = f"{row['paper_accuracy']:.2f}" if row["paper_accuracy"] != "" else "—"
        in_training = f"{row['training_accuracy_mean']:.1f}" if row["training_accuracy_mean"] != "" else "—"
        lines.append(
            f"| {row['dataset']} | {DISCRIMINATORS[row['discriminator']]} | {row['parameters']:,} "
            f"| {spread(row['accuracy_mean'], row['accuracy_std'], row['seeds'], 1)} "
            f"| {spread(row['roc_auc_mean'], row['roc_auc_std'], row['seeds'], 3)} "
            f"| {row['real_accuracy_mean']:.1f} / {row['fake_accuracy_mean']:.1f} | {in_training} | {paper} |"
        )
    seeds = sorted({row["seeds"] for row in rows})
    lines.append("")
    spread_note = (
        "One seed, so no spread" if seeds == [1]
        else f"Mean ± sample standard deviation over {' or '.join(map(str, seeds))} seeds"
    )
    lines.append(
        f"{spread_note}; held-out test "
        "sets, threshold 0 on the logit. \"While training\": the GAN discriminator's accuracy "
        "on its last training epoch, as `fit` logged it, against a generator that moved "
        "during the epoch. The paper reports one run, no error bars, faces and abstract "
        "art together."
    )
    return "\n".join(lines) + "\n"


def write_table(rows: Sequence[dict], out_dir: str) -> tuple[str, str]:
    """Writes the summary as ``lstm_discriminator_table.csv`` and ``.md``; returns both paths."""
    os.makedirs(out_dir, exist_ok=True)
    csv_path = os.path.join(out_dir, f"{TABLE_STEM}.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    markdown_path = os.path.join(out_dir, f"{TABLE_STEM}.md")
    with open(markdown_path, "w", encoding="utf-8") as handle:
        handle.write(markdown_table(rows))
    return csv_path, markdown_path


def plot_accuracy(rows: Sequence[dict], title: str | None = None):
    """Bar chart of held-out accuracy with error bars, per dataset, beside the paper's two bars.

    Returns:
        The matplotlib `Figure`.
    """
    import matplotlib.pyplot as plt

    datasets = list(dict.fromkeys(row["dataset"] for row in rows))
    colours = {"gan_discriminator": "#8c8c8c", "cnn_detector": "#4c72b0", "lstm_detector": "#dd8452"}
    figure, axis = plt.subplots(figsize=(2.5 + 2.1 * (len(datasets) + 1), 3.6))
    width = 0.26
    for group, dataset in enumerate(datasets):
        for offset, name in enumerate(DISCRIMINATORS):
            row = next(r for r in rows if r["dataset"] == dataset and r["discriminator"] == name)
            position = group + (offset - 1) * width
            axis.bar(
                position, row["accuracy_mean"], width, yerr=row["accuracy_std"] if row["seeds"] > 1 else None,
                capsize=4, color=colours[name], label=DISCRIMINATORS[name] if group == 0 else None,
            )
            if row["training_accuracy_mean"] != "":
                axis.plot(
                    position, row["training_accuracy_mean"], marker="D", color="black", linestyle="",
                    label="GAN's discriminator while training" if group == 0 else None,
                )
    paper_group = len(datasets)
    for offset, name in ((-0.5, "gan_discriminator"), (0.5, "lstm_detector")):
        axis.bar(
            paper_group + offset * width, PAPER_ACCURACY[name], width, color=colours[name],
            hatch="//", edgecolor="white",
        )
        axis.text(paper_group + offset * width, PAPER_ACCURACY[name] + 1, f"{PAPER_ACCURACY[name]:.1f}",
                  ha="center", fontsize=8)
    axis.axhline(50, color="black", linestyle=":", linewidth=1)
    axis.text(len(datasets) - 0.45, 51, "chance", fontsize=8, ha="center")
    axis.set_xticks(range(len(datasets) + 1), [*datasets, "paper 000\n(one run, no error bars)"])
    axis.set_ylabel("held-out accuracy (%)")
    axis.set_ylim(0, 105)
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    seeds = max(row["seeds"] for row in rows)
    axis.set_title(title or f"Real vs generated, held out: mean ± std over {seeds} seeds")
    figure.tight_layout()
    return figure


def plot_steps_seen(accuracies, title: str | None = None, step_name: str = "rows"):
    """Line plot of an LSTM detector's accuracy against the rows (steps) it has read."""
    import matplotlib.pyplot as plt

    accuracies = np.asarray(accuracies) * 100
    figure, axis = plt.subplots(figsize=(5.5, 3.2))
    axis.plot(np.arange(1, len(accuracies) + 1), accuracies, marker="o", markersize=3)
    axis.axhline(50, color="black", linestyle=":", linewidth=1)
    axis.set_xlabel(f"{step_name} read (top to bottom)" if step_name == "rows" else f"{step_name} read")
    axis.set_ylabel("held-out accuracy (%)")
    axis.set_ylim(40, 102)
    axis.grid(alpha=0.3)
    axis.set_title(title or f"What the LSTM knows after each of its {len(accuracies)} {step_name}")
    figure.tight_layout()
    return figure


def write_report(results: Sequence[dict], out_dir: str, publish_dir: str | None = None) -> dict:
    """Writes the table (CSV, Markdown) and the chart (PNG) to ``out_dir``; copies MD + PNG to ``publish_dir``.

    Returns:
        ``{"csv": path, "markdown": path, "chart": path, "rows": rows}``.
    """
    from lstmgan_tf.viz import save_figure

    rows = summarise(results)
    csv_path, markdown_path = write_table(rows, out_dir)
    chart_path = save_figure(plot_accuracy(rows), os.path.join(out_dir, CHART_FILE))
    if publish_dir:
        os.makedirs(publish_dir, exist_ok=True)
        for path in (markdown_path, chart_path):
            shutil.copy(path, os.path.join(publish_dir, os.path.basename(path)))
    return {"csv": csv_path, "markdown": markdown_path, "chart": chart_path, "rows": rows}


def total_seconds(results: Sequence[dict]) -> float:
    """Compute time of the seeds as recorded (a resumed seed counts its last run only)."""
    return float(sum(result.get("seconds", 0.0) for result in results))


def format_duration(seconds: float) -> str:
    minutes, seconds = divmod(int(math.ceil(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
