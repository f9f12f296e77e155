"""The DCGAN's recipes side by side: the papers' DCGAN, the ``fast`` one, its parts, and an LSTM discriminator.

`lstmgan_tf.models.gan.DCGAN_RECIPES` holds two ways to train the same DCGAN
networks: ``paper`` (Radford et al. 2016 with paper 002's two D updates per G
update, the `paper` profile's) and ``fast`` (what the `classroom` profile uses).
`VARIANTS` names the runs a comparison can hold: both recipes, ``fast`` with
one of its three parts undone (the ablation), and either recipe with paper
000's LSTM in the loop as the discriminator (``dcgan_lstm_d``).
`run_comparison` trains the chosen variants on each dataset with the kit's
runner, for the same epochs and over one or more seeds, and measures:

- FID and KID of generated images against the dataset's held-out ``test``
  images, in the features of an attribute classifier trained on the real
  ``train`` images (`lstmgan_tf.metrics.AttributeClassifier`; datasets with
  attributes only, i.e. ``synthetic_faces``), next to the floor two real sets
  reach (``train`` against ``test``);
- high-frequency energy (`lstmgan_tf.metrics.high_frequency_energy`) of the
  generated images over that of real ones: speckle and checkerboard with no
  learning involved (the classifier, trained on blurred and noisy images,
  barely sees them), for every dataset;
- training time and the discriminator's trainable weights;
- a before/after figure: the same noise through every generator of seed 0,
  a row each.

    python -m lstmgan_tf experiment dcgan-recipe --dataset synthetic_faces abstract_art \\
        --variants all --seeds 3 --out outputs/experiments/dcgan_recipe --publish assets

Runs go to ``out_dir/PROFILE/DATASET/seed_S/VARIANT`` (`run_dir`); finished
runs are loaded, not retrained. The feature classifier and the real images
are the same for every seed, so that seeds differ only in the GANs.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os

import numpy as np

from lstmgan_tf import config as kit_config
from lstmgan_tf import files
from lstmgan_tf.checks import check_positive_int


@dataclasses.dataclass(frozen=True)
class Variant:
    """One row of the comparison: a registered model and the ``--set`` settings of its run.

    Args:
        label: what a reader sees in the table and the figure.
        model: ``"dcgan"`` or ``"dcgan_lstm_d"``.
        settings: `lstmgan_tf.training.TrainOptions` ``extra`` of the run.
    """

    label: str
    model: str = "dcgan"
    settings: dict = dataclasses.field(default_factory=dict)


#: The runs a comparison can hold, in table order. The ``fast_*`` rows undo
#: one part of the ``fast`` recipe each (`lstmgan_tf.models.gan.DCGAN_RECIPES`).
VARIANTS = {
    "paper": Variant("the papers' DCGAN (`paper` recipe)", settings={"recipe": "paper"}),
    "fast": Variant("`fast` recipe", settings={"recipe": "fast"}),
    "fast_two_d_steps": Variant("`fast`, but 2 D updates per G update",
                                settings={"recipe": "fast", "discriminator_steps": 2}),
    "fast_transposed": Variant("`fast`, but transposed convolutions",
                               settings={"recipe": "fast", "generator_upsampling": "transpose"}),
    "fast_no_ema": Variant("`fast`, but no moving average of G", settings={"recipe": "fast", "generator_ema": 0.0}),
    "paper_lstm_d": Variant("`paper` recipe, LSTM discriminator", "dcgan_lstm_d", {"recipe": "paper"}),
    "fast_lstm_d": Variant("`fast` recipe, LSTM discriminator", "dcgan_lstm_d", {"recipe": "fast"}),
}
#: What ``experiment dcgan-recipe`` compares unless told otherwise.
DEFAULT_VARIANTS = ("paper", "fast")
#: Generated and real images each FID / KID compares.
SAMPLES = 1024
#: Epochs of the feature classifier (at most the profile's ``judge_epochs``,
#: which the text models' judge needs to count petals).
FEATURE_EPOCHS = 15
#: Generated images per run in the figure.
GRID_IMAGES = 8
TABLE_FILE = "dcgan_recipe.md"
FIGURE_FILE = "dcgan_recipe_{dataset}.png"


def check_variants(names) -> tuple[str, ...]:
    """The variant names, in `VARIANTS` order without repeats; ``"all"`` stands for every one.

    Raises:
        ValueError: for an unknown name, or none at all.
    """
    names = list(names)
    unknown = [name for name in names if name not in VARIANTS and name != "all"]
    if unknown or not names:
        problem = f"unknown DCGAN variant(s) {unknown}" if unknown else "no DCGAN variant given"
        raise ValueError(f"{problem}; choose from {', '.join(VARIANTS)} or all.")
    return tuple(name for name in VARIANTS if name in names or "all" in names)


@dataclasses.dataclass
class RecipeRun:
    """One variant trained on one dataset, and what it measured."""

    dataset: str
    variant: str
    seed: int
    epochs: int
    steps: int
    seconds: float | None
    discriminator_weights: int = 0
    samples: int = 0
    high_frequency_ratio: float | None = None
    fid: float | None = None
    kid: float | None = None
    real_fid: float | None = None
    real_kid: float | None = None
    #: The first `GRID_IMAGES` generated images (uint8), for the figure; not in `to_dict`.
    grid: np.ndarray | None = dataclasses.field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The measurements, as ``results.json`` keeps them."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self) if field.name != "grid"}


def run_dir(out_dir: str, profile, dataset: str, variant: str, seed: int = 0) -> str:
    """The run folder of one variant on one dataset: ``out_dir/PROFILE/DATASET/seed_S/VARIANT``."""
    from lstmgan_tf.experiments.runs import seed_folder

    return os.path.join(seed_folder(out_dir, kit_config.get_profile(profile).name, dataset, seed), variant)


def _feature_classifier(dataset: str, profile, folder: str, seed: int, label: str, data_options: dict):
    """An attribute classifier trained on the dataset's real train images, or `None` without attributes."""
    import keras

    from lstmgan_tf import data
    from lstmgan_tf.metrics import AttributeClassifier

    train = data.load_arrays(dataset, split="train", profile=profile, seed=seed, **data_options)
    if not train.attributes:
        return None, train
    path = os.path.join(folder, f"{label}_classifier.weights.h5")
    keras.utils.set_random_seed(seed)
    classifier = AttributeClassifier(train.image_size, train.attribute_values)
    if os.path.isfile(path):
        return classifier.load(path), train
    classifier.fit(train.images, train.attributes, epochs=min(FEATURE_EPOCHS, profile.judge_epochs))
    classifier.save(path)
    return classifier, train


class _RealReference:
    """What every variant of one dataset is compared with, computed once per dataset."""

    def __init__(self, classifier, real_test, real_train):
        from lstmgan_tf.metrics import high_frequency_energy, similarity

        self.classifier = classifier
        self.high_frequency_energy = high_frequency_energy(real_test)
        self.test_features = self.floor = None
        if classifier is not None:
            self.test_features = classifier.features(real_test)
            train_features = classifier.features(real_train)
            self.floor = {
                "real_fid": similarity.frechet_distance(train_features, self.test_features),
                "real_kid": similarity.kernel_distance(train_features, self.test_features),
            }

    def measure(self, run: "RecipeRun", generated) -> None:
        """Fills ``run``'s high-frequency ratio and, with a classifier, its FID, KID and the real floor."""
        from lstmgan_tf.metrics import high_frequency_energy, similarity

        run.high_frequency_ratio = high_frequency_energy(generated) / self.high_frequency_energy
        if self.classifier is None:
            return
        features = self.classifier.features(generated)
        run.fid = float(similarity.frechet_distance(features, self.test_features))
        run.kid = float(similarity.kernel_distance(features, self.test_features))
        run.real_fid, run.real_kid = (float(self.floor[key]) for key in ("real_fid", "real_kid"))


def run_comparison(datasets, out_dir: str, profile=None, epochs: int | None = None, seeds: int = 1,
                   variants=DEFAULT_VARIANTS, verbose=0) -> list[RecipeRun]:
    """Trains (or loads) each variant on each dataset, for each seed, and measures it.

    Args:
        datasets: dataset names, e.g. ``["synthetic_faces", "abstract_art"]``, or
            ``(name, folder)`` pairs (folder `None` for the built-in sets), e.g.
            ``[("celeba", "/data/celeba")]``; a run is filed and reported under
            `lstmgan_tf.data.dataset_label`.
        out_dir: the results folder; run folders go to ``out_dir/PROFILE/DATASET/seed_S/VARIANT`` (`run_dir`).
        profile: the profile whose sizes every variant uses.
        epochs: epochs of every run (default: the profile's ``epochs``, raised
            for a dataset smaller than the profile's ``dataset_size`` so that
            it gets the same number of updates: `epochs_for_equal_updates`).
        seeds: seeds ``0 .. seeds - 1`` of the runs and their noise.
        variants: keys of `VARIANTS` (or ``"all"``).
        verbose: ``model.fit``'s verbosity.

    Returns:
        One `RecipeRun` per dataset, seed and variant, in `VARIANTS` order
        within a seed (`write_report` writes them down).

    Raises:
        ValueError: for an unknown variant or fewer than one seed, before
            anything is trained.
    """
    from lstmgan_tf import data, training
    from lstmgan_tf.experiments.runs import epochs_for_equal_updates, generate_uint8_images, trainable_parameter_count
    from lstmgan_tf.training.runner import train_or_load, training_seconds
    from lstmgan_tf.training.registry import data_settings

    variants = check_variants(variants)
    check_positive_int("seeds", seeds)
    profile = kit_config.get_profile(profile)
    runs = []
    pairs = [(item, None) if isinstance(item, str) else tuple(item) for item in datasets]
    for dataset, path in pairs:
        label, data_options = data.dataset_label(dataset, path), ({"path": path} if path else {})
        classifier_dir = os.path.join(out_dir, profile.name)
        os.makedirs(classifier_dir, exist_ok=True)
        # One judge and one real sample per dataset, whatever the seed.
        classifier, real_train = _feature_classifier(dataset, profile, classifier_dir, 0, label, data_options)
        real_test = data.load_arrays(dataset, split="test", count=SAMPLES, profile=profile, seed=0,
                                     **data_options).images
        reference = _RealReference(classifier, real_test, real_train.images[:SAMPLES])
        dataset_epochs = epochs or epochs_for_equal_updates(profile.epochs, profile.batch_size, profile.dataset_size,
                                                            len(real_train))
        for seed, name in itertools.product(range(seeds), variants):
            variant, folder = VARIANTS[name], run_dir(out_dir, profile, label, name, seed)
            options = training.TrainOptions(seed=seed, extra={**variant.settings, **data_settings(data_options)})
            gan, _ = train_or_load(variant.model, dataset, folder, profile, dataset_epochs, options, verbose)
            seconds = training_seconds(folder)  # The runner keeps it beside the run, so a loaded run reports it too.
            generated = generate_uint8_images(gan.inference_generator, SAMPLES, gan.latent_dim, seed=seed + 1)
            run = RecipeRun(label, name, seed, dataset_epochs, int(gan.g_optimizer.iterations), seconds,
                            trainable_parameter_count(gan.discriminator), len(real_test),
                            grid=generated[:GRID_IMAGES])
            reference.measure(run, generated)
            runs.append(run)
    return runs


def write_report(runs, out_dir: str) -> list[str]:
    """Writes ``results.json``, the Markdown table and one figure per dataset into ``out_dir``.

    Returns:
        The paths written, the table's first.
    """
    from lstmgan_tf import viz

    written = [os.path.join(out_dir, TABLE_FILE)]
    files.write_text(written[0], markdown_table(runs))
    first_seed = min(run.seed for run in runs)
    for dataset in dict.fromkeys(run.dataset for run in runs):
        figure = plot_samples([run for run in runs if run.dataset == dataset and run.seed == first_seed])
        written.append(viz.save_figure(figure, os.path.join(out_dir, FIGURE_FILE.format(dataset=dataset))))
    files.write_text(os.path.join(out_dir, "results.json"), json.dumps([run.to_dict() for run in runs], indent=2))
    return written


def plot_samples(runs):
    """The same noise through each run's generator: a labelled row of `GRID_IMAGES` images per run.

    Args:
        runs: `RecipeRun` objects of one dataset and seed, as `run_comparison` returns them.
    """
    from lstmgan_tf import viz

    title = f"DCGAN on {runs[0].dataset}, {runs[0].epochs} epochs, seed {runs[0].seed}, the same noise in every row"
    return viz.image_grid(np.concatenate([run.grid for run in runs]), columns=GRID_IMAGES, cell_size=1.1,
                          title=title, row_labels=[VARIANTS[run.variant].label.replace("`", "") for run in runs])


def markdown_table(runs) -> str:
    """The comparison as a Markdown table: one row per dataset and variant, mean ± std over its seeds."""
    from lstmgan_tf.experiments.study_report import format_spread, mean_std

    groups = {}
    for run in runs:
        groups.setdefault((run.dataset, run.variant), []).append(run)

    def spread(group, field, digits=1):
        values = [getattr(run, field) for run in group]
        if any(value is None for value in values):
            return "—"
        return format_spread(*mean_std(values), len(values), digits)

    lines = [
        "| dataset | variant | seeds | epochs | G updates | time (s) | D's weights | high-frequency energy ÷ real's "
        "| FID ↓ | KID ↓ | real-vs-real FID / KID |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (dataset, variant), group in groups.items():
        first = group[0]
        floor = "—" if first.real_fid is None else f"{first.real_fid:.2f} / {first.real_kid:.3f}"
        seconds = [run.seconds for run in group if run.seconds is not None]
        lines.append(
            f"| {dataset} | {VARIANTS[variant].label} | {len(group)} | {first.epochs} | {first.steps} | "
            f"{f'{np.mean(seconds):.0f}' if seconds else '—'} | {first.discriminator_weights:,} | "
            f"{spread(group, 'high_frequency_ratio', 2)} | {spread(group, 'fid', 2)} | {spread(group, 'kid', 3)} | {floor} |"
        )
    samples = max(run.samples for run in runs)
    lines.append("")
    lines.append(
        "Mean ± sample standard deviation over the seeds (time: the mean). "
        f"FID and KID of {samples} generated images against {samples} held-out real ones, in the features of an "
        "attribute classifier trained on the real training images (datasets with attributes only); the last "
        "column compares real training images with the same held-out ones. High-frequency energy: the mean absolute "
        "Laplacian of the generated images over that of the held-out real ones (1.00: as smooth as real; speckle "
        "and checkerboard raise it; no learning involved)."
    )
    return "\n".join(lines) + "\n"
