"""The DCGAN recipe comparison: each variant trained, measured, drawn, and reloaded rather than retrained."""

import json
import os

import imageio.v3 as iio
import numpy as np
import pytest

from lstmgan_tf.experiments import dcgan_recipe


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out_dir = str(tmp_path_factory.mktemp("dcgan_recipe"))
    runs = dcgan_recipe.run_comparison(["synthetic_faces"], out_dir, profile="smoke")
    dcgan_recipe.write_report(runs, out_dir)
    return out_dir, runs


def run_config(out_dir, variant, dataset="synthetic_faces", seed=0):
    with open(os.path.join(dcgan_recipe.run_dir(out_dir, "smoke", dataset, variant, seed), "config.json"),
              encoding="utf-8") as handle:
        return json.load(handle)


def test_both_recipes_are_trained_and_measured(comparison):
    out_dir, runs = comparison
    assert [(run.dataset, run.variant) for run in runs] == [("synthetic_faces", "paper"), ("synthetic_faces", "fast")]
    for run in runs:
        assert run.steps > 0 and run.seconds > 0 and run.samples > 0 and run.discriminator_weights > 0
        assert run.fid is not None and run.fid >= 0 and run.real_fid is not None
        assert run.high_frequency_ratio > 0
    paper_config, fast_config = run_config(out_dir, "paper"), run_config(out_dir, "fast")
    # Each run really trained its own recipe.
    assert paper_config["extra"] == {"recipe": "paper"} and fast_config["extra"] == {"recipe": "fast"}
    assert json.dumps(paper_config) != json.dumps(fast_config)
    table = open(os.path.join(out_dir, dcgan_recipe.TABLE_FILE), encoding="utf-8").read()
    assert "| synthetic_faces | the papers' DCGAN (`paper` recipe) |" in table and "| `fast` recipe |" in table
    figure = iio.imread(os.path.join(out_dir, dcgan_recipe.FIGURE_FILE.format(dataset="synthetic_faces")))
    assert figure.ndim == 3 and figure.shape[0] > 100
    with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as handle:
        saved = json.load(handle)
    assert [row["variant"] for row in saved] == ["paper", "fast"] and "grid" not in saved[0]
    assert saved[1]["fid"] == pytest.approx(runs[1].fid)


def test_a_second_call_loads_the_runs(comparison, monkeypatch):
    out_dir, first = comparison
    from lstmgan_tf import training

    def no_training(*args, **kwargs):
        raise AssertionError("a finished run was trained again")

    monkeypatch.setattr(training, "train", no_training)
    again = dcgan_recipe.run_comparison(["synthetic_faces"], out_dir, profile="smoke")
    assert [run.seconds for run in again] == pytest.approx([run.seconds for run in first], abs=0.1)
    assert [run.fid for run in again] == pytest.approx([run.fid for run in first], rel=1e-4)


def test_variants_undo_one_part_or_swap_in_the_lstm_discriminator(comparison):
    out_dir, first = comparison
    runs = dcgan_recipe.run_comparison(["synthetic_faces"], out_dir, profile="smoke",
                                       variants=["fast_lstm_d", "fast_no_ema", "fast"])
    # Table order, whatever the order asked; the finished `fast` run is reused.
    assert [run.variant for run in runs] == ["fast", "fast_no_ema", "fast_lstm_d"]
    assert runs[0].fid == pytest.approx(first[1].fid, rel=1e-4)
    no_ema, lstm_d = run_config(out_dir, "fast_no_ema"), run_config(out_dir, "fast_lstm_d")
    assert no_ema["model_config"]["generator_ema"] == 0.0
    assert no_ema["model_config"]["generator_upsampling"] == "resize"
    assert lstm_d["model"] == "dcgan_lstm_d" and lstm_d["model_config"]["discriminator"] == "lstm"
    assert lstm_d["model_config"]["generator_ema"] == run_config(out_dir, "fast")["model_config"]["generator_ema"]
    assert runs[2].discriminator_weights != runs[0].discriminator_weights
    dcgan_recipe.write_report(runs, out_dir)
    table = open(os.path.join(out_dir, dcgan_recipe.TABLE_FILE), encoding="utf-8").read()
    assert "| `fast` recipe, LSTM discriminator |" in table and "| `fast`, but no moving average of G |" in table
    figure = iio.imread(os.path.join(out_dir, dcgan_recipe.FIGURE_FILE.format(dataset="synthetic_faces")))
    assert figure.shape[0] > 150


def test_variant_names_are_checked_before_anything_trains(tmp_path):
    assert dcgan_recipe.check_variants(["all"]) == tuple(dcgan_recipe.VARIANTS)
    assert dcgan_recipe.check_variants(["fast", "paper", "fast"]) == ("paper", "fast")
    with pytest.raises(ValueError, match=r"unknown DCGAN variant\(s\) \['fats'\]; choose from paper, fast"):
        dcgan_recipe.run_comparison(["synthetic_faces"], str(tmp_path), profile="smoke", variants=["fats"])
    with pytest.raises(ValueError, match="no DCGAN variant given; choose from paper"):
        dcgan_recipe.check_variants([])
    with pytest.raises(ValueError, match="seeds must be a positive integer, got 0"):
        dcgan_recipe.run_comparison(["synthetic_faces"], str(tmp_path), profile="smoke", seeds=0)
    assert not os.listdir(tmp_path)


def test_seeds_add_runs_and_the_table_gives_their_spread(comparison):
    out_dir, first = comparison
    runs = dcgan_recipe.run_comparison(["synthetic_faces"], out_dir, profile="smoke", seeds=2, variants=["fast"])
    assert [(run.variant, run.seed) for run in runs] == [("fast", 0), ("fast", 1)]
    assert runs[0].fid == pytest.approx(first[1].fid, rel=1e-4)  # seed 0 is the run made before
    assert run_config(out_dir, "fast", seed=1)["seed"] == 1 and runs[1].fid != runs[0].fid
    # The judge and the real images are the seeds' common ground.
    assert runs[1].real_fid == runs[0].real_fid
    row = next(line for line in dcgan_recipe.markdown_table(runs).splitlines() if "`fast` recipe" in line)
    mean, std = np.mean([run.fid for run in runs]), np.std([run.fid for run in runs], ddof=1)
    assert row.startswith("| synthetic_faces | `fast` recipe | 2 |") and f"| {mean:.2f} ± {std:.2f} |" in row


def test_the_command_names_a_bad_variant(tmp_path, capsys):
    from lstmgan_tf import cli

    argv = ["experiment", "dcgan-recipe", "--variants", "fast", "fats", "--profile", "smoke", "--out", str(tmp_path)]
    assert cli.main(argv) == 2
    assert "unknown DCGAN variant(s) ['fats']" in capsys.readouterr().err
