"""Runs the experiments share: train a registered model or load its finished run, draw its images.

Every experiment trains its GANs with the kit's runner (`lstmgan_tf.training.train`)
into a run folder and reads a finished one back instead of training again;
`train_or_load` is that one rule, and `seed_folder` says where the runs of
one seed live. `generate_images` draws images as a detector
or a metric sees them (uint8, like real ones) and `trainable_parameter_count`
counts what a model learns.
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


def train_or_load(model_name: str, dataset: str, out_dir: str, profile=None, epochs: int | None = None,
                  options=None, verbose=0, callbacks=()):
    """Trains a registered model with the kit's runner, or loads the run already in ``out_dir``.

    The run folder is the runner's (`lstmgan_tf.training.train`): checkpoints,
    sample grids, ``history.csv``. A finished run is loaded; an interrupted one
    resumes from its last checkpoint; so calling this again costs nothing.

    Args:
        model_name: a registered model, e.g. ``"dcgan"`` or ``"dcgan_lstm_d"``.
        dataset: the dataset's name.
        out_dir: the run folder.
        profile: profile name or `Profile`.
        epochs: total epochs (default: the profile's).
        options: `lstmgan_tf.training.TrainOptions`.
        verbose: ``model.fit``'s verbosity.
        callbacks: extra Keras callbacks of the training (not called when
            the run is loaded).

    Returns:
        ``(model, history)``: the trained model and its history (metric name
        -> one value per epoch).
    """
    from lstmgan_tf import training
    from lstmgan_tf.training.callbacks import read_history_csv
    from lstmgan_tf.training.checkpoints import has_final_weights

    out_dir = os.fspath(out_dir)
    if has_final_weights(out_dir):
        return training.load_trained(out_dir), read_history_csv(os.path.join(out_dir, "history.csv"))
    # A run stopped before its first checkpoint resumes from step 0.
    started = os.path.exists(os.path.join(out_dir, "config.json"))
    result = training.train(
        model_name, dataset, out_dir=out_dir, profile=profile, resume=started,
        epochs=epochs, options=options, verbose=verbose, callbacks=callbacks,
    )
    return result.model, result.history


def generate_images(generator, count: int, latent_dim: int, seed: int, batch_size: int = 256) -> np.ndarray:
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
