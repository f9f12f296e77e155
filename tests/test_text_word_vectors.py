"""word2vec training, pretrained vector files, the Embedding they initialise."""

import numpy as np
import pytest

from lstmgan_tf import data, text

# Sizes of the measured results (issue 3): enough text for word2vec to settle,
# a few seconds on a 2-core CPU.
TRAIN_IMAGES = 512
VECTOR_SIZE = 32
EPOCHS = 20


@pytest.fixture(scope="module")
def flowers(tmp_path_factory):
    # Drawn once per test session (the sentence tests use the same images).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSTMGAN_OUTPUTS", str(tmp_path_factory.getbasetemp() / "text_outputs"))
        return data.load_arrays("synthetic_flowers", split="train", count=TRAIN_IMAGES)


@pytest.fixture(scope="module")
def flower_vectors(flowers):
    return text.train_word2vec(flowers.captions, vector_size=VECTOR_SIZE, epochs=EPOCHS, seed=0)


def colour_words(flowers):
    values = flowers.attribute_values
    return sorted(set(values["petal_colour"]) | set(values["center_colour"]))


def test_colour_words_have_colour_words_as_nearest_neighbours(flowers, flower_vectors):
    precision = text.neighbour_precision(flower_vectors, colour_words(flowers), topn=5)
    print(f"top-5 neighbours of colour words that are colour words: {precision:.3f}")
    assert precision >= 0.8


def test_word2vec_is_identical_for_a_fixed_seed(flowers, flower_vectors):
    again = text.train_word2vec(flowers.captions, vector_size=VECTOR_SIZE, epochs=EPOCHS, seed=0)
    assert again.index_to_key == flower_vectors.index_to_key
    np.testing.assert_array_equal(again.vectors, flower_vectors.vectors)
    other_seed = text.train_word2vec(flowers.captions, vector_size=VECTOR_SIZE, epochs=EPOCHS, seed=1)
    assert not np.allclose(other_seed.vectors, flower_vectors.vectors)


def test_extra_corpus_adds_its_words():
    kv = text.train_word2vec(["a red flower"], vector_size=8, epochs=1, extra_corpus="lee")
    assert "red" in kv.key_to_index and "government" in kv.key_to_index
    assert len(text.sample_corpus("lee")) == 300
    with pytest.raises(FileNotFoundError, match="'nope.txt' is neither a file"):
        text.train_word2vec(["a red flower"], extra_corpus="nope.txt")


def test_train_word2vec_rejects_bad_input():
    with pytest.raises(ValueError, match="single str"):
        text.train_word2vec("a red flower")
    with pytest.raises(ValueError, match="hold no words"):
        text.train_word2vec(["", "!!"])
    with pytest.raises(ValueError, match="vector_size must be a positive integer, got 0"):
        text.train_word2vec(["a red flower"], vector_size=0)


@pytest.fixture()
def small_vectors():
    return text.train_word2vec(["a red flower", "a blue flower", "red and blue"], vector_size=6, epochs=2)


@pytest.mark.parametrize("binary, file_format, name", [
    (False, "auto", "vectors.txt"),
    (True, "auto", "vectors.bin"),
    (False, "word2vec", "vectors.vec"),
    (True, "word2vec-binary", "vectors.data"),
])
def test_word2vec_files_load_back(tmp_path, small_vectors, binary, file_format, name):
    path = tmp_path / name
    small_vectors.save_word2vec_format(str(path), binary=binary)
    loaded = text.load_word_vectors(path, format=file_format, expected_dim=6)
    assert loaded.index_to_key == small_vectors.index_to_key
    np.testing.assert_allclose(loaded.vectors, small_vectors.vectors, atol=1e-5)


def test_glove_file_loads_without_header(tmp_path, small_vectors):
    path = tmp_path / "glove.6d.txt"
    path.write_text("".join(
        f"{word} {' '.join(f'{v:.6f}' for v in small_vectors[word])}\n" for word in small_vectors.index_to_key
    ))
    for file_format in ("glove", "auto"):
        loaded = text.load_word_vectors(path, format=file_format)
        assert loaded.index_to_key == small_vectors.index_to_key
        np.testing.assert_allclose(loaded["red"], small_vectors["red"], atol=1e-5)


def test_gensim_ships_offline_glove_and_word2vec_files():
    from gensim.test.utils import datapath

    glove = text.load_word_vectors(datapath("test_glove.txt"), format="glove")
    assert len(glove) > 0 and glove.vector_size > 0


@pytest.mark.parametrize("content, file_format, message", [
    ("red 0.1 0.2\nblue 0.3\n", "glove", "line 2 has 1 numbers, expected 2"),
    ("red 0.1 0.2\nblue 0.3\n", "word2vec", "does not start with a '<count> <dim>' header"),
    ("2 3\nred 0.1 0.2 0.3\nblue 0.1 0.3\n", "auto", "line 3 has 2 numbers, expected 3"),
    ("2 3\nred 0.1 0.2 0.3\nblue 0.1 oops 0.3\n", "word2vec", "could not be read as word2vec"),
    ("2 3\nred 0.1 0.2 0.3\n", "word2vec", "could not be read as word2vec"),
    ("", "auto", "is empty"),
    ("red nan 0.2\nblue 0.1 0.2\n", "glove", "NaN"),
])
def test_malformed_vector_files_are_reported(tmp_path, content, file_format, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as error:
        text.load_word_vectors(path, format=file_format)
    assert "bad.txt" in str(error.value)


def test_binary_garbage_and_wrong_dimension_and_missing_file(tmp_path, small_vectors):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="garbage.bin"):
        text.load_word_vectors(garbage)
    path = tmp_path / "vectors.txt"
    small_vectors.save_word2vec_format(str(path))
    with pytest.raises(ValueError, match="have 6 dimensions, expected 300"):
        text.load_word_vectors(path, expected_dim=300)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        text.load_word_vectors(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="unknown word vector format 'fasttext'"):
        text.load_word_vectors(path, format="fasttext")


def test_download_reports_offline_and_unknown_names(monkeypatch):
    import urllib.error

    import gensim.downloader

    def offline(name):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(gensim.downloader, "load", offline)
    with pytest.raises(ConnectionError, match="load_word_vectors"):
        text.download_word_vectors("glove-wiki-gigaword-50")

    def unknown(name):
        raise ValueError("Incorrect model/corpus name")

    monkeypatch.setattr(gensim.downloader, "load", unknown)
    with pytest.raises(ValueError, match="no model named 'glove-typo'"):
        text.download_word_vectors("glove-typo")


def test_embedding_matrix_follows_the_documented_rule(small_vectors):
    vectorizer = text.CaptionVectorizer(max_length=4).fit(["a red flower", "a green stem"])
    matrix = text.embedding_matrix(small_vectors, vectorizer, seed=3)
    vocabulary = vectorizer.get_vocabulary()
    assert matrix.shape == (len(vocabulary), 6) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0.0)
    # No training caption holds [UNK], so its row never learns: it starts at zeros.
    np.testing.assert_array_equal(matrix[vocabulary.index("[UNK]")], 0.0)
    np.testing.assert_array_equal(matrix[vocabulary.index("red")], small_vectors["red"])
    assert text.missing_words(small_vectors, vectorizer) == ["green", "stem"]
    green = matrix[vocabulary.index("green")]
    assert np.all(green != 0) and not np.allclose(green, matrix[vocabulary.index("stem")])
    # A missing word's row depends on the seed and the word, not on its position.
    reordered = text.embedding_matrix(small_vectors, ["", "[UNK]", "stem", "green"], seed=3)
    np.testing.assert_array_equal(reordered[3], green)
    assert not np.allclose(text.embedding_matrix(small_vectors, vectorizer, seed=4)[vocabulary.index("green")], green)
    # Random rows have the spread of the real vectors.
    many = text.embedding_matrix(small_vectors, ["", "[UNK]"] + [f"w{i}" for i in range(400)])
    assert many[2:].std() == pytest.approx(small_vectors.vectors.std(), rel=0.1)
    # random_rows: every word gets its missing-word row, word2vec's own vectors are not used.
    control = text.embedding_matrix(small_vectors, vectorizer, seed=3, random_rows=True)
    np.testing.assert_array_equal(control[:2], 0.0)
    np.testing.assert_array_equal(control[vocabulary.index("green")], green)
    assert not np.allclose(control[vocabulary.index("red")], small_vectors["red"])


@pytest.mark.parametrize("trainable", [False, True])
def test_embedding_layer_starts_from_the_matrix_and_masks_padding(small_vectors, trainable):
    vectorizer = text.CaptionVectorizer(max_length=5).fit(["a red flower"])
    matrix = text.embedding_matrix(small_vectors, vectorizer)
    layer = text.build_embedding(matrix, trainable=trainable)
    ids, mask = vectorizer.encode(["a red rose"])
    vectors = layer(ids)
    np.testing.assert_allclose(vectors[0, 1], small_vectors["red"])
    np.testing.assert_array_equal(layer.compute_mask(ids), mask)
    assert len(layer.trainable_weights) == int(trainable)
    assert "weights" not in layer.get_config()
    with pytest.raises(ValueError, match="shape"):
        text.build_embedding(np.zeros(5))
