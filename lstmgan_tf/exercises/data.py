"""Checkers for the exercises of notebook 00 (datasets).

- `check_to_model_range`: a function that turns uint8 images into the float32
  images in [-1, 1] that the GANs read and write.
- `check_flower_caption`: a function that writes a caption from a flower's
  attribute names, which must name the petal colour and never contradict the
  flower.
"""

from __future__ import annotations

import numpy as np

from lstmgan_tf.exercises.core import Feedback, check_close


def check_to_model_range(to_model_range) -> Feedback:
    """Checks ``to_model_range(uint8 images) -> float32 images in [-1, 1]``.

    Pixel value 0 must become -1, 255 must become 1 and everything in between
    must be mapped linearly, independently of the other pixels.
    """
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 8, 8, 3)).astype(np.uint8)
    images[0, 0, 0] = (0, 128, 255)
    images[1] = 200  # A flat image: per-image rescaling would stretch it.
    expected = images.astype(np.float32) / 127.5 - 1.0
    try:
        result = to_model_range(images.copy())
    except Exception as error:  # noqa: BLE001 - the student's error is the feedback.
        return Feedback(False, f"your function raised {type(error).__name__}: {error}")
    result_array = np.asarray(result)
    if result_array.shape != images.shape:
        return Feedback(False, f"the result has shape {result_array.shape}; it should keep the input's shape {images.shape}.")
    if result_array.dtype != np.float32:
        return Feedback(False, f"the result has dtype {result_array.dtype}; the models expect float32.")
    if result_array.min() >= 0 and np.allclose(result_array, images / 255.0, atol=1e-4):
        return Feedback(False, "the values are in [0, 1]; the GANs' tanh output is in [-1, 1], so map 0 to -1 and 255 to 1.")
    if np.allclose(result_array, images / 127.5, atol=1e-4):
        return Feedback(False, "the values are in [0, 2]; subtract 1 after dividing by 127.5.")
    flat = result_array[1]
    if not np.allclose(flat, flat.flat[0]) or abs(float(flat.flat[0]) - expected[1].flat[0]) > 1e-4:
        if np.allclose(flat, -1.0) or np.allclose(flat, 0.0) or np.allclose(flat, 1.0):
            return Feedback(False, "each image was rescaled by its own minimum and maximum; use the fixed range 0..255 instead.")
    problem = check_close("the converted images", result_array, expected, atol=1e-4, rtol=0)
    if problem is not None:
        return problem
    return Feedback(True, "uint8 images map linearly onto [-1, 1]: 0 -> -1, 255 -> 1.")


def _flower_attribute_sets(count: int = 200):
    from lstmgan_tf.data import load_arrays

    data = load_arrays("synthetic_flowers", image_size=8, count=count, seed=123, cache=False)
    return [data.describe(index) for index in range(count)]


def check_flower_caption(write_caption, count: int = 200) -> Feedback:
    """Checks ``write_caption(attributes: dict[str, str]) -> str`` on many flowers.

    ``attributes`` maps names such as ``"petal_colour"`` to value names such as
    ``"red"`` (what `CaptionedImages.describe` returns). A caption passes when
    it is a non-empty string that names the petal colour, and every colour,
    count, shape or size word it uses agrees with the flower
    (`lstmgan_tf.data.flowers.caption_facts` reads it back).
    """
    from lstmgan_tf.data import flowers

    captions = []
    for attributes in _flower_attribute_sets(count):
        try:
            caption = write_caption(dict(attributes))
        except Exception as error:  # noqa: BLE001 - the student's error is the feedback.
            return Feedback(False, f"your function raised {type(error).__name__}: {error} (for {attributes}).")
        if not isinstance(caption, str) or not caption.strip():
            return Feedback(False, f"the caption should be a non-empty string, got {caption!r}.")
        facts = flowers.caption_facts(caption)
        petal = attributes["petal_colour"]
        if "petal_colour" not in facts:
            return Feedback(False, f"{caption!r} does not say the petals are {petal}; name the petal colour "
                                   "right before 'petals' or 'flower'.")
        for attribute in flowers.ATTRIBUTE_VALUES:
            truth = attributes[attribute]
            wrong = sorted(facts.get(attribute, set()) - {truth})
            if wrong:
                label = attribute.replace("_", " ")
                return Feedback(False, f"{caption!r} says the {label} is {wrong[0]!r}, but this flower's "
                                       f"{label} is {truth!r}.")
        captions.append(caption)
    return Feedback(True, f"{len(captions)} captions, each naming the petal colour and none contradicting its flower.")
