"""Where a trained text-to-image model loses an attribute: the word-swap test.

Each test caption that names an attribute's value (``"five"`` for the petal
count) is rewritten with every value of that attribute in its place, and the
trained model's three stages are asked whether they notice:

- **the grounded sentence encoder**: which of the rewritten captions lies
  closest to the test image's embedding (its own should; chance 1 / values);
- **the discriminator**: how often it scores the real test image higher with
  its own caption than with a rewritten one, and by how much (mean logit gap);
- **the LSTM** (LSTM-CGAN and last-word models): how far apart its last
  hidden states are across the rewritten captions, as the mean pairwise
  cosine (1.0: the generator is given the same input whatever the word),
  and whether the swapped value can be *read* from them: a linear read-out
  (ridge regression onto the value's one-hot code) fitted on the rewrites of
  half the test images and scored on the other half. A cosine near 1 with a
  read-out near 100% says the states differ in a small direction that still
  names the value: the generator is told, and the loss is further on.

The labels are read only to choose the word to swap; nothing here trains.
A stage that tells the values apart passes the information on; the first
stage that does not is where the attribute is lost. For synthetic flowers,
whose captions spell out the labels' names.

Example:

>>> words = ["three", "four"]
>>> rewrite("a flower with four petals".split(), 3, words)
['a flower with three petals', 'a flower with four petals']
"""

from __future__ import annotations

import numpy as np

#: Rows of the swap test's table, in order.
STAGES = ("encoder_accuracy", "discriminator_preference", "discriminator_gap", "hidden_state_cosine",
          "hidden_state_readout")


def rewrite(tokens: list[str], position: int, words) -> list[str]:
    """``tokens`` with the word at ``position`` replaced by each of ``words`` in turn."""
    return [" ".join([*tokens[:position], word, *tokens[position + 1:]]) for word in words]


def swapped_captions(test_data, attribute: str):
    """Each test image's first caption naming its value of ``attribute``, rewritten with every value.

    Returns:
        ``(rows, captions, truth)``: int ``(N,)`` image rows, ``N`` lists of
        ``V`` captions (value ``v``'s word in place), and int ``(N,)`` the
        index of each image's own value.

    Raises:
        ValueError: if the dataset has no such attribute, or no caption
            names one of its values.
    """
    values = (test_data.attribute_values or {}).get(attribute)
    if not values:
        known = ", ".join(test_data.attribute_values or {}) or "none"
        raise ValueError(f"dataset {test_data.name!r} has no attribute {attribute!r} (it has: {known}).")
    rows, captions, truth = [], [], []
    for row, group in enumerate(test_data.captions or []):
        own = int(test_data.attributes[attribute][row])
        for caption in group:
            tokens = caption.split()
            if values[own] in tokens:
                rows.append(row)
                captions.append(rewrite(tokens, tokens.index(values[own]), values))
                truth.append(own)
                break
    if not rows:
        raise ValueError(f"no test caption of {test_data.name!r} names a value of {attribute!r} word for word.")
    return np.array(rows), captions, np.array(truth)


def _mean_pairwise_cosine(vectors) -> float:
    """Mean cosine between different rows, averaged over the leading axis: ``(N, V, D)`` -> float."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)
    cosines = np.einsum("nvd,nwd->nvw", unit, unit)
    count = vectors.shape[1]
    off_diagonal = ~np.eye(count, dtype=bool)
    return float(cosines[:, off_diagonal].mean())


def linear_readout_accuracy(vectors, ridge: float = 1.0) -> float:
    """How well a linear map reads the value from its vectors: ``(N, V, D)`` -> held-out accuracy.

    Row ``v`` of each image's ``V`` vectors carries value ``v``. A ridge
    regression onto one-hot codes is fitted (in closed form, on standardised
    features) to the first half of the images and scored on the rest.
    """
    count, values, dim = vectors.shape
    if count < 2:
        raise ValueError(f"a read-out needs the vectors of at least 2 images, got {count}.")
    half = count // 2
    features = vectors.reshape(count * values, dim).astype(np.float64)
    labels = np.tile(np.arange(values), count)
    fit = slice(0, half * values)
    mean, spread = features[fit].mean(axis=0), features[fit].std(axis=0) + 1e-8
    features = np.concatenate([(features - mean) / spread, np.ones((len(features), 1))], axis=1)
    targets = np.eye(values)[labels[fit]]
    gram = features[fit].T @ features[fit] + ridge * np.eye(dim + 1)
    weights = np.linalg.solve(gram, features[fit].T @ targets)
    held_out = slice(half * values, None)
    return float(np.mean((features[held_out] @ weights).argmax(axis=1) == labels[held_out]))


def swap_test(trained, test_data, attribute: str) -> dict[str, float | None]:
    """The word-swap test of one attribute for a `TrainedTextModel`.

    Returns:
        ``{stage: value}`` for `STAGES` (``None`` where the model has no such
        stage: no grounded encoder, or no LSTM), plus ``"captions"`` and
        ``"values"``.
    """
    rows, captions, truth = swapped_captions(test_data, attribute)
    count, values = len(rows), len(captions[0])
    flat = [caption for group in captions for caption in group]
    inputs = trained.text.encode(flat)
    images = test_data.images[rows].astype(np.float32) / 127.5 - 1.0
    result = {"captions": count, "values": values}

    encoder = trained.text.sentence_encoder
    result["encoder_accuracy"] = None
    if hasattr(encoder, "encode_images"):
        text_vectors = encoder.encode(flat).reshape(count, values, -1)
        scores = np.einsum("nvd,nd->nv", text_vectors, encoder.encode_images(images))
        result["encoder_accuracy"] = float(np.mean(scores.argmax(axis=1) == truth))

    repeated = np.repeat(images, values, axis=0)
    logits = np.asarray(trained.model.discriminator([repeated, inputs["sentence_vector"]], training=False))
    logits = logits.reshape(count, values)
    own = logits[np.arange(count), truth][:, None]
    wrong = ~np.eye(values, dtype=bool)[truth]
    result["discriminator_preference"] = float(np.mean((own > logits)[wrong]))
    result["discriminator_gap"] = float(np.mean((own - logits)[wrong]))

    result["hidden_state_cosine"] = result["hidden_state_readout"] = None
    if hasattr(trained.model, "hidden_states"):
        tokens = inputs["caption_tokens"]
        # The networks that draw the model's images (the moving average when kept).
        hidden = np.asarray(trained.model.hidden_states(tokens, networks=trained.model.inference_networks()))
        last = np.count_nonzero(tokens, axis=1) - 1
        last_states = hidden[np.arange(len(flat)), last].reshape(count, values, -1)
        result["hidden_state_cosine"] = _mean_pairwise_cosine(last_states)
        if count >= 2:
            result["hidden_state_readout"] = linear_readout_accuracy(last_states)
    return result


def markdown_table(results: dict) -> str:
    """``{run name: {attribute: swap_test(...)}}`` -> one Markdown table, a row per run and attribute."""
    header = ("| run | attribute | captions | encoder picks its own caption ↑ | D prefers the own caption ↑ "
              "| D's logit gap ↑ | LSTM last-state cosine across values ↓ | value read linearly from it ↑ |")
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|"]

    def cell(value, percent=True):
        if value is None:
            return "—"
        return f"{value:.1%}" if percent else f"{value:.3f}"

    for run, by_attribute in results.items():
        for attribute, result in by_attribute.items():
            lines.append(
                f"| {run} | {attribute} | {result['captions']} (chance {1 / result['values']:.1%}) "
                f"| {cell(result['encoder_accuracy'])} | {cell(result['discriminator_preference'])} "
                f"| {cell(result['discriminator_gap'], False)} | {cell(result['hidden_state_cosine'], False)} "
                f"| {cell(result['hidden_state_readout'])} |"
            )
    return "\n".join(lines)
