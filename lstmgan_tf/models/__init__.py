"""GAN models: `keras.Model` subclasses with their own ``train_step``.

- `lstmgan_tf.models.losses` and `lstmgan_tf.models.adversarial.AdversarialModel`:
  the losses and the base class every GAN of the kit shares.
- `GAN`: the unconditional DCGAN (`build_dcgan` builds it from a profile;
  `lstmgan_tf.models.gan`); `lstmgan_tf.models.lstm_gan.build_lstm_gan`: the
  same GAN with paper 000's LSTM as its discriminator.
- `lstmgan_tf.models.text_to_image.TextToImageGAN`: what the caption-conditioned
  GANs share; `LSTMCGAN` (Ouyang et al.; ``loss_at="last_word"`` for the
  last-word baseline) and `GANCLS` (Reed et al. 2016) subclass it.
- `TextPipeline` (`lstmgan_tf.models.text_inputs`): captions -> token ids and
  sentence vectors, and the training examples of the text models.

Models never import the CLI or the training registry: their training jobs
are `lstmgan_tf.training.builders`, and loading a trained text model back is
`lstmgan_tf.training.text_runs.load_text_model`.
"""

from lstmgan_tf.models.adversarial import AdversarialModel
from lstmgan_tf.models.gan import GAN, build_dcgan
from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
from lstmgan_tf.models.losses import accuracy, discriminator_loss, generator_loss, per_example_bce
from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
from lstmgan_tf.models.text_inputs import TextPipeline
from lstmgan_tf.models.text_to_image import TextToImageGAN

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
    "per_example_bce",
]
