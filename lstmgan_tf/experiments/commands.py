"""The ``experiment`` command: ``python -m lstmgan_tf experiment lstm-discriminator|text-recipe|dcgan-recipe ...``.

``dcgan-recipe`` trains the DCGAN's ``paper`` and ``fast`` recipes side by side
(`lstmgan_tf.experiments.dcgan_recipe`), or any of its ``VARIANTS`` (the
recipe's parts one at a time, the LSTM discriminator in the loop), and writes a
table (FID, KID, time) and a before/after figure per dataset:

    python -m lstmgan_tf experiment dcgan-recipe --dataset synthetic_faces abstract_art --variants all \\
        --publish assets

``text-recipe`` is the text-to-image recipe ablation of
`lstmgan_tf.experiments.text_recipe` (every row trained for ``--minutes``):

    python -m lstmgan_tf experiment text-recipe --minutes 4 --out outputs/experiments/text_recipe

``lstm-discriminator``:

Runs the LSTM-as-discriminator study of paper 000 over seeds and datasets: one
DCGAN per seed, detectors against its generator at several epochs. Writes its
tables (CSV + Markdown), a figure of accuracy and ROC AUC against the
generator's epoch, and one of the generators' images per dataset. Finished
generator epochs are kept in ``--out`` and read back, so an interrupted run
picks up where it stopped:

    python -m lstmgan_tf experiment lstm-discriminator \\
        --dataset synthetic_faces abstract_art --seeds 3 --profile classroom \\
        --out outputs/experiments/lstm_discriminator --publish assets
"""

from __future__ import annotations

import argparse
import os
import time

from lstmgan_tf.checks import check_positive_int

EXPERIMENTS = ("lstm-discriminator", "text-recipe", "dcgan-recipe")
DEFAULT_DATASETS = ("synthetic_faces", "abstract_art")


def _positive_int(text: str) -> int:
    # The package's one rule (`checks.check_positive_int`), as an argparse type.
    try:
        value = check_positive_int("value", int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    return value


def add_parser(subparsers) -> None:
    from lstmgan_tf.cli import add_path_argument, add_profile_argument
    from lstmgan_tf.experiments import dcgan_recipe

    parser = subparsers.add_parser(
        "experiment",
        help="run a paper's experiment over seeds and write its table and chart",
        description="Run an experiment over seeds; finished seeds in --out are reused.",
    )
    parser.add_argument("name", choices=EXPERIMENTS, help="which experiment")
    parser.add_argument(
        "--dataset", nargs="+", default=list(DEFAULT_DATASETS), metavar="NAME",
        help="one or more of synthetic_faces, abstract_art, celeb_a, and celeba or folder with --path "
             "(default: the first two)",
    )
    add_path_argument(parser, several=True)
    parser.add_argument("--seeds", type=_positive_int, default=None,
                        help="number of seeds, 0..N-1 (default: 3 for lstm-discriminator, 1 for dcgan-recipe)")
    parser.add_argument("--out", default=None,
                        help="results folder (default: outputs/experiments/ and the experiment's name)")
    parser.add_argument("--publish", default=None, metavar="DIR",
                        help="also copy the Markdown table and the figures here (e.g. assets)")
    parser.add_argument("--sequence", nargs="+", default=["rows", "columns", "patches"], metavar="HOW",
                        help="lstm-discriminator: the LSTM detectors, one per way of reading an image "
                             "(rows, columns, patches; default all three)")
    parser.add_argument("--cell", default="keras", help="LSTM cell: keras or handwritten")
    parser.add_argument("--no-batch-norm-refresh", action="store_true",
                        help="lstm-discriminator: keep the detectors' batch-norm moving averages of training "
                             "instead of recomputing them for the final weights")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch training lines")
    parser.add_argument("--minutes", type=float, default=4.0,
                        help="text-recipe: training minutes of every run (default 4)")
    parser.add_argument("--epochs", type=_positive_int, default=None,
                        help="dcgan-recipe, lstm-discriminator: DCGAN epochs (default: the profile's)")
    parser.add_argument("--variants", nargs="+", default=None, metavar="NAME",
                        help=f"dcgan-recipe: the runs to compare, from: {', '.join(dcgan_recipe.VARIANTS)}, "
                             f"or all (default: {' '.join(dcgan_recipe.DEFAULT_VARIANTS)})")
    parser.add_argument("--no-variants", action="store_true",
                        help="text-recipe: only the cumulative rows, not the variants that did not help")
    add_profile_argument(parser)
    parser.set_defaults(func=_run)


def dataset_paths(datasets, paths=()) -> list[tuple[str, str | None]]:
    """``(dataset, folder)`` pairs of ``--dataset``: the ``--path`` folders go, in order, to those that read one.

    ``--dataset synthetic_faces celeba folder --path DATA/celeba DATA/abstract_art``
    gives ``celeba`` the first folder and ``folder`` the second. The same
    dataset name may come twice with two folders (two ``folder`` datasets).

    Raises:
        ValueError: when the folders and the datasets that read one do not pair up.
        FileNotFoundError: a ``--path`` that is not a folder.
    """
    from lstmgan_tf.data import FOLDER_DATASETS, dataset_label

    paths = [paths] if isinstance(paths, str) else list(paths or ())
    needing = [name for name in datasets if name in FOLDER_DATASETS]
    if len(needing) != len(paths):
        raise ValueError(
            f"--dataset names {len(needing)} dataset(s) that read a folder ({', '.join(FOLDER_DATASETS)}) and "
            f"--path gives {len(paths)} folder(s); give one folder per such dataset, in order."
        )
    for path in paths:
        if not os.path.isdir(path):
            raise FileNotFoundError(f"--path {path} is not a folder.")
    folders = iter(os.path.abspath(path) for path in paths)
    pairs = [(name, next(folders) if name in FOLDER_DATASETS else None) for name in datasets]
    # Keyed by the label, so that two folders of one kind are two datasets.
    unique = {dataset_label(name, path): (name, path) for name, path in pairs}
    return list(unique.values())


def _run(args) -> int:
    if args.name == "text-recipe":
        return _run_text_recipe(args)
    if args.name == "dcgan-recipe":
        return _run_dcgan_recipe(args)
    return _run_lstm_discriminator(args)


def _run_dcgan_recipe(args) -> int:
    import shutil

    from lstmgan_tf import config
    from lstmgan_tf.experiments import dcgan_recipe

    datasets = dataset_paths(args.dataset, args.path)
    dcgan_recipe.check_variants(args.variants or dcgan_recipe.DEFAULT_VARIANTS)
    out_dir = args.out or config.outputs_dir("experiments", "dcgan_recipe")
    start = time.perf_counter()
    runs = dcgan_recipe.run_comparison(datasets, out_dir, profile=args.profile, epochs=args.epochs,
                                       seeds=args.seeds or 1, variants=args.variants or dcgan_recipe.DEFAULT_VARIANTS,
                                       verbose=0 if args.quiet else 2)
    print(dcgan_recipe.markdown_table(runs))
    print(f"this call took {(time.perf_counter() - start) / 60:.1f} min")
    for path in dcgan_recipe.write_report(runs, out_dir):
        print(f"wrote {os.path.relpath(path)}")
        if args.publish:
            os.makedirs(args.publish, exist_ok=True)
            published = shutil.copyfile(path, os.path.join(args.publish, os.path.basename(path)))
            print(f"wrote {published}")
    return 0


def _run_text_recipe(args) -> int:
    from lstmgan_tf import config
    from lstmgan_tf.experiments import text_recipe

    out_dir = args.out or config.outputs_dir("experiments", "text_recipe")
    start = time.perf_counter()
    report = text_recipe.run_ablation(out_dir, minutes=args.minutes, profile=args.profile,
                                      with_variants=not args.no_variants, verbose=0 if args.quiet else 2)
    print(report["text"])
    print(f"this call took {(time.perf_counter() - start) / 60:.1f} min; wrote {os.path.relpath(report['markdown'])}")
    if args.publish:
        import shutil

        os.makedirs(args.publish, exist_ok=True)
        shutil.copyfile(report["markdown"], os.path.join(args.publish, "text_recipe_ablation.md"))
        print(f"wrote {os.path.join(args.publish, 'text_recipe_ablation.md')}")
    return 0


def _run_lstm_discriminator(args) -> int:
    from lstmgan_tf import config
    from lstmgan_tf.experiments import detector_study as study

    profile = config.get_profile(args.profile)
    # Checked before anything is trained, so a typo costs nothing.
    studies = [
        study.StudyConfig.from_profile(
            profile, dataset=name, lstm_sequences=tuple(args.sequence), lstm_cell=args.cell,
            refresh_batch_norm=not args.no_batch_norm_refresh, data_path=path,
            **({"gan_epochs": args.epochs} if args.epochs else {}),
        )
        for name, path in dataset_paths(args.dataset, args.path)
    ]
    out_dir = args.out or config.outputs_dir("experiments", "lstm_discriminator")
    start = time.perf_counter()
    results = study.run_study(studies, args.seeds or 3, out_dir, verbose=0 if args.quiet else 2)
    report = study.write_report(results, out_dir, publish_dir=args.publish)
    print(study.markdown_table(report["rows"], report["differences"]))
    print(
        f"{len(results)} seed runs; this call took {study.format_duration(time.perf_counter() - start)}, "
        f"the seeds' recorded compute {study.format_duration(study.total_seconds(results))}, of which the GANs "
        f"{study.format_duration(study.total_seconds(results, 'gan_seconds'))} (profile {profile.name})."
    )
    for key in ("csv", "markdown", "chart"):
        print(f"wrote {os.path.relpath(report[key])}")
    import shutil

    from lstmgan_tf.viz import save_figure

    for study_config in studies:
        # What the detectors were shown, seed 0's generators.
        name = study.GENERATORS_FILE.format(dataset=study_config.label)
        path = save_figure(study.plot_generator_epochs(study_config, 0, out_dir), os.path.join(out_dir, name))
        print(f"wrote {os.path.relpath(path)}")
        if args.publish:
            shutil.copyfile(path, os.path.join(args.publish, name))
    return 0
