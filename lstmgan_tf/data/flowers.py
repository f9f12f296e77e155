"""`synthetic_flowers`: the offline stand-in for Oxford-102 with its captions.

Each image is one flower seen from above: 3 to 8 petals around a centre, on a
leafy, earthy, sky or dark background. Its attributes (petal colour, count and
shape, centre colour and size, flower size, background) are kept as integer
labels, so a generated flower can later be judged against its caption.

Captions follow the style of the Oxford-102 captions of Reed et al. ("this
flower has five long thin yellow petals and a red center"). They are written
from a fixed set of templates with a small vocabulary and a few synonyms, so a
word2vec model trained on them learns every word. A caption never names a
value the image does not have; at most one caption in five leaves the petal
colour out.
"""

from __future__ import annotations

import numpy as np

from lstmgan_tf.data.render import Canvas, jitter_colour, rgb, with_article

VERSION = 2

# Colours a flower part can have, by name (0-255 RGB). Petal colours are far
# apart in hue or lightness so that a classifier can tell them apart at 32 px.
COLOURS = {
    "red": (205, 30, 40),
    "orange": (245, 135, 25),
    "yellow": (250, 215, 40),
    "white": (246, 246, 240),
    "pink": (250, 135, 190),
    "purple": (120, 45, 165),
    "blue": (45, 90, 220),
    "brown": (105, 62, 25),
    "green": (70, 150, 50),
    "black": (30, 25, 25),
}
PETAL_COLOURS = ("red", "orange", "yellow", "white", "pink", "purple", "blue")
CENTER_COLOURS = ("yellow", "orange", "brown", "white", "red", "green", "black")
PETAL_COUNTS = ("three", "four", "five", "six", "seven", "eight")
PETAL_SHAPES = ("round", "pointed", "thin")
CENTER_SIZES = ("small", "large")
FLOWER_SIZES = ("small", "medium", "large")
BACKGROUNDS = ("leaves", "soil", "sky", "dark")

ATTRIBUTE_VALUES = {
    "petal_colour": list(PETAL_COLOURS),
    "petal_count": list(PETAL_COUNTS),
    "petal_shape": list(PETAL_SHAPES),
    "center_colour": list(CENTER_COLOURS),
    "center_size": list(CENTER_SIZES),
    "flower_size": list(FLOWER_SIZES),
    "background": list(BACKGROUNDS),
}

# Words a caption may use for each value; the first is the plain one.
SHAPE_ADJECTIVES = {
    "round": ("round", "rounded"),
    "pointed": ("pointed", "pointy"),
    "thin": ("long thin", "narrow"),
}
SHAPE_PREDICATES = {
    "round": ("rounded", "round"),
    "pointed": ("pointed", "pointy"),
    "thin": ("long and thin", "narrow"),
}
FLOWER_SIZE_WORDS = {"small": ("small", "little"), "medium": ("",), "large": ("large", "big")}
CENTER_SIZE_WORDS = {"small": ("small", "tiny"), "large": ("large", "big")}
CENTER_WORDS = ("center", "middle")

_BACKGROUND_COLOURS = {
    "leaves": ((62, 120, 48), (38, 88, 34)),
    "soil": ((112, 82, 52), (84, 58, 36)),
    "sky": ((150, 195, 235), (190, 215, 240)),
    "dark": ((28, 42, 28), (14, 22, 16)),
}
_FLOWER_RADIUS = {"small": 0.27, "medium": 0.35, "large": 0.43}
_CENTER_RADIUS = {"small": 0.2, "large": 0.36}


def _draw_background(canvas: Canvas, rng: np.random.Generator, background: str) -> None:
    # Soft blotches in two nearby shades read as out-of-focus leaves, soil or sky.
    light, dark = (jitter_colour(rng, rgb(c), 0.04) for c in _BACKGROUND_COLOURS[background])
    canvas.blotches(rng, dark, light)


def _petal_outline(shape: str, count: int, length: float, steps: int = 9):
    """Half-widths of a petal at ``t`` in [0, 1] from its base to its tip."""
    t = np.linspace(0.0, 1.0, steps)
    gap = np.sin(np.pi / count)  # Keeps neighbouring petals from merging into a disk.
    if shape == "round":
        half_width = min(0.4, 0.95 * gap) * length * np.sqrt(np.sin(np.pi * t))
    elif shape == "pointed":
        # Widest at a third of the length, then straight sides to a sharp tip.
        half_width = min(0.32, 0.8 * gap) * length * 2.6 * np.sqrt(t) * (1.0 - t)
    else:
        half_width = 0.1 * length * np.sin(np.pi * t) ** 0.6
    return t, half_width


def _draw_flower(canvas: Canvas, rng: np.random.Generator, labels: dict) -> None:
    shape = PETAL_SHAPES[labels["petal_shape"]]
    count = labels["petal_count"] + 3
    centre_x, centre_y = rng.uniform(0.42, 0.58, size=2)
    radius = _FLOWER_RADIUS[FLOWER_SIZES[labels["flower_size"]]] * rng.uniform(0.94, 1.06)
    centre_radius = radius * _CENTER_RADIUS[CENTER_SIZES[labels["center_size"]]]
    petal_colour = jitter_colour(rng, rgb(COLOURS[PETAL_COLOURS[labels["petal_colour"]]]), 0.04)
    centre_colour = jitter_colour(rng, rgb(COLOURS[CENTER_COLOURS[labels["center_colour"]]]), 0.04)

    # Petals darken towards the centre, which gives the flower some depth.
    shade = 0.78 + 0.22 * np.clip(canvas.radial_map(centre_x, centre_y, radius), 0.0, 1.0)
    start = centre_radius * 0.5
    length = radius - start
    rotation = rng.uniform(0, 2 * np.pi)
    for index in range(count):
        angle = rotation + 2 * np.pi * index / count + rng.uniform(-0.06, 0.06)
        petal_length = length * rng.uniform(0.93, 1.0)
        t, half_width = _petal_outline(shape, count, petal_length)
        along = start + t * petal_length
        ux, uy = np.cos(angle), np.sin(angle)
        xs = centre_x + np.concatenate([along * ux - half_width * uy, (along * ux + half_width * uy)[::-1]])
        ys = centre_y + np.concatenate([along * uy + half_width * ux, (along * uy - half_width * ux)[::-1]])
        # Alternate petals are a touch lighter and darker so that overlaps show.
        brightness = (1.0 if index % 2 else 0.92) * rng.uniform(0.97, 1.03)
        canvas.polygon_shaded(xs, ys, np.clip(petal_colour * brightness, 0, 1), shade)

    canvas.disk(centre_x, centre_y, centre_radius, centre_colour)
    # A few darker and lighter dots suggest stamens.
    for _ in range(int(rng.integers(3, 6))):
        distance = centre_radius * 0.7 * np.sqrt(rng.uniform())
        angle = rng.uniform(0, 2 * np.pi)
        dot = np.clip(centre_colour * rng.choice([0.7, 1.2]), 0, 1)
        canvas.disk(
            centre_x + distance * np.cos(angle), centre_y + distance * np.sin(angle),
            centre_radius * 0.16, dot,
        )


def _sample_labels(rng: np.random.Generator) -> dict:
    labels = {
        "petal_colour": int(rng.integers(len(PETAL_COLOURS))),
        "petal_count": int(rng.integers(len(PETAL_COUNTS))),
        "petal_shape": int(rng.integers(len(PETAL_SHAPES))),
    }
    # The centre never has the petals' colour, so it always stands out.
    petal = PETAL_COLOURS[labels["petal_colour"]]
    allowed = [i for i, name in enumerate(CENTER_COLOURS) if name != petal]
    labels["center_colour"] = int(rng.choice(allowed))
    labels["center_size"] = int(rng.integers(len(CENTER_SIZES)))
    labels["flower_size"] = int(rng.integers(len(FLOWER_SIZES)))
    labels["background"] = int(rng.integers(len(BACKGROUNDS)))
    return labels


# Templates that name the petal colour, and those that do not. Slots:
# {P} petal colour, {N} petal count, {S} shape adjective, {Sp} shape predicate,
# {C} centre colour, {Z} centre size, {M} "center" or "middle",
# {aP}/{aC}/{aZC} the same with "a"/"an" in front, {aF} "a small"/"a big"/"a"
# (flower size; medium flowers get no size word).
COLOUR_TEMPLATES = (
    "this flower has {N} {S} {P} petals and {aC} {M}",
    "{aP} flower with {S} petals surrounding {aZC} {M}",
    "this flower is {P} in color, with {N} petals that are {Sp}",
    "the petals of this flower are {P} and {Sp}, and the {M} is {C}",
    "{aF} flower with {N} {P} petals",
    "this {P} flower has {N} petals and {aZC} {M}",
    "{N} {P} petals surround {aC} {M}",
    "this flower has petals that are {P} with {aC} {M}",
    "the flower shown has {N} {P} petals which are {Sp}",
    "this is {aP} flower with {N} {S} petals",
    "a flower with {P} petals that are {Sp} and {aZC} {M}",
    "this flower has {N} {P} petals arranged around {aZC} {M}",
)
PLAIN_TEMPLATES = (
    "this flower has {N} {S} petals and {aZC} {M}",
    "a flower with {N} {S} petals arranged around its {M}",
    "this flower has petals that are {Sp}, {N} in total, around {aC} {M}",
    "the {M} of this flower is {C} and its {N} petals are {Sp}",
)
MAX_CAPTIONS = len(COLOUR_TEMPLATES) + len(PLAIN_TEMPLATES)


def _fill(template: str, rng: np.random.Generator, labels: dict) -> str:
    petal = PETAL_COLOURS[labels["petal_colour"]]
    centre = CENTER_COLOURS[labels["center_colour"]]
    shape = PETAL_SHAPES[labels["petal_shape"]]
    centre_size = str(rng.choice(CENTER_SIZE_WORDS[CENTER_SIZES[labels["center_size"]]]))
    flower_size = str(rng.choice(FLOWER_SIZE_WORDS[FLOWER_SIZES[labels["flower_size"]]]))
    return template.format(
        P=petal,
        aP=with_article(petal),
        N=PETAL_COUNTS[labels["petal_count"]],
        S=str(rng.choice(SHAPE_ADJECTIVES[shape])),
        Sp=str(rng.choice(SHAPE_PREDICATES[shape])),
        C=centre,
        aC=with_article(centre),
        aZC=with_article(f"{centre_size} {centre}"),
        aF=with_article(flower_size) if flower_size else "a",
        M=str(rng.choice(CENTER_WORDS)),
    )


def write_captions(rng: np.random.Generator, labels: dict, count: int) -> list[str]:
    """Writes ``count`` different captions for a flower with integer ``labels``.

    At most a quarter of the captions leave out the petal colour.
    """
    most_plain = min(count // 4, len(PLAIN_TEMPLATES))
    fewest_plain = max(0, count - len(COLOUR_TEMPLATES))
    if fewest_plain > most_plain:
        raise ValueError(
            f"captions_per_image={count} is too many: the flower templates give at most "
            f"{MAX_CAPTIONS} different captions per image."
        )
    plain = int(rng.integers(fewest_plain, most_plain + 1))
    coloured = count - plain
    chosen = [COLOUR_TEMPLATES[i] for i in rng.permutation(len(COLOUR_TEMPLATES))[:coloured]]
    chosen += [PLAIN_TEMPLATES[i] for i in rng.permutation(len(PLAIN_TEMPLATES))[:plain]]
    captions = [_fill(template, rng, labels) for template in chosen]
    return [captions[i] for i in rng.permutation(len(captions))]


def draw_example(rng: np.random.Generator, image_size: int, captions_per_image: int):
    """Draws one flower; returns ``(uint8 image, labels, captions)``."""
    labels = _sample_labels(rng)
    canvas = Canvas(image_size, background=(0, 0, 0))
    _draw_background(canvas, rng, BACKGROUNDS[labels["background"]])
    _draw_flower(canvas, rng, labels)
    return canvas.to_uint8(), labels, write_captions(rng, labels, captions_per_image)


# --------------------------------------------------------------------------- #
# Reading a caption back: which attribute values does it state?
# --------------------------------------------------------------------------- #

def _alternatives(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_COLOUR = _alternatives(COLOURS)
_CENTER = r"(?:center|centre|middle)"
# Size words mean the same for the flower and its centre.
_SIZE_WORDS = {
    **{w: s for s, ws in FLOWER_SIZE_WORDS.items() for w in ws if w},
    **{w: s for s, ws in CENTER_SIZE_WORDS.items() for w in ws},
}
_SHAPE_NAMES = {
    "long and thin": "thin", "long thin": "thin", "narrow": "thin", "thin": "thin", "round": "round",
    "rounded": "round", "pointed": "pointed", "pointy": "pointed",
}
# Every place a caption may name a colour, and which attribute it names there.
_COLOUR_PATTERNS = (
    (rf"\b({_COLOUR}) {_CENTER}\b", "center_colour"),
    (rf"\b(?:small|tiny|large|big) ({_COLOUR}) {_CENTER}\b", "center_colour"),
    (rf"\b{_CENTER}(?: of this flower)? is ({_COLOUR})\b", "center_colour"),
    (rf"\b({_COLOUR}) petals?\b", "petal_colour"),
    (rf"\b({_COLOUR}) flower\b", "petal_colour"),
    (rf"\bpetals (?:that )?are ({_COLOUR})\b", "petal_colour"),
    (rf"\bpetals of this flower are ({_COLOUR})\b", "petal_colour"),
    (rf"\bis ({_COLOUR}) in colou?r\b", "petal_colour"),
)


def caption_facts(caption: str, strict: bool = False) -> dict[str, set[str]]:
    """Returns the attribute values a flower caption states, by attribute.

    Understands the phrasings of this module's templates ("five pointed red
    petals", "a small yellow center", "the petals are long and thin", ...).

    Args:
        caption: the caption, lower case.
        strict: raise if a colour or size word appears where none of the
            known phrasings explains it (used by the tests, so that a new
            template cannot slip a word past the check).

    Returns:
        ``{attribute: {value names}}``, e.g. ``{"petal_colour": {"red"}}``;
        more than one value for an attribute means the caption contradicts
        itself.

    Example:

    >>> sorted(caption_facts("this flower has five round red petals and a small yellow center").items())
    [('center_colour', {'yellow'}), ('center_size', {'small'}), ('petal_colour', {'red'}), \
('petal_count', {'five'}), ('petal_shape', {'round'})]
    """
    import re

    caption = caption.lower()
    facts: dict[str, set[str]] = {}
    explained = set()
    for pattern, attribute in _COLOUR_PATTERNS:
        for match in re.finditer(pattern, caption):
            facts.setdefault(attribute, set()).add(match.group(1))
            explained.add(match.start(1))
    if strict:
        for match in re.finditer(rf"\b({_COLOUR})\b", caption):
            if match.start() not in explained:
                raise ValueError(f"colour word {match.group()!r} unparsed in {caption!r}")
    for word in re.findall(rf"\b({_alternatives(PETAL_COUNTS)})\b", caption):
        facts.setdefault("petal_count", set()).add(word)
    for match in re.finditer(rf"\b({_alternatives(_SHAPE_NAMES)})\b", caption):
        facts.setdefault("petal_shape", set()).add(_SHAPE_NAMES[match.group(1)])
    for match in re.finditer(rf"\b({_alternatives(_SIZE_WORDS)})\b", caption):
        rest = caption[match.end():]
        if re.match(rf" (?:(?:{_COLOUR}) )?{_CENTER}\b", rest):
            facts.setdefault("center_size", set()).add(_SIZE_WORDS[match.group(1)])
        elif re.match(r" (?:\w+ )?flower\b", rest):
            facts.setdefault("flower_size", set()).add(_SIZE_WORDS[match.group(1)])
        elif strict:
            raise ValueError(f"size word {match.group(1)!r} unparsed in {caption!r}")
    return facts
