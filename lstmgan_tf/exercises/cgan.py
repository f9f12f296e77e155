"""Checkers for the exercises of notebook 05 (text to image sequence, LSTM-CGAN).

- `check_per_word_generator_loss`: the generator's loss of one caption,
  averaged over its real words, padded words left out.
- `check_mismatched_selection`: for each caption, a real image of *another*
  picture, even when two captions of one picture share the batch.

Each checker runs the student's function on inputs built to expose the usual
mistakes, compares it with the package's reference
(`lstmgan_tf.models.lstm_cgan`), and gives every typical wrong answer its own
message.

Example:

>>> import numpy as np
>>> def per_word_loss(fake_logits, word_mask):
...     mask = np.asarray(word_mask, "float32")
...     losses = np.logaddexp(0.0, -np.asarray(fake_logits))  # -log sigmoid(logit)
...     return (losses * mask).sum(axis=1) / mask.sum(axis=1)
>>> check_per_word_generator_loss(per_word_loss)
✅ per_word_loss averages -log D(G(h_t)|y) over each caption's real words.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from lstmgan_tf.exercises.core import Feedback, check_close


def _to_numpy(value):
    try:
        import keras

        return np.asarray(keras.ops.convert_to_numpy(value))
    except Exception:  # Not a tensor Keras knows: let NumPy try.
        return np.asarray(value)


def _loss_case():
    rng = np.random.default_rng(0)
    logits = rng.normal(0.0, 2.0, (4, 6)).astype("float32")
    lengths = np.array([6, 2, 4, 1])
    mask = np.arange(6)[None, :] < lengths[:, None]
    # Padded logits are large, so counting them shows.
    logits[~mask] = 5.0
    return logits, mask


def reference_per_word_generator_loss(fake_logits, word_mask) -> np.ndarray:
    """``(B,)``: each caption's mean over real words of ``-log sigmoid(logit)``."""
    mask = np.asarray(word_mask, dtype=np.float64)
    losses = np.logaddexp(0.0, -np.asarray(fake_logits, dtype=np.float64))
    return (losses * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)


def check_per_word_generator_loss(per_word_loss: Callable) -> Feedback:
    """Checks ``per_word_loss(fake_logits (B, T), word_mask (B, T)) -> (B,)``.

    ``fake_logits[i, t]`` is D's logit for the image generated after word t of
    caption i; the answer is each caption's generator loss, the mean over its
    real words of ``-log D(G(h_t)|y)``.
    """
    logits, mask = _loss_case()
    try:
        answer = _to_numpy(per_word_loss(logits, mask)).astype(np.float64)
    except Exception as error:  # The student's code may fail in any way.
        return Feedback(False, f"per_word_loss raised {type(error).__name__}: {error}")
    expected = reference_per_word_generator_loss(logits, mask)
    losses = np.logaddexp(0.0, -logits.astype(np.float64))
    fake_label = np.logaddexp(0.0, logits.astype(np.float64))
    if answer.shape == ():
        if np.isclose(answer, (losses * mask).sum() / mask.sum(), rtol=1e-4):
            return Feedback(False, "per_word_loss averages over all real words of the batch at once, so long "
                                   "captions weigh more; return one loss per caption (shape (B,)).")
        return Feedback(False, "per_word_loss returns one number; return one loss per caption, shape (B,).")
    if answer.shape == expected.shape:
        wrong_answers = [
            (losses.mean(axis=1), "per_word_loss counts the padded words too; average over the real words "
                                  "only (use word_mask)."),
            ((losses * mask).sum(axis=1), "per_word_loss sums over the words; divide by each caption's number "
                                          "of real words to average."),
            ((fake_label * mask).sum(axis=1) / mask.sum(axis=1),
             "per_word_loss uses the label 'fake' (-log(1 - D)); that is D's loss for generated images, while "
             "the generator wants D to say 'real' (-log D)."),
            (-(losses * mask).sum(axis=1) / mask.sum(axis=1),
             "per_word_loss has the wrong sign: the loss is -log D, which is positive."),
            ((losses * mask).sum(axis=1) / mask.shape[1],
             "per_word_loss divides by the padded length T; divide by each caption's number of real words."),
        ]
        for wrong, message in wrong_answers:
            if np.allclose(answer, wrong, rtol=1e-4):
                return Feedback(False, message)
    failure = check_close("per_word_loss(fake_logits, word_mask)", answer, expected, atol=1e-4, rtol=1e-4)
    if failure is not None:  # A failing Feedback is falsy: test for None.
        return failure
    return Feedback(True, "per_word_loss averages -log D(G(h_t)|y) over each caption's real words.")


def check_mismatched_selection(choose_mismatched: Callable) -> Feedback:
    """Checks ``choose_mismatched(image_index (B,), rng) -> (B,)`` batch positions.

    Position ``j`` chosen for caption ``i`` must show another picture:
    ``image_index[j] != image_index[i]``, with the choice random among all
    such positions.
    """
    # Captions of one picture sit side by side, as a batch of several
    # captions per image can have them.
    image_index = np.array([5, 5, 2, 2, 2, 8, 0, 0])
    count = len(image_index)
    rng = np.random.default_rng(0)
    draws = []
    for _ in range(60):
        try:
            answer = _to_numpy(choose_mismatched(image_index.copy(), rng))
        except Exception as error:  # The student's code may fail in any way.
            return Feedback(False, f"choose_mismatched raised {type(error).__name__}: {error}")
        if answer.shape != (count,):
            return Feedback(False, f"choose_mismatched returns shape {answer.shape}; return one batch position "
                                   f"per caption, shape ({count},).")
        if answer.dtype.kind not in "iu":
            return Feedback(False, "choose_mismatched should return integer batch positions, not "
                                   f"{answer.dtype} values.")
        if answer.min() < 0 or answer.max() >= count:
            return Feedback(False, f"choose_mismatched returns positions outside 0..{count - 1}; return batch "
                                   "positions, not image indices.")
        draws.append(answer)
    draws = np.stack(draws)
    positions = np.arange(count)
    if np.any(draws == positions):
        return Feedback(False, "choose_mismatched sometimes picks the caption's own row; that image matches "
                               "the caption.")
    if np.any(image_index[draws] == image_index):
        return Feedback(False, "choose_mismatched picks another row that shows the same picture (two captions "
                               "of one image share the batch); compare image indices, not batch positions.")
    if np.all(draws == draws[0]):
        return Feedback(False, "choose_mismatched always makes the same choice (e.g. the next row); draw at "
                               "random with rng so D sees many mismatched pairs.")
    for caption in range(count):
        candidates = set(np.flatnonzero(image_index != image_index[caption]))
        if set(draws[:, caption]) != candidates:
            return Feedback(False, f"caption {caption} never gets some of its candidates "
                                   f"{sorted(candidates)}; draw uniformly among all rows of other pictures.")
    return Feedback(True, "choose_mismatched always picks a real image of another picture, at random.")
