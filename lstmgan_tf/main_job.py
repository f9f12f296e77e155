"""``python -m lstmgan_tf main-job``: the kit's main job, what ``make run`` does.

On the built-in ``synthetic_flowers`` data, at the chosen profile (default
``classroom``: 38 min on the slowest 2-core CPU measured from a fresh clone, install included,
48 before oneDNN's kernels; the 40 epochs before took 15 to 38 min):

1. trains the LSTM-CGAN (`lstmgan_tf.models.lstm_cgan`), or resumes it from its
   last checkpoint when an earlier run was interrupted, or reuses it when it is
   finished;
2. writes word-by-word sequences (one PNG per word, a strip with the words and
   a GIF) for a few test captions, and the paper's colour swap (Fig. 5);
3. evaluates it on the test captions (SSIM, feature distance, attribute
   accuracy, FID/KID, per word) and prints the table;
4. writes how long each step took to ``timings.csv`` and prints where
   everything is.

    python -m lstmgan_tf main-job --out outputs/run
    python -m lstmgan_tf main-job --out outputs/run --publish assets   # also refresh the README's figures

``python -m lstmgan_tf pretrained`` (``make pretrained``) trains the three text
models the same way and ships their inference weights in ``pretrained/``
(`run_pretrained_job`), so that notebooks need not wait for training.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time

from lstmgan_tf import files
from lstmgan_tf.checks import check_positive_int

DATASET = "synthetic_flowers"
MODEL = "lstm_cgan"
SEQUENCE_CAPTIONS = 3
PUBLISHED_STRIP = "lstm_cgan_word_by_word.png"
PUBLISHED_SWAP = "lstm_cgan_colour_swap.png"
PUBLISHED_EVALUATION = "lstm_cgan_evaluation.png"
PUBLISHED_TABLE = "lstm_cgan_evaluation.md"
TIMINGS_FILE = "timings.csv"


@contextlib.contextmanager
def _timed(seconds: dict, step: str):
    """Adds the wall-clock seconds of the ``with`` block to ``seconds[step]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - start


def write_timings(seconds: dict, path: str) -> str:
    """Writes ``step,seconds`` rows (and their total) to a CSV file; returns its path."""
    rows = [f"{step},{value:.1f}" for step, value in seconds.items()]
    rows.append(f"total,{sum(seconds.values()):.1f}")
    return files.write_text(path, "step,seconds\n" + "\n".join(rows) + "\n")


def run_main_job(out_dir: str, profile=None, epochs: int | None = None, publish: str | None = None,
                 verbose="auto") -> dict:
    """Trains, generates and evaluates; returns the paths it wrote.

    Args:
        out_dir: folder for the pictures and tables (``sequences/``, ``evaluation/``);
            the run itself is kept in `text_runs.default_run_dir`, shared with
            notebook 05, ``generate`` and ``evaluate``.
        profile: profile name or `Profile` (default: ``$LSTMGAN_PROFILE``, else classroom).
        epochs: training epochs (default: the profile's).
        publish: a folder (e.g. ``assets``) that also gets the first caption's
            word strip, the colour swap, the per-word figure and the table.
        verbose: ``model.fit``'s verbosity (1: a progress bar per epoch).
    """
    from lstmgan_tf import config
    from lstmgan_tf.generate import evaluate_runs
    from lstmgan_tf.training import text_runs

    check_positive_int("epochs", epochs, allow_none=True)
    profile = config.get_profile(profile)
    out_dir = os.fspath(out_dir)
    # The run lives where the notebooks and `generate` look for it, so notebook 05 reuses it.
    run_dir = text_runs.default_run_dir(MODEL, DATASET, profile, epochs=epochs)
    seconds = {}
    print(f"[1/3] training the LSTM-CGAN on {DATASET} at profile {profile.name!r} in {run_dir} "
          "(an interrupted run resumes; a finished one is reused)", flush=True)
    with _timed(seconds, "data + text encoder + training"):
        trained, _ = text_runs.train_or_load(MODEL, DATASET, profile=profile, out_dir=run_dir, epochs=epochs,
                                             verbose=verbose)

    print("[2/3] drawing captions word by word", flush=True)
    paths = {"run": run_dir}
    with _timed(seconds, "pictures + colour swap"):
        paths.update(_draw(trained, out_dir, profile))

    print("[3/3] evaluating on the test captions", flush=True)
    with _timed(seconds, "judge + evaluation"):
        _, evaluation_paths = evaluate_runs([run_dir], os.path.join(out_dir, "evaluation"))
    paths["evaluation"] = evaluation_paths
    with open(evaluation_paths["markdown"], encoding="utf-8") as handle:
        print(handle.read())

    if publish:
        os.makedirs(publish, exist_ok=True)
        copies = {
            os.path.join(paths["sequences"][0], "strip.png"): PUBLISHED_STRIP,
            paths["colour_swap"]: PUBLISHED_SWAP,
            evaluation_paths["figure"]: PUBLISHED_EVALUATION,
            evaluation_paths["markdown"]: PUBLISHED_TABLE,
        }
        for source, name in copies.items():
            shutil.copyfile(source, os.path.join(publish, name))
        paths["published"] = [os.path.join(publish, name) for name in copies.values()]

    paths["timings"] = write_timings(seconds, os.path.join(out_dir, TIMINGS_FILE))
    print("Time taken: " + ", ".join(f"{step} {value / 60:.1f} min" for step, value in seconds.items())
          + f" ({paths['timings']})")
    print("Where to look:")
    print(f"  word-by-word sequences (word_NN.png, strip.png, sequence.gif): {os.path.join(out_dir, 'sequences')}")
    print(f"  the colour swap (paper Fig. 5):                               {paths['colour_swap']}")
    print(f"  evaluation table and per-word figure:                         {os.path.dirname(evaluation_paths['markdown'])}")
    print(f"  training samples per epoch, samples.gif, history.csv:        {run_dir}")
    print(f"  TensorBoard:  .venv/bin/tensorboard --logdir {os.path.join(run_dir, 'logs')}")
    print(f"  your caption: .venv/bin/python -m lstmgan_tf generate --checkpoint {run_dir} "
          "--text \"a pink flower with six round petals\" --out outputs/my_caption")
    return paths


def _draw(trained, out_dir: str, profile) -> dict:
    """Word-by-word sequences of a few test captions and the colour swap; returns their paths."""
    from lstmgan_tf import data
    from lstmgan_tf.data.flowers import PETAL_COLOURS
    from lstmgan_tf.generate import colour_swap, file_slug, generate_sequence

    test_data = data.load_arrays(DATASET, split="test", count=SEQUENCE_CAPTIONS, profile=profile)
    captions = [group[0] for group in test_data.captions[:SEQUENCE_CAPTIONS]]
    paths = {"sequences": []}
    for index, caption in enumerate(captions, start=1):
        folder = os.path.join(out_dir, "sequences", f"{index:02d}_{file_slug(caption)}")
        result = generate_sequence(trained, caption, folder)
        paths["sequences"].append(folder)
        print(f"      {caption!r}: {len(result['words'])} images in {folder}", flush=True)
    swap = colour_swap(trained, figure_path=os.path.join(out_dir, "colour_swap.png"))
    paths["colour_swap"], paths["colour_swap_right"] = swap["figure"], swap["right"]
    print(f"      colour swap: {swap['right']} of {len(swap['seen'])} petal colours right by the pixel check "
          f"({', '.join(f'{a}->{g}' for a, g in zip(PETAL_COLOURS, swap['seen']))})", flush=True)
    return paths


def run_pretrained_job(profile="classroom", verbose="auto") -> dict:
    """``make pretrained``: trains (or reuses) the three text models and ships what inference needs.

    For `pretrained.SHIPPED` (``synthetic_flowers`` at ``classroom``):
    LSTM-CGAN, last word and GAN-CLS are trained into their usual run folders
    (`text_runs.default_run_dir`; finished ones are reused), their judge is
    trained or loaded, and `pretrained.export_run` writes each run's
    inference weights in float16 to ``pretrained/`` with the judge. The
    shipped runs are then read back as a notebook reads them and checked by
    the pixel check, whose figure goes to ``published.json`` beside how long
    training took and on what host.

    Returns:
        The published record (``published.json``).
    """
    from lstmgan_tf import config
    from lstmgan_tf.generate import load_judge
    from lstmgan_tf.host import describe_host
    from lstmgan_tf.metrics.evaluation import save_shipped_judge
    from lstmgan_tf.training import pretrained, runner, text_runs

    profile = config.get_profile(profile)
    if (DATASET, profile.name) not in pretrained.SHIPPED:
        raise ValueError(f"the kit ships runs at {', '.join(p for _, p in pretrained.SHIPPED)} only; "
                         f"got profile {profile.name!r}.")
    seconds, runs = {}, {}
    for name in text_runs.TEXT_MODELS:
        print(f"[{len(runs) + 1}/{len(text_runs.TEXT_MODELS) + 1}] {name} on {DATASET} at {profile.name} "
              "(a finished run is reused)", flush=True)
        with _timed(seconds, f"train {name}"):
            runs[name], _ = text_runs.train_or_load(name, DATASET, profile, verbose=verbose)
    print(f"[{len(runs) + 1}/{len(runs) + 1}] the judge, then the shipped runs in {pretrained.shipped_folder()}",
          flush=True)
    with _timed(seconds, "judge + export + check"):
        _, judge = load_judge(runs["lstm_cgan"], config.outputs_dir("pretrained_judge"))
        judge_path = save_shipped_judge(judge, judge.cache_key)
        folder = pretrained.shipped_folder(DATASET, profile)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        checks = {}
        for name, trained in runs.items():
            shipped_dir = pretrained.export_run(trained, os.path.join(folder, name))
            # Read back as a notebook reads it (float16 weights), then checked.
            checks[name] = pretrained.petal_colour_check(text_runs.load_text_model(shipped_dir), profile)
    train_seconds = {name: runner.training_seconds(trained.run_dir) for name, trained in runs.items()}
    published = {
        "made_by": "make pretrained (python -m lstmgan_tf pretrained)",
        "host": describe_host(),
        "train_seconds": train_seconds,
        "job_seconds": {step: round(value, 1) for step, value in seconds.items()},
        "petal_colour_pixel_check": checks,
        "pixel_check_test_captions": pretrained.PIXEL_CHECK_CAPTIONS,
        "judge": os.path.relpath(judge_path, config.pretrained_dir()),
    }
    files.write_json(os.path.join(folder, pretrained.PUBLISHED_FILE), published)
    size = sum(os.path.getsize(os.path.join(root, f)) for root, _, names in os.walk(config.pretrained_dir())
               for f in names)
    print(f"shipped {', '.join(runs)} and the judge in {config.pretrained_dir()} ({size / 2**20:.1f} MB); "
          "pixel check (petal colour asked -> drawn): "
          + ", ".join(f"{name} {c['right']}/{c['asked']} = {c['rate']:.1%}" for name, c in checks.items()))
    return published


def add_parser(subparsers) -> None:
    import argparse

    from lstmgan_tf.cli import add_profile_argument

    parser = subparsers.add_parser(
        "main-job", help="train the LSTM-CGAN on the built-in flowers, draw captions word by word, evaluate",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", default=os.path.join("outputs", "run"), help="output folder (default outputs/run)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default: the profile's)")
    parser.add_argument("--publish", default=None, metavar="DIR",
                        help="also copy the word strip and the colour swap here (e.g. assets)")
    add_profile_argument(parser)
    parser.set_defaults(func=_run)

    shipped = subparsers.add_parser(
        "pretrained", help="train the three text models at classroom and ship their inference weights (pretrained/)",
        description=run_pretrained_job.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    shipped.add_argument("--profile", default="classroom", help="the profile of the shipped runs (classroom)")
    shipped.set_defaults(func=_run_pretrained)


def _run(args) -> int:
    run_main_job(args.out, args.profile, args.epochs, args.publish, verbose=1)
    return 0


def _run_pretrained(args) -> int:
    run_pretrained_job(args.profile, verbose=2)
    return 0
