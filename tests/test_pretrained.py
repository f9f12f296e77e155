"""The kit's shipped runs: export and reload, the notebooks' path to them, and the weights in the repository."""

import json
import os

import numpy as np
import pytest

from lstmgan_tf import config
from lstmgan_tf.training import pretrained, runner, text_runs


def _no_training(*args, **kwargs):
    raise AssertionError("a shipped run was asked for, but a model was trained")


def test_a_run_exported_in_float16_draws_what_it_drew_and_the_notebooks_load_it(tmp_path, monkeypatch, capsys):
    trained, _ = text_runs.train_or_load("lstm_cgan", profile="smoke", verbose=0)
    monkeypatch.setenv(config.PRETRAINED_ENV_VAR, str(tmp_path / "pretrained"))
    shipped_dir = pretrained.export_run(trained, os.path.join(pretrained.shipped_folder("synthetic_flowers", "smoke"),
                                                              "lstm_cgan"))
    assert sorted(os.listdir(shipped_dir)) == ["config.json", "history.csv", "inference.npz"]
    assert os.path.isdir(os.path.join(os.path.dirname(shipped_dir), "text"))  # Shared by the shipped runs.

    shipped = text_runs.load_text_model(shipped_dir)
    captions = ["a red flower with five round petals", "a small blue flower"]
    np.testing.assert_allclose(text_runs.generate_images(shipped.model, shipped.text, captions),
                               text_runs.generate_images(trained.model, trained.text, captions), atol=0.05)

    # The notebooks' path: without a finished run of one's own, the shipped one is loaded, not trained.
    import shutil

    shutil.rmtree(trained.run_dir)
    monkeypatch.setattr(runner, "train", _no_training)
    loaded, history = text_runs.train_or_load("lstm_cgan", profile="smoke", pretrained=True, verbose=0)
    assert loaded.run_dir == shipped_dir and len(history["g_loss"]) == 1
    assert "loaded the kit's pretrained smoke run of lstm_cgan (trained by `make pretrained`" in capsys.readouterr().out
    # A shipped run cannot be trained on: it has no discriminator and no optimizer state.
    with pytest.raises(ValueError, match="shipped inference-only run"):
        runner.train_unless_finished("lstm_cgan", "synthetic_flowers", shipped_dir, "smoke", epochs=2)


def test_shipped_weights_that_do_not_fit_the_model_name_the_network(tmp_path):
    trained, _ = text_runs.train_or_load("gan_cls", profile="smoke", verbose=0)
    path = pretrained.save_inference_weights(trained.model, str(tmp_path / "inference.npz"))
    with np.load(path) as saved:
        arrays = dict(saved)
    layout = json.loads(str(arrays["layout"]))
    layout[1]["shapes"][0][0] += 1
    arrays["layout"] = np.array(json.dumps(layout))
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=r"network 'generator' was shipped with weights of shapes .*make pretrained"):
        pretrained.load_inference_weights(trained.model, path)


def test_the_shipped_lstm_cgan_still_draws_the_petal_colour_it_was_published_with(monkeypatch):
    """Fails when a code change breaks the shipped weights: run `make pretrained` to ship them again."""
    monkeypatch.delenv(config.PRETRAINED_ENV_VAR, raising=False)
    shipped_dir = pretrained.shipped_run("lstm_cgan", "synthetic_flowers", "classroom")
    assert shipped_dir is not None, "the repository ships no classroom LSTM-CGAN (make pretrained)"
    published = pretrained.read_published("synthetic_flowers", "classroom")["petal_colour_pixel_check"]["lstm_cgan"]
    published = published["rate"]
    # What was shipped met the bar when it was made (a fixed number, the same on every machine) ...
    assert published >= 0.8, f"the shipped LSTM-CGAN draws the asked petal colour for only {published:.1%}"
    # ... and today's code, on this machine, still gets it from the shipped weights.
    rate = pretrained.petal_colour_check(text_runs.load_text_model(shipped_dir), "classroom")["rate"]
    assert abs(rate - published) <= 0.02, (
        f"today's code reads {rate:.1%} from the shipped weights, published {published:.1%}")
