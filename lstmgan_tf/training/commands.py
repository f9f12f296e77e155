"""``python -m lstmgan_tf train ...``: train a registered model from the shell.

    python -m lstmgan_tf train --model dcgan --dataset synthetic_faces --out runs/faces
    python -m lstmgan_tf train --model dcgan --dataset synthetic_faces --out runs/faces --resume

The run folder holds the sample grids, a GIF, ``history.csv``, TensorBoard
logs and checkpoints; a killed run continues with ``--resume``. On a cluster,
start the same command on every worker with its own ``TF_CONFIG``.
"""

from __future__ import annotations

import argparse
import sys

from lstmgan_tf.training import distribute, registry


def _set_pairs(pairs) -> dict[str, str]:
    """``--set KEY=VALUE ...`` as ``{KEY: VALUE}`` strings (each builder types them: `registry.parse_settings`)."""
    settings = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set expects KEY=VALUE, got {pair!r}.")
        settings[key.strip()] = value.strip()
    return settings


def _train_command(args) -> int:
    import os

    from lstmgan_tf.cli import path_setting

    # TensorFlow's start-up chatter would bury the progress bar.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from lstmgan_tf.training import runner

    options = registry.TrainOptions(
        seed=args.seed,
        batch_size=args.batch_size,
        image_size=args.image_size,
        dataset_size=args.dataset_size,
        mixed_precision=args.mixed_precision,
        jit_compile=args.xla,
        extra={**path_setting(args.path), **_set_pairs(args.set)},
    )
    result = runner.train(
        args.model,
        args.dataset,
        out_dir=args.out,
        profile=args.profile,
        strategy=args.strategy,
        resume=args.resume,
        epochs=args.epochs,
        options=options,
        verbose=1 if sys.stdout.isatty() else 2,
        checkpoint_every=args.checkpoint_every,
        deterministic=args.deterministic,
    )
    if result.stopped_on_nan:
        print(f"stopped on a NaN loss at step {result.final_step}; run folder: {result.out_dir}")
        return 1
    print(f"trained to step {result.final_step}; run folder: {result.out_dir}")
    return 0


def add_parser(subparsers) -> None:
    from lstmgan_tf.cli import add_path_argument, add_profile_argument

    parser = subparsers.add_parser(
        "train",
        help="train a GAN (resumable; sample grids, GIF, TensorBoard logs, checkpoints)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--model", required=True, choices=registry.model_names(), help="model to train")
    parser.add_argument("--dataset", required=True, help="dataset name (see `data preview --help`)")
    add_path_argument(parser)
    parser.add_argument("--out", default=None, help="run folder (default: outputs/runs/MODEL_DATASET)")
    add_profile_argument(parser)
    parser.add_argument(
        "--strategy", default="auto", choices=distribute.STRATEGY_NAMES,
        help="tf.distribute strategy (default: auto = TF_CONFIG, TPU or several GPUs if present)",
    )
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    parser.add_argument("--epochs", type=int, default=None, help="total epochs (default: the profile's)")
    parser.add_argument("--batch-size", type=int, default=None, help="global batch size (default: the profile's)")
    parser.add_argument("--image-size", type=int, default=None, help="32, 64 or 128 (default: the profile's)")
    parser.add_argument("--dataset-size", type=int, default=None, help="images to draw (default: the profile's)")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights, noise and data order")
    parser.add_argument("--checkpoint-every", type=int, default=None, help="steps between checkpoints")
    parser.add_argument("--mixed-precision", action="store_true", help="mixed_float16 with loss scaling (GPUs)")
    parser.add_argument("--xla", action="store_true", help="compile the train step with XLA")
    parser.add_argument(
        "--deterministic", action="store_true",
        help="deterministic TensorFlow ops: the same seed gives the same weights (slower)",
    )
    parser.add_argument(
        "--set", action="append", metavar="KEY=VALUE",
        help="model setting, e.g. --set latent_dim=100 --set data.path=DIR (repeatable)",
    )
    parser.set_defaults(func=_train_command)
