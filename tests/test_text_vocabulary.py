"""Tokenisation and `CaptionVectorizer`: ids, padding, OOV, mask, bad input, saving."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import text

CAPTIONS = ["A red flower.", "a blue flower with five petals", "the petals are red, and round"]


def _vectorizer(max_length=6):
    return text.CaptionVectorizer(max_length=max_length).fit(CAPTIONS)


def test_tokenize_lowercases_and_splits_punctuation():
    assert text.tokenize("This flower's petals are YELLOW,and-pink!  5 of them.") == [
        "this", "flowers", "petals", "are", "yellow", "and", "pink", "5", "of", "them"
    ]
    assert text.tokenize(b"Caf\xc3\xa9 rose") == ["café", "rose"]
    assert text.tokenize("...") == []


@pytest.mark.parametrize("caption", [
    "A RED flower's petals; five-petalled, (round) & tiny_ones",
    "Pétales ROUGES: l'été, 3 fleurs!",
    "tabs\tand\nnewlines  and \u2019curly\u2019 quotes",
])
def test_tensorflow_standardisation_matches_python(caption):
    words = tf.strings.split(text.standardize_caption(tf.constant(caption))).numpy()
    assert [w.decode("utf-8") for w in words] == text.tokenize(caption)


def test_vocabulary_is_ordered_by_frequency_then_alphabetically():
    vectorizer = _vectorizer()
    vocabulary = vectorizer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"]
    assert vocabulary[2:6] == ["a", "flower", "petals", "red"]  # each seen twice
    assert vocabulary[6:] == sorted(vocabulary[6:])  # the rest once each
    assert text.build_vocabulary(CAPTIONS, min_count=2) == ["a", "flower", "petals", "red"]


def test_encode_pads_masks_and_marks_unknown_words():
    vectorizer = _vectorizer()
    ids, mask = vectorizer.encode(["a red tulip", "Red!"])
    red = vectorizer.get_vocabulary().index("red")
    a = vectorizer.get_vocabulary().index("a")
    np.testing.assert_array_equal(ids, [[a, red, text.OOV_ID, 0, 0, 0], [red, 0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(mask, ids != text.PADDING_ID)
    assert ids.dtype == np.int32 and mask.dtype == bool
    assert vectorizer.decode(ids) == ["a red [UNK]", "red"]


def test_caption_of_only_unknown_words_is_all_oov_and_masked_in():
    ids, mask = _vectorizer().encode(["zebra giraffe"])
    np.testing.assert_array_equal(ids[0, :2], [text.OOV_ID, text.OOV_ID])
    assert mask[0].tolist() == [True, True, False, False, False, False]


def test_too_long_captions_are_truncated_with_one_warning():
    with pytest.warns(UserWarning, match="2 of 3 captions are longer"):
        vectorizer = _vectorizer(max_length=3)  # fit reports its captions too
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ids, _ = vectorizer.encode(["a red flower with five petals", "the petals are red and round", "red"])
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert "2 of 3 captions are longer than max_length=3" in messages[0]
    assert ids.shape == (3, 3)
    assert vectorizer.decode(ids[:1]) == ["a red flower"]  # the first words are kept


@pytest.mark.parametrize("bad, message", [
    ("a red flower", "single str"),
    ([1, "a flower"], r"captions\[0\] must be a string, got int"),
    (["a flower", None], r"captions\[1\] must be a string, got NoneType"),
    ([b"\xff\xfe"], "not UTF-8"),
    (["a flower", ""], r"captions\[1\] = '' has no words"),
    (["?!"], r"captions\[0\] = '\?!' has no words"),
])
def test_encode_rejects_bad_input_naming_it(bad, message):
    with pytest.raises(ValueError, match=message):
        _vectorizer().encode(bad)


def test_unfitted_vectorizer_and_bad_arguments_are_reported():
    with pytest.raises(ValueError, match="call fit"):
        text.CaptionVectorizer(max_length=4).encode(["a flower"])
    with pytest.raises(ValueError, match="max_length must be a positive integer, got 0"):
        text.CaptionVectorizer(max_length=0)
    with pytest.raises(ValueError, match="'Red' would never match"):
        text.CaptionVectorizer(max_length=4, vocabulary=["Red"])
    with pytest.raises(ValueError, match="no word seen at least min_count=5"):
        text.CaptionVectorizer(max_length=4).fit(CAPTIONS, min_count=5)


def test_default_max_length_comes_from_the_profile():
    from lstmgan_tf import config

    assert text.CaptionVectorizer().max_length == config.get_profile("smoke").max_caption_length


def test_model_with_vectorizer_saves_and_loads_in_keras_format(tmp_path):
    vectorizer = _vectorizer()
    captions = keras.Input(shape=(), dtype="string")
    embedded = keras.layers.Embedding(vectorizer.vocabulary_size(), 4, mask_zero=True)(vectorizer(captions))
    model = keras.Model(captions, embedded)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    batch = tf.constant(["a RED flower", "blue petals, round"])
    np.testing.assert_allclose(loaded(batch), model(batch))
    restored = loaded.layers[1]
    assert isinstance(restored, text.CaptionVectorizer)
    assert restored.get_vocabulary() == vectorizer.get_vocabulary()
    assert restored.max_length == 6


def test_vectorizer_runs_inside_tf_data():
    vectorizer = _vectorizer()
    dataset = tf.data.Dataset.from_tensor_slices({"caption": ["a red flower", "blue petals"]})
    ids = list(dataset.map(lambda element: vectorizer(element["caption"])).as_numpy_iterator())
    np.testing.assert_array_equal(np.stack(ids), vectorizer.encode(["a red flower", "blue petals"])[0])


def test_flatten_captions_keeps_the_image_of_each_caption():
    captions, image_index = text.flatten_captions([["a", "b"], ["c"]])
    assert captions == ["a", "b", "c"] and image_index.tolist() == [0, 0, 1]
    with pytest.raises(ValueError, match=r"captions_per_image\[1\] is a single string"):
        text.flatten_captions([["a"], "b"])
