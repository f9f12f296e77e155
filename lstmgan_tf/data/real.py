"""Real datasets behind the same API: plain folders, CelebA's layout and TensorFlow Datasets sets.

Every image is made square by a **centre crop** (the largest centred square,
so nothing is squashed; the strip cut off is at the long sides; CelebA's
faces get DCGAN's face crop instead, `lstmgan_tf.data.celeba.face_crop`) and
then resized to the requested size with Lanczos filtering, which anti-aliases
when shrinking. Grayscale and palette images are converted to RGB; images
with transparency are laid over white first.

Images read from files are decoded once and kept in ``outputs/datasets/``
(`read_cached`), keyed by the files' names, sizes and times and by the
reading's settings, so a second read of thousands of JPEGs takes a moment and
a changed folder is read again.

Captions:

- ``oxford_flowers102`` and ``caltech_birds2011``: the ten captions per image
  of Reed et al. ("Learning Deep Representations of Fine-Grained Visual
  Descriptions", 2016), from the ``text_c10`` folder the user downloaded
  (``captions_dir=``). Flowers: ``text_c10/class_00001/image_06734.txt``
  (class number = TFDS label + 1); birds:
  ``text_c10/001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.txt``
  (the folder and stem of the TFDS ``image/filename``). Without
  ``captions_dir`` each image gets captions made from its class name.
- ``celeb_a`` and ``celeba``: captions written from the 40 binary attributes
  (`lstmgan_tf.data.face_captions`).
- ``folder``: ``name.txt`` beside ``name.jpg`` (or ``.png`` ...), one caption
  per line; a folder with no ``.txt`` file at all is a folder of uncaptioned
  images (for the DCGAN and the LSTM discriminator; the text models refuse it).

A ``folder``'s images may sit in sub-folders (``artist/painting.jpg``); each
caption file sits beside its image. Splits: a sub-folder named after the split
(``train/``, ``test/``); without one, a fixed fifth of the images is ``test`` (those whose
file name's CRC-32 is a multiple of 5: spread over the whole folder, whatever
its order, and unchanged when files are added) and the rest ``train``; a
folder of fewer than `MIN_IMAGES_TO_HOLD_OUT` images is all ``train``.

Bad files are handled as follows (skips are logged as warnings that name the
files, and listed in `CaptionedImages.skipped`):

- a folder or caption folder that does not exist: `FileNotFoundError`;
- a caption file that is not UTF-8: `ValueError` naming the file and the
  byte; the data is damaged and silently dropping it would hide that;
- an image without a caption file (or with an empty one) in a folder that
  has caption files: skipped;
- a caption file without an image (``folder``): skipped;
- an image that cannot be decoded: skipped;
- a CelebA face missing from the attribute file: skipped;
- nothing left after skipping: `ValueError` saying why.
"""

from __future__ import annotations

import logging
import os
import re
import zlib

import numpy as np

from lstmgan_tf import config as _config
from lstmgan_tf.data import celeba
from lstmgan_tf.data.cache import cache_file, files_fingerprint, load_cache, save_cache
from lstmgan_tf.data.core import CaptionedImages

logger = logging.getLogger("lstmgan_tf.data")

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")
FOLDER_SPLITS_HELP = "a sub-folder named after the split; without one, 'train' and 'test' are fixed parts of the folder"
#: A folder without split sub-folders keeps every image in ``train`` below this many images.
MIN_IMAGES_TO_HOLD_OUT = 10
#: Bumped when decoding or cropping changes, so that no stale cached image is read.
READER_VERSION = 2

# Skip reasons, as keys of `CaptionedImages.skipped`.
NO_CAPTION = "image without caption"
NO_IMAGE = "caption without image"
BAD_IMAGE = "unreadable image"


# --------------------------------------------------------------------------- #
# Images and caption files.
# --------------------------------------------------------------------------- #


def to_square_rgb(image, image_size: int) -> np.ndarray:
    """Centre-crops an image to a square, resizes it and returns uint8 RGB.

    Args:
        image: a PIL image or an array ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)``
            or ``(H, W, 4)`` (uint8).
        image_size: side of the result.

    Returns:
        uint8 array ``(image_size, image_size, 3)``.
    """
    from PIL import Image

    if not isinstance(image, Image.Image):
        array = np.asarray(image)
        if array.ndim == 3 and array.shape[-1] == 1:
            array = array[..., 0]
        if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
            raise ValueError(f"expected an image of shape (H, W), (H, W, 1|3|4), got {array.shape}.")
        image = Image.fromarray(array.astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels become white rather than whatever colour they hide.
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    image = image.convert("RGB")
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    image = image.resize((image_size, image_size), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8)


def read_caption_file(path: str) -> list[str]:
    """Returns the non-empty lines of a UTF-8 caption file.

    Raises:
        ValueError: if the file is not valid UTF-8.
    """
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"caption file {path} is not UTF-8 (byte 0x{raw[error.start]:02x} at position "
            f"{error.start}); re-save it as UTF-8."
        ) from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _log_skips(skipped: dict[str, list[str]], where: str) -> None:
    for reason, files in skipped.items():
        if files:
            shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
            logger.warning("%s: skipped %d (%s): %s", where, len(files), reason, shown)


def _result(name, split, images, captions, skipped, attributes=None, attribute_values=None,
            where: str = "") -> CaptionedImages:
    _log_skips(skipped, where or name)
    if not images:
        reasons = "; ".join(f"{len(v)} {k}" for k, v in skipped.items() if v) or "no images found"
        raise ValueError(f"dataset {name!r} ({where or split}) has no usable images: {reasons}.")
    return CaptionedImages(
        np.stack(images), captions, attributes, attribute_values, name=name, split=split,
        skipped={k: v for k, v in skipped.items() if v},
    )


def decode_images(paths, image_size: int, crop=to_square_rgb, count: int | None = None):
    """Decodes image files in order until ``count`` are read.

    Args:
        paths: image files.
        image_size: side of the square results.
        crop: ``(PIL image, image_size) -> uint8 array``: `to_square_rgb` or
            `lstmgan_tf.data.celeba.face_crop`.
        count: stop after this many images (`None`: all).

    Returns:
        ``(images, kept_paths, bad_paths)``: the uint8 arrays, the files they
        came from, and the files that could not be decoded.
    """
    from PIL import Image, UnidentifiedImageError

    images, kept, bad = [], [], []
    for path in paths:
        if count is not None and len(images) >= count:
            break
        try:
            with Image.open(path) as image:
                image.load()
                images.append(crop(image, image_size))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            bad.append(path)
            continue
        kept.append(path)
    return images, kept, bad


def read_cached(name: str, split: str, files, settings, decode, where: str, cache: bool = True) -> CaptionedImages:
    """Reads a real dataset once and from ``outputs/datasets/`` after that.

    Args:
        name, split: the dataset and split (in the result and the cache key).
        files: every file the result depends on (images, captions, attribute
            files); their names, sizes and times key the cache.
        settings: anything else that changes the result (image size, count, crop).
        decode: ``() -> (images, captions, attributes, attribute_values, skipped)``.
        where: the folder, for warnings and errors.
        cache: read and write the cache.

    Returns:
        A `CaptionedImages`; the files skipped when it was first decoded are
        warned about again on every read.
    """
    path = cache_file(name, files_fingerprint(files, name, split, READER_VERSION, *settings)) if cache else None
    cached = load_cache(path) if path else None
    if cached is not None:
        images, captions, attributes, metadata = cached
        _log_skips(metadata["skipped"], where)
        return CaptionedImages(images, captions, attributes, metadata["attribute_values"], name=name, split=split,
                               skipped=metadata["skipped"])
    images, captions, attributes, attribute_values, skipped = decode()
    result = _result(name, split, images, captions, skipped, attributes, attribute_values, where=where)
    if path:
        save_cache(path, result.images, captions, attributes,
                   {"skipped": result.skipped, "attribute_values": attribute_values})
    return result


def _files_under(root: str) -> list[str]:
    """Every file under ``root``, sub-folders included (``artist/painting.jpg``), as sorted relative paths.

    Hidden files and folders (``.DS_Store``, ``.ipynb_checkpoints``) are left out.
    """
    found = []
    for folder, sub_folders, file_names in os.walk(root):
        sub_folders[:] = sorted(name for name in sub_folders if not name.startswith("."))
        relative = os.path.relpath(folder, root)
        found += [os.path.normpath(os.path.join(relative, name)) for name in file_names if not name.startswith(".")]
    return sorted(found)


def held_out(file_name: str) -> bool:
    """Whether a file of a folder without split sub-folders belongs to ``test`` (a fixed fifth, by CRC-32).

    >>> [i for i in range(30) if held_out(f"{i:03d}.jpg")]
    [10, 14, 18, 19, 25, 27]
    """
    return zlib.crc32(file_name.encode("utf-8")) % 5 == 0


# --------------------------------------------------------------------------- #
# A plain folder.
# --------------------------------------------------------------------------- #

def read_folder(path: str | os.PathLike | None = None, split: str = "train", image_size: int = 64,
                count: int | None = None, cache: bool = True) -> CaptionedImages:
    """Reads a folder of images, with or without same-name ``.txt`` caption files.

    ``folder/<split>/`` is read if it exists; otherwise ``folder/`` itself
    holds both ``train`` and ``test`` (see the module docstring). Files are
    read in name order; at most ``count`` images are kept. A folder with no
    ``.txt`` file gives images without captions (``captions`` is `None`).
    See the module docstring for bad files.

    Args:
        path: the folder.
        split: the split to read.
        image_size: side of the square images.
        count: the most images to read (`None`: all).
        cache: keep the decoded images in ``outputs/datasets/``.

    Returns:
        A `CaptionedImages` (no attributes).

    Raises:
        ValueError: no ``path``, a non-UTF-8 caption file, or no usable image.
        FileNotFoundError: the folder (or its split) does not exist.
    """
    if path is None:
        raise ValueError("dataset 'folder' needs path=: a folder of images (with same-name .txt captions for "
                         "the text models).")
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise FileNotFoundError(f"image folder {path} does not exist.")
    root = os.path.join(path, split)
    whole_folder = not os.path.isdir(root)
    if whole_folder:
        if split not in ("train", "test"):
            raise FileNotFoundError(
                f"image folder {path} has no sub-folder {split!r}; the split is read from {FOLDER_SPLITS_HELP}."
            )
        root = path
    names = _files_under(root)
    stems = {}
    for file_name in names:
        stem, suffix = os.path.splitext(file_name)
        if suffix.lower() in IMAGE_SUFFIXES:
            stems.setdefault(stem, file_name)
    all_stems = set(stems)
    if whole_folder and len(stems) >= MIN_IMAGES_TO_HOLD_OUT:
        stems = {stem: name for stem, name in stems.items() if held_out(name) == (split == "test")}
    elif whole_folder and split == "test":
        stems = {}
    caption_files = {os.path.splitext(n)[0]: n for n in names if n.lower().endswith(".txt")}
    captioned = bool(caption_files)
    image_paths = [os.path.join(root, name) for name in stems.values()]
    caption_paths = [os.path.join(root, name) for name in caption_files.values()]

    def decode():
        skipped = {NO_CAPTION: [], BAD_IMAGE: []}
        skipped[NO_IMAGE] = [os.path.join(root, n) for s, n in caption_files.items() if s not in all_stems]
        lines = {stem: read_caption_file(os.path.join(root, caption_files[stem]))
                 for stem in stems if stem in caption_files}
        readable = []
        for stem, file_name in stems.items():
            if captioned and not lines.get(stem):
                skipped[NO_CAPTION].append(os.path.join(root, file_name))
            else:
                readable.append(os.path.join(root, file_name))
        images, kept, skipped[BAD_IMAGE] = decode_images(readable, image_size, to_square_rgb, count)
        captions = [lines[os.path.splitext(os.path.relpath(p, root))[0]] for p in kept] if captioned else None
        return images, captions, None, None, skipped

    return read_cached("folder", split, image_paths + caption_paths, (image_size, count), decode,
                       where=root if not whole_folder else f"{root} ({split})", cache=cache)


# --------------------------------------------------------------------------- #
# TensorFlow Datasets.
# --------------------------------------------------------------------------- #

def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def class_name_captions(class_name: str, kind: str) -> list[str]:
    """Captions made from a class name, for images without Reed et al. captions.

    ``"001.Black_footed_Albatross"`` becomes ``"black footed albatross"``.
    """
    name = re.sub(r"^\d+\.", "", class_name).replace("_", " ").strip().lower()
    return [f"a photo of a {name}", f"a {name} {kind}" if kind not in name else f"a {name}"]


def _reed_caption_path(name: str, captions_dir: str, example: dict) -> str:
    if name == "oxford_flowers102":
        stem = os.path.splitext(os.path.basename(_text(example["file_name"])))[0]
        return os.path.join(captions_dir, f"class_{int(example['label']) + 1:05d}", f"{stem}.txt")
    # Birds: "001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg".
    file_name = _text(example["image/filename"])
    folder = os.path.dirname(file_name) or _text(example["label_name"])
    stem = os.path.splitext(os.path.basename(file_name))[0]
    return os.path.join(captions_dir, folder, f"{stem}.txt")


def read_tfds(name: str, split: str = "train", image_size: int = 64, count: int | None = None,
              data_dir: str | None = None, download: bool = False,
              captions_dir: str | os.PathLike | None = None) -> CaptionedImages:
    """Reads a TensorFlow Datasets set into memory, with captions.

    Args:
        name: ``oxford_flowers102``, ``caltech_birds2011`` or ``celeb_a``.
        split: a TFDS split string (``"train"``, ``"test"``, ``"train[:10%]"``).
        image_size: side of the square images.
        count: the most images to read (`None`: all of the split).
        data_dir: TFDS data folder (default: TFDS's own, ``~/tensorflow_datasets``).
        download: let TFDS download and prepare a missing dataset (needs
            internet); `False` by default so that nothing is fetched unasked.
        captions_dir: the Reed et al. ``text_c10`` folder (flowers and birds).

    Returns:
        A `CaptionedImages`; ``celeb_a`` also has its 40 attributes, and its
        faces are cropped as `read_celeba`'s are (`celeba.face_crop`), so the
        two readers give the same examples of the same images.

    Raises:
        FileNotFoundError: the dataset is not prepared in ``data_dir`` and
            ``download`` is off, or ``captions_dir`` does not exist.
        ValueError: a caption file is not UTF-8, or no image has captions.
    """
    import tensorflow_datasets as tfds

    if captions_dir is not None:
        captions_dir = os.fspath(captions_dir)
        if not os.path.isdir(captions_dir):
            raise FileNotFoundError(
                f"caption folder {captions_dir} does not exist; give the text_c10 folder of "
                "Reed et al.'s captions."
            )
    try:
        dataset, info = tfds.load(
            name, split=split, data_dir=data_dir, download=_config.parse_flag(download, "download"),
            shuffle_files=False,
            with_info=True,
        )
    except AssertionError as error:
        if "could not find data" not in str(error):
            raise
        where = data_dir or "TensorFlow Datasets' default folder (~/tensorflow_datasets)"
        raise FileNotFoundError(
            f"dataset {name!r} is not prepared in {where}; pass download=True (needs internet "
            "and disk space) or data_dir= a folder that holds it."
        ) from None
    if count is not None:
        dataset = dataset.take(count)

    skipped = {NO_CAPTION: []}
    images, captions, attribute_rows = [], [], []
    for example in tfds.as_numpy(dataset):
        if name == "celeb_a":
            row = [int(bool(example["attributes"][key])) for key in celeba.ATTRIBUTES]
            image_captions = celeba.captions_of_rows([row])[0]
            attribute_rows.append(row)
        elif captions_dir is not None:
            caption_path = _reed_caption_path(name, captions_dir, example)
            image_captions = read_caption_file(caption_path) if os.path.isfile(caption_path) else []
            if not image_captions:
                image_file = _text(example.get("file_name", example.get("image/filename", b"")))
                skipped[NO_CAPTION].append(f"{image_file} (no {caption_path})")
                continue
        else:
            # Birds carry their class name; flowers only a label that TFDS can name.
            class_name = _text(example["label_name"]) if "label_name" in example else \
                info.features["label"].int2str(int(example["label"]))
            image_captions = class_name_captions(class_name, "flower" if name == "oxford_flowers102" else "bird")
        crop = celeba.face_crop if name == "celeb_a" else to_square_rgb
        images.append(crop(example["image"], image_size))
        captions.append(image_captions)

    attributes = attribute_values = None
    if attribute_rows:
        attributes, attribute_values = celeba.attribute_arrays(attribute_rows)
    where = f"{name} {split}" + (f" with captions from {captions_dir}" if captions_dir else "")
    return _result(name, split, images, captions, skipped, attributes, attribute_values, where=where)
