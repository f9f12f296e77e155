"""The training job of ``python -m lstmgan_tf train --model dcgan``.

The unconditional DCGAN (`lstmgan_tf.models.gan`) on the images of any
dataset (captions unused). ``--set KEY=VALUE`` changes any of
`DCGAN_SETTINGS`: the sizes, the optimizer, and the recipe by name
(``recipe=paper``) or switch by switch (``generator_ema=0``), plus
``data.OPTION=VALUE`` for the dataset.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from lstmgan_tf import config as _config
from lstmgan_tf import data
from lstmgan_tf.models.gan import DCGANRecipe, build_dcgan, dcgan_recipe
from lstmgan_tf.training.registry import TrainingJob, parse_settings, register_model
from lstmgan_tf.training.runner import check_image_size

# Settings ``--set KEY=VALUE`` can change, and their types.
DCGAN_SETTINGS = {
    "latent_dim": int,
    "generator_width": int,
    "discriminator_width": int,
    "discriminator_steps": int,
    "generator_steps": int,
    "learning_rate": float,
    "beta_1": float,
    "label_smoothing": float,
    "samples": int,
    # A named recipe (`DCGAN_RECIPES`; default: the profile's), then its switches (`DCGANRecipe`).
    "recipe": str,
    "gan_loss": str,
    "spectral_norm": bool,
    "discriminator_depth": int,
    "generator_upsampling": str,
    "generator_ema": float,
    "augment_translation": float,
}
RECIPE_SETTINGS = tuple(field.name for field in dataclasses.fields(DCGANRecipe))


@register_model("dcgan")
def dcgan_job(profile, dataset_name, options):
    """The unconditional DCGAN on the images of a dataset (captions unused)."""
    settings, source_options = parse_settings(options.extra, DCGAN_SETTINGS, "dcgan")
    image_size = options.image_size or profile.image_size
    if image_size not in _config.SUPPORTED_IMAGE_SIZES:
        raise ValueError(
            f"image size {image_size!r} is not supported by dcgan; choose one of "
            f"{_config.SUPPORTED_IMAGE_SIZES}."
        )
    arrays = data.load_arrays(
        dataset_name, image_size=image_size, count=options.dataset_size,
        seed=options.seed, profile=profile, **source_options,
    )
    examples = tf.data.Dataset.from_tensor_slices(arrays.images).map(
        lambda image: tf.cast(image, tf.float32) / 127.5 - 1.0
    )
    check_image_size(examples, image_size, dataset_name)

    recipe = dcgan_recipe(
        profile, settings.get("recipe"), **{key: settings[key] for key in RECIPE_SETTINGS if key in settings}
    )
    gan = build_dcgan(
        profile,
        image_size=image_size,
        latent_dim=settings.get("latent_dim"),
        generator_width=settings.get("generator_width"),
        discriminator_width=settings.get("discriminator_width"),
        generator_steps=settings.get("generator_steps"),
        seed=options.seed,
        recipe=recipe,
    )
    learning_rate = settings.get("learning_rate", profile.learning_rate)
    beta_1 = settings.get("beta_1", profile.beta_1)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        label_smoothing=settings.get("label_smoothing", 0.0),
        jit_compile=options.jit_compile,
    )
    # The same noise every epoch, so the grids show the same faces improve.
    fixed_noise = np.random.default_rng(options.seed).standard_normal(
        (settings.get("samples", 36), gan.latent_dim)
    ).astype("float32")

    def sample_fn(model):
        return np.asarray(model.generate(fixed_noise)), None

    model_config = {
        "image_size": image_size,
        "latent_dim": gan.latent_dim,
        "generator_width": settings.get("generator_width", profile.generator_width),
        "discriminator_width": settings.get("discriminator_width", profile.discriminator_width),
        "discriminator_steps": gan.discriminator_steps,
        "generator_steps": gan.generator_steps,
        "learning_rate": learning_rate,
        "beta_1": beta_1,
        "label_smoothing": gan.label_smoothing,
        "examples": len(arrays.images),
        **{key: value for key, value in dataclasses.asdict(recipe).items() if key != "discriminator_steps"},
    }
    return TrainingJob(model=gan, examples=examples, sample_fn=sample_fn, config=model_config)

