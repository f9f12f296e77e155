"""Small real-image fixtures the tests write themselves: a CelebA folder, a folder of paintings.

No real image is read or committed: the "faces" are two-colour squares laid out
as an aligned CelebA face, the "paintings" random noise.
"""

import numpy as np
from PIL import Image

from lstmgan_tf.data import celeba

FACE, BACKGROUND = (210, 160, 130), (20, 40, 200)


def face_image(size=(178, 218), shade=0):
    """A 'face': the centre 108/178 of the width is FACE, the rest BACKGROUND (as an aligned CelebA image).

    ``shade`` (0-63) adds up to 7 to the face's red and green, so that faces differ (the study drops
    duplicates) within the tolerance the crop tests allow.
    """
    width, height = size
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[:] = BACKGROUND
    side = round(width * 108 / 178)
    top, left = round((height - side) / 2), round((width - side) / 2)
    pixels[top : top + side, left : left + side] = FACE
    pixels[top : top + side, left : left + side, :2] += np.uint8([shade % 8, shade // 8 % 8])
    return Image.fromarray(pixels)


def _attribute_line(name, on=()):
    return f"{name} " + " ".join(" 1" if a in on else "-1" for a in celeba.ATTRIBUTES)


def write_celeba(folder, count=10, size=(178, 218), on=lambda i: ("Smiling",) if i % 2 else ("Male",),
                 listed=None, partition=None, suffix="jpg"):
    """A CelebA folder: ``count`` faces ``000001.jpg ...``, an attribute file for ``listed`` of them."""
    images = folder / celeba.IMAGE_FOLDER
    images.mkdir(parents=True)
    names = [f"{i + 1:06d}.{suffix}" for i in range(count)]
    for index, name in enumerate(names):
        face_image(size, shade=index).save(images / name)
    listed = names if listed is None else listed
    lines = [str(len(listed)), " ".join(celeba.ATTRIBUTES)]
    lines += [_attribute_line(name, on(names.index(name))) for name in listed]
    (folder / celeba.ATTRIBUTE_FILE).write_text("\n".join(lines) + "\n")
    if partition is not None:
        (folder / celeba.PARTITION_FILE).write_text("".join(f"{n} {p}\n" for n, p in zip(names, partition)))
    return names


def write_paintings(folder, count=12):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for index in range(count):
        Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)).save(folder / f"painting_{index:02d}.jpg")
