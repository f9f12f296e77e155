"""Real-dataset adapters: image folders written by the tests and TFDS under `mock_data`."""

import logging

import numpy as np
import pytest
from PIL import Image

from lstmgan_tf.data import load_arrays, load_dataset
from lstmgan_tf.data import celeba, face_captions, real


def _write_image(path, size, mode="RGB", colour=(200, 30, 30)):
    width, height = size
    if mode == "L":
        image = Image.new("L", size, 90)
    elif mode == "RGBA":
        # Opaque red on the left half, fully transparent on the right half.
        pixels = np.zeros((height, width, 4), np.uint8)
        pixels[:, : width // 2] = (*colour, 255)
        image = Image.fromarray(pixels, "RGBA")
    else:
        pixels = np.zeros((height, width, 3), np.uint8)
        pixels[:] = colour
        # A bright stripe on the left edge shows what the centre crop cuts.
        pixels[:, : width // 10] = 255
        image = Image.fromarray(pixels, "RGB")
    image.save(path)


def _write_captions(path, lines, encoding="utf-8"):
    with open(path, "wb") as handle:
        handle.write("\n".join(lines).encode(encoding))


@pytest.fixture
def image_folder(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    _write_image(folder / "a_wide.jpg", (120, 60))
    _write_captions(folder / "a_wide.txt", ["a red wide picture", "", "  red again  "])
    _write_image(folder / "b_tall.png", (40, 90), colour=(20, 160, 40))
    _write_captions(folder / "b_tall.txt", ["a green tall picture"])
    _write_image(folder / "c_gray.png", (50, 50), mode="L")
    _write_captions(folder / "c_gray.txt", ["a gray square"])
    _write_image(folder / "d_rgba.png", (64, 64), mode="RGBA")
    _write_captions(folder / "d_rgba.txt", ["half red, half transparent"])
    return folder


def test_folder_images_become_square_rgb_with_their_captions(image_folder):
    data = load_arrays("folder", path=image_folder, image_size=32)
    assert data.images.shape == (4, 32, 32, 3) and data.images.dtype == np.uint8
    assert data.captions == [
        ["a red wide picture", "red again"], ["a green tall picture"], ["a gray square"],
        ["half red, half transparent"],
    ]
    assert data.skipped == {}
    wide, tall, gray, rgba = data.images.astype(int)
    # Centre crop: the white stripe at the left tenth of the wide image is cut off.
    assert abs(wide[:, 0] - [200, 30, 30]).max() < 30
    assert abs(tall[16, 16] - [20, 160, 40]).max() < 30
    assert (gray[..., 0] == gray[..., 1]).all() and abs(gray[16, 16, 0] - 90) <= 2
    # Transparent pixels are laid over white.
    assert abs(rgba[16, 4] - [200, 30, 30]).max() < 10 and (rgba[16, 28] > 245).all()


def test_folder_uses_the_split_subfolder(image_folder):
    test_folder = image_folder / "test"
    test_folder.mkdir()
    _write_image(test_folder / "x.png", (30, 30))
    _write_captions(test_folder / "x.txt", ["only test"])
    assert load_arrays("folder", split="test", path=image_folder, image_size=16).captions == [["only test"]]
    with pytest.raises(FileNotFoundError, match="has no sub-folder 'validation'"):
        load_arrays("folder", split="validation", path=image_folder)


def test_folder_count_and_tf_dataset(image_folder):
    assert len(load_arrays("folder", path=image_folder, image_size=16, count=2)) == 2
    dataset = load_dataset("folder", path=image_folder, image_size=16, batch_size=5)
    batch = next(iter(dataset))
    assert tuple(batch["image"].shape) == (5, 16, 16, 3)
    assert set(batch) == {"image", "caption", "image_index"}


def test_skipped_files_are_counted_logged_and_named(image_folder, caplog):
    _write_image(image_folder / "e_no_caption.png", (20, 20))
    _write_captions(image_folder / "f_no_image.txt", ["lonely caption"])
    _write_image(image_folder / "g_empty_caption.png", (20, 20))
    _write_captions(image_folder / "g_empty_caption.txt", ["", "   "])
    (image_folder / "h_corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    _write_captions(image_folder / "h_corrupt.txt", ["broken"])
    with caplog.at_level(logging.WARNING, logger="lstmgan_tf.data"):
        data = load_arrays("folder", path=image_folder, image_size=16)
    assert len(data) == 4
    assert data.skipped == {
        "image without caption": [str(image_folder / "e_no_caption.png"), str(image_folder / "g_empty_caption.png")],
        "caption without image": [str(image_folder / "f_no_image.txt")],
        "unreadable image": [str(image_folder / "h_corrupt.jpg")],
    }
    logged = caplog.text
    for name in ("e_no_caption.png", "f_no_image.txt", "h_corrupt.jpg", "skipped 2 (image without caption)"):
        assert name in logged


def test_non_utf8_caption_is_an_error_naming_the_file(image_folder):
    _write_captions(image_folder / "b_tall.txt", ["une fleur très jolie"], encoding="latin-1")
    with pytest.raises(ValueError, match=r"caption file .*b_tall.txt is not UTF-8 \(byte 0xe8"):
        load_arrays("folder", path=image_folder)


def test_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="dataset 'folder' needs path="):
        load_arrays("folder")
    with pytest.raises(FileNotFoundError, match="image folder .*missing does not exist"):
        load_arrays("folder", path=tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    _write_captions(empty / "a.txt", ["caption only"])
    with pytest.raises(ValueError, match="has no usable images: 1 caption without image"):
        load_arrays("folder", path=empty)
    with pytest.raises(ValueError, match="'folder' does not take option.* seed_images"):
        load_arrays("folder", path=empty, seed_images=3)


# --------------------------------------------------------------------------- #
# TensorFlow Datasets, offline.
# --------------------------------------------------------------------------- #

tfds = pytest.importorskip("tensorflow_datasets")


def _mock(examples):
    """`tfds.testing.mock_data` that yields the given examples."""
    import tensorflow as tf

    def as_dataset(self, split, **kwargs):
        signature = {
            key: tf.TensorSpec(shape=(None, None, 3) if key == "image" else np.shape(value),
                               dtype=tf.string if isinstance(value, str) else tf.as_dtype(np.asarray(value).dtype))
            for key, value in examples[0].items()
        }
        return tf.data.Dataset.from_generator(lambda: iter(examples), output_signature=signature)

    return tfds.testing.mock_data(policy=tfds.testing.MockPolicy.USE_CODE, as_dataset_fn=as_dataset)


def _flower(label, stem, size=(40, 30)):
    image = np.full((*size, 3), 60 + label, np.uint8)
    return {"image": image, "label": np.int64(label), "file_name": f"{stem}.jpg"}


def test_oxford_flowers_with_reed_captions(tmp_path, caplog):
    captions_dir = tmp_path / "text_c10"
    for label, stem in [(0, "image_06734"), (76, "image_00001")]:
        folder = captions_dir / f"class_{label + 1:05d}"
        folder.mkdir(parents=True)
        _write_captions(folder / f"{stem}.txt", [f"caption {i} of {stem}" for i in range(10)])
    examples = [_flower(0, "image_06734"), _flower(76, "image_00001", (20, 50)), _flower(3, "image_09999")]
    with _mock(examples), caplog.at_level(logging.WARNING, logger="lstmgan_tf.data"):
        data = load_arrays("oxford_flowers102", image_size=32, captions_dir=captions_dir)
    assert data.images.shape == (2, 32, 32, 3)
    assert data.captions[0] == [f"caption {i} of image_06734" for i in range(10)]
    assert len(data.captions[1]) == 10
    # The third image has no caption file: skipped, counted and named.
    assert data.skipped["image without caption"] == [
        f"image_09999.jpg (no {captions_dir / 'class_00004' / 'image_09999.txt'})"
    ]
    assert "image_09999" in caplog.text


def test_oxford_flowers_without_captions_uses_class_names():
    with _mock([_flower(0, "image_00001")]):
        data = load_arrays("oxford_flowers102", image_size=16)
    assert data.captions == [["a photo of a pink primrose", "a pink primrose flower"]]


def test_caltech_birds_with_reed_captions(tmp_path):
    folder = tmp_path / "text_c10" / "001.Black_footed_Albatross"
    folder.mkdir(parents=True)
    _write_captions(folder / "Black_Footed_Albatross_0046_18.txt", ["a large bird with a long beak"] * 10)
    example = {
        "image": np.full((50, 70, 3), 100, np.uint8),
        "image/filename": "001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg",
        "label": np.int64(0),
        "label_name": "001.Black_footed_Albatross",
    }
    with _mock([example]):
        data = load_arrays("caltech_birds2011", image_size=32, captions_dir=tmp_path / "text_c10")
        uncaptioned = load_arrays("caltech_birds2011", image_size=32)
    assert data.captions == [["a large bird with a long beak"] * 10]
    assert data.images.shape == (1, 32, 32, 3)
    assert uncaptioned.captions[0][0] == "a photo of a black footed albatross"


def test_celeb_a_attributes_become_captions_and_labels():
    names = [f.lower() for f in celeba.ATTRIBUTES]
    with tfds.testing.mock_data(num_examples=3, policy=tfds.testing.MockPolicy.USE_CODE):
        data = load_arrays("celeb_a", image_size=32)
        dataset = load_dataset("celeb_a", image_size=32, batch_size=2)
        batch = next(iter(dataset))
    assert data.images.shape == (3, 32, 32, 3)
    assert set(data.attributes) == {*names, "hair_colour", "woman_or_man", "expression"}
    for index, captions in enumerate(data.captions):
        truth = data.describe(index)
        assert truth["woman_or_man"] == ("man" if truth["male"] == "yes" else "woman")
        row = {name: truth[name.lower()] == "yes" for name in celeba.ATTRIBUTES}
        assert captions == face_captions.face_captions(row)  # The folder reader writes the same.
    assert tuple(batch["image"].shape) == (2, 32, 32, 3) and batch["attributes"]["smiling"].dtype.name == "int32"


def test_tfds_not_prepared_offline_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"'oxford_flowers102' is not prepared in .*tfds_data; pass download=True"):
        load_arrays("oxford_flowers102", data_dir=str(tmp_path / "tfds_data"))


def test_missing_caption_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="caption folder .*nowhere does not exist"):
        load_arrays("oxford_flowers102", captions_dir=tmp_path / "nowhere")


def test_non_utf8_reed_caption_is_an_error(tmp_path):
    folder = tmp_path / "text_c10" / "class_00001"
    folder.mkdir(parents=True)
    (folder / "image_00001.txt").write_bytes(b"caf\xe9 colored petals")
    with _mock([_flower(0, "image_00001")]):
        with pytest.raises(ValueError, match=r"image_00001.txt is not UTF-8 \(byte 0xe9 at position 3\)"):
            load_arrays("oxford_flowers102", captions_dir=tmp_path / "text_c10")


def test_no_caption_matching_at_all_is_an_error(tmp_path):
    (tmp_path / "text_c10").mkdir()
    with _mock([_flower(0, "image_00001")]):
        with pytest.raises(ValueError, match="no usable images: 1 image without caption"):
            load_arrays("oxford_flowers102", captions_dir=tmp_path / "text_c10")


def test_to_square_rgb_rejects_a_non_image_array():
    with pytest.raises(ValueError, match=r"expected an image of shape .* got \(4, 4, 2\)"):
        real.to_square_rgb(np.zeros((4, 4, 2), np.uint8), 8)


def test_a_text_model_trains_on_an_image_folder_through_the_cli(image_folder, tmp_path):
    """``train --model lstm_cgan --dataset folder --set data.path=DIR``: real captioned images."""
    from lstmgan_tf import cli
    from lstmgan_tf.training.text_runs import load_text_model

    out = tmp_path / "run"
    assert cli.main(["train", "--model", "lstm_cgan", "--dataset", "folder", "--set", f"data.path={image_folder}",
                     "--profile", "smoke", "--batch-size", "4", "--out", str(out)]) == 0
    trained = load_text_model(out)
    assert "green" in trained.text.vectorizer.words
    assert cli.main(["train", "--model", "lstm_cgan", "--dataset", "folder", "--set", "data.nonsense=1",
                     "--profile", "smoke", "--out", str(tmp_path / "bad")]) == 2

