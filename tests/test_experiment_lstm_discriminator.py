"""The LSTM-discriminator study: disjoint balanced sets, metrics, the table and the runner."""

import csv
import json
import os

import numpy as np
import pytest

from lstmgan_tf import training
from lstmgan_tf.experiments import detector_study as study
from lstmgan_tf.training.registry import data_settings


def _images(count, seed):
    return np.random.default_rng(seed).integers(0, 256, (count, 32, 32, 3), dtype=np.uint8)


def test_detector_sets_are_balanced_and_disjoint_by_content():
    real_train, fake_train, fake_test = _images(40, 0), _images(50, 1), _images(30, 2)
    # Five test images are copies of train images, as duplicates in a real dataset would be.
    real_test = np.concatenate([_images(20, 3), real_train[:3], fake_train[:2]])
    sets = study.build_detector_sets(real_train, real_test, fake_train, fake_test, seed=0)
    assert sets.dropped_duplicates == 5
    train_hashes = set(study.content_hashes(sets.train_images))
    assert not train_hashes & set(study.content_hashes(sets.test_images))
    for labels, per_class in ((sets.train_labels, 40), (sets.test_labels, 20)):
        assert labels.sum() == per_class and (1 - labels).sum() == per_class
    # Labels stay attached to their images: every real image is labelled 1.
    real_hashes = set(study.content_hashes(np.concatenate([real_train, real_test])))
    for image_hash, label in zip(study.content_hashes(sets.train_images), sets.train_labels):
        assert (image_hash in real_hashes) == (label == 1)


def test_detector_sets_reject_bad_input():
    with pytest.raises(ValueError, match="real_test must have shape"):
        study.build_detector_sets(_images(4, 0), np.zeros((4, 32, 32)), _images(4, 1), _images(4, 2))
    with pytest.raises(ValueError, match="same size"):
        study.build_detector_sets(_images(4, 0), _images(4, 3)[:, :16, :16], _images(4, 1), _images(4, 2))
    train = _images(4, 0)
    with pytest.raises(ValueError, match="every image of real_test also appears"):
        study.build_detector_sets(train, train[:2], _images(4, 1), _images(4, 2))


def _fake_result(dataset, seed, accuracies_by_epoch):
    """A stored seed: for each generator epoch, one accuracy per discriminator (in `DISCRIMINATORS` order)."""
    entries = []
    for epoch, accuracies in accuracies_by_epoch.items():
        discriminators = {
            name: {"parameters": 100 + index, "metrics": {
                "accuracy": accuracy, "real_accuracy": accuracy, "fake_accuracy": accuracy, "roc_auc": accuracy,
            }}
            for index, (name, accuracy) in enumerate(zip(study.DISCRIMINATORS, accuracies))
        }
        entries.append({"generator_epoch": epoch, "sets": "", "discriminators": discriminators})
    return {"config": {"dataset": dataset}, "seed": seed, "generator_epochs": entries, "seconds": 1.0}


def test_summary_is_mean_and_sample_std_over_seeds_per_generator_epoch(tmp_path):
    results = [
        _fake_result("abstract_art", seed, {1: (0.9, 1.0, 1.0, 0.99, 0.98), 8: (0.5 + 0.1 * seed, 0.8, 0.9, 0.7, 0.8)})
        for seed in range(3)
    ]
    rows = study.summarise(results)
    assert [(row["generator_epoch"], row["discriminator"]) for row in rows] == [
        (epoch, name) for epoch in (1, 8) for name in study.DISCRIMINATORS
    ]
    gan_row = rows[len(study.DISCRIMINATORS)]
    assert gan_row["accuracy_mean"] == pytest.approx(60.0)
    assert gan_row["accuracy_std"] == pytest.approx(10.0)
    assert gan_row["paper_accuracy"] == study.PAPER_ACCURACY["gan_discriminator"]
    assert rows[1]["accuracy_std"] == 0.0 and rows[1]["paper_accuracy"] == ""
    differences = study.paired_differences(results)
    by_key = {(row["generator_epoch"], row["detector"]): row for row in differences}
    assert set(by_key) == {(epoch, name) for epoch in (1, 8) for name in ("lstm_rows", "lstm_columns", "lstm_patches")}
    assert by_key[(8, "lstm_rows")]["difference_mean"] == pytest.approx(10.0)
    assert by_key[(8, "lstm_columns")]["difference_mean"] == pytest.approx(-10.0)
    assert by_key[(8, "lstm_rows")]["difference_std"] == pytest.approx(0.0)
    report = study.write_report(results, str(tmp_path / "out"), publish_dir=str(tmp_path / "assets"))
    assert sorted(os.listdir(tmp_path / "assets")) == [study.CHART_FILE, f"{study.TABLE_STEM}.md"]
    with open(report["csv"]) as handle:
        assert list(csv.DictReader(handle).fieldnames) == list(study.TABLE_COLUMNS)
    markdown = (tmp_path / "assets" / f"{study.TABLE_STEM}.md").read_text()
    assert "| abstract_art | 8 | 60.0 ± 10.0 (0.600 ± 0.100) | 80.0 ± 0.0 (0.800 ± 0.000) |" in markdown
    assert "| abstract_art | 8 | +10.0 ± 0.0 | -10.0 ± 0.0 | +0.0 ± 0.0 |" in markdown


def test_snapshot_epochs_crowd_early_and_end_at_the_last():
    assert study.snapshot_epochs(30) == (1, 2, 4, 8, 15, 30)
    assert study.snapshot_epochs(1) == (1,)
    assert study.snapshot_epochs(600, count=3) == (1, 24, 600)
    config = study.StudyConfig.from_profile("smoke", gan_epochs=4)
    assert config.generator_epochs == study.snapshot_epochs(4)
    assert config.to_dict()["generator_epochs"] == list(config.generator_epochs)
    with pytest.raises(ValueError, match="within the GAN's 4 epochs"):
        study.StudyConfig.from_profile("smoke", gan_epochs=4, generator_epochs=(1, 5))
    with pytest.raises(ValueError, match="must rise"):
        study.StudyConfig.from_profile("smoke", gan_epochs=4, generator_epochs=(2, 1))


def test_detectors_have_about_the_cnns_weights_and_one_lstm_per_reading():
    config = study.StudyConfig.from_profile("smoke", detector_width=8)
    detectors = study.build_detectors(config)
    assert list(detectors) == ["cnn_detector", "lstm_rows", "lstm_columns", "lstm_patches"]
    cnn_weights = study.trainable_parameter_count(detectors["cnn_detector"])
    for name in ("lstm_rows", "lstm_columns", "lstm_patches"):
        assert abs(study.trainable_parameter_count(detectors[name]) - cnn_weights) < 0.05 * cnn_weights, name
    assert detectors["lstm_patches"].get_layer("image_to_sequence").mode == "patches"


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="unknown dataset 'flowerz'"):
        study.StudyConfig.from_profile("smoke", dataset="flowerz")
    with pytest.raises(ValueError, match="detector_epochs must be a positive integer"):
        study.StudyConfig.from_profile("smoke", detector_epochs=0)
    with pytest.raises(ValueError, match="unknown lstm sequence 'diagonal'"):
        study.StudyConfig.from_profile("smoke", lstm_sequences=("rows", "diagonal"))
    with pytest.raises(ValueError, match="not the string 'rows'|the string 'rows'"):
        study.StudyConfig.from_profile("smoke", lstm_sequences="rows")
    with pytest.raises(ValueError, match="unknown StudyConfig field"):
        study.StudyConfig.from_profile("smoke", epochz=3)
    with pytest.raises(ValueError, match="seeds must be non-negative"):
        study.run_study(study.StudyConfig.from_profile("smoke"), [-1], "unused")


def test_cli_reports_bad_arguments_in_one_line(capsys):
    from lstmgan_tf.experiments import commands

    import argparse

    parser = argparse.ArgumentParser()
    commands.add_parser(parser.add_subparsers())
    args = parser.parse_args(["experiment", "lstm-discriminator", "--dataset", "flowerz", "--profile", "smoke"])
    with pytest.raises(ValueError, match="unknown dataset 'flowerz'"):
        args.func(args)
    with pytest.raises(SystemExit):
        parser.parse_args(["experiment", "lstm-discriminator", "--seeds", "0"])
    assert "expected a positive integer" in capsys.readouterr().err


def test_runner_writes_the_table_and_resumes_per_generator_epoch(tmp_path, capsys):
    """A tiny smoke run through the CLI (a 2-epoch GAN, so two generators), then an interrupted seed picked up."""
    from lstmgan_tf import cli

    out = tmp_path / "study"
    argv = ["experiment", "lstm-discriminator", "--dataset", "abstract_art", "--seeds", "1", "--epochs", "2",
            "--sequence", "rows", "patches", "--profile", "smoke", "--out", str(out), "--quiet"]
    assert cli.main(argv) == 0
    with open(out / f"{study.TABLE_STEM}.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(study.TABLE_COLUMNS)
    names = ["gan_discriminator", "cnn_detector", "lstm_rows", "lstm_patches"]
    assert [(row["dataset"], row["generator_epoch"], row["discriminator"]) for row in rows] == [
        ("abstract_art", epoch, name) for epoch in ("1", "2") for name in names
    ]
    for row in rows:
        assert 0.0 <= float(row["accuracy_mean"]) <= 100.0 and 0.0 <= float(row["roc_auc_mean"]) <= 1.0
    markdown = (out / f"{study.TABLE_STEM}.md").read_text()
    assert "| abstract_art | 2 |" in markdown and "LSTM detector, patches − CNN" in markdown
    import imageio.v3 as iio

    assert iio.imread(out / study.CHART_FILE).ndim == 3
    assert iio.imread(out / study.GENERATORS_FILE.format(dataset="abstract_art")).ndim == 3

    seed_folder = out / "smoke" / "abstract_art" / "seed_0"
    for epoch in (1, 2):
        assert (seed_folder / "gan" / "snapshots" / f"epoch_{epoch:03d}.weights.h5").exists()
    results_path = seed_folder / study.RESULTS_FILE
    first = json.loads(results_path.read_text())
    assert [entry["generator_epoch"] for entry in first["generator_epochs"]] == [1, 2]
    assert first["gan_seconds"] > 0
    assert first["generator_epochs"][0]["sets"].startswith("train: 96 real + 96 generated; test: 24 real")

    # Interrupted after epoch 2's detectors, before epoch 1's were stored: only epoch 1 is redone,
    # with the same GAN (not trained again) and the same sets.
    gan_weights = seed_folder / "gan" / "model.weights.h5"
    gan_written = gan_weights.stat().st_mtime_ns
    kept = {**first["generator_epochs"][1], "seconds_marker": 1}
    results_path.write_text(json.dumps({**first, "generator_epochs": [kept]}))
    assert cli.main(argv) == 0
    resumed = json.loads(results_path.read_text())
    assert gan_weights.stat().st_mtime_ns == gan_written, "the cached GAN was trained again"
    assert resumed["generator_epochs"][1] == kept
    epoch_1 = first["generator_epochs"][0]["discriminators"]["gan_discriminator"]["metrics"]
    assert resumed["generator_epochs"][0]["discriminators"]["gan_discriminator"]["metrics"] == pytest.approx(epoch_1)

    # prepare_seed puts epoch 1's weights back: its discriminator says what it said then.
    config = study.StudyConfig.from_profile("smoke", dataset="abstract_art", gan_epochs=2,
                                            lstm_sequences=("rows", "patches"))
    gan, _, sets = study.prepare_seed(config, 0, str(out), generator_epoch=1)
    assert study.evaluate_discriminator(gan.discriminator, sets.test_images, sets.test_labels) == pytest.approx(epoch_1)
    with pytest.raises(ValueError, match="generator_epoch 3 is not one of"):
        study.prepare_seed(config, 0, str(out), generator_epoch=3)

    # A finished seed is read back, not recomputed: a marker in its results survives.
    results_path.write_text(json.dumps({**resumed, "seconds": 12345.0}))
    assert cli.main(argv) == 0
    assert json.loads(results_path.read_text())["seconds"] == 12345.0
    assert f"recorded compute 205 min 45 s, of which the GANs {study.format_duration(first['gan_seconds'])}" in (
        capsys.readouterr().out)


def test_a_run_without_the_snapshots_the_study_needs_is_refused(tmp_path):
    config = study.StudyConfig.from_profile("smoke", dataset="abstract_art")
    run_dir = str(tmp_path / "gan")
    # The study's own settings, but trained without its snapshots.
    options = training.TrainOptions(seed=0, image_size=config.image_size, dataset_size=config.gan_images,
                                    extra=data_settings(config.data_options))
    training.train_or_load("dcgan", "abstract_art", run_dir, "smoke", config.gan_epochs, options, verbose=0)
    with pytest.raises(ValueError, match="no weights saved at epoch"):
        study.train_or_load_gan(config, 0, run_dir)


def test_refreshed_batch_norm_statistics_are_the_average_over_the_batches():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), keras.layers.BatchNormalization()])
    inputs = np.random.default_rng(0).normal(2.0, 3.0, (40, 3)).astype("float32")
    norm = model.layers[-1]
    assert study.refresh_batch_norm_statistics(model, inputs, batch_size=8) == 1
    features = keras.ops.convert_to_numpy(model.layers[0](inputs))
    batches = features.reshape(5, 8, 3)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.moving_mean), batches.mean(axis=1).mean(axis=0),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.moving_variance), batches.var(axis=1).mean(axis=0),
                               rtol=1e-4, atol=1e-5)
    assert norm.momentum == 0.99, "the layer's own momentum is put back"
    assert study.refresh_batch_norm_statistics(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]),
                                               inputs, 8) == 0
