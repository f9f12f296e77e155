"""From captioned images to model inputs: the text pipeline and the training examples."""

import numpy as np
import pytest

from lstmgan_tf import data
from lstmgan_tf.models.text_inputs import TextPipeline, image_examples


@pytest.fixture(scope="module")
def flowers():
    return data.load_arrays("synthetic_flowers", count=24, profile="smoke")


def test_examples_hold_every_caption_of_each_image(flowers):
    text = TextPipeline.fit(flowers.captions, profile="smoke", images=flowers.images, verbose=0)
    examples = list(image_examples(flowers, text).as_numpy_iterator())
    assert len(examples) == 24
    first = examples[0]
    assert first["caption_tokens"].shape == (5, 16) and first["sentence_vector"].shape == (5, 16)
    assert first["caption_count"] == 5 and first["image_index"] == 0
    np.testing.assert_array_equal(first["caption_tokens"], text.encode(flowers.captions[0])["caption_tokens"])
    assert first["image"].min() >= -1.0 and first["image"].max() <= 1.0
    # Sentence vectors are rescaled to length sqrt(dim), so D's condition is visible.
    np.testing.assert_allclose(np.linalg.norm(first["sentence_vector"], axis=1), 4.0, rtol=1e-5)


def test_doc2vec_pipeline_reloads_to_the_same_vectors(flowers, tmp_path):
    text = TextPipeline.fit(flowers.captions, profile="smoke", sentence_encoder="doc2vec")
    again = TextPipeline.load(text.save(str(tmp_path)))
    caption = ["a red flower with five petals"]
    np.testing.assert_array_equal(again.encode(caption)["sentence_vector"], text.encode(caption)["sentence_vector"])
    with pytest.raises(ValueError, match="unknown sentence encoder 'skipthought'"):
        TextPipeline.fit(flowers.captions, sentence_encoder="skipthought")
    with pytest.raises(FileNotFoundError, match="text_pipeline.json"):
        TextPipeline.load(str(tmp_path / "missing"))


def test_grounded_pipeline_reloads_and_gives_its_word_vectors(flowers, tmp_path):
    text = TextPipeline.fit(flowers.captions, profile="smoke", images=flowers.images, word_vector_source="grounded",
                            verbose=0)
    assert text.sentence_encoder_name == "grounded" and text.image_encoder is not None
    np.testing.assert_array_equal(text.embedding_matrix(), text.sentence_encoder.word_embedding_matrix())
    assert text.embedding_matrix().shape == (text.vocabulary_size, text.word_vector_dim)
    again = TextPipeline.load(text.save(str(tmp_path)))
    caption = ["a red flower with five petals"]
    np.testing.assert_allclose(again.encode(caption)["sentence_vector"], text.encode(caption)["sentence_vector"],
                               atol=1e-6)
    np.testing.assert_array_equal(again.embedding_matrix(), text.embedding_matrix())
    with pytest.raises(ValueError, match="pass images="):
        TextPipeline.fit(flowers.captions, profile="smoke")
    with pytest.raises(ValueError, match="needs sentence_encoder='grounded'"):
        TextPipeline.fit(flowers.captions, profile="smoke", sentence_encoder="sif", word_vector_source="grounded")
    with pytest.raises(ValueError, match="unknown word vector source 'glove'"):
        TextPipeline.fit(flowers.captions, profile="smoke", word_vector_source="glove")


def test_random_word_vectors_are_seeded_rows_at_word2vecs_scale(flowers, tmp_path):
    text = TextPipeline.fit(flowers.captions, profile="smoke", sentence_encoder="sif", word_vector_source="random")
    matrix = text.embedding_matrix()
    word2vec = TextPipeline.fit(flowers.captions, profile="smoke", sentence_encoder="sif").embedding_matrix()
    assert matrix.shape == word2vec.shape
    assert matrix[2:].std() == pytest.approx(word2vec[2:].std(), rel=0.25)
    unit = matrix[2:] / np.linalg.norm(matrix[2:], axis=1, keepdims=True)
    cosines = (unit @ unit.T)[~np.eye(len(unit), dtype=bool)]
    assert abs(cosines.mean()) < 0.1
    np.testing.assert_array_equal(TextPipeline.load(text.save(str(tmp_path))).embedding_matrix(), matrix)


def test_matching_term_needs_the_grounded_encoder(tmp_path):
    from lstmgan_tf import training
    from lstmgan_tf.training.registry import TrainOptions

    options = TrainOptions(extra={"sentence_encoder": "sif", "matching_loss_weight": "0.5"})
    with pytest.raises(ValueError, match="needs sentence_encoder=grounded"):
        training.train("lstm_cgan", "synthetic_flowers", out_dir=str(tmp_path / "run"), profile="smoke",
                       options=options, verbose=0)
    with pytest.raises(ValueError, match="word_vectors='grounded' needs sentence_encoder='grounded'"):
        training.train("gan_cls", "synthetic_flowers", out_dir=str(tmp_path / "run2"), profile="smoke",
                       options=TrainOptions(extra={"sentence_encoder": "sif", "word_vectors": "grounded"}), verbose=0)


def test_encoder_settings_reach_the_grounded_encoder_and_its_matching_copy(tmp_path):
    from lstmgan_tf import training
    from lstmgan_tf.training.text_runs import load_text_model
    from lstmgan_tf.training.registry import TrainOptions

    options = TrainOptions(dataset_size=16, extra={"encoder.image_depth": "2", "matching_loss_weight": "0.1"})
    training.train("lstm_cgan", "synthetic_flowers", out_dir=str(tmp_path / "run"), profile="smoke",
                   options=options, epochs=1, verbose=0)
    trained = load_text_model(str(tmp_path / "run"))
    assert trained.text.sentence_encoder.settings.image_depth == 2
    assert trained.model.config.matching_encoder_depth == 2
    with pytest.raises(ValueError, match="no setting 'depth'; choose one of encoder.dim"):
        training.train("lstm_cgan", "synthetic_flowers", out_dir=str(tmp_path / "bad"), profile="smoke",
                       options=TrainOptions(extra={"encoder.depth": "2"}), verbose=0)
    with pytest.raises(ValueError, match="are for sentence_encoder='grounded', not 'sif'"):
        TextPipeline.fit([["a red flower"]], profile="smoke", sentence_encoder="sif",
                         encoder_settings={"image_depth": 2})


def test_turned_images_are_shown_to_d_only_for_data_that_look_alike_turned(tmp_path):
    from PIL import Image

    from lstmgan_tf import config
    from lstmgan_tf.training import registry

    folder = tmp_path / "birds"
    folder.mkdir()
    for index, colour in enumerate([(200, 30, 30), (30, 30, 200)] * 4):
        Image.new("RGB", (32, 32), colour).save(folder / f"bird_{index}.png")
        (folder / f"bird_{index}.txt").write_text("a bird facing left\n", encoding="utf-8")
    build = registry.get_builder("gan_cls")
    smoke = config.get_profile("smoke")
    flowers = build(smoke, "synthetic_flowers", registry.TrainOptions(dataset_size=16))
    birds = build(smoke, "folder", registry.TrainOptions(extra={"data.path": str(folder)}))
    assert flowers.model.config.augment_dihedral == 1.0
    assert birds.model.config.augment_dihedral == 0.0
    # An explicit setting still wins.
    turned = build(smoke, "folder",
                   registry.TrainOptions(extra={"data.path": str(folder), "augment_dihedral": "0.5"}))
    assert turned.model.config.augment_dihedral == 0.5


class _ColourEncoder:
    """A sentence encoder that reads only the colour words; "middle" is "center"'s synonym."""

    WORDS = ("red", "blue", "pink")
    dim = 4

    def encode(self, captions):
        return np.array([[caption.split().count(word) for word in self.WORDS] + [1.0] for caption in captions],
                        np.float32)


def test_swapped_captions_drop_swaps_the_encoder_reads_as_the_same(flowers):
    from gensim.models import KeyedVectors

    text = TextPipeline.fit(flowers.captions, profile="smoke", sentence_encoder="sif")
    text.word_vectors = KeyedVectors(vector_size=2)
    text.word_vectors.add_vectors(["red", "blue", "center", "middle", "the"],
                                  np.array([[1, 0], [0.9, 0.1], [0, 1], [0.05, 1], [-1, 0.2]], np.float32))
    text.sentence_encoder = _ColourEncoder()
    captions = ["the red center", "the center", "the red middle red"]
    vectors, counts = text.swapped_sentence_vectors(captions, per_caption=4, seed=0)
    # "red" -> "blue" moves the vector, "center" -> "middle" does not (and
    # "the" has no close neighbour): one swap, none, two.
    np.testing.assert_array_equal(counts, [1, 0, 2])
    assert vectors.shape == (3, 4, 4)
    np.testing.assert_allclose(vectors[0, 0], text.scale(_ColourEncoder().encode(["the blue center"]))[0])
    assert not vectors[1].any() and not vectors[2, 2:].any()
    expected = text.scale(_ColourEncoder().encode(["the blue middle red", "the red middle blue"]))
    np.testing.assert_allclose(np.sort(vectors[2, :2], axis=0), np.sort(expected, axis=0))
    fewer, fewer_counts = text.swapped_sentence_vectors(captions, per_caption=1, seed=0)
    np.testing.assert_array_equal(fewer_counts, [1, 0, 1])
    with pytest.raises(ValueError, match="per_caption must be a positive integer, got 0"):
        text.swapped_sentence_vectors(captions, per_caption=0)


def test_examples_carry_swapped_captions_when_asked(flowers):
    text = TextPipeline.fit(flowers.captions, profile="smoke", images=flowers.images, verbose=0)
    plain = next(image_examples(flowers, text).as_numpy_iterator())
    assert "swapped_sentence_vector" not in plain
    first = next(image_examples(flowers, text, swaps_per_caption=3).as_numpy_iterator())
    assert first["swapped_sentence_vector"].shape == (5, 3, 16) and first["swap_count"].shape == (5,)
    vectors, counts = text.swapped_sentence_vectors(flowers.captions[0], 3, seed=0)
    np.testing.assert_array_equal(first["swap_count"], counts)
    np.testing.assert_allclose(first["swapped_sentence_vector"], vectors)
    assert counts.max() > 0
