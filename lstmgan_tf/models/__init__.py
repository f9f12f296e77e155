"""GAN models: `keras.Model` subclasses with their own ``train_step``.

- `GAN`: the unconditional DCGAN (`build_dcgan` builds it from a profile).
- `AdversarialModel` and the loss functions in `lstmgan_tf.models.gan`: the
  pieces every GAN of the kit shares.
"""

from lstmgan_tf.models.gan import (
    GAN,
    AdversarialModel,
    accuracy,
    build_dcgan,
    discriminator_loss,
    generator_loss,
    per_example_bce,
)

__all__ = [
    "GAN",
    "AdversarialModel",
    "accuracy",
    "build_dcgan",
    "discriminator_loss",
    "generator_loss",
    "per_example_bce",
]
