"""Captions one word away: a word swapped for a close word2vec neighbour.

word2vec trained on flower captions puts the words that fill the same slot of
a sentence next to each other: the petal counts at cosine 0.98, the colours
at about 0.7, while "the" or "petals" have no neighbour above 0.5. Swapping
one such word for a neighbour gives a caption that reads the same and
describes a different flower ("six purple petals" -> "six pink petals", "five
petals" -> "seven petals"): exactly the near-miss negative a
matching-aware discriminator needs to learn each attribute, not only the
easiest one. Swapped-word hard negatives are how NegCLIP teaches CLIP word
order and attributes (Yuksekgonul et al. 2023, "When and Why Vision-Language
Models Behave like Bags-of-Words"). Nothing here knows what the words mean:
the substitutes come from the captions' own word2vec, so the same code works
on Oxford-102 and CUB captions. Synonyms ("center" -> "middle") are also
close neighbours; `lstmgan_tf.models.text_inputs.TextPipeline.swapped_sentence_vectors`
drops the swaps that leave the sentence vector where it was.

Example:

>>> substitutes = {"red": ["blue", "pink"], "five": ["six"]}
>>> one_word_swaps(["five", "red", "petals"], substitutes)
[('six red petals', 0), ('five blue petals', 1), ('five pink petals', 1)]
"""

from __future__ import annotations


def close_substitutes(word_vectors, words, min_similarity: float = 0.6, topn: int = 10) -> dict[str, list[str]]:
    """The close word2vec neighbours of each word (cosine >= ``min_similarity``).

    Args:
        word_vectors: gensim `KeyedVectors`.
        words: the words to look up; words without a vector get no substitute.
        min_similarity: the least cosine similarity of a substitute.
        topn: how many neighbours of each word are looked at.

    Returns:
        ``{word: [substitute, ...]}`` for the words that have one, closest first.
    """
    if not 0.0 < min_similarity <= 1.0:
        raise ValueError(f"min_similarity={min_similarity!r} must be a cosine similarity in (0, 1].")
    substitutes = {}
    for word in set(words):
        if word not in word_vectors.key_to_index:
            continue
        close = [other for other, similarity in word_vectors.most_similar(word, topn=topn)
                 if similarity >= min_similarity]
        if close:
            substitutes[word] = close
    return substitutes


def one_word_swaps(words: list[str], substitutes: dict[str, list[str]]) -> list[tuple[str, int]]:
    """Every caption made by replacing one word of ``words`` with one of its substitutes.

    Returns:
        ``(caption, position)`` pairs, in word order then substitute order.
    """
    return [
        (" ".join(words[:position] + [substitute] + words[position + 1:]), position)
        for position, word in enumerate(words)
        for substitute in substitutes.get(word, ())
    ]


def captions_one_word_swaps(word_vectors, captions_words, min_similarity: float = 0.6) -> list[list[str]]:
    """`one_word_swaps` of each caption (a list of words), the substitutes drawn from ``word_vectors``."""
    substitutes = close_substitutes(word_vectors, {word for words in captions_words for word in words},
                                    min_similarity=min_similarity)
    return [[swap for swap, _ in one_word_swaps(words, substitutes)] for words in captions_words]
