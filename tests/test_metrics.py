"""Evaluation metrics: SSIM, feature distances, FID/KID, attribute accuracy, tables."""

import numpy as np
import pytest

from lstmgan_tf.metrics import evaluation, features, similarity
from lstmgan_tf.data import CaptionedImages


def test_ssim_is_one_for_identical_images_and_lower_for_noise():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (3, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(similarity.ssim_scores(images, images), 1.0)
    noisy = np.clip(images + rng.normal(0, 0.5, images.shape), -1, 1)
    scores = similarity.ssim_scores(noisy, images)
    assert scores.shape == (3,) and np.all(scores < 0.9)
    with pytest.raises(ValueError, match="same shape"):
        similarity.ssim_scores(images[:2], images)


def test_feature_distances_fid_and_kid():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(400, 8))
    np.testing.assert_allclose(similarity.feature_distances(a[:2], a[:2] + [3, 4, 0, 0, 0, 0, 0, 0]), 5.0)
    same = similarity.frechet_distance(a, rng.normal(size=(400, 8)))
    shifted = similarity.frechet_distance(a, rng.normal(size=(400, 8)) + 2.0)
    # Shifting every feature by 2 adds |mu_a - mu_b|^2 = 8 * 4 = 32.
    assert same < 1.0 and abs(shifted - 32) < 3
    assert abs(similarity.kernel_distance(a, rng.normal(size=(400, 8)))) < 0.05
    assert similarity.kernel_distance(a, rng.normal(size=(400, 8)) + 2.0) > 0.5
    with pytest.raises(ValueError, match="at least 2"):
        similarity.frechet_distance(a[:1], a)


def test_attribute_accuracy_counts_only_captions_that_ask():
    values = {"petal_colour": ["red", "yellow"], "petal_count": ["four", "five"]}
    truth = {"petal_colour": np.array([0, 1, 1]), "petal_count": np.array([1, 0, 1])}
    captions = ["five red petals", "a flower with four petals", "yellow petals, five of them"]
    predicted = {"petal_colour": np.array([0, 0, 0]), "petal_count": np.array([1, 0, 0])}
    scores = features.attribute_accuracy(predicted, truth, values, captions)
    # Colour: asked by captions 0 and 2 (caption 1 names no colour); right on 0 only.
    assert scores["petal_colour"] == (0.5, 2)
    assert scores["petal_count"] == (pytest.approx(2 / 3), 3)
    assert features.caption_mentions("a flower with long thin petals", "long thin")
    assert not features.caption_mentions("a thin flower", "long thin")


class FakeClassifier:
    """Says every image has the first value of every attribute."""

    def predict_attributes(self, images):
        return {"petal_colour": np.zeros(len(images), int)}


def tiny_test_set(count=6, size=32):
    rng = np.random.default_rng(2)
    captions = [["a red flower with five petals"], ["a yellow flower"]] * (count // 2)
    return CaptionedImages(
        images=rng.integers(0, 256, (count, size, size, 3), dtype=np.uint8),
        captions=captions,
        attributes={"petal_colour": np.array([0, 1] * (count // 2))},
        attribute_values={"petal_colour": ["red", "yellow"]},
        name="tiny",
        split="test",
    )


def test_evaluate_images_returns_finite_numbers_of_the_right_shape(tmp_path):
    test = tiny_test_set()
    captions, rows = evaluation.evaluation_captions(test)
    space = features.FeatureSpace("mean", "mean colour", lambda x: np.asarray(x, np.float32).reshape(len(x), -1, 3).mean(1))
    rng = np.random.default_rng(3)
    word_images = rng.uniform(-1, 1, (len(rows), 7, 32, 32, 3)).astype(np.float32)
    word_mask = np.arange(7)[None] < np.array([6, 3] * 3)[:, None]
    final = word_images[np.arange(len(rows)), word_mask.sum(1) - 1]
    result = evaluation.evaluate_images("lstm_cgan", final, test, captions, rows, space, FakeClassifier(),
                                        word_images=word_images, word_mask=word_mask)
    assert set(result.final) == {"ssim", "distance", "fid", "kid", "acc_petal_colour",
                                 "acc_petal_colour_before_word", "acc_petal_colour_at_word"}
    assert all(np.isfinite(result.final[k]) for k in ("ssim", "distance", "fid", "kid", "acc_petal_colour"))
    # "always red" is right at and before the colour word of the red captions only.
    assert result.final["acc_petal_colour_at_word"] == result.final["acc_petal_colour_before_word"] == 0.5
    # The classifier always says "red": right for the red captions only.
    assert result.final["acc_petal_colour"] == 0.5
    per_word = result.per_word
    assert per_word["ssim"].shape == per_word["distance"].shape == (7,)
    np.testing.assert_array_equal(per_word["count"], [6, 6, 6, 3, 3, 3, 0])
    assert np.all(np.isfinite(per_word["ssim"][:6])) and np.isnan(per_word["ssim"][6])
    reference = evaluation.evaluate_real(test, space, FakeClassifier())
    tables = evaluation.write_tables([result, reference], str(tmp_path), "mean colour")
    with open(tables["csv"]) as handle:
        assert handle.readline().startswith("model,ssim,distance,fid,kid,acc_petal_colour")
    assert "LSTM-CGAN" in evaluation.markdown_table([result, reference], "mean colour")
    figure = evaluation.per_word_figure([result, reference], "mean colour")
    assert len(figure.axes) == 3


def test_vgg16_path_errors_and_offline_build():
    with pytest.raises(FileNotFoundError, match="no_such_weights.h5"):
        features.vgg16_feature_space("no_such_weights.h5")
    space = features.vgg16_feature_space(None, image_size=32)
    vectors = space(np.zeros((2, 32, 32, 3), np.float32))
    assert vectors.shape == (2, 64 + 512) and "random weights" in space.label


def test_classifier_features_and_attributes():
    test = tiny_test_set(count=8)
    classifier = features.AttributeClassifier(32, test.attribute_values, width=4)
    classifier.fit(test.images, test.attributes, epochs=1, batch_size=4)
    assert classifier.features(test.images).shape == (8, 128)
    assert classifier.predict_attributes(test.images)["petal_colour"].shape == (8,)
    assert "kit-trained" in classifier.feature_space().label
    with pytest.raises(ValueError, match="attribute_values or a sentence_vector_dim"):
        features.AttributeClassifier(32)
