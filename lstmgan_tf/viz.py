"""Figures: image grids with captions, per-word strips, training and accuracy curves, GIFs.

Every function takes images as arrays in [-1, 1] (what the models produce and the
datasets yield) or in [0, 1]/uint8, and returns a matplotlib `Figure`, so the same
call shows a plot in a notebook and writes a PNG from the CLI.
"""

from __future__ import annotations

import math
import os
import textwrap
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np


def to_uint8(images) -> np.ndarray:
    """Converts images in [-1, 1] (float) or uint8 to uint8 in [0, 255].

    Args:
        images: array-like of shape ``(..., H, W, 3)``; floats are taken to be in
            [-1, 1], as the models produce them.

    Returns:
        A uint8 NumPy array of the same shape.
    """
    array = np.asarray(images)
    if array.dtype == np.uint8:
        return array
    array = (np.clip(array.astype(np.float32), -1.0, 1.0) + 1.0) * 127.5
    return np.round(array).astype(np.uint8)


def image_grid(
    images,
    captions: Sequence[str] | None = None,
    columns: int | None = None,
    title: str | None = None,
    cell_size: float = 1.6,
    caption_width: int = 28,
    row_labels: Sequence[str] | None = None,
):
    """Draws images in a grid, each with an optional caption under it.

    Args:
        images: array of shape ``(N, H, W, 3)`` in [-1, 1] or uint8.
        captions: optional list of ``N`` strings, wrapped under each image.
        columns: images per row (default: about the square root of ``N``).
        title: optional figure title.
        cell_size: inches per image.
        caption_width: characters per caption line before wrapping.
        row_labels: optional list of one string per row, written to the left
            of the row (e.g. which model drew it).

    Returns:
        The matplotlib `Figure`.
    """
    pixels = to_uint8(images)
    if pixels.ndim != 4 or pixels.shape[-1] != 3:
        raise ValueError(f"images must have shape (N, H, W, 3), got {pixels.shape}.")
    count = len(pixels)
    if captions is not None and len(captions) != count:
        raise ValueError(f"got {count} images but {len(captions)} captions.")
    columns = columns or max(1, math.ceil(math.sqrt(count)))
    rows = max(1, math.ceil(count / columns))
    if row_labels is not None and len(row_labels) != rows:
        raise ValueError(f"got {rows} rows of images but {len(row_labels)} row labels.")
    caption_lines = 0
    if captions:
        caption_lines = max(len(textwrap.wrap(c, caption_width)) for c in captions)
    # One axes showing one mosaic: a subplot per image costs about 10 ms to
    # lay out and draw (0.6 s for a 4 x 13 word-by-word grid, every epoch).
    image_height, image_width = pixels.shape[1:3]
    gap = max(1, image_width // 16)
    pixels_per_inch = (image_width + gap) / cell_size
    cell_width = image_width + gap
    cell_height = image_height + gap + int(math.ceil(0.16 * caption_lines * pixels_per_inch))
    # Room on the left for the row labels, about 0.055 inch per character at their font size.
    label_width = int(math.ceil(0.055 * max(map(len, row_labels)) * pixels_per_inch)) if row_labels else 0
    corners = [
        ((index // columns) * cell_height, label_width + (index % columns) * cell_width + gap // 2)
        for index in range(count)
    ]
    mosaic = np.full((rows * cell_height, label_width + columns * cell_width, 3), 255, dtype=np.uint8)
    for (top, left), image in zip(corners, pixels):
        mosaic[top:top + image_height, left:left + image_width] = image
    mosaic_inches = (mosaic.shape[1] / pixels_per_inch, mosaic.shape[0] / pixels_per_inch)
    title_inches = 0.4 if title else 0.0
    figure = plt.figure(figsize=(mosaic_inches[0], mosaic_inches[1] + title_inches))
    axis = figure.add_axes((0.0, 0.0, 1.0, mosaic_inches[1] / (mosaic_inches[1] + title_inches)))
    axis.imshow(mosaic, interpolation="nearest")
    axis.axis("off")
    for (top, left), caption in zip(corners, captions or []):
        axis.text(left + image_width / 2, top + image_height + gap / 2, "\n".join(textwrap.wrap(caption, caption_width)),
                  fontsize=6.5, ha="center", va="top")
    for row, label in enumerate(row_labels or []):
        axis.text(label_width - gap, row * cell_height + image_height / 2, label, fontsize=6.5, ha="right", va="center")
    if title:
        figure.suptitle(title, y=1.0 - 0.1 / (mosaic_inches[1] + title_inches), va="top")
    return figure


def word_strip(images, words: Sequence[str], title: str | None = None, cell_size: float = 1.3):
    """Draws the image generated at each word of a caption, the word under it.

    Args:
        images: array of shape ``(n_words, H, W, 3)``.
        words: the ``n_words`` words; image ``t`` was generated after reading
            words ``1..t``.
        title: optional title, usually the whole caption.
        cell_size: inches per image.

    Returns:
        The matplotlib `Figure`.
    """
    pixels = to_uint8(images)
    if len(pixels) != len(words):
        raise ValueError(f"got {len(pixels)} images but {len(words)} words.")
    figure, axes = plt.subplots(
        1, len(words), figsize=(cell_size * len(words), cell_size + 0.5), squeeze=False
    )
    for axis, image, word in zip(axes[0], pixels, words):
        axis.imshow(image, interpolation="nearest")
        axis.set_xticks([])
        axis.set_yticks([])
        axis.set_xlabel(word, fontsize=9)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def history_plot(history: dict, keys: Sequence[str] | None = None, title: str | None = None):
    """Plots training curves from a Keras ``History.history``-style dict.

    Args:
        history: mapping from metric name to a list of values per epoch.
        keys: which metrics to draw (default: all). Names containing ``acc``
            go on a second panel with a [0, 1] axis.
        title: optional title.

    Returns:
        The matplotlib `Figure`.
    """
    keys = list(keys or history.keys())
    loss_keys = [k for k in keys if "acc" not in k]
    accuracy_keys = [k for k in keys if "acc" in k]
    panels = [group for group in (loss_keys, accuracy_keys) if group]
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.2), squeeze=False)
    for axis, group in zip(axes[0], panels):
        for key in group:
            values = history[key]
            axis.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=key)
        axis.set_xlabel("epoch")
        axis.legend(fontsize=8)
        axis.grid(alpha=0.3)
        if group is accuracy_keys:
            axis.set_ylim(0, 1.02)
            axis.set_ylabel("accuracy")
        else:
            axis.set_ylabel("loss")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def attribute_histograms(attributes: dict, attribute_values: dict, columns: int = 4, title: str | None = None):
    """Draws one bar chart per attribute: how many images have each value.

    Args:
        attributes: attribute name -> integer labels (one per image).
        attribute_values: attribute name -> the names of its values.
        columns: charts per row.
        title: optional figure title.

    Returns:
        The matplotlib `Figure`.
    """
    names = list(attributes)
    rows = max(1, math.ceil(len(names) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.4 * rows), squeeze=False)
    for axis in axes.flat[len(names):]:
        axis.axis("off")
    for axis, name in zip(axes.flat, names):
        values = attribute_values[name]
        counts = np.bincount(np.asarray(attributes[name]), minlength=len(values))
        axis.bar(range(len(values)), counts, color="#4c72b0")
        axis.set_xticks(range(len(values)))
        axis.set_xticklabels(values, rotation=45, ha="right", fontsize=7)
        axis.set_title(name.replace("_", " "), fontsize=9)
        axis.tick_params(axis="y", labelsize=7)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def published_figure(name: str, made_by: str, width: float = 11.0):
    """Shows a figure the kit published in ``assets/`` (made by ``made_by``), or says it is missing.

    What a notebook shows in class instead of a result that takes long to
    compute; the command that made it is printed under it.

    Args:
        name: the file under ``assets/``, e.g. ``"real/faces_strip.png"``.
        made_by: the command that produced it.

    Returns:
        The figure, or `None` when the file is not there.
    """
    from lstmgan_tf import config

    path = os.path.join(config.project_root(os.path.dirname(os.path.abspath(__file__))) or ".", "assets", name)
    if not os.path.isfile(path):
        print(f"no published {name} here; {made_by} makes it")
        return None
    image = plt.imread(path)
    figure, axis = plt.subplots(figsize=(width, width * image.shape[0] / image.shape[1]))
    axis.imshow(image)
    axis.axis("off")
    axis.set_title(f"published by: {made_by}", fontsize=8, loc="left")
    return figure


def save_figure(figure, path: str | os.PathLike, dpi: int = 110) -> str:
    """Writes a figure to ``path`` (creating its folder), closes it, returns the path."""
    from lstmgan_tf import files

    path = os.fspath(path)
    try:
        with files.atomic_path(path) as temporary:
            figure.savefig(temporary, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(figure)
    return path


def save_gif(frame_paths: Sequence[str], path: str | os.PathLike, seconds_per_frame: float = 0.5) -> str:
    """Joins PNG files into an animated GIF (frames padded to the largest size)."""
    import imageio.v3 as iio

    if not frame_paths:
        raise ValueError("save_gif needs at least one frame.")
    frames = [iio.imread(p)[..., :3] for p in frame_paths]
    height = max(f.shape[0] for f in frames)
    width = max(f.shape[1] for f in frames)
    padded = []
    for frame in frames:
        canvas = np.full((height, width, 3), 255, dtype=np.uint8)
        canvas[: frame.shape[0], : frame.shape[1]] = frame
        padded.append(canvas)
    from lstmgan_tf import files

    path = os.fspath(path)
    with files.atomic_path(path) as temporary:
        iio.imwrite(temporary, np.stack(padded), duration=int(seconds_per_frame * 1000), loop=0)
    return path


def word_map(points, words: Sequence[str], kinds: Sequence[str], title: str | None = None):
    """Scatters words in 2-D (e.g. a PCA of word vectors), coloured by kind.

    Args:
        points: array ``(N, 2)``.
        words: the ``N`` words, written next to their points.
        kinds: a kind per word (``"colour"``, ``"shape"``, ...); one colour
            and one legend entry per kind.
        title: optional title.

    Returns:
        The matplotlib `Figure`.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or not len(points) == len(words) == len(kinds):
        raise ValueError(
            f"word_map needs points of shape (N, 2) and N words and kinds, got {points.shape}, "
            f"{len(words)} words and {len(kinds)} kinds."
        )
    figure, axis = plt.subplots(figsize=(7, 5.5))
    palette = plt.get_cmap("tab10")
    for index, kind in enumerate(dict.fromkeys(kinds)):
        chosen = [i for i, k in enumerate(kinds) if k == kind]
        axis.scatter(points[chosen, 0], points[chosen, 1], s=28, color=palette(index % 10), label=kind)
        for i in chosen:
            axis.annotate(words[i], points[i], fontsize=8, xytext=(3, 2), textcoords="offset points",
                          color=palette(index % 10))
    axis.legend(fontsize=8)
    axis.set_xticks([])
    axis.set_yticks([])
    if title:
        axis.set_title(title)
    figure.tight_layout()
    return figure


def similarity_histograms(groups: dict, title: str | None = None, bins: int = 40):
    """Histograms of similarities, one panel per method, several groups per panel.

    Args:
        groups: ``{panel title: {label: 1-D array of similarities}}``, e.g.
            ``{"SIF": {"same image": same, "different images": different}}``.
        title: optional figure title.
        bins: histogram bins.

    Returns:
        The matplotlib `Figure`.
    """
    figure, axes = plt.subplots(1, len(groups), figsize=(4.6 * len(groups), 3.2), squeeze=False)
    for axis, (panel, series) in zip(axes[0], groups.items()):
        for label, values in series.items():
            values = np.asarray(values, dtype=float)
            axis.hist(values, bins=bins, alpha=0.55, density=True,
                      label=f"{label} (mean {values.mean():.2f})")
        axis.set_title(panel)
        axis.set_xlabel("cosine similarity")
        axis.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


class TextTable:
    """A small table of text that Jupyter shows as HTML: it can be read, copied and searched.

    ``print(table)`` and ``str(table)`` give the same table as Markdown.

    Args:
        rows: the cells, one sequence of strings per row.
        columns: the column headers.
        title: optional caption.
        highlight: optional function ``cell text -> bool``; those cells get a
            light green background in HTML and are set in bold in Markdown.

    Example:

    >>> print(TextTable([["red", "pink 0.91"]], ["word", "#1"], highlight=lambda cell: cell == "red"))
    | word | #1 |
    |---|---|
    | **red** | pink 0.91 |
    """

    def __init__(self, rows: Sequence[Sequence[str]], columns: Sequence[str], title: str | None = None,
                 highlight=None):
        self.columns = [str(column) for column in columns]
        self.rows = [[str(cell) for cell in row] for row in rows]
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {index} has {len(row)} cells, but the table has {len(self.columns)} columns.")
        self.title = title
        self.highlight = highlight or (lambda cell: False)

    def to_markdown(self) -> str:
        def line(cells):
            return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

        lines = [f"**{self.title}**", ""] if self.title else []
        lines += [line(self.columns), "|" + "---|" * len(self.columns)]
        lines += [line(f"**{cell}**" if self.highlight(cell) else cell for cell in row) for row in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        def cell(text, tag="td"):
            style = ' style="background-color: #d8f0d8"' if tag == "td" and self.highlight(text) else ""
            return f"<{tag}{style}>{html.escape(text)}</{tag}>"

        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        head = "<tr>" + "".join(cell(column, "th") for column in self.columns) + "</tr>"
        body = "".join("<tr>" + "".join(cell(text) for text in row) + "</tr>" for row in self.rows)
        return f"<table>{caption}<thead>{head}</thead><tbody>{body}</tbody></table>"

    def __str__(self) -> str:
        return self.to_markdown()

    __repr__ = __str__


def gate_heatmaps(gates: dict, words: Sequence[str], units: int | None = 16, title: str | None = None):
    """Draws LSTM gate activations as heatmaps, one panel per gate, words along x.

    Args:
        gates: gate name -> array ``(steps, units)`` for one sequence (e.g. one
            row of `lstmgan_tf.layers.trace_gates`); gates in [0, 1] get a
            [0, 1] colour scale, others (candidate, cell, hidden) [-1, 1].
        words: the ``steps`` words (or tokens) read at each step.
        units: how many units (rows) to draw; `None` for all.
        title: optional figure title.

    Returns:
        The matplotlib `Figure`.
    """
    names = list(gates)
    figure, axes = plt.subplots(
        1, len(names), figsize=(0.34 * len(words) * len(names) + 1.5, 3.4), squeeze=False
    )
    for axis, name in zip(axes[0], names):
        values = np.asarray(gates[name])
        if values.ndim != 2 or values.shape[0] != len(words):
            raise ValueError(f"gate {name!r} must have shape (steps={len(words)}, units), got {values.shape}.")
        values = values[:, :units].T
        is_gate = values.min() >= 0.0
        image = axis.imshow(
            values, aspect="auto", cmap="viridis" if is_gate else "RdBu_r",
            vmin=0.0 if is_gate else -1.0, vmax=1.0, interpolation="nearest",
        )
        axis.set_title(name, fontsize=9)
        axis.set_xticks(range(len(words)))
        axis.set_xticklabels(words, rotation=90, fontsize=7)
        axis.set_yticks([])
        figure.colorbar(image, ax=axis, fraction=0.05, pad=0.02)
    axes[0][0].set_ylabel("unit")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def metric_curves(
    rows: Sequence[dict], labels: dict, metrics: Sequence[tuple[str, str]] = (("accuracy", "held-out accuracy (%)"),),
    x_key: str = "generator_epoch", panel_key: str = "dataset", references: dict | None = None,
    title: str | None = None, x_label: str = "generator epoch (log scale)",
):
    """Metrics against a step, one line per model with a band of ± one standard deviation.

    One row of panels per metric, one column per value of ``panel_key``. Made
    for the LSTM-as-discriminator study (each detector against the generator
    of several epochs) but reads any rows of that shape.

    Args:
        rows: dicts with ``x_key``, ``panel_key``, ``"discriminator"`` (a key
            of ``labels``), ``"seeds"`` and, per metric ``m``, ``m + "_mean"``
            and ``m + "_std"``.
        labels: line key -> legend label, in drawing order.
        metrics: ``(metric, axis label)`` pairs, one row of panels each.
        x_key: the row field on the x axis (log scale).
        panel_key: one panel per value of this field.
        references: optional line key -> a published value of the first
            metric, drawn as a dashed line in the line's colour.
        title: figure title.
        x_label: the x axis label.

    Returns:
        The matplotlib `Figure`.
    """
    if not rows:
        raise ValueError("no rows to plot.")
    panels = list(dict.fromkeys(row[panel_key] for row in rows))
    colours = dict(zip(labels, plt.rcParams["axes.prop_cycle"].by_key()["color"][:len(labels)]))
    figure, axes = plt.subplots(len(metrics), len(panels), figsize=(4.6 * len(panels) + 2.8, 3.3 * len(metrics)),
                                squeeze=False, sharey="row", sharex="col")
    for metric_row, (metric, axis_label) in enumerate(metrics):
        for axis, panel in zip(axes[metric_row], panels):
            panel_rows = [row for row in rows if row[panel_key] == panel]
            for key, label in labels.items():
                line = sorted((row for row in panel_rows if row["discriminator"] == key), key=lambda row: row[x_key])
                if not line:
                    continue
                steps = np.array([row[x_key] for row in line])
                mean = np.array([row[f"{metric}_mean"] for row in line], dtype=float)
                std = np.array([row[f"{metric}_std"] if row["seeds"] > 1 else 0.0 for row in line], dtype=float)
                axis.plot(steps, mean, marker="o", markersize=4, color=colours[key], label=label)
                axis.fill_between(steps, mean - std, mean + std, color=colours[key], alpha=0.2)
                if metric_row == 0 and references and key in references:
                    axis.axhline(references[key], color=colours[key], linestyle="--", linewidth=1,
                                 label=f"{label}: published {references[key]:.2f}")
            axis.set_xscale("log")
            # The steps themselves as ticks: "1 2 3 5 9 15" reads better than powers of ten.
            steps = sorted({row[x_key] for row in panel_rows})
            axis.set_xticks(steps, [str(step) for step in steps])
            axis.minorticks_off()
            axis.grid(alpha=0.3)
            if metric_row == 0:
                axis.set_title(str(panel))
            if metric_row == len(metrics) - 1:
                axis.set_xlabel(x_label)
        axes[metric_row][0].set_ylabel(axis_label)
    axes[0][-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def accuracy_by_step_plot(accuracies, title: str | None = None, step_name: str = "rows"):
    """Accuracy (%) of a sequence model after it has read ``1, 2, ..., T`` steps.

    Args:
        accuracies: ``T`` accuracies in [0, 1].
        title: figure title (default: says how many steps).
        step_name: what one step is (``rows``, ``columns``, ``patches``).

    Returns:
        The matplotlib `Figure`.
    """
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
