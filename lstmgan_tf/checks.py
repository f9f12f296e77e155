"""Argument checks shared by the whole package, so that they never disagree.

Each raises a `ValueError` that names the argument and says what was expected
(STYLE.md, "errors a person can act on"). This module imports nothing of the
package, so layers, models, data and experiments can all use it.

Example:

>>> check_positive_int("units", 8)
8
>>> check_positive_int("batch_size", None, allow_none=True) is None
True
>>> check_positive_int("units", True)
Traceback (most recent call last):
...
ValueError: units must be a positive integer, got True.
"""

from __future__ import annotations

import numbers


def check_positive_int(name: str, value, allow_none: bool = False) -> int | None:
    """``value`` as an `int` if it is a positive integer (a bool is not one).

    Args:
        name: the argument's name, for the message.
        value: a Python or NumPy integer.
        allow_none: also accept `None` (and return it).

    Raises:
        ValueError: for anything else, naming ``name`` and ``value``.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        expected = "a positive integer or None" if allow_none else "a positive integer"
        raise ValueError(f"{name} must be {expected}, got {value!r}.")
    return int(value)


def check_in_range(name: str, value, below: float, expected: str) -> float:
    """``value`` as a `float` if it is a number (not a bool) in ``[0, below)``.

    Args:
        name: the argument's name, for the message.
        value: the number to check.
        below: the excluded upper end (``float("inf")``: any number >= 0).
        expected: what the message says was expected, e.g. ``"in [0, 1)"``.

    Raises:
        ValueError: for anything else, naming ``name``, ``value`` and ``expected``.

    Example:

    >>> check_in_range("label_smoothing", 0.1, 1.0, "in [0, 1)")
    0.1
    >>> check_in_range("label_smoothing", 1.5, 1.0, "in [0, 1)")
    Traceback (most recent call last):
    ...
    ValueError: label_smoothing=1.5 must be in [0, 1).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < below:
        raise ValueError(f"{name}={value!r} must be {expected}.")
    return float(value)
