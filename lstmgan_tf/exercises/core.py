"""The feedback object and comparison helpers shared by all exercise checkers."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Feedback:
    """The verdict of an exercise checker.

    Args:
        passed: whether the student's answer matches the reference.
        message: one sentence; on failure it says what is wrong and, where it
            can, what to look at.
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"{'✅' if self.passed else '❌'} {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#cf222e"
        mark = "✅" if self.passed else "❌"
        return f'<p style="color:{colour}">{mark} {self.message}</p>'


def check_close(name: str, actual, expected, atol: float = 1e-5, rtol: float = 1e-5) -> Feedback | None:
    """Compares a student's array with the reference; `None` when they agree.

    Returns a failing `Feedback` that names ``name`` and says whether the
    shape, the dtype kind or the values differ (and by how much).
    """
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, f"{name} should be an array or tensor, got {type(actual).__name__}.")
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return Feedback(
            False, f"{name} has shape {actual.shape}, but the reference has shape {expected.shape}."
        )
    if not np.all(np.isfinite(actual)):
        return Feedback(False, f"{name} contains NaN or infinite values.")
    if not np.allclose(actual, expected, atol=atol, rtol=rtol):
        worst = float(np.max(np.abs(actual - expected)))
        return Feedback(
            False, f"{name} has the right shape but its values differ from the reference "
            f"(largest difference {worst:.3g})."
        )
    return None
