"""What the experiments share about their runs: where they live, the images they draw.

Every experiment trains its GANs with the kit's runner into a run folder and
reads a finished one back instead of training again
(`lstmgan_tf.training.train_or_load`, the kit's one rule for that);
`seed_folder` says where the runs of one seed live, `generate_uint8_images`
draws images as a detector or a metric sees them (uint8, like real ones) and
`trainable_parameter_count` counts what a model learns.
"""

from __future__ import annotations

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
