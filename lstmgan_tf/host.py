"""The machine a time was measured on, in words: every stated time names its host.

CPUs of one kind of laptop or cloud machine differ about 3x for the kit's
steps (AVX2 against AVX-512 with AMX), so a time without its host says little.

>>> description = describe_host()
>>> "core" in description
True
"""

from __future__ import annotations

import os
import platform

#: CPU features that change the kit's speed, as ``/proc/cpuinfo`` names them, and how we print them.
_FEATURES = (("amx_tile", "AMX"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))


def _cpu_info() -> tuple[str, set[str]]:
    """The CPU's model name and feature flags (Linux); the platform's processor name elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return platform.processor() or platform.machine() or "unknown CPU", set()
    model, flags = None, set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and model is None:
            model = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = set(value.split())
    return model or platform.machine() or "unknown CPU", flags


def usable_cores() -> int:
    """The cores this process may run on (its affinity), which is what a container is given."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def has_native_bfloat16() -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX-512-BF16 or AMX); elsewhere TensorFlow emulates it, slowly."""
    _, flags = _cpu_info()
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def describe_host() -> str:
    """E.g. ``"AMD EPYC, 2 cores, AVX2"`` or ``"Intel Xeon ..., 2 cores, AVX-512 + AMX"``."""
    model, flags = _cpu_info()
    features = [label for flag, label in _FEATURES if flag in flags]
    if "AVX-512" in features or "AMX" in features:
        features = [label for label in features if label != "AVX2"]
    cores = usable_cores()
    text = f"{model}, {cores} core{'s' if cores != 1 else ''}"
    return text + (f", {' + '.join(reversed(features))}" if features else "")


def thread_settings(cores: int | None = None) -> dict[str, str]:
    """Thread-pool sizes for many small operations, as TensorFlow's environment variables.

    What ``LSTMGAN_THREADS=small-ops`` asks TensorFlow for (read when it
    starts). On up to two cores: one thread per operation and as many
    operations at once as cores, instead of TensorFlow's default (each
    operation split over all cores, and as many at once). On a 2-core AVX2
    host it took the classroom LSTM-CGAN step to 0.76x of the reference
    step's time and GAN-CLS's to 0.95x, but the DCGAN's to 1.27x, whose
    operations are fewer and larger (``python -m lstmgan_tf benchmark
    steps --rounds 2 --configurations reference small_ops``; one round of
    all configurations gave 0.86x, 1.05x and 1.06x); so it is not the
    default. On more cores it asks for nothing: nothing here has measured
    it there.

    Args:
        cores: the usable cores (default: `usable_cores`).

    Returns:
        ``{"TF_NUM_INTEROP_THREADS": ..., "TF_NUM_INTRAOP_THREADS": ...}``, or
        ``{}`` for TensorFlow's defaults.

    >>> thread_settings(2)
    {'TF_NUM_INTEROP_THREADS': '2', 'TF_NUM_INTRAOP_THREADS': '1'}
    >>> thread_settings(8)
    {}
    """
    cores = usable_cores() if cores is None else cores
    if cores > 2:
        return {}
    return {"TF_NUM_INTEROP_THREADS": str(cores), "TF_NUM_INTRAOP_THREADS": "1"}
