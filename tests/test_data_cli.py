"""`python -m lstmgan_tf data preview` and `data counts`."""

import numpy as np
import pytest
from PIL import Image

from lstmgan_tf import cli


@pytest.mark.parametrize("name", ["synthetic_flowers", "abstract_art"])
def test_preview_writes_a_png_that_decodes(tmp_path, name, capsys):
    status = cli.main(["data", "preview", "--dataset", name, "--out", str(tmp_path), "--count", "6",
                       "--profile", "smoke"])
    assert status == 0
    path = tmp_path / f"{name}_preview.png"
    assert f"wrote {path}" in capsys.readouterr().out
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100 and pixels.std() > 10


def test_preview_of_an_unknown_dataset_is_one_line_and_exit_2(tmp_path, capsys):
    status = cli.main(["data", "preview", "--dataset", "flowerz", "--out", str(tmp_path)])
    assert status == 2
    error = capsys.readouterr().err
    assert error.startswith("error: unknown dataset 'flowerz'; choose one of: synthetic_flowers")
    assert error.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_preview_of_a_folder_without_path_names_the_option(tmp_path, capsys):
    assert cli.main(["data", "preview", "--dataset", "folder", "--out", str(tmp_path)]) == 2
    assert "needs path=" in capsys.readouterr().err


def test_preview_rejects_a_non_positive_count(tmp_path, capsys):
    assert cli.main(["data", "preview", "--dataset", "abstract_art", "--out", str(tmp_path), "--count", "0"]) == 2
    assert "--count must be a positive integer, got 0" in capsys.readouterr().err


def test_counts_cross_two_attributes_of_a_celeba_folder(tmp_path, capsys):
    from real_fixtures import write_celeba

    # Faces 1-10: odd indices smile, even ones are men with black hair (the fixture's default plus hair).
    write_celeba(tmp_path, on=lambda i: ("Smiling",) if i % 2 else ("Male", "Black_Hair"))
    assert cli.main(["data", "counts", "--dataset", "celeba", "--path", str(tmp_path), "--attributes", "hair_colour",
                     "woman_or_man", "--profile", "smoke"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("8 celeba images (train):")  # The last fifth is the test split.
    assert "| black | 0 | 4 |" in printed and "| other | 4 | 0 |" in printed
    assert cli.main(["data", "counts", "--dataset", "celeba", "--path", str(tmp_path), "--attributes", "hair_color"]) == 2
    assert "has no attribute 'hair_color'; it has: 5_o_clock_shadow" in capsys.readouterr().err
