"""The visually grounded sentence encoder: it learns, saves without pickle, is reused, fails clearly."""

import os
import warnings

import numpy as np
import pytest

from lstmgan_tf.text import grounded
from lstmgan_tf.text.grounded import GroundedEncoder

COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (40, 60, 230), "yellow": (240, 220, 30)}


@pytest.fixture(scope="module")
def colour_pairs():
    """64 noisy single-colour pictures; their captions name the colour among shared words."""
    rng = np.random.default_rng(0)
    names = list(COLOURS) * 16
    images = np.stack([np.clip(np.array(COLOURS[n]) + rng.normal(0, 25, (32, 32, 3)), 0, 255) for n in names])
    captions = [[f"a flower with {n} petals", f"the petals are {n}"] for n in names]
    return images.astype(np.uint8), captions, names


@pytest.fixture(scope="module")
def fitted(colour_pairs):
    images, captions, _ = colour_pairs
    return GroundedEncoder(dim=8, epochs=25, batch_size=16, verbose=0).fit(captions, images=images)


def test_captions_find_images_of_their_colour(fitted, colour_pairs):
    images, _, names = colour_pairs
    image_vectors = fitted.encode_images(images)
    for colour in COLOURS:
        caption_vector = fitted.encode([f"this flower has {colour} petals"])[0]
        nearest = np.argsort(-(image_vectors @ caption_vector))[:16]
        assert np.mean([names[i] == colour for i in nearest]) >= 0.9, colour
    # The contrastive loss went down from about log(batch size).
    assert fitted.history[-1] < 0.5 * fitted.history[0]
    np.testing.assert_allclose(np.linalg.norm(image_vectors, axis=1), 1.0, rtol=1e-5)


def test_the_unknown_word_starts_and_stays_at_zeros(fitted):
    # No training caption holds [UNK], so no step updates its row: a random start would stay random.
    matrix = fitted.word_embedding_matrix()
    np.testing.assert_array_equal(matrix[fitted.vectorizer.get_vocabulary().index("[UNK]")], 0.0)
    assert np.all(np.abs(matrix[2:]).sum(axis=1) > 0)


def test_save_and_load_give_the_same_vectors_without_pickle(fitted, colour_pairs, tmp_path):
    folder = fitted.save(str(tmp_path / "encoder"))
    assert sorted(os.listdir(folder)) == ["grounded_encoder.json", "image_encoder.weights.h5",
                                          "text_encoder.weights.h5"]
    again = GroundedEncoder.load(folder)
    captions = ["a flower with red petals", "the petals are blue"]
    np.testing.assert_allclose(again.encode(captions), fitted.encode(captions), atol=1e-6)
    np.testing.assert_allclose(again.encode_images(colour_pairs[0][:4]), fitted.encode_images(colour_pairs[0][:4]),
                               atol=1e-6)
    np.testing.assert_array_equal(again.word_embedding_matrix(), fitted.word_embedding_matrix())
    with pytest.raises(FileNotFoundError, match="grounded_encoder.json"):
        GroundedEncoder.load(str(tmp_path / "nothing"))


def test_fit_or_load_trains_once_per_data_and_settings(colour_pairs, tmp_path, monkeypatch):
    images, captions, _ = colour_pairs
    first = grounded.fit_or_load(captions, images, cache_root=str(tmp_path), dim=8, epochs=1, verbose=0)

    def no_training(*args, **kwargs):
        raise AssertionError("the cached encoder should have been reused")

    with monkeypatch.context() as patch:
        patch.setattr(GroundedEncoder, "fit", no_training)
        again = grounded.fit_or_load(captions, images, cache_root=str(tmp_path), dim=8, epochs=1, verbose=0)
    np.testing.assert_array_equal(again.encode(["the petals are red"]), first.encode(["the petals are red"]))
    grounded.fit_or_load(captions, images, cache_root=str(tmp_path), dim=8, epochs=2, verbose=0)
    assert len(os.listdir(tmp_path)) == 2
    # A damaged cache entry is reported and trained again, not a traceback.
    folder = os.path.join(tmp_path, sorted(os.listdir(tmp_path))[0])
    for name in os.listdir(folder):
        if name.endswith(".h5"):
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(b"not hdf5")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epochs in (1, 2):
            grounded.fit_or_load(captions, images, cache_root=str(tmp_path), dim=8, epochs=epochs, verbose=0)
    assert any("unreadable" in str(w.message) for w in caught)


@pytest.mark.parametrize("image_size", [32, 64])
def test_image_side_keeps_a_4x4_layout_before_the_embedding(image_size):
    encoder = grounded.build_image_encoder(image_size, dim=8, width=4)
    assert tuple(encoder.get_layer("flatten").input.shape[1:3]) == (4, 4)
    assert encoder(np.zeros((2, image_size, image_size, 3), np.float32)).shape == (2, 8)


def test_deeper_image_side_saves_and_loads(colour_pairs, tmp_path):
    images, captions, _ = colour_pairs
    encoder = GroundedEncoder(dim=8, epochs=1, batch_size=16, image_depth=2, verbose=0).fit(captions, images=images)
    extra = [layer.name for layer in encoder.image_encoder.layers if layer.name.startswith("conv_")]
    # One stride-1 convolution before each of the three stride-2 ones.
    assert extra == ["conv_0_1", "conv_0", "conv_1_1", "conv_1", "conv_2_1", "conv_2"]
    again = GroundedEncoder.load(encoder.save(str(tmp_path / "deep")))
    assert again.settings.image_depth == 2
    np.testing.assert_allclose(again.encode_images(images[:4]), encoder.encode_images(images[:4]), atol=1e-6)


def test_turned_and_mirrored_training_images_hide_left_from_right():
    """With every image given a random symmetry, a caption that names the red half cannot be learnt."""
    rng = np.random.default_rng(1)
    sides = ["left", "right"] * 32
    images = np.zeros((64, 16, 16, 3), np.uint8)
    for image, side in zip(images, sides):
        image[..., 2] = 200
        red = image[:, :8] if side == "left" else image[:, 8:]
        red[...] = (220, 30, 30)
    images = np.clip(images + rng.normal(0, 10, images.shape), 0, 255).astype(np.uint8)
    captions = [[f"red on the {side}"] for side in sides]

    def side_margin(**settings):
        """How much closer each picture is to its own caption than to the other one (cosine)."""
        encoder = GroundedEncoder(dim=8, epochs=20, batch_size=16, verbose=0, **settings).fit(captions, images=images)
        scores = encoder.encode_images(images) @ encoder.encode(["red on the left", "red on the right"]).T
        own = np.array([0, 1] * 32)
        return np.mean(scores[np.arange(64), own] - scores[np.arange(64), 1 - own])

    assert side_margin(augment_dihedral=0.0) > 0.5
    # A left-right mirror turns one caption's picture into the other's.
    assert abs(side_margin(augment_dihedral=1.0)) < 0.2


def test_bad_input_raises_errors_naming_it(colour_pairs):
    images, captions, _ = colour_pairs
    with pytest.raises(ValueError, match="pass images="):
        GroundedEncoder(dim=8).fit(captions)
    with pytest.raises(ValueError, match="images has 3 entries but captions has 64"):
        GroundedEncoder(dim=8).fit(captions, images=images[:3])
    with pytest.raises(ValueError, match="unknown GroundedEncoder setting"):
        GroundedEncoder(dim=8, layers=3)
    with pytest.raises(ValueError, match="batch_size=1"):
        GroundedEncoder(dim=8, batch_size=1)
    with pytest.raises(ValueError, match="dim must be a positive integer"):
        GroundedEncoder(dim=0)
    with pytest.raises(ValueError, match="image_depth must be a positive integer"):
        GroundedEncoder(dim=8, image_depth=0)
    with pytest.raises(ValueError, match="augment_dihedral=1.5 must be a probability"):
        GroundedEncoder(dim=8, augment_dihedral=1.5)
    with pytest.raises(ValueError, match="not fitted"):
        GroundedEncoder(dim=8).encode(["a red flower"])


def test_hard_negatives_enter_the_image_side_of_the_loss_only_where_they_exist():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    unit = lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)  # noqa: E731
    images, texts = unit(rng.normal(size=(4, 8))).astype(np.float32), unit(rng.normal(size=(4, 8))).astype(np.float32)
    plain = grounded.contrastive_loss(tf.constant(images), tf.constant(texts), 0.1).numpy()
    # Each image's own caption repeated as its negative: the image can no longer pick it out.
    copies = tf.constant(texts[:, None, :])
    harder = grounded.contrastive_loss(tf.constant(images), tf.constant(texts), 0.1, copies).numpy()
    assert np.all(harder > plain)
    masked = grounded.contrastive_loss(tf.constant(images), tf.constant(texts), 0.1, copies,
                                       tf.zeros((4, 1))).numpy()
    np.testing.assert_allclose(masked, plain, rtol=1e-5)


def test_fitting_with_hard_negatives_draws_one_word_swaps_and_needs_word_vectors():
    """Bars that differ in number and colour: their captions' count and colour words are near neighbours."""
    from lstmgan_tf import text

    rng = np.random.default_rng(2)
    counts = ["one", "two", "three", "four"] * 16
    colours = ["red", "blue"] * 32
    images = np.zeros((64, 16, 16, 3), np.uint8)
    for image, count, colour in zip(images, counts, colours):
        image[...] = (240, 240, 240)
        for square in range(["one", "two", "three", "four"].index(count) + 1):
            image[1 + 4 * square:3 + 4 * square, 2:14] = COLOURS[colour]
    images = np.clip(images + rng.normal(0, 8, images.shape), 0, 255).astype(np.uint8)
    captions = [[f"{count} {colour} bars", f"a card with {count} {colour} bars"] for count, colour in zip(counts, colours)]
    word_vectors = text.train_word2vec(captions, vector_size=8, epochs=50, seed=0)
    encoder = GroundedEncoder(dim=8, epochs=15, batch_size=32, verbose=0, word_vectors=word_vectors,
                              hard_negatives=2).fit(captions, images=images)
    swaps, first, count = encoder._one_word_swaps(["one red bars"])
    assert count[0] >= 1 and first[0] == 0 and len(swaps) == count[0]
    # Every swap is the caption with exactly one word changed.
    original = encoder.vectorizer.encode(["one red bars"])[0][0]
    assert all(np.count_nonzero(row != original) == 1 for row in swaps)
    assert np.isfinite(encoder.history).all() and len(encoder.history) == 15
    with pytest.raises(ValueError, match="pass word_vectors="):
        GroundedEncoder(dim=8, hard_negatives=1, verbose=0).fit(captions, images=images)
    with pytest.raises(ValueError, match="hard_negatives must be a non-negative integer"):
        GroundedEncoder(dim=8, hard_negatives=-1)
