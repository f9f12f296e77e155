"""The recipe ablation command and its time budget."""

import os

import keras
import numpy as np
import pytest

from lstmgan_tf import config
from lstmgan_tf.experiments import text_recipe
from lstmgan_tf.training.callbacks import TimeBudget


def test_rows_are_cumulative_and_end_at_the_classroom_default():
    from lstmgan_tf.models.text_to_image import TEXT_GAN_RECIPES
    from lstmgan_tf.training.builders.text_models import DEFAULT_SENTENCE_ENCODER
    from lstmgan_tf.text.grounded import GroundedEncoderSettings

    rows = text_recipe.ablation_rows()
    first = rows[0][2]
    assert first == text_recipe.PAPER_SETTINGS
    default = rows[len(text_recipe.ROWS) - 1][2]
    # The default row is what `classroom` trains with.
    assert default["sentence_encoder"] == DEFAULT_SENTENCE_ENCODER
    for key, value in TEXT_GAN_RECIPES["fast"].items():
        assert str(default[key]).lower() == str(value).lower(), key
    assert int(default["batch_size"]) == config.get_profile("classroom").text_batch_size
    assert float(default["encoder.augment_dihedral"]) == GroundedEncoderSettings().augment_dihedral
    assert "word_positions" not in text_recipe.settings_for("gan_cls", default)


def test_time_budget_stops_at_an_epoch_end():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    budget = TimeBudget(1e-9)
    history = model.fit(np.zeros((8, 2)), np.zeros(8), epochs=5, batch_size=4, verbose=0, callbacks=[budget])
    assert len(history.history["loss"]) == 1 and budget.elapsed > 0
    with pytest.raises(ValueError, match="seconds must be positive"):
        TimeBudget(0)


def test_ablation_trains_each_distinct_row_once_and_writes_its_table(tmp_path, monkeypatch):
    monkeypatch.setattr(text_recipe, "ROWS", text_recipe.ROWS[:1] + text_recipe.ROWS[-1:])
    report = text_recipe.run_ablation(str(tmp_path), minutes=0.001, models=("gan_cls",), profile="smoke",
                                      with_variants=False)
    assert sorted(os.listdir(tmp_path / "gan_cls")) == ["conditional_batch_norm_in_g_classroom_default",
                                                        "paper_recipe_sif_vectors"]
    table = open(report["markdown"], encoding="utf-8").read()
    assert "| paper recipe, SIF vectors | gan_cls |" in table and "| real test images |" in table
    # A second call reuses the finished runs: nothing is trained again.
    from lstmgan_tf import training

    def no_training(*args, **kwargs):
        raise AssertionError("a finished run was trained again")

    monkeypatch.setattr(training, "train", no_training)
    again = text_recipe.run_ablation(str(tmp_path), minutes=0.001, models=("gan_cls",), profile="smoke",
                                     with_variants=False)
    assert len(again["text"].splitlines()) == len(report["text"].splitlines())
    with pytest.raises(ValueError, match="unknown model"):
        text_recipe.run_ablation(str(tmp_path), models=("dcgan",))


def test_every_variant_is_a_setting_both_models_accept():
    from lstmgan_tf.models.gan_cls import GANCLSConfig
    from lstmgan_tf.models.lstm_cgan import LSTMCGANConfig
    from lstmgan_tf.training.builders.text_models import _split_extra

    for _, _, settings in text_recipe.ablation_rows():
        for model, config_class in (("lstm_cgan", LSTMCGANConfig), ("gan_cls", GANCLSConfig)):
            model_settings = {k: v for k, v in text_recipe.settings_for(model, settings).items()
                              if k not in text_recipe._RUN_OPTIONS}
            overrides, text_options, _ = _split_extra(model_settings, config_class, model)
            encoder_settings = text_options.pop("encoder_settings", {})
            # Every setting lands somewhere (an unknown one raises).
            assert len(overrides) + len(text_options) + len(encoder_settings) == len(model_settings)
