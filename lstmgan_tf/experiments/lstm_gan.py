"""A GAN whose discriminator is an LSTM: paper 000's "LSTM in the loop".

The generator is the DCGAN's; the discriminator reads the image row by row
with an LSTM (`lstmgan_tf.layers.build_lstm_discriminator`). Everything else,
the `lstmgan_tf.models.GAN` model, its ``train_step``, losses, data and
optimizers, is the DCGAN's own, so the two GANs differ only in how the
discriminator looks at an image.

- `build_lstm_gan(profile, ...)`: the built, uncompiled `GAN`.
- The runner's model ``dcgan_lstm_d``:
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

import dataclasses

from lstmgan_tf import config as _config

# ``--set`` keys this model adds to the DCGAN's, and their types.
LSTM_SETTINGS = {"lstm_units": int, "lstm_sequence": str, "lstm_patch_size": int, "lstm_cell": str}


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
    from lstmgan_tf.layers.lstm_discriminator import build_lstm_discriminator
    from lstmgan_tf.models import GAN, build_dcgan

    profile = _config.get_profile(profile)
    dcgan = build_dcgan(profile, image_size=image_size, seed=seed, **dcgan_overrides)
    return _with_lstm_discriminator(
        dcgan, build_lstm_discriminator(
            dcgan.image_size, lstm_units or profile.lstm_units, lstm_sequence, lstm_patch_size, lstm_cell,
        ), GAN,
    )


def _with_lstm_discriminator(dcgan, lstm_discriminator, gan_class):
    gan = gan_class(
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


def _register_job():
    from lstmgan_tf.training.registry import TrainingJob, get_builder, register_model

    @register_model("dcgan_lstm_d")
    def dcgan_lstm_d_job(profile, dataset_name, options):
        """The DCGAN's training job with the LSTM discriminator swapped in."""
        import keras

        from lstmgan_tf.layers.lstm_discriminator import build_lstm_discriminator
        from lstmgan_tf.models import GAN
        from lstmgan_tf.models.gan import parse_settings

        lstm_keys = {key: value for key, value in dict(options.extra).items() if key in LSTM_SETTINGS}
        lstm_settings, _ = parse_settings(lstm_keys, LSTM_SETTINGS, "dcgan_lstm_d")
        dcgan_options = dataclasses.replace(
            options, extra={k: v for k, v in dict(options.extra).items() if k not in LSTM_SETTINGS}
        )
        # The DCGAN's own job gives data, generator, optimizer settings and samples.
        job = get_builder("dcgan")(profile, dataset_name, dcgan_options)
        units = lstm_settings.get("lstm_units", profile.lstm_units)
        discriminator = build_lstm_discriminator(
            job.config["image_size"], units,
            lstm_settings.get("lstm_sequence", "rows"),
            lstm_settings.get("lstm_patch_size", 4),
            lstm_settings.get("lstm_cell", "keras"),
        )
        gan = _with_lstm_discriminator(job.model, discriminator, GAN)
        gan.compile(
            d_optimizer=keras.optimizers.Adam(job.config["learning_rate"], beta_1=job.config["beta_1"]),
            g_optimizer=keras.optimizers.Adam(job.config["learning_rate"], beta_1=job.config["beta_1"]),
            label_smoothing=job.config["label_smoothing"],
            jit_compile=options.jit_compile,
        )
        # The CNN discriminator's settings no longer describe the model.
        cnn_settings = ("discriminator_width", "spectral_norm", "discriminator_depth")
        model_config = {
            **{key: value for key, value in job.config.items() if key not in cnn_settings},
            "discriminator": "lstm",
            "lstm_units": units,
            "lstm_sequence": lstm_settings.get("lstm_sequence", "rows"),
            "lstm_patch_size": lstm_settings.get("lstm_patch_size", 4),
            "lstm_cell": lstm_settings.get("lstm_cell", "keras"),
        }
        return TrainingJob(model=gan, examples=job.examples, sample_fn=job.sample_fn, config=model_config)


_register_job()
