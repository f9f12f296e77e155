"""Trained runs of the text models: text files, generate (with bad texts), evaluate, CLI."""

import os

import numpy as np
import pytest

from lstmgan_tf import cli, data, training
from lstmgan_tf.generate import evaluate_runs, generate_sequence
from lstmgan_tf.models.text_inputs import TextPipeline
from lstmgan_tf.training.text_runs import load_text_model


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One-epoch smoke runs of lstm_cgan and gan_cls on 32 flowers."""
    root = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as patch:  # Module-scoped: the autouse fixture is per test.
        patch.setenv("LSTMGAN_OUTPUTS", str(root / "outputs"))
        options = training.TrainOptions(dataset_size=32)
        folders = {}
        for name in ("lstm_cgan", "gan_cls"):
            folders[name] = str(root / name)
            training.train(name, "synthetic_flowers", out_dir=folders[name], profile="smoke",
                           options=options, verbose=0)
        yield folders


def test_run_folder_holds_the_text_pipeline(runs):
    trained = load_text_model(runs["lstm_cgan"])
    assert sorted(os.listdir(os.path.join(runs["lstm_cgan"], "text"))) == [
        "grounded_encoder", "text_pipeline.json", "training_captions.txt", "word_vectors.txt"]
    again = TextPipeline.load(os.path.join(runs["lstm_cgan"], "text"))
    caption = ["this flower has five yellow petals"]
    np.testing.assert_array_equal(again.encode(caption)["caption_tokens"], trained.text.encode(caption)["caption_tokens"])
    np.testing.assert_allclose(again.encode(caption)["sentence_vector"], trained.text.encode(caption)["sentence_vector"])
    # The smoke recipe fine-tunes the word vectors: the checkpoint's embedding started from the
    # word2vec matrix of the saved vectors and moved a little away from it.
    assert trained.model.config.trainable_word_vectors
    embedding, start = trained.model.word_embedding.embeddings.numpy(), again.embedding_matrix()
    moved = np.abs(embedding - start).max()
    assert 0 < moved < 0.1 * np.abs(start).max()


def test_load_trained_reads_a_text_run_from_its_folder_without_its_builder(runs, monkeypatch):
    from lstmgan_tf.training import checkpoints, registry

    def no_builder(*args):
        raise AssertionError("load_trained rebuilt the text run through its builder (data, word2vec)")

    registry.get_builder("lstm_cgan")  # Imports the builders' module, which registers them.
    for name in ("lstm_cgan", "gan_cls"):
        monkeypatch.setitem(registry._BUILDERS, name, no_builder)
    model = training.load_trained(runs["lstm_cgan"])
    expected = load_text_model(runs["lstm_cgan"]).model
    for want, got in zip(expected.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(want, got)
    oldest = checkpoints.checkpoint_prefixes(os.path.join(runs["gan_cls"], "checkpoints"))[-1]
    assert training.load_trained(runs["gan_cls"], checkpoint=oldest).name == "gan_cls"


def test_generate_writes_one_image_per_word(runs, tmp_path):
    trained = load_text_model(runs["lstm_cgan"])
    result = generate_sequence(trained, "This flower has five YELLOW petals!", str(tmp_path))
    words = ["this", "flower", "has", "five", "yellow", "petals"]
    assert result["words"] == words
    assert sorted(f for f in os.listdir(tmp_path) if f.startswith("word_")) == [
        f"word_{i:02d}.png" for i in range(1, 7)]
    assert result["images"].shape == (6, 32, 32, 3)
    import imageio.v3 as iio

    assert iio.imread(tmp_path / "word_01.png").shape == (128, 128, 3)
    assert len(iio.imread(tmp_path / "sequence.gif", index=None)) == 6
    assert os.path.getsize(tmp_path / "strip.png") > 0 and os.path.isfile(tmp_path / "final.png")


def test_generate_handles_bad_texts(runs, tmp_path):
    trained = load_text_model(runs["lstm_cgan"])
    with pytest.raises(ValueError, match="has no words"):
        generate_sequence(trained, "   ", str(tmp_path / "empty"))
    with pytest.raises(ValueError, match="has no words"):
        generate_sequence(trained, "🌸 !!", str(tmp_path / "emoji"))
    with pytest.raises(ValueError, match="none of its words is in the model's vocabulary"):
        generate_sequence(trained, "zebra quantum xylophone", str(tmp_path / "unknown"))
    with pytest.warns(UserWarning, match="pétales"):
        result = generate_sequence(trained, "a yellow flower with pétales", str(tmp_path / "accents"))
    assert result["words"] == ["a", "yellow", "flower", "with", "pétales"]
    long_text = " ".join(["a yellow flower with five petals"] * 10)
    with pytest.warns(UserWarning, match="max_length=16"):
        result = generate_sequence(trained, long_text, str(tmp_path / "long"))
    assert len(result["words"]) == 16 and len(result["files"]["words"]) == 16


def test_gan_cls_generates_one_image(runs, tmp_path):
    trained = load_text_model(runs["gan_cls"])
    result = generate_sequence(trained, "a red flower", str(tmp_path))
    assert result["images"].shape == (1, 32, 32, 3)
    assert os.listdir(tmp_path) == ["final.png"]


def test_evaluate_returns_finite_numbers_of_the_right_shape(runs, tmp_path):
    results, paths = evaluate_runs([runs["lstm_cgan"], runs["gan_cls"]], str(tmp_path), count=8, verbose=False)
    assert [r.name for r in results] == ["lstm_cgan", "gan_cls", "real", "real_degraded"]
    lstm, gan_cls, real, degraded = results
    # The pixel check and the judge both score the real images, clean and degraded.
    assert real.final["acc_petal_colour_pixels"] >= 0.75
    assert np.isfinite(degraded.final["acc_petal_colour_pixels"]) and np.isfinite(degraded.final["acc_petal_colour"])
    for key in ("ssim", "distance", "fid", "kid", "acc_petal_colour", "acc_petal_colour_pixels"):
        assert np.isfinite(lstm.final[key]) and np.isfinite(gan_cls.final[key]), key
    assert lstm.per_word["ssim"].shape == (16,) and gan_cls.per_word is None
    assert all(os.path.isfile(path) for path in paths.values())


def test_the_judge_is_trained_once_for_every_run_of_a_dataset(runs, tmp_path, monkeypatch, capsys):
    from lstmgan_tf.metrics.features import AttributeClassifier

    first, _ = evaluate_runs([runs["lstm_cgan"]], str(tmp_path / "first"), count=8)
    assert "training the judge" in capsys.readouterr().out

    def no_training(*args, **kwargs):
        raise AssertionError("a second evaluate trained the judge again")

    monkeypatch.setattr(AttributeClassifier, "fit", no_training)
    results, _ = evaluate_runs([runs["gan_cls"]], str(tmp_path / "second"), count=8)
    assert "training the judge" not in capsys.readouterr().out
    # The cached judge is the same judge: it reads the same real test images the same way.
    assert results[-2].name == first[-2].name == "real"
    assert results[-2].final["acc_petal_colour"] == first[-2].final["acc_petal_colour"]
    assert os.path.isfile(tmp_path / "second" / "attribute_classifier.weights.h5")


def test_cli_reports_bad_checkpoints_in_one_line(tmp_path, capsys):
    assert cli.main(["generate", "--checkpoint", str(tmp_path), "--text", "a red flower",
                     "--out", str(tmp_path / "out")]) == 2
    assert "holds no run (no config.json)" in capsys.readouterr().err


def test_generate_falls_back_from_a_damaged_checkpoint_and_stops_cleanly_when_all_are(runs, tmp_path, capsys):
    import shutil

    from lstmgan_tf.training.checkpoints import checkpoint_prefixes

    run = tmp_path / "run"
    shutil.copytree(runs["lstm_cgan"], run)
    newest = checkpoint_prefixes(run / "checkpoints")[0]
    for suffix in (".index", ".data-00000-of-00001"):  # An older checkpoint to fall back to.
        shutil.copy(newest + suffix, str(run / "checkpoints" / "ckpt-1") + suffix)
    older = checkpoint_prefixes(run / "checkpoints")[1:]
    with open(newest + ".data-00000-of-00001", "r+b") as handle:  # What a crash mid-save leaves.
        handle.truncate(500)
    arguments = ["generate", "--checkpoint", str(run), "--text", "a red flower", "--out", str(tmp_path / "out")]
    with pytest.warns(UserWarning, match=f"{os.path.basename(newest)} of .* cannot be read"):
        assert cli.main(arguments) == 0
    assert os.path.isfile(tmp_path / "out" / "final.png")
    for prefix in older:
        with open(prefix + ".data-00000-of-00001", "r+b") as handle:
            handle.truncate(500)
    capsys.readouterr()
    with pytest.warns(UserWarning):
        assert cli.main(arguments) == 2
    error = capsys.readouterr().err
    assert "no checkpoint of" in error and "Traceback" not in error


def test_colour_swap_reads_every_petal_colour_of_any_sentence(runs, tmp_path, capsys):
    from lstmgan_tf.data.flowers import PETAL_COLOURS
    from lstmgan_tf.generate import colour_swap, file_slug

    assert file_slug("A red {} flower!") == "a_red_flower"
    trained = load_text_model(runs["lstm_cgan"])
    result = colour_swap(trained, "a {} flower", str(tmp_path / "swap.png"))
    assert result["captions"] == [f"a {colour} flower" for colour in PETAL_COLOURS]
    assert result["images"].shape[0] == len(PETAL_COLOURS) and os.path.isfile(result["figure"])
    assert result["right"] == sum(a == b for a, b in zip(PETAL_COLOURS, result["seen"]))
    assert set(result["seen"]) <= set(PETAL_COLOURS) | {"?"}
    for template in ("a flower", "a {} and {} flower", "a {0} flower"):
        with pytest.raises(ValueError, match="exactly one"):
            colour_swap(trained, template)
    birds = load_text_model(runs["lstm_cgan"])
    birds.run_config["dataset"] = "caltech_birds2011"
    with pytest.raises(ValueError, match="reads petal colours of synthetic_flowers"):
        colour_swap(birds, "a {} bird")
    assert cli.main(["colour-swap", "--checkpoint", runs["lstm_cgan"], "--template", "a {} flower", "{} petals",
                     "--out", str(tmp_path / "swaps")]) == 0
    printed = capsys.readouterr().out
    assert "'a ___ flower':" in printed and "all sentences:" in printed
    table = (tmp_path / "swaps" / "colour_swap.md").read_text(encoding="utf-8")
    assert "| a ___ flower |" in table and "| ___ petals |" in table
    assert sorted(os.listdir(tmp_path / "swaps")) == ["a_colour_flower.png", "colour_petals.png", "colour_swap.md"]


def test_linear_readout_reads_a_small_direction_that_cosine_hides():
    from lstmgan_tf.metrics import swap_test

    rng = np.random.default_rng(0)
    # 40 images x 6 values: a shared large vector, a per-image jitter, and a
    # small direction per value: cosines near 1, yet every value readable.
    common = rng.normal(size=16) * 10
    codes = rng.normal(size=(6, 16)) * 0.3
    vectors = common + rng.normal(size=(40, 1, 16)) * 0.05 + codes[None]
    assert swap_test._mean_pairwise_cosine(vectors) > 0.99
    assert swap_test.linear_readout_accuracy(vectors) == 1.0
    noise = rng.normal(size=(40, 6, 16))
    assert swap_test.linear_readout_accuracy(noise) < 0.4
    with pytest.raises(ValueError, match="at least 2 images"):
        swap_test.linear_readout_accuracy(vectors[:1])


def test_swap_test_asks_encoder_d_and_lstm_about_each_value(runs, tmp_path):
    from lstmgan_tf.metrics import swap_test

    test_data = data.load_arrays("synthetic_flowers", split="test", image_size=32, count=16, profile="smoke")
    rows, captions, truth = swap_test.swapped_captions(test_data, "petal_count")
    values = test_data.attribute_values["petal_count"]
    for row, group, own in zip(rows, captions, truth):
        assert len(group) == len(values) and group[own] in test_data.captions[row]
        # The rewrites differ from the own caption in one word only.
        assert all(sum(a != b for a, b in zip(c.split(), group[own].split())) == (c != group[own]) for c in group)
    trained = load_text_model(runs["lstm_cgan"])
    result = swap_test.swap_test(trained, test_data, "petal_count")
    assert result["captions"] == len(rows) and 0 <= result["encoder_accuracy"] <= 1
    assert 0 <= result["discriminator_preference"] <= 1 and -1 <= result["hidden_state_cosine"] <= 1
    assert 0 <= result["hidden_state_readout"] <= 1
    # A D blind to the caption never prefers the own one; an LSTM blind to the word gives cosine 1.
    trained.model.discriminator = lambda inputs, training=False: np.zeros((len(inputs[0]), 1), np.float32)
    trained.model.hidden_states = lambda tokens, networks=None: np.ones((*np.shape(tokens), 4), np.float32)
    blind = swap_test.swap_test(trained, test_data, "petal_count")
    assert blind["discriminator_preference"] == 0.0 and blind["discriminator_gap"] == 0.0
    assert blind["hidden_state_cosine"] == pytest.approx(1.0)
    # Identical states cannot be read: the read-out picks one value for all, 1 / V right.
    assert blind["hidden_state_readout"] == pytest.approx(1 / len(values))
    with pytest.raises(ValueError, match="no attribute 'petal_smell'"):
        swap_test.swapped_captions(test_data, "petal_smell")
    # The command: a row per run and attribute; GAN-CLS has no LSTM.
    out = tmp_path / "swap.md"
    assert cli.main(["swap-test", "--checkpoint", runs["gan_cls"], "--attributes", "petal_colour",
                     "--count", "16", "--out", str(out)]) == 0
    table = out.read_text(encoding="utf-8")
    assert "| gan_cls (gan_cls) | petal_colour |" in table and table.rstrip().endswith("| — |")
