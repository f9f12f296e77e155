"""`synthetic_faces`: cartoon faces with attributes and captions.

The offline stand-in for the face photographs (CelebA-like) used by the LSTM
discriminator paper. A face has a skin tone, a hair colour and style, an eye
colour, a smile or not, and glasses or not; the attributes are integer labels,
and every face has captions such as "a smiling person with short blond hair and
blue eyes" that never contradict the picture.
"""

from __future__ import annotations

import numpy as np

from lstmgan_tf.data.render import Canvas, jitter_colour, rgb

VERSION = 1

SKIN_TONES = {
    "light": (250, 218, 192),
    "tan": (222, 170, 122),
    "brown": (160, 105, 66),
    "dark": (92, 58, 38),
}
HAIR_COLOURS = {
    "black": (28, 22, 22),
    "brown": (105, 62, 30),
    "blond": (238, 202, 105),
    "red": (185, 62, 28),
    "gray": (172, 172, 176),
}
HAIR_STYLES = ("short", "long", "curly")
EYE_COLOURS = {"blue": (40, 110, 220), "brown": (95, 55, 25), "green": (40, 150, 60)}
SMILES = ("neutral", "smiling")
GLASSES = ("no", "yes")
BACKGROUNDS = {
    "teal": (70, 160, 160),
    "lilac": (180, 160, 215),
    "sand": (225, 205, 160),
    "slate": (90, 105, 125),
}

ATTRIBUTE_VALUES = {
    "skin_tone": list(SKIN_TONES),
    "hair_colour": list(HAIR_COLOURS),
    "hair_style": list(HAIR_STYLES),
    "eye_colour": list(EYE_COLOURS),
    "smile": list(SMILES),
    "glasses": list(GLASSES),
    "background": list(BACKGROUNDS),
}

# Words a caption may use for each value; the first is the plain one.
SKIN_WORDS = {"light": ("light", "fair"), "tan": ("tan",), "brown": ("brown",), "dark": ("dark",)}
HAIR_WORDS = {
    "black": ("black",), "brown": ("brown",), "blond": ("blond", "blonde"),
    "red": ("red", "ginger"), "gray": ("gray", "grey"),
}
PERSON_WORDS = ("person", "face", "someone")


def _draw_face(canvas: Canvas, rng: np.random.Generator, labels: dict) -> None:
    names = {key: ATTRIBUTE_VALUES[key][value] for key, value in labels.items()}
    skin = jitter_colour(rng, rgb(SKIN_TONES[names["skin_tone"]]), 0.03)
    hair = jitter_colour(rng, rgb(HAIR_COLOURS[names["hair_colour"]]), 0.03)
    iris = rgb(EYE_COLOURS[names["eye_colour"]])
    background = jitter_colour(rng, rgb(BACKGROUNDS[names["background"]]), 0.05)
    canvas.vertical_gradient(np.clip(background * 1.1, 0, 1), background * 0.85)

    x = rng.uniform(0.46, 0.54)
    y = rng.uniform(0.47, 0.53)
    half_width = rng.uniform(0.23, 0.27)
    half_height = half_width * rng.uniform(1.18, 1.3)
    style = names["hair_style"]

    # Shoulders in a shirt of any colour.
    shirt = jitter_colour(rng, rng.uniform(0.15, 0.85, size=3).astype(np.float32), 0.0)
    canvas.ellipse(x, 1.02, 0.42, 0.2, shirt)
    canvas.ellipse(x, y + half_height * 0.95, half_width * 0.38, half_height * 0.3, skin * 0.92)  # Neck.

    # Hair behind the head.
    if style == "long":
        canvas.ellipse(x, y - 0.02, half_width * 1.2, half_height * 1.08, hair)
        canvas.polygon(
            [x - half_width * 1.2, x + half_width * 1.2, x + half_width * 1.25, x - half_width * 1.25],
            [y, y, y + half_height * 1.25, y + half_height * 1.25], hair,
        )
    elif style == "curly":
        for angle in np.linspace(np.pi * 0.95, np.pi * 2.05, 11):
            canvas.disk(
                x + np.cos(angle) * half_width * 1.05, y - 0.02 + np.sin(angle) * half_height * 1.0,
                half_width * 0.36, hair,
            )
    else:
        canvas.ellipse(x, y - half_height * 0.12, half_width * 1.08, half_height * 0.98, hair)

    # Ears, head.
    canvas.ellipse(x - half_width, y + 0.02, half_width * 0.18, half_height * 0.2, skin * 0.95)
    canvas.ellipse(x + half_width, y + 0.02, half_width * 0.18, half_height * 0.2, skin * 0.95)
    canvas.ellipse(x, y, half_width, half_height, skin)

    # A fringe over the forehead: the top of an ellipse cut by a wavy line.
    top = y - half_height
    fringe_depth = half_height * (0.42 if style == "curly" else 0.36)
    angles = np.linspace(np.pi, 2 * np.pi, 16)
    xs = x + np.cos(angles) * half_width * 1.04
    ys = y - half_height * 0.25 + np.sin(angles) * half_height * 0.8
    xs = np.concatenate([xs, [x + half_width * 0.9, x, x - half_width * 0.9]])
    ys = np.concatenate([ys, [top + fringe_depth * 1.1, top + fringe_depth * 0.8, top + fringe_depth * 1.1]])
    canvas.polygon(xs, ys, hair)
    if style == "curly":
        for offset in np.linspace(-0.8, 0.8, 5):
            canvas.disk(x + offset * half_width, top + fringe_depth * 0.75, half_width * 0.2, hair)

    # Eyes: white, iris, pupil; eyebrows in the hair colour.
    eye_y = y - half_height * 0.05
    eye_dx = half_width * 0.42
    for side in (-1, 1):
        eye_x = x + side * eye_dx
        canvas.ellipse(eye_x, eye_y, half_width * 0.24, half_height * 0.12, (0.97, 0.97, 0.97))
        canvas.disk(eye_x, eye_y, half_width * 0.14, iris)
        canvas.disk(eye_x, eye_y, half_width * 0.06, (0.05, 0.05, 0.05))
        brow = eye_y - half_height * 0.2
        canvas.stroke(
            [eye_x - half_width * 0.22, eye_x, eye_x + half_width * 0.22],
            [brow + 0.008, brow - 0.01, brow + 0.008], half_height * 0.06, hair * 0.85, caps=False,
        )
    canvas.stroke([x, x - half_width * 0.06], [y + half_height * 0.05, y + half_height * 0.28],
                  half_width * 0.07, skin * 0.78, caps=False)  # Nose.

    mouth_y = y + half_height * 0.5
    lips = np.array([0.7, 0.2, 0.2], np.float32)
    if names["smile"] == "smiling":
        t = np.linspace(-1, 1, 12)
        canvas.stroke(x + t * half_width * 0.42, mouth_y + (1 - t ** 2) * half_height * 0.12 - 0.01,
                      half_height * 0.08, lips)
    else:
        canvas.stroke([x - half_width * 0.3, x + half_width * 0.3], [mouth_y, mouth_y],
                      half_height * 0.06, lips * 0.8)

    if names["glasses"] == "yes":
        frame = np.array([0.08, 0.08, 0.1], np.float32)
        for side in (-1, 1):
            angles = np.linspace(0, 2 * np.pi, 25)
            eye_x = x + side * eye_dx
            radius = half_width * 0.33
            canvas.stroke(eye_x + np.cos(angles) * radius, eye_y + np.sin(angles) * radius * 0.85,
                          half_width * 0.08, frame, caps=False)
        canvas.stroke([x - eye_dx + half_width * 0.33, x + eye_dx - half_width * 0.33],
                      [eye_y, eye_y], half_width * 0.07, frame, caps=False)


def _sample_labels(rng: np.random.Generator) -> dict:
    return {key: int(rng.integers(len(values))) for key, values in ATTRIBUTE_VALUES.items()}


# Slots: {H} hair colour, {St} hair style, {E} eye colour, {K} skin tone,
# {who} person/face/someone, {Sm} smiling clause, {G} glasses clause,
# {aSmWho} "a smiling person" or "a person".
TEMPLATES = (
    "{aSmWho} with {St} {H} hair and {E} eyes",
    "this {who} has {St} {H} hair and {G_has}",
    "a {who} with {K} skin, {E} eyes and {St} {H} hair",
    "the {who} is {Sm_pred} and {G_pred}",
    "{St} {H} hair frames a {who} with {K} skin",
    "a {who} with {E} eyes who is {Sm_pred}",
    "this {who} has {K} skin, {St} {H} hair and is {G_pred}",
    "{aSmWho} with {K} skin and {G_has}",
    "a portrait of a {who} with {H} hair, {E} eyes and {G_has}",
    "someone with {St} hair that is {H}, who is {Sm_pred}",
)
MAX_CAPTIONS = len(TEMPLATES)


def _fill(template: str, rng: np.random.Generator, labels: dict) -> str:
    names = {key: ATTRIBUTE_VALUES[key][value] for key, value in labels.items()}
    who = str(rng.choice(PERSON_WORDS[:2]))
    smiling = names["smile"] == "smiling"
    glasses = names["glasses"] == "yes"
    return template.format(
        H=str(rng.choice(HAIR_WORDS[names["hair_colour"]])),
        St=names["hair_style"],
        E=names["eye_colour"],
        K=str(rng.choice(SKIN_WORDS[names["skin_tone"]])),
        who=who,
        aSmWho=f"a smiling {who}" if smiling else f"a {who}",
        Sm_pred="smiling" if smiling else "not smiling",
        G_pred="wearing glasses" if glasses else "not wearing glasses",
        G_has="glasses" if glasses else "no glasses",
    )


def write_captions(rng: np.random.Generator, labels: dict, count: int) -> list[str]:
    """Writes ``count`` different captions for a face with integer ``labels``."""
    if count > MAX_CAPTIONS:
        raise ValueError(
            f"captions_per_image={count} is too many: the face templates give at most "
            f"{MAX_CAPTIONS} different captions per image."
        )
    return [_fill(TEMPLATES[i], rng, labels) for i in rng.permutation(len(TEMPLATES))[:count]]


def draw_example(rng: np.random.Generator, image_size: int, captions_per_image: int):
    """Draws one face; returns ``(uint8 image, labels, captions)``."""
    labels = _sample_labels(rng)
    canvas = Canvas(image_size, background=(0, 0, 0))
    _draw_face(canvas, rng, labels)
    return canvas.to_uint8(), labels, write_captions(rng, labels, captions_per_image)
