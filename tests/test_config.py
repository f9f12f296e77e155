import pytest

from lstmgan_tf import config


def test_default_profile_is_classroom(monkeypatch):
    monkeypatch.delenv("LSTMGAN_PROFILE", raising=False)
    assert config.get_profile().name == "classroom"


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("LSTMGAN_PROFILE", " Paper ")
    assert config.get_profile().name == "paper"


def test_paper_profile_holds_the_papers_settings():
    paper = config.get_profile("paper")
    assert (paper.image_size, paper.batch_size, paper.epochs) == (64, 64, 600)
    assert (paper.learning_rate, paper.beta_1, paper.discriminator_steps) == (2e-4, 0.5, 2)
    assert (paper.gan_recipe, paper.text_gan_recipe) == ("paper", "paper")


def test_unknown_profile_lists_the_valid_names(monkeypatch):
    monkeypatch.setenv("LSTMGAN_PROFILE", "fast")
    with pytest.raises(ValueError, match="unknown profile 'fast'.*smoke, classroom, paper"):
        config.get_profile()


def test_unsupported_image_size_is_rejected():
    with pytest.raises(ValueError, match="image_size=48"):
        config.get_profile("smoke").replace(image_size=48)


def test_outputs_dir_honours_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMGAN_OUTPUTS", str(tmp_path / "elsewhere"))
    path = config.outputs_dir("datasets")
    assert path == str(tmp_path / "elsewhere" / "datasets")
    assert (tmp_path / "elsewhere" / "datasets").is_dir()


def test_flags_given_as_text_read_true_and_false():
    assert config.parse_flag("false", "download") is False and config.parse_flag("Yes", "download") is True
    with pytest.raises(ValueError, match="download='maybe': expected true or false"):
        config.parse_flag("maybe", "download")
