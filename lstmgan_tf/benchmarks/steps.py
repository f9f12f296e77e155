"""How close the kit's training steps come to what the CPU can do: ``python -m lstmgan_tf benchmark steps``.

For the DCGAN, the LSTM-CGAN and GAN-CLS at a profile's sizes (default
``classroom``), one training step is

- **counted**: FLOPs from the layers' shapes (`lstmgan_tf.benchmarks.flops`);
- **timed**: the median of compiled steps on one synthetic batch;
- **set against the attainable rate**: each of the step's convolutions run
  alone, forward and both gradients, at a large batch (256), in float32 and,
  on a CPU with native bfloat16 (AVX-512-BF16 or AMX), in bfloat16, on this
  machine (elsewhere TensorFlow emulates bfloat16 at a few GFLOP/s). The attainable rate is the rate the step's
  convolutions would reach at those speeds (each weighted by its share of the
  step's FLOPs). Achieved / attainable is the figure that compares machines.

Configurations (`CONFIGURATIONS`) are the same maths computed differently;
each runs in its own process, because TensorFlow's thread pools are set once
per process: ``reference`` is the step as the kit first wrote it,
``parallel`` the kit's default step and ``stacked`` one D call per update
(`lstmgan_tf.models.text_to_image.STEP_IMPLEMENTATIONS`), all with
TensorFlow's default threads; ``small_ops`` the default step with
``LSTMGAN_THREADS=small-ops`` (`lstmgan_tf.host.thread_settings`).
``--rounds 2`` runs the configurations twice, interleaved, and keeps each
one's median: timings on a shared machine drift.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

STEP_NAMES = ("dcgan", "lstm_cgan", "gan_cls")
#: name -> (the text models' step implementation, whether ``LSTMGAN_THREADS=small-ops`` applies).
CONFIGURATIONS = {
    "reference": ("reference", False),
    "parallel": ("parallel", False),
    "stacked": ("stacked", False),
    "small_ops": ("parallel", True),
}
ATTAINABLE_BATCH = 256


def _text_step(name, profile, step_implementation, seed=0):
    import keras

    from lstmgan_tf.benchmarks.cgan import synthetic_batch
    from lstmgan_tf.benchmarks.flops import text_gan_step_passes
    from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
    from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
    from lstmgan_tf.text.grounded import build_image_encoder

    vocabulary_size, sentence_dim = 500, profile.sentence_vector_dim
    batch_size, length = profile.text_batch_size, profile.max_caption_length
    keras.utils.set_random_seed(seed)
    if name == "gan_cls":
        config = GANCLSConfig.from_profile(sentence_dim, profile=profile)
    else:
        config = LSTMCGANConfig.from_profile(vocabulary_size, sentence_dim, profile=profile)
    encoder = None
    if config.matching_loss_weight:
        encoder = build_image_encoder(config.image_size, sentence_dim, config.matching_encoder_width,
                                      config.matching_encoder_depth)
    model_class = GANCLS if name == "gan_cls" else LSTMCGAN
    model = model_class(config, seed=seed, matching_encoder=encoder, step_implementation=step_implementation)
    # Captions of 6 to 14 words padded to the profile's length, as the flowers' are.
    words = np.random.default_rng(seed).integers(6, 15, batch_size)
    batch = synthetic_batch(batch_size, length, words, vocabulary_size, sentence_dim, config.image_size, seed)
    return model, batch, text_gan_step_passes(model, batch_size, length)


def _dcgan_step(profile, seed=0):
    import keras
    import tensorflow as tf

    from lstmgan_tf.benchmarks.flops import dcgan_step_passes
    from lstmgan_tf.models import build_dcgan

    keras.utils.set_random_seed(seed)
    gan = build_dcgan(profile, image_size=profile.image_size, seed=seed)
    images = np.random.default_rng(seed).uniform(-1, 1, (profile.batch_size, profile.image_size,
                                                         profile.image_size, 3))
    return gan, {"image": tf.constant(images, tf.float32)}, dcgan_step_passes(gan, profile.batch_size)


def build_step(name: str, profile, step_implementation: str = "parallel", seed: int = 0):
    """A compiled training step of ``name`` at the profile's sizes, its batch and its passes.

    Returns:
        ``(step, batch, passes)``: a `tf.function` of the model's ``train_step``,
        one synthetic batch and the step's `lstmgan_tf.benchmarks.flops.Pass` list.
    """
    import keras
    import tensorflow as tf

    if name not in STEP_NAMES:
        raise ValueError(f"unknown step {name!r}; choose one of {', '.join(STEP_NAMES)}.")
    if name == "dcgan":
        model, batch, passes = _dcgan_step(profile, seed)
    else:
        model, batch, passes = _text_step(name, profile, step_implementation, seed)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return tf.function(model.train_step), batch, passes


def _conv_shapes(passes) -> dict:
    """Each convolution shape of the step -> its FLOPs in the step."""
    shares = {}
    for one_pass in passes:
        for layer, flops in one_pass.layer_flops():
            if layer.shape is not None:
                key = (layer.kind, *layer.shape)
                shares[key] = shares.get(key, 0) + flops
    return shares


def _time_convolution(kind, size, in_channels, out_channels, kernel, strides, dtype, batch, repeats=3):
    """GFLOP/s of one convolution alone: forward and both gradients at ``batch``."""
    import tensorflow as tf

    rng = tf.random.Generator.from_seed(0)
    inputs = tf.Variable(rng.normal((batch, size, size, in_channels)))
    if kind == "conv_transpose":
        kernel_shape, out_size = (kernel, kernel, out_channels, in_channels), size * strides
    else:
        kernel_shape, out_size = (kernel, kernel, in_channels, out_channels), size // strides
    weights = tf.Variable(rng.normal(kernel_shape) * 0.05)

    @tf.function
    def forward_and_backward():
        with tf.GradientTape() as tape:
            x, w = tf.cast(inputs, dtype), tf.cast(weights, dtype)
            if kind == "conv_transpose":
                y = tf.nn.conv2d_transpose(x, w, (batch, out_size, out_size, out_channels), strides, "SAME")
            else:
                y = tf.nn.conv2d(x, w, strides, "SAME")
            loss = tf.reduce_sum(tf.cast(y, tf.float32))
        return tape.gradient(loss, [inputs, weights])

    multiply_adds = (size * size if kind == "conv_transpose" else out_size * out_size) * kernel * kernel
    flops = 3 * 2 * batch * multiply_adds * in_channels * out_channels
    forward_and_backward()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        gradients = forward_and_backward()
        float(tf.reduce_sum(gradients[1]))
        seconds.append(time.perf_counter() - started)
    return flops / float(np.median(seconds)) / 1e9


def attainable_rate(passes, dtype="float32", batch: int = ATTAINABLE_BATCH) -> float:
    """GFLOP/s the step's convolutions reach alone at a large batch, weighted by their FLOPs in the step."""
    import tensorflow as tf

    shares = _conv_shapes(passes)
    total_flops = sum(shares.values())
    seconds = sum(flops / (_time_convolution(*shape, getattr(tf, dtype), batch) * 1e9)
                  for shape, flops in shares.items())
    return total_flops / seconds / 1e9


def measure(step_names, profile, step_implementation: str, repeats: int = 10, attainable: bool = True) -> dict:
    """Times each named step in this process; returns ``{name: {...}}``."""
    from lstmgan_tf.benchmarks.cgan import time_step
    from lstmgan_tf.benchmarks.flops import passes_flops
    from lstmgan_tf.host import has_native_bfloat16

    results = {}
    for name in step_names:
        step, batch, passes = build_step(name, profile, step_implementation)
        seconds = time_step(step, batch, repeats=repeats, warmup=3)
        flops = passes_flops(passes)
        row = {"seconds": seconds, "gflop": flops / 1e9, "achieved_gflops": flops / seconds / 1e9}
        if attainable:
            row["attainable_float32"] = attainable_rate(passes, "float32")
            row["attainable_bfloat16"] = attainable_rate(passes, "bfloat16") if has_native_bfloat16() else None
        results[name] = row
    return results


def run_configuration(configuration: str, step_names, profile_name: str, repeats: int, attainable: bool) -> dict:
    """Runs one configuration in a fresh process (its own thread pools) and returns its results."""
    step_implementation, small_ops_threads = CONFIGURATIONS[configuration]
    env = dict(os.environ)
    env.pop("TF_NUM_INTEROP_THREADS", None)
    env.pop("TF_NUM_INTRAOP_THREADS", None)
    env["LSTMGAN_THREADS"] = "small-ops" if small_ops_threads else "tensorflow"
    command = [sys.executable, "-m", "lstmgan_tf", "benchmark", "steps", "--in-process", step_implementation,
               "--profile", profile_name, "--repeats", str(repeats), "--steps", *step_names]
    if not attainable:
        command.append("--no-attainable")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def format_table(results: dict, host: str) -> str:
    """A text table: one row per step and configuration, ratios against ``reference``."""
    lines = [f"host: {host}",
             f"{'step':<10} {'configuration':<10} {'GFLOP':>6} {'ms':>7} {'x ref':>6} {'GFLOP/s':>8} "
             f"{'attain f32':>10} {'achieved/att':>12} {'attain bf16':>11}"]
    for name in next(iter(results.values())):
        reference = results.get("reference", {}).get(name, {}).get("seconds")
        for configuration, rows in results.items():
            row = rows[name]
            ratio = f"{row['seconds'] / reference:6.2f}" if reference else f"{'':>6}"
            attain = row.get("attainable_float32")
            share = f"{row['achieved_gflops'] / attain:11.0%}" if attain else ""
            bfloat16 = row.get("attainable_bfloat16")
            bfloat16 = f"{bfloat16:11.1f}" if bfloat16 else f"{'not native':>11}"
            lines.append(
                f"{name:<10} {configuration:<10} {row['gflop']:6.2f} {1000 * row['seconds']:7.1f} {ratio} "
                f"{row['achieved_gflops']:8.1f} {attain or float('nan'):10.1f} {share:>12} {bfloat16}"
            )
    return "\n".join(lines)


def benchmark_steps(step_names=STEP_NAMES, profile_name: str = "classroom", configurations=tuple(CONFIGURATIONS),
                    repeats: int = 10, rounds: int = 1, verbose: bool = True) -> dict:
    """Runs every configuration (``rounds`` times, interleaved) and returns the median of each.

    The attainable rates are measured once, in the first configuration with
    TensorFlow's default threads (they do not depend on the step).
    """
    from lstmgan_tf.host import describe_host

    unknown = sorted(set(configurations) - set(CONFIGURATIONS))
    if unknown:
        raise ValueError(f"unknown configuration(s) {', '.join(unknown)}; choose from {', '.join(CONFIGURATIONS)}.")
    runs = {configuration: [] for configuration in configurations}
    attainable_in = next((c for c in configurations if not CONFIGURATIONS[c][1]), configurations[0])
    for round_index in range(rounds):
        for configuration in configurations:
            if verbose:
                print(f"round {round_index + 1}/{rounds}: {configuration} ...", file=sys.stderr, flush=True)
            measure_attainable = round_index == 0 and configuration == attainable_in
            runs[configuration].append(run_configuration(configuration, step_names, profile_name, repeats,
                                                         measure_attainable))
    attainable = runs[attainable_in][0]
    results = {}
    for configuration, configuration_runs in runs.items():
        results[configuration] = {}
        for name in step_names:
            seconds = float(np.median([run[name]["seconds"] for run in configuration_runs]))
            gflop = configuration_runs[0][name]["gflop"]
            results[configuration][name] = {
                "seconds": seconds, "gflop": gflop, "achieved_gflops": gflop / seconds,
                "attainable_float32": attainable[name]["attainable_float32"],
                "attainable_bfloat16": attainable[name]["attainable_bfloat16"],
            }
    return {"host": describe_host(), "profile": profile_name, "results": results}
