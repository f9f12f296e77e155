"""Paper 000's experiments on images read from folders (fixtures written here, no real image)."""

import json
import os
import re

import pytest

from lstmgan_tf import cli
from lstmgan_tf.data import real
from lstmgan_tf.experiments import detector_study as study
from lstmgan_tf.experiments import runs
from lstmgan_tf.experiments.commands import dataset_paths
from real_fixtures import write_celeba, write_paintings


def test_dataset_paths_pair_folders_with_the_datasets_that_read_one(tmp_path):
    (tmp_path / "faces").mkdir()
    (tmp_path / "art").mkdir()
    faces, art = str(tmp_path / "faces"), str(tmp_path / "art")
    assert dataset_paths(["synthetic_faces", "celeba", "folder"], [faces, art]) == [
        ("synthetic_faces", None), ("celeba", faces), ("folder", art)]
    # Two folders of one kind are two datasets.
    assert [name for name, _ in dataset_paths(["folder", "folder"], [faces, art])] == ["folder", "folder"]
    with pytest.raises(ValueError, match="names 1 dataset.* --path gives 0 folder"):
        dataset_paths(["celeba"], [])
    with pytest.raises(ValueError, match="names 0 dataset.* --path gives 1 folder"):
        dataset_paths(["synthetic_faces"], [faces])
    with pytest.raises(FileNotFoundError, match="--path .*nowhere is not a folder"):
        dataset_paths(["folder"], [str(tmp_path / "nowhere")])


def test_study_config_of_a_folder_needs_its_path_and_files_under_its_label(tmp_path):
    with pytest.raises(ValueError, match="dataset 'folder' needs its folder: pass --path"):
        study.StudyConfig.from_profile("smoke", dataset="folder")
    write_paintings(tmp_path / "art", count=40)
    config = study.StudyConfig.from_profile("smoke", dataset="folder", data_path=str(tmp_path / "art"))
    assert config.label == "folder_art" and os.path.isabs(config.data_path)
    # Fewer images than the profile's 96: all of the train split, and as many updates as 96 would get.
    held_out = len([name for name in os.listdir(tmp_path / "art") if real.held_out(name)])
    assert (config.gan_images, config.test_per_class) == (40 - held_out, held_out)
    assert config.gan_epochs == runs.epochs_for_equal_updates(1, 16, 96, 40 - held_out) > 1
    assert study.seed_dir("out", config, 0) == os.path.join("out", "smoke", "folder_art", "seed_0")


def test_lstm_discriminator_study_runs_on_a_celeba_folder_and_a_folder_of_paintings(tmp_path, capsys):
    write_celeba(tmp_path / "celeba", count=60)
    write_paintings(tmp_path / "art", count=60)
    out = tmp_path / "study"
    code = cli.main(["experiment", "lstm-discriminator", "--dataset", "celeba", "folder", "--path",
                     str(tmp_path / "celeba"), str(tmp_path / "art"), "--seeds", "1", "--profile", "smoke",
                     "--sequence", "rows", "--out", str(out), "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0 and "| celeba | 1 |" in printed and "| folder_art | 1 |" in printed
    with open(out / "smoke" / "folder_art" / "seed_0" / "results.json", encoding="utf-8") as handle:
        result = json.load(handle)
    # 60 paintings, a fifth held out: the test set is balanced to the real test images there are.
    held_out = len([name for name in os.listdir(tmp_path / "art") if real.held_out(name)])
    test_real, test_generated = re.search(r"test: (\d+) real \+ (\d+) generated",
                                          result["generator_epochs"][0]["sets"]).groups()
    assert int(test_real) == int(test_generated) == held_out
    assert os.path.isfile(out / "lstm_discriminator_generators_folder_art.png")


def test_dcgan_recipe_measures_fid_on_celeba_attributes(tmp_path, capsys):
    write_celeba(tmp_path / "celeba", count=60)
    out = tmp_path / "recipe"
    code = cli.main(["experiment", "dcgan-recipe", "--dataset", "celeba", "--path", str(tmp_path / "celeba"),
                     "--variants", "fast", "--profile", "smoke", "--out", str(out), "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0
    row = next(line for line in printed.splitlines() if line.startswith("| celeba |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    fid, floor = cells[-3], cells[-1]
    assert fid != "—" and floor != "—"
    assert os.path.isfile(out / "smoke" / "celeba_classifier.weights.h5")
    assert os.path.isfile(out / "dcgan_recipe_celeba.png")
