"""Evaluating the text-to-image models: the paper's Fig. 8 and more.

For each test caption (one per test image) a model generates its images; the
LSTM models one per word, GAN-CLS one. At every word position t, over the
captions that have a t-th word, and for the final image:

- SSIM between the generated image and the caption's real image;
- Euclidean distance between their features (VGG-16 when its weights are on
  disk, else the kit's classifier; `features.FeatureSpace.label` says which);
- attribute accuracy: the classifier's verdict on the generated image (petal
  colour, petal count, ...) against what the caption asks for;

and for the final images, FID and KID against the real test images in the
same feature space. A "real images" row gives the reference: the classifier's
accuracy on the real test images, and FID/KID between two halves of them (the
floor for this many images).
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os

import numpy as np

from lstmgan_tf import files
from lstmgan_tf.metrics import features as _features
from lstmgan_tf.metrics import similarity

#: Attributes whose accuracy is also reported at the word that names them and at the word before.
NAMED_AT_WORD = ("petal_colour", "hair_colour", "woman_or_man", "expression")

MODEL_LABELS = {
    "lstm_cgan": "LSTM-CGAN (every word)",
    "last_word": "last word",
    "gan_cls": "GAN-CLS (Reed et al.)",
    "real": "real images (reference)",
    "real_degraded": "real images, blurred / noisy / shifted",
}


@dataclasses.dataclass
class ModelEvaluation:
    """The measurements of one model.

    Attributes:
        name: ``"lstm_cgan"``, ``"last_word"``, ``"gan_cls"`` or ``"real"``.
        final: metric -> value for the final images (``ssim``, ``distance``,
            ``fid``, ``kid``, ``acc_<attribute>``); NaN where it does not apply.
        per_word: metric -> array over word positions 1..T (``position``,
            ``count``, ``ssim``, ``distance``, ``acc_<attribute>``), or `None`
            for a model with one image per caption.
        attribute_counts: attribute -> how many captions asked for it.
        tag: added to the label to tell apart two runs of one model (e.g.
            the run folder's name).
    """

    name: str
    final: dict
    per_word: dict | None = None
    attribute_counts: dict = dataclasses.field(default_factory=dict)
    tag: str = ""

    @property
    def key(self) -> str:
        """The model's name in the CSV files (``lstm_cgan:RUN`` when tagged)."""
        return f"{self.name}:{self.tag}" if self.tag else self.name

    @property
    def label(self) -> str:
        label = MODEL_LABELS.get(self.name, self.name)
        return f"{label} [{self.tag}]" if self.tag else label


def evaluation_captions(test_data, count: int | None = None):
    """The first caption of each of the first ``count`` test images that have one.

    Returns:
        ``(captions, image_rows)``: the captions and the row of each one's image.
    """
    from lstmgan_tf.text import tokenize

    if test_data.captions is None:
        raise ValueError(f"dataset {test_data.name!r} has no captions to evaluate with.")
    rows = [i for i, group in enumerate(test_data.captions) if group and tokenize(group[0])]
    rows = rows[:count] if count else rows
    if len(rows) < 2:
        raise ValueError(f"dataset {test_data.name!r} has fewer than two captioned test images.")
    return [test_data.captions[i][0] for i in rows], np.asarray(rows)


def pixel_colour_hits(images, image_rows, captions, test_data) -> np.ndarray | None:
    """The non-learned petal-colour check (`flower_colour`) of each caption that names its petal colour.

    Returns:
        bool, one per such caption: whether the pixels show that colour; `None`
        outside ``synthetic_flowers``.
    """
    if test_data.name != "synthetic_flowers" or not test_data.attributes:
        return None
    from lstmgan_tf.metrics.flower_colour import petal_colour_from_pixels

    truth = np.asarray(test_data.attributes["petal_colour"])[image_rows]
    names = test_data.attribute_values["petal_colour"]
    asked = np.array([_features.caption_mentions(c, names[v]) for c, v in zip(captions, truth)], dtype=bool)
    return petal_colour_from_pixels(np.asarray(images)[asked]) == truth[asked]


def pixel_colour_score(images, image_rows, captions, test_data) -> dict:
    """``acc_petal_colour_pixels``: the share of `pixel_colour_hits`, for ``synthetic_flowers`` only."""
    hits = pixel_colour_hits(images, image_rows, captions, test_data)
    return {} if hits is None or not len(hits) else {"acc_petal_colour_pixels": float(np.mean(hits))}


def _attribute_scores(classifier, images, image_rows, captions, test_data, names):
    if classifier is None or not test_data.attributes:
        return {}
    predicted = classifier.predict_attributes(images)
    truth = {name: np.asarray(values)[image_rows] for name, values in test_data.attributes.items()}
    return _features.attribute_accuracy(predicted, truth, test_data.attribute_values, captions, names)


def evaluate_images(name, final_images, test_data, captions, image_rows, feature_space, classifier=None,
                    real_features=None, word_images=None, word_mask=None, attributes=None):
    """Measures given generated images (see the module docstring).

    Args:
        name: the model's name.
        final_images: ``(N, H, W, 3)`` one final image per caption.
        test_data: the test `CaptionedImages`.
        captions, image_rows: from `evaluation_captions`.
        feature_space: a `features.FeatureSpace`.
        classifier: an `AttributeClassifier` for attribute accuracy, or `None`.
        real_features: features of all real test images (computed if `None`).
        word_images, word_mask: ``(N, T, H, W, 3)`` and ``(N, T)`` for a model
            with an image per word.
        attributes: attribute names to score (default: see `attribute_accuracy`).

    Returns:
        A `ModelEvaluation`.
    """
    real_images = test_data.images[image_rows]
    if real_features is None:
        real_features = feature_space(test_data.images)
    final_features = feature_space(final_images)
    final = {
        "ssim": float(np.mean(similarity.ssim_scores(final_images, real_images))),
        "distance": float(np.mean(similarity.feature_distances(final_features, real_features[image_rows]))),
        "fid": similarity.frechet_distance(final_features, real_features),
        "kid": similarity.kernel_distance(final_features, real_features),
    }
    scores = _attribute_scores(classifier, final_images, image_rows, captions, test_data, attributes)
    final.update({f"acc_{key}": value for key, (value, _) in scores.items()})
    final.update(pixel_colour_score(final_images, image_rows, captions, test_data))
    evaluation = ModelEvaluation(name, final, attribute_counts={k: c for k, (_, c) in scores.items()})
    if word_images is not None:
        evaluation.per_word = _per_word(word_images, word_mask, test_data, captions, image_rows,
                                        feature_space, classifier, real_features, attributes)
        # Two numbers per attribute, not curves: the attribute just before and at its word.
        for key in [k for k in evaluation.per_word if k.endswith(("_before_word", "_at_word"))]:
            evaluation.final[key] = evaluation.per_word.pop(key)
    return evaluation


def _per_word(word_images, word_mask, test_data, captions, image_rows, feature_space, classifier,
              real_features, attributes):
    word_mask = np.asarray(word_mask, dtype=bool)
    caption_of_pair, position_of_pair = np.nonzero(word_mask)
    images = np.asarray(word_images)[caption_of_pair, position_of_pair]
    rows = image_rows[caption_of_pair]
    ssim = similarity.ssim_scores(images, test_data.images[rows])
    distance = similarity.feature_distances(feature_space(images), real_features[rows])
    predicted = None
    if classifier is not None and test_data.attributes:
        predicted = classifier.predict_attributes(images)
    positions = np.arange(1, word_mask.shape[1] + 1)
    per_word = {"position": positions, "count": word_mask.sum(axis=0)}
    per_word["ssim"] = np.array([np.mean(ssim[position_of_pair == t]) if word_mask[:, t].any() else np.nan
                                 for t in range(len(positions))])
    per_word["distance"] = np.array([np.mean(distance[position_of_pair == t]) if word_mask[:, t].any()
                                     else np.nan for t in range(len(positions))])
    for name in NAMED_AT_WORD:
        if predicted is not None and name in test_data.attributes and (attributes is None or name in attributes):
            before, at = named_word_accuracy(predicted[name], caption_of_pair, position_of_pair, captions,
                                             np.asarray(test_data.attributes[name])[image_rows],
                                             test_data.attribute_values[name])
            per_word[f"acc_{name}_before_word"], per_word[f"acc_{name}_at_word"] = before, at
    if predicted is not None:
        pair_captions = [captions[i] for i in caption_of_pair]
        truth = {n: np.asarray(v)[rows] for n, v in test_data.attributes.items()}
        for t in range(len(positions)):
            chosen = position_of_pair == t
            scores = _features.attribute_accuracy(
                {n: p[chosen] for n, p in predicted.items()}, {n: v[chosen] for n, v in truth.items()},
                test_data.attribute_values, [c for c, keep in zip(pair_captions, chosen) if keep], attributes,
            ) if chosen.any() else {}
            for key, (value, _) in scores.items():
                per_word.setdefault(f"acc_{key}", np.full(len(positions), np.nan))[t] = value
    return per_word


def named_word_accuracy(predicted, caption_of_pair, position_of_pair, captions, truth, value_names):
    """Accuracy of an attribute just before and right at the word that names it.

    Paper 002's claim is that the image follows the words: the petal colour
    should appear *at* the colour word, not before. For each caption that
    names its image's value (``"... five red petals ..."``, ``"she has gray
    hair"``: `features.naming_position`), the image after the word before that
    name and the image after the name itself are judged.

    Args:
        predicted: int ``(K,)`` predicted value of each (caption, word) image.
        caption_of_pair, position_of_pair: ``(K,)`` caption and 0-based word of each image.
        captions: the N captions.
        truth: int ``(N,)`` each caption's image value.
        value_names: the attribute's value names (``"red"``, ``"not smiling"``).

    Returns:
        ``(before, at)``: accuracies (NaN with no caption to judge).
    """
    image_at = {(int(c), int(t)): int(v) for c, t, v in zip(caption_of_pair, position_of_pair, predicted)}
    hits = {-1: [], 0: []}
    for row, caption in enumerate(captions):
        where = _features.naming_position(caption, value_names[int(truth[row])])
        if not where:  # Not named, or named by the first word: nothing before it.
            continue
        if (row, where) not in image_at or (row, where - 1) not in image_at:
            continue  # The name was cut off with the caption's tail.
        for offset in hits:
            hits[offset].append(image_at[(row, where + offset)] == int(truth[row]))
    return tuple(float(np.mean(hits[o])) if hits[o] else float("nan") for o in (-1, 0))


def evaluate_trained(trained, test_data, feature_space, classifier=None, real_features=None, count=None,
                     attributes=None, seed: int = 0) -> ModelEvaluation:
    """Generates the test captions' images with a trained model and measures them.

    Args:
        trained: a `lstmgan_tf.training.text_runs.TrainedTextModel`.
        test_data: the test `CaptionedImages` (same image size as the model).
        feature_space, classifier, real_features, attributes: see `evaluate_images`.
        count: test captions to use (default: all test images).
        seed: seed of the noise (GAN-CLS, or a model with noise).
    """
    from lstmgan_tf.models.gan_cls import GANCLS

    if test_data.image_size != trained.model.image_size:
        raise ValueError(
            f"test images are {test_data.image_size} pixels but model {trained.name!r} makes "
            f"{trained.model.image_size}-pixel images."
        )
    captions, image_rows = evaluation_captions(test_data, count)
    inputs = trained.text.encode(captions)
    if isinstance(trained.model, GANCLS):
        final_images = np.asarray(trained.model.generate(inputs["sentence_vector"], seed=seed))
        return evaluate_images(trained.name, final_images, test_data, captions, image_rows, feature_space,
                               classifier, real_features, attributes=attributes)
    word_images, word_mask = (np.asarray(x) for x in trained.model.generate_word_images(
        inputs["caption_tokens"], seed=seed))
    last = word_mask.sum(axis=1) - 1
    final_images = word_images[np.arange(len(captions)), last]
    return evaluate_images(trained.name, final_images, test_data, captions, image_rows, feature_space,
                           classifier, real_features, word_images, word_mask, attributes)


def evaluate_real(test_data, feature_space, classifier=None, real_features=None, count=None,
                  attributes=None, seed: int = 0) -> ModelEvaluation:
    """The reference row: the real test images judged like generated ones.

    SSIM and distance are left out (a real image against itself); FID/KID
    compare two random halves of the real test images.
    """
    captions, image_rows = evaluation_captions(test_data, count)
    if real_features is None:
        real_features = feature_space(test_data.images)
    order = np.random.default_rng(seed).permutation(len(real_features))
    first, second = real_features[order[: len(order) // 2]], real_features[order[len(order) // 2:]]
    final = {"ssim": float("nan"), "distance": float("nan"),
             "fid": similarity.frechet_distance(first, second),
             "kid": similarity.kernel_distance(first, second)}
    scores = _attribute_scores(classifier, test_data.images[image_rows], image_rows, captions, test_data, attributes)
    final.update({f"acc_{key}": value for key, (value, _) in scores.items()})
    final.update(pixel_colour_score(test_data.images[image_rows], image_rows, captions, test_data))
    return ModelEvaluation("real", final, attribute_counts={k: c for k, (_, c) in scores.items()})


def evaluate_degraded_real(test_data, feature_space, classifier=None, real_features=None, count=None,
                           attributes=None, seed: int = 0) -> ModelEvaluation:
    """The real test images after `features.degrade` (shifts, blur, noise), judged like generated ones.

    Shows how far the judge can be trusted on images that are not clean: a
    generated image is never as sharp as a real one.
    """
    captions, image_rows = evaluation_captions(test_data, count)
    degraded = np.asarray(_features.degrade(test_data.images[image_rows].astype(np.float32) / 127.5 - 1.0,
                                            seed=seed))
    return evaluate_images("real_degraded", degraded, test_data, captions, image_rows, feature_space, classifier,
                           real_features, attributes=attributes)


# --------------------------------------------------------------------------
# Tables and figures.
# --------------------------------------------------------------------------

_COLUMN_TITLES = {"ssim": "SSIM ↑", "distance": "feature distance ↓", "fid": "FID ↓", "kid": "KID ↓",
                  "acc_petal_colour_pixels": "petal colour (pixel check) ↑"}


def _columns(evaluations):
    keys = []
    for evaluation in evaluations:
        keys += [k for k in evaluation.final if k not in keys]
    return keys


def _title(key):
    if key in _COLUMN_TITLES:
        return _COLUMN_TITLES[key]
    for ending, words in (("_before_word", "at the word before it"), ("_at_word", "at its word")):
        if key.startswith("acc_") and key.endswith(ending):
            return f"{key[4:-len(ending)].replace('_', ' ')} {words} ↑"
    if key.startswith("acc_"):
        return f"{key[4:].replace('_', ' ')} accuracy ↑"
    return _COLUMN_TITLES.get(key, key)


def _format(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"


def write_tables(evaluations, folder, feature_label: str) -> dict[str, str]:
    """Writes the final-image table (CSV and Markdown) and the per-word CSV.

    Returns:
        ``{"csv": ..., "markdown": ..., "per_word_csv": ...}`` paths.
    """
    os.makedirs(folder, exist_ok=True)
    keys = _columns(evaluations)
    paths = {"csv": os.path.join(folder, "evaluation.csv"), "markdown": os.path.join(folder, "evaluation.md"),
             "per_word_csv": os.path.join(folder, "evaluation_per_word.csv")}
    with open(paths["csv"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["model", *keys, "feature_space"])
        for evaluation in evaluations:
            writer.writerow([evaluation.key, *[evaluation.final.get(k, float("nan")) for k in keys], feature_label])
    with open(paths["markdown"], "w", encoding="utf-8") as handle:
        handle.write(markdown_table(evaluations, feature_label))
    with open(paths["per_word_csv"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        metric_keys = []
        for evaluation in evaluations:
            if evaluation.per_word:
                metric_keys += [k for k in evaluation.per_word if k not in metric_keys and k != "position"]
        writer.writerow(["model", "position", *metric_keys])
        for evaluation in evaluations:
            if not evaluation.per_word:
                continue
            for row, position in enumerate(evaluation.per_word["position"]):
                writer.writerow([evaluation.key, int(position),
                                 *[evaluation.per_word.get(k, np.full(row + 1, np.nan))[row] for k in metric_keys]])
    return paths


def markdown_table(evaluations, feature_label: str) -> str:
    """The final-image table as Markdown, with the feature space named under it."""
    keys = _columns(evaluations)
    lines = ["| model | " + " | ".join(_title(k) for k in keys) + " |",
             "|---|" + "---|" * len(keys)]
    for evaluation in evaluations:
        lines.append(f"| {evaluation.label} | " + " | ".join(_format(evaluation.final.get(k)) for k in keys) + " |")
    lines.append("")
    lines.append(f"Final image of each test caption (last word for the LSTM models). Distances, FID and KID "
                 f"in {feature_label}.")
    return "\n".join(lines) + "\n"


def per_word_figure(evaluations, feature_label: str, accuracy_attributes=None):
    """The paper's Fig. 8 and more: SSIM, feature distance and accuracy per word.

    Models with an image per word are drawn as dashed lines over the word
    position; every model's final image (GAN-CLS's only image, the last-word
    model's last image) as a horizontal line.

    Args:
        evaluations: `ModelEvaluation` s.
        feature_label: the feature space's name, for the title.
        accuracy_attributes: an accuracy panel for each of these that was
            measured (default: the petal colour, or the three face attributes).
    """
    import matplotlib.pyplot as plt

    panels = [("ssim", "SSIM with the real image ↑"), ("distance", "feature distance to the real image ↓")]
    for name in accuracy_attributes or ("petal_colour", *_features.DEFAULT_ATTRIBUTES[1]):
        if any(f"acc_{name}" in e.final for e in evaluations):
            panels.append((f"acc_{name}", f"{name.replace('_', ' ')} accuracy ↑"))
    figure, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.6), squeeze=False)
    colours = {"lstm_cgan": "tab:red", "last_word": "tab:blue", "gan_cls": "tab:green", "real": "black",
               "real_degraded": "tab:gray"}
    for axis, (key, title) in zip(axes[0], panels):
        for evaluation in evaluations:
            colour = colours.get(evaluation.name)
            value = evaluation.final.get(key)
            if value is not None and not math.isnan(value):
                axis.axhline(value, color=colour, linewidth=1.2, alpha=0.8,
                             linestyle=":" if evaluation.name.startswith("real") else "-",
                             label=f"{evaluation.label}: final image")
            if evaluation.per_word and key in evaluation.per_word:
                positions = evaluation.per_word["position"]
                enough = evaluation.per_word["count"] >= max(5, 0.05 * evaluation.per_word["count"].max())
                axis.plot(positions[enough], np.asarray(evaluation.per_word[key])[enough], "--o", color=colour,
                          markersize=3, label=f"{evaluation.label}: up to word t")
        axis.set_xlabel("word position t")
        axis.set_title(title, fontsize=10)
        axis.grid(alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    for axis in axes[0][1:]:
        for handle, label in zip(*axis.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    figure.suptitle(f"Generated vs real images per word ({feature_label})", fontsize=10)
    figure.tight_layout(rect=(0, 0.12, 1, 1))
    return figure


JUDGE_FILE = "attribute_classifier.weights.h5"
# Part of the judge's cache key: bump it when `AttributeClassifier` or its training changes.
JUDGE_VERSION = 1


def judge_key(train_data, sentence_vectors, epochs: int, seed: int) -> str:
    """A hash of everything the judge's weights depend on: images, labels, epochs, seed.

    One dataset, profile and seed therefore train one judge, whichever run
    or command asks first (`judge_cache_path`).
    """
    import hashlib
    import json

    digest = hashlib.sha256(f"judge-v{JUDGE_VERSION}-epochs{epochs}-seed{seed}".encode())
    digest.update(np.ascontiguousarray(train_data.images).tobytes())
    digest.update(json.dumps(train_data.attribute_values or {}, sort_keys=True).encode())
    for name in sorted(train_data.attributes or {}):
        digest.update(name.encode() + np.ascontiguousarray(train_data.attributes[name], np.int64).tobytes())
    if sentence_vectors is not None:
        digest.update(np.ascontiguousarray(sentence_vectors, np.float32).tobytes())
    return digest.hexdigest()[:16]


def judge_cache_path(key: str) -> str:
    """Where the judge of `judge_key` ``key`` is kept: ``outputs/cache/judge/KEY/attribute_classifier.weights.h5``."""
    from lstmgan_tf import config

    return os.path.join(config.outputs_dir("cache", "judge"), key, JUDGE_FILE)


def shipped_judge_path(key: str) -> str:
    """Where the kit ships the judge of `judge_key` ``key`` (float16, ``pretrained/judges/KEY.npz``), if it does."""
    from lstmgan_tf import config

    return config.pretrained_dir("judges", f"{key}.npz")


def save_shipped_judge(classifier, key: str) -> str:
    """Writes a judge's weights in float16 where `shipped_judge_path` looks (``make pretrained``)."""
    path = shipped_judge_path(key)
    with files.atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez_compressed(handle, *[np.asarray(w, np.float16) for w in classifier.network.get_weights()])
    return path


def _load_shipped_judge(classifier, path: str) -> None:
    with np.load(path) as shipped:
        weights = [shipped[f"arr_{i}"].astype(np.float32) for i in range(len(shipped.files))]
    classifier.network.set_weights(weights)


def load_feature_space(test_data, train_data=None, vgg16_weights=None, classifier_path=None, epochs=None,
                       profile=None, out_folder=None, text=None, seed: int = 0, verbose=0):
    """The feature space and the classifier of an evaluation.

    The classifier is trained on ``train_data``'s real images (unless
    ``classifier_path`` holds its weights, or the cache or the kit's shipped
    judges hold the judge of these images, labels, epochs and seed:
    `judge_key`): on their attributes for the
    synthetic sets, else (given ``text``, a `TextPipeline`) on the mean
    sentence vector of each image's captions. VGG-16 gives the features when
    ``vgg16_weights`` (or Keras's default weights file) is on disk. Keras is
    seeded with ``seed`` right before the classifier is built, so the judge
    is the same whichever models were loaded (and drew random numbers) before.
    ``verbose`` is the classifier's ``fit`` verbosity (2: one line per epoch).

    Returns:
        ``(feature_space, classifier)``; ``classifier`` judges attributes only
        when the dataset has them.
    """
    from lstmgan_tf import config

    import keras

    profile = config.get_profile(profile)
    keras.utils.set_random_seed(seed)
    if test_data.attributes:
        classifier = _features.AttributeClassifier(test_data.image_size, test_data.attribute_values)
    elif text is not None:
        classifier = _features.AttributeClassifier(test_data.image_size,
                                                   sentence_vector_dim=text.sentence_vector_dim)
    else:
        classifier = None
    if classifier is not None and classifier_path and os.path.isfile(classifier_path):
        classifier.load(classifier_path)
    elif classifier is not None:
        if train_data is None:
            raise ValueError("training images are needed to train the evaluation classifier.")
        sentence_vectors = None
        if not test_data.attributes:
            sentence_vectors = np.stack([text.sentence_encoder.encode(group).mean(axis=0)
                                         for group in train_data.captions])
        epochs = epochs or profile.judge_epochs
        key = classifier.cache_key = judge_key(train_data, sentence_vectors, epochs, seed)
        cached, shipped = judge_cache_path(key), shipped_judge_path(key)
        if os.path.isfile(cached):
            classifier.load(cached)
        elif os.path.isfile(shipped):
            _load_shipped_judge(classifier, shipped)
            if verbose:
                print(f"loaded the kit's pretrained judge ({shipped}, made by `make pretrained`)", flush=True)
        else:
            if verbose:
                print(f"training the judge: a classifier of {len(train_data)} real images for {epochs} epochs "
                      f"(kept in {os.path.dirname(cached)} for every later evaluation) ...", flush=True)
            # The judge must be good on real images: the "real images" row of the
            # table shows how good.
            classifier.fit(train_data.images, train_data.attributes, sentence_vectors, epochs=epochs,
                           verbose=verbose)
            with files.atomic_path(cached) as temporary:
                classifier.save(temporary)
        if out_folder:
            classifier.save(os.path.join(out_folder, JUDGE_FILE))
    default_weights = _features.default_vgg16_path()
    weights = vgg16_weights or (default_weights if os.path.isfile(default_weights) else None)
    if weights:
        return _features.vgg16_feature_space(weights), classifier
    if classifier is None:
        raise ValueError(
            "no VGG-16 weights on disk and nothing to train a feature classifier on; "
            "pass --vgg16-weights PATH."
        )
    return classifier.feature_space(), classifier
