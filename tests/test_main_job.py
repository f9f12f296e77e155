"""The kit's main job (``make run``): train, draw word by word, evaluate, resume."""

import os

import pytest

from lstmgan_tf import cli
from lstmgan_tf.metrics.features import AttributeClassifier
from lstmgan_tf.training import runner, text_runs
from lstmgan_tf.main_job import (
    PUBLISHED_EVALUATION,
    PUBLISHED_STRIP,
    PUBLISHED_SWAP,
    PUBLISHED_TABLE,
    run_main_job,
)


def test_main_job_writes_sequences_evaluation_and_published_figures(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    paths = run_main_job(str(out), profile="smoke", publish=str(tmp_path / "assets"), verbose=0)
    printed = capsys.readouterr().out

    assert len(paths["sequences"]) == 3
    for folder in paths["sequences"]:
        files = os.listdir(folder)
        words = [name for name in files if name.startswith("word_")]
        assert words and {"strip.png", "sequence.gif", "final.png"} <= set(files)
    assert os.path.isfile(paths["colour_swap"])
    for key in ("csv", "markdown", "figure"):
        assert os.path.isfile(paths["evaluation"][key]), key
    assert sorted(os.listdir(tmp_path / "assets")) == sorted(
        [PUBLISHED_STRIP, PUBLISHED_SWAP, PUBLISHED_EVALUATION, PUBLISHED_TABLE])
    assert "Where to look" in printed and "| LSTM-CGAN" in printed
    # The colour swap asks for every petal colour and says how many the pixel check sees.
    from lstmgan_tf.data.flowers import PETAL_COLOURS

    assert 0 <= paths["colour_swap_right"] <= len(PETAL_COLOURS)
    assert all(f"{colour}->" in printed for colour in PETAL_COLOURS)
    assert f"colour swap: {paths['colour_swap_right']} of 7 petal colours right" in printed
    # How long each step took, in a file and on screen.
    with open(paths["timings"], encoding="utf-8") as handle:
        rows = [line.split(",") for line in handle.read().splitlines()]
    assert rows[0] == ["step", "seconds"] and [row[0] for row in rows[1:]] == [
        "data + text encoder + training", "pictures + colour swap", "judge + evaluation", "total"]
    seconds = [float(row[1]) for row in rows[1:]]
    assert all(value > 0 for value in seconds) and seconds[-1] == pytest.approx(sum(seconds[:-1]), abs=0.2)
    assert "Time taken: data + text encoder + training" in printed

    # A second call reuses the finished run instead of training again, and so does notebook 05
    # (`train_or_load` with its defaults); neither trains the judge again.
    weights = os.path.join(paths["run"], "model.weights.h5")
    before = os.path.getmtime(weights)

    def no_training(*args, **kwargs):
        raise AssertionError("the finished run or the judge was trained again")

    monkeypatch.setattr(runner, "train", no_training)
    monkeypatch.setattr(AttributeClassifier, "fit", no_training)
    run_main_job(str(out), profile="smoke", verbose=0)
    trained, _ = text_runs.train_or_load("lstm_cgan", profile="smoke", verbose=0)
    assert trained.run_dir == paths["run"] and os.path.getmtime(weights) == before


def test_main_job_rejects_bad_epochs(tmp_path):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        run_main_job(str(tmp_path), profile="smoke", epochs=0)


def test_main_job_is_a_cli_command(tmp_path, capsys):
    assert cli.main(["main-job", "--out", str(tmp_path), "--profile", "nonsense"]) == 2
    assert "nonsense" in capsys.readouterr().err
