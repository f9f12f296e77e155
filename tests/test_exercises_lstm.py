"""The checkers of notebook 02: a right answer passes, each usual mistake gets its own message."""

import keras
import numpy as np
import pytest

from lstmgan_tf.exercises import lstm as exercises


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- sigmoid_derivative ---------------------------------------------------------------------


def test_sigmoid_derivative_right_answers_pass():
    assert exercises.check_sigmoid_derivative(lambda z: _sigmoid(z) * (1 - _sigmoid(z)))
    assert exercises.check_sigmoid_derivative(lambda z: keras.ops.sigmoid(z) * (1 - keras.ops.sigmoid(z)))


SIGMOID_MISTAKES = {
    "sigmoid itself": (lambda z: _sigmoid(z), "returns sigmoid(z) itself"),
    "one minus": (lambda z: 1 - _sigmoid(z), "returns 1 - sigmoid(z)"),
    "plus sign": (lambda z: _sigmoid(z) * (1 + _sigmoid(z)), "sign inside"),
    "tanh slope": (lambda z: 1 - np.tanh(z) ** 2, "slope of tanh"),
    "no sigmoid": (lambda z: z * (1 - z), "apply the sigmoid to z first"),
    "scaled": (lambda z: 2 * _sigmoid(z) * (1 - _sigmoid(z)), "values differ"),
    "not written": (lambda z: exec('raise NotImplementedError()'), "not written yet"),
}


@pytest.mark.parametrize("name", SIGMOID_MISTAKES)
def test_sigmoid_derivative_mistakes_get_their_own_message(name):
    function, message = SIGMOID_MISTAKES[name]
    feedback = exercises.check_sigmoid_derivative(function)
    assert not feedback
    assert message in feedback.message


# --- forget_gate ----------------------------------------------------------------------------


def test_forget_gate_right_answers_pass():
    assert exercises.check_forget_gate(lambda x, h, W, U, b: _sigmoid(x @ W + h @ U + b))
    assert exercises.check_forget_gate(
        lambda x, h, W, U, b: keras.ops.sigmoid(keras.ops.matmul(x, W) + keras.ops.matmul(h, U) + b)
    )


FORGET_MISTAKES = {
    "tanh": (lambda x, h, W, U, b: np.tanh(x @ W + h @ U + b), "uses tanh"),
    "no activation": (lambda x, h, W, U, b: x @ W + h @ U + b, "pre-activation"),
    "sign": (lambda x, h, W, U, b: _sigmoid(-(x @ W + h @ U + b)), "wrong sign"),
    "no bias": (lambda x, h, W, U, b: _sigmoid(x @ W + h @ U), "forgets the bias"),
    "no recurrent": (lambda x, h, W, U, b: _sigmoid(x @ W + b), "leaves out h_prev @ U_f"),
    "no input": (lambda x, h, W, U, b: _sigmoid(h @ U + b), "leaves out x @ W_f"),
    "transposed": (lambda x, h, W, U, b: _sigmoid(x @ W + h @ U + b).T, "transpose"),
    "one row": (lambda x, h, W, U, b: _sigmoid(x @ W + h @ U + b)[0], "has shape (4,)"),
    "crashes": (lambda x, h, W, U, b: W @ x, "raised ValueError"),
    "other": (lambda x, h, W, U, b: _sigmoid(x @ W + h @ U.T + b), "values differ"),
}


@pytest.mark.parametrize("name", FORGET_MISTAKES)
def test_forget_gate_mistakes_get_their_own_message(name):
    function, message = FORGET_MISTAKES[name]
    feedback = exercises.check_forget_gate(function)
    assert not feedback
    assert message in feedback.message, feedback.message


# --- lstm_step ------------------------------------------------------------------------------


def _step(x, h, c, kernel, recurrent_kernel, bias, order=(0, 1, 2, 3), gate=_sigmoid, candidate=np.tanh,
          use_bias=True, forget=True, input_gate=True, read_previous=False, squash_cell=True, swap=False):
    z = x @ kernel + h @ recurrent_kernel + (bias if use_bias else 0)
    chunks = np.split(z, 4, axis=-1)
    i, f, g, o = (chunks[k] for k in order)
    i, f, o, g = gate(i), gate(f), gate(o), candidate(g)
    new_c = (f * c if forget else c) + (i * g if input_gate else g)
    read = c if read_previous else new_c
    new_h = o * (np.tanh(read) if squash_cell else read)
    return (new_c, new_h) if swap else (new_h, new_c)


def test_lstm_step_right_answers_pass():
    assert exercises.check_lstm_step(_step)

    def with_keras_ops(x, h, c, kernel, recurrent_kernel, bias):
        ops = keras.ops
        z = ops.matmul(x, kernel) + ops.matmul(h, recurrent_kernel) + bias
        i, f, g, o = ops.split(z, 4, axis=-1)
        new_c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        return ops.sigmoid(o) * ops.tanh(new_c), new_c

    assert exercises.check_lstm_step(with_keras_ops)


STEP_MISTAKES = {
    "eqn 6 as printed": ({"read_previous": True}, "Eqn 6 as printed"),
    "no bias": ({"use_bias": False}, "forgets the bias"),
    "tanh gates": ({"gate": np.tanh}, "squashes the gates i, f, o with tanh"),
    "sigmoid candidate": ({"candidate": _sigmoid}, "candidate"),
    "no forget gate": ({"forget": False}, "without the forget gate"),
    "no input gate": ({"input_gate": False}, "without the input gate"),
    "h = o * c": ({"squash_cell": False}, "h = o * c"),
    "swapped i and f": ({"order": (1, 0, 2, 3)}, "i from block 2, f from block 1"),
    "pytorch-like i, f, o, g": ({"order": (0, 1, 3, 2)}, "wrong blocks"),
    "returns (c, h)": ({"swap": True}, "returns (c, h)"),
}


@pytest.mark.parametrize("name", STEP_MISTAKES)
def test_lstm_step_mistakes_get_their_own_message(name):
    options, message = STEP_MISTAKES[name]
    feedback = exercises.check_lstm_step(lambda *args: _step(*args, **options))
    assert not feedback
    assert message in feedback.message, feedback.message


def test_lstm_step_messages_are_all_different():
    messages = {
        exercises.check_lstm_step(lambda *args, options=options: _step(*args, **options)).message
        for options, _ in STEP_MISTAKES.values()
    }
    assert len(messages) == len(STEP_MISTAKES)


@pytest.mark.parametrize(
    "function, message",
    [
        (lambda *args: _step(*args)[0], "two arrays"),
        (lambda *args: tuple(v[:, :2] for v in _step(*args)), "both should be (batch, units) = (3, 4)"),
        (lambda *args: (_step(*args)[0] * 1.1, _step(*args)[1]), "lstm_step's h has the right shape"),
    ],
)
def test_lstm_step_other_wrong_answers_are_reported(function, message):
    feedback = exercises.check_lstm_step(function)
    assert not feedback
    assert message in feedback.message, feedback.message


def test_checkers_agree_with_the_package_cell():
    from lstmgan_tf.layers import LSTMCell

    cell = LSTMCell(4)
    cell.build((None, 5))

    def package_step(x, h, c, kernel, recurrent_kernel, bias):
        cell.set_fused_weights([kernel, recurrent_kernel, bias])
        new_h, (_, new_c) = cell(x, [h, c])
        return new_h, new_c

    assert exercises.check_lstm_step(package_step)
    erratum = LSTMCell(4, hidden_from="previous_cell")
    erratum.build((None, 5))

    def erratum_step(x, h, c, kernel, recurrent_kernel, bias):
        erratum.set_fused_weights([kernel, recurrent_kernel, bias])
        new_h, (_, new_c) = erratum(x, [h, c])
        return new_h, new_c

    assert "Eqn 6 as printed" in exercises.check_lstm_step(erratum_step).message
