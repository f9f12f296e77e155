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

import random

import keras
import tensorflow as tf

from lstmgan_tf import config as _config
from lstmgan_tf.layers import dcgan

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


def discriminator_loss(real_logits, fake_logits, global_batch_size, label_smoothing=0.0):
    """The discriminator's loss: real images scored real, generated ones fake.

    ``-log D(x) - log(1 - D(G(z)))``, averaged over the global batch.

    Args:
        real_logits: logits of the discriminator on real images, ``(B, 1)``.
        fake_logits: logits on generated images, ``(B, 1)``.
        global_batch_size: batch size summed over all replicas.
        label_smoothing: one-sided label smoothing: real images get the label
            ``1 - label_smoothing`` (Salimans et al. 2016); 0 disables it.

    Returns:
        A scalar: this replica's share of the global mean.
    """
    real_loss = per_example_bce(real_logits, 1.0 - label_smoothing)
    fake_loss = per_example_bce(fake_logits, 0.0)
    return tf.nn.compute_average_loss(real_loss + fake_loss, global_batch_size=global_batch_size)


def generator_loss(fake_logits, global_batch_size):
    """The generator's non-saturating loss ``-log D(G(z))`` (Goodfellow et al. 2014).

    Args:
        fake_logits: logits of the discriminator on generated images.
        global_batch_size: batch size summed over all replicas.

    Returns:
        A scalar: this replica's share of the global mean.
    """
    return tf.nn.compute_average_loss(
        per_example_bce(fake_logits, 1.0), global_batch_size=global_batch_size
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
        seed: seed of the model's noise.
        **kwargs: passed to `keras.Model`.

    Call arguments:
        noise: ``(B, latent_dim)``. Calling the model generates images
            (in inference mode unless ``training=True``).

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
        seed=None,
        **kwargs,
    ):
        super().__init__(
            discriminator_steps=discriminator_steps, generator_steps=generator_steps, seed=seed, **kwargs
        )
        if not isinstance(latent_dim, int) or latent_dim < 1:
            raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim

    @property
    def image_size(self) -> int:
        return int(self.generator.output_shape[1])

    def build(self, input_shape=None):
        # The sub-models are functional and already built; nothing to create.
        self.built = True

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def generate(self, noise):
        """Images in [-1, 1] for a batch of noise vectors, in inference mode."""
        return self.generator(noise, training=False)

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
                real_logits = self.discriminator(real_images, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                d_loss = discriminator_loss(
                    real_logits, fake_logits, global_batch_size, self.label_smoothing
                )
            self.minimize(d_loss, tape, self.discriminator.trainable_variables, self.d_optimizer)

        # Train the generator: it wants D to call its images real. Only G's
        # weights move; D is used as a fixed critic.
        for _ in range(self.generator_steps):
            noise = self.replica_noise(batch_size, self.latent_dim)
            with tf.GradientTape() as tape:
                generated_logits = self.discriminator(
                    self.generator(noise, training=True), training=True
                )
                g_loss = generator_loss(generated_logits, global_batch_size)
            self.minimize(g_loss, tape, self.generator.trainable_variables, self.g_optimizer)

        return self.update_trackers(d_loss, g_loss, real_logits, fake_logits)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
        }
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


def build_dcgan(
    profile=None,
    image_size: int | None = None,
    latent_dim: int | None = None,
    generator_width: int | None = None,
    discriminator_width: int | None = None,
    discriminator_steps: int | None = None,
    generator_steps: int | None = None,
    seed=None,
) -> GAN:
    """Builds the DCGAN with sizes from a profile (each can be overridden).

    Args:
        profile: a profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        image_size: 32, 64 or 128 pixels.
        latent_dim: size of the noise vector.
        generator_width: DCGAN's ``ngf``.
        discriminator_width: DCGAN's ``ndf``.
        discriminator_steps: discriminator updates per step.
        generator_steps: generator updates per step.
        seed: seed of the model's noise.

    Returns:
        A built, uncompiled `GAN`.
    """
    profile = _config.get_profile(profile)
    image_size = image_size or profile.image_size
    latent_dim = latent_dim or profile.latent_dim
    generator = dcgan.build_generator(latent_dim, image_size, generator_width or profile.generator_width)
    discriminator = dcgan.build_discriminator(image_size, discriminator_width or profile.discriminator_width)
    gan = GAN(
        generator,
        discriminator,
        latent_dim=latent_dim,
        discriminator_steps=discriminator_steps or profile.discriminator_steps,
        generator_steps=generator_steps or profile.generator_steps,
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
}


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

        gan = build_dcgan(
            profile,
            image_size=image_size,
            latent_dim=settings.get("latent_dim"),
            generator_width=settings.get("generator_width"),
            discriminator_width=settings.get("discriminator_width"),
            discriminator_steps=settings.get("discriminator_steps"),
            generator_steps=settings.get("generator_steps"),
            seed=options.seed,
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
        }
        return TrainingJob(model=gan, examples=examples, sample_fn=sample_fn, config=model_config)


_register_dcgan_job()
