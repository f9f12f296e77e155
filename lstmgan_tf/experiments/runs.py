"""What the experiments share about their runs: where they live, the images they draw.

Every experiment trains its GANs with the kit's runner into a run folder and
reads a finished one back instead of training again
(`lstmgan_tf.training.train_or_load`, the kit's one rule for that);
`seed_folder` says where the runs of one seed live, `generate_uint8_images`
draws images as a detector or a metric sees them (uint8, like real ones) and
`trainable_parameter_count` counts what a model learns, and
`epochs_for_equal_updates` gives a dataset smaller than the profile's the
same number of updates.
"""

from __future__ import annotations

import math
import os

import numpy as np


def seed_folder(out_dir: str, profile_name: str, dataset: str, seed: int) -> str:
    """Where an experiment keeps one seed's runs: ``out_dir/PROFILE/DATASET/seed_S``.

    The profile in the path keeps a `smoke` run from being read back as a
    `classroom` one.
    """
    return os.path.join(out_dir, profile_name, dataset, f"seed_{seed}")


def generate_uint8_images(generator, count: int, latent_dim: int, seed: int, batch_size: int = 256) -> np.ndarray:
    """Draws ``count`` images from a generator as uint8, as they would be saved to disk.

    Real images are 8-bit; generated ones are rounded to 8 bits too, so that a
    detector cannot tell them apart by the fine values that no real image has.

    Args:
        generator: a model from noise ``(B, latent_dim)`` to images in [-1, 1].
        count: how many images.
        latent_dim: size of the noise vector.
        seed: seed of the noise (different seeds give disjoint draws).
        batch_size: images per forward pass.

    Returns:
        uint8 array ``(count, H, W, 3)``.
    """
    import keras

    from lstmgan_tf.viz import to_uint8

    noise = np.random.default_rng(seed).standard_normal((count, latent_dim)).astype("float32")
    chunks = [
        to_uint8(keras.ops.convert_to_numpy(generator(noise[start : start + batch_size], training=False)))
        for start in range(0, count, batch_size)
    ]
    return np.concatenate(chunks)


def trainable_parameter_count(model) -> int:
    """Trainable weights of a model (batch-norm moving statistics are not learned)."""
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def epochs_for_equal_updates(epochs: int, batch_size: int, intended_images: int, available_images: int) -> int:
    """The epochs that give ``available_images`` as many updates as ``epochs`` give ``intended_images``.

    A real dataset can be smaller than the profile's ``dataset_size`` (600
    paintings against 2,048 images): trained for the profile's epochs it would
    get a fraction of the updates, a weaker generator, and a comparison with
    the other datasets that says more about the budget than about the data.
    Batches drop their remainder, as the runner's do. A dataset at least as
    large keeps ``epochs``.

    >>> epochs_for_equal_updates(15, 64, 2048, 480)  # 15 x 32 updates at 7 a epoch
    69
    >>> epochs_for_equal_updates(15, 64, 2048, 4800)
    15
    """
    if available_images >= intended_images:
        return epochs
    steps_per_epoch = max(available_images // batch_size, 1)
    return max(epochs, math.ceil(epochs * (intended_images // batch_size) / steps_per_epoch))
