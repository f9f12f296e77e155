"""The speed benchmarks' helpers and the ``benchmark`` command (the LSTM one is in test_lstm_cell.py)."""

import ast

import numpy as np
import pytest

from lstmgan_tf import cli
from lstmgan_tf.benchmarks.cgan import synthetic_batch
from lstmgan_tf.models.text_inputs import CAPTION_TOKENS, IMAGE, IMAGE_INDEX, SENTENCE_VECTOR


def test_synthetic_batch_pads_after_the_real_words():
    batch = synthetic_batch(3, length=6, words=np.array([6, 2, 4]), vocabulary_size=20, sentence_vector_dim=5,
                            image_size=8)
    assert sorted(batch) == sorted([CAPTION_TOKENS, SENTENCE_VECTOR, IMAGE, IMAGE_INDEX])
    real_words = (batch[CAPTION_TOKENS].numpy() != 0).sum(axis=1)
    np.testing.assert_array_equal(real_words, [6, 2, 4])
    assert batch[IMAGE].shape == (3, 8, 8, 3) and batch[SENTENCE_VECTOR].shape == (3, 5)
    with pytest.raises(ValueError, match="between 1 and length=6"):
        synthetic_batch(2, length=6, words=7, vocabulary_size=20, sentence_vector_dim=5, image_size=8)


def test_benchmark_dcgan_prints_one_row_per_configuration(capsys):
    code = cli.main(["benchmark", "dcgan", "--image-sizes", "32", "--batch-size", "4", "--steps", "1",
                     "--profile", "smoke", "--jit-compile", "off"])
    assert code == 0
    rows = [ast.literal_eval(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert len(rows) == 1
    assert rows[0]["image_size"] == 32 and rows[0]["xla"] is False and rows[0]["images_per_second"] > 0
