"""`abstract_art`: unconditional abstract compositions, without captions.

The stand-in for the abstract paintings of the LSTM discriminator paper: a
colour field (flat or a gradient) with 3 to 9 shapes (discs, rectangles,
triangles, rings and brush strokes) painted in a palette of related hues.
"""

from __future__ import annotations

import colorsys

import numpy as np

from lstmgan_tf.data.render import Canvas

VERSION = 1

SHAPES = ("disc", "rectangle", "triangle", "ring", "stroke")


def _palette(rng: np.random.Generator, size: int = 5) -> np.ndarray:
    """A palette of related hues: analogous, complementary or triadic around a base hue."""
    base = rng.uniform()
    scheme = rng.choice([(0.0, 0.06, -0.06), (0.0, 0.5, 0.45), (0.0, 1 / 3, 2 / 3)])
    colours = []
    for _ in range(size):
        hue = (base + rng.choice(scheme) + rng.uniform(-0.03, 0.03)) % 1.0
        colours.append(colorsys.hsv_to_rgb(hue, rng.uniform(0.35, 0.95), rng.uniform(0.3, 1.0)))
    return np.asarray(colours, dtype=np.float32)


def _draw_shape(canvas: Canvas, rng: np.random.Generator, kind: str, colour) -> None:
    x, y = rng.uniform(0.05, 0.95, size=2)
    size = rng.uniform(0.08, 0.35)
    if kind == "disc":
        canvas.ellipse(x, y, size, size * rng.uniform(0.6, 1.0), colour, rotation=rng.uniform(0, np.pi))
    elif kind == "rectangle":
        angle = rng.uniform(0, np.pi)
        width, height = size, size * rng.uniform(0.3, 1.0)
        corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64) * [width, height]
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        corners = corners @ rotation.T
        canvas.polygon(x + corners[:, 0], y + corners[:, 1], colour)
    elif kind == "triangle":
        angles = rng.uniform(0, 2 * np.pi) + np.array([0, 2.1, 4.2]) + rng.uniform(-0.3, 0.3, size=3)
        canvas.polygon(x + size * np.cos(angles), y + size * np.sin(angles), colour)
    elif kind == "ring":
        angles = np.linspace(0, 2 * np.pi, 33)
        canvas.stroke(x + size * np.cos(angles), y + size * np.sin(angles), size * rng.uniform(0.15, 0.4), colour)
    else:
        # A brush stroke: a gentle random curve across part of the canvas.
        t = np.linspace(0, 1, 16)
        angle = rng.uniform(0, 2 * np.pi)
        bend = rng.uniform(-0.25, 0.25)
        length = rng.uniform(0.3, 0.9)
        xs = x + (t - 0.5) * length * np.cos(angle) - bend * np.sin(np.pi * t) * np.sin(angle)
        ys = y + (t - 0.5) * length * np.sin(angle) + bend * np.sin(np.pi * t) * np.cos(angle)
        canvas.stroke(xs, ys, rng.uniform(0.03, 0.1), colour)


def draw_example(rng: np.random.Generator, image_size: int, captions_per_image: int = 0):
    """Draws one composition; returns ``(uint8 image, None, None)``."""
    palette = _palette(rng)
    canvas = Canvas(image_size, background=palette[0])
    if rng.uniform() < 0.6:
        canvas.vertical_gradient(palette[0], palette[1] * rng.uniform(0.6, 1.0))
    for _ in range(int(rng.integers(3, 10))):
        _draw_shape(canvas, rng, str(rng.choice(SHAPES)), palette[rng.integers(len(palette))])
    return canvas.to_uint8(), None, None
