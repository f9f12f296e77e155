"""Checkers of notebook 01's exercises: right answers pass, each typical mistake has its message."""

import numpy as np
import pytest

from lstmgan_tf import text
from lstmgan_tf.exercises import text as exercises


def caption_ids(caption, word_to_id, max_length):
    ids = [word_to_id.get(word, text.OOV_ID) for word in text.tokenize(caption)][:max_length]
    return ids + [text.PADDING_ID] * (max_length - len(ids))


def no_truncation(caption, word_to_id, max_length):
    ids = [word_to_id.get(word, text.OOV_ID) for word in text.tokenize(caption)]
    return ids + [0] * (max_length - len(ids))


def no_padding(caption, word_to_id, max_length):
    return [word_to_id.get(word, text.OOV_ID) for word in text.tokenize(caption)][:max_length]


def front_padding(caption, word_to_id, max_length):
    ids = [word_to_id.get(word, text.OOV_ID) for word in text.tokenize(caption)][:max_length]
    return [0] * (max_length - len(ids)) + ids


def oov_as_padding(caption, word_to_id, max_length):
    ids = [word_to_id.get(word, 0) for word in text.tokenize(caption)][:max_length]
    return ids + [0] * (max_length - len(ids))


def no_lower_case(caption, word_to_id, max_length):
    words = caption.replace(",", " ").replace(".", " ").split()
    ids = [word_to_id.get(word, 1) for word in words][:max_length]
    return ids + [0] * (max_length - len(ids))


def keeps_last_words(caption, word_to_id, max_length):
    ids = [word_to_id.get(word, 1) for word in text.tokenize(caption)][-max_length:]
    return ids + [0] * (max_length - len(ids))


def not_written(caption, word_to_id, max_length):
    raise NotImplementedError


def test_caption_ids_checker():
    assert exercises.check_caption_ids(caption_ids).passed
    messages = {}
    for wrong in (no_truncation, no_padding, front_padding, oov_as_padding, no_lower_case,
                  keeps_last_words, not_written):
        feedback = exercises.check_caption_ids(wrong)
        assert not feedback.passed, wrong.__name__
        messages[wrong.__name__] = feedback.message
    assert "cut long captions" in messages["no_truncation"]
    assert "pad short captions" in messages["no_padding"]
    assert "padding goes at the end" in messages["front_padding"]
    assert "OOV_ID = 1" in messages["oov_as_padding"]
    assert "lower-case" in messages["no_lower_case"]
    assert "first max_length words" in messages["keeps_last_words"]
    assert "NotImplementedError" in messages["not_written"]
    assert len(set(messages.values())) == len(messages)


def _sif(token_lists, word_vectors, a, weight=lambda a, p: a / (a + p), mean=True, remove=True, centre=False):
    counts = {}
    for tokens in token_lists:
        for word in tokens:
            counts[word] = counts.get(word, 0) + 1
    total = sum(counts.values())
    rows = []
    for tokens in token_lists:
        summed = sum(weight(a, counts[w] / total) * word_vectors[w] for w in tokens)
        rows.append(summed / len(tokens) if mean else summed)
    vectors = np.array(rows)
    if not remove:
        return vectors
    fitted = vectors - vectors.mean(0) if centre else vectors
    u = np.linalg.svd(fitted)[2][0]
    return vectors - np.outer(vectors @ u, u)


@pytest.mark.parametrize("wrong, message", [
    (lambda t, v, a: _sif(t, v, a, weight=lambda a, p: 1.0), "same weight"),
    (lambda t, v, a: _sif(t, v, a, weight=lambda a, p: p / (a + p)), "inverted"),
    (lambda t, v, a: _sif(t, v, a, mean=False), "sums"),
    (lambda t, v, a: _sif(t, v, a, remove=False), "principal component is still there"),
    (lambda t, v, a: _sif(t, v, a, centre=True), "centred"),
    (lambda t, v, a: _sif(t, v, a)[:, :2], "shape"),
    (lambda t, v, a: _sif(t, v, a) * 2, "values differ"),
])
def test_sif_checker_names_each_mistake(wrong, message):
    feedback = exercises.check_sif_vectors(wrong)
    assert not feedback.passed
    assert message in feedback.message


def test_sif_checker_passes_a_right_answer():
    feedback = exercises.check_sif_vectors(_sif)
    assert feedback.passed, feedback.message
