"""Drawing helpers shared by the synthetic datasets.

Every synthetic image is drawn with `skimage.draw` on a canvas a few times
larger than the requested size and then reduced by averaging blocks of pixels.
That is anti-aliasing by supersampling: at 32 px a petal drawn directly would be
a staircase of whole pixels, while the averaged one has soft, honest edges.

Coordinates passed to a `Canvas` are in *unit* image coordinates: ``(0, 0)`` is
the top-left corner and ``(1, 1)`` the bottom-right one, whatever the size, so a
generator describes a picture once and draws it at 32, 64 or 128 px alike.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from skimage import draw

# The canvas is at least this many pixels wide before it is reduced; 32 px
# images are drawn at 4x and 64 px ones at 2x.
MIN_CANVAS_SIZE = 128


def supersampling_factor(image_size: int) -> int:
    """Returns how many canvas pixels make one image pixel along each axis."""
    return max(2, math.ceil(MIN_CANVAS_SIZE / image_size))


class Canvas:
    """An RGB float canvas in [0, 1] that shapes are painted on, then reduced.

    Args:
        image_size: the side of the final image, in pixels.
        background: an RGB triple in [0, 1] that fills the canvas.
    """

    def __init__(self, image_size: int, background):
        self.image_size = image_size
        self.factor = supersampling_factor(image_size)
        self.side = image_size * self.factor
        self.pixels = np.empty((self.side, self.side, 3), dtype=np.float32)
        self.pixels[:] = np.asarray(background, dtype=np.float32)

    def _scale(self, values):
        return np.asarray(values, dtype=np.float64) * self.side

    def polygon(self, xs, ys, colour) -> None:
        """Fills the polygon with vertices ``(xs[i], ys[i])`` with one colour."""
        rows, cols = draw.polygon(self._scale(ys), self._scale(xs), shape=self.pixels.shape[:2])
        self.pixels[rows, cols] = colour

    def polygon_shaded(self, xs, ys, colour, shade) -> None:
        """Fills a polygon with ``colour`` times a per-pixel ``shade`` map (side x side)."""
        rows, cols = draw.polygon(self._scale(ys), self._scale(xs), shape=self.pixels.shape[:2])
        self.pixels[rows, cols] = np.asarray(colour, np.float32) * shade[rows, cols, None]

    def ellipse(self, x, y, radius_x, radius_y, colour, rotation: float = 0.0) -> None:
        """Fills an ellipse centred at ``(x, y)``; ``rotation`` in radians."""
        rows, cols = draw.ellipse(
            y * self.side, x * self.side,
            max(radius_y * self.side, 0.5), max(radius_x * self.side, 0.5),
            shape=self.pixels.shape[:2], rotation=rotation,
        )
        self.pixels[rows, cols] = colour

    def disk(self, x, y, radius, colour) -> None:
        """Fills a disk centred at ``(x, y)``."""
        self.ellipse(x, y, radius, radius, colour)

    def stroke(self, xs, ys, width, colour, caps: bool = True) -> None:
        """Draws a polyline through ``(xs, ys)`` as a band ``width`` wide.

        ``caps`` rounds the two ends; closed curves and short marks need none.
        """
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        # The band's two sides are the polyline pushed out along its normals.
        dx = np.gradient(xs)
        dy = np.gradient(ys)
        norm = np.hypot(dx, dy) + 1e-9
        nx, ny = -dy / norm * width / 2, dx / norm * width / 2
        self.polygon(
            np.concatenate([xs + nx, (xs - nx)[::-1]]),
            np.concatenate([ys + ny, (ys - ny)[::-1]]),
            colour,
        )
        if caps:
            # Round caps keep thick strokes from ending in a sharp bevel.
            self.disk(xs[0], ys[0], width / 2, colour)
            self.disk(xs[-1], ys[-1], width / 2, colour)

    def vertical_gradient(self, top, bottom) -> None:
        """Fills the canvas with a top-to-bottom blend of two colours."""
        weights = np.linspace(0.0, 1.0, self.side, dtype=np.float32)[:, None, None]
        top = np.asarray(top, np.float32)
        bottom = np.asarray(bottom, np.float32)
        self.pixels[:] = top * (1 - weights) + bottom * weights

    def blotches(self, rng: np.random.Generator, dark, light, cells: int = 6) -> None:
        """Fills the canvas with soft blotches between two colours, like an out-of-focus scene.

        A ``cells`` x ``cells`` grid of random weights is interpolated smoothly
        over the canvas; this costs two small matrix products, far less than
        drawing many shapes.
        """
        interpolation = _interpolation_matrix(self.side, cells)
        weights = interpolation @ rng.uniform(0.0, 1.0, size=(cells, cells)).astype(np.float32) @ interpolation.T
        dark = np.asarray(dark, np.float32)
        light = np.asarray(light, np.float32)
        self.pixels[:] = dark + (light - dark) * weights[:, :, None]

    def radial_map(self, x, y, radius) -> np.ndarray:
        """Returns each canvas pixel's distance from ``(x, y)`` divided by ``radius``."""
        grid = (np.arange(self.side, dtype=np.float32) + 0.5) / self.side
        return np.hypot(grid[None, :] - x, grid[:, None] - y) / radius

    def to_uint8(self) -> np.ndarray:
        """Averages ``factor`` x ``factor`` blocks and returns a uint8 image."""
        size, factor = self.image_size, self.factor
        blocks = self.pixels.reshape(size, factor, size, factor, 3).mean(axis=(1, 3))
        return np.round(np.clip(blocks, 0.0, 1.0) * 255.0).astype(np.uint8)


@functools.lru_cache(maxsize=16)
def _interpolation_matrix(side: int, cells: int) -> np.ndarray:
    """The ``side x cells`` matrix of linear interpolation from ``cells`` points to ``side``."""
    positions = (np.arange(side) + 0.5) / side * (cells - 1)
    lower = np.minimum(np.floor(positions).astype(int), cells - 2)
    fraction = positions - lower
    matrix = np.zeros((side, cells), dtype=np.float32)
    matrix[np.arange(side), lower] = 1.0 - fraction
    matrix[np.arange(side), lower + 1] = fraction
    return matrix


def rgb(values) -> np.ndarray:
    """Converts a 0-255 RGB triple to floats in [0, 1]."""
    return np.asarray(values, dtype=np.float32) / 255.0


def jitter_colour(rng: np.random.Generator, colour, amount: float) -> np.ndarray:
    """Returns ``colour`` with each channel moved by up to ``amount`` (in [0, 1] units)."""
    return np.clip(colour + rng.uniform(-amount, amount, size=3), 0.0, 1.0).astype(np.float32)


def indefinite_article(word: str) -> str:
    """Returns ``"an"`` before a vowel sound and ``"a"`` otherwise."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """Prefixes ``phrase`` with ``a`` or ``an``."""
    return f"{indefinite_article(phrase)} {phrase}"
