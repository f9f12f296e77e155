"""One-word swaps: close word2vec neighbours and the captions they make."""

import numpy as np
import pytest
from gensim.models import KeyedVectors

from lstmgan_tf.text import word_swaps


def keyed_vectors(vectors: dict) -> KeyedVectors:
    table = KeyedVectors(vector_size=len(next(iter(vectors.values()))))
    table.add_vectors(list(vectors), np.array(list(vectors.values()), np.float32))
    return table


# "red" and "blue" point the same way, "pink" nearly; "the" and "petals" have no close neighbour.
VECTORS = keyed_vectors({
    "red": [1.0, 0.1, 0.0], "blue": [1.0, 0.0, 0.0], "pink": [0.9, 0.4, 0.0],
    "the": [0.0, 1.0, 0.0], "petals": [0.0, 0.0, 1.0],
})


def test_close_substitutes_keep_only_neighbours_above_the_threshold():
    substitutes = word_swaps.close_substitutes(VECTORS, ["red", "the", "petals", "unseen"], min_similarity=0.9)
    assert substitutes == {"red": ["blue", "pink"]}
    strict = word_swaps.close_substitutes(VECTORS, ["red"], min_similarity=0.99)
    assert strict == {"red": ["blue"]}
    with pytest.raises(ValueError, match="min_similarity=1.5"):
        word_swaps.close_substitutes(VECTORS, ["red"], min_similarity=1.5)


def test_one_word_swaps_change_exactly_one_word():
    words = ["the", "red", "petals", "red"]
    swaps = word_swaps.one_word_swaps(words, {"red": ["blue", "pink"]})
    assert [position for _, position in swaps] == [1, 1, 3, 3]
    for caption, position in swaps:
        changed = [i for i, (old, new) in enumerate(zip(words, caption.split())) if old != new]
        assert changed == [position]
    assert word_swaps.one_word_swaps(["the", "petals"], {"red": ["blue"]}) == []
