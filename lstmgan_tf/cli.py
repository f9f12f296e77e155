"""The command-line interface: ``python -m lstmgan_tf COMMAND ...``.

Each command lives next to the code it drives and exposes
``add_parser(subparsers)``, which registers its sub-parser and sets
``func(args) -> int`` as the parser default. This module only collects them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

# Modules that define commands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "lstmgan_tf.main_job",
    "lstmgan_tf.data.commands",
    "lstmgan_tf.notebook_tools",
    "lstmgan_tf.training.commands",
    "lstmgan_tf.experiments.commands",
    "lstmgan_tf.generate",
    "lstmgan_tf.benchmarks.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lstmgan_tf",
        description="LSTM + GAN course kit: datasets, training, generation, evaluation.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).add_parser(subparsers)
    return parser


def add_profile_argument(parser: argparse.ArgumentParser) -> None:
    """Adds the ``--profile`` option shared by every command that trains or draws data."""
    parser.add_argument(
        "--profile",
        default=None,
        help="smoke, classroom or paper (default: $LSTMGAN_PROFILE, else classroom)",
    )


def add_path_argument(parser: argparse.ArgumentParser, several: bool = False) -> None:
    """Adds ``--path DIR``, the folder of a ``folder`` or ``celeba`` dataset (as ``--set data.path=DIR``).

    With ``several``, ``--path DIR [DIR ...]``: one folder per such dataset of ``--dataset``, in order.
    """
    parser.add_argument(
        "--path", default=[] if several else None, metavar="DIR", nargs="+" if several else None,
        help="folder of the images, for --dataset folder (any images; captions in same-name .txt files) or "
             "celeba (CelebA's own layout); the same as --set data.path=DIR"
             + ("; one per such dataset, in order" if several else ""),
    )


def path_setting(path) -> dict[str, str]:
    """``--path DIR`` as the ``data.path`` setting of a run (nothing when it is not given)."""
    from lstmgan_tf.training.registry import data_settings

    return data_settings({"path": os.path.abspath(path)} if path else {})


def main(argv: list[str] | None = None) -> int:
    # TensorFlow's C++ start-up chatter hides the progress bars a student should see.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    # Warnings a student should act on (a damaged checkpoint skipped, ...) read
    # as one line each, not with a source line of the package.
    default_format = warnings.formatwarning
    warnings.formatwarning = lambda message, category, *_, **__: f"warning: {message}\n"
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as error:
        # Bad input is reported as one readable line, not a traceback.
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        warnings.formatwarning = default_format


if __name__ == "__main__":
    raise SystemExit(main())
