"""Words that captions spell or say differently, and the one word each stands for.

People type "blonde" as often as "blond" and "gray" as often as "grey"; a
caption about a woman may say "lady" or "she". The kit's caption writers use
these variants (so that they are in the vocabulary), and the evaluation reads
each as the word it stands for (`canonical_word`): "a gray haired lady" asks
for grey hair and a woman.

Example:

>>> [canonical_word(w) for w in "she has gray hair".split()]
['woman', 'has', 'grey', 'hair']
>>> spellings("grey")
('grey', 'gray')
"""

from __future__ import annotations

#: Other spellings of a word.
SPELLINGS = {"blond": ("blonde",), "grey": ("gray",), "mustache": ("moustache",)}
#: Other words that say the same thing, in the captions the kit writes.
SYNONYMS = {
    "woman": ("lady", "girl", "female", "she", "her"),
    "man": ("guy", "gentleman", "male", "he", "his"),
    "smiling": ("smiles", "smile", "happy"),
    "grey": ("silver",),
}
_CANONICAL = {variant: word for table in (SPELLINGS, SYNONYMS) for word, variants in table.items()
              for variant in variants}


def canonical_word(word: str) -> str:
    """The word a variant stands for (``gray`` -> ``grey``, ``she`` -> ``woman``); any other word unchanged."""
    return _CANONICAL.get(word, word)


def spellings(word: str) -> tuple[str, ...]:
    """The ways people spell ``word`` (``grey`` -> ``("grey", "gray")``), itself first."""
    return (word, *SPELLINGS.get(word, ()))
