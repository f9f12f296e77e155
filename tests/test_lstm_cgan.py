"""The LSTM-CGAN: the vectorised per-word loss, padding, mismatched images, training."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstmgan_tf import config
from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
from lstmgan_tf.models.text_to_image import choose_mismatched, word_loss_mask, word_pairs
from lstmgan_tf.models.word_loop import WordLoopLSTMCGAN

VOCABULARY, SENTENCE_DIM = 30, 16
# The paper's recipe at smoke sizes: the tests of Algorithm 1's maths.
PAPER_AT_SMOKE = config.get_profile("smoke").replace(text_gan_recipe="paper")


def make_config(**overrides):
    return LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile=PAPER_AT_SMOKE, **overrides)


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
    looped = WordLoopLSTMCGAN(config, seed=0)
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


def test_hard_mismatches_prefer_pictures_whose_captions_read_alike():
    image_index = tf.constant([0, 1, 2, 3], tf.int64)
    # Captions 0 and 1 read alike, as do 2 and 3.
    sentence_vector = tf.constant([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    seed = keras.random.SeedGenerator(0)
    sharp = np.stack([choose_mismatched(image_index, seed, sentence_vector, 0.01)[0].numpy() for _ in range(30)])
    np.testing.assert_array_equal(sharp, np.tile([1, 0, 3, 2], (30, 1)))
    # A high temperature is the uniform draw again: every other picture comes up.
    flat = np.stack([choose_mismatched(image_index, seed, sentence_vector, 100.0)[0].numpy() for _ in range(60)])
    assert np.all(flat != np.arange(4))
    assert set(flat[:, 0]) == {1, 2, 3}
    with pytest.raises(ValueError, match="mismatch_temperature=-1"):
        make_config(mismatch_temperature=-1)


def test_without_a_matrix_the_unknown_word_still_starts_at_zeros():
    # Keras's random start for the other rows; [UNK] follows `embedding_matrix`'s rule.
    embeddings = LSTMCGAN(make_config(), seed=0).word_embedding.embeddings.numpy()
    np.testing.assert_array_equal(embeddings[1], 0.0)
    assert np.all(np.abs(embeddings[2:]).sum(axis=1) > 0)


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


def test_one_generator_pass_per_step_updates_like_algorithm_1():
    """The step reuses G's images for G's update; Algorithm 1 makes them again: the same weights follow."""
    keras.utils.set_random_seed(6)
    batch = make_batch([5, 3, 4, 2], padded_length=6)
    reused = compiled(LSTMCGAN(make_config(), seed=0))
    again = compiled(LSTMCGAN(make_config(), seed=0))
    again.set_weights(reused.get_weights())
    calls = []
    original_fake_pairs = reused.fake_pairs
    reused.fake_pairs = lambda *args, **kwargs: calls.append(1) or original_fake_pairs(*args, **kwargs)
    reused.train_on_batch(batch)
    assert len(calls) == 1  # D twice and G once, one pass of G.

    tokens, vectors, real = (tf.constant(batch[key]) for key in ("caption_tokens", "sentence_vector", "image"))
    for _ in range(2):  # Algorithm 1, lines 2-5, written out.
        fakes = again.fake_pairs(tokens, vectors, training=True)
        mismatched, valid = choose_mismatched(tf.constant(batch["image_index"]), again.seed_generator)
        with tf.GradientTape() as tape:
            d_loss, _ = again.discriminator_loss(real, tf.gather(real, mismatched), valid, vectors, *fakes, 4,
                                                 training=True)
        again.minimize(d_loss, tape, again.discriminator.trainable_variables, again.d_optimizer)
    with tf.GradientTape() as tape:  # Lines 6-8: G makes its images again.
        g_loss, _ = again.generator_loss(vectors, *again.fake_pairs(tokens, vectors, training=True), 4,
                                         training=True)
    again.minimize(g_loss, tape, again.generator_variables, again.g_optimizer)
    for expected, actual in zip(again.trainable_weights, reused.trainable_weights):
        np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6, err_msg=actual.path)


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
        chosen_tokens, chosen_vectors, swapped = model.select_captions(batch)
        assert swapped is None
        first = tuple(chosen_tokens.numpy()[0])
        assert first in {(2, 3, 0, 0), (4, 5, 6, 0)}
        assert tuple(chosen_tokens.numpy()[1]) == (7, 8, 9, 10)
        row = 0 if first == (2, 3, 0, 0) else 1
        np.testing.assert_array_equal(chosen_vectors.numpy()[0], vectors[0, row])
        seen.add(first)
    assert len(seen) == 2


def test_swapped_captions_are_drawn_for_the_chosen_caption_and_scored_as_mismatches():
    import dataclasses

    keras.utils.set_random_seed(9)
    model = LSTMCGAN(make_config(swapped_caption_weight=0.5), seed=0)
    tokens = np.zeros((2, 2, 4), np.int32)
    tokens[0] = [[2, 3, 0, 0], [4, 5, 6, 0]]
    tokens[1, 0] = [7, 8, 9, 10]
    vectors = np.arange(2 * 2 * SENTENCE_DIM, dtype=np.float32).reshape(2, 2, SENTENCE_DIM)
    # Swapped vector k of caption (i, c) is 100 * (c + 1) + k + the caption's vector, so it says whose it is.
    swapped = vectors[:, :, None, :] + 100.0 * (np.arange(2)[None, :, None, None] + 1) + np.arange(3)[None, None, :, None]
    batch = {"caption_tokens": tf.constant(tokens), "sentence_vector": tf.constant(vectors),
             "caption_count": tf.constant([2, 1]), "swapped_sentence_vector": tf.constant(swapped, tf.float32),
             "swap_count": tf.constant([[3, 2], [0, 0]])}
    drawn = set()
    for _ in range(40):
        _, chosen_vectors, (swapped_vector, swap_valid) = model.select_captions(batch)
        caption = int(round(chosen_vectors.numpy()[0, 0])) // SENTENCE_DIM
        offset = swapped_vector.numpy()[0] - chosen_vectors.numpy()[0]
        swap = int(round(offset[0] - 100.0 * (caption + 1)))
        np.testing.assert_allclose(offset, offset[0])
        assert swap < (3, 2)[caption]
        drawn.add((caption, swap))
        np.testing.assert_array_equal(swap_valid.numpy(), [True, False])
    assert drawn == {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)}
    with pytest.raises(ValueError, match="swapped_caption_weight=0.5 needs training examples"):
        model.select_captions({key: batch[key] for key in ("caption_tokens", "sentence_vector", "caption_count")})

    # D's loss gains weight * (real image, swapped caption) -> fake, only where a swap exists.
    flat = make_batch([5, 3, 4], padded_length=6)
    tokens, vectors, real = (tf.constant(flat[key]) for key in ("caption_tokens", "sentence_vector", "image"))
    fakes = model.fake_pairs(tokens, vectors, training=False)
    swapped_vector, swap_valid = -vectors, tf.constant([True, False, True])

    def d_loss(swapped=None):
        loss, _ = model.discriminator_loss(real, tf.reverse(real, [0]), tf.ones(3, tf.bool), vectors, *fakes, 3,
                                           swapped=swapped)
        return float(loss)

    swapped_logits = model.discriminator_logits(real, swapped_vector)
    terms = keras.ops.softplus(swapped_logits).numpy()  # Cross-entropy with target 0.
    expected = 0.5 * (terms[0] + terms[2]) / 3
    np.testing.assert_allclose(d_loss((swapped_vector, swap_valid)) - d_loss(), expected, rtol=1e-4)
    object.__setattr__(model, "config", dataclasses.replace(model.config, swapped_caption_weight=0.0))
    assert model.select_captions(batch)[2] is None
    with pytest.raises(ValueError, match="swapped_caption_weight=-1"):
        make_config(swapped_caption_weight=-1.0)


def test_bad_settings_raise_errors_naming_them():
    with pytest.raises(ValueError, match="loss_at='every_other_word'"):
        make_config(loss_at="every_other_word")
    with pytest.raises(ValueError, match="noise_dim"):
        make_config(noise_dim=-1)
    with pytest.raises(ValueError, match="augment_translation=0.5"):
        make_config(augment_translation=0.5)
    for bad in (1.5, True, "half"):
        with pytest.raises(ValueError, match="augment_dihedral="):
            make_config(augment_dihedral=bad)
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


# --------------------------------------------------------------------------
# The classroom ("fast") recipe: sampled word positions, hinge, projection D,
# spectral norm, the matching term.
# --------------------------------------------------------------------------

from lstmgan_tf.models.losses import adversarial_terms  # noqa: E402
from lstmgan_tf.models.text_to_image import (  # noqa: E402
    TEXT_GAN_RECIPES,
    contrastive_terms,
    matching_terms,
    sample_word_positions,
)


def test_sampled_word_positions_are_an_unbiased_subset():
    mask = tf.constant(np.array([[1, 1, 1, 1, 1, 0], [1, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], bool))
    seed = keras.random.SeedGenerator(0)
    counts = np.zeros(mask.shape)
    draws = 600
    for _ in range(draws):
        kept = sample_word_positions(mask, 2, seed).numpy()
        assert not (kept & ~mask.numpy()).any()
        np.testing.assert_array_equal(kept.sum(axis=1), [2, 2, 1, 0])
        counts += kept
    # Each of the five words of the first caption is drawn 2/5 of the time.
    np.testing.assert_allclose(counts[0, :5] / draws, 0.4, atol=0.07)
    # word_pairs then weighs each kept word 1/2: the caption's words still sum to 1.
    _, pair_caption, pair_weight = word_pairs(tf.constant(kept))
    np.testing.assert_allclose(np.bincount(pair_caption.numpy(), pair_weight.numpy()), [1, 1, 1])


def test_sampled_positions_only_in_training():
    model = LSTMCGAN(make_config(word_positions=1), seed=0)
    tokens = tf.constant(make_batch([5, 3], padded_length=6)["caption_tokens"])
    images, pair_caption, _ = model.fake_pairs(tokens, training=True)
    np.testing.assert_array_equal(pair_caption.numpy(), [0, 1])
    images, pair_caption, _ = model.fake_pairs(tokens, training=False)
    assert images.shape[0] == 8


def test_hinge_and_cross_entropy_terms():
    logits = tf.constant([[-2.0], [0.0], [0.5], [3.0]])
    np.testing.assert_allclose(adversarial_terms(logits, "real", "hinge"), [3.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(adversarial_terms(logits, "fake", "hinge"), [0.0, 1.0, 1.5, 4.0])
    np.testing.assert_allclose(adversarial_terms(logits, "generator", "hinge"), [2.0, 0.0, -0.5, -3.0])
    np.testing.assert_allclose(adversarial_terms(logits, "generator", "cross_entropy"),
                               np.logaddexp(0.0, -logits.numpy()[:, 0]), rtol=1e-6)
    np.testing.assert_allclose(adversarial_terms(logits, "fake", "cross_entropy"),
                               np.logaddexp(0.0, logits.numpy()[:, 0]), rtol=1e-6)


def test_matching_terms_reward_the_own_caption():
    captions = tf.constant([[3.0, 0.0], [0.0, 2.0]])
    own = matching_terms(tf.constant([[1.0, 0.0], [0.0, 1.0]]), captions, tf.constant([0, 1]), 0.1)
    swapped = matching_terms(tf.constant([[0.0, 1.0], [1.0, 0.0]]), captions, tf.constant([0, 1]), 0.1)
    np.testing.assert_allclose(own, np.log1p(np.exp(-10.0)), atol=1e-6)
    np.testing.assert_allclose(swapped, 10.0 + np.log1p(np.exp(-10.0)), rtol=1e-4)


def test_contrastive_terms_are_a_softmax_over_the_batchs_other_pictures():
    features = tf.constant([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    embeddings = tf.constant([[2.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 3.0]])
    # Rows 0 and 2 are two captions of one picture: neither is a wrong answer for the other.
    image_index = tf.constant([5, 6, 5, 7])
    target = tf.constant([0, 1, 2])
    scores = features.numpy() @ embeddings.numpy().T
    expected = []
    for row, column in enumerate(target.numpy()):
        keep = [j for j in range(4) if j == column or image_index.numpy()[j] != image_index.numpy()[column]]
        expected.append(np.log(np.exp(scores[row, keep]).sum()) - scores[row, column])
    np.testing.assert_allclose(contrastive_terms(features, embeddings, target, image_index), expected, rtol=1e-5)
    # An image whose features point at its own caption's embedding pays less than one that does not.
    own, other = contrastive_terms(tf.constant([[5.0, 0.0], [0.0, 5.0]]), embeddings, tf.constant([0, 0]),
                                   image_index).numpy()
    assert own < 0.01 < other
    with pytest.raises(ValueError, match="needs discriminator_condition='projection'"):
        make_config(contrastive_loss_weight=1.0)


def test_the_contrastive_weight_adds_its_terms_to_both_losses():
    import dataclasses

    keras.utils.set_random_seed(8)
    model = compiled(LSTMCGAN(make_config(discriminator_condition="projection", contrastive_loss_weight=0.5), seed=0))
    batch = make_batch([5, 3, 4, 2], padded_length=6, image_index=[0, 0, 1, 2])
    tokens, vectors, real = (tf.constant(batch[key]) for key in ("caption_tokens", "sentence_vector", "image"))
    image_index = tf.constant(batch["image_index"])
    fake_images, pair_caption, pair_weight = model.fake_pairs(tokens, vectors, training=False)

    def both_losses():
        d_loss, _ = model.discriminator_loss(real, tf.reverse(real, [0]), tf.ones(4, tf.bool), vectors, fake_images,
                                             pair_caption, pair_weight, 4, image_index=image_index)
        g_loss, _ = model.generator_loss(vectors, fake_images, pair_caption, pair_weight, 4, image_index=image_index)
        return float(d_loss), float(g_loss)

    with_term = both_losses()
    weighted = model.config
    object.__setattr__(model, "config", dataclasses.replace(weighted, contrastive_loss_weight=0.0))
    without_term = both_losses()
    object.__setattr__(model, "config", weighted)
    embeddings = model.caption_embeddings(vectors)
    _, real_features = model.discriminator_logits(real, vectors, with_features=True)
    _, fake_features = model.fake_logits(fake_images, vectors, pair_caption, with_features=True)
    expected_d = 0.5 * np.sum(contrastive_terms(real_features, embeddings, tf.range(4), image_index)) / 4
    expected_g = 0.5 * np.sum(pair_weight * contrastive_terms(fake_features, embeddings, pair_caption, image_index)) / 4
    np.testing.assert_allclose(with_term[0] - without_term[0], expected_d, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(with_term[1] - without_term[1], expected_g, rtol=1e-4, atol=1e-6)
    assert expected_d > 0 and expected_g > 0


def test_profiles_choose_their_recipe():
    paper = LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile="paper")
    assert (paper.discriminator_condition, paper.spectral_norm, paper.gan_loss) == ("concat", False, "cross_entropy")
    assert (paper.matching_loss_weight, paper.word_positions, paper.trainable_word_vectors) == (0.0, 0, False)
    assert (paper.discriminator_steps, paper.learning_rate, paper.beta_1, paper.noise_dim) == (2, 2e-4, 0.5, 0)
    assert paper.generator_conditioning == "input"
    classroom = LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile="classroom")
    for key, value in TEXT_GAN_RECIPES["fast"].items():
        assert getattr(classroom, key) == value, key
    with pytest.raises(ValueError, match="text_gan_recipe='slow'"):
        LSTMCGANConfig.from_profile(
            VOCABULARY, SENTENCE_DIM, profile=PAPER_AT_SMOKE.replace(text_gan_recipe="slow"))
    with pytest.raises(ValueError, match="gan_loss='wasserstein'"):
        make_config(gan_loss="wasserstein")
    with pytest.raises(ValueError, match="discriminator_condition='add'"):
        make_config(discriminator_condition="add")
    with pytest.raises(ValueError, match="discriminator_depth"):
        make_config(discriminator_depth=0)
    with pytest.raises(ValueError, match="generator_conditioning='film'"):
        make_config(generator_conditioning="film")


def test_every_recipe_setting_trains_with_a_frozen_matching_encoder():
    from lstmgan_tf.text.grounded import build_image_encoder

    keras.utils.set_random_seed(6)
    fast = dict(TEXT_GAN_RECIPES["fast"], word_vector_dim=16, spectral_norm=True, gan_loss="hinge",
                matching_loss_weight=0.1, augment_translation=0.125, augment_dihedral=0.5, mismatch_temperature=0.1,
                contrastive_loss_weight=1.0, swapped_caption_weight=0.5, generator_upsampling="resize",
                generator_conditioning="batch_norm", discriminator_depth=2, matching_encoder_depth=2)
    encoder = build_image_encoder(32, SENTENCE_DIM, 32, depth=2)
    model = compiled(LSTMCGAN(make_config(**fast), seed=0, matching_encoder=encoder,
                              embedding_matrix=np.ones((VOCABULARY, 16), np.float32)))
    np.testing.assert_array_equal(model.matching_encoder.get_weights()[0], encoder.get_weights()[0])
    assert not model.matching_encoder.trainable_weights
    assert any("spectral" in type(layer).__name__.lower() for layer in model.discriminator.layers)
    frozen = [w.numpy().copy() for w in model.matching_encoder.weights]
    batch = make_batch([5, 3, 4, 2], padded_length=6)
    batch["swapped_sentence_vector"] = -batch["sentence_vector"][:, None]
    batch["swap_count"] = np.array([1, 1, 0, 1], np.int32)
    logs = [model.train_on_batch(batch, return_dict=True) for _ in range(2)]
    assert all(np.isfinite(log["g_loss"]) and np.isfinite(log["d_loss"]) for log in logs)
    for before, after in zip(frozen, model.matching_encoder.weights):
        np.testing.assert_array_equal(before, after.numpy())
    # The word vectors are fine-tuned with G in this recipe.
    assert not np.allclose(model.word_embedding.embeddings.numpy(), 1.0)
    # The conditional batch norms' maps start at zero; G's update must reach them.
    assert np.abs(model.generator.get_layer("up_8_bn").scale.kernel.numpy()).max() > 0


def test_paper_profile_keeps_algorithm_1_at_a_tiny_size():
    from lstmgan_tf.layers.dcgan import ProjectionLogit, SpatialCondition

    keras.utils.set_random_seed(7)
    tiny = dict(image_size=32, generator_width=8, discriminator_width=8, lstm_units=16, word_vector_dim=16,
                condition_dim=8)
    config_ = LSTMCGANConfig.from_profile(VOCABULARY, SENTENCE_DIM, profile="paper", **tiny)
    model = compiled(LSTMCGAN(config_, seed=0))
    layers = {type(layer) for layer in model.discriminator.layers}
    assert SpatialCondition in layers and ProjectionLogit not in layers
    assert not any("Spectral" in cls.__name__ for cls in layers)
    assert model.matching_encoder is None
    # Every real word is a loss position in training too (no sampling).
    tokens = tf.constant(make_batch([5, 3], padded_length=6)["caption_tokens"])
    _, pair_caption, _ = model.fake_pairs(tokens, training=True)
    assert len(pair_caption) == 8
    log = model.train_on_batch(make_batch([4, 2, 3, 5], padded_length=6), return_dict=True)
    assert np.isfinite(log["d_loss"]) and np.isfinite(log["g_loss"])
    # Cross-entropy D loss: the same formula as before the recipes existed.
    batch = make_batch([3, 2], padded_length=4)
    fakes = model.fake_pairs(tf.constant(batch["caption_tokens"]), training=False)
    vectors, real = tf.constant(batch["sentence_vector"]), tf.constant(batch["image"])
    d_loss, (real_logits, mismatched_logits, fake_logits) = model.discriminator_loss(
        real, tf.gather(real, [1, 0]), tf.ones(2, tf.bool), vectors, *fakes, 2, training=False)
    softplus = lambda x: np.logaddexp(0.0, np.ravel(x))  # noqa: E731
    expected = (softplus(-real_logits) + softplus(mismatched_logits)).sum() / 2
    expected += (fakes[2].numpy() * softplus(fake_logits)).sum() / 2
    np.testing.assert_allclose(float(d_loss), expected, rtol=1e-5)


def test_last_word_weight_keeps_each_captions_weights_summing_to_one():
    model = LSTMCGAN(make_config(word_positions=1, last_word_weight=0.5), seed=0)
    tokens = tf.constant(make_batch([5, 3, 1], padded_length=6)["caption_tokens"])
    for _ in range(10):
        images, pair_caption, pair_weight = model.fake_pairs(tokens, training=True)
        np.testing.assert_allclose(np.bincount(pair_caption.numpy(), pair_weight.numpy()), [1, 1, 1], rtol=1e-6)
        assert images.shape[0] == len(pair_caption) <= 5
    with pytest.raises(ValueError, match="last_word_weight=1.0"):
        make_config(last_word_weight=1.0)


def test_generator_average_follows_the_trained_generator_and_makes_the_images(tmp_path):
    from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig

    keras.utils.set_random_seed(8)
    model = compiled(LSTMCGAN(make_config(generator_ema=0.9), seed=0))
    assert not {id(v) for v in model.generator_variables} & {id(w) for w in model.average_generator.weights}
    average, trained = model.generator_networks(average=True), model.generator_networks()
    for twin, network in zip(average, trained):
        # Only batch-norm scales and offsets stay trainable (no optimizer sees them).
        assert all(w.path.endswith(("_bn/gamma", "_bn/beta")) for w in twin.trainable_weights)
        for a, b in zip(twin.weights, network.weights):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    start = [w.numpy().copy() for w in model.average_generator.weights]
    model.train_on_batch(make_batch([5, 3, 4, 2], padded_length=6), return_dict=True)
    # After n=1 generator update the decay is min(0.9, 2 / 11): the average moved most of the way.
    # Batch-norm statistics are the twins' own, from a forward pass in training mode.
    decay = 2.0 / 11.0
    for before, after, current in zip(start, model.average_generator.weights, model.generator.weights):
        if after.path.endswith(("moving_mean", "moving_variance")):
            assert not np.allclose(after.numpy(), before)
            assert not np.allclose(after.numpy(), decay * before + (1 - decay) * current.numpy())
        else:
            np.testing.assert_allclose(after.numpy(), decay * before + (1 - decay) * current.numpy(), atol=1e-6)
    # Images outside training come from the average.
    tokens = np.array([[4, 5, 6, 0]])
    for weight in model.average_generator.weights:
        weight.assign(tf.zeros_like(weight))
    images, _ = model.generate_word_images(tokens)
    np.testing.assert_allclose(images.numpy()[0, :3], 0.0, atol=1e-6)  # tanh(0)
    # The averaged twins are saved and restored with the model.
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    clone = LSTMCGAN.from_config(model.get_config())
    clone.load_weights(path)
    np.testing.assert_allclose(clone.generate_word_images(tokens)[0].numpy(), images.numpy(), atol=1e-6)
    # GAN-CLS keeps one too; without the setting there is none.
    gan_cls = GANCLS(GANCLSConfig.from_profile(SENTENCE_DIM, profile=PAPER_AT_SMOKE, generator_ema=0.99), seed=0)
    assert gan_cls.generator_networks(average=True)[1] is gan_cls.average_generator
    assert LSTMCGAN(make_config(), seed=0).generator_networks(average=True) is None
    for bad in (1.0, -0.1, True):
        with pytest.raises(ValueError, match="generator_ema"):
            make_config(generator_ema=bad)
