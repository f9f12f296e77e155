"""A GAN whose discriminator is an LSTM: paper 000's "LSTM in the loop".

The generator is the DCGAN's; the discriminator reads the image row by row
with an LSTM (`lstmgan_tf.layers.build_lstm_discriminator`). Everything else,
the `lstmgan_tf.models.GAN` model, its ``train_step``, losses, data and
optimizers, is the DCGAN's own, so the two GANs differ only in how the
discriminator looks at an image.

- `build_lstm_gan(profile, ...)`: the built, uncompiled `GAN`.
- `with_lstm_discriminator(dcgan, lstm_discriminator)`: a built DCGAN's
  generator and settings with another discriminator.
- The runner's model ``dcgan_lstm_d`` (`lstmgan_tf.training.builders.dcgan_lstm_d`):
  ``python -m lstmgan_tf train --model dcgan_lstm_d --dataset synthetic_faces``
  takes the DCGAN's ``--set`` keys plus ``lstm_units``, ``lstm_sequence``,
  ``lstm_patch_size`` and ``lstm_cell``.

Example:

>>> from lstmgan_tf import config
>>> gan = build_lstm_gan("smoke")
>>> gan.discriminator.get_layer("lstm").units == config.get_profile("smoke").lstm_units
True
"""

from __future__ import annotations

from lstmgan_tf import config as _config
from lstmgan_tf.layers.lstm_discriminator import build_lstm_discriminator
from lstmgan_tf.models.gan import GAN, build_dcgan


def build_lstm_gan(
    profile=None,
    image_size: int | None = None,
    lstm_units: int | None = None,
    lstm_sequence: str = "rows",
    lstm_patch_size: int = 4,
    lstm_cell: str = "keras",
    seed=None,
    **dcgan_overrides,
):
    """Builds the DCGAN of a profile with an LSTM discriminator in place of the CNN.

    Args:
        profile: a profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        image_size: 32, 64 or 128 (default: the profile's).
        lstm_units: LSTM units (default: the profile's ``lstm_units``).
        lstm_sequence: ``rows``, ``columns`` or ``patches``.
        lstm_patch_size: patch side for ``patches``.
        lstm_cell: ``keras`` or ``handwritten``.
        seed: seed of the model's noise.
        **dcgan_overrides: other arguments of `lstmgan_tf.models.build_dcgan`
            (``latent_dim``, ``generator_width``, ``discriminator_steps``, ...).

    Returns:
        A built, uncompiled `lstmgan_tf.models.GAN` named ``dcgan_lstm_d``.
    """
    profile = _config.get_profile(profile)
    dcgan = build_dcgan(profile, image_size=image_size, seed=seed, **dcgan_overrides)
    return with_lstm_discriminator(
        dcgan, build_lstm_discriminator(
            dcgan.image_size, lstm_units or profile.lstm_units, lstm_sequence, lstm_patch_size, lstm_cell,
        ),
    )


def with_lstm_discriminator(dcgan, lstm_discriminator):
    """A new, built `GAN` named ``dcgan_lstm_d``: ``dcgan``'s generator and settings, another discriminator."""
    gan = GAN(
        dcgan.generator,
        lstm_discriminator,
        latent_dim=dcgan.latent_dim,
        discriminator_steps=dcgan.discriminator_steps,
        generator_steps=dcgan.generator_steps,
        gan_loss=dcgan.gan_loss,
        augment_translation=dcgan.augment_translation,
        generator_ema=dcgan.generator_ema,
        seed=dcgan.seed,
        name="dcgan_lstm_d",
    )
    gan.build()
    return gan
