"""Checkers for the exercises of notebook 02 (an LSTM cell from scratch).

- `check_sigmoid_derivative`: ``sigmoid_derivative(z)``, the slope of the
  gates' squashing function, whose smallness is the vanishing gradient.
- `check_forget_gate`: ``forget_gate(x, h_prev, W_f, U_f, b_f)``, paper 000's
  Eqn 1.
- `check_lstm_step`: ``lstm_step(x, h_prev, c_prev, kernel, recurrent_kernel,
  bias) -> (h, c)``, one whole step (Eqns 1-6, with Eqn 6 corrected) on
  weights in ``keras.layers.LSTM``'s layout.

Each checker calls the student's function on random inputs built so that the
usual mistakes give different answers, compares the result with the reference
and with each mistake, and says which one it found.

Example:

>>> import numpy as np
>>> check_sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
✅ sigmoid_derivative is sigmoid(z) * (1 - sigmoid(z)), at most 0.25 at z = 0.
"""

from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from lstmgan_tf.exercises.core import Feedback, check_close

GATE_ORDER = ("i", "f", "c", "o")  # keras.layers.LSTM's order inside the fused weights.


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _to_numpy(value):
    try:
        import keras

        return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
    except Exception:  # Not a tensor Keras knows: let NumPy try.
        return np.asarray(value, dtype=np.float64)


def _call(name: str, function: Callable, *args):
    """Runs the student's function; returns (result, None) or (None, failing Feedback)."""
    try:
        return function(*args), None
    except NotImplementedError:
        return None, Feedback(False, f"{name} is not written yet (it raises NotImplementedError).")
    except Exception as error:  # The student's code may fail in any way.
        return None, Feedback(False, f"{name} raised {type(error).__name__}: {error}")


def _matches(answer: np.ndarray, candidate: np.ndarray) -> bool:
    return answer.shape == candidate.shape and np.allclose(answer, candidate, atol=1e-5, rtol=1e-5)


def _first_mistake(answer: np.ndarray, mistakes: list[tuple[str, np.ndarray]]) -> Feedback | None:
    for message, candidate in mistakes:
        if _matches(answer, candidate):
            return Feedback(False, message)
    return None


def check_sigmoid_derivative(sigmoid_derivative: Callable) -> Feedback:
    """Checks ``sigmoid_derivative(z) -> d sigmoid / dz``, elementwise.

    Args:
        sigmoid_derivative: the student's function of an array ``z``.

    Returns:
        A `Feedback`.
    """
    z = np.linspace(-8.0, 8.0, 33).astype("float32")
    result, failure = _call("sigmoid_derivative", sigmoid_derivative, z)
    if failure is not None:
        return failure
    try:
        answer = _to_numpy(result)
    except (TypeError, ValueError):
        return Feedback(False, f"sigmoid_derivative should return an array, got {type(result).__name__}.")
    s = _sigmoid(z.astype(np.float64))
    expected = s * (1.0 - s)
    mistake = _first_mistake(
        answer,
        [
            ("sigmoid_derivative returns sigmoid(z) itself; its slope is sigmoid(z) * (1 - sigmoid(z)).", s),
            ("sigmoid_derivative returns 1 - sigmoid(z); multiply it by sigmoid(z).", 1.0 - s),
            ("sigmoid_derivative returns sigmoid(z) * (1 + sigmoid(z)); the sign inside should be minus.", s * (1 + s)),
            ("sigmoid_derivative returns 1 - tanh(z)**2, the slope of tanh, not of the sigmoid.", 1 - np.tanh(z) ** 2),
            ("sigmoid_derivative returns z * (1 - z); apply the sigmoid to z first.", z * (1.0 - z)),
        ],
    )
    if mistake is not None:
        return mistake
    failure = check_close("sigmoid_derivative(z)", answer, expected)
    if failure is not None:
        return failure
    return Feedback(True, "sigmoid_derivative is sigmoid(z) * (1 - sigmoid(z)), at most 0.25 at z = 0.")


def _gate_problem(batch=3, features=5, units=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, features)).astype("float32")
    h_prev = rng.uniform(-0.9, 0.9, size=(batch, units)).astype("float32")
    c_prev = rng.normal(scale=1.5, size=(batch, units)).astype("float32")
    return rng, x, h_prev, c_prev


def check_forget_gate(forget_gate: Callable) -> Feedback:
    """Checks ``forget_gate(x, h_prev, W_f, U_f, b_f) -> f_t`` (paper 000, Eqn 1).

    The reference is ``sigmoid(x @ W_f + h_prev @ U_f + b_f)`` with ``x`` of
    shape ``(batch, features)``, ``h_prev`` ``(batch, units)``, ``W_f``
    ``(features, units)``, ``U_f`` ``(units, units)`` and ``b_f`` ``(units,)``.

    Args:
        forget_gate: the student's function.

    Returns:
        A `Feedback`.
    """
    rng, x, h_prev, _ = _gate_problem()
    features, units = x.shape[1], h_prev.shape[1]
    W_f = rng.normal(scale=0.6, size=(features, units)).astype("float32")
    U_f = rng.normal(scale=0.6, size=(units, units)).astype("float32")
    b_f = rng.normal(scale=1.0, size=(units,)).astype("float32")
    result, failure = _call("forget_gate", forget_gate, x, h_prev, W_f, U_f, b_f)
    if failure is not None:
        return failure
    try:
        answer = _to_numpy(result)
    except (TypeError, ValueError):
        return Feedback(False, f"forget_gate should return an array, got {type(result).__name__}.")
    x64, h64 = x.astype(np.float64), h_prev.astype(np.float64)
    input_term, recurrent_term = x64 @ W_f, h64 @ U_f
    z = input_term + recurrent_term + b_f
    expected = _sigmoid(z)
    if answer.shape == expected.T.shape and answer.shape != expected.shape:
        return Feedback(
            False, f"forget_gate has shape {answer.shape}, the transpose of (batch, units) = "
            f"{expected.shape}; compute x @ W_f, not W_f.T @ x.T."
        )
    mistake = _first_mistake(
        answer,
        [
            ("forget_gate uses tanh; a gate is a sigmoid, so that it lies between 0 (forget) and 1 (keep).", np.tanh(z)),
            ("forget_gate returns the pre-activation; squash it with a sigmoid.", z),
            ("forget_gate has the wrong sign: sigmoid(-z) is 1 - f_t.", _sigmoid(-z)),
            ("forget_gate forgets the bias b_f (the paper's ofs_fg).", _sigmoid(input_term + recurrent_term)),
            ("forget_gate leaves out h_prev @ U_f: the gate must also see the previous hidden state.",
             _sigmoid(input_term + b_f)),
            ("forget_gate leaves out x @ W_f: the gate must also see the current input.",
             _sigmoid(recurrent_term + b_f)),
        ],
    )
    if mistake is not None:
        return mistake
    failure = check_close("forget_gate(x, h_prev, W_f, U_f, b_f)", answer, expected)
    if failure is not None:
        return failure
    return Feedback(True, "forget_gate matches sigmoid(x @ W_f + h_prev @ U_f + b_f), Eqn 1.")


def _reference_step(x, h_prev, c_prev, kernel, recurrent_kernel, bias, order=(0, 1, 2, 3), **mistakes):
    """One LSTM step in float64, with optional deliberate mistakes."""
    z = x @ kernel + h_prev @ recurrent_kernel + (0.0 if mistakes.get("no_bias") else bias)
    chunks = np.split(z, 4, axis=-1)
    # `order[k]` is the chunk the student took for gate GATE_ORDER[k].
    z_i, z_f, z_c, z_o = (chunks[k] for k in order)
    gate = np.tanh if mistakes.get("tanh_gates") else _sigmoid
    i, f, o = gate(z_i), gate(z_f), gate(z_o)
    g = _sigmoid(z_c) if mistakes.get("sigmoid_candidate") else np.tanh(z_c)
    if mistakes.get("no_forget"):
        c = c_prev + i * g
    elif mistakes.get("no_input_gate"):
        c = f * c_prev + g
    else:
        c = f * c_prev + i * g
    read = c_prev if mistakes.get("previous_cell") else c
    h = o * read if mistakes.get("no_tanh_on_cell") else o * np.tanh(read)
    return h, c


def check_lstm_step(lstm_step: Callable) -> Feedback:
    """Checks ``lstm_step(x, h_prev, c_prev, kernel, recurrent_kernel, bias) -> (h, c)``.

    The weights are in ``keras.layers.LSTM``'s layout: ``kernel`` is
    ``(features, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)`` and
    ``bias`` ``(4 * units,)``, each the four gates side by side in the order
    input, forget, candidate, output. The reference is Eqns 1-5 of paper 000
    and the corrected Eqn 6, ``h = o * tanh(c)`` with the *new* ``c``.

    Args:
        lstm_step: the student's function; it returns the new hidden state
            and the new cell state, in that order.

    Returns:
        A `Feedback`.
    """
    rng, x, h_prev, c_prev = _gate_problem(seed=1)
    features, units = x.shape[1], h_prev.shape[1]
    kernel = rng.normal(scale=0.6, size=(features, 4 * units)).astype("float32")
    recurrent_kernel = rng.normal(scale=0.6, size=(units, 4 * units)).astype("float32")
    bias = rng.normal(scale=1.0, size=(4 * units,)).astype("float32")
    arrays = [a.astype(np.float64) for a in (x, h_prev, c_prev, kernel, recurrent_kernel, bias)]
    result, failure = _call("lstm_step", lstm_step, x, h_prev, c_prev, kernel, recurrent_kernel, bias)
    if failure is not None:
        return failure
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return Feedback(False, f"lstm_step should return two arrays (h, c), got {type(result).__name__}.")
    try:
        h, c = _to_numpy(result[0]), _to_numpy(result[1])
    except (TypeError, ValueError):
        return Feedback(False, "lstm_step should return two arrays (h, c).")
    expected_h, expected_c = _reference_step(*arrays)
    if h.shape != expected_h.shape or c.shape != expected_c.shape:
        return Feedback(
            False, f"lstm_step returns h of shape {h.shape} and c of shape {c.shape}; both should be "
            f"(batch, units) = {expected_h.shape}."
        )
    if _matches(h, expected_c) and _matches(c, expected_h):
        return Feedback(False, "lstm_step returns (c, h); return the hidden state first: (h, c).")

    def is_mistake(**mistakes) -> bool:
        wrong_h, wrong_c = _reference_step(*arrays, **mistakes)
        return _matches(h, wrong_h) and _matches(c, wrong_c)

    messages = {
        "previous_cell": "lstm_step computes h from tanh(c_prev), the paper's Eqn 6 as printed; "
        "h must read the new cell state, h = o * tanh(c).",
        "no_bias": "lstm_step forgets the bias (the paper's ofs terms).",
        "tanh_gates": "lstm_step squashes the gates i, f, o with tanh; gates use a sigmoid (0 = closed, 1 = open).",
        "sigmoid_candidate": "lstm_step squashes the candidate (the first NCS, Eqn 4) with a sigmoid; it uses tanh.",
        "no_forget": "lstm_step adds c_prev without the forget gate; c = f * c_prev + i * g.",
        "no_input_gate": "lstm_step adds the candidate without the input gate; c = f * c_prev + i * g.",
        "no_tanh_on_cell": "lstm_step computes h = o * c; squash the cell state first, h = o * tanh(c).",
    }
    for mistake, message in messages.items():
        if is_mistake(**{mistake: True}):
            return Feedback(False, message)
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3) and is_mistake(order=order):
            used = ", ".join(f"{GATE_ORDER[k]} from block {order[k] + 1}" for k in range(4))
            return Feedback(
                False, f"lstm_step takes the gates from the wrong blocks ({used}); Keras's order "
                "of the four blocks is input, forget, candidate, output."
            )
    for name, answer, expected in (("h", h, expected_h), ("c", c, expected_c)):
        failure = check_close(f"lstm_step's {name}", answer, expected)
        if failure is not None:
            return failure
    return Feedback(True, "lstm_step matches one LSTM step (Eqns 1-5 and the corrected Eqn 6).")
