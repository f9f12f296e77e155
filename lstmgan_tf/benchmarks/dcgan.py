"""Training throughput of the DCGAN (images per second), with and without XLA.

    python -m lstmgan_tf benchmark dcgan --image-sizes 32 64 --batch-size 64

Each configuration is compiled and warmed up (tracing, and XLA's compilation
when on), then timed over ``steps`` training steps of ``model.fit`` on an
in-memory dataset; images/s counts real images per step (each step makes two
discriminator updates and one generator update at the paper's settings).
Timings are noisy on a shared machine: compare rows of one run.
"""

from __future__ import annotations

import time


def measure_throughput(image_size: int, batch_size: int = 64, profile="classroom",
                       jit_compile: bool = False, steps: int = 20, seed: int = 0) -> dict:
    """Times training steps of the DCGAN; returns a dict with ``images_per_second``.

    Args:
        image_size: 32, 64 or 128.
        batch_size: global batch size.
        profile: profile whose widths and latent size are used.
        jit_compile: compile the train step with XLA.
        steps: timed steps (after a warm-up of two steps).
        seed: seed of the weights and data.
    """
    import keras
    import numpy as np
    import tensorflow as tf

    from lstmgan_tf.models import build_dcgan

    keras.utils.set_random_seed(seed)
    gan = build_dcgan(profile, image_size=image_size, seed=seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        jit_compile=jit_compile,
    )
    images = np.random.default_rng(seed).uniform(-1, 1, (batch_size, image_size, image_size, 3))
    dataset = tf.data.Dataset.from_tensors(images.astype("float32")).repeat()
    started = time.perf_counter()
    gan.fit(dataset, steps_per_epoch=2, epochs=1, verbose=0, shuffle=False)  # trace (and compile)
    warm_up = time.perf_counter() - started
    started = time.perf_counter()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    seconds = time.perf_counter() - started
    return {
        "image_size": image_size,
        "batch_size": batch_size,
        "xla": jit_compile,
        "warm_up_s": round(warm_up, 1),
        "ms_per_step": round(1000 * seconds / steps, 1),
        "images_per_second": round(batch_size * steps / seconds, 1),
    }
