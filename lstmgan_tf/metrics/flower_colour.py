"""A petal-colour check for `synthetic_flowers` that learns nothing.

The evaluation's judge is a CNN trained on real flowers; a second opinion
that cannot be fooled the way a network can reads the petal colour straight
from the pixels. It knows how the flowers are drawn (`lstmgan_tf.data.flowers`):
petals fill a ring around the image centre, in one of seven colours that the
renderer shades between 0.7 and 1.05 of their value. Each pixel of that ring
is given the nearest colour of the palette (petal colours, and the background
and centre colours as distractors), after the best shading; the petal colour
with the most pixels wins. The evaluation prints its accuracy on real test
images next to the judge's, so one can see how far to trust it.

Example:

>>> from lstmgan_tf import data
>>> flowers = data.load_arrays("synthetic_flowers", split="test", count=64, profile="smoke")
>>> predicted = petal_colour_from_pixels(flowers.images)
>>> float(np.mean(predicted == flowers.attributes["petal_colour"])) > 0.8
True
"""

from __future__ import annotations

import numpy as np

#: Ring of petals, as fractions of the image size from its centre.
RING = (0.13, 0.30)
#: Shading the renderer applies to a petal colour (darker towards the centre).
SHADE_RANGE = (0.7, 1.05)
#: A pixel farther than this (0-255 RGB) from every palette colour votes for none.
MAX_DISTANCE = 70.0


def _palette():
    from lstmgan_tf.data import flowers

    petal = [np.array(flowers.COLOURS[name], np.float32) for name in flowers.PETAL_COLOURS]
    others = [np.array(flowers.COLOURS[name], np.float32) for name in flowers.CENTER_COLOURS
              if name not in flowers.PETAL_COLOURS]
    others += [np.array(shade, np.float32) for pair in flowers._BACKGROUND_COLOURS.values() for shade in pair]
    return np.stack(petal), np.stack(others)


def petal_colour_from_pixels(images) -> np.ndarray:
    """The petal colour of each flower, read from its pixels: int ``(N,)``.

    Args:
        images: uint8 ``(N, H, W, 3)``, or float in [-1, 1].

    Returns:
        Index into `lstmgan_tf.data.flowers.PETAL_COLOURS`, or -1 where no
        pixel of the ring is near a petal colour.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must have shape (N, height, width, 3), got {images.shape}.")
    pixels = images.astype(np.float32) if images.dtype == np.uint8 else (images.astype(np.float32) + 1.0) * 127.5
    size = images.shape[1]
    grid = (np.arange(size) + 0.5) / size - 0.5
    radius = np.hypot(grid[:, None], grid[None, :])
    ring = pixels[:, (radius >= RING[0]) & (radius <= RING[1])]  # (N, P, 3)
    petal, others = _palette()
    palette = np.concatenate([petal, others])  # (C, 3)
    # Best shading of each palette colour for each pixel, then the distance.
    scale = np.einsum("npk,ck->npc", ring, palette) / np.sum(palette**2, axis=1)
    scale = np.clip(scale, *SHADE_RANGE)
    distance = np.linalg.norm(ring[:, :, None, :] - scale[..., None] * palette[None, None], axis=-1)
    nearest = np.argmin(distance, axis=-1)
    close = np.min(distance, axis=-1) <= MAX_DISTANCE
    votes = np.stack([np.sum((nearest == c) & close, axis=1) for c in range(len(petal))], axis=1)
    return np.where(votes.max(axis=1) > 0, votes.argmax(axis=1), -1)
