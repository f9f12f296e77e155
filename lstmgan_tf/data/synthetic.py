"""The built-in synthetic datasets: registry, deterministic drawing and the disk cache.

Image ``i`` of a split is drawn from its own random generator,
``np.random.default_rng([seed, split_id, i])``, so the first images are the
same whatever ``count`` is asked for, and ``train`` and ``test`` are disjoint
draws. Built arrays are cached under ``config.outputs_dir("datasets")``.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from lstmgan_tf.data import abstract, faces, flowers
from lstmgan_tf.data.cache import cache_file, load_cache, save_cache

SPLIT_IDS = {"train": 0, "test": 1}
DEFAULT_CAPTIONS_PER_IMAGE = 5


@dataclasses.dataclass(frozen=True)
class SyntheticSpec:
    """How to draw one synthetic dataset.

    Args:
        name: the dataset's name in `load_dataset`.
        draw_example: ``(rng, image_size, captions_per_image) -> (uint8 image,
            labels or None, captions or None)``.
        attribute_values: name -> list of value names, or `None`.
        version: bumped whenever the drawing or captions change, so that stale
            cached arrays are never read.
        max_captions: the most different captions one image can have (0 for an
            uncaptioned dataset).
        description: one line for listings and the CLI's help.
    """

    name: str
    draw_example: Callable
    attribute_values: dict | None
    version: int
    max_captions: int
    description: str

    @property
    def captioned(self) -> bool:
        return self.max_captions > 0


SYNTHETIC_DATASETS = {
    spec.name: spec
    for spec in (
        SyntheticSpec(
            "synthetic_flowers", flowers.draw_example, flowers.ATTRIBUTE_VALUES, flowers.VERSION,
            flowers.MAX_CAPTIONS, "flowers with captions (stand-in for Oxford-102)",
        ),
        SyntheticSpec(
            "synthetic_faces", faces.draw_example, faces.ATTRIBUTE_VALUES, faces.VERSION,
            faces.MAX_CAPTIONS, "cartoon faces with captions (stand-in for CelebA)",
        ),
        SyntheticSpec(
            "abstract_art", abstract.draw_example, None, abstract.VERSION, 0,
            "abstract compositions, no captions",
        ),
    )
}


def draw_arrays(spec: SyntheticSpec, split: str, image_size: int, count: int, seed: int,
                captions_per_image: int):
    """Draws ``count`` examples; returns ``(images, captions, attributes)``."""
    split_id = SPLIT_IDS[split]
    images = np.empty((count, image_size, image_size, 3), dtype=np.uint8)
    captions = [] if spec.captioned else None
    attributes = {key: np.empty(count, np.int32) for key in spec.attribute_values or {}}
    for index in range(count):
        # One generator per image: image i does not depend on how many come before it.
        rng = np.random.default_rng([seed, split_id, index])
        images[index], labels, image_captions = spec.draw_example(rng, image_size, captions_per_image)
        if captions is not None:
            captions.append(image_captions)
        for key, value in (labels or {}).items():
            attributes[key][index] = value
    return images, captions, (attributes or None)


def cache_path(spec: SyntheticSpec, split: str, image_size: int, count: int, seed: int,
               captions_per_image: int) -> str:
    captions = f"-{captions_per_image}captions" if spec.captioned else ""
    return cache_file(spec.name, f"v{spec.version}-{split}-{image_size}px-{count}-seed{seed}{captions}")


def build(spec: SyntheticSpec, split: str, image_size: int, count: int, seed: int,
          captions_per_image: int, cache: bool):
    """Returns ``(images, captions, attributes)``, from the cache when it can."""
    path = cache_path(spec, split, image_size, count, seed, captions_per_image) if cache else None
    if path:
        cached = load_cache(path)
        if cached is not None:
            return cached[:3]
    arrays = draw_arrays(spec, split, image_size, count, seed, captions_per_image)
    if path:
        save_cache(path, *arrays)
    return arrays
