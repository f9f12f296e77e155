"""Real images on disk: CelebA's own layout, folders without captions, the decode cache.

Every fixture is written here: small generated JPEGs and PNGs and an
attribute file in CelebA's format; no real image is read.
"""

import logging
import os

import numpy as np
import pytest
from PIL import Image

from lstmgan_tf import cli
from lstmgan_tf.data import celeba, face_captions, load_arrays, real
from lstmgan_tf.data.face_captions import FACE_ATTRIBUTE_VALUES
from real_fixtures import BACKGROUND, FACE, face_image, write_celeba, write_paintings

def test_celeba_layout_gives_faces_all_40_attributes_and_captions(tmp_path):
    write_celeba(tmp_path)
    train = load_arrays("celeba", path=tmp_path, image_size=16)
    test = load_arrays("celeba", path=tmp_path, split="test", image_size=16)
    # No partition file: the last fifth in file order is the test split.
    assert (len(train), len(test)) == (8, 2)
    assert set(train.attributes) == {name.lower() for name in celeba.ATTRIBUTES} | set(FACE_ATTRIBUTE_VALUES)
    assert train.attributes["male"].tolist() == [1, 0, 1, 0, 1, 0, 1, 0]
    assert train.attributes["smiling"].tolist() == [0, 1, 0, 1, 0, 1, 0, 1]
    assert train.describe(1)["smiling"] == "yes" and train.describe(0)["male"] == "yes"
    assert train.describe(0)["woman_or_man"] == "man" and train.describe(1)["expression"] == "smiling"
    for index in (0, 1):
        row = {name: train.describe(index)[name.lower()] == "yes" for name in celeba.ATTRIBUTES}
        assert train.captions[index] == face_captions.face_captions(row)
    # The face crop keeps the face and cuts the background off (any image size).
    assert np.abs(train.images[:, 1:-1, 1:-1].astype(int) - FACE).max() < 12
    with pytest.raises(ValueError, match="has no list_eval_partition.txt"):
        load_arrays("celeba", path=tmp_path, split="validation")


def test_face_crop_scales_with_the_image():
    full, half = celeba.face_crop(face_image((178, 218)), 32), celeba.face_crop(face_image((89, 109)), 32)
    for crop in (full, half):
        assert crop.shape == (32, 32, 3) and np.abs(crop[1:-1, 1:-1].astype(int) - FACE).max() < 12
    # A plain centre crop of the same image keeps background at its sides.
    assert np.abs(real.to_square_rgb(face_image(), 32)[16, 0].astype(int) - BACKGROUND).max() < 12


def test_partition_file_sets_the_splits(tmp_path):
    write_celeba(tmp_path, count=6, partition=[0, 0, 1, 2, 0, 2])
    sizes = {split: len(load_arrays("celeba", path=tmp_path, split=split, image_size=8))
             for split in ("train", "validation", "test")}
    assert sizes == {"train": 3, "validation": 1, "test": 2}


def test_a_slice_of_celeba_whose_partition_has_no_test_faces_splits_by_file_order(tmp_path, caplog):
    # CelebA's first 162,770 faces are all "train": a slice of them has no test split in the partition file.
    write_celeba(tmp_path, count=10, partition=[0] * 10)
    with caplog.at_level(logging.WARNING, logger="lstmgan_tf.data"):
        test = load_arrays("celeba", path=tmp_path, split="test", image_size=8)
    assert len(test) == 2 and "puts none of the 10 faces here in 'test'" in caplog.text
    assert len(load_arrays("celeba", path=tmp_path, image_size=8)) == 8


def test_kaggle_nested_image_folder_is_read(tmp_path):
    write_celeba(tmp_path, count=5)
    images = tmp_path / celeba.IMAGE_FOLDER
    nested = images / celeba.IMAGE_FOLDER
    nested.mkdir()
    for path in sorted(images.glob("*.jpg")):
        path.rename(nested / path.name)
    assert len(load_arrays("celeba", path=tmp_path, image_size=8)) == 4


def test_broken_image_and_unlisted_face_are_skipped_with_a_warning(tmp_path, caplog):
    names = write_celeba(tmp_path, count=6, listed=[f"{i:06d}.jpg" for i in (1, 2, 3, 5, 6)])
    (tmp_path / celeba.IMAGE_FOLDER / names[1]).write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with caplog.at_level(logging.WARNING, logger="lstmgan_tf.data"):
        data = load_arrays("celeba", path=tmp_path, image_size=8)
    image_dir = str(tmp_path / celeba.IMAGE_FOLDER)
    assert len(data) == 3
    assert data.skipped == {
        celeba.NOT_IN_ATTRIBUTES: [os.path.join(image_dir, "000004.jpg")],
        real.BAD_IMAGE: [os.path.join(image_dir, "000002.jpg")],
    }
    assert "000004.jpg" in caplog.text and "face missing from the attribute file" in caplog.text
    assert "000002.jpg" in caplog.text and "unreadable image" in caplog.text


@pytest.mark.parametrize("content, problem", [
    ("image_id,Smiling\n000001.jpg,1\n", "attribute names are not CelebA's 40"),
    ("000001.jpg 1 -1\n", "line 1 is not the number of images"),
    ("1\n" + " ".join(celeba.ATTRIBUTES) + "\n000001.jpg 1 0 1\n", "line 3 has 3 values, not 40"),
])
def test_attribute_file_of_another_format_is_one_line_error(tmp_path, capsys, content, problem):
    write_celeba(tmp_path, count=2)
    (tmp_path / celeba.ATTRIBUTE_FILE).unlink()
    name = "list_attr_celeba.csv" if content.startswith("image_id") else celeba.ATTRIBUTE_FILE
    (tmp_path / name).write_text(content)
    with pytest.raises(ValueError, match=problem):
        load_arrays("celeba", path=tmp_path, image_size=8, cache=False)
    code = cli.main(["data", "preview", "--dataset", "celeba", "--path", str(tmp_path), "--out", str(tmp_path),
                     "--count", "2", "--profile", "smoke"])
    error = capsys.readouterr().err
    assert code == 2 and error.startswith("error: attribute file") and problem in error
    assert "Traceback" not in error and len(error.strip().splitlines()) == 1


def test_kaggle_csv_layout_is_read(tmp_path):
    write_celeba(tmp_path, count=3)
    text_rows = (tmp_path / celeba.ATTRIBUTE_FILE).read_text().splitlines()[2:]
    (tmp_path / celeba.ATTRIBUTE_FILE).unlink()
    csv_rows = ["image_id," + ",".join(celeba.ATTRIBUTES)] + [",".join(row.split()) for row in text_rows]
    (tmp_path / "list_attr_celeba.csv").write_text("\n".join(csv_rows) + "\n")
    (tmp_path / "list_eval_partition.csv").write_text("image_id,partition\n000001.jpg,0\n000002.jpg,0\n000003.jpg,2\n")
    assert load_arrays("celeba", path=tmp_path, image_size=8).attributes["male"].tolist() == [1, 0]


def test_not_a_celeba_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a CelebA folder: it needs img_align_celeba/"):
        load_arrays("celeba", path=tmp_path)
    with pytest.raises(ValueError, match="dataset 'celeba' needs path="):
        load_arrays("celeba")


def test_decoded_images_are_cached_and_a_changed_folder_is_read_again(tmp_path, monkeypatch):
    names = write_celeba(tmp_path, count=5)
    first = load_arrays("celeba", path=tmp_path, image_size=8)
    decoded = []
    original = real.decode_images
    monkeypatch.setattr(real, "decode_images", lambda paths, *args: decoded.append(len(paths)) or original(paths, *args))
    again = load_arrays("celeba", path=tmp_path, image_size=8)
    np.testing.assert_array_equal(first.images, again.images)
    assert decoded == [] and again.captions == first.captions and again.attribute_values == first.attribute_values
    # A replaced image (new size and time) is decoded again.
    image = np.zeros((218, 178, 3), np.uint8)
    Image.fromarray(image).save(tmp_path / celeba.IMAGE_FOLDER / names[0], quality=50)
    changed = load_arrays("celeba", path=tmp_path, image_size=8)
    assert decoded == [4] and changed.images[0].max() < 20


# --------------------------------------------------------------------------- #
# TFDS's celeb_a: the same crop, attributes and captions.
# --------------------------------------------------------------------------- #

def test_tfds_celeb_a_gives_the_same_examples_as_the_folder(tmp_path):
    tfds = pytest.importorskip("tensorflow_datasets")
    import tensorflow as tf

    write_celeba(tmp_path, count=2, suffix="png")
    from_folder = load_arrays("celeba", path=tmp_path, image_size=16)
    example = {
        "image": np.asarray(face_image()),
        "attributes": {name: name == "Male" for name in celeba.ATTRIBUTES},
    }

    def as_dataset(self, split, **kwargs):
        signature = {"image": tf.TensorSpec((None, None, 3), tf.uint8),
                     "attributes": {name: tf.TensorSpec((), tf.bool) for name in celeba.ATTRIBUTES}}
        return tf.data.Dataset.from_generator(lambda: iter([example]), output_signature=signature)

    with tfds.testing.mock_data(policy=tfds.testing.MockPolicy.USE_CODE, as_dataset_fn=as_dataset):
        from_tfds = load_arrays("celeb_a", image_size=16)
    np.testing.assert_array_equal(from_tfds.images[0], from_folder.images[0])
    assert from_tfds.captions[0] == from_folder.captions[0]
    assert {k: v[0] for k, v in from_tfds.attributes.items()} == {k: v[0] for k, v in from_folder.attributes.items()}


# --------------------------------------------------------------------------- #
# A folder of images without captions.
# --------------------------------------------------------------------------- #

def test_folder_without_captions_holds_out_a_fixed_fifth(tmp_path):
    write_paintings(tmp_path / "art", count=30)
    train = load_arrays("folder", path=tmp_path / "art", image_size=8)
    test = load_arrays("folder", path=tmp_path / "art", split="test", image_size=8)
    assert train.captions is None and test.captions is None
    held_out = [f"painting_{i:02d}.jpg" for i in range(30) if real.held_out(f"painting_{i:02d}.jpg")]
    assert len(test) == len(held_out) and len(train) + len(test) == 30 and 3 <= len(test) <= 10
    train_rows = {image.tobytes() for image in train.images}
    assert not any(image.tobytes() in train_rows for image in test.images)


def test_images_in_sub_folders_are_read_with_the_captions_beside_them(tmp_path):
    for artist in ("klee", "miro"):
        write_paintings(tmp_path / "art" / artist, count=3)
        (tmp_path / "art" / artist / "painting_00.txt").write_text(f"a painting by {artist}\n")
    (tmp_path / "art" / ".DS_Store").write_bytes(b"not an image")
    data = load_arrays("folder", path=tmp_path / "art", image_size=8)
    # Captioned folder: the four paintings without a caption file are skipped, named with their sub-folder.
    assert data.captions == [["a painting by klee"], ["a painting by miro"]]
    assert str(tmp_path / "art" / "miro" / "painting_02.jpg") in data.skipped["image without caption"]


def test_small_folder_is_all_train(tmp_path):
    write_paintings(tmp_path / "few", count=real.MIN_IMAGES_TO_HOLD_OUT - 1)
    assert len(load_arrays("folder", path=tmp_path / "few", image_size=8)) == real.MIN_IMAGES_TO_HOLD_OUT - 1
    with pytest.raises(ValueError, match="has no usable images"):
        load_arrays("folder", path=tmp_path / "few", split="test", image_size=8)


def test_dcgan_trains_on_uncaptioned_folder_and_text_model_refuses_in_one_line(tmp_path, capsys):
    write_paintings(tmp_path / "art", count=20)
    common = ["--dataset", "folder", "--path", str(tmp_path / "art"), "--profile", "smoke", "--epochs", "1",
              "--batch-size", "4", "--dataset-size", "8"]
    assert cli.main(["train", "--model", "dcgan", "--out", str(tmp_path / "run"), *common]) == 0
    assert os.path.isfile(tmp_path / "run" / "model.weights.h5")
    capsys.readouterr()
    code = cli.main(["train", "--model", "lstm_cgan", "--out", str(tmp_path / "text_run"), *common])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1
    assert "needs captions" in error and "same-name .txt" in error
