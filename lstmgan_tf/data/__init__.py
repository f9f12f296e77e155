"""Datasets: built-in synthetic captioned images and adapters for real ones.

- `load_dataset(name, ...)`: a shuffled, prefetched `tf.data.Dataset` of dicts
  (``image`` in [-1, 1], ``caption``, ``image_index``, ``attributes``).
- `load_arrays(name, ...)`: the same data as NumPy arrays (`CaptionedImages`).
- `TURN_INVARIANT_DATASETS`: those that look alike turned or mirrored.
- `DATASET_NAMES`: ``synthetic_flowers``, ``synthetic_faces``,
  ``abstract_art`` (drawn offline, deterministic by seed),
  ``oxford_flowers102``, ``caltech_birds2011``, ``celeb_a`` (TensorFlow
  Datasets, with Reed et al. captions where they exist), and two read from
  a folder the user names (``path=``): ``folder`` (any images, captions
  optional) and ``celeba`` (CelebA's own layout and 40 attributes).
- `real_data_path(name)`: where the real data of the notebooks live
  (``$LSTMGAN_DATA``).
"""

from lstmgan_tf.data.core import (
    DATASET_NAMES,
    FOLDER_DATASETS,
    TURN_INVARIANT_DATASETS,
    CaptionedImages,
    dataset_label,
    load_arrays,
    load_dataset,
    to_tf_dataset,
)

__all__ = [
    "DATASET_NAMES", "FOLDER_DATASETS", "TURN_INVARIANT_DATASETS", "CaptionedImages", "dataset_label", "load_arrays", "load_dataset", "to_tf_dataset",
]
