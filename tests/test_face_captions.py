"""Captions written from CelebA's attributes: what a person would say, and nothing the face lacks."""

import re

import numpy as np
import pytest

from lstmgan_tf.data import celeba, face_captions
from lstmgan_tf.data.words import canonical_word
from lstmgan_tf.text import CaptionVectorizer, tokenize


def _random_faces(count, seed=0):
    """Attribute rows drawn at CelebA's rates for the attributes captions name."""
    rng = np.random.default_rng(seed)
    rates = {"Male": 0.42, "Smiling": 0.48, "Young": 0.78, "Eyeglasses": 0.2, "Wearing_Hat": 0.1,
             "No_Beard": 0.8, "Mustache": 0.1, "Bangs": 0.15, "Bald": 0.03, "Wavy_Hair": 0.3,
             "Straight_Hair": 0.2, "Wearing_Earrings": 0.2, "Wearing_Lipstick": 0.45}
    faces = []
    for _ in range(count):
        face = {name: bool(rng.random() < rate) for name, rate in rates.items()}
        colour = rng.integers(0, 5)  # One of the four hair colours, or none.
        face.update({name: colour == i for i, name in enumerate(("Black_Hair", "Blond_Hair", "Brown_Hair",
                                                                   "Gray_Hair"))})
        faces.append(face)
    return faces


def _words(caption):
    return [canonical_word(word) for word in tokenize(caption)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_captions_name_what_the_face_has_and_nothing_it_lacks(seed):
    for face in _random_faces(100, seed):
        _check_captions(face)


def _check_captions(face):
    captions = face_captions.face_captions(face)
    assert 4 <= len(captions) <= face_captions.CAPTIONS_PER_FACE and len(set(captions)) == len(captions)
    person, other = ("man", "woman") if face["Male"] else ("woman", "man")
    colour = face_captions.hair_colour(face)
    assert sum(person in _words(caption) for caption in captions) >= len(captions) - 1  # One "this person ..."
    for caption in captions:
        words = _words(caption)
        assert other not in words and not re.search(r"\ba [aeiou]", caption), caption
        named_colours = set(words) & set(face_captions.HAIR_COLOURS)
        assert named_colours == ({colour} if colour != "other" else set()), caption
        for position, word in enumerate(words):
            if word == "smiling":  # "smiling", "smiles", "not smiling", "does not smile"
                assert ("not" in words[max(0, position - 2):position]) == (not face["Smiling"]), caption
        assert ("glasses" in caption) <= face["Eyeglasses"] and ("hat" in words) <= face["Wearing_Hat"], caption
        assert ("beard" in words) <= (not face["No_Beard"] and face["Male"]), caption
    assert face_captions.face_captions(face) == captions  # The same face, the same captions.


def test_both_spellings_reach_the_vocabulary_and_words_move_in_the_sentence():
    faces = _random_faces(400, seed=3)
    captions = [c for face in faces for c in face_captions.face_captions(face)]
    vocabulary = CaptionVectorizer(max_length=24).fit(captions).get_vocabulary()
    assert {"blond", "blonde", "grey", "gray", "silver", "woman", "lady", "girl", "female", "man", "guy",
            "gentleman", "male", "happy"} <= set(vocabulary)
    colour_positions = {_words(c).index(colour) for c in captions for colour in face_captions.HAIR_COLOURS
                        if colour in _words(c)}
    assert len(colour_positions) >= 5  # The colour word is not always in one place.


def test_the_judged_attributes_come_from_celebas_labels():
    faces = [{"Male": 1, "Smiling": 0, "Gray_Hair": 1}, {"Male": 0, "Smiling": 1, "Black_Hair": 1, "Blond_Hair": 1},
             {"Male": 0, "Smiling": 1}]
    rows = [[int(bool(face.get(name))) for name in celeba.ATTRIBUTES] for face in faces]
    attributes, values = celeba.attribute_arrays(rows)
    described = [{name: values[name][attributes[name][i]] for name in face_captions.FACE_ATTRIBUTE_VALUES}
                 for i in range(len(faces))]
    assert described == [
        {"hair_colour": "grey", "woman_or_man": "man", "expression": "not smiling"},
        {"hair_colour": "other", "woman_or_man": "woman", "expression": "smiling"},  # Two colours: neither.
        {"hair_colour": "other", "woman_or_man": "woman", "expression": "smiling"},
    ]
    assert values["smiling"] == ["no", "yes"] and len(attributes) == 43
