"""The text models on real faces' layout: CelebA captions, training, evaluation and the attribute swap.

Every face is written here (`real_fixtures.write_celeba`): small generated
JPEGs and an attribute file in CelebA's format; no real image is read.
"""

import json
import os

import pytest

from lstmgan_tf import cli
from lstmgan_tf.generate import evaluate_runs
from lstmgan_tf.training.text_runs import load_text_model
from real_fixtures import write_celeba

HAIR = ("Black_Hair", "Blond_Hair", "Brown_Hair", "Gray_Hair")


def _attributes(index):
    return (HAIR[index % 4], *(("Male",) if index % 3 == 0 else ()), *(("Smiling",) if index % 2 else ()), "Young")


@pytest.fixture(scope="module")
def face_run(tmp_path_factory):
    """A one-epoch smoke lstm_cgan on 40 faces, trained through the CLI with --path."""
    root = tmp_path_factory.mktemp("faces")
    write_celeba(root / "celeba", count=40, size=(89, 109), on=_attributes)
    with pytest.MonkeyPatch.context() as patch:  # Module-scoped: the autouse fixture is per test.
        patch.setenv("LSTMGAN_OUTPUTS", str(root / "outputs"))
        patch.setenv("LSTMGAN_PROFILE", "smoke")
        assert cli.main(["train", "--model", "lstm_cgan", "--dataset", "celeba", "--path", str(root / "celeba"),
                         "--out", str(root / "run"), "--epochs", "1"]) == 0
        yield root


def test_a_face_run_reads_its_captions_and_keeps_the_faces_upright(face_run):
    trained = load_text_model(face_run / "run")
    with open(face_run / "run" / "config.json", encoding="utf-8") as handle:
        run_config = json.load(handle)
    assert run_config["extra"]["data.path"] == str(face_run / "celeba")
    assert run_config["model_config"]["model"]["augment_dihedral"] == 0.0  # Faces are not turned.
    words = set(trained.text.vectorizer.get_vocabulary())
    assert {"hair", "black", "woman", "man"} <= words and ({"blond", "blonde"} & words)


def test_evaluation_judges_hair_woman_or_man_and_expression_at_their_words(face_run, monkeypatch):
    monkeypatch.setenv("LSTMGAN_OUTPUTS", str(face_run / "outputs"))
    results, paths = evaluate_runs([str(face_run / "run")], str(face_run / "evaluation"), verbose=False)
    lstm, real = results[0], results[1]
    for name in ("hair_colour", "woman_or_man", "expression"):
        assert 0 <= lstm.final[f"acc_{name}"] <= 1 and 0 <= real.final[f"acc_{name}"] <= 1
        assert f"acc_{name}_at_word" in lstm.final and f"acc_{name}" in lstm.per_word
    assert "acc_petal_colour" not in lstm.final
    with open(paths["markdown"], encoding="utf-8") as handle:
        table = handle.read()
    assert "hair colour accuracy ↑" in table and "woman or man at its word ↑" in table
    assert os.path.isfile(paths["figure"])


def test_attribute_swap_puts_each_hair_colour_in_one_sentence(face_run, monkeypatch, capsys):
    monkeypatch.setenv("LSTMGAN_OUTPUTS", str(face_run / "outputs"))
    out = face_run / "swap"
    assert cli.main(["attribute-swap", "--checkpoint", str(face_run / "run"), "--template",
                     "a smiling man with {} hair", "--words", "black", "blonde", "brown", "gray",
                     "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "'a smiling man with ___ hair':" in printed and " of 4 right" in printed
    table = (out / "attribute_swap.md").read_text()
    assert "| a smiling man with ___ hair |" in table and (out / "a_smiling_man_with_word_hair.png").is_file()
    # The judge was saved: a second swap reuses it; a word of no attribute is one line.
    judge = out / "attribute_classifier.weights.h5"
    assert judge.is_file()
    assert cli.main(["attribute-swap", "--checkpoint", str(face_run / "run"), "--classifier", str(judge),
                     "--words", "black", "purple", "--out", str(out)]) == 2
    assert "black purple name values of no attribute" in capsys.readouterr().err


def test_runs_read_from_two_folders_are_not_evaluated_together(face_run, tmp_path):
    import shutil

    other = tmp_path / "other_run"
    shutil.copytree(face_run / "run", other)
    settings = json.loads((other / "config.json").read_text())
    settings["extra"]["data.path"] = str(tmp_path / "another_celeba")
    (other / "config.json").write_text(json.dumps(settings))
    with pytest.raises(ValueError, match="differ in data settings .*another_celeba.*evaluate runs of one dataset"):
        evaluate_runs([str(face_run / "run"), str(other)], str(tmp_path / "evaluation"), verbose=False)
