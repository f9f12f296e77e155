"""The ``experiment`` command: ``python -m lstmgan_tf experiment lstm-discriminator ...``.

Runs the LSTM-as-discriminator study of paper 000 over seeds and datasets and
writes its table (CSV + Markdown) and bar chart. Finished seeds are kept in
``--out`` and read back, so an interrupted run picks up where it stopped:

    python -m lstmgan_tf experiment lstm-discriminator \\
        --dataset synthetic_faces abstract_art --seeds 3 --profile classroom \\
        --out outputs/experiments/lstm_discriminator --publish assets
"""

from __future__ import annotations

import argparse
import os
import time

EXPERIMENTS = ("lstm-discriminator",)
DEFAULT_DATASETS = ("synthetic_faces", "abstract_art")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def add_parser(subparsers) -> None:
    from lstmgan_tf.cli import add_profile_argument

    parser = subparsers.add_parser(
        "experiment",
        help="run a paper's experiment over seeds and write its table and chart",
        description="Run an experiment over seeds; finished seeds in --out are reused.",
    )
    parser.add_argument("name", choices=EXPERIMENTS, help="which experiment")
    parser.add_argument(
        "--dataset", nargs="+", default=list(DEFAULT_DATASETS), metavar="NAME",
        help="one or more of synthetic_faces, abstract_art, celeb_a (default: the first two)",
    )
    parser.add_argument("--seeds", type=_positive_int, default=3, help="number of seeds, 0..N-1 (default 3)")
    parser.add_argument("--out", default=None, help="results folder (default: outputs/experiments/lstm_discriminator)")
    parser.add_argument("--publish", default=None, metavar="DIR",
                        help="also copy the Markdown table and the chart here (e.g. assets)")
    parser.add_argument("--sequence", default="rows", help="how the LSTM reads an image: rows, columns, patches")
    parser.add_argument("--cell", default="keras", help="LSTM cell: keras or handwritten")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch training lines")
    add_profile_argument(parser)
    parser.set_defaults(func=_run)


def _run(args) -> int:
    from lstmgan_tf import config
    from lstmgan_tf.experiments import detector_study as study

    profile = config.get_profile(args.profile)
    # Checked before anything is trained, so a typo costs nothing.
    studies = [
        study.StudyConfig.from_profile(profile, dataset=name, lstm_sequence=args.sequence, lstm_cell=args.cell)
        for name in dict.fromkeys(args.dataset)
    ]
    out_dir = args.out or config.outputs_dir("experiments", "lstm_discriminator")
    start = time.perf_counter()
    results = study.run_study(studies, args.seeds, out_dir, verbose=0 if args.quiet else 2)
    report = study.write_report(results, out_dir, publish_dir=args.publish)
    print(study.markdown_table(report["rows"]))
    print(
        f"{len(results)} seed runs; this call took {study.format_duration(time.perf_counter() - start)}, "
        f"the seeds' recorded compute {study.format_duration(study.total_seconds(results))} "
        f"(profile {profile.name})."
    )
    for key in ("csv", "markdown", "chart"):
        print(f"wrote {os.path.relpath(report[key])}")
    return 0
