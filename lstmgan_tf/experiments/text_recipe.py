"""The text-to-image recipe ablation: what makes the models draw the caption, at one budget.

Each row changes the recipe of the row before it (or, for the rows marked
"variant", of the ``classroom`` default), and every row trains the LSTM-CGAN
and GAN-CLS for the same wall-clock time on ``synthetic_flowers`` at
``classroom``; a recipe with cheaper steps gets more of them. All runs are
then judged together (`lstmgan_tf.generate.evaluate_runs`): the petal colour
the caption asks for, by the kit's judge and by the non-learned pixel check,
centre colour, petal count and FID.

    python -m lstmgan_tf experiment text-recipe --minutes 4 --out outputs/experiments/text_recipe

A finished run in ``--out`` is reused, so an interrupted ablation picks up
where it stopped; the table is ``--out/ablation.md``.
"""

from __future__ import annotations

import csv
import json
import os
import time

#: The paper's recipe, written out, so that each row states what it changes.
PAPER_SETTINGS = {
    "sentence_encoder": "sif",
    "discriminator_condition": "concat",
    "spectral_norm": "false",
    "gan_loss": "cross_entropy",
    "matching_loss_weight": "0",
    "trainable_word_vectors": "false",
    "word_positions": "0",
    "generator_ema": "0",
    "augment_translation": "0",
    "augment_dihedral": "0",
    "discriminator_depth": "1",
    "mismatch_temperature": "0",
    "contrastive_loss_weight": "0",
    "generator_conditioning": "input",
    # Not a --set setting: the run's global batch size (`TrainOptions`).
    "batch_size": "64",
}

# Each row's settings, built up from the one before.
_GROUNDED = {"sentence_encoder": "grounded", "encoder.augment_dihedral": "0"}
_PROJECTION = {**_GROUNDED, "discriminator_condition": "projection"}
_FINE_TUNED = {**_PROJECTION, "trainable_word_vectors": "true"}
_ONE_WORD = {**_FINE_TUNED, "word_positions": "1"}
_BATCH_32 = {**_ONE_WORD, "batch_size": "32"}
_TURNED = {**_BATCH_32, "discriminator_depth": "2", "augment_dihedral": "1.0"}
_ENCODER_TURNED = {**_TURNED, "encoder.augment_dihedral": "1.0"}
_MATCHING = {**_ENCODER_TURNED, "matching_loss_weight": "1.0"}
_CONDITIONAL_BN = {**_MATCHING, "generator_conditioning": "batch_norm"}

#: ``(row name, what it changes, settings)``; cumulative down to the default row.
ROWS = (
    ("paper recipe, SIF vectors", "Algorithm 1 with SIF sentence vectors (the kit before issue 11)", {}),
    ("+ grounded encoder", "sentence vectors from the grounded encoder (its image side shown the pictures as "
     "they are)", _GROUNDED),
    ("+ projection D", "projection discriminator (Miyato & Koyama 2018)", _PROJECTION),
    ("+ fine-tuned word vectors", "the LSTM's word2vec vectors learn with G", _FINE_TUNED),
    ("+ 1 sampled word", "loss at 1 random word per caption and step (LSTM models)", _ONE_WORD),
    ("+ batch 32", "batch 32 instead of 64: twice the updates per epoch", _BATCH_32),
    ("+ deeper D, turned and mirrored images", "a 3x3 convolution after each of D's stride-2 ones, and D shown "
     "every image turned by a multiple of 90 degrees and maybe mirrored", _TURNED),
    ("+ encoder shown turned images", "the grounded encoder's image side trained on turned and mirrored images",
     _ENCODER_TURNED),
    ("+ matching term 1.0", "G rewarded when the frozen encoder finds its image's caption "
     "(AttnGAN's DAMSM idea)", _MATCHING),
    ("+ conditional batch norm in G (classroom default)", "h_t also sets the scale and shift of every batch norm "
     "in G (de Vries et al. 2017)", _CONDITIONAL_BN),
)
#: Changes tried on top of the default row that did not earn their place.
VARIANTS = (
    ("variant: 2 sampled words", {"word_positions": "2"}),
    ("variant: grounded word vectors", {"word_vectors": "grounded"}),
    ("variant: random word vectors", {"word_vectors": "random"}),
    ("variant: + hinge loss", {"gan_loss": "hinge"}),
    ("variant: + generator EMA 0.995", {"generator_ema": "0.995"}),
    ("variant: + translation augmentation", {"augment_translation": "0.125"}),
    ("variant: + hard mismatched images", {"mismatch_temperature": "0.1"}),
    ("variant: D twice as wide", {"discriminator_width": "64"}),
    ("variant: + contrastive term 1.0", {"contrastive_loss_weight": "1.0"}),
    ("variant: + swapped-word captions 1.0", {"swapped_caption_weight": "1.0"}),
    ("variant: resize-convolution G", {"generator_upsampling": "resize"}),
    ("variant: deeper encoder image side", {"encoder.image_depth": "2"}),
    ("variant: matching term 3.0", {"matching_loss_weight": "3.0"}),
    ("variant: D of DCGAN's depth", {"discriminator_depth": "1"}),
)
MODELS = ("lstm_cgan", "gan_cls")
# Row settings that are run options rather than model settings.
_RUN_OPTIONS = ("batch_size",)
# Settings a model does not have are left out of its runs.
_LSTM_ONLY = ("trainable_word_vectors", "word_positions", "word_vectors")


def ablation_rows(with_variants: bool = True):
    """``[(name, description, full --set settings)]`` for every row."""
    rows = [(name, description, {**PAPER_SETTINGS, **changes}) for name, description, changes in ROWS]
    if with_variants:
        default = rows[-1][2]
        rows += [(name, "on top of the default: " + ", ".join(f"{k}={v}" for k, v in changes.items()),
                  {**default, **changes}) for name, changes in VARIANTS]
    return rows


def settings_for(model: str, settings: dict) -> dict:
    """The row's settings that ``model`` takes (GAN-CLS has no word positions)."""
    if model == "gan_cls":
        return {k: v for k, v in settings.items() if k not in _LSTM_ONLY}
    return dict(settings)


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def run_ablation(out_dir: str, minutes: float = 4.0, models=MODELS, profile=None, with_variants=True,
                 seed: int = 0, verbose=0) -> dict:
    """Trains every (row, model) for ``minutes`` and evaluates them all; returns the report paths.

    Rows whose settings are the same for a model as an earlier row's (GAN-CLS
    has no word positions) reuse that run.
    """
    from lstmgan_tf import training
    from lstmgan_tf.generate import evaluate_runs
    from lstmgan_tf.training.callbacks import TimeBudget, read_history_csv
    from lstmgan_tf.training.checkpoints import has_final_weights
    from lstmgan_tf.training.registry import TrainOptions

    if not minutes > 0:
        raise ValueError(f"minutes must be positive, got {minutes!r}.")
    unknown = sorted(set(models) - set(MODELS))
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; the ablation trains: {', '.join(MODELS)}.")
    rows = ablation_rows(with_variants)
    runs = {}  # (row name, model) -> run folder
    for model in models:
        seen = {}
        for name, _, settings in rows:
            settings = settings_for(model, settings)
            key = json.dumps(settings, sort_keys=True)
            if key in seen:
                runs[(name, model)] = seen[key]
                continue
            run_dir = os.path.join(out_dir, model, _slug(name))
            seen[key] = runs[(name, model)] = run_dir
            if has_final_weights(run_dir):
                continue
            if os.path.isdir(run_dir):  # An interrupted run: trained again from scratch.
                import shutil

                shutil.rmtree(run_dir)
            print(f"[{model}] {name}: training for {minutes:g} min ...", flush=True)
            budget = TimeBudget(minutes * 60)
            started = time.perf_counter()
            extra = {k: v for k, v in settings.items() if k not in _RUN_OPTIONS}
            options = TrainOptions(seed=seed, batch_size=int(settings["batch_size"]), extra=extra)
            training.train(model, "synthetic_flowers", out_dir=run_dir, profile=profile, epochs=10_000,
                           options=options, verbose=verbose, callbacks=[budget])
            with open(os.path.join(run_dir, "budget.json"), "w", encoding="utf-8") as handle:
                json.dump({"training_seconds": budget.elapsed, "wall_seconds": time.perf_counter() - started},
                          handle)

    evaluation_dir = os.path.join(out_dir, "evaluation")
    folders = list(dict.fromkeys(runs.values()))
    results, _ = evaluate_runs(folders, evaluation_dir, verbose=bool(verbose))
    by_folder = {folder: result for folder, result in zip(folders, results)}
    table = []
    for name, description, _ in rows:
        for model in models:
            folder = runs[(name, model)]
            history = read_history_csv(os.path.join(folder, "history.csv"))
            with open(os.path.join(folder, "config.json"), encoding="utf-8") as handle:
                steps_per_epoch = json.load(handle)["steps_per_epoch"]
            with open(os.path.join(folder, "budget.json"), encoding="utf-8") as handle:
                seconds = json.load(handle)["training_seconds"]
            final = by_folder[folder].final
            table.append({"row": name, "model": model, "steps": len(history["d_loss"]) * steps_per_epoch,
                          "seconds": round(seconds), **{k: final.get(k) for k in _COLUMNS}})
    reference = results[len(folders)].final  # The real-images row.
    return write_ablation(table, reference, out_dir, minutes)


_COLUMNS = ("acc_petal_colour", "acc_petal_colour_pixels", "acc_center_colour", "acc_petal_count", "fid")
_TITLES = ("petal colour (judge)", "petal colour (pixels)", "centre colour", "petal count", "FID ↓")


def _cell(value) -> str:
    if value is None or value != value:
        return "—"
    return f"{value:.0%}" if abs(value) <= 1 else f"{value:.0f}"


def write_ablation(table, reference, out_dir, minutes) -> dict:
    """Writes ``ablation.csv`` and ``ablation.md``; returns their paths and the Markdown."""
    paths = {"csv": os.path.join(out_dir, "ablation.csv"), "markdown": os.path.join(out_dir, "ablation.md")}
    with open(paths["csv"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    lines = [f"Each run: {minutes:g} min of training on 2 CPU cores, classroom sizes, synthetic_flowers; "
             "accuracies on the test captions that ask for the attribute.", "",
             "| recipe | model | steps | " + " | ".join(_TITLES) + " |",
             "|---|---|---:|" + "---:|" * len(_TITLES)]
    for row in table:
        lines.append(f"| {row['row']} | {row['model']} | {row['steps']} | "
                     + " | ".join(_cell(row[k]) for k in _COLUMNS) + " |")
    lines.append("| real test images | — | — | " + " | ".join(_cell(reference.get(k)) for k in _COLUMNS) + " |")
    markdown = "\n".join(lines) + "\n"
    with open(paths["markdown"], "w", encoding="utf-8") as handle:
        handle.write(markdown)
    paths["text"] = markdown
    return paths
