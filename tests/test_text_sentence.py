"""Sentence encoders: same-image captions closer, determinism, caching, bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import data, text

TRAIN_IMAGES = 512
HELD_OUT_IMAGES = 200
VECTOR_SIZE = 32


@pytest.fixture(scope="module")
def flowers(tmp_path_factory):
    # The same cached drawing as tests/test_text_word_vectors.py.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSTMGAN_OUTPUTS", str(tmp_path_factory.getbasetemp() / "text_outputs"))
        train = data.load_arrays("synthetic_flowers", split="train", count=TRAIN_IMAGES)
        held_out = data.load_arrays("synthetic_flowers", split="test", count=HELD_OUT_IMAGES)
    return train, held_out


@pytest.fixture(scope="module")
def encoders(flowers):
    train, _ = flowers
    word_vectors = text.train_word2vec(train.captions, vector_size=VECTOR_SIZE, epochs=20, seed=0)
    return {
        "sif": text.SIFEncoder(word_vectors).fit(train.captions),
        "doc2vec": text.Doc2VecEncoder(vector_size=VECTOR_SIZE, epochs=40, seed=0).fit(train.captions),
    }


@pytest.mark.parametrize("name", ["sif", "doc2vec"])
def test_captions_of_the_same_image_are_closer_on_held_out_images(flowers, encoders, name):
    _, held_out = flowers
    captions, image_index = text.flatten_captions(held_out.captions)
    vectors = encoders[name].encode(captions)
    assert vectors.shape == (len(captions), VECTOR_SIZE) and vectors.dtype == np.float32
    same, different = text.caption_pair_similarities(vectors, image_index, pairs=4000, seed=0)
    print(f"{name}: mean cosine same image {same.mean():.3f}, different images {different.mean():.3f}")
    assert same.mean() > different.mean()


@pytest.mark.parametrize("name", ["sif", "doc2vec"])
def test_vectors_do_not_depend_on_order_batch_or_cache(flowers, encoders, name):
    _, held_out = flowers
    captions = [c for image in held_out.captions[:20] for c in image]
    encoder = encoders[name]
    first = encoder.encode(captions)
    assert encoder.cache_size >= len(set(map(text.normalize_caption, captions)))
    reversed_order = encoder.encode(captions[::-1])[::-1]
    np.testing.assert_array_equal(first, reversed_order)
    # Case and punctuation do not change a caption's vector.
    np.testing.assert_array_equal(encoder.encode([captions[0].upper() + "."])[0], first[0])


def test_doc2vec_is_identical_for_a_fixed_seed(flowers):
    train, held_out = flowers
    captions = held_out.captions[0]
    runs = [
        text.Doc2VecEncoder(vector_size=8, epochs=5, seed=seed).fit(train.captions[:100]).encode(captions)
        for seed in (0, 0, 1)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])


_ENCODE_IN_SUBPROCESS = """
import json, sys
from lstmgan_tf import text
captions = json.loads(sys.argv[1])
kv = text.train_word2vec(captions, vector_size=8, epochs=3, seed=7)
doc2vec = text.Doc2VecEncoder(vector_size=8, epochs=3, seed=7).fit(captions)
print(json.dumps({"red": kv["red"].tolist(), "doc2vec": doc2vec.encode(captions[:2]).tolist()}))
"""


def test_word2vec_and_doc2vec_are_identical_in_a_process_with_another_hash_seed():
    captions = ["a red flower with five petals", "a blue flower with round petals",
                "the center is yellow", "six pink petals surround a black middle"] * 5
    # PYTHONHASHSEED changes Python's hash of strings, which gensim's own
    # Doc2Vec inference uses; this process has a random or different one.
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", _ENCODE_IN_SUBPROCESS, json.dumps(captions)],
        capture_output=True, text=True, env=environment, check=True,
    )
    there = json.loads(result.stdout.strip().splitlines()[-1])
    kv = text.train_word2vec(captions, vector_size=8, epochs=3, seed=7)
    doc2vec = text.Doc2VecEncoder(vector_size=8, epochs=3, seed=7).fit(captions)
    np.testing.assert_array_equal(kv["red"], np.float32(there["red"]))
    np.testing.assert_array_equal(doc2vec.encode(captions[:2]), np.float32(there["doc2vec"]))


@pytest.fixture()
def small_sif():
    captions = ["a red flower", "a blue flower", "red petals", "blue petals", "a big flower"]
    kv = text.train_word2vec(captions, vector_size=6, epochs=2)
    return text.SIFEncoder(kv).fit(captions)


def test_sif_follows_arora_et_al(small_sif):
    encoder = small_sif
    kv, a = encoder.word_vectors, encoder.a
    words = ["a", "red", "flower"]
    counts = {"a": 3, "red": 2, "flower": 3}
    weights = np.array([a / (a + counts[w] / 13) for w in words])  # 13 words in all
    average = weights @ kv[words] / 3
    u = encoder.principal_component
    np.testing.assert_allclose(encoder.encode(["a red flower"])[0], average - (average @ u) * u, rtol=1e-5, atol=1e-7)
    assert np.linalg.norm(u) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("make", [
    lambda kv: text.SIFEncoder(kv),
    lambda kv: text.Doc2VecEncoder(vector_size=6, epochs=2),
])
def test_bad_captions_and_unknown_words(make):
    captions = ["a red flower", "a blue flower"]
    encoder = make(text.train_word2vec(captions, vector_size=6, epochs=1)).fit(captions)
    with pytest.warns(UserWarning, match="1 captions have no word .*'zebra giraffe'"):
        vectors = encoder.encode(["Zebra giraffe!", "a red flower"])
    np.testing.assert_array_equal(vectors[0], 0.0)
    assert np.any(vectors[1] != 0)
    with pytest.raises(ValueError, match=r"captions\[1\] = '' has no words"):
        encoder.encode(["a red flower", ""])
    with pytest.raises(ValueError, match="single str"):
        encoder.encode("a red flower")
    with pytest.raises(ValueError, match=r"captions\[0\] must be a string, got float"):
        encoder.encode([3.5])


def test_unfitted_encoders_and_bad_arguments():
    with pytest.raises(ValueError, match="not fitted"):
        text.Doc2VecEncoder(vector_size=4).encode(["a flower"])
    with pytest.raises(ValueError, match="dm=2"):
        text.Doc2VecEncoder(dm=2)
    with pytest.raises(ValueError, match="KeyedVectors"):
        text.SIFEncoder({"red": np.zeros(3)})


def test_sentence_vector_table_looks_up_inside_tf_data(small_sif):
    captions = ["a red flower", "Blue petals!", "a big flower"]
    table = small_sif.table(captions)
    dataset = tf.data.Dataset.from_tensor_slices(["A red flower.", "blue petals"]).map(table)
    looked_up = np.stack(list(dataset.as_numpy_iterator()))
    np.testing.assert_array_equal(looked_up, small_sif.encode(["a red flower", "blue petals"]))
    assert table(tf.constant(captions)).shape == (3, small_sif.dim)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the SentenceVectorTable"):
        table(tf.constant(["a green stem"]))


CAPTIONS_PER_IMAGE = [["a red flower", "red petals"], ["a blue flower", "blue petals"]]


def test_precomputed_vectors_load_from_npy(tmp_path):
    vectors = np.arange(2 * 2 * 3, dtype=np.float32).reshape(2, 2, 3)  # StackGAN's layout
    path = tmp_path / "embeddings.npy"
    np.save(path, vectors)
    encoder = text.PrecomputedEncoder.from_npy(path, CAPTIONS_PER_IMAGE, expected_dim=3).fit()
    assert encoder.dim == 3
    np.testing.assert_array_equal(encoder.encode(["Blue petals.", "a red flower"]), vectors[[1, 0], [1, 0]])
    with pytest.raises(ValueError, match="'a green stem' has no precomputed sentence vector"):
        encoder.encode(["a green stem"])
    with pytest.raises(ValueError, match="have 3 dimensions, expected 1024"):
        text.PrecomputedEncoder.from_npy(path, CAPTIONS_PER_IMAGE, expected_dim=1024)
    with pytest.raises(ValueError, match="got 4 precomputed vectors for 3 captions"):
        text.PrecomputedEncoder.from_npy(path, ["a", "b", "c"])


def test_pickled_npy_needs_explicit_opt_in(tmp_path):
    path = tmp_path / "pickled.npy"
    rows = np.empty(4, dtype=object)
    for index in range(4):
        rows[index] = [float(index), 1.0]
    np.save(path, rows, allow_pickle=True)
    with pytest.raises(ValueError, match="pickled Python objects.*allow_pickle=True"):
        text.PrecomputedEncoder.from_npy(path, CAPTIONS_PER_IMAGE)
    with pytest.warns(UserWarning, match="only for files you trust"):
        encoder = text.PrecomputedEncoder.from_npy(path, CAPTIONS_PER_IMAGE, allow_pickle=True)
    np.testing.assert_array_equal(encoder.encode(["red petals"]), [[1.0, 1.0]])


def test_bad_precomputed_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.npy"):
        text.PrecomputedEncoder.from_npy(tmp_path / "missing.npy", CAPTIONS_PER_IMAGE)
    text_file = tmp_path / "vectors.npy"
    text_file.write_text("not numpy")
    with pytest.raises(ValueError, match="is not a .npy array"):
        text.PrecomputedEncoder.from_npy(text_file, CAPTIONS_PER_IMAGE)
    archive = tmp_path / "vectors.npz"
    np.savez(archive, vectors=np.zeros((4, 3)))
    with pytest.raises(ValueError, match="is an .npz archive"):
        text.PrecomputedEncoder.from_npy(archive, CAPTIONS_PER_IMAGE)
    with pytest.raises(ValueError, match="shape"):
        text.PrecomputedEncoder(np.zeros(4), ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="NaN"):
        text.PrecomputedEncoder(np.full((1, 2), np.nan), ["a"])


def test_pair_similarities_need_two_images():
    with pytest.raises(ValueError, match="two images"):
        text.caption_pair_similarities(np.ones((2, 3)), [0, 0])


def test_retrieval_and_nearest_class_mean_measure_what_vectors_carry():
    rng = np.random.default_rng(0)
    labels = [i % 3 for i in range(60)]
    centres = np.eye(3) * 4
    informative = centres[labels] + rng.normal(0, 1, (60, 3))
    noise = rng.normal(0, 1, (60, 3))
    assert text.nearest_class_mean_accuracy(informative[:30], labels[:30], informative[30:], labels[30:]) > 0.9
    assert text.nearest_class_mean_accuracy(noise[:30], labels[:30], noise[30:], labels[30:]) < 0.6
    # Unlabelled rows (captions that do not name the attribute) are skipped.
    partly = [None if i % 2 else label for i, label in enumerate(labels[30:])]
    assert text.nearest_class_mean_accuracy(informative[:30], labels[:30], informative[30:], partly) > 0.9
    found = text.retrieval_accuracy(informative, informative + rng.normal(0, 0.1, (60, 3)), ks=(1, 60))
    assert found[60] == 1.0 and found[1] < 1.0
    with pytest.raises(ValueError, match="one label"):
        text.nearest_class_mean_accuracy(informative, labels[:5], informative, labels)
    with pytest.raises(ValueError, match="same dim"):
        text.nearest_class_mean_accuracy(informative, labels, informative[:, :2], labels)
