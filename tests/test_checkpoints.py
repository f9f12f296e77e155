"""Damaged checkpoints and interrupted writes: resume and load fall back, or fail in one line.

A module fixture trains the smoke DCGAN for one epoch (6 steps, a checkpoint
every 2 steps: ckpt-2, ckpt-4, ckpt-6); each test damages a copy of it the way
a crash, a full disk or a kill during a write would.
"""

import csv
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import cli, files, training
from lstmgan_tf.training import callbacks, checkpoints, registry

OPTIONS = registry.TrainOptions(seed=1, dataset_size=96)
DATASET = "synthetic_faces"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("finished")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSTMGAN_OUTPUTS", str(folder / "outputs"))
        training.train("dcgan", DATASET, out_dir=folder / "run", profile="smoke", epochs=1,
                       options=OPTIONS, verbose=0, checkpoint_every=2)
    return folder / "run"


@pytest.fixture
def run(finished_run, tmp_path):
    """A copy of the finished run that a test may damage."""
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    return copy


def _truncate(path, size=1000):
    with open(path, "r+b") as handle:
        handle.truncate(size)


def _data_file(run, step):
    return run / "checkpoints" / f"ckpt-{step}.data-00000-of-00001"


def _resume(run, epochs=2):
    return training.train("dcgan", DATASET, out_dir=run, profile="smoke", epochs=epochs, options=OPTIONS,
                          verbose=0, resume=True, checkpoint_every=2)


def test_checkpoints_are_listed_from_the_files_newest_first(run):
    os.remove(run / "checkpoints" / "checkpoint")  # The index file does not decide.
    names = [os.path.basename(prefix) for prefix in checkpoints.checkpoint_prefixes(run / "checkpoints")]
    assert names == ["ckpt-6", "ckpt-4", "ckpt-2"]
    assert checkpoints.checkpoint_prefixes(run / "no_such_folder") == []


def test_each_kind_of_damage_is_detected(run):
    prefix = str(run / "checkpoints" / "ckpt-6")
    assert checkpoints.checkpoint_problem(prefix) is None
    _truncate(_data_file(run, 6))
    assert "Read less bytes" in checkpoints.checkpoint_problem(prefix)
    with open(_data_file(run, 4), "r+b") as handle:  # Same length, other bytes: the checksum sees it.
        handle.seek(600)
        handle.write(b"\xff" * 64)
    assert "Checksum does not match" in checkpoints.checkpoint_problem(str(run / "checkpoints" / "ckpt-4"))
    _truncate(run / "checkpoints" / "ckpt-2.index", 10)
    assert checkpoints.checkpoint_problem(str(run / "checkpoints" / "ckpt-2")) is not None
    assert checkpoints.checkpoint_problem(str(run / "checkpoints" / "ckpt-99")) is not None


def test_resume_falls_back_to_the_previous_checkpoint_and_sets_the_damaged_one_aside(run):
    _truncate(_data_file(run, 6))
    with pytest.warns(UserWarning, match="ckpt-6 of .* cannot be read .*; falling back to ckpt-4"):
        result = _resume(run)
    assert result.initial_step == 4 and result.final_step == 12
    damaged = run / "checkpoints" / checkpoints.DAMAGED_FOLDER
    assert sorted(os.listdir(damaged)) == ["ckpt-6.data-00000-of-00001", "ckpt-6.index"]
    # The new ckpt-6 is a good one, and the manager went on deleting old checkpoints.
    names = [os.path.basename(p) for p in checkpoints.checkpoint_prefixes(run / "checkpoints")]
    assert names == ["ckpt-12", "ckpt-10", "ckpt-8"]
    assert all(checkpoints.checkpoint_problem(p) is None for p in checkpoints.checkpoint_prefixes(run / "checkpoints"))


def test_loading_a_run_falls_back_with_a_warning(run, finished_run):
    _truncate(_data_file(run, 6))
    with pytest.warns(UserWarning, match="ckpt-6 .* falling back to ckpt-4"):
        model = training.load_trained(run)
    reference = checkpoints.read_checkpoint(str(finished_run / "checkpoints" / "ckpt-4"))
    kernel = [name for name in reference if "generator" in name and name.endswith("VARIABLE_VALUE")][0]
    loaded = {v.path: v.numpy() for v in model.variables}
    assert any(np.array_equal(value, reference[kernel]) for value in loaded.values())
    assert os.path.isfile(_data_file(run, 6)), "loading to look must not move files"


def test_every_checkpoint_damaged_is_one_clear_error(run, capsys, monkeypatch):
    for step in (2, 4, 6):
        _truncate(_data_file(run, step))
    with pytest.warns(UserWarning), pytest.raises(checkpoints.DamagedRunError, match="no checkpoint of .* can be read"):
        training.load_trained(run)
    monkeypatch.setenv("LSTMGAN_PROFILE", "smoke")
    with pytest.warns(UserWarning):
        code = cli.main(["train", "--model", "dcgan", "--dataset", DATASET, "--out", str(run), "--epochs", "2",
                         "--seed", "1", "--dataset-size", "96", "--checkpoint-every", "2", "--resume"])
    error = capsys.readouterr().err
    assert code == 2
    assert error.startswith("error: no checkpoint of") and "train again into a new --out folder" in error
    assert "Traceback" not in error and len(error.strip().splitlines()) == 1


def test_a_kill_during_a_checkpoint_write_leaves_a_run_that_resumes(run):
    # What SIGKILL leaves in the middle of saving step 8: TensorFlow's temporary
    # shard, an index without its data file, and half a config.json rewrite.
    temporary = run / "checkpoints" / "ckpt-8_temp" / "part-00000-of-00001.data-00000-of-00001"
    temporary.parent.mkdir()
    temporary.write_bytes(b"\x00" * 100)
    shutil.copy(run / "checkpoints" / "ckpt-6.index", run / "checkpoints" / "ckpt-8.index")
    (run / f"{files.PARTIAL_PREFIX}123-config.json").write_text('{"model": "dc')
    with pytest.warns(UserWarning, match="ckpt-8 .* falling back to ckpt-6"):
        result = _resume(run)
    assert result.initial_step == 6 and result.final_step == 12
    assert not list(run.glob(f"{files.PARTIAL_PREFIX}*"))
    assert not (run / "checkpoints" / "ckpt-8_temp").exists()


def test_a_checkpoint_the_index_file_does_not_name_yet_is_used(run):
    # Killed after the checkpoint was written, before the index file was updated.
    os.remove(run / "checkpoints" / "checkpoint")
    assert _resume(run).initial_step == 6


def test_a_run_stopped_before_its_first_checkpoint_starts_over(run, capsys):
    shutil.rmtree(run / "checkpoints")
    result = training.train("dcgan", DATASET, out_dir=run, profile="smoke", epochs=1, options=OPTIONS,
                            verbose=1, resume=True, checkpoint_every=2)
    assert result.initial_step == 0 and result.final_step == 6
    assert "holds no checkpoint yet" in capsys.readouterr().out


def test_a_checkpoint_of_another_model_is_a_clear_error(run):
    import keras

    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="ckpt-6 of .* does not fit the model"):
        checkpoints.restore(tf.train.Checkpoint(model=other), str(run / "checkpoints" / "ckpt-6"), str(run))


def test_a_damaged_weights_file_counts_as_unfinished(run):
    assert checkpoints.has_final_weights(run)
    _truncate(run / "model.weights.h5", 2000)
    assert checkpoints.weights_file_problem(run / "model.weights.h5") is not None
    with pytest.warns(UserWarning, match="model.weights.h5' cannot be read"):
        assert not checkpoints.has_final_weights(run)
    _resume(run, epochs=1)  # Nothing left to train: the weights file is written again.
    assert checkpoints.has_final_weights(run)
    assert checkpoints.weights_file_problem(run / "missing.weights.h5") == "missing"


def test_atomic_writes_leave_the_old_file_when_interrupted(tmp_path):
    path = files.write_text(tmp_path / "a.txt", "old")
    with pytest.raises(RuntimeError):
        with files.atomic_path(path) as temporary:
            open(temporary, "w").write("half a")
            raise RuntimeError("killed")
    assert open(path).read() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / f"{files.PARTIAL_PREFIX}9-b.png").write_bytes(b"")
    assert [os.path.basename(p) for p in files.remove_partial_files(tmp_path)] == [f"{files.PARTIAL_PREFIX}9-b.png"]


def test_history_rows_are_replaced_when_an_epoch_is_trained_again(tmp_path):
    path = tmp_path / "history.csv"
    logger = callbacks.EpochCSVLogger(path)
    logger.on_epoch_end(0, {"loss": 1.0})
    logger.on_epoch_end(1, {"loss": 0.5})
    logger.on_epoch_end(1, {"loss": 0.4})  # Epoch 2 again, after a resume inside it.
    assert callbacks.read_history_csv(path) == {"loss": [1.0, 0.4]}
    with open(path) as handle:
        assert len(list(csv.reader(handle))) == 3
    with open(path, "a") as handle:  # A row cut short by a kill (files written before this fix).
        handle.write("3,")
    assert callbacks.read_history_csv(path) == {"loss": [1.0, 0.4]}


def test_weight_snapshots_keep_the_chosen_epochs_across_a_resume(tmp_path):
    """Epochs 1 and 3 of a 3-epoch run stopped after epoch 2: both kept, each with that epoch's weights."""
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    inputs, targets = np.ones((8, 2), "float32"), np.full((8, 1), 5.0, "float32")
    folder = tmp_path / "snapshots"
    snapshots = callbacks.WeightSnapshots(folder, [3, 1])
    weights_after = {}
    for first, last in ((0, 2), (2, 3)):  # Two fits, as the runner resumes: epochs count on.
        model.fit(inputs, targets, epochs=last, initial_epoch=first, verbose=0, callbacks=[
            snapshots, keras.callbacks.LambdaCallback(
                on_epoch_end=lambda epoch, logs: weights_after.update({epoch + 1: model.get_weights()}))])
    assert sorted(os.listdir(folder)) == ["epoch_001.weights.h5", "epoch_003.weights.h5"]
    for epoch in (1, 3):
        model.load_weights(callbacks.WeightSnapshots.path(folder, epoch))
        for kept, expected in zip(model.get_weights(), weights_after[epoch]):
            np.testing.assert_array_equal(kept, expected)
    assert not np.allclose(weights_after[1][0], weights_after[3][0])
    with pytest.raises(ValueError, match="positive integers"):
        callbacks.WeightSnapshots(folder, [0, 2])


def test_the_crash_test_kills_resumes_and_compares(tmp_path, capsys):
    from lstmgan_tf.training import crash_test

    out = tmp_path / "crash"
    code = crash_test.main(["--kills", "2", "--epochs", "2", "--out", str(out)])
    report = __import__("json").load(open(out / "report.json"))
    printed = capsys.readouterr().out
    assert [record["killed"] for record in report["attempts"]] == [True, True, False], printed
    assert report["resumes_ok"] == report["resumes"] >= 1
    # Deterministic ops: the killed-and-resumed run ends bit for bit where the other one does.
    comparison = report["comparison"]["checkpoint"]
    assert comparison["identical"] == comparison["tensors"] > 10 and not comparison["missing"]
    assert code == 0 and "Verdict: **every resume worked; the runs are identical**" in printed
    assert (out / "report.md").read_text().startswith("# Crash test: dcgan on synthetic_faces (smoke)")
