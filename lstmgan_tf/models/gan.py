"""The unconditional DCGAN as a `keras.Model` with its own ``train_step``.

`GAN` is the DCGAN of Radford et al. (2016) built from `lstmgan_tf.layers.dcgan`,
on the shared base class `lstmgan_tf.models.adversarial.AdversarialModel` and
the losses of `lstmgan_tf.models.losses`; `DCGANRecipe` holds how it trains
(`DCGAN_RECIPES`: the papers' and the classroom's ``fast``), `build_dcgan`
builds it from a profile. Its training job (``train --model dcgan``) is
`lstmgan_tf.training.builders.dcgan`.

Example:

>>> import keras
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

import keras
import tensorflow as tf

from lstmgan_tf import config as _config
from lstmgan_tf.checks import check_in_range, check_positive_int
from lstmgan_tf.layers import dcgan
from lstmgan_tf.models.adversarial import AdversarialModel
from lstmgan_tf.models.losses import GAN_LOSSES, discriminator_loss, generator_loss


@keras.saving.register_keras_serializable(package="lstmgan_tf")
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
        check_positive_int("latent_dim", latent_dim)
        if gan_loss not in GAN_LOSSES:
            raise ValueError(f"gan_loss={gan_loss!r} is not supported; choose one of: {', '.join(GAN_LOSSES)}.")
        check_in_range("augment_translation", augment_translation, 0.5, "in [0, 0.5)")
        check_in_range("generator_ema", generator_ema, 1.0, "a decay in [0, 1); 0 switches it off")
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
        # The sub-models are functional and built: so is the GAN (`fit` and `save` need no first call).
        self.built = True

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
        # `fit` on a dataset passes the batch; `train_on_batch` passes (x, None, None).
        data, _, _ = keras.utils.unpack_x_y_sample_weight(data)
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
            self.follow_generator(noise)

        return self.update_trackers(d_loss, g_loss, real_logits, fake_logits)

    def follow_generator(self, noise):
        """Moves the moving average of G (``generator_ema``) a step towards G; nothing without one.

        Call it after each generator update. One pass of ``noise`` through the
        average in training mode keeps its batch-norm statistics its own.
        """
        if self.average_generator is not None:
            self.update_moving_average([self.average_generator], [self.generator], self.generator_ema)
            self.average_generator(noise, training=True)

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
# measures each part (docs/results.md); probes found spectral norm with the
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
