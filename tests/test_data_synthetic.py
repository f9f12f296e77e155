"""The built-in synthetic datasets: determinism, captions that agree with the pictures, tf.data."""

import collections
import os
import re

import numpy as np
import pytest

from lstmgan_tf.data import DATASET_NAMES, load_arrays, load_dataset
from lstmgan_tf.data import faces, flowers, synthetic

CAPTIONED = ("synthetic_flowers", "synthetic_faces")
SYNTHETIC = (*CAPTIONED, "abstract_art")


@pytest.fixture(scope="module")
def flower_set():
    return load_arrays("synthetic_flowers", image_size=32, count=300, seed=3, cache=False)


@pytest.fixture(scope="module")
def face_set():
    return load_arrays("synthetic_faces", image_size=32, count=200, seed=3, cache=False)


# --------------------------------------------------------------------------- #
# Determinism and shapes.
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", SYNTHETIC)
def test_same_seed_gives_identical_images_and_captions(name):
    first = load_arrays(name, image_size=32, count=6, seed=7, cache=False)
    second = load_arrays(name, image_size=32, count=6, seed=7, cache=False)
    np.testing.assert_array_equal(first.images, second.images)
    assert first.captions == second.captions
    other = load_arrays(name, image_size=32, count=6, seed=8, cache=False)
    assert not np.array_equal(first.images, other.images)
    if first.captions is not None:
        assert first.captions != other.captions


@pytest.mark.parametrize("name", SYNTHETIC)
def test_a_larger_count_only_adds_images_and_splits_differ(name):
    small = load_arrays(name, image_size=32, count=3, cache=False)
    large = load_arrays(name, image_size=32, count=8, cache=False)
    np.testing.assert_array_equal(small.images, large.images[:3])
    test = load_arrays(name, split="test", image_size=32, count=8, cache=False)
    for image in test.images:
        assert not any(np.array_equal(image, train_image) for train_image in large.images)


@pytest.mark.parametrize("size", [32, 64, 128])
def test_images_have_the_requested_size_and_are_not_flat(size):
    data = load_arrays("synthetic_flowers", image_size=size, count=2, cache=False)
    assert data.images.shape == (2, size, size, 3) and data.images.dtype == np.uint8
    assert data.images.std() > 20


def test_attributes_are_integer_labels_with_names(flower_set):
    assert set(flower_set.attributes) == set(flowers.ATTRIBUTE_VALUES)
    for key, labels in flower_set.attributes.items():
        assert labels.shape == (300,)
        assert 0 <= labels.min() and labels.max() < len(flower_set.attribute_values[key])
    # 300 flowers cover every petal colour, count and shape.
    for key in ("petal_colour", "petal_count", "petal_shape"):
        assert len(np.unique(flower_set.attributes[key])) == len(flower_set.attribute_values[key])
    assert len(flower_set.attribute_values["petal_colour"]) >= 6
    assert len(flower_set.attribute_values["petal_shape"]) >= 3
    assert flower_set.attribute_values["petal_count"] == ["three", "four", "five", "six", "seven", "eight"]


def test_petal_colour_is_visible_in_the_pixels(flower_set):
    # The mean colour of the most saturated pixels is closest to the petal colour
    # for most flowers, so a classifier has something to learn.
    palette = np.array([flowers.COLOURS[c] for c in flowers.PETAL_COLOURS], dtype=np.float32)
    hits = 0
    for image, label in zip(flower_set.images, flower_set.attributes["petal_colour"]):
        pixels = image.reshape(-1, 3).astype(np.float32)
        distances = np.linalg.norm(pixels[:, None, :] - palette[None], axis=-1)
        nearest = distances.argmin(axis=1)
        close = distances.min(axis=1) < 60
        votes = np.bincount(nearest[close], minlength=len(palette))
        hits += int(votes.argmax() == label)
    assert hits / len(flower_set) > 0.85


# --------------------------------------------------------------------------- #
# Captions agree with the attributes.
# --------------------------------------------------------------------------- #

def _alternatives(words):
    return "|".join(sorted(words, key=len, reverse=True))


def parse_flower_caption(caption):
    """The facts a caption states; raises if a colour or size word is left unexplained."""
    return flowers.caption_facts(caption, strict=True)


def test_flower_captions_never_contradict_the_attributes(flower_set):
    checked = collections.Counter()
    for index, captions in enumerate(flower_set.captions):
        truth = flower_set.describe(index)
        for caption in captions:
            for attribute, values in parse_flower_caption(caption).items():
                assert values == {truth[attribute]}, (caption, truth)
                checked[attribute] += 1
    # Every kind of fact was stated (and checked) many times.
    for attribute in ("petal_colour", "petal_count", "petal_shape", "center_colour", "center_size", "flower_size"):
        assert checked[attribute] > 50, checked


def test_the_parser_catches_a_contradiction():
    facts = parse_flower_caption("this flower has five round red petals and a small yellow center")
    assert facts == {"petal_count": {"five"}, "petal_shape": {"round"}, "petal_colour": {"red"},
                     "center_colour": {"yellow"}, "center_size": {"small"}}
    assert parse_flower_caption("a little flower with eight thin blue petals") == {
        "flower_size": {"small"}, "petal_count": {"eight"}, "petal_shape": {"thin"}, "petal_colour": {"blue"}}
    # Two colours for the petals: the contradiction is visible to the check.
    assert parse_flower_caption("a red flower with blue petals")["petal_colour"] == {"red", "blue"}
    with pytest.raises(ValueError, match="colour word 'yellow' unparsed"):
        parse_flower_caption("a flower with yellow")
    with pytest.raises(ValueError, match="size word 'big' unparsed"):
        parse_flower_caption("a flower with big petals")


def test_most_flower_captions_name_the_petal_colour(flower_set):
    for index, captions in enumerate(flower_set.captions):
        naming = sum("petal_colour" in parse_flower_caption(c) for c in captions)
        assert naming / len(captions) >= 0.75, captions
    total = sum(len(c) for c in flower_set.captions)
    naming = sum("petal_colour" in parse_flower_caption(c) for cs in flower_set.captions for c in cs)
    assert naming / total < 1.0  # Some captions leave the colour out, as people do.


@pytest.mark.parametrize("name", CAPTIONED)
def test_every_image_has_at_least_five_different_captions(name, flower_set, face_set):
    data = flower_set if name == "synthetic_flowers" else face_set
    for captions in data.captions:
        assert len(set(captions)) >= 5
    templates_used = {re.sub(r"\b\w+\b", "w", c) for cs in data.captions for c in cs}
    assert len(templates_used) >= 8


def test_more_captions_per_image_keep_the_rules():
    data = load_arrays("synthetic_flowers", image_size=32, count=20, captions_per_image=10, cache=False)
    for index, captions in enumerate(data.captions):
        assert len(set(captions)) == 10
        facts = [parse_flower_caption(c) for c in captions]
        assert sum("petal_colour" in f for f in facts) >= 8
    fewer = load_arrays("synthetic_flowers", image_size=32, count=20, captions_per_image=5, cache=False)
    np.testing.assert_array_equal(data.images, fewer.images)


HAIR = {w: c for c, ws in faces.HAIR_WORDS.items() for w in ws}
SKIN = {w: c for c, ws in faces.SKIN_WORDS.items() for w in ws}
FACE_COLOUR_WORDS = set(HAIR) | set(SKIN) | set(faces.EYE_COLOURS)


def parse_face_caption(caption):
    facts = collections.defaultdict(set)
    positions = set()
    patterns = (
        (rf"\b({_alternatives(HAIR)}) hair\b", "hair_colour", HAIR),
        (rf"\bhair that is ({_alternatives(HAIR)})\b", "hair_colour", HAIR),
        (rf"\b({_alternatives(faces.EYE_COLOURS)}) eyes\b", "eye_colour", None),
        (rf"\b({_alternatives(SKIN)}) skin\b", "skin_tone", SKIN),
    )
    for pattern, attribute, names in patterns:
        for match in re.finditer(pattern, caption):
            facts[attribute].add(names[match.group(1)] if names else match.group(1))
            positions.add(match.start(1))
    for match in re.finditer(rf"\b({_alternatives(FACE_COLOUR_WORDS)})\b", caption):
        assert match.start() in positions, f"colour word {match.group()!r} unparsed in {caption!r}"
    for style in re.findall(r"\b(short|long|curly)\b", caption):
        facts["hair_style"].add(style)
    if "smiling" in caption:
        facts["smile"].add("neutral" if "not smiling" in caption else "smiling")
    if "glasses" in caption:
        negated = "no glasses" in caption or "not wearing glasses" in caption
        facts["glasses"].add("no" if negated else "yes")
    return facts


def test_face_captions_never_contradict_the_attributes(face_set):
    checked = collections.Counter()
    for index, captions in enumerate(face_set.captions):
        truth = face_set.describe(index)
        for caption in captions:
            for attribute, values in parse_face_caption(caption).items():
                assert values == {truth[attribute]}, (caption, truth)
                checked[attribute] += 1
    for attribute in ("hair_colour", "hair_style", "eye_colour", "skin_tone", "smile", "glasses"):
        assert checked[attribute] > 40, checked


def test_abstract_art_has_no_captions_or_attributes():
    data = load_arrays("abstract_art", image_size=32, count=4, cache=False)
    assert data.captions is None and data.attributes is None
    assert data.images.shape == (4, 32, 32, 3)


# --------------------------------------------------------------------------- #
# The disk cache.
# --------------------------------------------------------------------------- #

def test_arrays_are_cached_on_disk_and_read_back():
    first = load_arrays("synthetic_flowers", image_size=32, count=5, seed=2)
    paths = os.listdir(os.path.join(os.environ["LSTMGAN_OUTPUTS"], "datasets"))
    assert paths == [f"synthetic_flowers-v{flowers.VERSION}-train-32px-5-seed2-5captions.npz"]
    second = load_arrays("synthetic_flowers", image_size=32, count=5, seed=2)
    np.testing.assert_array_equal(first.images, second.images)
    assert first.captions == second.captions
    for key in first.attributes:
        np.testing.assert_array_equal(first.attributes[key], second.attributes[key])


def test_the_cache_is_what_gets_read(monkeypatch):
    spec = synthetic.SYNTHETIC_DATASETS["synthetic_faces"]
    load_arrays("synthetic_faces", image_size=32, count=3)
    path = synthetic.cache_path(spec, "train", 32, 3, 0, 5)
    images, captions, attributes, _ = synthetic.load_cache(path)
    synthetic.save_cache(path, np.zeros_like(images), captions, attributes)
    assert load_arrays("synthetic_faces", image_size=32, count=3).images.max() == 0
    # A damaged cache file is drawn again, not trusted.
    with open(path, "wb") as handle:
        handle.write(b"not an npz")
    assert load_arrays("synthetic_faces", image_size=32, count=3).images.max() > 0


# --------------------------------------------------------------------------- #
# tf.data.
# --------------------------------------------------------------------------- #

def test_an_epoch_uses_every_caption_of_every_image_once():
    data = load_arrays("synthetic_flowers", image_size=32, count=12, cache=False)
    dataset = load_dataset("synthetic_flowers", image_size=32, count=12, cache=False)
    seen = collections.Counter()
    for element in dataset:
        index = int(element["image_index"])
        seen[(index, element["caption"].numpy().decode())] += 1
        image = element["image"].numpy()
        assert image.dtype == np.float32 and -1.0 <= image.min() and image.max() <= 1.0
        np.testing.assert_allclose(image, data.images[index] / 127.5 - 1.0, atol=1e-6)
        assert int(element["attributes"]["petal_colour"]) == data.attributes["petal_colour"][index]
    expected = collections.Counter((i, c) for i, cs in enumerate(data.captions) for c in cs)
    assert seen == expected


def test_shuffling_is_seeded_and_batches_drop_the_remainder():
    def first_indices(seed):
        dataset = load_dataset("synthetic_faces", image_size=32, count=10, seed=seed, batch_size=8, cache=False)
        return [batch["image_index"].numpy().tolist() for batch in dataset]

    batches = first_indices(0)
    assert len(batches) == 50 // 8 and all(len(b) == 8 for b in batches)
    assert first_indices(0) == batches
    assert first_indices(1) != batches
    unshuffled = load_dataset("synthetic_faces", image_size=32, count=10, shuffle=False, cache=False)
    assert [int(e["image_index"]) for e in unshuffled][:6] == [0, 0, 0, 0, 0, 1]


def test_uncaptioned_dataset_and_profile_defaults():
    dataset = load_dataset("abstract_art", batch_size=4)
    batch = next(iter(dataset))
    assert set(batch) == {"image", "image_index"}
    from lstmgan_tf import config

    size = config.get_profile().image_size
    assert tuple(batch["image"].shape) == (4, size, size, 3)
    assert dataset.cardinality().numpy() == config.get_profile().dataset_size // 4


# --------------------------------------------------------------------------- #
# Bad input.
# --------------------------------------------------------------------------- #

def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown dataset 'flowerz'; choose one of: synthetic_flowers") as info:
        load_arrays("flowerz")
    for name in DATASET_NAMES:
        assert name in str(info.value)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"split": "validation"}, "unknown split 'validation' for 'synthetic_flowers'; choose one of: train, test"),
        ({"count": 0}, "count must be a positive integer, got 0"),
        ({"image_size": 4}, "image_size must be at least 8"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"captions_per_image": 40}, "captions_per_image=40 is too many for 'synthetic_flowers'"),
        ({"captions_dir": "/tmp"}, "'synthetic_flowers' does not take option.* captions_dir; it takes: "
                                   "captions_per_image, cache"),
    ],
)
def test_bad_arguments_name_themselves(arguments, message):
    with pytest.raises(ValueError, match=message):
        load_arrays("synthetic_flowers", **{"count": 2, **arguments})


def test_a_batch_larger_than_the_dataset_is_an_error():
    with pytest.raises(ValueError, match="batch_size=64 is larger than the 2 elements of 'abstract_art'"):
        load_dataset("abstract_art", count=2, batch_size=64)
