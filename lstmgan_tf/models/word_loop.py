"""`WordLoopLSTMCGAN`: the LSTM-CGAN's loss written the slow way, word by word.

The reference the vectorised `lstmgan_tf.models.lstm_cgan.LSTMCGAN` is tested
(``tests/test_lstm_cgan.py``), taught (notebook 05) and timed
(``python -m lstmgan_tf benchmark cgan``) against: the same weights and maths,
one LSTM-cell step, one generator call and one discriminator call per word.

Example:

>>> import numpy as np
>>> from lstmgan_tf.models.lstm_cgan import LSTMCGANConfig
>>> config = LSTMCGANConfig.from_profile(vocabulary_size=30, sentence_vector_dim=16, profile="smoke")
>>> model, looped = LSTMCGAN(config, seed=0), WordLoopLSTMCGAN(config, seed=0)
>>> looped.set_weights(model.get_weights())
>>> tokens, sentence = np.array([[5, 7, 9, 0], [3, 4, 0, 0]]), tf.random.normal((2, 16))
>>> fast = model.generator_loss(sentence, *model.fake_pairs(tokens), 2)[0]
>>> slow = looped.generator_loss(sentence, *looped.fake_pairs(tokens), 2)[0]
>>> bool(np.isclose(fast, slow, rtol=1e-4))
True
"""

from __future__ import annotations

import tensorflow as tf

from lstmgan_tf.models.lstm_cgan import LSTMCGAN
from lstmgan_tf.models.word_pairs import word_loss_mask


class WordLoopLSTMCGAN(LSTMCGAN):
    """The LSTM-CGAN's per-word loss written as a Python loop over words.

    What Algorithm 1 reads like: for each word t, step the LSTM cell, run G
    on the hidden states of the whole batch and D on those images; padded
    positions are generated too and weighted 0. Same weights and maths as
    `LSTMCGAN`, so it is the reference the vectorised step is tested and
    timed against.
    """

    def encode_captions(self, caption_tokens, sentence_vector=None, training=False):
        # The loop steps the LSTM cell itself, word by word.
        return None

    def fake_pairs(self, caption_tokens, sentence_vector=None, training=False, encoded=None):
        caption_tokens = tf.convert_to_tensor(caption_tokens)
        batch_size, length = tf.shape(caption_tokens)[0], int(caption_tokens.shape[1])
        word_vectors = self.word_embedding(caption_tokens)
        words = tf.not_equal(caption_tokens, 0)
        loss_mask = tf.cast(word_loss_mask(caption_tokens, self.config.loss_at), tf.float32)
        words_per_caption = tf.reduce_sum(loss_mask, axis=1)
        state = [tf.zeros(tf.stack([batch_size, self.config.lstm_units]))] * 2
        images, weights = [], []
        for t in range(length):
            hidden, new_state = self.caption_lstm.cell(word_vectors[:, t], state, training=training)
            # A padded word leaves the state as it was (what masking does).
            keep = words[:, t : t + 1]
            state = [tf.where(keep, new, old) for new, old in zip(new_state, state)]
            images.append(self.generator(hidden, training=training))
            weights.append(tf.math.divide_no_nan(loss_mask[:, t], words_per_caption))
        pair_caption = tf.tile(tf.range(tf.cast(batch_size, tf.int64)), [length])
        return tf.concat(images, 0), pair_caption, tf.concat(weights, 0)

    def _word_by_word_logits(self, images, sentence_vector, captions, training):
        """D on the generated images one word at a time: they come word after word, ``captions`` each."""
        if training:
            images = self.augmented(images)
        words = images.shape[0] // captions
        return tf.concat([
            self.discriminator([word_images, word_vectors], training=training)
            for word_images, word_vectors in zip(tf.split(images, words), tf.split(sentence_vector, words))
        ], 0)

    def discriminator_logits_per_part(self, parts, training=False, with_features=False):
        """One D call per part, and one per word for the generated images (the third part)."""
        if with_features:
            raise ValueError("the word loop has no contrastive term (contrastive_loss_weight=0).")
        captions = parts[0][0].shape[0]
        logits = [self.discriminator_logits(images, vectors, training) if index != 2
                  else self._word_by_word_logits(images, vectors, captions, training)
                  for index, (images, vectors) in enumerate(parts)]
        return logits, None

    def fake_logits(self, fake_images, sentence_vector, pair_caption, training=False):
        return self._word_by_word_logits(fake_images, tf.gather(sentence_vector, pair_caption),
                                         sentence_vector.shape[0], training)
