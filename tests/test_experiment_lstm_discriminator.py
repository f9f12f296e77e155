"""The LSTM-discriminator study: disjoint balanced sets, metrics, the table and the runner."""

import csv
import itertools
import json
import os

import numpy as np
import pytest

from lstmgan_tf.experiments import detector_study as study


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


def test_roc_auc_is_the_chance_a_real_image_outscores_a_generated_one():
    rng = np.random.default_rng(0)
    scores = np.round(rng.normal(size=60), 1)  # Rounded, so there are ties.
    labels = rng.integers(0, 2, 60)
    pairs = list(itertools.product(scores[labels == 1], scores[labels == 0]))
    brute_force = np.mean([1.0 if r > f else 0.5 if r == f else 0.0 for r, f in pairs])
    assert study.roc_auc(scores, labels) == pytest.approx(brute_force)
    assert study.roc_auc([3, 2, 1, 0], [1, 1, 0, 0]) == 1.0
    with pytest.raises(ValueError, match="both real"):
        study.roc_auc([1.0, 2.0], [1, 1])


def test_accuracy_thresholds_logits_at_zero():
    assert study.accuracy_at_threshold([2.0, 0.3, -0.1, -4.0], [1, 0, 0, 1]) == 0.5
    with pytest.raises(ValueError, match="got 3 scores but 2 labels"):
        study.accuracy_at_threshold([1.0, 2.0, 3.0], [1, 0])
    with pytest.raises(ValueError, match="labels must be 0"):
        study.accuracy_at_threshold([1.0, 2.0], [1, 2])


def _fake_result(dataset, seed, accuracies):
    discriminators = {
        name: {"parameters": 100 + index, "metrics": {
            "accuracy": accuracy, "real_accuracy": accuracy, "fake_accuracy": accuracy, "roc_auc": accuracy,
        }}
        for index, (name, accuracy) in enumerate(zip(study.DISCRIMINATORS, accuracies))
    }
    return {"config": {"dataset": dataset}, "seed": seed, "discriminators": discriminators, "seconds": 1.0}


def test_summary_is_mean_and_sample_std_over_seeds(tmp_path):
    results = [_fake_result("abstract_art", seed, (0.5 + 0.1 * seed, 0.8, 0.9)) for seed in range(3)]
    rows = study.summarise(results)
    assert [row["discriminator"] for row in rows] == list(study.DISCRIMINATORS)
    gan_row = rows[0]
    assert gan_row["accuracy_mean"] == pytest.approx(60.0)
    assert gan_row["accuracy_std"] == pytest.approx(10.0)
    assert gan_row["paper_accuracy"] == study.PAPER_ACCURACY["gan_discriminator"]
    assert rows[1]["accuracy_std"] == 0.0 and rows[1]["paper_accuracy"] == ""
    report = study.write_report(results, str(tmp_path / "out"), publish_dir=str(tmp_path / "assets"))
    assert sorted(os.listdir(tmp_path / "assets")) == [study.CHART_FILE, f"{study.TABLE_STEM}.md"]
    with open(report["csv"]) as handle:
        assert list(csv.DictReader(handle).fieldnames) == list(study.TABLE_COLUMNS)


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="unknown dataset 'flowerz'"):
        study.StudyConfig.from_profile("smoke", dataset="flowerz")
    with pytest.raises(ValueError, match="detector_epochs must be a positive integer"):
        study.StudyConfig.from_profile("smoke", detector_epochs=0)
    with pytest.raises(ValueError, match="unknown lstm_sequence 'diagonal'"):
        study.StudyConfig.from_profile("smoke", lstm_sequence="diagonal")
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


def test_runner_writes_the_table_and_resumes_per_seed(tmp_path, capsys):
    """A tiny smoke run through the CLI, then an interrupted seed picked up again."""
    from lstmgan_tf import cli

    out = tmp_path / "study"
    argv = ["experiment", "lstm-discriminator", "--dataset", "abstract_art", "--seeds", "1",
            "--profile", "smoke", "--out", str(out), "--quiet"]
    assert cli.main(argv) == 0
    with open(out / f"{study.TABLE_STEM}.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(study.TABLE_COLUMNS)
    assert [(row["dataset"], row["discriminator"]) for row in rows] == [
        ("abstract_art", name) for name in study.DISCRIMINATORS
    ]
    for row in rows:
        assert 0.0 <= float(row["accuracy_mean"]) <= 100.0 and 0.0 <= float(row["roc_auc_mean"]) <= 1.0
    assert "| abstract_art | LSTM detector |" in (out / f"{study.TABLE_STEM}.md").read_text()
    import imageio.v3 as iio

    assert iio.imread(out / study.CHART_FILE).ndim == 3

    # Interrupt after the GAN: the seed's results are gone, its trained GAN is not.
    seed_folder = out / "smoke" / "abstract_art" / "seed_0"
    results_path = seed_folder / study.RESULTS_FILE
    first = json.loads(results_path.read_text())
    assert first["sets"].startswith("train: 96 real + 96 generated; test: 24 real + 24 generated")
    gan_weights = seed_folder / "gan" / "model.weights.h5"
    gan_written = gan_weights.stat().st_mtime_ns
    results_path.unlink()
    config = study.StudyConfig.from_profile("smoke", dataset="abstract_art")
    gan, _, sets = study.prepare_seed(config, 0, str(out))
    assert gan_weights.stat().st_mtime_ns == gan_written, "the cached GAN was trained again"
    # Same GAN, same sets: the GAN discriminator's verdicts are the same as before.
    metrics = study.evaluate_discriminator(gan.discriminator, sets.test_images, sets.test_labels)
    assert metrics == pytest.approx(first["discriminators"]["gan_discriminator"]["metrics"])
    # A finished seed is read back, not recomputed: a marker in its results survives.
    results_path.write_text(json.dumps({**first, "seconds": 12345.0}))
    assert cli.main(argv) == 0
    assert json.loads(results_path.read_text())["seconds"] == 12345.0
    assert "recorded compute 205 min 45 s" in capsys.readouterr().out
