"""Timing the LSTM-CGAN's training step: ``python -m lstmgan_tf benchmark cgan``.

Three questions, each answered by timing compiled training steps on one
synthetic batch with the profile's sizes:

1. Is the vectorised step (LSTM over the whole caption once, then G and D once
   on all real (caption, word) pairs) faster than the same maths written as a
   Python loop over words (`WordLoopLSTMCGAN`: per word, one LSTM-cell step,
   one G call and one D call on the whole batch)? On a realistic batch
   (captions of different lengths) and on captions all of one length, the
   loop's best case: there both do the same work, and which is faster depends
   on the device.
2. Does it cost at most what n GAN-CLS steps cost (n words per caption), the
   price of generating and judging n images per caption?
3. Does the cost follow the real words: is a batch whose captions are half
   padding about half as expensive as one without padding?

Timings on a shared CPU are noisy; compare the ratios within one run.
"""

from __future__ import annotations

import time

import numpy as np

from lstmgan_tf.models.text_inputs import CAPTION_TOKENS, IMAGE, IMAGE_INDEX, SENTENCE_VECTOR


def synthetic_batch(batch_size: int, length: int, words: int, vocabulary_size: int, sentence_vector_dim: int,
                    image_size: int, seed: int = 0) -> dict:
    """A training batch of random tokens and images: real words, then padding to ``length``.

    ``words`` is the number of real words of every caption, or an array with
    one number per caption.
    """
    import tensorflow as tf

    words = np.broadcast_to(np.asarray(words), (batch_size,))
    if words.min() < 1 or words.max() > length:
        raise ValueError(f"words per caption must be between 1 and length={length}, got {words.min()}..{words.max()}.")
    rng = np.random.default_rng(seed)
    tokens = rng.integers(2, vocabulary_size, (batch_size, length)).astype(np.int32)
    tokens[np.arange(length)[None, :] >= words[:, None]] = 0
    return {
        CAPTION_TOKENS: tf.constant(tokens),
        SENTENCE_VECTOR: tf.constant(rng.normal(size=(batch_size, sentence_vector_dim)).astype(np.float32)),
        IMAGE: tf.constant(rng.uniform(-1, 1, (batch_size, image_size, image_size, 3)).astype(np.float32)),
        IMAGE_INDEX: tf.constant(np.arange(batch_size, dtype=np.int64)),
    }


def _compiled_step(model):
    import keras
    import tensorflow as tf

    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return tf.function(model.train_step)


def time_step(step, batch, repeats: int = 5, warmup: int = 2) -> float:
    """Median seconds of ``step(batch)`` over ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        step(batch)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        outputs = step(batch)
        float(outputs["d_loss"])  # Waits for the step to finish.
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def benchmark_cgan(profile=None, words: int = 10, repeats: int = 5, seed: int = 0, verbose: bool = True) -> dict:
    """Times the LSTM-CGAN's training step variants (see the module docstring).

    Args:
        profile: profile name or `Profile` for the sizes (batch, image, widths,
            ``max_caption_length``).
        words: real words per caption (synthetic_flowers captions have about 10).
        repeats: timed steps per variant.
        seed: seed of the weights and the batch.

    Returns:
        A dict of timings (seconds per step) and ratios.
    """
    import keras

    from lstmgan_tf import config
    from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
    from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
    from lstmgan_tf.models.word_loop import WordLoopLSTMCGAN

    profile = config.get_profile(profile)
    length = profile.max_caption_length
    if not 1 <= words <= length // 2:
        raise ValueError(f"words={words} must be between 1 and half of max_caption_length={length}.")
    vocabulary_size, sentence_dim = 64, profile.sentence_vector_dim
    keras.utils.set_random_seed(seed)
    lstm_config = LSTMCGANConfig.from_profile(vocabulary_size, sentence_dim, profile=profile)

    def batch(real_words, padded_length):
        return synthetic_batch(profile.batch_size, padded_length, real_words, vocabulary_size, sentence_dim,
                               profile.image_size, seed)

    results = {"profile": profile.name, "batch_size": profile.batch_size, "words": words, "length": length}
    vectorised = _compiled_step(LSTMCGAN(lstm_config, seed=seed))
    looped = _compiled_step(WordLoopLSTMCGAN(lstm_config, seed=seed))
    gan_cls = _compiled_step(GANCLS(GANCLSConfig.from_profile(sentence_dim, profile=profile), seed=seed))
    # A realistic batch: caption lengths spread around `words` (mean `words`),
    # padded to max_caption_length. The word loop runs up to the batch's
    # longest caption; the vectorised step pays for real words only.
    mixed_lengths = np.random.default_rng(seed).integers(words // 2, words + words // 2 + 1, profile.batch_size)
    mixed_lengths = np.round(mixed_lengths - mixed_lengths.mean() + words).clip(1, length).astype(int)
    longest = int(mixed_lengths.max())
    runs = {
        "vectorised_step": (vectorised, batch(mixed_lengths, length)),
        "word_loop_step": (looped, batch(mixed_lengths, longest)),
        "vectorised_equal_lengths": (vectorised, batch(words, words)),
        "word_loop_equal_lengths": (looped, batch(words, words)),
        "gan_cls_step": (gan_cls, batch(words, words)),
        "vectorised_no_padding": (vectorised, batch(2 * words, 2 * words)),
        "vectorised_half_padding": (vectorised, batch(words, 2 * words)),
    }
    for name, (step, data) in runs.items():
        results[name] = time_step(step, data, repeats)
        if verbose:
            print(f"{name:>26}: {results[name] * 1000:8.1f} ms/step")
    results["mean_words"] = float(mixed_lengths.mean())
    results["word_loop_over_vectorised"] = results["word_loop_step"] / results["vectorised_step"]
    results["word_loop_over_vectorised_equal_lengths"] = (
        results["word_loop_equal_lengths"] / results["vectorised_equal_lengths"]
    )
    results["vectorised_over_n_gan_cls"] = results["vectorised_step"] / (words * results["gan_cls_step"])
    results["half_over_no_padding"] = results["vectorised_half_padding"] / results["vectorised_no_padding"]
    if verbose:
        print(f"word loop / vectorised, lengths {mixed_lengths.min()}-{longest} padded to {length}: "
              f"{results['word_loop_over_vectorised']:.2f}x")
        print(f"word loop / vectorised, all captions {words} words: "
              f"{results['word_loop_over_vectorised_equal_lengths']:.2f}x")
        print(f"vectorised / ({words} x GAN-CLS step): {results['vectorised_over_n_gan_cls']:.2f} (goal <= 1)")
        print(f"half padded / no padding ({2 * words} words): {results['half_over_no_padding']:.2f} "
              "(cost follows real words: about 0.5)")
    return results
