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


def describe_host() -> str:
    """E.g. ``"AMD EPYC, 2 cores, AVX2"`` or ``"Intel Xeon ..., 2 cores, AVX-512 + AMX"``."""
    model, flags = _cpu_info()
    features = [label for flag, label in _FEATURES if flag in flags]
    if "AVX-512" in features or "AMX" in features:
        features = [label for label in features if label != "AVX2"]
    cores = usable_cores()
    text = f"{model}, {cores} core{'s' if cores != 1 else ''}"
    return text + (f", {' + '.join(reversed(features))}" if features else "")
