"""The LSTM conditional GAN of Ouyang et al., "Generating Image Sequence from
Description with LSTM Conditional GAN", and its last-word baseline.

A caption's word vectors (word2vec) go through an LSTM; at **every word t** the
hidden state ``h_t`` goes through a DCGAN generator and gives an image, so a
caption of n words gives n images, the last one the final picture. The
discriminator sees an image and the caption's sentence vector ``y`` (the
paper's skip-thought vector; here a `lstmgan_tf.text.SentenceEncoder`), joined
at 4x4 as in Reed et al. 2016. The loss is the paper's Eqn 2, at every word:

- real image, right caption -> real;
- generated image after word t, right caption -> fake (for every word t);
- a real image of *another* picture (the "mismatched" image ``r*``), right
  caption -> fake.
The loss itself, shared with GAN-CLS, is `lstmgan_tf.models.text_to_image`.

Each caption's word terms are averaged over its real words, padded positions
contribute nothing, and the captions are averaged over the global batch with
`tf.nn.compute_average_loss`, so a step is the same maths on 1 or N replicas.

Fast by design: the LSTM runs over the whole padded caption once; then the
(caption, word) pairs at real words are gathered (`tf.where` on the mask) and
the generator and discriminator each run **once** on all of them. The cost
follows the number of real words, not the padded length, and there is no
Python loop over words.

The last-word baseline is the same model with ``loss_at="last_word"``: the
LSTM still reads every word, but images are generated and judged only at the
caption's last word.

Example:

>>> config = LSTMCGANConfig.from_profile(vocabulary_size=50, sentence_vector_dim=16, profile="smoke")
>>> model = LSTMCGAN(config, seed=0)
>>> tokens = np.array([[5, 7, 9, 0], [3, 4, 0, 0]])
>>> images, mask = model.generate_word_images(tokens)
>>> tuple(images.shape), int(mask.numpy().sum())
((2, 4, 32, 32, 3), 5)
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from lstmgan_tf import config as _config
from lstmgan_tf.checks import check_in_range
from lstmgan_tf.layers import dcgan
from lstmgan_tf.models.text_gan_recipe import TextGANRecipe, recipe_values
from lstmgan_tf.models.text_to_image import TextToImageGAN
from lstmgan_tf.models.word_pairs import LOSS_POSITIONS, sample_word_positions, word_loss_mask, word_pairs

# --------------------------------------------------------------------------
# The LSTM conditional GAN.
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LSTMCGANConfig(TextGANRecipe):
    """Every size and setting of an `LSTMCGAN` (and the `TextGANRecipe` fields).

    Args:
        vocabulary_size: rows of the word embedding (ids 0 = padding, 1 = OOV).
        sentence_vector_dim: size of the sentence vector that conditions D.
        image_size: 32, 64 or 128 pixels.
        word_vector_dim: size of the word vectors.
        lstm_units: size of the LSTM's hidden state, the generator's input.
        generator_width: DCGAN's ``ngf``.
        discriminator_width: DCGAN's ``ndf``.
        condition_dim: size the sentence vector is projected to in D.
        noise_dim: noise appended to ``h_t`` before G (0: off, as in the paper).
        loss_at: ``"every_word"`` (the paper) or ``"last_word"`` (baseline).
        trainable_word_vectors: fine-tune the word vectors with G.
        word_positions: 0 (the paper) computes the loss at every real word of
            every caption; k > 0 draws k of each caption's words per step,
            uniformly, each weighted 1/k: an unbiased estimate of the same
            per-caption average at a fraction of the cost (about n/k times
            fewer images per step for captions of n words).
        last_word_weight: with ``word_positions``, also compute the loss at
            each caption's last word, with this share of the caption's weight
            (the sampled words share the rest). 0 keeps the sampling unbiased
            (every word weighs 1/n in expectation, as in the paper); the last
            word's image is the final picture and needs the whole caption.
        discriminator_steps: D updates per step (paper: 2).
        generator_steps: G updates per step (paper: 1; the authors' code: 2).
        learning_rate: Adam's learning rate (paper: 2e-4).
        beta_1: Adam's beta_1 (paper: 0.5).
    """

    vocabulary_size: int
    sentence_vector_dim: int
    image_size: int = 64
    word_vector_dim: int = 300
    lstm_units: int = 256
    generator_width: int = 64
    discriminator_width: int = 64
    condition_dim: int = 128
    noise_dim: int = 0
    loss_at: str = "every_word"
    trainable_word_vectors: bool = False
    word_positions: int = 0
    last_word_weight: float = 0.0
    discriminator_steps: int = 2
    generator_steps: int = 1
    learning_rate: float = 2e-4
    beta_1: float = 0.5

    def __post_init__(self):
        self._check_config(("vocabulary_size", "sentence_vector_dim", "word_vector_dim", "lstm_units",
                            "generator_width", "discriminator_width", "condition_dim",
                            "discriminator_steps", "generator_steps"))
        for name in ("noise_dim", "word_positions"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}.")
        check_in_range("last_word_weight", self.last_word_weight, 1.0, "in [0, 1)")
        if self.loss_at not in LOSS_POSITIONS:
            raise ValueError(f"loss_at={self.loss_at!r} is not supported; choose one of {LOSS_POSITIONS}.")

    @classmethod
    def from_profile(cls, vocabulary_size: int, sentence_vector_dim: int, profile=None, **overrides):
        """A config with the profile's sizes; keyword arguments override them."""
        profile = _config.get_profile(profile)
        values = dict(
            vocabulary_size=vocabulary_size,
            sentence_vector_dim=sentence_vector_dim,
            image_size=profile.image_size,
            word_vector_dim=profile.word_vector_dim,
            lstm_units=profile.lstm_units,
            generator_width=profile.generator_width,
            discriminator_width=profile.discriminator_width,
            condition_dim=profile.condition_dim,
            discriminator_steps=profile.discriminator_steps,
            generator_steps=profile.generator_steps,
            learning_rate=profile.learning_rate,
            beta_1=profile.beta_1,
            **recipe_values(cls, profile),
        )
        return cls._from_values(values, overrides)


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class LSTMCGAN(TextToImageGAN):
    """Word vectors -> LSTM -> at every word, a DCGAN generator; a sentence-conditioned D.

    Args:
        config: an `LSTMCGANConfig`.
        embedding_matrix: optional ``(vocabulary_size, word_vector_dim)`` word2vec
            matrix (`lstmgan_tf.text.embedding_matrix`) the embedding starts
            from; without it the embedding starts random (its weights are then
            usually restored from a checkpoint).
        seed: seed of the model's randomness.
        **kwargs: passed to `keras.Model` (``name``, ...).

    Call arguments:
        caption_tokens: int ``(B, T)`` token ids. Calling the model returns the
            images of every word, ``(B, T, H, W, 3)``, zeros at padding.

    Example:

    >>> config = LSTMCGANConfig.from_profile(50, 16, profile="smoke", loss_at="last_word")
    >>> LSTMCGAN(config).config.loss_at
    'last_word'
    """

    GENERATOR_NETWORKS = ("word_embedding", "caption_lstm", "generator")
    config_class = LSTMCGANConfig

    def __init__(self, config: LSTMCGANConfig, embedding_matrix=None, seed=None, name=None,
                 matching_encoder=None, **kwargs):
        config = self._checked(config)
        name = name or ("lstm_cgan" if config.loss_at == "every_word" else "last_word")
        super().__init__(
            discriminator_steps=config.discriminator_steps, generator_steps=config.generator_steps,
            seed=seed, name=name, **kwargs,
        )
        self.config = config
        self.draws_noise = config.noise_dim > 0
        if embedding_matrix is not None:
            expected = (config.vocabulary_size, config.word_vector_dim)
            if tuple(np.shape(embedding_matrix)) != expected:
                raise ValueError(
                    f"embedding_matrix has shape {np.shape(embedding_matrix)}, but the config asks "
                    f"for (vocabulary_size, word_vector_dim) = {expected}."
                )
        self.word_embedding, self.caption_lstm, self.generator = self._caption_networks(embedding_matrix)
        if config.generator_ema:
            self.average_word_embedding, self.average_caption_lstm, self.average_generator = (
                self._caption_networks(prefix="average_")
            )
            self._start_generator_average()
        self.discriminator = self._build_discriminator(config, config.sentence_vector_dim)
        self.matching_encoder = self._build_matching_encoder(config, config.sentence_vector_dim, matching_encoder)
        self.built = True

    def _caption_networks(self, embedding_matrix=None, prefix=""):
        """A fresh (word embedding, caption LSTM, generator), built."""
        config = self.config
        if embedding_matrix is not None:
            from lstmgan_tf.text import build_embedding

            embedding = build_embedding(embedding_matrix, trainable=config.trainable_word_vectors,
                                        name=prefix + "word_embedding")
        else:
            from lstmgan_tf.text import zero_unknown_word

            embedding = keras.layers.Embedding(
                config.vocabulary_size, config.word_vector_dim, mask_zero=True,
                trainable=config.trainable_word_vectors, name=prefix + "word_embedding",
            )
            embedding.build((None, None))
            zero_unknown_word(embedding)
        lstm = keras.layers.LSTM(config.lstm_units, return_sequences=True, name=prefix + "caption_lstm")
        generator = dcgan.build_generator(
            config.lstm_units + config.noise_dim, config.image_size, config.generator_width,
            name=prefix + "generator", upsampling=config.generator_upsampling,
            conditioning=config.generator_conditioning,
        )
        embedding.build((None, None))
        lstm.build((None, None, config.word_vector_dim))
        return embedding, lstm, generator

    @property
    def image_size(self) -> int:
        return self.config.image_size

    @property
    def draws_random_images(self) -> bool:
        return self.draws_noise or self._samples_word_positions

    @property
    def _samples_word_positions(self) -> bool:
        return bool(self.config.word_positions) and self.config.loss_at == "every_word"

    def build(self, input_shape=None):
        self.built = True

    def hidden_states(self, caption_tokens, training=False, networks=None):
        """The LSTM's hidden state after every word: ``(B, T, lstm_units)``.

        Padded positions are masked: the LSTM skips them.

        Args:
            caption_tokens: int ``(B, T)``.
            training: training mode.
            networks: the (embedding, LSTM, generator) to use; default the
                trained ones (`generator_networks`).
        """
        embedding, lstm, _ = networks or self.generator_networks()
        caption_tokens = tf.convert_to_tensor(caption_tokens)
        word_vectors = embedding(caption_tokens)
        return lstm(word_vectors, mask=tf.not_equal(caption_tokens, 0), training=training)

    def _generator_inputs(self, hidden, positions, batch_size, length, seed=None):
        pair_hidden = tf.gather_nd(hidden, positions)
        if not self.config.noise_dim:
            return pair_hidden
        # One noise vector per (caption, word), drawn for the whole padded
        # batch so that each replica gets its own slice of the global batch.
        if seed is None:
            noise = self.replica_noise(batch_size, length * self.config.noise_dim)
        else:
            noise = keras.random.normal(tf.stack([batch_size, length * self.config.noise_dim]), seed=seed)
        noise = tf.reshape(noise, tf.stack([batch_size, length, self.config.noise_dim]))
        return tf.concat([pair_hidden, tf.cast(tf.gather_nd(noise, positions), pair_hidden.dtype)], axis=-1)

    def encode_captions(self, caption_tokens, sentence_vector=None, training=False):
        """The LSTM's hidden states (`hidden_states`): what `fake_pairs` reads the images from."""
        return self.hidden_states(caption_tokens, training=training)

    def fake_pairs(self, caption_tokens, sentence_vector=None, training=False, networks=None, encoded=None):
        """The images at the loss positions of each caption (every word, or the last).

        ``encoded``: the trained LSTM's `hidden_states` of these captions, when
        already computed.

        Returns:
            ``(fake_images (K, H, W, 3), pair_caption (K,), pair_weight (K,))``.
        """
        networks = networks or self.generator_networks()
        caption_tokens = tf.convert_to_tensor(caption_tokens)
        hidden = encoded if encoded is not None else self.hidden_states(caption_tokens, training, networks)
        loss_mask = word_loss_mask(caption_tokens, self.config.loss_at)
        last_weight = None
        if training and self._samples_word_positions:
            sampled = sample_word_positions(loss_mask, self.config.word_positions, self.seed_generator)
            if self.config.last_word_weight:
                last = word_loss_mask(caption_tokens, "last_word")
                # Weights: the last word gets its share, the sampled words split the rest.
                share = self.config.last_word_weight
                counts = tf.reduce_sum(tf.cast(sampled, tf.float32), axis=1, keepdims=True)
                last_weight = (tf.cast(last, tf.float32) * share
                               + tf.cast(sampled, tf.float32) * (1.0 - share) / tf.maximum(counts, 1.0))
                sampled = tf.logical_or(sampled, last)
            loss_mask = sampled
        positions, pair_caption, pair_weight = word_pairs(loss_mask)
        if last_weight is not None:
            pair_weight = tf.gather_nd(last_weight, positions)
        shape = tf.shape(caption_tokens)
        inputs = self._generator_inputs(hidden, positions, shape[0], shape[1])
        return networks[-1](inputs, training=training), pair_caption, pair_weight

    def generate_word_images(self, caption_tokens, seed=None):
        """The image after every word of each caption, in inference mode.

        Args:
            caption_tokens: int ``(B, T)`` token ids, 0 = padding.
            seed: int seed of the noise (only used with ``noise_dim > 0``).

        Returns:
            ``(images, mask)``: float32 ``(B, T, H, W, 3)`` in [-1, 1] (zeros at
            padded positions) and the boolean ``(B, T)`` mask of real words.
            Only the real words go through the generator (its moving
            average, when the recipe keeps one).
        """
        caption_tokens = tf.convert_to_tensor(caption_tokens)
        if caption_tokens.shape.rank != 2:
            raise ValueError(f"caption_tokens must have shape (batch, words), got {caption_tokens.shape}.")
        mask = tf.not_equal(caption_tokens, 0)
        networks = self.inference_networks()
        hidden = self.hidden_states(caption_tokens, training=False, networks=networks)
        positions = tf.where(mask)
        shape = tf.shape(caption_tokens)
        inputs = self._generator_inputs(hidden, positions, shape[0], shape[1], seed=seed if seed is not None else 0)
        images = networks[-1](inputs, training=False)
        size = self.config.image_size
        full = tf.scatter_nd(positions, images, tf.concat([tf.cast(shape, tf.int64), [size, size, 3]], 0))
        return full, mask

    def call(self, caption_tokens, training=False):
        images, _ = self.generate_word_images(caption_tokens)
        return images

