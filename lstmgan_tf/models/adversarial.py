"""`AdversarialModel`: the base class of every GAN of the kit.

It holds what the DCGAN (`lstmgan_tf.models.gan`) and the text-to-image
models (`lstmgan_tf.models.text_to_image`) share: the two-optimizer
``compile``, the metric trackers, loss scaling for mixed precision and
replica-aware noise. A subclass creates its generator and discriminator and
writes ``train_step`` with the helpers here and the losses of
`lstmgan_tf.models.losses`.
"""

from __future__ import annotations

import random

import keras
import tensorflow as tf

from lstmgan_tf.checks import check_in_range, check_positive_int
from lstmgan_tf.layers import augmentation
from lstmgan_tf.models.losses import accuracy


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
        self.discriminator_steps = check_positive_int("discriminator_steps", discriminator_steps)
        self.generator_steps = check_positive_int("generator_steps", generator_steps)
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
        check_in_range("label_smoothing", label_smoothing, 1.0, "in [0, 1)")
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

    def get_compile_config(self):
        """What `compile` was given, so that ``model.save("x.keras")`` keeps both optimizers."""
        if getattr(self, "d_optimizer", None) is None:  # Not compiled (yet).
            return None
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "label_smoothing": self.label_smoothing,
        }

    def compile_from_config(self, config):
        """Compiles a model read by `keras.saving.load_model` as it was saved.

        The optimizers are built here, so that their saved state (step count,
        Adam moments) is restored with the weights and ``fit`` resumes.
        """
        self.compile(
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
            label_smoothing=config["label_smoothing"],
        )
        self.build_optimizers()

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
