"""Choosing a `tf.distribute` strategy, mixed precision and XLA.

`get_strategy` picks the strategy a run needs from what the machine has, so
the same training cell runs on a laptop CPU, on a machine with several GPUs,
on a cluster of workers described by ``TF_CONFIG``, or on a TPU:

>>> import keras
>>> from lstmgan_tf.models import build_dcgan
>>> strategy = get_strategy("auto")
>>> with strategy.scope():  # the variables are mirrored on every replica
...     gan = build_dcgan("smoke")
...     gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
...                 g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
>>> images = keras.random.uniform((32, 32, 32, 3), -1.0, 1.0)
>>> history = gan.fit(images, batch_size=16, epochs=1, verbose=0)  # each batch is split over the replicas
>>> len(history.history["d_loss"])
1

Only the models' variables have to be created inside ``strategy.scope()``;
`keras.Model.fit` distributes the dataset and runs ``train_step`` on every
replica.
"""

from __future__ import annotations

import json
import os

STRATEGY_NAMES = ("auto", "default", "one_device", "mirrored", "multi_worker", "tpu")


def _tf():
    import tensorflow as tf

    return tf


def cluster_spec_from_env() -> dict | None:
    """Returns the parsed ``TF_CONFIG`` environment variable, or `None` if unset.

    Raises:
        ValueError: if ``TF_CONFIG`` is set but is not JSON with a ``cluster``.
    """
    raw = os.environ.get("TF_CONFIG", "").strip()
    if not raw:
        return None
    try:
        spec = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"TF_CONFIG is not valid JSON ({error}); got {raw[:80]!r}.") from None
    if not isinstance(spec, dict) or "cluster" not in spec:
        raise ValueError(f"TF_CONFIG must be JSON with a 'cluster' entry; got {raw[:80]!r}.")
    return spec


def _tpu_available() -> bool:
    tf = _tf()
    # Asking a TPU resolver on a machine without a TPU can wait on a network
    # metadata server, so only look when there is a sign of one.
    return bool(
        tf.config.list_physical_devices("TPU")
        or os.environ.get("TPU_NAME")
        or os.environ.get("COLAB_TPU_ADDR")
    )


def _mirrored(tf):
    gpus = tf.config.list_logical_devices("GPU")
    if gpus:
        # NCCL all-reduce between GPUs is the default and the fastest.
        return tf.distribute.MirroredStrategy([device.name for device in gpus])
    cpus = tf.config.list_logical_devices("CPU")
    # Between CPU devices, Keras's fit with a custom train_step needs the
    # plain reduce-to-one-device all-reduce (the default one fails to build).
    return tf.distribute.MirroredStrategy(
        [device.name for device in cpus],
        cross_device_ops=tf.distribute.ReductionToOneDevice(),
    )


def get_strategy(name: str = "auto"):
    """Returns a `tf.distribute.Strategy` chosen by name or from the machine.

    Args:
        name: one of
            - ``"auto"``: ``TF_CONFIG`` set -> ``multi_worker``; a TPU ->
              ``tpu``; several GPUs -> ``mirrored``; else ``default``.
            - ``"default"``: TensorFlow's default strategy (one device, no
              distribution).
            - ``"one_device"``: everything on the first GPU, else the CPU.
            - ``"mirrored"``: synchronous data parallelism over every GPU of
              this machine (or every logical CPU device if there is no GPU).
            - ``"multi_worker"``: `tf.distribute.MultiWorkerMirroredStrategy`
              over the workers that ``TF_CONFIG`` lists; every worker runs the
              same program.
            - ``"tpu"``: `tf.distribute.TPUStrategy`.

    Returns:
        The strategy. Create models inside ``strategy.scope()``.

    Raises:
        ValueError: for an unknown name, ``multi_worker`` without
            ``TF_CONFIG`` or ``tpu`` without a TPU.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key not in STRATEGY_NAMES:
        raise ValueError(f"unknown strategy {name!r}; choose one of: {', '.join(STRATEGY_NAMES)}.")
    tf = _tf()
    if key == "auto":
        if cluster_spec_from_env() is not None:
            key = "multi_worker"
        elif _tpu_available():
            key = "tpu"
        elif len(tf.config.list_physical_devices("GPU")) > 1:
            key = "mirrored"
        else:
            key = "default"
    if key == "default":
        return tf.distribute.get_strategy()
    if key == "one_device":
        device = "/gpu:0" if tf.config.list_physical_devices("GPU") else "/cpu:0"
        return tf.distribute.OneDeviceStrategy(device)
    if key == "mirrored":
        return _mirrored(tf)
    if key == "multi_worker":
        if cluster_spec_from_env() is None:
            raise ValueError(
                "strategy 'multi_worker' needs the TF_CONFIG environment variable "
                "(the cluster's workers and this worker's index); it is not set."
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    if not _tpu_available():
        raise ValueError("strategy 'tpu' was asked for, but this machine has no TPU.")
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def is_chief(strategy) -> bool:
    """Whether this process should write files (always, except non-chief workers)."""
    extended = strategy.extended
    if hasattr(extended, "should_checkpoint"):
        return bool(extended.should_checkpoint)
    return True


def describe(strategy) -> str:
    """One line naming the strategy and its replicas, for logs."""
    return f"{type(strategy).__name__} with {strategy.num_replicas_in_sync} replica(s)"


def set_precision(mixed_precision: bool) -> str:
    """Sets Keras's global dtype policy: ``mixed_float16`` or ``float32``.

    Mixed precision computes in float16 and keeps float32 weights; it speeds
    up GPUs with tensor cores and slows down CPUs. The models' optimizers are
    wrapped in `keras.optimizers.LossScaleOptimizer` by
    `lstmgan_tf.models.adversarial.AdversarialModel.compile`.

    Returns:
        The policy's name.
    """
    import keras

    policy = "mixed_float16" if mixed_precision else "float32"
    keras.mixed_precision.set_global_policy(policy)
    return policy
