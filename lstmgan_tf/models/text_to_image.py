"""`TextToImageGAN`: what every caption-conditioned GAN of the kit shares.

Paper 002's loss (its Eqn 2) with Reed et al.'s matching-aware discriminator,
written once for `lstmgan_tf.models.lstm_cgan.LSTMCGAN` (an image at every
word, and its last-word baseline) and `lstmgan_tf.models.gan_cls.GANCLS` (one
image per caption):

- real image, right caption -> real;
- generated image, right caption -> fake;
- a real image of *another* picture (the "mismatched" image), right
  caption -> fake.

Its pieces live by concept: the per-word pairs and the mismatched images in
`lstmgan_tf.models.word_pairs`, the training recipe both models share in
`lstmgan_tf.models.text_gan_recipe` (`TextGANRecipe`, `TEXT_GAN_RECIPES`), the
matching and contrastive terms in `lstmgan_tf.models.matching`; they are
imported here too, where code written before the split looks for them. A
batch holds the keys of `lstmgan_tf.models.text_inputs`.

Example:

>>> import tensorflow as tf
>>> mask = word_loss_mask(tf.constant([[5, 7, 9, 0], [3, 4, 0, 0]]))
>>> positions, pair_caption, pair_weight = word_pairs(mask)  # a (caption, word) pair per loss position
>>> pair_caption.numpy().tolist(), [round(float(weight), 2) for weight in pair_weight]
([0, 0, 0, 1, 1], [0.33, 0.33, 0.33, 0.5, 0.5])
"""

from __future__ import annotations

import keras
import tensorflow as tf

from lstmgan_tf.layers import augmentation, batch_norm, dcgan
from lstmgan_tf.models.adversarial import AdversarialModel
from lstmgan_tf.models.losses import accuracy, adversarial_terms, per_example_bce
from lstmgan_tf.models.matching import contrastive_terms, matching_terms
from lstmgan_tf.models.text_gan_recipe import TEXT_GAN_RECIPES, TextGANRecipe, recipe_values
from lstmgan_tf.models.text_inputs import (
    CAPTION_COUNT,
    CAPTION_TOKENS,
    IMAGE,
    IMAGE_INDEX,
    SENTENCE_VECTOR,
    SWAP_COUNT,
    SWAPPED_SENTENCE_VECTOR,
)
from lstmgan_tf.models.word_pairs import (
    LOSS_POSITIONS,
    choose_mismatched,
    sample_word_positions,
    word_loss_mask,
    word_pairs,
)

__all__ = [
    "LOSS_POSITIONS", "STEP_IMPLEMENTATIONS", "TEXT_GAN_RECIPES", "TextGANRecipe", "TextToImageGAN",
    "choose_mismatched", "contrastive_terms", "matching_terms", "recipe_values", "sample_word_positions",
    "word_loss_mask", "word_pairs",
]

#: How `TextToImageGAN.train_step` computes Algorithm 1's step; all are the
#: same maths (``tests/test_training_steps.py``).
#:
#: - ``"parallel"`` (the default): the LSTM reads the captions once per step,
#:   batch norm takes local moments on one replica, and each D update calls D
#:   once per kind of image (real, mismatched, generated): three independent
#:   calls, which TensorFlow runs side by side on a CPU's cores.
#: - ``"stacked"``: the same, but one D call per update on the three kinds
#:   stacked, each normalised by its own batch-norm moments
#:   (`lstmgan_tf.layers.batch_norm`): fewer, larger convolutions. On two CPU
#:   cores it is slower than ``"parallel"`` (``python -m lstmgan_tf benchmark
#:   steps``); it is kept for machines where one large call wins.
#: - ``"reference"``: the step as the kit first wrote it (the LSTM run for D's
#:   images and again for G's, Keras's synchronised batch-norm moments), kept
#:   so that the tests and the benchmark compare against it.
STEP_IMPLEMENTATIONS = ("parallel", "stacked", "reference")


# --------------------------------------------------------------------------
# The shared text-to-image GAN.
# --------------------------------------------------------------------------


class TextToImageGAN(AdversarialModel):
    """Base class of the caption-conditioned GANs: Eqn 2 with a matching-aware D.

    A subclass creates ``self.generator`` and ``self.discriminator`` (an image
    and a sentence vector -> a logit), lists the networks of its generator side
    in `generator_networks` (their trainable variables are what G's update
    trains), and implements `fake_pairs`, which turns a
    batch of captions into K generated images, each with the caption it belongs
    to and a weight (the LSTM-CGAN: one image per real word, weight 1/n; GAN-CLS:
    one image per caption, weight 1).

    The training batch is a dict:

    - ``image``: float32 ``(B, H, W, 3)`` in [-1, 1];
    - ``image_index``: int ``(B,)``, which picture each row shows;
    - ``caption_tokens``: int ``(B, T)`` token ids (0 = padding), or
      ``(B, C, T)``: all C captions of each picture, of which `train_step`
      draws one per picture and step (Reed et al. sample one caption per
      image), with ``caption_count`` ``(B,)`` giving how many rows are real;
    - ``sentence_vector``: float32 ``(B, S)`` or ``(B, C, S)`` to match.

    Args:
        discriminator_steps: D updates per step (Algorithm 1: 2).
        generator_steps: G updates per step. The authors' public code updates
            G twice per step instead of D; ``discriminator_steps=1,
            generator_steps=2`` gives that schedule.
        seed: seed of the model's `keras.random.SeedGenerator` (caption
            choice, mismatched images, noise).
        step_implementation: one of `STEP_IMPLEMENTATIONS` (default
            ``"parallel"``): how a training step computes the same maths.
        **kwargs: passed to `keras.Model`.
    """

    #: Whether `fake_pairs` draws noise.
    draws_noise = False
    #: The subclass's config dataclass (a `TextGANRecipe`): `get_config` and `from_config` use it.
    config_class = TextGANRecipe

    @property
    def draws_random_images(self) -> bool:
        """Whether `fake_pairs` in training draws anything random (noise, word positions).

        If not, the images of one step are the same until G's update, and
        `train_step` makes them once.
        """
        return self.draws_noise

    def __init__(self, discriminator_steps=2, generator_steps=1, seed=None, step_implementation="parallel",
                 **kwargs):
        super().__init__(
            discriminator_steps=discriminator_steps, generator_steps=generator_steps, seed=seed, **kwargs
        )
        if step_implementation not in STEP_IMPLEMENTATIONS:
            raise ValueError(
                f"step_implementation={step_implementation!r} is not supported; choose one of {STEP_IMPLEMENTATIONS}."
            )
        self.step_implementation = step_implementation
        self.d_mismatched_accuracy_tracker = keras.metrics.Mean(name="d_mismatched_accuracy")
        # Set again by compile(); the losses are usable before it.
        self.label_smoothing = 0.0

    @property
    def metrics(self):
        return [*super().metrics, self.d_mismatched_accuracy_tracker]

    @property
    def generator_variables(self):
        """The variables the generator's update trains: those of `generator_networks`.

        For the LSTM-CGAN that is the LSTM (and the word embedding, when
        trainable) besides the generator.
        """
        return [variable for network in self.generator_networks() for variable in network.trainable_variables]

    #: Attribute names of the networks between a caption and its image, in
    #: order (a subclass sets them); the moving average's twins carry the same
    #: names with ``average_`` in front.
    GENERATOR_NETWORKS: tuple[str, ...] = ()

    def generator_networks(self, average: bool = False) -> list | None:
        """The networks between a caption and its image, in `GENERATOR_NETWORKS` order.

        Args:
            average: the twins holding the moving average of their weights
                (``generator_ema``) instead of the trained networks; `None`
                when the recipe keeps no average.
        """
        if average and not self.config.generator_ema:
            return None
        prefix = "average_" if average else ""
        return [getattr(self, prefix + name) for name in self.GENERATOR_NETWORKS]

    def inference_networks(self) -> list:
        """The networks that make images outside training: the average when kept."""
        return self.generator_networks(average=True) or self.generator_networks()

    def _start_generator_average(self) -> None:
        """Starts the averaged twins at the trained networks' weights."""
        self.start_moving_average(self.generator_networks(average=True), self.generator_networks())

    def update_generator_average(self, caption_tokens, sentence_vector) -> None:
        """One step of the moving average (``generator_ema``), after a generator update.

        `update_moving_average` averages the weights; the twins then run once
        in training mode on the step's captions, so that their batch norms
        track their own statistics.
        """
        averaged_networks = self.generator_networks(average=True)
        self.update_moving_average(averaged_networks, self.generator_networks(), self.config.generator_ema)
        self.fake_pairs(caption_tokens, sentence_vector, training=True, networks=averaged_networks)

    def _build_discriminator(self, config, sentence_vector_dim):
        """D of the recipe: the paper's concat-at-4x4 DCGAN D, or projection / spectral norm."""
        return dcgan.build_discriminator(
            config.image_size, config.discriminator_width,
            condition_dim=sentence_vector_dim, condition_projection_dim=config.condition_dim,
            condition=config.discriminator_condition, spectral_norm=config.spectral_norm,
            depth=config.discriminator_depth,
        )

    def _build_matching_encoder(self, config, sentence_vector_dim, matching_encoder):
        """The frozen image encoder of the matching term, or `None` without it.

        ``matching_encoder`` (the `GroundedEncoder`'s image side) gives the
        weights; without it (a model rebuilt to restore a checkpoint) the
        network is built empty and the checkpoint fills it.
        """
        if not config.matching_loss_weight:
            return None
        from lstmgan_tf.text.grounded import build_image_encoder

        encoder = build_image_encoder(config.image_size, sentence_vector_dim, config.matching_encoder_width,
                                      config.matching_encoder_depth, name="matching_encoder")
        if matching_encoder is not None:
            encoder.set_weights(matching_encoder.get_weights())
        encoder.trainable = False
        return encoder

    @classmethod
    def _checked(cls, config):
        if not isinstance(config, cls.config_class):
            raise ValueError(f"config must be a {cls.config_class.__name__}, got {type(config).__name__}.")
        return config

    def get_config(self):
        return {"config": self.config.to_dict(), "seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls(cls.config_class(**config.pop("config")), **config)

    def build_optimizers(self):
        for optimizer, variables in (
            (self.d_optimizer, self.discriminator.trainable_variables),
            (self.g_optimizer, self.generator_variables),
        ):
            if not optimizer.built:
                optimizer.build(variables)

    def encode_captions(self, caption_tokens, sentence_vector, training=False):
        """What the generator side computes from the captions before it draws anything.

        `fake_pairs` accepts it back as ``encoded``, so that a training step
        computes it once for D's images and G's (the weights that make it do
        not change until G's update). `None` (the default): nothing to share.
        """
        return None

    def fake_pairs(self, caption_tokens, sentence_vector, training=False, networks=None, encoded=None):
        """Generated images for a batch of captions.

        ``networks`` (default: `generator_networks()`) are the networks that
        make them; the moving average's twins use it to track their statistics.
        ``encoded`` is `encode_captions`'s result for these captions and the
        trained networks, or `None` to compute it.

        Returns:
            ``(fake_images, pair_caption, pair_weight)``: ``(K, H, W, 3)``,
            int64 ``(K,)`` batch row of each image's caption, float32 ``(K,)``.
        """
        raise NotImplementedError

    def _draw_below(self, counts):
        """One uniform int32 draw in ``[0, count)`` for each count (0 where the count is 0)."""
        counts = tf.cast(counts, tf.float32)
        draw = keras.random.uniform(tf.shape(counts), seed=self.seed_generator)
        return tf.cast(tf.maximum(tf.minimum(tf.floor(draw * counts), counts - 1.0), 0.0), tf.int32)

    def select_captions(self, batch):
        """One caption (tokens and sentence vector) per picture of the batch.

        With all captions of each picture in the batch (``(B, C, T)``), one is
        drawn per picture, uniformly among its ``caption_count``.

        Returns:
            ``(caption_tokens, sentence_vector, swapped)``; ``swapped`` is
            ``None``, or with ``swapped_caption_weight``, ``(swapped_vector
            (B, S), swap_valid (B,))``: one of the chosen caption's swapped
            captions, drawn uniformly, and whether it has any.
        """
        swapping = bool(self.config.swapped_caption_weight)
        if swapping and SWAPPED_SENTENCE_VECTOR not in batch:
            raise ValueError(
                f"swapped_caption_weight={self.config.swapped_caption_weight} needs training examples with "
                f"{SWAPPED_SENTENCE_VECTOR!r} and {SWAP_COUNT!r} (image_examples(..., swaps_per_caption=K))."
            )
        keys = (CAPTION_TOKENS, SENTENCE_VECTOR) + ((SWAPPED_SENTENCE_VECTOR, SWAP_COUNT) if swapping else ())
        chosen = {key: batch[key] for key in keys}
        if len(batch[CAPTION_TOKENS].shape) == 3:
            choice = self._draw_below(batch[CAPTION_COUNT])
            chosen = {key: tf.gather(values, choice, axis=1, batch_dims=1) for key, values in chosen.items()}
        if not swapping:
            return chosen[CAPTION_TOKENS], chosen[SENTENCE_VECTOR], None
        swap = self._draw_below(chosen[SWAP_COUNT])
        swapped_vector = tf.gather(chosen[SWAPPED_SENTENCE_VECTOR], swap, axis=1, batch_dims=1)
        return chosen[CAPTION_TOKENS], chosen[SENTENCE_VECTOR], (swapped_vector, chosen[SWAP_COUNT] > 0)

    def augmented(self, images):
        """The images as D sees them in training: shifted and turned (``augment_*``), drawn afresh."""
        images = self.shift_randomly(images, self.config.augment_translation)
        if self.config.augment_dihedral:
            images = augmentation.rotate_and_flip_randomly(images, self.config.augment_dihedral,
                                                           seed=self.seed_generator)
        return images

    def discriminator_logits(self, images, sentence_vector, training=False, with_features=False):
        """D's logits for (image, sentence vector) pairs, augmented in training (``augment_*``).

        With ``with_features``, also D's pooled features ``phi(x)`` (B, C) of a
        projection D, from the same forward pass: ``(logits, features)``.
        """
        if training:
            images = self.augmented(images)
        return self._call_discriminator(images, sentence_vector, training, with_features)

    def _call_discriminator(self, images, sentence_vector, training, with_features):
        if not with_features:
            return self.discriminator([images, sentence_vector], training=training)
        logits, feature_map = self._discriminator_with_features()([images, sentence_vector], training=training)
        return logits, tf.reduce_mean(tf.cast(feature_map, tf.float32), axis=[1, 2])

    def discriminator_logits_per_part(self, parts, training=False, with_features=False):
        """D's logits for several batches of (images, sentence vectors), as one call per batch gives them.

        The ``"stacked"`` step (`STEP_IMPLEMENTATIONS`) augments each batch as
        its own call would (the same random draws, in the same order), stacks
        them and calls D once, each batch normalised by its own batch-norm
        moments (`lstmgan_tf.layers.batch_norm.moments_per_part`): one
        convolution on 3B images instead of three on B. The others call D
        once per batch.

        Args:
            parts: a list of ``(images (N_i, H, W, 3), sentence_vector (N_i, S))``.
            training: training mode (augmentation, batch statistics).
            with_features: also return the pooled features of the *first*
                part (see `discriminator_logits`).

        Returns:
            ``(logits, features)``: a list with each part's ``(N_i, 1)``
            logits, and the first part's features or `None`.
        """
        if self.step_implementation != "stacked":
            outputs = [self.discriminator_logits(images, vectors, training, with_features and index == 0)
                       for index, (images, vectors) in enumerate(parts)]
            if not with_features:
                return outputs, None
            return [outputs[0][0], *outputs[1:]], outputs[0][1]
        images = [self.augmented(part_images) if training else part_images for part_images, _ in parts]
        sizes = [tf.shape(part_images)[0] for part_images in images]
        vectors = tf.concat([tf.cast(part_vectors, tf.float32) for _, part_vectors in parts], 0)
        with batch_norm.moments_per_part(sizes):
            outputs = self._call_discriminator(tf.concat(images, 0), vectors, training, with_features)
        logits, features = outputs if with_features else (outputs, None)
        split_sizes = tf.stack(sizes)
        if features is not None:
            features = tf.split(features, split_sizes, num=len(parts))[0]
        return tf.split(logits, split_sizes, num=len(parts)), features

    def _discriminator_with_features(self) -> keras.Model:
        """D with a second output, the feature map its projection pools (same layers, same weights).

        Kept out of Keras's and the checkpoint's tracking (`object.__setattr__`):
        its variables are D's, saved once as D's.
        """
        model = self.__dict__.get("_discriminator_features_model")
        if model is None:
            projection = self.discriminator.get_layer("condition_projection")
            model = keras.Model(self.discriminator.inputs, [self.discriminator.output, projection.input[0]],
                                name="discriminator_with_features")
            object.__setattr__(self, "_discriminator_features_model", model)
        return model

    def caption_embeddings(self, sentence_vector):
        """A projection D's embedding ``e(y)`` of sentence vectors, ``(B, C)``."""
        return self.discriminator.get_layer("condition_projection").embedding(sentence_vector)

    def fake_logits(self, fake_images, sentence_vector, pair_caption, training=False, with_features=False):
        """D's logits on the generated images, each with its caption's sentence vector.

        One call on all K images of the batch.
        """
        return self.discriminator_logits(fake_images, tf.gather(sentence_vector, pair_caption), training=training,
                                         with_features=with_features)

    def discriminator_loss(self, real_images, mismatched_images, mismatch_valid, sentence_vector,
                           fake_images, pair_caption, pair_weight, global_batch_size, training=False,
                           image_index=None, swapped=None):
        """Eqn 2 for D: real/right -> 1, mismatched/right -> 0, generated -> 0.

        With ``contrastive_loss_weight``, plus each real image's in-batch
        contrastive term (`contrastive_terms`; ``image_index`` says which rows
        show the same picture). With ``swapped`` (``(swapped_vector,
        swap_valid)``, see `select_captions`), plus real/swapped caption -> 0,
        weighted by ``swapped_caption_weight``.

        Returns:
            ``(loss, (real_logits, mismatched_logits, fake_logits))``; the loss
            is this replica's share of the global mean over captions.
        """
        contrastive = self.config.contrastive_loss_weight
        parts = [(real_images, sentence_vector), (mismatched_images, sentence_vector),
                 (fake_images, tf.gather(sentence_vector, pair_caption))]
        if swapped is not None:
            swapped_vector, swap_valid = swapped
            parts.append((real_images, swapped_vector))
        logits, real_features = self.discriminator_logits_per_part(parts, training, with_features=bool(contrastive))
        real_logits, mismatched_logits, fake_logits = logits[:3]
        loss_kind = self.config.gan_loss
        if loss_kind == "cross_entropy":
            per_caption = per_example_bce(real_logits, 1.0 - self.label_smoothing)
        else:
            per_caption = adversarial_terms(real_logits, "real", loss_kind)
        per_caption += tf.cast(mismatch_valid, tf.float32) * adversarial_terms(mismatched_logits, "fake", loss_kind)
        if swapped is not None:
            per_caption += self.config.swapped_caption_weight * tf.cast(swap_valid, tf.float32) * (
                adversarial_terms(logits[3], "fake", loss_kind)
            )
        if contrastive:
            rows = tf.range(tf.shape(real_features)[0])
            per_caption += contrastive * contrastive_terms(
                real_features, self.caption_embeddings(sentence_vector), rows, image_index
            )
        per_pair = pair_weight * adversarial_terms(fake_logits, "fake", loss_kind)
        loss = tf.nn.compute_average_loss(per_caption, global_batch_size=global_batch_size)
        loss += tf.nn.compute_average_loss(per_pair, global_batch_size=global_batch_size)
        return loss, (real_logits, mismatched_logits, fake_logits)

    def generator_loss(self, sentence_vector, fake_images, pair_caption, pair_weight,
                       global_batch_size, training=False, image_index=None):
        """The generator's non-saturating loss ``-log D(G(h_t)|y)``, averaged like D's.

        The paper writes G's objective as minimising ``log(1 - D(G(h_t)|y))``;
        maximising ``log D`` instead has the same fixed point and does not
        saturate early in training (Goodfellow et al. 2014), as every
        implementation, the authors' included, does. With the ``hinge`` recipe
        G minimises ``-D``; with a matching weight, the DAMSM-style term is added,
        and with a contrastive weight, each generated image's in-batch
        contrastive term under D (`contrastive_terms`).

        Returns:
            ``(loss, fake_logits)``.
        """
        contrastive = self.config.contrastive_loss_weight
        if contrastive:
            fake_logits, fake_features = self.fake_logits(
                fake_images, sentence_vector, pair_caption, training=training, with_features=True
            )
        else:
            fake_logits = self.fake_logits(fake_images, sentence_vector, pair_caption, training=training)
        per_pair = adversarial_terms(fake_logits, "generator", self.config.gan_loss)
        if contrastive:
            per_pair += contrastive * contrastive_terms(
                fake_features, self.caption_embeddings(sentence_vector), pair_caption, image_index
            )
        if self.config.matching_loss_weight:
            # AttnGAN's DAMSM idea: the frozen image encoder must find, for
            # each generated image, its own caption among the batch's.
            embeddings = self.matching_encoder(fake_images, training=False)
            per_pair += self.config.matching_loss_weight * matching_terms(
                embeddings, sentence_vector, pair_caption, self.config.matching_temperature, image_index
            )
        per_pair = pair_weight * per_pair
        return tf.nn.compute_average_loss(per_pair, global_batch_size=global_batch_size), fake_logits

    def train_step(self, data):
        if self.step_implementation == "reference":
            with batch_norm.keras_moments():
                return self._train_step(data)
        return self._train_step(data)

    def _train_step(self, data):
        batch, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        # Eager steps (run_eagerly=True) may get NumPy arrays.
        batch = {key: tf.convert_to_tensor(value) for key, value in batch.items()}
        caption_tokens, sentence_vector, swapped = self.select_captions(batch)
        real_images = batch[IMAGE]
        batch_size = tf.shape(real_images)[0]
        global_batch_size = self.global_batch_size(batch_size)

        # The LSTM (GAN-CLS: the text projection) does not change until G's
        # update, so the step reads the captions once, on G's tape, and D's
        # images and G's are made from that reading.
        generator_tape = tf.GradientTape()
        encoded = None
        if self.step_implementation != "reference":
            with generator_tape:
                encoded = self.encode_captions(caption_tokens, sentence_vector, training=True)

        # When G's images are not random (no noise, no sampled words: the
        # paper's LSTM-CGAN), G's update would make again the images D's
        # updates saw, so they are made once and serve both sides, as in
        # PyTorch's DCGAN example (``netD(fake.detach())``, then
        # ``netD(fake)``): D's updates read them as constants and G's update
        # resumes the tape that recorded them. Random images are drawn afresh
        # for G, as before: sharing the sampled words of D's updates with G
        # makes a classroom step 10% cheaper, and one run could not say whether
        # it costs anything.
        reuse = not self.draws_random_images
        if reuse:
            with generator_tape:
                generated = self.fake_pairs(caption_tokens, sentence_vector, training=True, encoded=encoded)

        # Train the discriminator (Algorithm 1, lines 2-5). Without noise, G
        # gives the same images at every D update of a step (its weights do
        # not move; sampled word positions are drawn once per step).
        fakes = generated if reuse else None
        for _ in range(self.discriminator_steps):
            if fakes is None or self.draws_noise:
                fakes = self.fake_pairs(caption_tokens, sentence_vector, training=True, encoded=encoded)
            fake_images, pair_caption, pair_weight = fakes
            mismatched_position, mismatch_valid = choose_mismatched(
                batch[IMAGE_INDEX], self.seed_generator, sentence_vector, self.config.mismatch_temperature
            )
            mismatched_images = tf.gather(real_images, mismatched_position)
            with tf.GradientTape() as tape:
                d_loss, (real_logits, mismatched_logits, fake_logits) = self.discriminator_loss(
                    real_images, mismatched_images, mismatch_valid, sentence_vector,
                    tf.stop_gradient(fake_images), pair_caption, pair_weight, global_batch_size, training=True,
                    image_index=batch[IMAGE_INDEX], swapped=swapped,
                )
            self.minimize(d_loss, tape, self.discriminator.trainable_variables, self.d_optimizer)

        # Train the generator (and, for the LSTM-CGAN, the LSTM) (lines 6-8):
        # it wants D to call its images real for their caption.
        for g_step in range(self.generator_steps):
            if g_step:
                # G's last update moved the LSTM: the captions are read again.
                generator_tape, encoded = tf.GradientTape(), None
            if g_step or not reuse:
                with generator_tape:
                    generated = self.fake_pairs(caption_tokens, sentence_vector, training=True, encoded=encoded)
            with generator_tape:
                g_loss, _ = self.generator_loss(
                    sentence_vector, *generated, global_batch_size, training=True, image_index=batch[IMAGE_INDEX],
                )
            self.minimize(g_loss, generator_tape, self.generator_variables, self.g_optimizer)
            if self.config.generator_ema:
                self.update_generator_average(caption_tokens, sentence_vector)

        self.d_mismatched_accuracy_tracker.update_state(accuracy(mismatched_logits, real=False))
        return self.update_trackers(d_loss, g_loss, real_logits, fake_logits)
