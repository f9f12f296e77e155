"""GAN-CLS (Reed et al. 2016, "Generative Adversarial Text to Image Synthesis").

The baseline Ouyang et al. compare with ([18] in their paper): the caption's
sentence vector is projected (``Dense -> LeakyReLU``), joined to noise and
turned into **one** image by a DCGAN generator; the discriminator is the same
sentence-conditioned, matching-aware D as the LSTM-CGAN's. It is trained with
the same code (`TextToImageGAN.train_step`), data, loss and budget, so the
comparison isolates what the LSTM and the per-word loss add.

Matching-aware D: Reed et al. pair a real image with a *wrong caption*; the
LSTM-CGAN (and this implementation, for a like-for-like comparison) pairs the
right caption with a *mismatched real image*. Both teach D that a realistic
image is not enough: it must match the text.

Example:

>>> config = GANCLSConfig.from_profile(sentence_vector_dim=16, profile="smoke")
>>> model = GANCLS(config, seed=0)
>>> model.generate(tf.zeros((2, 16))).shape
TensorShape([2, 32, 32, 3])
"""

from __future__ import annotations

import dataclasses

import keras
import tensorflow as tf

from lstmgan_tf import config as _config
from lstmgan_tf.layers import dcgan
from lstmgan_tf.models.text_gan_recipe import TextGANRecipe, recipe_values
from lstmgan_tf.models.text_to_image import TextToImageGAN


@dataclasses.dataclass(frozen=True)
class GANCLSConfig(TextGANRecipe):
    """Every size and setting of a `GANCLS` (and the `TextGANRecipe` fields, shared with the LSTM-CGAN).

    Args:
        sentence_vector_dim: size of the sentence vector (G's text input and D's condition).
        image_size: 32, 64 or 128 pixels.
        noise_dim: size of the noise joined to the projected text (Reed et al.: 100).
        condition_dim: size the sentence vector is projected to, in G and in D
            (Reed et al.: 128).
        generator_width: DCGAN's ``ngf``.
        discriminator_width: DCGAN's ``ndf``.
        discriminator_steps: D updates per step.
        generator_steps: G updates per step.
        learning_rate: Adam's learning rate.
        beta_1: Adam's beta_1.
    """

    sentence_vector_dim: int
    image_size: int = 64
    noise_dim: int = 100
    condition_dim: int = 128
    generator_width: int = 64
    discriminator_width: int = 64
    discriminator_steps: int = 2
    generator_steps: int = 1
    learning_rate: float = 2e-4
    beta_1: float = 0.5

    def __post_init__(self):
        self._check_config(("sentence_vector_dim", "noise_dim", "condition_dim", "generator_width",
                            "discriminator_width", "discriminator_steps", "generator_steps"))

    @classmethod
    def from_profile(cls, sentence_vector_dim: int, profile=None, **overrides):
        """A config with the profile's sizes (the same as the LSTM-CGAN's); keywords override them."""
        profile = _config.get_profile(profile)
        values = dict(
            sentence_vector_dim=sentence_vector_dim,
            image_size=profile.image_size,
            noise_dim=profile.latent_dim,
            condition_dim=profile.condition_dim,
            generator_width=profile.generator_width,
            discriminator_width=profile.discriminator_width,
            discriminator_steps=profile.discriminator_steps,
            generator_steps=profile.generator_steps,
            learning_rate=profile.learning_rate,
            beta_1=profile.beta_1,
            **recipe_values(cls, profile),
        )
        return cls._from_values(values, overrides)


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class GANCLS(TextToImageGAN):
    """Sentence vector + noise -> one image; the matching-aware D of `TextToImageGAN`.

    Args:
        config: a `GANCLSConfig`.
        seed: seed of the model's randomness.
        **kwargs: passed to `keras.Model`.

    Call arguments:
        sentence_vector: float32 ``(B, S)``. Calling the model generates one
            image per sentence vector (noise from the model's seed generator).
    """

    GENERATOR_NETWORKS = ("text_projection", "generator")
    draws_noise = True
    config_class = GANCLSConfig

    def __init__(self, config: GANCLSConfig, seed=None, name="gan_cls", matching_encoder=None, **kwargs):
        config = self._checked(config)
        super().__init__(
            discriminator_steps=config.discriminator_steps, generator_steps=config.generator_steps,
            seed=seed, name=name, **kwargs,
        )
        self.config = config
        self.text_projection, self.generator = self._generator_side()
        if config.generator_ema:
            self.average_text_projection, self.average_generator = self._generator_side(prefix="average_")
            self._start_generator_average()
        self.discriminator = self._build_discriminator(config, config.sentence_vector_dim)
        self.matching_encoder = self._build_matching_encoder(config, config.sentence_vector_dim, matching_encoder)
        self.built = True

    def _generator_side(self, prefix=""):
        """A fresh (text projection, generator), built."""
        config = self.config
        # Reed et al.: the text embedding is compressed to 128 numbers with a
        # leaky ReLU before it meets the noise.
        text_projection = keras.Sequential(
            [
                keras.layers.Dense(config.condition_dim, name="dense"),
                keras.layers.LeakyReLU(0.2, name="leaky_relu"),
            ],
            name=prefix + "text_projection",
        )
        text_projection.build((None, config.sentence_vector_dim))
        generator = dcgan.build_generator(
            config.condition_dim + config.noise_dim, config.image_size, config.generator_width,
            name=prefix + "generator", upsampling=config.generator_upsampling,
            conditioning=config.generator_conditioning,
        )
        return text_projection, generator

    @property
    def image_size(self) -> int:
        return self.config.image_size

    def build(self, input_shape=None):
        self.built = True

    def _images(self, sentence_vector, noise, training, networks=None, projected=None):
        text_projection, generator = networks or self.generator_networks()
        text = projected if projected is not None else text_projection(sentence_vector, training=training)
        return generator(tf.concat([text, tf.cast(noise, text.dtype)], axis=-1), training=training)

    def encode_captions(self, caption_tokens, sentence_vector, training=False):
        """The projected sentence vectors, which `fake_pairs` joins to its noise."""
        return self.text_projection(sentence_vector, training=training)

    def fake_pairs(self, caption_tokens, sentence_vector, training=False, networks=None, encoded=None):
        """One image per caption, from its sentence vector and fresh noise (weight 1).

        ``encoded``: `encode_captions`'s projection of these sentence vectors,
        when already computed.
        """
        batch_size = tf.shape(sentence_vector)[0]
        noise = self.replica_noise(batch_size, self.config.noise_dim)
        pair_caption = tf.range(tf.cast(batch_size, tf.int64))
        pair_weight = tf.ones([batch_size], tf.float32)
        return self._images(sentence_vector, noise, training, networks, encoded), pair_caption, pair_weight

    def generate(self, sentence_vector, seed: int = 0):
        """One image per sentence vector, in inference mode, with seeded noise.

        The images come from the generator's moving average when the recipe
        keeps one (``generator_ema``).

        Args:
            sentence_vector: float ``(B, S)``.
            seed: int seed of the noise.

        Returns:
            float32 ``(B, H, W, 3)`` in [-1, 1].
        """
        sentence_vector = tf.convert_to_tensor(sentence_vector, tf.float32)
        if sentence_vector.shape.rank != 2 or sentence_vector.shape[-1] != self.config.sentence_vector_dim:
            raise ValueError(
                f"sentence_vector must have shape (batch, {self.config.sentence_vector_dim}), "
                f"got {sentence_vector.shape}."
            )
        noise = keras.random.normal((tf.shape(sentence_vector)[0], self.config.noise_dim), seed=seed)
        return self._images(sentence_vector, noise, training=False, networks=self.inference_networks())

    def call(self, sentence_vector, training=False):
        noise = keras.random.normal((tf.shape(sentence_vector)[0], self.config.noise_dim), seed=self.seed_generator)
        return self._images(sentence_vector, noise, training)
