"""A hand-written LSTM cell, from the equations of paper 000 to a Keras layer.

Paper 000 (an LSTM as the discriminator of a GAN) writes the LSTM as six
equations. In its names, for an input ``IG_t``, the previous short-term memory
``STM_{t-1}`` (the hidden state ``h_{t-1}``) and the previous long-term memory
``LTM_{t-1}`` (the cell state ``c_{t-1}``):

====================  ==========================================  ===============================
paper                 equation                                    standard notation
====================  ==========================================  ===============================
Eqn 1, ``fg_t``       sigmoid(wt_fg IG_t + Ut_fg STM_{t-1} + ofs)  forget gate ``f_t``
Eqn 2, ``ip_t``       sigmoid(wt_ip IG_t + Ut_ip STM_{t-1} + ofs)  input gate ``i_t``
Eqn 3, ``op_t``       sigmoid(wt_op IG_t + Ut_op STM_{t-1} + ofs)  output gate ``o_t``
Eqn 4, ``NCS_t``      tanh(wt_NCS IG_t + Ut_NCS STM_{t-1} + ofs)   candidate ``g_t`` (c-tilde)
Eqn 5, "``NCS_t``"    fg_t * LTM_{t-1} + ip_t * NCS_t              new cell state ``c_t`` (LTM_t)
Eqn 6, ``nhs_t``      op_t * tanh(LTM_{t-1})  [sic]                new hidden state ``h_t`` (STM_t)
====================  ==========================================  ===============================

Eqn 6 has an error: the standard LSTM (Hochreiter & Schmidhuber 1997; Gers et
al. 2000; Keras, PyTorch, cuDNN) reads the *new* cell state,
``h_t = o_t * tanh(c_t)``. The paper also gives two different things the same
name ``NCS_t`` (the candidate of Eqn 4 and the new cell state of Eqn 5). The
cell below computes the standard form by default and the paper's literal Eqn 6
with ``hidden_from="previous_cell"``, so that notebook 02 can show what goes
wrong: the hidden state then never sees the current input's contribution to
the memory (it lags one step behind it, and ``h_1`` is always zero).

- `LSTMCell`: the cell, following Keras's RNN cell protocol, so
  ``keras.layers.RNN(LSTMCell(units))`` runs it, masks it and saves it. Its
  weights use the same layout as ``keras.layers.LSTM`` (gate order i, f, c, o)
  in the default fused form (one matmul for the four gates); the literal form
  (``implementation="literal"``) keeps the paper's eight matrices.
- `LSTM`: ``keras.layers.RNN`` over an `LSTMCell` that computes the input
  projection ``x_t W + b`` for all time steps in one matmul before the
  recurrence (an optimisation to benchmark, not a guaranteed win).
- `copy_lstm_weights`: copies weights between ``keras.layers.LSTM``,
  ``keras.layers.LSTMCell`` and fused or literal `LSTMCell` s.
- `trace_gates`: the gate activations of a cell at every step of a sequence.

Example:

>>> cell = LSTMCell(8)
>>> rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
>>> outputs, hidden, cell_state = rnn(keras.random.normal((2, 5, 3)))
>>> tuple(outputs.shape), tuple(hidden.shape), tuple(cell_state.shape)
((2, 5, 8), (2, 8), (2, 8))
"""

from __future__ import annotations

import keras
import numpy as np
from keras import activations, initializers, ops

from lstmgan_tf.checks import check_positive_int

IMPLEMENTATIONS = ("fused", "literal")
HIDDEN_FROM = ("new_cell", "previous_cell")
# Keras's gate order inside the fused kernel, bias and recurrent kernel.
GATES = ("input", "forget", "candidate", "output")


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}.")


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class LSTMCell(keras.layers.Layer):
    """One step of an LSTM, written from the gate equations with `keras.ops`.

    For the input ``x_t`` and the previous states ``h_{t-1}`` (the paper's
    short-term memory ``STM_{t-1}``) and ``c_{t-1}`` (its long-term memory
    ``LTM_{t-1}``), one call computes (paper 000's equation numbers)::

        f_t = sigmoid(x_t W_f + h_{t-1} U_f + b_f)   # Eqn 1, forget gate fg_t
        i_t = sigmoid(x_t W_i + h_{t-1} U_i + b_i)   # Eqn 2, input gate ip_t
        o_t = sigmoid(x_t W_o + h_{t-1} U_o + b_o)   # Eqn 3, output gate op_t
        g_t = tanh(x_t W_c + h_{t-1} U_c + b_c)      # Eqn 4, candidate NCS_t
        c_t = f_t * c_{t-1} + i_t * g_t              # Eqn 5, new cell state LTM_t
        h_t = o_t * tanh(c_t)                        # Eqn 6 corrected, STM_t

    With ``hidden_from="previous_cell"`` the last line is the paper's literal
    Eqn 6, ``h_t = o_t * tanh(c_{t-1})``.

    The default fused form keeps Keras's layout: ``kernel`` is
    ``[W_i | W_f | W_c | W_o]`` of shape ``(features, 4 * units)``,
    ``recurrent_kernel`` is ``[U_i | U_f | U_c | U_o]`` of shape
    ``(units, 4 * units)`` and ``bias`` is ``[b_i | b_f | b_c | b_o]``, so the
    four gates take one matmul each for ``x`` and ``h`` and
    ``cell.set_weights(keras_lstm.get_weights())`` just works. The literal form
    holds the twelve pieces as separate weights (``kernel_input``,
    ``recurrent_kernel_forget``, ``bias_output``, ...) and does eight matmuls,
    as the paper writes them; it is slower and meant for reading.

    Args:
        units: positive integer, size of the hidden and cell states.
        activation: activation of the candidate and of the cell state in
            ``h_t`` (default ``"tanh"``).
        recurrent_activation: activation of the three gates (default
            ``"sigmoid"``).
        use_bias: whether the gates have biases (the paper's ``ofs``).
        kernel_initializer: initializer of the input weights ``W``.
        recurrent_initializer: initializer of the recurrent weights ``U``.
        bias_initializer: initializer of the biases.
        unit_forget_bias: if `True`, the forget gate's bias starts at 1 (on top
            of ``bias_initializer``), as in Keras (Jozefowicz et al. 2015).
        implementation: ``"fused"`` (one matmul for the four gates) or
            ``"literal"`` (eight, one per gate for ``x`` and ``h``).
        hidden_from: ``"new_cell"`` (the standard ``h_t = o_t * tanh(c_t)``)
            or ``"previous_cell"`` (the paper's Eqn 6 as printed,
            ``h_t = o_t * tanh(c_{t-1})``).
        **kwargs: base `keras.layers.Layer` arguments (``name``, ``dtype``).

    Call arguments:
        inputs: a tensor of shape ``(batch, features)``, one time step.
        states: a list ``[h_{t-1}, c_{t-1}]``, each ``(batch, units)``.
        training: unused (the cell has no dropout); part of the protocol.

    Returns:
        ``(h_t, [h_t, c_t])``: the output and the new states.

    Example:

    >>> rnn = keras.layers.RNN(LSTMCell(4))
    >>> tuple(rnn(keras.ops.ones((3, 7, 5))).shape)
    (3, 4)
    """

    def __init__(
        self,
        units: int,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias: bool = True,
        implementation: str = "fused",
        hidden_from: str = "new_cell",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        _check_choice("implementation", implementation, IMPLEMENTATIONS)
        _check_choice("hidden_from", hidden_from, HIDDEN_FROM)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.implementation = implementation
        self.hidden_from = hidden_from
        # The RNN cell protocol: two states of `units` values, h then c.
        self.state_size = [self.units, self.units]
        self.output_size = self.units
        self._reads_projected_inputs = False

    # ------------------------------------------------------------------ weights

    def _gate_bias_initializer(self, gate: str):
        if gate == "forget" and self.unit_forget_bias:
            base = self.bias_initializer

            def forget_bias(shape, dtype=None):
                return ops.add(base(shape, dtype=dtype), 1.0)

            return forget_bias
        return self.bias_initializer

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                f"LSTMCell needs inputs with a known last dimension (features), got shape {input_shape}."
            )
        self.input_dim = int(features)
        if self.implementation == "fused":
            self.kernel = self.add_weight(
                shape=(features, 4 * self.units), name="kernel", initializer=self.kernel_initializer
            )
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, 4 * self.units),
                name="recurrent_kernel",
                initializer=self._fused_recurrent_initializer,
            )
            self.bias = None
            if self.use_bias:
                self.bias = self.add_weight(
                    shape=(4 * self.units,), name="bias", initializer=self._fused_bias_initializer
                )
        else:
            # The paper's wt_ip, wt_fg, wt_NCS, wt_op, then Ut_..., then ofs_...,
            # created in Keras's gate order so get_weights() lists them in a
            # fixed, documented order.
            self.gate_kernels = {
                gate: self.add_weight(
                    shape=(features, self.units), name=f"kernel_{gate}", initializer=self.kernel_initializer
                )
                for gate in GATES
            }
            self.gate_recurrent_kernels = {
                gate: self.add_weight(
                    shape=(self.units, self.units),
                    name=f"recurrent_kernel_{gate}",
                    initializer=self.recurrent_initializer,
                )
                for gate in GATES
            }
            self.gate_biases = {}
            if self.use_bias:
                self.gate_biases = {
                    gate: self.add_weight(
                        shape=(self.units,), name=f"bias_{gate}", initializer=self._gate_bias_initializer(gate)
                    )
                    for gate in GATES
                }
        super().build(input_shape)

    def _fused_recurrent_initializer(self, shape, dtype=None):
        # Each gate's U is its own (orthogonal by default) square matrix, as in
        # the literal form, rather than one orthogonal (units, 4*units) block.
        return ops.concatenate(
            [self.recurrent_initializer((self.units, self.units), dtype=dtype) for _ in GATES], axis=1
        )

    def _fused_bias_initializer(self, shape, dtype=None):
        return ops.concatenate(
            [self._gate_bias_initializer(gate)((self.units,), dtype=dtype) for gate in GATES], axis=0
        )

    def get_fused_weights(self) -> list[np.ndarray]:
        """Returns ``[kernel, recurrent_kernel, bias]`` in Keras's fused layout.

        ``bias`` is left out when ``use_bias=False``. Works for both forms.
        """
        self._require_built("get_fused_weights")
        if self.implementation == "fused":
            return [np.asarray(w) for w in self.get_weights()]
        weights = [
            np.concatenate([np.asarray(self.gate_kernels[g]) for g in GATES], axis=1),
            np.concatenate([np.asarray(self.gate_recurrent_kernels[g]) for g in GATES], axis=1),
        ]
        if self.use_bias:
            weights.append(np.concatenate([np.asarray(self.gate_biases[g]) for g in GATES], axis=0))
        return weights

    def set_fused_weights(self, weights) -> None:
        """Sets the weights from ``[kernel, recurrent_kernel(, bias)]`` in Keras's layout.

        Raises:
            ValueError: if the number or the shapes of the arrays do not fit
                this cell.
        """
        self._require_built("set_fused_weights")
        weights = [np.asarray(w) for w in weights]
        expected = [(self.input_dim, 4 * self.units), (self.units, 4 * self.units)]
        if self.use_bias:
            expected.append((4 * self.units,))
        shapes = [w.shape for w in weights]
        if shapes != expected:
            raise ValueError(
                f"weights for {self.name} (units={self.units}, features={self.input_dim}, "
                f"use_bias={self.use_bias}) must have shapes {expected} "
                "(kernel, recurrent_kernel, bias in Keras's i, f, c, o layout), got "
                f"{shapes}."
            )
        if self.implementation == "fused":
            self.set_weights(weights)
            return
        for index, gate in enumerate(GATES):
            columns = slice(index * self.units, (index + 1) * self.units)
            self.gate_kernels[gate].assign(weights[0][:, columns])
            self.gate_recurrent_kernels[gate].assign(weights[1][:, columns])
            if self.use_bias:
                self.gate_biases[gate].assign(weights[2][columns])

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(
                f"{what}: cell {self.name!r} has no weights yet; call it (or the RNN around it) "
                "on an input first."
            )

    # ------------------------------------------------------------------ maths

    def _pre_activations(self, inputs, h_prev, projected_inputs=False):
        """The four gates' pre-activations ``x W + h U + b``, in Keras's order."""
        if self.implementation == "fused":
            # One matmul for x and one for h, then split into i, f, c, o.
            z = inputs if projected_inputs else ops.matmul(inputs, self.kernel)
            z = ops.add(z, ops.matmul(h_prev, self.recurrent_kernel))
            if self.use_bias and not projected_inputs:
                z = ops.add(z, self.bias)
            return ops.split(z, 4, axis=-1)
        pre_activations = []
        for gate in GATES:
            z = ops.add(
                ops.matmul(inputs, self.gate_kernels[gate]),
                ops.matmul(h_prev, self.gate_recurrent_kernels[gate]),
            )
            if self.use_bias:
                z = ops.add(z, self.gate_biases[gate])
            pre_activations.append(z)
        return pre_activations

    def gates(self, inputs, states, projected_inputs: bool = False) -> dict:
        """Computes one step and returns every intermediate value by name.

        Args:
            inputs: ``(batch, features)``; or, with ``projected_inputs=True``
                (fused form only), the input projection ``x_t W + b`` of shape
                ``(batch, 4 * units)``.
            states: ``[h_{t-1}, c_{t-1}]``.
            projected_inputs: whether ``inputs`` is already ``x_t W + b``.

        Returns:
            A dict with ``forget``, ``input``, ``output`` (the three gates),
            ``candidate`` (``g_t``), ``cell`` (``c_t``) and ``hidden``
            (``h_t``), each ``(batch, units)``.
        """
        h_prev, c_prev = states[0], states[1]
        z_input, z_forget, z_candidate, z_output = self._pre_activations(inputs, h_prev, projected_inputs)
        forget_gate = self.recurrent_activation(z_forget)  # Eqn 1, fg_t
        input_gate = self.recurrent_activation(z_input)  # Eqn 2, ip_t
        output_gate = self.recurrent_activation(z_output)  # Eqn 3, op_t
        candidate = self.activation(z_candidate)  # Eqn 4, the first NCS_t
        cell_state = forget_gate * c_prev + input_gate * candidate  # Eqn 5, LTM_t
        # Eqn 6. The paper prints tanh(LTM_{t-1}); the LSTM reads the new cell.
        memory_read = cell_state if self.hidden_from == "new_cell" else c_prev
        hidden_state = output_gate * self.activation(memory_read)
        return {
            "forget": forget_gate,
            "input": input_gate,
            "output": output_gate,
            "candidate": candidate,
            "cell": cell_state,
            "hidden": hidden_state,
        }

    def call(self, inputs, states, training=False):
        # `LSTM` (below) feeds its cell x_t W + b, computed before the loop.
        step = self.gates(inputs, states, projected_inputs=self._reads_projected_inputs)
        return step["hidden"], [step["hidden"], step["cell"]]

    def project_inputs(self, sequences):
        """Returns ``x_t W + b`` for every time step at once (fused form only).

        Args:
            sequences: ``(batch, steps, features)``.

        Returns:
            ``(batch, steps, 4 * units)``.
        """
        if self.implementation != "fused":
            raise ValueError(
                f"project_inputs needs implementation='fused', but cell {self.name!r} is "
                f"{self.implementation!r}."
            )
        projected = ops.matmul(sequences, self.kernel)
        if self.use_bias:
            projected = ops.add(projected, self.bias)
        return projected

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def get_config(self):
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "implementation": self.implementation,
            "hidden_from": self.hidden_from,
        }
        base_config = super().get_config()
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="lstmgan_tf")
class LSTM(keras.layers.RNN):
    """An LSTM layer on the hand-written cell, with the input projection hoisted.

    ``x_t W + b`` does not depend on the recurrence, so this layer computes it
    for all time steps in one large matmul before the loop; each step of the
    loop then does only ``h_{t-1} U``. The result is the same as
    ``keras.layers.RNN(LSTMCell(units))`` (and as ``keras.layers.LSTM`` with
    the same weights). Whether it is faster depends on the sizes: the loop
    then carries a ``(batch, steps, 4 * units)`` tensor instead of the inputs,
    and on the kit's CPU, with few features, it was not (see
    ``python -m lstmgan_tf benchmark lstm``). The cell must be fused.

    Args:
        units: positive integer, size of the hidden and cell states.
        return_sequences: return the hidden state of every step, not only the last.
        return_state: also return the final ``h`` and ``c``.
        go_backwards: read the sequence from the end.
        unroll: unroll the loop (short sequences only).
        hidden_from: see `LSTMCell`.
        cell_options: other `LSTMCell` arguments (initializers, ...) as a dict.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        sequences: ``(batch, steps, features)``.
        initial_state: optional ``[h_0, c_0]``.
        mask: optional boolean ``(batch, steps)``; masked steps keep the states.
        training: passed on to the cell.

    Example:

    >>> layer = LSTM(4, return_sequences=True)
    >>> tuple(layer(keras.ops.ones((2, 6, 3))).shape)
    (2, 6, 4)
    """

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        unroll: bool = False,
        hidden_from: str = "new_cell",
        cell_options: dict | None = None,
        **kwargs,
    ):
        kwargs.pop("cell", None)  # from_config passes the serialised cell back.
        cell_options = dict(cell_options or {})
        if cell_options.get("implementation", "fused") != "fused":
            raise ValueError(
                f"LSTM hoists the input projection and needs a fused cell; got "
                f"implementation={cell_options['implementation']!r} in cell_options."
            )
        cell = LSTMCell(units, hidden_from=hidden_from, name="lstm_cell", **cell_options)
        # The cell reads x_t W + b precomputed by this layer instead of x_t.
        cell._reads_projected_inputs = True
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            unroll=unroll,
            **kwargs,
        )
        self.units = int(units)
        self.hidden_from = hidden_from
        self.cell_options = cell_options

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) != 3 or sequences_shape[-1] is None:
            raise ValueError(
                f"LSTM expects inputs of shape (batch, steps, features) with known features, "
                f"got {sequences_shape}."
            )
        self.cell.build(tuple(sequences_shape[:1]) + tuple(sequences_shape[2:]))
        self.built = True

    def inner_loop(self, sequences, initial_state, mask, training=False):
        projected = self.cell.project_inputs(sequences)
        return super().inner_loop(projected, initial_state, mask, training=training)

    def get_config(self):
        config = super().get_config()
        config.pop("cell", None)
        config.update(
            {"units": self.units, "hidden_from": self.hidden_from, "cell_options": self.cell_options}
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _as_cell(layer, role: str):
    """The cell inside ``layer`` (an LSTM layer, an RNN or a cell)."""
    cell = getattr(layer, "cell", layer)
    if isinstance(cell, keras.layers.StackedRNNCells):
        raise ValueError(f"{role} {layer.name!r} holds a stack of cells; copy each cell separately.")
    if not isinstance(cell, (LSTMCell, keras.layers.LSTMCell)):
        raise ValueError(
            f"{role} {getattr(layer, 'name', layer)!r} is a {type(layer).__name__}; expected "
            "keras.layers.LSTM, keras.layers.LSTMCell, lstmgan_tf.layers.LSTMCell or an RNN around one."
        )
    if not cell.built:
        raise ValueError(
            f"{role} {getattr(layer, 'name', layer)!r} has no weights yet; call it on an input first."
        )
    return cell


def copy_lstm_weights(source, target) -> None:
    """Copies LSTM weights from ``source`` to ``target``, converting the layout.

    Either side may be ``keras.layers.LSTM``, ``keras.layers.LSTMCell``, an
    `LSTMCell` (fused or literal), or a ``keras.layers.RNN`` / `LSTM` around
    one. Both must be built, with the same ``units``, input features and
    ``use_bias``.

    Args:
        source: the layer to read.
        target: the layer to write.

    Raises:
        ValueError: if either side is not an LSTM, is not built, or the
            shapes differ.

    Example:

    >>> reference = keras.layers.LSTM(4)
    >>> mine = keras.layers.RNN(LSTMCell(4, implementation="literal"))
    >>> x = keras.random.normal((2, 3, 5))
    >>> _ = reference(x), mine(x)
    >>> copy_lstm_weights(reference, mine)
    """
    source_cell = _as_cell(source, "source")
    target_cell = _as_cell(target, "target")
    if isinstance(source_cell, LSTMCell):
        weights = source_cell.get_fused_weights()
    else:
        weights = [np.asarray(w) for w in source_cell.get_weights()]
    if isinstance(target_cell, LSTMCell):
        target_cell.set_fused_weights(weights)
        return
    expected = [tuple(w.shape) for w in target_cell.weights]
    shapes = [tuple(w.shape) for w in weights]
    if shapes != expected:
        raise ValueError(
            f"cannot copy weights of shapes {shapes} from {source.name!r} into "
            f"{target.name!r}, which needs {expected}."
        )
    target_cell.set_weights(weights)


def trace_gates(cell: LSTMCell, sequences, mask=None) -> dict[str, np.ndarray]:
    """Runs a cell over sequences step by step and records every gate.

    Args:
        cell: an `LSTMCell` (built, or built here on the first step).
        sequences: ``(batch, steps, features)``.
        mask: optional ``(batch, steps)`` booleans; where it is `False` the
            states are carried over unchanged, as ``keras.layers.RNN`` does.

    Returns:
        A dict (``forget``, ``input``, ``output``, ``candidate``, ``cell``,
        ``hidden``) of NumPy arrays ``(batch, steps, units)``.

    Raises:
        ValueError: if ``sequences`` is not 3-D or ``mask`` does not match it.
    """
    if not isinstance(cell, LSTMCell):
        raise ValueError(f"trace_gates needs an lstmgan_tf.layers.LSTMCell, got {type(cell).__name__}.")
    sequences = ops.convert_to_tensor(sequences, dtype=cell.compute_dtype)
    if len(sequences.shape) != 3:
        raise ValueError(f"sequences must have shape (batch, steps, features), got {tuple(sequences.shape)}.")
    batch, steps = sequences.shape[0], sequences.shape[1]
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (batch, steps):
            raise ValueError(f"mask must have shape {(batch, steps)}, got {mask.shape}.")
    if not cell.built:
        cell.build((batch, sequences.shape[2]))
    states = cell.get_initial_state(batch)
    trace = {name: [] for name in ("forget", "input", "output", "candidate", "cell", "hidden")}
    for t in range(steps):
        step = cell.gates(sequences[:, t], states)
        new_states = [step["hidden"], step["cell"]]
        if mask is not None:
            keep = ops.convert_to_tensor(mask[:, t : t + 1])
            new_states = [ops.where(keep, new, old) for new, old in zip(new_states, states)]
        states = new_states
        for name in trace:
            trace[name].append(ops.convert_to_numpy(step[name]))
    return {name: np.stack(values, axis=1) for name, values in trace.items()}
