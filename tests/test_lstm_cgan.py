"""The LSTM-CGAN: the vectorised per-word loss, padding, mismatched images, training."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf.cgan_benchmark import word_loop_model
from lstmgan_tf.models.lstm_cgan import (
    LSTMCGAN,
    LSTMCGANConfig,
    choose_mismatched,
    word_loss_mask,
    word_pairs,
)

VOCABULARY, SENTENCE_DIM = 30, 16


def make_config(**overrides):
    return LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile="smoke", **overrides)


def make_batch(lengths, padded_length, seed=0, image_index=None):
    rng = np.random.default_rng(seed)
    tokens = np.zeros((len(lengths), padded_length), np.int32)
    for row, length in enumerate(lengths):
        tokens[row, :length] = rng.integers(2, VOCABULARY, length)
    return {
        "caption_tokens": tokens,
        "sentence_vector": rng.normal(size=(len(lengths), SENTENCE_DIM)).astype(np.float32),
        "image": rng.uniform(-1, 1, (len(lengths), 32, 32, 3)).astype(np.float32),
        "image_index": np.arange(len(lengths)) if image_index is None else np.asarray(image_index),
    }


def losses(model, batch, mismatched_position):
    """D and G losses in inference mode (batch norm is then per example)."""
    tokens = tf.constant(batch["caption_tokens"])
    vectors = tf.constant(batch["sentence_vector"])
    real = tf.constant(batch["image"])
    fakes = model.fake_pairs(tokens, vectors, training=False)
    batch_size = len(batch["image"])
    d_loss, _ = model.discriminator_loss(
        real, tf.gather(real, mismatched_position), tf.ones(batch_size, tf.bool), vectors, *fakes,
        batch_size, training=False,
    )
    g_loss, _ = model.generator_loss(vectors, *fakes, batch_size, training=False)
    return float(d_loss), float(g_loss)


def compiled(model):
    # Eager steps: tracing the two-tape train step costs more than a few small steps.
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), run_eagerly=True)
    return model


def test_word_loss_mask_every_word_and_last_word():
    tokens = tf.constant([[4, 5, 6, 0], [7, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(
        word_loss_mask(tokens, "every_word").numpy(),
        [[1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
    )
    np.testing.assert_array_equal(
        word_loss_mask(tokens, "last_word").numpy(),
        [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
    )
    positions, pair_caption, pair_weight = word_pairs(word_loss_mask(tokens))
    np.testing.assert_array_equal(positions.numpy(), [[0, 0], [0, 1], [0, 2], [1, 0]])
    np.testing.assert_array_equal(pair_caption.numpy(), [0, 0, 0, 1])
    np.testing.assert_allclose(pair_weight.numpy(), [1 / 3, 1 / 3, 1 / 3, 1.0])
    with pytest.raises(ValueError, match="loss_at='first_word'"):
        word_loss_mask(tokens, "first_word")


def test_generator_loss_equals_single_word_losses_one_word_at_a_time():
    keras.utils.set_random_seed(1)
    model = LSTMCGAN(make_config(), seed=0)
    batch = make_batch([5, 2, 3], padded_length=7)
    _, g_loss = losses(model, batch, mismatched_position=[1, 2, 0])

    # The reference: every caption read one word prefix at a time, each prefix's
    # image generated and judged on its own, averaged over the caption's words.
    total = 0.0
    for row, tokens in enumerate(batch["caption_tokens"]):
        length = int((tokens != 0).sum())
        for t in range(length):
            hidden = model.hidden_states(tokens[None, : t + 1])[:, -1]
            image = model.generator(hidden, training=False)
            sentence_vector = tf.constant(batch["sentence_vector"][row : row + 1])
            logit = model.discriminator([image, sentence_vector], training=False)
            total += float(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(logit), logit)[0, 0]) / length
    np.testing.assert_allclose(g_loss, total / 3, rtol=1e-4)


@pytest.mark.parametrize("loss_at", ["every_word", "last_word"])
def test_vectorised_losses_equal_the_word_loop(loss_at):
    keras.utils.set_random_seed(2)
    config = make_config(loss_at=loss_at)
    model = LSTMCGAN(config, seed=0)
    looped = word_loop_model(config, seed=0)
    looped.set_weights(model.get_weights())
    batch = make_batch([6, 1, 4, 3], padded_length=6)
    mismatched = [2, 0, 3, 1]
    np.testing.assert_allclose(losses(model, batch, mismatched), losses(looped, batch, mismatched), rtol=1e-4)


def test_padded_words_change_nothing():
    keras.utils.set_random_seed(3)
    model = LSTMCGAN(make_config(), seed=0)
    short = make_batch([4, 2, 3], padded_length=5)
    long = dict(short, caption_tokens=np.pad(short["caption_tokens"], ((0, 0), (0, 9))))
    np.testing.assert_allclose(losses(model, short, [1, 2, 0]), losses(model, long, [1, 2, 0]), rtol=1e-5)
    short_images, short_mask = model.generate_word_images(short["caption_tokens"])
    long_images, long_mask = model.generate_word_images(long["caption_tokens"])
    np.testing.assert_array_equal(long_mask.numpy()[:, :5], short_mask.numpy())
    assert not long_mask.numpy()[:, 5:].any()
    np.testing.assert_allclose(long_images.numpy()[:, :5], short_images.numpy(), atol=1e-5)
    # Only real words are generated: padded positions stay zero.
    assert np.all(long_images.numpy()[:, 5:] == 0)


def test_mismatched_images_never_show_the_captions_own_picture():
    # Two captions of the same picture share a batch: positions 0-1, 2-3, ...
    image_index = tf.constant([7, 7, 3, 3, 3, 9, 1, 1], tf.int64)
    seed = keras.random.SeedGenerator(0)
    chosen_pictures = set()
    for _ in range(50):
        position, valid = choose_mismatched(image_index, seed)
        position = position.numpy()
        assert valid.numpy().all()
        assert np.all(image_index.numpy()[position] != image_index.numpy())
        chosen_pictures.add(int(image_index.numpy()[position[0]]))
    # The draw spreads over every other picture, not one fixed neighbour.
    assert chosen_pictures == {3, 9, 1}
    _, valid = choose_mismatched(tf.constant([4, 4, 4]), seed)
    assert not valid.numpy().any()


def test_a_few_steps_move_the_losses_and_train_lstm_with_generator():
    keras.utils.set_random_seed(4)
    matrix = np.random.default_rng(0).normal(size=(VOCABULARY, 16)).astype(np.float32)
    model = compiled(LSTMCGAN(make_config(word_vector_dim=16), embedding_matrix=matrix, seed=0))
    batch = make_batch([5, 3, 4, 2, 6, 1, 3, 4], padded_length=8, image_index=[0, 0, 1, 1, 2, 2, 3, 3])
    lstm_before = [w.numpy().copy() for w in model.caption_lstm.weights]
    d_before = [w.numpy().copy() for w in model.discriminator.trainable_weights]
    logs = [model.train_on_batch(batch, return_dict=True) for _ in range(3)]
    for key in ("d_loss", "g_loss", "d_mismatched_accuracy"):
        assert all(np.isfinite(log[key]) for log in logs), key
    assert logs[0]["d_loss"] != logs[-1]["d_loss"] and logs[0]["g_loss"] != logs[-1]["g_loss"]
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(lstm_before, model.caption_lstm.weights))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(d_before, model.discriminator.trainable_weights))
    # Frozen word2vec vectors stay as given.
    np.testing.assert_array_equal(model.word_embedding.embeddings.numpy(), matrix)


@pytest.mark.parametrize("steps", [(2, 1), (1, 2)])
def test_both_update_schedules_train(steps):
    discriminator_steps, generator_steps = steps
    keras.utils.set_random_seed(5)
    model = compiled(LSTMCGAN(make_config(discriminator_steps=discriminator_steps,
                                          generator_steps=generator_steps, noise_dim=4), seed=0))
    log = model.train_on_batch(make_batch([3, 2, 4, 1], padded_length=5), return_dict=True)
    assert np.isfinite(log["d_loss"]) and np.isfinite(log["g_loss"])
    images, mask = model.generate_word_images(np.array([[3, 4, 5, 0]]), seed=1)
    assert images.shape == (1, 4, 32, 32, 3) and int(mask.numpy().sum()) == 3


def test_one_caption_is_drawn_per_picture_among_its_real_captions():
    model = LSTMCGAN(make_config(), seed=0)
    tokens = np.zeros((2, 3, 4), np.int32)
    tokens[0, :2] = [[2, 3, 0, 0], [4, 5, 6, 0]]
    tokens[1, :1] = [[7, 8, 9, 10]]
    vectors = np.arange(2 * 3 * SENTENCE_DIM, dtype=np.float32).reshape(2, 3, SENTENCE_DIM)
    batch = {"caption_tokens": tf.constant(tokens), "sentence_vector": tf.constant(vectors),
             "caption_count": tf.constant([2, 1])}
    seen = set()
    for _ in range(30):
        chosen_tokens, chosen_vectors = model.select_captions(batch)
        first = tuple(chosen_tokens.numpy()[0])
        assert first in {(2, 3, 0, 0), (4, 5, 6, 0)}
        assert tuple(chosen_tokens.numpy()[1]) == (7, 8, 9, 10)
        row = 0 if first == (2, 3, 0, 0) else 1
        np.testing.assert_array_equal(chosen_vectors.numpy()[0], vectors[0, row])
        seen.add(first)
    assert len(seen) == 2


def test_bad_settings_raise_errors_naming_them():
    with pytest.raises(ValueError, match="loss_at='every_other_word'"):
        make_config(loss_at="every_other_word")
    with pytest.raises(ValueError, match="noise_dim"):
        make_config(noise_dim=-1)
    with pytest.raises(ValueError, match="unknown LSTMCGANConfig setting"):
        make_config(hidden_size=3)
    with pytest.raises(ValueError, match=r"embedding_matrix has shape \(5, 16\)"):
        LSTMCGAN(make_config(), embedding_matrix=np.zeros((5, 16), np.float32))
    with pytest.raises(ValueError, match="caption_tokens must have shape"):
        LSTMCGAN(make_config()).generate_word_images(np.array([1, 2, 3]))


def test_config_round_trip_rebuilds_the_same_model():
    model = LSTMCGAN(make_config(loss_at="last_word"), seed=3)
    clone = LSTMCGAN.from_config(model.get_config())
    assert clone.config == model.config and clone.name == "last_word"
    clone.set_weights(model.get_weights())
    tokens = np.array([[4, 5, 6, 0]])
    np.testing.assert_allclose(clone(tokens).numpy(), model(tokens).numpy(), atol=1e-6)
