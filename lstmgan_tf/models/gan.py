"""The unconditional DCGAN as a `keras.Model` with its own ``train_step``.

The adversarial pieces here are shared by every GAN of the kit:

- loss functions (`per_example_bce`, `discriminator_loss`, `generator_loss`,
  `accuracy`) that reduce per-example values with
  `tf.nn.compute_average_loss`, so a step means the same on one device and
  on eight;
- `AdversarialModel`, a base class with the two-optimizer ``compile``, the
  metric trackers, loss scaling for mixed precision and replica-aware noise.

`GAN` is the DCGAN of Radford et al. (2016) built from `lstmgan_tf.layers.dcgan`.
The conditional models of Ouyang et al. subclass `AdversarialModel` the same way.

Example:

>>> from lstmgan_tf.models import build_dcgan
>>> gan = build_dcgan("smoke")
>>> gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
...             g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
>>> images = keras.random.uniform((32, 32, 32, 3), -1.0, 1.0)
>>> history = gan.fit(images, batch_size=16, epochs=1, verbose=0)
>>> sorted(history.history)
['d_fake_accuracy', 'd_loss', 'd_real_accuracy', 'g_loss']
"""

from __future__ import annotations

import dataclasses
import random

import keras
import tensorflow as tf

from lstmgan_tf import config as _config
from lstmgan_tf.layers import augmentation, dcgan

# --------------------------------------------------------------------------
# Losses. Every function takes logits (not probabilities): the sigmoid lives
# inside the cross-entropy, where it is computed stably.
# --------------------------------------------------------------------------


def per_example_bce(logits, labels):
    """Binary cross-entropy of logits against 0/1 (or smoothed) labels, per example.

    Args:
        logits: tensor of shape ``(B, 1)`` or ``(B,)``: the discriminator's
            raw scores, before any sigmoid.
        labels: a tensor of the same shape, or a Python number broadcast to it
            (``1.0`` = real, ``0.0`` = fake).

    Returns:
        A float32 tensor of shape ``(B,)``.
    """
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1])
    labels = tf.broadcast_to(tf.cast(labels, tf.float32), tf.shape(logits))
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


GAN_LOSSES = ("cross_entropy", "hinge")


def adversarial_terms(logits, target: str, loss: str):
    """Per-example adversarial loss of D's logits.

    Args:
        logits: ``(B, 1)`` or ``(B,)`` logits.
        target: ``"real"`` or ``"fake"`` for D's loss; ``"generator"`` for G's
            (non-saturating cross-entropy, or hinge's ``-D``).
        loss: one of `GAN_LOSSES`: ``"cross_entropy"`` (Goodfellow et al.
            2014) or ``"hinge"`` (Lim & Ye 2017; Miyato et al. 2018):
            D ``relu(1 - real) + relu(1 + fake)``, G ``-D(fake)``.

    Returns:
        float32 ``(B,)``.
    """
    if loss not in GAN_LOSSES:
        raise ValueError(f"unknown GAN loss {loss!r}; choose one of: {', '.join(GAN_LOSSES)}.")
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1])
    if loss == "cross_entropy":
        return per_example_bce(logits, 0.0 if target == "fake" else 1.0)
    if target == "generator":
        return -logits
    return tf.nn.relu(1.0 - logits) if target == "real" else tf.nn.relu(1.0 + logits)


def discriminator_loss(real_logits, fake_logits, global_batch_size, label_smoothing=0.0, loss="cross_entropy"):
    """The discriminator's loss: real images scored real, generated ones fake.

    ``-log D(x) - log(1 - D(G(z)))``, averaged over the global batch; or, with
    ``loss="hinge"``, ``relu(1 - D(x)) + relu(1 + D(G(z)))``.

    Args:
        real_logits: logits of the discriminator on real images, ``(B, 1)``.
        fake_logits: logits on generated images, ``(B, 1)``.
        global_batch_size: batch size summed over all replicas.
        label_smoothing: one-sided label smoothing: real images get the label
            ``1 - label_smoothing`` (Salimans et al. 2016); 0 disables it.
            Cross-entropy only.
        loss: one of `GAN_LOSSES` (see `adversarial_terms`).

    Returns:
        A scalar: this replica's share of the global mean.
    """
    if loss == "cross_entropy":
        per_example = per_example_bce(real_logits, 1.0 - label_smoothing) + per_example_bce(fake_logits, 0.0)
    else:
        per_example = adversarial_terms(real_logits, "real", loss) + adversarial_terms(fake_logits, "fake", loss)
    return tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)


def generator_loss(fake_logits, global_batch_size, loss="cross_entropy"):
    """The generator's loss: the non-saturating ``-log D(G(z))`` (Goodfellow et al. 2014).

    With ``loss="hinge"`` it is ``-D(G(z))`` (Lim & Ye 2017).

    Args:
        fake_logits: logits of the discriminator on generated images.
        global_batch_size: batch size summed over all replicas.
        loss: one of `GAN_LOSSES`.

    Returns:
        A scalar: this replica's share of the global mean.
    """
    return tf.nn.compute_average_loss(
        adversarial_terms(fake_logits, "generator", loss), global_batch_size=global_batch_size
    )


def accuracy(logits, real: bool):
    """Fraction of examples the discriminator calls correctly (logit > 0 means real)."""
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1])
    correct = logits > 0.0 if real else logits < 0.0
    return tf.reduce_mean(tf.cast(correct, tf.float32))


def _replica_context():
    """Returns (replica index, number of replicas) of the running replica."""
    context = tf.distribute.get_replica_context()
    if context is None:  # Cross-replica context: one logical replica.
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def _in_multi_worker_mode() -> bool:
    strategy = tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and (
        strategy.extended._in_multi_worker_mode()
    )


# --------------------------------------------------------------------------
# The shared base class.
# --------------------------------------------------------------------------


class AdversarialModel(keras.Model):
    """Base class of the kit's GANs: two optimizers, trackers, distribution-safe steps.

    Subclasses create their generator and discriminator, then write
    ``train_step`` with two tape blocks ("train the discriminator", "train the
    generator") using the helpers below.

    Args:
        discriminator_steps: discriminator updates per training step (Ouyang
            et al. use 2).
        generator_steps: generator updates per training step.
        seed: seed of the model's `keras.random.SeedGenerator`; `None` draws
            one from Keras's global seed (``keras.utils.set_random_seed``).
        **kwargs: passed to `keras.Model`.
    """

    def __init__(self, discriminator_steps: int = 1, generator_steps: int = 1, seed=None, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("discriminator_steps", discriminator_steps), ("generator_steps", generator_steps)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        self.discriminator_steps = discriminator_steps
        self.generator_steps = generator_steps
        if seed is None:
            # Python's generator is seeded by keras.utils.set_random_seed.
            seed = random.randint(0, 2**30)
        self.seed = int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_accuracy_tracker = keras.metrics.Mean(name="d_real_accuracy")
        self.d_fake_accuracy_tracker = keras.metrics.Mean(name="d_fake_accuracy")

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of every epoch.
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_accuracy_tracker,
            self.d_fake_accuracy_tracker,
        ]

    def compile(self, d_optimizer, g_optimizer, label_smoothing: float = 0.0, **kwargs):
        """Configures the model for training.

        Args:
            d_optimizer: optimizer of the discriminator.
            g_optimizer: optimizer of the generator.
            label_smoothing: one-sided label smoothing of the real labels.
            **kwargs: passed to `keras.Model.compile` (e.g. ``jit_compile``,
                ``steps_per_execution``).
        """
        super().compile(**kwargs)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing!r}.")
        # Under mixed_float16, small float16 gradients underflow to zero
        # unless the loss is scaled up first; the wrapper does that.
        if keras.config.dtype_policy().name == "mixed_float16":
            if not isinstance(d_optimizer, keras.optimizers.LossScaleOptimizer):
                d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
            if not isinstance(g_optimizer, keras.optimizers.LossScaleOptimizer):
                g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.label_smoothing = float(label_smoothing)

    def build_optimizers(self):
        """Creates the optimizers' slot variables (Adam moments) now.

        They would otherwise appear at the first step, after a checkpoint has
        already been restored; building them first lets a resumed run restore
        them too.
        """
        for optimizer, network in ((self.d_optimizer, self.discriminator), (self.g_optimizer, self.generator)):
            if not optimizer.built:
                optimizer.build(network.trainable_variables)

    @staticmethod
    def start_moving_average(averages, currents) -> None:
        """Starts networks that keep a moving average at the trained networks' weights.

        Averaging a GAN generator's weights over its last steps smooths out
        the oscillation of adversarial training (Yazici et al. 2019, "The
        Unusual Effectiveness of Averaging in GAN Training"; ProGAN, BigGAN and
        StyleGAN make their images with the average). No optimizer trains the
        averaged networks. Their batch-norm layers stay ``trainable`` all the
        same: Keras runs a frozen batch norm in inference mode, and the
        averaged networks' forward pass in training must update its statistics.

        Args:
            averages: the networks that hold the average.
            currents: the trained networks, in the same order.
        """
        for average, current in zip(averages, currents):
            average.set_weights(current.get_weights())
            for layer in average.layers if isinstance(average, keras.Model) else [average]:
                layer.trainable = isinstance(layer, keras.layers.BatchNormalization)

    def update_moving_average(self, averages, currents, decay: float) -> None:
        """One step of an exponential moving average of weights, after a generator update.

        The decay ramps up as ``min(decay, (1 + n) / (10 + n))`` after n
        generator updates (`tf.train.ExponentialMovingAverage`), so the average
        follows early training. Batch-norm statistics are not averaged: an
        average of the trained network's statistics does not describe the
        averaged network's activations (the images come out paler). The
        caller runs the averaged networks once in training mode instead, so
        their batch norms track their own statistics (the idea of BigGAN's
        "standing statistics", done as training goes).

        Args:
            averages: the networks that hold the average.
            currents: the trained networks, in the same order.
            decay: the largest decay, e.g. 0.999.
        """
        updates = tf.cast(self.g_optimizer.iterations, tf.float32)
        decay = tf.minimum(decay, (1.0 + updates) / (10.0 + updates))
        for average, current in zip(averages, currents):
            for average_weight, weight in zip(average.weights, current.weights):
                if weight.path.endswith(("/moving_mean", "/moving_variance")):
                    continue
                average_weight.assign(decay * average_weight + (1.0 - decay) * tf.cast(weight, average_weight.dtype))

    def shift_randomly(self, images, fraction: float):
        """DiffAugment's translation (Zhao et al. 2020): each image shifted by up to ``fraction`` of its side.

        The identity when ``fraction`` is 0. Drawn from the model's seed
        generator (`lstmgan_tf.layers.augmentation.translate_randomly`).
        """
        if not fraction:
            return images
        max_shift = int(round(fraction * int(images.shape[1])))
        return augmentation.translate_randomly(images, max_shift, seed=self.seed_generator)

    def global_batch_size(self, local_batch_size):
        """The batch size summed over all replicas, from this replica's batch size."""
        _, replicas = _replica_context()
        return local_batch_size * replicas

    def replica_noise(self, local_batch_size, dim):
        """Standard-normal noise for this replica's share of the global batch.

        Every replica draws the noise of the *whole* global batch from the same
        seed and keeps its own slice, so the replicas get different noise and
        one step on N replicas computes what one step on one device does.

        Args:
            local_batch_size: this replica's batch size (a scalar tensor is fine).
            dim: size of each noise vector.

        Returns:
            A float32 tensor of shape ``(local_batch_size, dim)``.
        """
        replica, replicas = _replica_context()
        seed = self.seed_generator.next()
        noise = tf.random.stateless_normal(
            tf.stack([local_batch_size * replicas, dim]), seed=tf.cast(seed, tf.int32)
        )
        start = replica * local_batch_size
        return noise[start : start + local_batch_size]

    def minimize(self, loss, tape, variables, optimizer):
        """Applies one optimizer update of ``variables`` against ``loss``.

        Under mixed precision the gradient is taken of the *scaled* loss (so
        that small float16 gradients do not underflow) and the
        `LossScaleOptimizer` unscales it before applying it. Scaling the
        gradient's seed (``output_gradients``) is the same as scaling the loss
        inside the tape.

        Args:
            loss: the scalar loss, computed under ``tape``.
            tape: the `tf.GradientTape` that recorded it.
            variables: the variables to update.
            optimizer: their optimizer.
        """
        output_gradients = None
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            output_gradients = optimizer.scale_loss(tf.ones_like(loss))
        gradients = tape.gradient(loss, variables, output_gradients=output_gradients)
        optimizer.apply(gradients, variables)

    def update_trackers(self, d_loss, g_loss, real_logits, fake_logits):
        """Records one step's losses and discriminator accuracies.

        The losses come in as this replica's share of the global mean; scaling
        by the number of replicas gives this replica's own mean, which the
        trackers then average over replicas and steps.
        """
        _, replicas = _replica_context()
        self.d_loss_tracker.update_state(d_loss * replicas)
        self.g_loss_tracker.update_state(g_loss * replicas)
        self.d_real_accuracy_tracker.update_state(accuracy(real_logits, real=True))
        self.d_fake_accuracy_tracker.update_state(accuracy(fake_logits, real=False))
        return self.metric_logs()

    def metric_logs(self):
        """The dict ``train_step`` returns: every tracker's name and result.

        Under a multi-worker strategy each value gets a leading axis of size 1:
        Keras (3.15) averages the replicas' logs with
        ``strategy.reduce("MEAN", value, axis=0)``, which fails on scalars.
        """
        logs = {metric.name: metric.result() for metric in self.metrics}
        if _in_multi_worker_mode():
            logs = {name: tf.reshape(value, [1]) for name, value in logs.items()}
        return logs

    def get_config(self):
        return {
            "discriminator_steps": self.discriminator_steps,
            "generator_steps": self.generator_steps,
            "seed": self.seed,
        }


# --------------------------------------------------------------------------
# The unconditional DCGAN.
# --------------------------------------------------------------------------


class GAN(AdversarialModel):
    """An unconditional GAN: noise -> generator -> image -> discriminator -> logit.

    Args:
        generator: a model mapping ``(B, latent_dim)`` noise to images in
            [-1, 1], e.g. `lstmgan_tf.layers.dcgan.build_generator`.
        discriminator: a model mapping images to logits ``(B, 1)``.
        latent_dim: size of the noise vector.
        discriminator_steps: discriminator updates per training step.
        generator_steps: generator updates per training step.
        gan_loss: ``"cross_entropy"`` (DCGAN, the papers) or ``"hinge"``
            (`adversarial_terms`).
        augment_translation: DiffAugment's translation (Zhao et al. 2020,
            "Differentiable Augmentation for Data-Efficient GAN Training"):
            every image D sees in training, real or generated, in D's and in
            G's updates, is shifted by up to this fraction of its side. D can
            then no longer learn the 2,048 training images by heart, and G's
            gradient passes through the same shift. 0 switches it off.
        generator_ema: decay of an exponential moving average of G's weights,
            kept in a twin, ``average_generator``, that makes every image
            outside training (`generate`, the sample grids, the detectors'
            generated sets); see `AdversarialModel.update_moving_average`.
            0 switches it off (the papers).
        seed: seed of the model's noise.
        **kwargs: passed to `keras.Model`.

    Call arguments:
        noise: ``(B, latent_dim)``. Calling the model generates images
            (in inference mode, with the average when kept, unless
            ``training=True``).

    The training data are images ``(B, H, W, 3)`` in [-1, 1], or dicts with an
    ``"image"`` entry (what `lstmgan_tf.data.load_dataset` yields).
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        discriminator_steps: int = 1,
        generator_steps: int = 1,
        gan_loss: str = "cross_entropy",
        augment_translation: float = 0.0,
        generator_ema: float = 0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            discriminator_steps=discriminator_steps, generator_steps=generator_steps, seed=seed, **kwargs
        )
        if not isinstance(latent_dim, int) or latent_dim < 1:
            raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}.")
        if gan_loss not in GAN_LOSSES:
            raise ValueError(f"gan_loss={gan_loss!r} is not supported; choose one of: {', '.join(GAN_LOSSES)}.")
        if not 0.0 <= augment_translation < 0.5:
            raise ValueError(f"augment_translation must be in [0, 0.5), got {augment_translation!r}.")
        if not 0.0 <= generator_ema < 1.0:
            raise ValueError(f"generator_ema must be a decay in [0, 1) (0 switches it off), got {generator_ema!r}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.gan_loss = gan_loss
        self.augment_translation = float(augment_translation)
        self.generator_ema = float(generator_ema)
        self.average_generator = None
        if self.generator_ema:
            # Its layers are renamed too, so that no variable path is G's.
            self.average_generator = keras.models.clone_model(
                generator,
                clone_function=lambda layer: layer.__class__.from_config(
                    {**layer.get_config(), "name": f"average_{layer.name}"}
                ),
            )
            self.average_generator.name = f"average_{generator.name}"
            self.start_moving_average([self.average_generator], [self.generator])

    @property
    def image_size(self) -> int:
        return int(self.generator.output_shape[1])

    @property
    def inference_generator(self) -> keras.Model:
        """The generator that makes images outside training: the average when kept."""
        return self.average_generator or self.generator

    def build(self, input_shape=None):
        # The sub-models are functional and already built; nothing to create.
        self.built = True

    def call(self, noise, training=False):
        if training:
            return self.generator(noise, training=True)
        return self.generate(noise)

    def generate(self, noise):
        """Images in [-1, 1] for a batch of noise vectors, in inference mode."""
        return self.inference_generator(noise, training=False)

    def augment(self, images):
        """What D sees of an image in training: shifted at random (``augment_translation``), or as it is."""
        return self.shift_randomly(images, self.augment_translation)

    def train_step(self, data):
        real_images = data["image"] if isinstance(data, dict) else data
        batch_size = tf.shape(real_images)[0]
        global_batch_size = self.global_batch_size(batch_size)

        # Train the discriminator: real images are labelled 1, generated 0.
        # The generated images are made outside the tape: D's update needs no
        # gradient through G. Each extra step draws fresh noise on the same
        # real batch (as keras-io's wgan_gp.py does).
        for _ in range(self.discriminator_steps):
            noise = self.replica_noise(batch_size, self.latent_dim)
            fake_images = self.generator(noise, training=True)
            with tf.GradientTape() as tape:
                # Real and fake batches go through D separately, so batch
                # norm never mixes their statistics (Radford et al.).
                real_logits = self.discriminator(self.augment(real_images), training=True)
                fake_logits = self.discriminator(self.augment(fake_images), training=True)
                d_loss = discriminator_loss(
                    real_logits, fake_logits, global_batch_size, self.label_smoothing, self.gan_loss
                )
            self.minimize(d_loss, tape, self.discriminator.trainable_variables, self.d_optimizer)

        # Train the generator: it wants D to call its images real. Only G's
        # weights move; D is used as a fixed critic.
        for _ in range(self.generator_steps):
            noise = self.replica_noise(batch_size, self.latent_dim)
            with tf.GradientTape() as tape:
                fake_images = self.generator(noise, training=True)
                generated_logits = self.discriminator(self.augment(fake_images), training=True)
                g_loss = generator_loss(generated_logits, global_batch_size, self.gan_loss)
            self.minimize(g_loss, tape, self.generator.trainable_variables, self.g_optimizer)
            if self.average_generator is not None:
                # The average follows G; one pass in training mode keeps its
                # batch-norm statistics its own.
                self.update_moving_average([self.average_generator], [self.generator], self.generator_ema)
                self.average_generator(noise, training=True)

        return self.update_trackers(d_loss, g_loss, real_logits, fake_logits)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "gan_loss": self.gan_loss,
            "augment_translation": self.augment_translation,
            "generator_ema": self.generator_ema,
        }
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


@dataclasses.dataclass(frozen=True)
class DCGANRecipe:
    """How the DCGAN trains, beyond its sizes (which come from the profile).

    The ``paper`` recipe is Radford et al.'s DCGAN as the papers ran it, with
    paper 002's two D updates per G update. The ``classroom`` and ``smoke``
    profiles use ``fast`` (`DCGAN_RECIPES`): one D update per G update,
    resize-convolutions in G and a moving average of G's weights, which draw
    faces without the paper recipe's speckle and checkerboard in the
    classroom minutes. Each field is one switch, so an ablation turns one on
    or off (``--set generator_ema=0``).

    Args:
        gan_loss: ``"cross_entropy"`` (the paper) or ``"hinge"``
            (`adversarial_terms`).
        spectral_norm: spectral normalisation of every D layer, without D's
            batch norm (Miyato et al. 2018; `lstmgan_tf.layers.dcgan.build_discriminator`).
        discriminator_depth: D's convolutions per resolution (1: DCGAN).
        generator_upsampling: ``"transpose"`` (DCGAN) or ``"resize"``
            (nearest-neighbour doubling and a 3x3 convolution, Odena et al.
            2016, "Deconvolution and Checkerboard Artifacts": no checkerboard).
        generator_ema: decay of the moving average of G's weights that makes
            the images (`GAN`); 0: off (the paper).
        augment_translation: DiffAugment's translation of every image D sees
            (`GAN`); 0: off (the paper).
        discriminator_steps: D updates per G update; `None` takes the
            profile's (2, paper 002's Algorithm 1).
    """

    gan_loss: str = "cross_entropy"
    spectral_norm: bool = False
    discriminator_depth: int = 1
    generator_upsampling: str = "transpose"
    generator_ema: float = 0.0
    augment_translation: float = 0.0
    discriminator_steps: int | None = None


# `fast`: one D update per G update (a cheaper step: two cost 1.4x the time
# for the same FID within the seeds' spread), resize-convolutions (no
# checkerboard) and the moving average of G (a better FID and a third of the
# spread across seeds). `experiment dcgan-recipe --variants all --seeds 3`
# measures each part (README); issue 14's probes found spectral norm with the
# hinge loss far slower to start at this budget, and translation adding nothing.
DCGAN_RECIPES = {
    "paper": DCGANRecipe(),
    "fast": DCGANRecipe(discriminator_steps=1, generator_upsampling="resize", generator_ema=0.999),
}


def dcgan_recipe(profile=None, name: str | None = None, **overrides) -> DCGANRecipe:
    """A named DCGAN recipe (default: the profile's ``gan_recipe``), with fields overridden.

    Args:
        profile: a profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        name: a key of `DCGAN_RECIPES`; `None` takes the profile's.
        **overrides: `DCGANRecipe` fields.
    """
    profile = _config.get_profile(profile)
    if name is None:
        name, source = profile.gan_recipe, f"profile {profile.name!r} names gan_recipe={profile.gan_recipe!r}"
    else:
        source = f"unknown DCGAN recipe {name!r}"
    if name not in DCGAN_RECIPES:
        raise ValueError(f"{source}; choose one of {', '.join(DCGAN_RECIPES)}.")
    return dataclasses.replace(DCGAN_RECIPES[name], **overrides)


def build_dcgan(
    profile=None,
    image_size: int | None = None,
    latent_dim: int | None = None,
    generator_width: int | None = None,
    discriminator_width: int | None = None,
    discriminator_steps: int | None = None,
    generator_steps: int | None = None,
    seed=None,
    recipe: DCGANRecipe | None = None,
) -> GAN:
    """Builds the DCGAN with sizes from a profile (each can be overridden).

    Args:
        profile: a profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        image_size: 32, 64 or 128 pixels.
        latent_dim: size of the noise vector.
        generator_width: DCGAN's ``ngf``.
        discriminator_width: DCGAN's ``ndf``.
        discriminator_steps: discriminator updates per step (default: the
            recipe's, else the profile's).
        generator_steps: generator updates per step.
        seed: seed of the model's noise.
        recipe: a `DCGANRecipe` (default: the profile's, `dcgan_recipe`).

    Returns:
        A built, uncompiled `GAN`.
    """
    profile = _config.get_profile(profile)
    recipe = recipe or dcgan_recipe(profile)
    image_size = image_size or profile.image_size
    latent_dim = latent_dim or profile.latent_dim
    generator = dcgan.build_generator(
        latent_dim, image_size, generator_width or profile.generator_width, upsampling=recipe.generator_upsampling,
    )
    discriminator = dcgan.build_discriminator(
        image_size, discriminator_width or profile.discriminator_width,
        spectral_norm=recipe.spectral_norm, depth=recipe.discriminator_depth,
    )
    gan = GAN(
        generator,
        discriminator,
        latent_dim=latent_dim,
        discriminator_steps=discriminator_steps or recipe.discriminator_steps or profile.discriminator_steps,
        generator_steps=generator_steps or profile.generator_steps,
        gan_loss=recipe.gan_loss,
        augment_translation=recipe.augment_translation,
        generator_ema=recipe.generator_ema,
        seed=seed,
        name="dcgan",
    )
    gan.build()
    return gan


# --------------------------------------------------------------------------
# The training job for `python -m lstmgan_tf train --model dcgan`.
# --------------------------------------------------------------------------

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


def parse_settings(extra, types: dict, model_name: str) -> tuple[dict, dict]:
    """Splits ``--set`` values into typed model settings and data-source options.

    Keys ``data.NAME`` go to the data source (e.g. ``data.directory=...`` for
    the ``folder`` dataset); the others must be in ``types``.

    Returns:
        ``(settings, source_options)``.

    Raises:
        ValueError: for an unknown key or a value of the wrong type.
    """
    from lstmgan_tf.training.registry import split_data_options

    model_settings, source_options = split_data_options(extra)
    settings = {}
    for key, value in model_settings.items():
        if key not in types:
            raise ValueError(
                f"unknown setting {key!r} for model {model_name!r}; choose one of: "
                f"{', '.join(sorted(types))}, or data.OPTION for the dataset."
            )
        try:
            if types[key] is bool:
                settings[key] = _config.parse_flag(value, f"--set {key}")
            else:
                settings[key] = types[key](value)
        except ValueError:
            raise ValueError(
                f"setting {key}={value!r} of model {model_name!r} must be a {types[key].__name__}."
            ) from None
    return settings, source_options


def _register_dcgan_job():
    from lstmgan_tf.training.registry import TrainingJob, register_model

    @register_model("dcgan")
    def dcgan_job(profile, dataset_name, options):
        """The unconditional DCGAN on the images of a dataset (captions unused)."""
        import numpy as np

        from lstmgan_tf import data
        from lstmgan_tf.training.runner import check_image_size

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


_register_dcgan_job()
