"""The LSTM-as-discriminator study's results as tables and figures.

`lstmgan_tf.experiments.detector_study.run_study` stores one result per
dataset and seed; `summarise` turns them into mean ± std per dataset,
generator epoch and discriminator, `paired_differences` into LSTM − CNN
differences paired by seed, `markdown_table` / `write_table` into the
published table and `plot_curves` into the figure of accuracy and ROC AUC
against the generator's epoch, next to the paper's two numbers.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
from typing import Sequence

import numpy as np

from lstmgan_tf import files
from lstmgan_tf.data import dataset_label

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

TABLE_COLUMNS = (
    "dataset", "generator_epoch", "discriminator", "parameters", "seeds",
    "accuracy_mean", "accuracy_std", "roc_auc_mean", "roc_auc_std",
    "real_accuracy_mean", "fake_accuracy_mean", "training_accuracy_mean", "paper_accuracy",
)

TABLE_STEM = "lstm_discriminator_table"

CHART_FILE = "lstm_discriminator_curve.png"


def _entries(results: Sequence[dict]):
    """Yields ``(dataset, generator_epoch, seed, entry)`` for every stored generator epoch."""
    if not results:
        raise ValueError("no results to summarise.")
    for result in results:
        for entry in result["generator_epochs"]:
            yield dataset_label(result["config"]["dataset"], result["config"].get("data_path")), \
                entry["generator_epoch"], result["seed"], entry


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
