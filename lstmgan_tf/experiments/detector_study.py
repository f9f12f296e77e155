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

This module holds the study's settings (`StudyConfig`) and its loop over
generator epochs and seeds; the parts live beside it: steps 2 to 4 in
`lstmgan_tf.experiments.detectors`, tables and figures in
`lstmgan_tf.experiments.study_report`, training or loading a run in
`lstmgan_tf.experiments.runs`. All are importable from here too.

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

import dataclasses
import json
import os
import time
from typing import Iterable, Sequence

import numpy as np

from lstmgan_tf import config as kit_config
from lstmgan_tf import files
from lstmgan_tf.checks import check_positive_int

# The study's parts, each in its own module; imported here too, so that a
# notebook reaches the whole study as ``detector_study.NAME``.
from lstmgan_tf.experiments.detectors import (  # noqa: F401
    DetectorSets, accuracy_by_steps_seen, build_detector_sets, build_detectors, content_hashes,
    evaluate_discriminator, lstm_key, predict_logits, refresh_batch_norm_statistics, to_model_input,
    train_detector,
)
from lstmgan_tf.experiments.runs import (  # noqa: F401
    generate_uint8_images, seed_folder, trainable_parameter_count,
)
from lstmgan_tf.experiments.study_report import (  # noqa: F401
    CHART_FILE, DISCRIMINATORS, PAPER_ACCURACY, TABLE_COLUMNS, TABLE_STEM, format_duration, format_spread,
    markdown_table, mean_std, paired_differences, plot_curves, summarise, total_seconds, write_report, write_table,
)


# The datasets the study supports: offline stand-ins for the paper's faces and
# abstract art, real faces (CelebA's own folder, or TFDS when it is on disk)
# and any folder of images (``data_path``), such as real paintings.
STUDY_DATASETS = ("synthetic_faces", "abstract_art", "celeb_a", "celeba", "folder")

# Generators kept per GAN run, from epoch 1 to the last, evenly on a log scale.
SNAPSHOT_COUNT = 6

RESULTS_FILE = "results.json"
GENERATORS_FILE = "lstm_discriminator_generators_{dataset}.png"


def snapshot_epochs(final_epoch: int, count: int = SNAPSHOT_COUNT) -> tuple[int, ...]:
    """Epochs ``1 .. final_epoch`` spaced evenly on a log scale, at most ``count`` of them.

    Early epochs change a GAN the most, so the snapshots crowd there.
    """
    check_positive_int("final_epoch", final_epoch)
    points = np.geomspace(1, final_epoch, num=max(count, 1))
    return tuple(int(epoch) for epoch in sorted({int(round(point)) for point in points}))


def _sizes_of_a_real_dataset(values: dict, overrides: dict, profile) -> dict:
    """The sizes of a study on a real folder that may hold fewer images than the profile asks for.

    The GAN trains on what the ``train`` split has, for as many updates as the
    profile's GAN gets (`epochs_for_equal_updates`, unless ``gan_epochs`` is
    given), and the test set is what the ``test`` split has.
    """
    from lstmgan_tf import data
    from lstmgan_tf.experiments.runs import epochs_for_equal_updates

    image_size = overrides.get("image_size", values["image_size"])
    options = {"path": overrides["data_path"]}
    dataset = overrides.get("dataset", values["dataset"])
    train = len(data.load_arrays(dataset, "train", image_size, count=values["gan_images"], **options))
    test = len(data.load_arrays(dataset, "test", image_size, count=values["test_per_class"], **options))
    batch_size = overrides.get("batch_size", values["batch_size"])
    return {
        "gan_images": train,
        "test_per_class": test,
        "train_per_class": min(values["train_per_class"], train),
        "gan_epochs": epochs_for_equal_updates(values["gan_epochs"], batch_size, values["gan_images"], train),
    }


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
        data_path: the folder of a ``celeba`` or ``folder`` dataset (stored
            absolute). With it, `from_profile` fits the sizes to what the
            folder holds: the GAN trains on its whole ``train`` split (if
            smaller than the profile's) for as many updates as the profile's
            GAN gets, and the test set is its ``test`` split.
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
    data_path: str | None = None

    def __post_init__(self):
        from lstmgan_tf.data import FOLDER_DATASETS

        if self.dataset not in STUDY_DATASETS:
            raise ValueError(
                f"unknown dataset {self.dataset!r} for the LSTM-discriminator study; "
                f"choose one of: {', '.join(STUDY_DATASETS)}."
            )
        if self.dataset in FOLDER_DATASETS and not self.data_path:
            raise ValueError(f"dataset {self.dataset!r} needs its folder: pass --path DIR (data_path=).")
        if self.data_path:
            object.__setattr__(self, "data_path", os.path.abspath(os.fspath(self.data_path)))
        for name in ("train_per_class", "test_per_class", "gan_epochs", "detector_epochs", "batch_size"):
            check_positive_int(name, getattr(self, name))
        if self.gan_images is None:
            object.__setattr__(self, "gan_images", max(kit_config.get_profile(self.profile).dataset_size,
                                                       self.train_per_class))
        check_positive_int("gan_images", self.gan_images)
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
            check_positive_int("generator_epochs", epoch)
        if list(epochs) != sorted(set(epochs)) or epochs[-1] > self.gan_epochs:
            raise ValueError(
                f"generator_epochs must rise and stay within the GAN's {self.gan_epochs} epochs, got {epochs}."
            )
        object.__setattr__(self, "generator_epochs", epochs)
        if self.detector_width is None:
            object.__setattr__(self, "detector_width", kit_config.get_profile(self.profile).detector_width)
        check_positive_int("detector_width", self.detector_width)

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
        if overrides.get("data_path"):
            values.update(_sizes_of_a_real_dataset(values, overrides, profile))
        values.update(overrides)
        return cls(**values)

    @property
    def label(self) -> str:
        """The dataset as folders and tables name it (`lstmgan_tf.data.dataset_label`)."""
        from lstmgan_tf.data import dataset_label

        return dataset_label(self.dataset, self.data_path)

    @property
    def data_options(self) -> dict:
        """The dataset loader's options: the folder of a real dataset, if any."""
        return {"path": self.data_path} if self.data_path else {}

    def to_dict(self) -> dict:
        """The fields as JSON would give them back (tuples as lists)."""
        return {
            **dataclasses.asdict(self),
            "generator_epochs": list(self.generator_epochs),
            "lstm_sequences": list(self.lstm_sequences),
        }


# ---------------------------------------------------------------------------
# The frozen DCGAN and its generator epochs.
# ---------------------------------------------------------------------------


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
    from lstmgan_tf.training.registry import data_settings
    from lstmgan_tf.training.runner import train_or_load

    options = training.TrainOptions(
        seed=seed, image_size=study.image_size, dataset_size=study.gan_images,
        extra=data_settings(study.data_options),
    )
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

    arrays = data.load_arrays(study.dataset, split=split, image_size=study.image_size, count=count, seed=seed,
                              **study.data_options)
    return np.asarray(arrays.images)


# ---------------------------------------------------------------------------
# One seed, many seeds.
# ---------------------------------------------------------------------------


def seed_dir(out_dir: str, study: StudyConfig, seed: int) -> str:
    """The seed's folder: its ``results.json`` and the DCGAN's run folder (`gan_dir`)."""
    return seed_folder(out_dir, study.profile, study.label, seed)


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
        fake_train=generate_uint8_images(generator, study.train_per_class, gan.latent_dim, seed=2 * seed),
        fake_test=generate_uint8_images(generator, study.test_per_class, gan.latent_dim, seed=2 * seed + 1),
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
            bar.set_postfix_str(f"{study.label} seed {seed}")
            results.append(run_seed(study, seed, out_dir, verbose=verbose))
    return results


def plot_generator_epochs(study: StudyConfig, seed: int, out_dir: str, images_per_epoch: int = 8):
    """What the detectors were shown: a row of generated images per kept generator epoch, then real ones.

    Uses the seed's trained GAN in ``out_dir`` (trains it if missing) and the
    same noise for every epoch. Returns the matplotlib `Figure`.
    """
    from lstmgan_tf.viz import image_grid

    run_dir = gan_dir(out_dir, study, seed)
    gan, _ = train_or_load_gan(study, seed, run_dir)
    real = load_real_images(study, "test", images_per_epoch, seed)
    # A small folder's test split may hold fewer images than a row.
    images_per_epoch = len(real)
    rows = []
    for epoch in study.generator_epochs:
        load_generator_epoch(gan, run_dir, epoch)
        rows.append(generate_uint8_images(gan.inference_generator, images_per_epoch, gan.latent_dim, seed=2 * seed + 1))
    rows.append(real)
    names = [f"epoch {epoch}" for epoch in study.generator_epochs] + ["real (held out)"]
    captions = [name if column == 0 else "" for name in names for column in range(images_per_epoch)]
    return image_grid(np.concatenate(rows), captions=captions, columns=images_per_epoch, cell_size=0.9,
                      title=f"{study.label}, seed {seed}: the generator at each kept epoch")


