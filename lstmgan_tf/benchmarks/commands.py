"""``python -m lstmgan_tf benchmark lstm|cgan|dcgan|steps``: the kit's speed benchmarks.

- ``lstm``: the hand-written LSTM against ``keras.layers.LSTM``
  (`lstmgan_tf.benchmarks.lstm`);
- ``cgan``: the LSTM-CGAN's vectorised step against the word loop and against
  n GAN-CLS steps (`lstmgan_tf.benchmarks.cgan`);
- ``dcgan``: the DCGAN's training throughput, with and without XLA
  (`lstmgan_tf.benchmarks.dcgan`);
- ``steps``: the training steps' FLOPs and achieved against attainable
  GFLOP/s, the reference step beside the kit's (`lstmgan_tf.benchmarks.steps`).

TensorFlow is imported only when a benchmark runs, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os

# ``--jit-compile`` -> the XLA settings to time.
_JIT_MODES = {"off": (False,), "on": (True,), "both": (False, True)}


def _run_lstm(args) -> int:
    from lstmgan_tf.benchmarks.lstm import REFERENCE, benchmark_lstm, format_rows

    rows = benchmark_lstm(
        batch=args.batch,
        steps=args.steps,
        units=args.units,
        features=args.features,
        repeats=args.repeats,
        jit_modes=_JIT_MODES[args.jit_compile],
        seed=args.seed,
    )
    print(
        f"LSTM forward + backward, graph mode, batch={args.batch} steps={args.steps} "
        f"units={args.units} features={args.features}, median of {args.repeats} "
        f"(ratio = time / {REFERENCE} time, same jit_compile)"
    )
    print(format_rows(rows))
    return 0


def _write_json(results: dict, path) -> None:
    """Writes a benchmark's results to ``path`` (``--out``), when given."""
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    print(f"wrote {path}")


def _run_cgan(args) -> int:
    from lstmgan_tf.benchmarks.cgan import benchmark_cgan

    results = benchmark_cgan(args.profile, words=args.words, repeats=args.repeats, seed=args.seed)
    _write_json(results, args.out)
    return 0


def _run_dcgan(args) -> int:
    from lstmgan_tf.benchmarks.dcgan import measure_throughput

    for image_size in args.image_sizes:
        for jit_compile in _JIT_MODES[args.jit_compile]:
            print(measure_throughput(image_size, args.batch_size, args.profile, jit_compile, args.steps), flush=True)
    return 0


def _run_steps(args) -> int:
    from lstmgan_tf.benchmarks import steps

    if args.in_process:
        # One configuration, in this process (what the parent process runs per configuration).
        from lstmgan_tf import config

        results = steps.measure(args.steps, config.get_profile(args.profile), args.in_process, args.repeats,
                                attainable=not args.no_attainable)
        print(json.dumps(results))
        return 0
    results = steps.benchmark_steps(args.steps, args.profile, args.configurations, args.repeats, args.rounds)
    print(steps.format_table(results["results"], results["host"]))
    _write_json(results, args.out)
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("benchmark", help="time the kit's layers and training steps")
    benchmarks = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)

    lstm = benchmarks.add_parser(
        "lstm", help="hand-written LSTMCell (fused, literal, hoisted) vs keras.layers.LSTM"
    )
    lstm.add_argument("--batch", type=int, default=32, help="sequences per batch (default 32)")
    lstm.add_argument("--steps", type=int, default=50, help="time steps per sequence (default 50)")
    lstm.add_argument("--units", type=int, default=128, help="LSTM units (default 128)")
    lstm.add_argument("--features", type=int, default=64, help="input features per step (default 64)")
    lstm.add_argument("--repeats", type=int, default=20, help="timed calls per variant (default 20)")
    lstm.add_argument(
        "--jit-compile", choices=tuple(_JIT_MODES), default="both",
        help="time with XLA off, on, or both (default both)",
    )
    lstm.add_argument("--seed", type=int, default=0, help="seed of weights and inputs (default 0)")
    lstm.set_defaults(func=_run_lstm)

    cgan = benchmarks.add_parser(
        "cgan", help="LSTM-CGAN step: vectorised vs word loop vs n GAN-CLS steps; padding",
        description="Timing the LSTM-CGAN's training step (lstmgan_tf.benchmarks.cgan).",
    )
    cgan.add_argument("--profile", default=None, help="sizes from this profile (default: $LSTMGAN_PROFILE)")
    cgan.add_argument("--words", type=int, default=10, help="real words per caption (default 10)")
    cgan.add_argument("--repeats", type=int, default=5, help="timed steps per variant (default 5)")
    cgan.add_argument("--seed", type=int, default=0)
    cgan.add_argument("--out", default=None, help="also write the results to this JSON file")
    cgan.set_defaults(func=_run_cgan)

    dcgan = benchmarks.add_parser(
        "dcgan", help="DCGAN training throughput (images/s), with and without XLA",
        description="Training throughput of the DCGAN (lstmgan_tf.benchmarks.dcgan).",
    )
    dcgan.add_argument("--image-sizes", type=int, nargs="+", default=[32, 64], help="default: 32 64")
    dcgan.add_argument("--batch-size", type=int, default=64, help="global batch size (default 64)")
    dcgan.add_argument("--profile", default="classroom", help="widths and latent size from this profile "
                       "(default classroom)")
    dcgan.add_argument("--steps", type=int, default=20, help="timed steps per configuration (default 20)")
    dcgan.add_argument(
        "--jit-compile", choices=tuple(_JIT_MODES), default="both",
        help="time with XLA off, on, or both (default both)",
    )
    dcgan.set_defaults(func=_run_dcgan)

    from lstmgan_tf.benchmarks.steps import CONFIGURATIONS, STEP_NAMES

    steps = benchmarks.add_parser(
        "steps", help="training steps: FLOPs, achieved and attainable GFLOP/s, reference vs the kit's step",
        description="How close the training steps come to what this CPU can do (lstmgan_tf.benchmarks.steps).",
    )
    steps.add_argument("--steps", nargs="+", choices=STEP_NAMES, default=list(STEP_NAMES))
    steps.add_argument("--profile", default="classroom", help="sizes from this profile (default classroom)")
    steps.add_argument("--configurations", nargs="+", choices=tuple(CONFIGURATIONS), default=list(CONFIGURATIONS),
                       help="default: all")
    steps.add_argument("--repeats", type=int, default=10, help="timed steps per configuration (default 10)")
    steps.add_argument("--rounds", type=int, default=1, help="run the configurations this many times, "
                       "interleaved, and keep each one's median (default 1)")
    steps.add_argument("--out", default=None, help="also write the results to this JSON file")
    steps.add_argument("--in-process", default=None, help=argparse.SUPPRESS)
    steps.add_argument("--no-attainable", action="store_true", help=argparse.SUPPRESS)
    steps.set_defaults(func=_run_steps)
