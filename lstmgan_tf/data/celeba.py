"""CelebA in its own layout: the aligned faces, the 40 attributes, the official split.

Large-scale CelebFaces Attributes (Liu et al., ICCV 2015) ships as

- ``img_align_celeba/000001.jpg ...``: faces aligned by the eyes, 178 x 218;
- ``list_attr_celeba.txt``: line 1 the number of images, line 2 the 40
  attribute names, then one line per image, ``000001.jpg -1 1 ...`` (1: has
  it, -1: has it not). Kaggle's copy has ``list_attr_celeba.csv`` instead
  (``image_id,5_o_Clock_Shadow,...``), which is read too;
- ``list_eval_partition.txt`` (or ``.csv``): ``000001.jpg 0`` with 0 = train,
  1 = validation, 2 = test. Without it, or when it gives the faces on disk no
  ``train`` or no ``test`` image (a slice of CelebA: its first 162,770 faces
  are all ``train``), the last fifth of the images in file order is ``test``
  and the rest ``train`` (the official split also puts the last images in
  ``test``), with a warning in the second case.

Kaggle's copy, with the images one folder deeper
(``img_align_celeba/img_align_celeba/``), is read as well.

`read_celeba` reads that folder; `lstmgan_tf.data.real.read_tfds` gives TFDS's
``celeb_a`` the same crop, attributes and captions. Every face is cropped as
the DCGAN-on-CelebA code does (`face_crop`: the centred 108 x 108 square of
the 178 x 218 image, scaled to the image's own size), then resized.

Example (a tiny CelebA folder of two faces, written here):

>>> import os, tempfile
>>> from PIL import Image
>>> folder = tempfile.mkdtemp()
>>> os.mkdir(os.path.join(folder, IMAGE_FOLDER))
>>> for name in ("000001.jpg", "000002.jpg"):
...     Image.new("RGB", (178, 218), (200, 150, 120)).save(os.path.join(folder, IMAGE_FOLDER, name))
>>> rows = [f"{name} " + " ".join(["1" if a in ("Smiling", "Blond_Hair") else "-1" for a in ATTRIBUTES])
...         for name in ("000001.jpg", "000002.jpg")]
>>> _ = open(os.path.join(folder, ATTRIBUTE_FILE), "w").write("\\n".join(["2", " ".join(ATTRIBUTES), *rows]))
>>> faces = read_celeba(folder, image_size=32, cache=False)
>>> faces.images.shape, faces.describe(0)["smiling"], faces.describe(0)["hair_colour"]
((2, 32, 32, 3), 'yes', 'blond')
>>> faces.captions[0][0]
'a smiling older woman with blond hair'
"""

from __future__ import annotations

import csv
import logging
import os

import numpy as np

from lstmgan_tf.data import face_captions

logger = logging.getLogger("lstmgan_tf.data")

#: CelebA's 40 attributes, in the order of its attribute file.
ATTRIBUTES = (
    "5_o_Clock_Shadow", "Arched_Eyebrows", "Attractive", "Bags_Under_Eyes", "Bald", "Bangs", "Big_Lips",
    "Big_Nose", "Black_Hair", "Blond_Hair", "Blurry", "Brown_Hair", "Bushy_Eyebrows", "Chubby", "Double_Chin",
    "Eyeglasses", "Goatee", "Gray_Hair", "Heavy_Makeup", "High_Cheekbones", "Male", "Mouth_Slightly_Open",
    "Mustache", "Narrow_Eyes", "No_Beard", "Oval_Face", "Pale_Skin", "Pointy_Nose", "Receding_Hairline",
    "Rosy_Cheeks", "Sideburns", "Smiling", "Straight_Hair", "Wavy_Hair", "Wearing_Earrings", "Wearing_Hat",
    "Wearing_Lipstick", "Wearing_Necklace", "Wearing_Necktie", "Young",
)
IMAGE_FOLDER = "img_align_celeba"
ATTRIBUTE_FILE = "list_attr_celeba.txt"
PARTITION_FILE = "list_eval_partition.txt"
#: Split names and their numbers in the partition file.
PARTITIONS = {"train": 0, "validation": 1, "test": 2}
#: Without a partition file, this share of the images (the last in file order) is ``test``.
TEST_SHARE = 0.2
#: DCGAN-on-CelebA's crop: a centred square of 108 pixels of the 178-pixel-wide aligned face.
FACE_CROP_SHARE = 108 / 178

# Skip reasons, as keys of `CaptionedImages.skipped`.
NOT_IN_ATTRIBUTES = "face missing from the attribute file"
NOT_IN_PARTITION = "face missing from the partition file"


def face_crop(image, image_size: int) -> np.ndarray:
    """Crops an aligned CelebA face as DCGAN code does and resizes it: uint8 ``(image_size, image_size, 3)``.

    The square is centred and ``108 / 178`` of the image's width wide (108 x 108
    of a full-size 178 x 218 face, 54 x 54 of a half-size one), so the face
    fills it and little background is left.

    Args:
        image: a PIL image or a uint8 array ``(H, W, 3)``.
        image_size: side of the result.
    """
    from PIL import Image

    from lstmgan_tf.data.real import to_square_rgb

    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image, dtype=np.uint8))
    width, height = image.size
    side = min(width, height, max(1, round(width * FACE_CROP_SHARE)))
    left, top = round((width - side) / 2), round((height - side) / 2)
    return to_square_rgb(image.crop((left, top, left + side, top + side)), image_size)


def _format_error(path: str, problem: str) -> ValueError:
    return ValueError(
        f"attribute file {path} is not in CelebA's format ({problem}); expected {ATTRIBUTE_FILE} as CelebA ships "
        "it (line 1 the image count, line 2 the 40 attribute names, then 'NAME.jpg' and 40 values of 1 or -1) "
        "or Kaggle's list_attr_celeba.csv."
    )


def read_attribute_file(path: str) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    """Reads CelebA's attribute file (``.txt`` as CelebA ships it, or Kaggle's ``.csv``).

    Returns:
        ``(names, rows)``: the attribute names in file order, and image file
        name -> int8 array of 0/1 (1: has the attribute).

    Raises:
        ValueError: one line naming the file and what is wrong with it.
    """
    with open(path, encoding="utf-8", errors="replace") as handle:
        if path.lower().endswith(".csv"):
            lines = [row for row in csv.reader(handle) if row]
            if not lines or lines[0][0] != "image_id":
                raise _format_error(path, "its first column is not 'image_id'")
            names, body = tuple(lines[0][1:]), [(row[0], row[1:]) for row in lines[1:]]
            first_row_line = 2
        else:
            lines = [line.split() for line in handle if line.strip()]
            if len(lines) < 2 or len(lines[0]) != 1 or not lines[0][0].isdigit():
                raise _format_error(path, "line 1 is not the number of images")
            names, body = tuple(lines[1]), [(row[0], row[1:]) for row in lines[2:]]
            first_row_line = 3
    if not names or any(name.lstrip("-").isdigit() for name in names):
        raise _format_error(path, "the attribute names are missing")
    rows = {}
    for offset, (file_name, values) in enumerate(body):
        if len(values) != len(names) or any(value not in ("1", "-1") for value in values):
            raise _format_error(
                path, f"line {first_row_line + offset} has {len(values)} values, not {len(names)} of 1 or -1"
            )
        rows[file_name] = (np.asarray(values, dtype=np.int8) > 0).astype(np.int8)
    return names, rows


def read_partition_file(path: str) -> dict[str, int]:
    """Reads ``list_eval_partition.txt`` (or Kaggle's ``.csv``): image file name -> 0, 1 or 2.

    Raises:
        ValueError: a line that is not a file name and 0, 1 or 2.
    """
    partition = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.replace(",", " ").split()
            if not fields or (number == 1 and fields[0] == "image_id"):
                continue
            if len(fields) != 2 or fields[1] not in ("0", "1", "2"):
                raise ValueError(
                    f"partition file {path} is not in CelebA's format (line {number}: {line.strip()!r}); "
                    "expected 'NAME.jpg 0|1|2' per line."
                )
            partition[fields[0]] = int(fields[1])
    return partition


def _find(folder: str, stem: str) -> str | None:
    for suffix in (".txt", ".csv"):
        if os.path.isfile(os.path.join(folder, stem + suffix)):
            return os.path.join(folder, stem + suffix)
    return None


def attribute_arrays(rows, names=ATTRIBUTES) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Per-image 0/1 rows as `CaptionedImages` labels: name -> int32 array, and name -> value names.

    CelebA's 40 attributes (lower-case names, values ``no`` / ``yes``), then
    the three the captions name and the evaluation judges
    (`face_captions.face_attributes`: ``hair_colour``, ``woman_or_man``, ``expression``).
    """
    table = np.asarray(rows, dtype=np.int32).reshape(len(rows), len(names))
    attributes = {name.lower(): table[:, i] for i, name in enumerate(names)}
    attribute_values = {name.lower(): ["no", "yes"] for name in names}
    judged, judged_values = face_captions.face_attributes(table, names)
    return {**attributes, **judged}, {**attribute_values, **judged_values}


def captions_of_rows(rows, names=ATTRIBUTES) -> list[list[str]]:
    """The captions of each face's 0/1 attribute row (`face_captions.face_captions`)."""
    return [face_captions.face_captions(dict(zip(names, row))) for row in rows]


def read_celeba(path: str | os.PathLike | None = None, split: str = "train", image_size: int = 64,
                count: int | None = None, cache: bool = True):
    """Reads CelebA from its own folder layout (see the module docstring).

    Args:
        path: the folder holding ``img_align_celeba/`` and ``list_attr_celeba.txt``.
        split: ``train``, ``validation`` (needs the partition file) or ``test``.
        image_size: side of the square face images.
        count: the most images to read, in file order (`None`: the whole split).
        cache: keep the decoded faces in ``outputs/datasets/`` (keyed by the
            files, so a changed folder is read again).

    Returns:
        A `CaptionedImages` with all 40 attributes (lower-case names, values
        ``no`` / ``yes``), the three judged ones (`attribute_arrays`) and
        captions written from them (`face_captions`).

    Raises:
        FileNotFoundError: no such folder, or no image folder / attribute file in it.
        ValueError: an unknown split, an attribute or partition file in
            another format, or no usable face.
    """
    from lstmgan_tf.data import real

    if path is None:
        raise ValueError(f"dataset 'celeba' needs path=: the folder holding {IMAGE_FOLDER}/ and {ATTRIBUTE_FILE}.")
    path = os.fspath(path)
    image_dir, attribute_path = os.path.join(path, IMAGE_FOLDER), _find(path, "list_attr_celeba")
    if not os.path.isdir(path):
        raise FileNotFoundError(f"CelebA folder {path} does not exist.")
    if not os.path.isdir(image_dir) or attribute_path is None:
        raise FileNotFoundError(
            f"{path} is not a CelebA folder: it needs {IMAGE_FOLDER}/ and {ATTRIBUTE_FILE} (CelebA's own layout)."
        )
    if split not in PARTITIONS:
        raise ValueError(f"unknown split {split!r} for 'celeba'; choose one of: {', '.join(PARTITIONS)}.")
    partition_path = _find(path, "list_eval_partition")
    if partition_path is None and split == "validation":
        raise ValueError(f"{path} has no {PARTITION_FILE}, so only 'train' and 'test' (its last fifth) exist.")

    nested = os.path.join(image_dir, IMAGE_FOLDER)
    if os.path.isdir(nested):
        # Kaggle's copy unpacks to img_align_celeba/img_align_celeba/.
        image_dir = nested
    file_names = sorted(name for name in os.listdir(image_dir) if name.lower().endswith(real.IMAGE_SUFFIXES))
    skipped = {NOT_IN_ATTRIBUTES: [], NOT_IN_PARTITION: [], real.BAD_IMAGE: []}
    partition = read_partition_file(partition_path) if partition_path else None
    if partition is not None:
        on_disk = {partition.get(name) for name in file_names}
        if not {PARTITIONS["train"], PARTITIONS["test"]} <= on_disk:
            # A slice of CelebA (its first 6,000 faces are all official "train") has no test images.
            logger.warning("%s: the partition file puts none of the %d faces here in %s; the last fifth in file "
                           "order is 'test' instead", partition_path, len(file_names),
                           "'train'" if PARTITIONS["train"] not in on_disk else "'test'")
            partition = None
            if split == "validation":
                raise ValueError(f"{path} has no faces of the 'validation' split; read 'train' and 'test'.")
    if partition is None:
        test_start = len(file_names) - int(len(file_names) * TEST_SHARE)
        in_split = file_names[test_start:] if split == "test" else file_names[:test_start]
    else:
        skipped[NOT_IN_PARTITION] = [os.path.join(image_dir, n) for n in file_names if n not in partition]
        in_split = [name for name in file_names if partition.get(name) == PARTITIONS[split]]
    paths = [os.path.join(image_dir, name) for name in in_split]

    def decode():
        names, rows = read_attribute_file(attribute_path)
        if set(names) != set(ATTRIBUTES):
            raise _format_error(attribute_path, "its attribute names are not CelebA's 40")
        order = [names.index(name) for name in ATTRIBUTES]
        skipped[NOT_IN_ATTRIBUTES] = [p for p in paths if os.path.basename(p) not in rows]
        listed = [p for p in paths if os.path.basename(p) in rows]
        images, kept, skipped[real.BAD_IMAGE] = real.decode_images(listed, image_size, face_crop, count)
        table = [rows[os.path.basename(p)][order] for p in kept]
        return images, captions_of_rows(table), *attribute_arrays(table), skipped

    extra_files = [attribute_path] + ([partition_path] if partition_path else [])
    settings = (image_size, count, "face_crop", face_captions.VERSION)
    return real.read_cached("celeba", split, paths + extra_files, settings, decode, where=f"{path} ({split})",
                            cache=cache)
