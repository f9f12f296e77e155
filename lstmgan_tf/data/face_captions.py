"""Captions of real faces, written from CelebA's 40 attributes, and the face attributes they name.

CelebA labels each face with 40 yes/no attributes but has no sentences.
MM-CelebA-HQ (Xia et al., TediGAN, CVPR 2021) wrote its captions for real
faces from these attributes; `face_captions` does the same, as a person would
describe a photo: who it is (woman or man, young or older), the hair (black,
blond, brown, grey; wavy, straight, bangs, bald), whether they smile, and what
they wear (glasses, a hat, earrings, lipstick, a beard, a mustache).

- Several phrasings per face (`CAPTIONS_PER_FACE`), with the attributes in
  different orders ("a smiling young woman with blond hair", "this woman has
  blonde hair and is smiling", "she has blond hair and wears earrings"), so
  that a word's place in the sentence says nothing by itself; training draws
  one of them per face each epoch, as it does for the flowers.
- Both spellings people type: "blond" and "blonde", "grey" and "gray"
  (`lstmgan_tf.data.words`), so both are in the vocabulary.
- Nothing absent is ever named, and an attribute CelebA leaves unlabelled (37%
  of the faces have none of the four hair colours) is left out of the text.

`face_attributes` derives the three attributes the evaluation judges, each
with the words that name its values: ``hair_colour`` (black, blond, brown,
grey; ``other`` for a face with none or several of CelebA's four hair
colours), ``woman_or_man`` and ``expression`` (not smiling, smiling).

Example:

>>> attributes = {"Male": 0, "Young": 1, "Smiling": 1, "Blond_Hair": 1}
>>> captions = face_captions(attributes)
>>> len(captions), all(("blond" in c or "blonde" in c) for c in captions)
(5, True)
>>> captions[0]
'a photo of a young girl with blonde hair, smiling'
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from lstmgan_tf.data.words import spellings

#: The attributes a face caption names and the evaluation judges, with their values' names.
FACE_ATTRIBUTE_VALUES = {
    "hair_colour": ["black", "blond", "brown", "grey", "other"],
    "woman_or_man": ["woman", "man"],
    "expression": ["not smiling", "smiling"],
}
HAIR_COLOURS = ("black", "blond", "brown", "grey")
_HAIR_ATTRIBUTES = ("Black_Hair", "Blond_Hair", "Brown_Hair", "Gray_Hair")
#: Bumped when the captions written for a face change, so that no cached reading keeps old ones.
VERSION = 1
#: Captions written per face (a different phrasing each).
CAPTIONS_PER_FACE = 5

# Nouns for a person, the plain one most often; "girl" only for a young woman, "person" says neither.
_PEOPLE = {"woman": ("woman", "woman", "woman", "lady", "lady", "person"),
           "man": ("man", "man", "man", "guy", "gentleman", "person")}
_ADJECTIVES = {"woman": "female", "man": "male"}
_PRONOUNS = {"woman": "she", "man": "he"}
# Templates by what they need ("a" before a vowel becomes "an"). Slots: {a_who} "a young woman"
# (article, age, noun), {age} "young " / "older " / "", {who} the same
# without the article, {noun} "woman", {pron} "she", {hair} "wavy blond hair" (and "and bangs"),
# {colour} "blond", {sex} "female" / "male", {smile} "smiling" / "not smiling", {smiling_adj}
# "smiling " / "happy " or "" / "serious ", {smiles} "smiles" / "does not smile"; what the person
# wears or has besides (glasses, a hat, a beard ...),
# or nothing: {extras_with} " with glasses and a hat", {plus} " and glasses" / ", glasses and a hat",
# {wears} ", wears glasses", {and_wears} " and wears glasses".
_WITH_HAIR = (
    "{a_who} with {hair}{plus}",
    "a {smiling_adj}{who} with {hair}",
    "this {noun} has {hair} and is {smile}",
    "{a_who} with {hair} who is {smile}",
    "a {colour} haired {who}{extras_with}",
    "the {noun} in this photo has {hair}{wears} and is {smile}",
    "{pron} has {hair}{wears} and {smiles}",
    "a photo of {a_who} with {hair}, {smile}",
    "portrait of {a_who} with {hair}{plus}",
    "a {age}{sex} celebrity with {hair}{plus}",
)
_WITHOUT_HAIR = (
    "{a_who}{extras_with}",
    "a {smiling_adj}{who}{extras_with}",
    "this {noun}{extras_with} is {smile}",
    "the {noun} in this photo {smiles}{and_wears}",
    "{pron} {smiles}{and_wears}",
)


def _flags(attributes) -> dict:
    return {name: bool(value) for name, value in attributes.items()}


def hair_colour(attributes) -> str:
    """``black``, ``blond``, ``brown``, ``grey``, or ``other`` (none, or several, of CelebA's four)."""
    has = _flags(attributes)
    colours = [colour for colour, name in zip(HAIR_COLOURS, _HAIR_ATTRIBUTES) if has.get(name)]
    return colours[0] if len(colours) == 1 else "other"


def face_attributes(rows, names) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """The judged face attributes of 0/1 attribute rows: name -> int32 array, and `FACE_ATTRIBUTE_VALUES`."""
    columns = {name: i for i, name in enumerate(names)}
    table = np.asarray(rows, dtype=np.int32).reshape(len(rows), len(names))
    colour_index = [FACE_ATTRIBUTE_VALUES["hair_colour"].index(hair_colour(dict(zip(names, row)))) for row in table]
    attributes = {
        "hair_colour": np.asarray(colour_index, dtype=np.int32),
        "woman_or_man": table[:, columns["Male"]].astype(np.int32),
        "expression": table[:, columns["Smiling"]].astype(np.int32),
    }
    return attributes, {name: list(values) for name, values in FACE_ATTRIBUTE_VALUES.items()}


def _extras(has: dict, person: str) -> list[list[str]]:
    """What the person wears or has besides the hair, each with its phrasings."""
    extras = []
    if has.get("Eyeglasses"):
        extras.append(["glasses", "eyeglasses"])
    if has.get("Wearing_Hat"):
        extras.append(["a hat"])
    if has.get("Wearing_Earrings"):
        extras.append(["earrings"])
    if has.get("Wearing_Lipstick"):
        extras.append(["lipstick", "red lipstick"])
    if person == "man" and "No_Beard" in has and not has["No_Beard"]:
        extras.append(["a beard"])
    if has.get("Mustache"):
        extras.append([f"a {spelling}" for spelling in spellings("mustache")])
    return extras


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _hair(has: dict, colour: str, rng: np.random.Generator) -> str:
    if has.get("Bald"):
        return "no hair" if colour == "other" else f"a little {_spelt(colour, rng)} hair"
    texture = "wavy" if has.get("Wavy_Hair") else "straight" if has.get("Straight_Hair") else ""
    words = [texture if rng.random() < 0.5 else "", _spelt(colour, rng) if colour != "other" else ""]
    words = [w for w in words if w]
    hair = " ".join(words + ["hair"]) if words else ""
    return f"{hair} and bangs" if hair and has.get("Bangs") and rng.random() < 0.7 else hair


def _spelt(word: str, rng: np.random.Generator) -> str:
    """The word in one of the ways people write it, at random: blond / blonde, grey / gray / silver."""
    return str(rng.choice(spellings(word) + (("silver",) if word == "grey" else ())))


def face_captions(attributes, count: int = CAPTIONS_PER_FACE, seed: int | None = None) -> list[str]:
    """Writes ``count`` different captions for a face from CelebA's attributes.

    Args:
        attributes: CelebA's attribute names -> truthy values (a missing name
            counts as absent; without ``Male`` the face is a woman's).
        count: captions to write (fewer when the face allows fewer phrasings).
        seed: the phrasings' seed; by default one derived from the attributes,
            so a face's captions are the same in every reading (folder or TFDS).

    Returns:
        The captions, lower case, none naming an attribute the face lacks.
    """
    has = _flags(attributes)
    if seed is None:
        seed = zlib.crc32(",".join(sorted(name for name, value in has.items() if value)).encode())
    rng = np.random.default_rng(seed)
    person = "man" if has.get("Male") else "woman"
    colour = hair_colour(has)
    smiling = has.get("Smiling", False)
    extras = _extras(has, person)
    templates = _WITH_HAIR if (colour != "other" or has.get("Bald")) else _WITHOUT_HAIR
    captions = []
    for template in [templates[i] for i in rng.permutation(len(templates))]:
        nouns = _PEOPLE[person] + (("girl",) if person == "woman" and has.get("Young") else ())
        # At most one caption of a face leaves out who it is.
        noun = str(rng.choice([n for n in nouns if n != "person" or not any("person" in c for c in captions)]))
        age = "young " if has.get("Young") and rng.random() < 0.6 else \
            "older " if not has.get("Young", True) and rng.random() < 0.6 else ""
        who = f"{age}{noun}"
        if noun == "person" and template.startswith(("{a_who}", "a {smiling_adj}")):
            who = f"{age}{_ADJECTIVES[person]} person" if rng.random() < 0.5 else who
        chosen = [str(rng.choice(phrasings)) for phrasings in extras]
        chosen = [chosen[i] for i in rng.permutation(len(chosen))[: int(rng.integers(0, 3))]]
        hair = _hair(has, colour, rng)
        if template == "a {colour} haired {who}{extras_with}" and colour == "other":
            continue
        caption = template.format(
            a_who=f"a {who}", who=who, noun=noun, pron=_PRONOUNS[person],
            hair=hair or "hair", colour=_spelt(colour, rng), smile="smiling" if smiling else "not smiling",
            smiling_adj=str(rng.choice(("smiling ", "happy ") if smiling else ("", "serious "))),
            smiles="smiles" if smiling else "does not smile", sex=_ADJECTIVES[person], age=age,
            extras_with=f" with {_listed(chosen)}" if chosen else "",
            plus=(f" and {chosen[0]}" if len(chosen) == 1 else f", {_listed(chosen)}") if chosen else "",
            wears=f", wears {_listed(chosen)}" if chosen else "",
            and_wears=f" and wears {_listed(chosen)}" if chosen else "",
        )
        caption = re.sub(r"\ba (?=[aeiou])", "an ", " ".join(caption.replace(" ,", ",").split()))
        if caption not in captions:
            captions.append(caption)
        if len(captions) == count:
            break
    return captions

