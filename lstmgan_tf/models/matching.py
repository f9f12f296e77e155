"""The terms that reward a generated image for matching its own caption among the batch's.

`matching_terms`: the grounded encoder's frozen image side finds each image's
caption among the batch's (AttnGAN's DAMSM idea, Xu et al. 2018: the
``classroom`` recipe's ``matching_loss_weight``). `contrastive_terms`: the
same question asked of a projection discriminator's caption scores
(XMC-GAN, Zhang et al. 2021: ``contrastive_loss_weight``). Both are
per-image cross-entropies over the batch's captions, in which another
caption of the same picture is never a wrong answer.
"""

from __future__ import annotations

import tensorflow as tf


def matching_terms(image_embeddings, sentence_vector, pair_caption, temperature: float, image_index=None):
    """Per-image in-batch matching loss: each image should pick its own caption.

    `contrastive_terms` on cosine similarities over a temperature.

    Args:
        image_embeddings: ``(K, D)`` unit vectors of K images.
        sentence_vector: ``(B, D)`` the batch's caption vectors (any length).
        pair_caption: int ``(K,)``: the row of ``sentence_vector`` each image
            was made from.
        temperature: softmax temperature.
        image_index: optional int ``(B,)``, which picture each row shows.

    Returns:
        float32 ``(K,)`` cross-entropies.
    """
    captions = tf.math.l2_normalize(tf.cast(sentence_vector, tf.float32), axis=-1)
    return contrastive_terms(tf.cast(image_embeddings, tf.float32) / temperature, captions, pair_caption, image_index)


def contrastive_terms(image_features, caption_embeddings, target_caption, image_index=None):
    """Per-image in-batch contrastive loss on a projection D's caption scores.

    A projection D scores (image i, caption j) as ``u(x_i) + <phi(x_i), e(y_j)>``;
    across captions only the inner product changes, so a softmax over the
    batch's captions of those inner products is D's own answer to "which
    caption is this image's?" (XMC-GAN's image-sentence term, Zhang et al.
    2021, with D's projection in place of separate heads). Another caption of
    the same picture is not a wrong answer: such columns are left out.

    Args:
        image_features: ``(K, C)`` D's pooled features ``phi(x)`` of K images.
        caption_embeddings: ``(B, C)`` D's embedding ``e(y)`` of the batch's
            sentence vectors.
        target_caption: int ``(K,)``: the batch row of each image's caption.
        image_index: int ``(B,)``: which picture each batch row shows; `None`
            when every row shows its own picture.

    Returns:
        float32 ``(K,)`` cross-entropies.
    """
    target_caption = tf.cast(tf.reshape(target_caption, [-1]), tf.int32)
    scores = tf.matmul(tf.cast(image_features, tf.float32), tf.cast(caption_embeddings, tf.float32),
                       transpose_b=True)
    if image_index is not None:
        image_index = tf.reshape(image_index, [-1])
        same_picture = tf.equal(tf.gather(image_index, target_caption)[:, None], image_index[None, :])
        is_target = tf.cast(tf.one_hot(target_caption, tf.shape(scores)[1]), tf.bool)
        scores = tf.where(tf.logical_and(same_picture, tf.logical_not(is_target)), tf.float32.min, scores)
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target_caption, logits=scores)
