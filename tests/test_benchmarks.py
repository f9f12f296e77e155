"""The speed benchmarks' helpers and the ``benchmark`` command (the LSTM one is in test_lstm_cell.py)."""

import ast

import numpy as np
import pytest

from lstmgan_tf import cli
from lstmgan_tf.benchmarks.cgan import synthetic_batch
from lstmgan_tf.models.text_inputs import CAPTION_TOKENS, IMAGE, IMAGE_INDEX, SENTENCE_VECTOR


def test_synthetic_batch_pads_after_the_real_words():
    batch = synthetic_batch(3, length=6, words=np.array([6, 2, 4]), vocabulary_size=20, sentence_vector_dim=5,
                            image_size=8)
    assert sorted(batch) == sorted([CAPTION_TOKENS, SENTENCE_VECTOR, IMAGE, IMAGE_INDEX])
    real_words = (batch[CAPTION_TOKENS].numpy() != 0).sum(axis=1)
    np.testing.assert_array_equal(real_words, [6, 2, 4])
    assert batch[IMAGE].shape == (3, 8, 8, 3) and batch[SENTENCE_VECTOR].shape == (3, 5)
    with pytest.raises(ValueError, match="between 1 and length=6"):
        synthetic_batch(2, length=6, words=7, vocabulary_size=20, sentence_vector_dim=5, image_size=8)


def test_benchmark_dcgan_prints_one_row_per_configuration(capsys):
    code = cli.main(["benchmark", "dcgan", "--image-sizes", "32", "--batch-size", "4", "--steps", "1",
                     "--profile", "smoke", "--jit-compile", "off"])
    assert code == 0
    rows = [ast.literal_eval(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert len(rows) == 1
    assert rows[0]["image_size"] == 32 and rows[0]["xla"] is False and rows[0]["images_per_second"] > 0


def test_flops_of_a_pass_follow_its_backward_kind():
    from lstmgan_tf.benchmarks.flops import Pass, forward_flops, network_layers
    from lstmgan_tf.layers import dcgan

    discriminator = dcgan.build_discriminator(image_size=32, width=8, condition_dim=4, condition="projection",
                                              depth=2)
    layers = network_layers(discriminator)
    assert [layer.kind for layer in layers].count("conv") == 7  # 3 stride-2, 3 extra, the logit
    assert layers[-1].kind == "dense" and layers[-1].flops == 2 * 4 * 32  # the projection's embedding
    forward, first = forward_flops(discriminator), layers[0].flops
    assert first == 2 * 16 * 16 * 4 * 4 * 3 * 8
    assert Pass(discriminator, 5).flops() == 5 * forward
    assert Pass(discriminator, 5, "weights").flops() == 5 * (3 * forward - first)
    assert Pass(discriminator, 5, "inputs").flops() == 5 * 2 * forward
    assert Pass(discriminator, 5, "all").flops() == 5 * 3 * forward
    with pytest.raises(ValueError, match="backward='both'"):
        Pass(discriminator, 5, "both").flops()


def test_text_step_passes_count_what_the_step_runs():
    from lstmgan_tf import config
    from lstmgan_tf.benchmarks.flops import Pass, text_gan_step_passes
    from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig

    paper = config.get_profile("smoke").replace(text_gan_recipe="paper")
    model = LSTMCGAN(LSTMCGANConfig.from_profile(30, 8, profile=paper), seed=0)
    passes = text_gan_step_passes(model, batch_size=4, time_steps=5)
    # Every word: 4 captions x 5 words; G's images are made once (nothing random) and reused.
    d_passes = [p for p in passes if p.network is model.discriminator]
    assert [(p.examples, p.backward) for p in d_passes] == [(28, "weights"), (28, "weights"), (20, "inputs")]
    assert [(p.examples, p.backward) for p in passes if p.network is model.generator] == [(20, "all")]
    lstm = [p for p in passes if p.network is model.caption_lstm]
    assert lstm == [Pass(model.caption_lstm, 4, "all", 5)]
    assert lstm[0].flops() == 4 * 3 * 2 * 4 * model.config.lstm_units * (
        model.config.word_vector_dim + model.config.lstm_units) * 5


def test_benchmark_steps_times_each_configuration_against_the_reference(tmp_path, capsys):
    out = tmp_path / "steps.json"
    code = cli.main(["benchmark", "steps", "--profile", "smoke", "--steps", "dcgan", "gan_cls",
                     "--configurations", "reference", "small_ops", "--repeats", "1", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "host: " in printed and "achieved/att" in printed
    rows = [line.split() for line in printed.splitlines() if line.startswith(("dcgan ", "gan_cls "))]
    assert [row[:2] for row in rows] == [["dcgan", "reference"], ["dcgan", "small_ops"],
                                         ["gan_cls", "reference"], ["gan_cls", "small_ops"]]
    assert rows[0][4] == "1.00"  # the reference against itself
    import json

    results = json.loads(out.read_text())["results"]
    for configuration in ("reference", "small_ops"):
        for name in ("dcgan", "gan_cls"):
            row = results[configuration][name]
            assert row["seconds"] > 0 and row["gflop"] > 0 and row["attainable_float32"] > 0
            assert row["achieved_gflops"] == pytest.approx(row["gflop"] / row["seconds"])
