"""The hand-written LSTM cell against keras.layers.LSTM: values, gradients, masks, saving."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import benchmarks
from lstmgan_tf.layers import LSTM, LSTMCell, copy_lstm_weights, trace_gates

SHAPES = [  # (batch, steps, features, units)
    (1, 1, 3, 2),
    (4, 7, 5, 8),
    (3, 12, 16, 32),
]
FORMS = ["fused", "literal", "hoisted"]


def _sequences(batch, steps, features, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")


def _reference(units, sequences, seed=0):
    keras.utils.set_random_seed(seed)
    reference = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    reference(sequences)
    # Non-zero biases so that a dropped or misplaced bias shows.
    kernel, recurrent_kernel, bias = reference.get_weights()
    reference.set_weights([kernel, recurrent_kernel, np.random.default_rng(seed).normal(size=bias.shape)])
    return reference


def _handwritten(form, units, sequences, reference, hidden_from="new_cell"):
    if form == "hoisted":
        layer = LSTM(units, return_sequences=True, return_state=True, hidden_from=hidden_from)
    else:
        cell = LSTMCell(units, implementation=form, hidden_from=hidden_from)
        layer = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    layer(sequences)
    copy_lstm_weights(reference, layer)
    return layer


def _fused_gradients(layer, gradients):
    """Gradients of a layer's weights in Keras's [kernel, recurrent_kernel, bias] layout."""
    gradients = [np.asarray(g) for g in gradients]
    if len(gradients) == 3:
        return gradients
    # Literal form: 4 kernels, 4 recurrent kernels, 4 biases, in gate order i, f, c, o.
    return [
        np.concatenate(gradients[0:4], axis=1),
        np.concatenate(gradients[4:8], axis=1),
        np.concatenate(gradients[8:12], axis=0),
    ]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_outputs_and_final_states_match_keras_lstm(form, shape):
    batch, steps, features, units = shape
    sequences = _sequences(batch, steps, features)
    reference = _reference(units, sequences)
    layer = _handwritten(form, units, sequences, reference)
    for name, mine, theirs in zip(("outputs", "h", "c"), layer(sequences), reference(sequences)):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), atol=1e-5, err_msg=name)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("shape", SHAPES[1:], ids=lambda s: "x".join(map(str, s)))
def test_gradients_match_keras_lstm(form, shape):
    batch, steps, features, units = shape
    sequences = tf.constant(_sequences(batch, steps, features, seed=1))
    reference = _reference(units, sequences, seed=1)
    layer = _handwritten(form, units, sequences, reference)
    results = []
    for model in (layer, reference):
        with tf.GradientTape() as tape:
            tape.watch(sequences)
            outputs, hidden, cell_state = model(sequences)
            # Weigh every output differently so that no gradient cancels out.
            weights = tf.reshape(tf.range(tf.size(outputs), dtype="float32"), outputs.shape) / 100.0
            loss = tf.reduce_sum(tf.sin(outputs * weights)) + tf.reduce_sum(cell_state**2)
        gradients = tape.gradient(loss, [sequences] + model.trainable_weights)
        results.append((np.asarray(gradients[0]), _fused_gradients(model, gradients[1:])))
    (mine_inputs, mine_weights), (their_inputs, their_weights) = results
    np.testing.assert_allclose(mine_inputs, their_inputs, atol=1e-4, err_msg="d loss / d inputs")
    for name, mine, theirs in zip(("kernel", "recurrent_kernel", "bias"), mine_weights, their_weights):
        assert np.abs(theirs).max() > 1e-3, f"the {name} gradient is trivially small"
        np.testing.assert_allclose(mine, theirs, atol=1e-4, err_msg=f"d loss / d {name}")


@pytest.mark.parametrize("form", FORMS)
def test_masked_steps_match_keras_lstm(form):
    batch, steps, features, units = 4, 9, 5, 6
    sequences = tf.constant(_sequences(batch, steps, features, seed=2))
    mask = np.ones((batch, steps), dtype=bool)
    mask[0, 6:] = False  # right padding
    mask[1, 2:5] = False  # a hole in the middle
    mask[2, 1:] = False  # only the first step
    mask = tf.constant(mask)
    reference = _reference(units, sequences, seed=2)
    layer = _handwritten(form, units, sequences, reference)
    results = []
    for model in (layer, reference):
        with tf.GradientTape() as tape:
            tape.watch(sequences)
            outputs, hidden, cell_state = model(sequences, mask=mask)
            loss = tf.reduce_sum(outputs**2) + tf.reduce_sum(hidden) + tf.reduce_sum(cell_state)
        results.append([outputs, hidden, cell_state, tape.gradient(loss, sequences)])
    for name, mine, theirs in zip(("outputs", "h", "c", "d loss / d inputs"), *results):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), atol=1e-4, err_msg=name)
    # The masked steps really were skipped: sequence 2 ends with the state after one step.
    np.testing.assert_allclose(np.asarray(results[0][1])[2], np.asarray(results[0][0])[2, 0], atol=1e-6)


def test_masking_layer_mask_reaches_the_cell():
    tokens = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
    model = keras.Sequential(
        [keras.layers.Embedding(10, 4, mask_zero=True), keras.layers.RNN(LSTMCell(3))]
    )
    padded = model(tokens)
    unpadded = model(tokens[:1, :3])
    np.testing.assert_allclose(np.asarray(padded)[0], np.asarray(unpadded)[0], atol=1e-6)


def test_fused_and_literal_forms_copy_into_each_other():
    sequences = _sequences(2, 4, 3)
    fused = keras.layers.RNN(LSTMCell(5), return_sequences=True)
    literal = keras.layers.RNN(LSTMCell(5, implementation="literal"), return_sequences=True)
    fused(sequences), literal(sequences)
    copy_lstm_weights(literal, fused)
    for mine, theirs in zip(fused.cell.get_fused_weights(), literal.cell.get_fused_weights()):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_allclose(np.asarray(fused(sequences)), np.asarray(literal(sequences)), atol=1e-6)
    # And back into keras.layers.LSTM.
    reference = keras.layers.LSTM(5, return_sequences=True)
    reference(sequences)
    copy_lstm_weights(literal, reference)
    np.testing.assert_allclose(np.asarray(reference(sequences)), np.asarray(literal(sequences)), atol=1e-5)


@pytest.mark.parametrize("implementation", ["fused", "literal"])
def test_forget_gate_bias_starts_at_one(implementation):
    cell = LSTMCell(4, implementation=implementation)
    cell.build((None, 3))
    bias = cell.get_fused_weights()[2]
    np.testing.assert_array_equal(bias, np.concatenate([np.zeros(4), np.ones(4), np.zeros(8)]))
    assert [w.name for w in cell.weights][:1] == (["kernel"] if implementation == "fused" else ["kernel_input"])


def test_eqn6_as_printed_lags_one_step_behind_the_cell_state():
    sequences = _sequences(3, 6, 4)
    reference = _reference(5, sequences)
    standard = _handwritten("fused", 5, sequences, reference)
    erratum = _handwritten("fused", 5, sequences, reference, hidden_from="previous_cell")
    standard_outputs, _, standard_c = (np.asarray(v) for v in standard(sequences))
    erratum_outputs, _, erratum_c = (np.asarray(v) for v in erratum(sequences))
    assert np.abs(standard_outputs - erratum_outputs).max() > 1e-2
    # With tanh(c_{t-1}), the first hidden state is o_1 * tanh(0) = 0 whatever the input.
    np.testing.assert_array_equal(erratum_outputs[:, 0], 0.0)
    assert np.abs(standard_outputs[:, 0]).max() > 1e-2
    # Its hidden state reads the previous cell state, h_t = o_t * tanh(c_{t-1}).
    trace = trace_gates(erratum.cell, sequences)
    np.testing.assert_allclose(trace["hidden"], erratum_outputs, atol=1e-6)
    np.testing.assert_allclose(
        trace["hidden"][:, 1:], trace["output"][:, 1:] * np.tanh(trace["cell"][:, :-1]), atol=1e-6
    )
    np.testing.assert_allclose(erratum_c, trace["cell"][:, -1], atol=1e-6)


def test_trace_gates_matches_the_rnn_and_respects_the_mask():
    sequences = _sequences(2, 5, 3)
    mask = np.array([[True, True, False, True, True], [True] * 5])
    rnn = keras.layers.RNN(LSTMCell(4), return_sequences=True, return_state=True, zero_output_for_mask=False)
    outputs, hidden, cell_state = rnn(sequences, mask=mask)
    trace = trace_gates(rnn.cell, sequences, mask=mask)
    np.testing.assert_allclose(trace["hidden"][:, -1], np.asarray(hidden), atol=1e-6)
    np.testing.assert_allclose(trace["cell"][:, -1], np.asarray(cell_state), atol=1e-6)
    for name in ("forget", "input", "output"):
        assert trace[name].shape == (2, 5, 4) and (trace[name] > 0).all() and (trace[name] < 1).all()


@pytest.mark.parametrize("form", ["literal", "hoisted"])
def test_keras_format_round_trip_keeps_config_and_outputs(form, tmp_path):
    if form == "hoisted":
        recurrent = LSTM(6, return_sequences=True, hidden_from="previous_cell", cell_options={"unit_forget_bias": False})
    else:
        recurrent = keras.layers.RNN(
            LSTMCell(6, implementation="literal", hidden_from="previous_cell", recurrent_activation="hard_sigmoid"),
            return_sequences=True,
        )
    inputs = keras.Input((None, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(recurrent(inputs)))
    sequences = _sequences(2, 5, 3)
    expected = np.asarray(model(sequences))
    path = str(tmp_path / "lstm.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(restored(sequences)), expected, atol=1e-6)
    restored_cell = restored.layers[1].cell
    assert isinstance(restored_cell, LSTMCell)
    assert restored_cell.hidden_from == "previous_cell"
    if form == "literal":
        assert restored_cell.implementation == "literal"
        assert restored_cell.get_config()["recurrent_activation"] == "hard_sigmoid"
    else:
        assert isinstance(restored.layers[1], LSTM)
        assert restored_cell.unit_forget_bias is False


def test_one_training_step_reduces_the_loss_on_a_toy_sequence_task():
    # Report, at every step, whether the running sum of the inputs so far is positive.
    rng = np.random.default_rng(3)
    sequences = rng.normal(size=(64, 10, 1)).astype("float32")
    targets = (np.cumsum(sequences, axis=1) > 0).astype("float32")
    keras.utils.set_random_seed(3)
    model = keras.Sequential(
        [keras.Input((10, 1)), keras.layers.RNN(LSTMCell(8), return_sequences=True), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    before = model.evaluate(sequences, targets, verbose=0)
    model.fit(sequences, targets, batch_size=64, epochs=1, verbose=0)
    after = model.evaluate(sequences, targets, verbose=0)
    assert after < before - 1e-3


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"units": 0}, "units"),
        ({"units": "8"}, "'8'"),
        ({"units": 2.5}, "2.5"),
        ({"units": 4, "implementation": "fast"}, "'fast'"),
        ({"units": 4, "hidden_from": "old_cell"}, "'old_cell'"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_value(kwargs, named):
    with pytest.raises(ValueError, match=named):
        LSTMCell(**kwargs)


def test_weight_copies_that_cannot_work_say_why():
    cell = LSTMCell(4)
    with pytest.raises(ValueError, match="no weights yet"):
        cell.get_fused_weights()
    cell.build((None, 3))
    with pytest.raises(ValueError, match=r"\(3, 16\)"):
        cell.set_fused_weights([np.zeros((5, 16)), np.zeros((4, 16)), np.zeros(16)])
    dense = keras.layers.Dense(4)
    dense.build((None, 3))
    with pytest.raises(ValueError, match="Dense"):
        copy_lstm_weights(dense, cell)
    with pytest.raises(ValueError, match="no weights yet"):
        copy_lstm_weights(cell, keras.layers.LSTM(4))
    with pytest.raises(ValueError, match="fused"):
        LSTM(4, cell_options={"implementation": "literal"})
    with pytest.raises(ValueError, match="sequences must have shape"):
        trace_gates(cell, np.zeros((2, 3)))


def test_benchmark_reports_ratios_to_keras_lstm():
    rows = benchmarks.benchmark_lstm(batch=2, steps=3, units=4, features=3, repeats=2, jit_modes=(False,))
    assert [row["variant"] for row in rows] == list(benchmarks.VARIANTS)
    assert rows[0]["ratio"] == 1.0
    assert all(row["ms_per_batch"] > 0 and row["ratio"] > 0 for row in rows)
    assert "LSTMCell literal" in benchmarks.format_rows(rows)
    with pytest.raises(ValueError, match="batch must be a positive integer, got 0"):
        benchmarks.benchmark_lstm(batch=0)
    with pytest.raises(ValueError, match="'cudnn'"):
        benchmarks.benchmark_lstm(variants=("cudnn",))
