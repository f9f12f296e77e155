"""One entry point for every dataset: `load_arrays` (NumPy) and `load_dataset` (tf.data)."""

from __future__ import annotations

import dataclasses
import logging
import os

import numpy as np

from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.data import synthetic

logger = logging.getLogger("lstmgan_tf.data")

TFDS_DATASETS = ("oxford_flowers102", "caltech_birds2011", "celeb_a")
#: Datasets read from a folder the user names (``path=``, the CLI's ``--path``).
FOLDER_DATASETS = ("folder", "celeba")
DATASET_NAMES = (*synthetic.SYNTHETIC_DATASETS, *TFDS_DATASETS, *FOLDER_DATASETS)
#: Datasets whose pictures stay true pictures of the dataset when turned by a
#: multiple of 90 degrees or mirrored (flowers drawn from above): the text
#: models' ``augment_dihedral`` is kept only for these.
TURN_INVARIANT_DATASETS = ("synthetic_flowers",)

# The options each kind of source takes besides the common arguments.
SOURCE_OPTIONS = {
    **{name: ("captions_per_image", "cache") for name in synthetic.SYNTHETIC_DATASETS},
    "abstract_art": ("cache",),
    "oxford_flowers102": ("data_dir", "download", "captions_dir"),
    "caltech_birds2011": ("data_dir", "download", "captions_dir"),
    "celeb_a": ("data_dir", "download"),
    "folder": ("path", "cache"),
    "celeba": ("path", "cache"),
}


@dataclasses.dataclass
class CaptionedImages:
    """A dataset held in memory as NumPy arrays.

    Args:
        images: uint8 array ``(N, H, W, 3)``.
        captions: for each image the list of all its captions, or `None` for an
            uncaptioned dataset.
        attributes: attribute name -> int32 array of ``N`` labels, or `None`.
        attribute_values: attribute name -> the names of its values (label ``k``
            is ``attribute_values[name][k]``), or `None`.
        name: the dataset's name.
        split: the split it was read from.
        skipped: reason -> the files skipped for that reason while reading a
            real dataset (empty for synthetic ones).
    """

    images: np.ndarray
    captions: list[list[str]] | None
    attributes: dict[str, np.ndarray] | None
    attribute_values: dict[str, list[str]] | None
    name: str = ""
    split: str = "train"
    skipped: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def image_size(self) -> int:
        return int(self.images.shape[1])

    def describe(self, index: int) -> dict[str, str]:
        """Returns the attribute names of image ``index``, e.g. ``{"petal_colour": "red", ...}``."""
        if not self.attributes:
            return {}
        return {
            key: self.attribute_values[key][int(values[index])] for key, values in self.attributes.items()
        }

    def caption_pairs(self) -> tuple[np.ndarray, list[str]]:
        """Every (image index, caption) pair: one element per caption of every image."""
        if self.captions is None:
            raise ValueError(f"dataset {self.name!r} has no captions.")
        indices = np.repeat(np.arange(len(self.captions)), [len(c) for c in self.captions])
        return indices.astype(np.int64), [caption for group in self.captions for caption in group]


def dataset_label(name: str, path=None) -> str:
    """How folders and tables name a dataset: its name, or ``folder_<folder name>`` for a ``folder``.

    >>> dataset_label("celeba", "/data/celeba"), dataset_label("folder", "/data/abstract_art/")
    ('celeba', 'folder_abstract_art')
    """
    if name != "folder" or not path:
        return name
    return f"folder_{os.path.basename(os.path.normpath(os.fspath(path)))}"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or name.strip().lower() not in DATASET_NAMES:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASET_NAMES)}.")
    return name.strip().lower()


def _check_options(name: str, options: dict) -> None:
    unknown = sorted(set(options) - set(SOURCE_OPTIONS[name]))
    if unknown:
        raise ValueError(
            f"dataset {name!r} does not take option(s) {', '.join(unknown)}; it takes: "
            f"{', '.join(SOURCE_OPTIONS[name]) or 'none'}."
        )


def load_arrays(name: str, split: str = "train", image_size: int | None = None,
                count: int | None = None, seed: int = 0, profile=None, **source_options) -> CaptionedImages:
    """Loads a dataset into memory as NumPy arrays.

    Synthetic datasets are drawn deterministically: image ``i`` of a split
    depends only on ``(seed, split, i)``, so a larger ``count`` only adds
    images at the end. Drawn arrays are cached in ``outputs/datasets/``.

    Real datasets are read in their stored order, and every image is made square
    by a **centre crop** (the largest centred square; CelebA's faces: DCGAN's
    face crop) and then resized with anti-aliasing; grayscale and RGBA images
    become RGB. Images read from files are decoded once and cached.

    Args:
        name: one of `DATASET_NAMES`: ``synthetic_flowers``,
            ``synthetic_faces``, ``abstract_art`` (offline); ``oxford_flowers102``,
            ``caltech_birds2011``, ``celeb_a`` (TensorFlow Datasets); ``folder``.
        split: ``"train"`` or ``"test"`` for the synthetic sets and ``folder``
            (``celeba`` also ``"validation"``); any TFDS split string for the
            TFDS sets.
        image_size: side of the square images; `None` takes the profile's.
        count: how many images; `None` takes the profile's ``dataset_size``
            (a real dataset may have fewer).
        seed: seed of the synthetic drawing.
        profile: a profile name or `Profile`; `None` reads ``LSTMGAN_PROFILE``.
        **source_options: per source:
            synthetic sets: ``captions_per_image`` (default 5; flowers and
            faces), ``cache`` (default `True`).
            ``oxford_flowers102`` and ``caltech_birds2011``: ``captions_dir``
            (the ``text_c10`` folder of Reed et al.; without it captions are
            made from the class name), ``data_dir``, ``download`` (default
            `False`, so nothing is fetched unless asked).
            ``celeb_a``: ``data_dir``, ``download``; the 40 binary attributes
            become labels and captions.
            ``folder``: ``path``, a folder of images, each with a same-name
            ``.txt`` file holding one caption per line or none at all (see
            `lstmgan_tf.data.real.read_folder` for splits and bad files);
            ``cache`` (default `True`: decoded once, kept in ``outputs/datasets/``).
            ``celeba``: ``path``, a folder in CelebA's own layout
            (`lstmgan_tf.data.celeba.read_celeba`); ``cache``.

    Returns:
        A `CaptionedImages`.

    Raises:
        ValueError: unknown dataset name, split or option, or a bad size/count.
        FileNotFoundError: a folder or caption folder that does not exist.

    Example:

    >>> data = load_arrays("synthetic_flowers", image_size=32, count=4)
    >>> data.images.shape, len(data.captions[0]) >= 5
    ((4, 32, 32, 3), True)
    """
    from lstmgan_tf import config

    name = _check_name(name)
    _check_options(name, source_options)
    chosen = config.get_profile(profile)
    image_size = check_positive_int("image_size", chosen.image_size if image_size is None else image_size)
    if image_size < 8:
        raise ValueError(f"image_size must be at least 8 pixels, got {image_size}.")
    count = check_positive_int("count", chosen.dataset_size if count is None else count)

    if name in synthetic.SYNTHETIC_DATASETS:
        spec = synthetic.SYNTHETIC_DATASETS[name]
        if split not in synthetic.SPLIT_IDS:
            raise ValueError(
                f"unknown split {split!r} for {name!r}; choose one of: {', '.join(synthetic.SPLIT_IDS)}."
            )
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
        captions_per_image = 0
        if spec.captioned:
            captions_per_image = check_positive_int(
                "captions_per_image",
                source_options.get("captions_per_image", synthetic.DEFAULT_CAPTIONS_PER_IMAGE),
            )
            if captions_per_image > spec.max_captions:
                raise ValueError(
                    f"captions_per_image={captions_per_image} is too many for {name!r}: its "
                    f"templates give at most {spec.max_captions} different captions per image."
                )
        images, captions, attributes = synthetic.build(
            spec, split, image_size, count, int(seed), captions_per_image,
            cache=bool(source_options.get("cache", True)),
        )
        return CaptionedImages(
            images, captions, attributes,
            dict(spec.attribute_values) if spec.attribute_values else None, name=name, split=split,
        )

    from lstmgan_tf.data import real

    if name == "folder":
        return real.read_folder(split=split, image_size=image_size, count=count, **source_options)
    if name == "celeba":
        from lstmgan_tf.data.celeba import read_celeba

        return read_celeba(split=split, image_size=image_size, count=count, **source_options)
    return real.read_tfds(name, split=split, image_size=image_size, count=count, **source_options)


def to_tf_dataset(data: CaptionedImages, seed: int = 0, batch_size: int | None = None,
                  shuffle: bool = True):
    """Turns in-memory arrays into a `tf.data.Dataset` of dicts (see `load_dataset`)."""
    import tensorflow as tf

    if data.captions is not None:
        image_indices, captions = data.caption_pairs()
        elements = {"image_index": image_indices, "caption": np.array(captions, dtype=object)}
    else:
        elements = {"image_index": np.arange(len(data), dtype=np.int64)}
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        # The element table is small (indices and strings), so a full shuffle is cheap.
        dataset = dataset.shuffle(len(elements["image_index"]), seed=seed, reshuffle_each_iteration=True)

    images = tf.constant(data.images)
    attributes = {key: tf.constant(values.astype(np.int32)) for key, values in (data.attributes or {}).items()}

    def look_up(element):
        index = element["image_index"]
        element = dict(element)
        element["image"] = tf.cast(tf.gather(images, index), tf.float32) / 127.5 - 1.0
        if attributes:
            element["attributes"] = {key: tf.gather(values, index) for key, values in attributes.items()}
        return element

    if batch_size is not None:
        batch_size = check_positive_int("batch_size", batch_size)
        available = len(elements["image_index"])
        if batch_size > available:
            raise ValueError(
                f"batch_size={batch_size} is larger than the {available} elements of {data.name!r}; "
                "with drop_remainder=True no batch would be left."
            )
        # Batching the indices first lets one gather fetch a whole batch.
        dataset = dataset.batch(batch_size, drop_remainder=True)
    dataset = dataset.map(look_up, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def load_dataset(name: str, split: str = "train", image_size: int | None = None,
                 count: int | None = None, seed: int = 0, batch_size: int | None = None,
                 shuffle: bool = True, profile=None, **source_options):
    """Returns a dataset as a `tf.data.Dataset` of dicts, ready for ``model.fit``.

    Each element (or batch of elements) is a dict with:

    - ``image``: float32 ``(H, W, 3)`` in [-1, 1];
    - ``caption``: tf.string, for captioned datasets. There is one element per
      *caption*, so one epoch uses every caption of every image exactly once;
    - ``image_index``: int64, the image's index within the split (to match
      the element with `load_arrays` or group captions of one image);
    - ``attributes``: dict of int32 labels, for datasets that have them.

    The images are drawn or read once by `load_arrays` (and cached on disk for
    the synthetic sets), kept in memory, shuffled with ``seed`` (a new order
    every epoch) and prefetched.

    Args:
        name, split, image_size, count, seed, profile, **source_options: as in
            `load_arrays`.
        batch_size: if given, elements are batched with ``drop_remainder=True``
            so every batch has this static size.
        shuffle: shuffle the elements (default `True`).

    Returns:
        A `tf.data.Dataset`.

    Example:

    >>> dataset = load_dataset("synthetic_flowers", image_size=32, count=8, batch_size=4)
    >>> batch = next(iter(dataset))
    >>> tuple(batch["image"].shape), batch["caption"].shape[0]
    ((4, 32, 32, 3), 4)
    """
    data = load_arrays(name, split=split, image_size=image_size, count=count, seed=seed,
                       profile=profile, **source_options)
    return to_tf_dataset(data, seed=seed, batch_size=batch_size, shuffle=shuffle)
