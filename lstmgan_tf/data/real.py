"""Real datasets behind the same API: TensorFlow Datasets sets and plain folders.

Every image is made square by a **centre crop** (the largest centred square,
so nothing is squashed; the strip cut off is at the long sides) and then
resized to the requested size with Lanczos filtering, which anti-aliases when
shrinking. Grayscale and palette images are converted to RGB; images with
transparency are laid over white first.

Captions:

- ``oxford_flowers102`` and ``caltech_birds2011``: the ten captions per image
  of Reed et al. ("Learning Deep Representations of Fine-Grained Visual
  Descriptions", 2016), from the ``text_c10`` folder the user downloaded
  (``captions_dir=``). Flowers: ``text_c10/class_00001/image_06734.txt``
  (class number = TFDS label + 1); birds:
  ``text_c10/001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.txt``
  (the folder and stem of the TFDS ``image/filename``). Without
  ``captions_dir`` each image gets captions made from its class name.
- ``celeb_a``: captions written from the 40 binary attributes.
- ``folder``: ``name.txt`` beside ``name.jpg`` (or ``.png`` ...), one caption
  per line.

Bad files are handled as follows (skips are logged as warnings that name the
files, and listed in `CaptionedImages.skipped`):

- a folder or caption folder that does not exist: `FileNotFoundError`;
- a caption file that is not UTF-8: `ValueError` naming the file and the
  byte; the data is damaged and silently dropping it would hide that;
- an image without a caption file (or with an empty one): skipped;
- a caption file without an image (``folder``): skipped;
- an image that cannot be decoded: skipped;
- nothing left after skipping: `ValueError` saying why.
"""

from __future__ import annotations

import logging
import os
import re

import numpy as np

from lstmgan_tf import config as _config
from lstmgan_tf.data.core import CaptionedImages

logger = logging.getLogger("lstmgan_tf.data")

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")
FOLDER_SPLITS_HELP = "a sub-folder named after the split, or the folder itself for split 'train'"

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


# --------------------------------------------------------------------------- #
# A plain folder.
# --------------------------------------------------------------------------- #

def read_folder(path: str | os.PathLike | None = None, split: str = "train", image_size: int = 64,
                count: int | None = None) -> CaptionedImages:
    """Reads a folder of images, each with a same-name ``.txt`` caption file.

    ``folder/<split>/`` is read if it exists; otherwise ``folder/`` itself
    serves as the ``train`` split. Files are read in name order; at most
    ``count`` images are kept. See the module docstring for bad files.

    Args:
        path: the folder.
        split: the split (sub-folder) to read.
        image_size: side of the square images.
        count: the most images to read (`None`: all).

    Returns:
        A `CaptionedImages` (no attributes).

    Raises:
        ValueError: no ``path``, a non-UTF-8 caption file, or no usable image.
        FileNotFoundError: the folder (or its split) does not exist.
    """
    from PIL import Image, UnidentifiedImageError

    if path is None:
        raise ValueError("dataset 'folder' needs path=: a folder of images with same-name .txt captions.")
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise FileNotFoundError(f"image folder {path} does not exist.")
    root = os.path.join(path, split)
    if not os.path.isdir(root):
        if split != "train":
            raise FileNotFoundError(
                f"image folder {path} has no sub-folder {split!r}; the split is read from "
                f"{FOLDER_SPLITS_HELP}."
            )
        root = path
    names = sorted(os.listdir(root))
    stems = {}
    for file_name in names:
        stem, suffix = os.path.splitext(file_name)
        if suffix.lower() in IMAGE_SUFFIXES and os.path.isfile(os.path.join(root, file_name)):
            stems.setdefault(stem, file_name)
    caption_files = {os.path.splitext(n)[0]: n for n in names if n.lower().endswith(".txt")}

    skipped = {NO_CAPTION: [], NO_IMAGE: [], BAD_IMAGE: []}
    skipped[NO_IMAGE] = [os.path.join(root, n) for s, n in caption_files.items() if s not in stems]
    images, captions = [], []
    for stem, file_name in stems.items():
        if count is not None and len(images) >= count:
            break
        image_path = os.path.join(root, file_name)
        lines = read_caption_file(os.path.join(root, caption_files[stem])) if stem in caption_files else []
        if not lines:
            skipped[NO_CAPTION].append(image_path)
            continue
        try:
            with Image.open(image_path) as image:
                image.load()
                pixels = to_square_rgb(image, image_size)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            skipped[BAD_IMAGE].append(image_path)
            continue
        images.append(pixels)
        captions.append(lines)
    return _result("folder", split, images, captions, skipped, where=root)


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


# CelebA attributes kept as labels (0 = no, 1 = yes), in this order.
CELEB_A_ATTRIBUTES = (
    "Male", "Young", "Smiling", "Eyeglasses", "Wearing_Hat", "Bald", "Black_Hair", "Blond_Hair",
    "Brown_Hair", "Gray_Hair", "Wavy_Hair", "Straight_Hair", "No_Beard", "Mustache", "Bangs",
    "Heavy_Makeup", "Wearing_Lipstick",
)


def celeb_a_captions(attributes: dict) -> list[str]:
    """Writes captions from CelebA's binary attributes; none names an absent one.

    Example:

    >>> celeb_a_captions({"Male": False, "Smiling": True, "Blond_Hair": True})[0]
    'a smiling woman with blond hair'
    """
    has = {key: bool(value) for key, value in attributes.items()}
    person = "man" if has.get("Male") else "woman"
    if has.get("Young"):
        person = f"young {person}"
    hair_colour = next(
        (c for c in ("black", "blond", "brown", "gray") if has.get(f"{c.capitalize()}_Hair")), ""
    )
    hair_texture = "wavy" if has.get("Wavy_Hair") else "straight" if has.get("Straight_Hair") else ""
    hair = " ".join(w for w in (hair_texture, hair_colour) if w)
    if has.get("Bald"):
        hair_phrase = "no hair"
    elif hair:
        hair_phrase = f"{hair} hair"
    else:
        hair_phrase = ""
    extras = []
    if has.get("Eyeglasses"):
        extras.append("glasses")
    if has.get("Wearing_Hat"):
        extras.append("a hat")
    if "No_Beard" in has and not has["No_Beard"]:
        extras.append("a beard")
    if has.get("Mustache"):
        extras.append("a mustache")
    if has.get("Bangs"):
        extras.append("bangs")
    if has.get("Wearing_Lipstick"):
        extras.append("lipstick")

    smiling = "smiling " if has.get("Smiling") else ""
    captions = [f"a {smiling}{person} with {hair_phrase}" if hair_phrase else f"a {smiling}{person}"]
    captions.append(f"this {person} is {'smiling' if has.get('Smiling') else 'not smiling'}")
    if extras:
        listed = extras[0] if len(extras) == 1 else ", ".join(extras[:-1]) + f" and {extras[-1]}"
        captions.append(f"a photo of a {person} with {listed}")
    if hair_phrase:
        captions.append(f"the {person} has {hair_phrase}")
    return captions


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
        A `CaptionedImages`; ``celeb_a`` also has attributes.

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
            image_captions = celeb_a_captions(example["attributes"])
            attribute_rows.append([int(bool(example["attributes"][k])) for k in CELEB_A_ATTRIBUTES])
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
        images.append(to_square_rgb(example["image"], image_size))
        captions.append(image_captions)

    attributes = attribute_values = None
    if attribute_rows:
        table = np.asarray(attribute_rows, dtype=np.int32)
        attributes = {key.lower(): table[:, i] for i, key in enumerate(CELEB_A_ATTRIBUTES)}
        attribute_values = {key.lower(): ["no", "yes"] for key in CELEB_A_ATTRIBUTES}
    where = f"{name} {split}" + (f" with captions from {captions_dir}" if captions_dir else "")
    return _result(name, split, images, captions, skipped, attributes, attribute_values, where=where)
