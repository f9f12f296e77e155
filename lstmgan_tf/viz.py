"""Figures: image grids with captions, per-word strips, training curves, GIFs.

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
):
    """Draws images in a grid, each with an optional caption under it.

    Args:
        images: array of shape ``(N, H, W, 3)`` in [-1, 1] or uint8.
        captions: optional list of ``N`` strings, wrapped under each image.
        columns: images per row (default: about the square root of ``N``).
        title: optional figure title.
        cell_size: inches per image.
        caption_width: characters per caption line before wrapping.

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
    caption_lines = 0
    if captions:
        caption_lines = max(len(textwrap.wrap(c, caption_width)) for c in captions)
    height = cell_size + 0.16 * caption_lines
    figure, axes = plt.subplots(
        rows, columns, figsize=(cell_size * columns, height * rows + (0.4 if title else 0)),
        squeeze=False,
    )
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index >= count:
            continue
        axis.imshow(pixels[index], interpolation="nearest")
        if captions:
            axis.set_title(
                "\n".join(textwrap.wrap(captions[index], caption_width)),
                fontsize=6.5, y=-0.02, va="top",
            )
    if title:
        figure.suptitle(title)
    figure.tight_layout()
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


def save_figure(figure, path: str | os.PathLike, dpi: int = 110) -> str:
    """Writes a figure to ``path`` (creating its folder), closes it, returns the path."""
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=dpi, bbox_inches="tight")
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
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    iio.imwrite(path, np.stack(padded), duration=int(seconds_per_frame * 1000), loop=0)
    return path
