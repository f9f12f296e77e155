"""The kit's training steps compute what the reference step computes.

Each test builds models with the same weights and seed, one with
``step_implementation="reference"`` (the LSTM run for D's images and again
for G's, Keras's synchronised batch-norm moments), one ``"parallel"`` (the
default) and one ``"stacked"`` (one D call per update), runs one training step on the same batch and compares
the losses, every weight and every batch-norm statistic afterwards. The
optimizers are plain SGD, so a weight's change is its gradient times the
learning rate: equal weights mean equal gradients (Adam's first step is
nearly sign(gradient) and would hide a wrong one).

Keras's synchronised moments (E[x^2] - E[x]^2) and the local ones (the mean
of squared deviations) differ by float rounding, which a step can amplify
(with noise in G's input, by 0.3% on G's largest gradient in one case here):
the classroom recipe is compared with today's moments, every recipe with
both steps on the local moments, and the two moment formulas on their own.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import config
from lstmgan_tf.layers import batch_norm
from lstmgan_tf.layers.batch_norm import PartwiseBatchNormalization, keras_moments, moments_per_part
from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
from lstmgan_tf.models.text_inputs import CAPTION_COUNT, SWAP_COUNT, SWAPPED_SENTENCE_VECTOR
from lstmgan_tf.text.grounded import build_image_encoder

VOCABULARY, SENTENCE_DIM, BATCH = 40, 16, 6
SMOKE = config.get_profile("smoke")


def make_batch(captions_per_image=1, swaps=0, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 8, (BATCH, captions_per_image))
    tokens = np.zeros((BATCH, captions_per_image, 8), np.int32)
    for row, col in np.ndindex(lengths.shape):
        tokens[row, col, : lengths[row, col]] = rng.integers(2, VOCABULARY, lengths[row, col])
    batch = {
        "caption_tokens": tokens,
        "sentence_vector": rng.normal(size=(BATCH, captions_per_image, SENTENCE_DIM)).astype(np.float32),
        "caption_count": np.full(BATCH, captions_per_image, np.int32),
        "image": rng.uniform(-1, 1, (BATCH, 32, 32, 3)).astype(np.float32),
        # Two rows show the same picture: the mismatch draw must skip it.
        "image_index": np.array([0, 1, 2, 2, 4, 5], np.int64),
    }
    if captions_per_image == 1:
        batch = {key: value[:, 0] if key in ("caption_tokens", "sentence_vector") else value
                 for key, value in batch.items() if key != CAPTION_COUNT}
    if swaps:
        batch[SWAPPED_SENTENCE_VECTOR] = rng.normal(
            size=(BATCH, captions_per_image, swaps, SENTENCE_DIM)).astype(np.float32)
        batch[SWAP_COUNT] = np.full((BATCH, captions_per_image), swaps, np.int32)
    return batch


def lstm_cgan(step_implementation, recipe="fast", **overrides):
    profile = SMOKE.replace(text_gan_recipe=recipe)
    model_config = LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile=profile, **overrides)
    encoder = None
    if model_config.matching_loss_weight:
        keras.utils.set_random_seed(1)
        encoder = build_image_encoder(32, SENTENCE_DIM, model_config.matching_encoder_width)
    keras.utils.set_random_seed(0)
    return LSTMCGAN(model_config, seed=3, matching_encoder=encoder, step_implementation=step_implementation)


def gan_cls(step_implementation, **overrides):
    keras.utils.set_random_seed(0)
    model_config = GANCLSConfig.from_profile(SENTENCE_DIM, profile=SMOKE, **overrides)
    return GANCLS(model_config, seed=3, step_implementation=step_implementation)


LEARNING_RATE = 0.01


def one_step(model, batch):
    """The step's logs, and each weight's change (SGD: minus the learning rate times its gradients)."""
    before = {w.path: w.numpy() for w in model.weights}
    model.compile(d_optimizer=keras.optimizers.SGD(LEARNING_RATE), g_optimizer=keras.optimizers.SGD(LEARNING_RATE))
    logs = tf.function(model.train_step)(batch)
    return {key: float(value) for key, value in logs.items()}, {w.path: w.numpy() - before[w.path]
                                                                 for w in model.weights}


@pytest.fixture
def local_moments(monkeypatch):
    """The reference step with the faster steps' batch-norm moments: the other rewrites alone."""
    monkeypatch.setattr(batch_norm, "keras_moments_active", lambda: False)


def assert_same_step(build, batch):
    reference_logs, reference_changes = one_step(build("reference"), batch)
    for step_implementation in ("parallel", "stacked"):
        assert_same_results(*one_step(build(step_implementation), batch), reference_logs, reference_changes)


def assert_same_results(logs, changes, reference_logs, reference_changes):
    for key, value in reference_logs.items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-4, atol=1e-5, err_msg=key)
    assert changes.keys() == reference_changes.keys()
    moved = 0
    for path, expected in reference_changes.items():
        # Float rounding differs between the steps (summation order): within
        # 0.1% of the variable's largest change.
        np.testing.assert_allclose(changes[path], expected, rtol=1e-3, atol=1e-3 * np.abs(expected).max() + 1e-9,
                                   err_msg=path)
        moved += path.endswith(("moving_mean", "moving_variance")) and np.abs(expected).max() > 0
    assert moved, "the step updated no batch-norm statistics"


def test_classroom_step_equals_todays_step():
    assert_same_step(lambda step: lstm_cgan(step), make_batch(captions_per_image=2))


@pytest.mark.usefixtures("local_moments")
@pytest.mark.parametrize("recipe, overrides", [
    ("fast", {}),  # classroom: projection D, sampled words, turned images, matching term, conditional BN
    ("paper", {}),  # Algorithm 1: concat D, every word, G's images made once per step
    ("fast", {"generator_steps": 2, "noise_dim": 4}),  # the authors' schedule: the LSTM moves between G updates
    ("fast", {"contrastive_loss_weight": 1.0, "swapped_caption_weight": 0.5, "augment_translation": 0.125,
              "generator_ema": 0.9}),
])
def test_lstm_cgan_step_equals_the_reference_step(recipe, overrides):
    swaps = 3 if overrides.get("swapped_caption_weight") else 0
    batch = make_batch(captions_per_image=2, swaps=swaps)
    assert_same_step(lambda step: lstm_cgan(step, recipe, **overrides), batch)


def test_gan_cls_step_equals_the_reference_step():
    assert_same_step(gan_cls, make_batch())


def test_local_moments_equal_kerass_synchronised_moments():
    activations = tf.nn.leaky_relu(tf.random.stateless_normal((96, 8, 8, 16), seed=[1, 2]) + 0.5, 0.2)
    layer = PartwiseBatchNormalization(synchronized=True)
    layer.build(activations.shape)

    @tf.function  # In a tf.function Keras takes its all-reduce path, even on one device.
    def moments(use_keras):
        if use_keras:
            with keras_moments():
                return layer._moments(activations, None)
        return layer._moments(activations, None)

    for local, synchronised in zip(moments(False), moments(True)):
        np.testing.assert_allclose(local.numpy(), synchronised.numpy(), rtol=1e-5, atol=1e-6)
    # Two different computations: Keras's sums squares, the local one squares deviations.
    op_types = {use_keras: {op.type for op in moments.get_concrete_function(use_keras).graph.get_operations()}
                for use_keras in (False, True)}
    assert "SquaredDifference" in op_types[False] and "SquaredDifference" not in op_types[True]


def test_reference_and_stacked_models_start_the_same_and_the_choice_is_checked():
    np.testing.assert_array_equal(lstm_cgan("reference").get_weights()[0], lstm_cgan("stacked").get_weights()[0])
    with pytest.raises(ValueError, match="step_implementation='quick'.*parallel"):
        lstm_cgan("quick")


def test_moments_per_part_normalise_each_part_and_update_the_statistics_once_per_part():
    rng = np.random.default_rng(0)
    parts = [rng.normal(size=(3, 4, 4, 5)), rng.normal(2.0, 3.0, (5, 4, 4, 5)), rng.normal(-1.0, 0.5, (2, 4, 4, 5))]
    parts = [tf.constant(part, tf.float32) for part in parts]
    one_by_one = PartwiseBatchNormalization(momentum=0.8, epsilon=1e-5)
    stacked = PartwiseBatchNormalization(momentum=0.8, epsilon=1e-5)
    gamma, beta = rng.normal(1.0, 0.3, 5), rng.normal(0.0, 0.3, 5)
    for layer in (one_by_one, stacked):
        layer.build((None, 4, 4, 5))
        layer.gamma.assign(gamma)
        layer.beta.assign(beta)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(parts)
        separately = tf.concat([one_by_one(part, training=True) for part in parts], 0)
        with moments_per_part([3, 5, 2]):
            together = stacked(tf.concat(parts, 0), training=True)
        weights = tf.constant(rng.normal(size=together.shape), tf.float32)
        loss_separately, loss_together = (tf.reduce_sum(weights * out) for out in (separately, together))
    np.testing.assert_allclose(together.numpy(), separately.numpy(), atol=1e-5)
    for expected, actual in zip(tape.gradient(loss_separately, [*parts, one_by_one.gamma, one_by_one.beta]),
                                tape.gradient(loss_together, [*parts, stacked.gamma, stacked.beta])):
        np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
    for name in ("moving_mean", "moving_variance"):
        np.testing.assert_allclose(getattr(stacked, name).numpy(), getattr(one_by_one, name).numpy(), rtol=1e-5)
    # A plain stacked call would mix the parts' moments: the test can tell.
    assert not np.allclose(PartwiseBatchNormalization(epsilon=1e-5)(tf.concat(parts, 0), training=True).numpy(),
                           separately.numpy(), atol=1e-2)
