"""GAN models: `keras.Model` subclasses with their own ``train_step``.

- `GAN`: the unconditional DCGAN (`build_dcgan` builds it from a profile).
- `AdversarialModel` and the loss functions in `lstmgan_tf.models.gan`: the
  pieces every GAN of the kit shares.
- `LSTMCGAN` (Ouyang et al.; ``loss_at="last_word"`` for the last-word
  baseline), `GANCLS` (Reed et al. 2016) and `TextPipeline` (captions ->
  token ids and sentence vectors); `load_text_model` reads a trained run.
"""

from lstmgan_tf.models.gan import (
    GAN,
    AdversarialModel,
    accuracy,
    build_dcgan,
    discriminator_loss,
    generator_loss,
    per_example_bce,
)
from lstmgan_tf.models.captions import TextPipeline
from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig, TextToImageGAN
from lstmgan_tf.models.text_jobs import load_text_model, train_or_load

__all__ = [
    "GAN",
    "AdversarialModel",
    "GANCLS",
    "GANCLSConfig",
    "LSTMCGAN",
    "LSTMCGANConfig",
    "TextPipeline",
    "TextToImageGAN",
    "accuracy",
    "build_dcgan",
    "discriminator_loss",
    "generator_loss",
    "load_text_model",
    "per_example_bce",
    "train_or_load",
]
