"""Speed benchmarks: the hand-written LSTM against ``keras.layers.LSTM``.

``python -m lstmgan_tf benchmark lstm`` times one training step (forward and
backward pass, no optimizer update) of four LSTM layers with the same weights,
in graph mode (``tf.function``), with and without XLA (``jit_compile``):

- ``keras.layers.LSTM``: the reference. On a CPU (or with masks that are not
  right-padded, or inside ``tf.function`` on a GPU) it runs its own cell in a
  ``tf.while_loop``; only an eager call on a GPU takes the fused cuDNN kernel.
- ``LSTMCell fused``: ``keras.layers.RNN(lstmgan_tf.layers.LSTMCell(units))``.
- ``LSTMCell literal``: the same with ``implementation="literal"`` (the
  paper's eight matmuls per step).
- ``LSTM (hoisted x W)``: `lstmgan_tf.layers.LSTM`, which computes the input
  projection for all steps before the loop.

The four are timed in turn, round-robin, in one process, and the medians are
reported as ratios to ``keras.layers.LSTM``: the machine's noise (other
processes, frequency scaling) hits all of them alike.

Example:

>>> rows = benchmark_lstm(batch=4, steps=5, units=8, features=3, repeats=2, jit_modes=(False,))
>>> sorted(rows[0])
['jit_compile', 'ms_per_batch', 'ratio', 'us_per_step', 'variant']
"""

from __future__ import annotations

import statistics
import time

from lstmgan_tf.checks import check_positive_int

VARIANTS = ("keras.layers.LSTM", "LSTMCell fused", "LSTMCell literal", "LSTM (hoisted x W)")
REFERENCE = VARIANTS[0]


def _build_layer(variant: str, units: int):
    import keras

    from lstmgan_tf.layers.lstm_cell import LSTM, LSTMCell

    if variant == "keras.layers.LSTM":
        return keras.layers.LSTM(units, return_sequences=True)
    if variant == "LSTMCell fused":
        return keras.layers.RNN(LSTMCell(units), return_sequences=True)
    if variant == "LSTMCell literal":
        return keras.layers.RNN(LSTMCell(units, implementation="literal"), return_sequences=True)
    if variant == "LSTM (hoisted x W)":
        return LSTM(units, return_sequences=True)
    raise ValueError(f"unknown benchmark variant {variant!r}; choose one of: {', '.join(VARIANTS)}.")


def benchmark_lstm(
    batch: int = 32,
    steps: int = 50,
    units: int = 128,
    features: int = 64,
    repeats: int = 20,
    jit_modes: tuple[bool, ...] = (False, True),
    variants: tuple[str, ...] = VARIANTS,
    seed: int = 0,
) -> list[dict]:
    """Times forward + backward of each LSTM variant; returns one row per (mode, variant).

    Args:
        batch: sequences per batch.
        steps: time steps per sequence.
        units: LSTM units.
        features: input features per time step.
        repeats: timed calls per variant (after two warm-up calls).
        jit_modes: which ``jit_compile`` settings of ``tf.function`` to time.
        variants: which layers to time (a subset of `VARIANTS`; the first
            listed is the reference of the ratios).
        seed: seed of the weights and inputs.

    Returns:
        Dicts with ``variant``, ``jit_compile``, ``ms_per_batch`` (median),
        ``us_per_step`` (per time step) and ``ratio`` (to the reference,
        same ``jit_compile``).

    Raises:
        ValueError: for a size that is not a positive integer or an unknown variant.
    """
    for name, value in {"batch": batch, "steps": steps, "units": units, "features": features,
                        "repeats": repeats}.items():
        check_positive_int(name, value)
    for variant in variants:
        if variant not in VARIANTS:
            raise ValueError(f"unknown benchmark variant {variant!r}; choose one of: {', '.join(VARIANTS)}.")
    if not variants:
        raise ValueError("variants is empty; choose at least one of: " + ", ".join(VARIANTS) + ".")

    import keras
    import tensorflow as tf

    from lstmgan_tf.layers.lstm_cell import copy_lstm_weights

    keras.utils.set_random_seed(seed)
    sequences = keras.random.normal((batch, steps, features), seed=seed)
    layers = {variant: _build_layer(variant, units) for variant in variants}
    for layer in layers.values():
        layer(sequences)
    reference_layer = layers[variants[0]]
    for layer in layers.values():
        if layer is not reference_layer:
            copy_lstm_weights(reference_layer, layer)

    rows = []
    for jit_compile in jit_modes:
        step_functions = {}
        for variant, layer in layers.items():

            def train_step(inputs, layer=layer):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(tf.square(layer(inputs)))
                return loss, tape.gradient(loss, layer.trainable_variables)

            step_functions[variant] = tf.function(train_step, jit_compile=jit_compile)
        for function in step_functions.values():
            for _ in range(2):  # Trace, then one call with everything warm.
                function(sequences)[0].numpy()
        seconds = {variant: [] for variant in variants}
        for _ in range(repeats):
            for variant, function in step_functions.items():
                start = time.perf_counter()
                function(sequences)[0].numpy()
                seconds[variant].append(time.perf_counter() - start)
        medians = {variant: statistics.median(values) for variant, values in seconds.items()}
        for variant in variants:
            rows.append(
                {
                    "variant": variant,
                    "jit_compile": jit_compile,
                    "ms_per_batch": medians[variant] * 1e3,
                    "us_per_step": medians[variant] * 1e6 / steps,
                    "ratio": medians[variant] / medians[variants[0]],
                }
            )
    return rows


def format_rows(rows: list[dict]) -> str:
    """Formats `benchmark_lstm` rows as a plain-text table."""
    lines = [f"{'variant':<22} {'jit_compile':>11} {'ms/batch':>9} {'us/step':>9} {'ratio':>6}"]
    for row in rows:
        lines.append(
            f"{row['variant']:<22} {str(row['jit_compile']):>11} {row['ms_per_batch']:9.2f} "
            f"{row['us_per_step']:9.1f} {row['ratio']:6.2f}"
        )
    return "\n".join(lines)
