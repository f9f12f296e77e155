"""The DCGAN recipe comparison: both recipes trained, measured, drawn, and reloaded rather than retrained."""

import json
import os

import imageio.v3 as iio
import pytest

from lstmgan_tf.experiments import dcgan_recipe


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out_dir = str(tmp_path_factory.mktemp("dcgan_recipe"))
    return out_dir, dcgan_recipe.run_comparison(["synthetic_faces"], out_dir, profile="smoke")


def test_both_recipes_are_trained_and_measured(comparison):
    out_dir, runs = comparison
    assert [(run.dataset, run.recipe) for run in runs] == [("synthetic_faces", "paper"), ("synthetic_faces", "fast")]
    for run in runs:
        assert run.steps > 0 and run.seconds > 0 and run.samples > 0
        assert run.fid is not None and run.fid >= 0 and run.real_fid is not None
        assert run.high_frequency_ratio > 0
    with open(os.path.join(out_dir, "synthetic_faces", "paper", "config.json"), encoding="utf-8") as handle:
        paper_config = json.load(handle)
    with open(os.path.join(out_dir, "synthetic_faces", "fast", "config.json"), encoding="utf-8") as handle:
        fast_config = json.load(handle)
    # Each run really trained its own recipe.
    assert paper_config["extra"] == {"recipe": "paper"} and fast_config["extra"] == {"recipe": "fast"}
    assert json.dumps(paper_config) != json.dumps(fast_config)
    table = open(os.path.join(out_dir, dcgan_recipe.TABLE_FILE), encoding="utf-8").read()
    assert "| synthetic_faces | the papers' DCGAN (`paper` recipe) |" in table and "| `fast` recipe |" in table
    figure = iio.imread(os.path.join(out_dir, dcgan_recipe.FIGURE_FILE.format(dataset="synthetic_faces")))
    assert figure.ndim == 3 and figure.shape[0] > 100


def test_a_second_call_loads_the_runs(comparison, monkeypatch):
    out_dir, first = comparison
    from lstmgan_tf import training

    def no_training(*args, **kwargs):
        raise AssertionError("a finished run was trained again")

    monkeypatch.setattr(training, "train", no_training)
    again = dcgan_recipe.run_comparison(["synthetic_faces"], out_dir, profile="smoke")
    assert [run.seconds for run in again] == pytest.approx([run.seconds for run in first], abs=0.1)
    assert [run.fid for run in again] == pytest.approx([run.fid for run in first], rel=1e-4)
