"""The training job of ``python -m lstmgan_tf train --model dcgan_lstm_d``.

Paper 000's "LSTM in the loop" (`lstmgan_tf.models.lstm_gan`): the
DCGAN's job (`lstmgan_tf.training.builders.dcgan`: data, generator, recipe,
optimizer settings and samples) with an LSTM reading the image as the
discriminator. ``--set`` takes the DCGAN's keys plus `LSTM_SETTINGS`.
"""

from __future__ import annotations

import dataclasses

import keras

from lstmgan_tf.models.lstm_gan import with_lstm_discriminator
from lstmgan_tf.layers.lstm_discriminator import build_lstm_discriminator
from lstmgan_tf.training.registry import TrainingJob, get_builder, parse_settings, register_model

# ``--set`` keys this model adds to the DCGAN's, and their types.
LSTM_SETTINGS = {"lstm_units": int, "lstm_sequence": str, "lstm_patch_size": int, "lstm_cell": str}


@register_model("dcgan_lstm_d")
def dcgan_lstm_d_job(profile, dataset_name, options):
    """The DCGAN's training job with the LSTM discriminator swapped in."""
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
    gan = with_lstm_discriminator(job.model, discriminator)
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

