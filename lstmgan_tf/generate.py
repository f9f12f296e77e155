"""``generate`` and ``evaluate``: use and measure a trained text-to-image model.

    python -m lstmgan_tf generate --checkpoint RUN --text "this flower has five yellow petals and a red center" --out DIR
    python -m lstmgan_tf evaluate --checkpoint RUN_A RUN_B RUN_C --out DIR
    python -m lstmgan_tf swap-test --checkpoint RUN_A RUN_B
    python -m lstmgan_tf colour-swap --checkpoint RUN --template "a {} flower" "{} petals" --out DIR
    python -m lstmgan_tf attribute-swap --checkpoint RUN --template "a woman with {} hair" --words black blond --out DIR

``generate`` writes, for an LSTM model (``lstm_cgan``, ``last_word``), one PNG
per word (``word_01.png`` ...: the image after reading the caption up to that
word), ``strip.png`` (the images with the words under them) and
``sequence.gif``; for every model ``final.png``, the caption's final image.

What happens to unusual text:

- empty text, or text with no letters or digits -> an error;
- only words the model has never seen -> an error listing some words it knows;
- some unknown words -> a warning naming them; they are read as ``[UNK]``;
- more words than the model's ``max_length`` -> a warning; the caption is cut;
- non-ASCII text -> letters of any script are words (``"pétales"``), other
  symbols (emoji, punctuation) are dropped.
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np

UPSCALE = 4
#: The colour swap of `make run` (the paper's Fig. 5): one sentence, every petal colour.
COLOUR_SWAP_TEMPLATE = "this flower has five {} petals and a brown center"


def check_text(text, trained) -> list[str]:
    """Checks a caption for a trained model; returns the words it will read.

    Raises:
        ValueError: for text without words or with only unknown words.
    """
    from lstmgan_tf.text import tokenize

    if not isinstance(text, str):
        raise ValueError(f"--text must be a string, got {type(text).__name__}.")
    words = tokenize(text)
    if not words:
        raise ValueError(
            f"--text {text!r} has no words (after lower-casing and removing punctuation); "
            "write a caption such as 'this flower has five yellow petals'."
        )
    vocabulary = set(trained.text.vectorizer.words)
    unknown = [w for w in words if w not in vocabulary]
    if len(unknown) == len(words):
        known = ", ".join(trained.text.vectorizer.words[:15])
        raise ValueError(
            f"--text {text!r}: none of its words is in the model's vocabulary of "
            f"{len(vocabulary)} words (e.g. {known})."
        )
    if unknown:
        warnings.warn(
            f"the model never saw the word(s) {', '.join(sorted(set(unknown)))}; it reads them as "
            "the unknown-word token [UNK].",
            stacklevel=2,
        )
    limit = trained.text.max_length
    if len(words) > limit:
        warnings.warn(
            f"--text has {len(words)} words; the model reads at most max_length={limit}, so it is "
            f"cut after {words[limit - 1]!r}.",
            stacklevel=2,
        )
        words = words[:limit]
    return words


def _upscale(image: np.ndarray, factor: int = UPSCALE) -> np.ndarray:
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def generate_sequence(trained, text: str, out_dir: str, seed: int = 0) -> dict:
    """Generates a caption's images with a trained model and writes them to ``out_dir``.

    Args:
        trained: a `lstmgan_tf.training.text_runs.TrainedTextModel`.
        text: the caption.
        out_dir: the folder to write to (created).
        seed: seed of the noise (GAN-CLS, or a model trained with noise).

    Returns:
        ``{"words": [...], "images": (n, H, W, 3) array, "files": {...}}``;
        for GAN-CLS ``images`` holds one image.
    """
    import imageio.v3 as iio

    from lstmgan_tf import viz
    from lstmgan_tf.models.gan_cls import GANCLS

    words = check_text(text, trained)
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    caption = " ".join(words)
    if isinstance(trained.model, GANCLS):
        inputs = trained.text.encode([caption])
        images = np.asarray(trained.model.generate(inputs["sentence_vector"], seed=seed))
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Already reported by check_text.
            inputs = trained.text.encode([caption])
        word_images, mask = trained.model.generate_word_images(inputs["caption_tokens"], seed=seed)
        images = np.asarray(word_images)[0][np.asarray(mask)[0]]
        files["words"] = []
        for index, image in enumerate(images, start=1):
            path = os.path.join(out_dir, f"word_{index:02d}.png")
            iio.imwrite(path, _upscale(viz.to_uint8(image)))
            files["words"].append(path)
        files["strip"] = viz.save_figure(viz.word_strip(images, words, title=caption),
                                         os.path.join(out_dir, "strip.png"))
        frames = []
        frame_dir = os.path.join(out_dir, "frames")
        for index in range(len(words)):
            figure = viz.word_strip(images[index:index + 1], [words[index]],
                                    title=" ".join(words[: index + 1]), cell_size=2.4)
            frames.append(viz.save_figure(figure, os.path.join(frame_dir, f"frame_{index + 1:02d}.png")))
        files["gif"] = viz.save_gif(frames, os.path.join(out_dir, "sequence.gif"), seconds_per_frame=0.6)
    files["final"] = os.path.join(out_dir, "final.png")
    iio.imwrite(files["final"], _upscale(viz.to_uint8(images[-1])))
    return {"words": words, "images": images, "files": files}


def run_generate(args) -> int:
    from lstmgan_tf.training.text_runs import load_text_model

    trained = load_text_model(args.checkpoint)
    result = generate_sequence(trained, args.text, args.out, seed=args.seed)
    if args.figure and "strip" in result["files"]:
        print(f"wrote {_copy_figure(result['files']['strip'], args.figure)}")
    if "words" in result["files"]:
        print(f"{len(result['words'])} images, one per word, in {args.out} (word_01.png ..., strip.png, "
              "sequence.gif, final.png)")
    else:
        print(f"{trained.name} makes one image per caption: {result['files']['final']}")
    return 0


def file_slug(text: str, limit: int = 40) -> str:
    """A file-name-safe short form of a caption: ``"A red {} flower!"`` -> ``"a_red_flower"``."""
    import re

    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:limit]


def colour_swap_figure(swap: dict):
    """The images of a `colour_swap` result in a row, each labelled with the colour asked and seen."""
    from lstmgan_tf import viz
    from lstmgan_tf.data.flowers import PETAL_COLOURS

    labels = [f"asked {asked}\nseen {got}" for asked, got in zip(PETAL_COLOURS, swap["seen"])]
    return viz.image_grid(swap["images"], labels, columns=len(labels), cell_size=1.6,
                          title=f'"{swap["template"].format("___")}": {swap["right"]} of {len(labels)} colours '
                                "right (pixel check)")


def colour_swap(trained, template: str = COLOUR_SWAP_TEMPLATE, figure_path: str | None = None) -> dict:
    """The paper's colour swap (Fig. 5): one sentence with each petal colour in turn, read by the pixel check.

    Only for runs trained on ``synthetic_flowers``, whose petal colours the
    non-learned pixel check (`lstmgan_tf.metrics.flower_colour`) reads; any
    phrasing works, also ones the dataset never uses.

    Args:
        trained: a `lstmgan_tf.training.text_runs.TrainedTextModel`.
        template: the sentence, with ``{}`` where the colour goes.
        figure_path: also save the images, each labelled asked / seen, here.

    Returns:
        ``{"template", "captions": [...], "images": (7, H, W, 3), "seen":
        [colour or "?"], "right": int, "figure": path or None}``
        (`colour_swap_figure` draws it).

    Raises:
        ValueError: a template without exactly one ``{}``, or a run of another dataset.
    """
    from lstmgan_tf import viz
    from lstmgan_tf.data.flowers import PETAL_COLOURS
    from lstmgan_tf.metrics.flower_colour import petal_colour_from_pixels
    from lstmgan_tf.training.text_runs import generate_images

    _check_template(template, "colour")
    dataset = trained.run_config.get("dataset")
    if dataset != "synthetic_flowers":
        raise ValueError(f"the colour swap reads petal colours of synthetic_flowers; {trained.run_dir!r} "
                         f"was trained on {dataset!r}.")
    captions = [template.format(colour) for colour in PETAL_COLOURS]
    for caption in captions:
        check_text(caption, trained)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Already reported by check_text.
        images = generate_images(trained.model, trained.text, captions)
    seen = [PETAL_COLOURS[i] if i >= 0 else "?" for i in petal_colour_from_pixels(images)]
    right = sum(asked == got for asked, got in zip(PETAL_COLOURS, seen))
    swap = {"template": template, "captions": captions, "images": images, "seen": seen, "right": right,
            "figure": None}
    if figure_path:
        swap["figure"] = viz.save_figure(colour_swap_figure(swap), figure_path)
    return swap


def run_colour_swap(args) -> int:
    from lstmgan_tf.data.flowers import PETAL_COLOURS
    from lstmgan_tf.training.text_runs import load_text_model

    trained = load_text_model(args.checkpoint)
    return _swap_sentences(
        args.template, lambda template, path: colour_swap(trained, template, path), args.out, "colour",
        f"seen, when asked for {' '.join(PETAL_COLOURS)}", "the pixel check", "colour_swap.md",
    )


def _swap_sentences(templates, swap_one, out_dir, slot_name, seen_title, judged_by, table_name, figure=None) -> int:
    """The CLI side of `colour_swap` and `attribute_swap`: each sentence swapped, printed, and one table.

    ``swap_one(template, figure_path)`` returns the swap's result; the
    Markdown table ``table_name`` in ``out_dir`` lists every sentence, and
    ``figure`` (``--figure``) receives a copy of the first sentence's figure.
    """
    os.makedirs(out_dir, exist_ok=True)
    lines = [f"| sentence | right ({judged_by}) | {seen_title} |", "|---|---:|---|"]
    total = asked = 0
    for template in templates:
        name = file_slug(template.replace("{}", slot_name), limit=50)
        result = swap_one(template, os.path.join(out_dir, f"{name}.png"))
        total += result["right"]
        asked += len(result["seen"])
        lines.append(f"| {template.format('___')} | {result['right']} of {len(result['seen'])} "
                     f"| {' '.join(result['seen'])} |")
        print(f"{template.format('___')!r}: {result['right']} of {len(result['seen'])} right "
              f"({', '.join(result['seen'])}) -> {result['figure']}")
        if figure and template == templates[0]:
            _copy_figure(result["figure"], figure)
    lines.append(f"| all | {total} of {asked} | |")
    table = os.path.join(out_dir, table_name)
    with open(table, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"all sentences: {total} of {asked} right by {judged_by}; wrote {table}")
    return 0


#: The attribute swap on faces: one sentence, every hair colour.
HAIR_SWAP_TEMPLATE = "a smiling woman with {} hair"
HAIR_SWAP_WORDS = ("black", "blond", "brown", "grey")


def _check_template(template: str, what: str) -> None:
    if "{}" not in template or template.count("{") != 1 or template.count("}") != 1:
        raise ValueError(f"template {template!r} must hold exactly one {{}} where the {what} goes.")


def value_named(word: str, values) -> str | None:
    """The value of ``values`` that ``word`` names, in any spelling (``gray`` names ``grey`` and ``gray``)."""
    from lstmgan_tf.data.words import canonical_word

    return next((value for value in values if canonical_word(value) == canonical_word(word)), None)


def swapped_attribute(words, attribute_values) -> str:
    """The attribute whose values the swap's words name (``black blond`` -> ``hair_colour``).

    Raises:
        ValueError: no attribute, or more than one, has a value for every word.
    """
    matching = [name for name, values in attribute_values.items()
                if all(value_named(word, values) for word in words)]
    if len(matching) != 1:
        # Yes / no attributes (CelebA's 40) have no words to put in a sentence.
        known = "; ".join(f"{name}: {' '.join(values)}" for name, values in attribute_values.items()
                          if list(values) != ["no", "yes"])
        raise ValueError(
            f"the words {' '.join(words)} name values of {'no' if not matching else 'more than one'} attribute "
            f"of this dataset{'' if not matching else ' (' + ', '.join(matching) + ')'}; pass --attribute, or "
            f"words of one of: {known}."
        )
    return matching[0]


def attribute_swap(trained, classifier, template: str = HAIR_SWAP_TEMPLATE, words=HAIR_SWAP_WORDS,
                   attribute: str | None = None, figure_path: str | None = None) -> dict:
    """`colour_swap` for any attribute: one sentence with each word in turn, read by the judge.

    The judge is the evaluation's classifier of real images (`load_judge`),
    never used in training; on faces it reads hair colour, woman or man and
    expression from the image.

    Args:
        trained: a `lstmgan_tf.training.text_runs.TrainedTextModel`.
        classifier: an `lstmgan_tf.metrics.AttributeClassifier` of the run's dataset.
        template: the sentence, with ``{}`` where the word goes.
        words: the words to put there, e.g. ``("black", "blond", "brown", "grey")``.
        attribute: the attribute they name (default: found from the words, `swapped_attribute`).
        figure_path: also save the images, each labelled asked / seen, here.

    Returns:
        ``{"template", "attribute", "asked": [value], "captions", "images",
        "seen": [value], "right": int, "figure": path or None}``.
    """
    from lstmgan_tf import viz
    from lstmgan_tf.training.text_runs import generate_images

    _check_template(template, "word")
    if not words:
        raise ValueError("the attribute swap needs at least one word to put in the template.")
    values = classifier.attribute_values
    attribute = attribute or swapped_attribute(words, values)
    if attribute not in values:
        raise ValueError(f"the judge knows no attribute {attribute!r}; it knows: {', '.join(values)}.")
    asked = [value_named(word, values[attribute]) for word in words]
    unknown = [word for word, value in zip(words, asked) if value is None]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} is not a value of {attribute}: {', '.join(values[attribute])}.")
    captions = [template.format(word) for word in words]
    for caption in captions:
        check_text(caption, trained)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Already reported by check_text.
        images = generate_images(trained.model, trained.text, captions)
    seen = [values[attribute][i] for i in classifier.predict_attributes(images)[attribute]]
    right = sum(a == b for a, b in zip(asked, seen))
    swap = {"template": template, "attribute": attribute, "asked": asked, "captions": captions, "images": images,
            "seen": seen, "right": right, "figure": None}
    if figure_path:
        labels = [f"asked {a}\nseen {b}" for a, b in zip(asked, seen)]
        figure = viz.image_grid(images, labels, columns=len(labels), cell_size=1.6,
                                title=f'"{template.format("___")}": {right} of {len(labels)} right (judge)')
        swap["figure"] = viz.save_figure(figure, figure_path)
    return swap


def run_attribute_swap(args) -> int:
    from lstmgan_tf.training.text_runs import load_text_model

    trained = load_text_model(args.checkpoint)
    os.makedirs(args.out, exist_ok=True)
    _, classifier = load_judge(trained, args.out, classifier_path=args.classifier, seed=args.seed)
    if classifier is None or not classifier.attribute_values:
        raise ValueError(f"dataset {trained.run_config['dataset']!r} has no attributes for a judge to read.")
    return _swap_sentences(
        args.template,
        lambda template, path: attribute_swap(trained, classifier, template, args.words, args.attribute, path),
        args.out, "word", f"seen, when asked for {' '.join(args.words)}", "the judge", "attribute_swap.md",
        figure=args.figure,
    )


def _copy_figure(source: str, target: str) -> str:
    """Copies a written figure to where a command's ``--figure`` asks (e.g. ``assets/``)."""
    import shutil

    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _run_split(run_config, split, count=None):
    """A split of a run's dataset, read as the run read it (its ``data.*`` settings: a folder's path, ...).

    ``count`` images; by default the run's dataset size for ``train`` and a
    quarter of the profile's dataset size for ``test``.
    """
    from lstmgan_tf import config, data

    profile = config.get_profile(run_config["profile"])
    if count is None:
        count = run_config["dataset_size"] if split == "train" else max(16, profile.dataset_size // 4)
    return data.load_arrays(run_config["dataset"], split=split, image_size=run_config["image_size"], count=count,
                            profile=profile, **_data_options(run_config))


def _data_options(run_config) -> dict:
    """The dataset options a run was trained with (its ``--set data.*``: a folder's path, ...)."""
    from lstmgan_tf.training.registry import split_data_options

    return split_data_options(run_config.get("extra") or {})[1]


def load_judge(trained, out_dir, test_data=None, vgg16_weights=None, classifier_path=None, seed: int = 0,
               verbose: bool = True):
    """The evaluation's feature space and judge for a run's dataset (`evaluation.load_feature_space`).

    The judge, a classifier of the run's real training images (never used in
    training), is loaded from ``classifier_path`` when it exists, else from
    the judge cache or the kit's shipped judges (`evaluation.judge_key`:
    trained once per dataset, profile and seed), else trained; a copy is
    saved in ``out_dir``. ``test_data``: the split it will judge, if read
    already (it only has to share the training split's attributes and size).
    """
    from lstmgan_tf import config
    from lstmgan_tf.metrics import evaluation

    run_config = trained.run_config
    profile = config.get_profile(run_config["profile"])
    train_data = _run_split(run_config, "train")
    return evaluation.load_feature_space(
        train_data if test_data is None else test_data, train_data, vgg16_weights=vgg16_weights,
        classifier_path=classifier_path, profile=profile, out_folder=out_dir, text=trained.text, seed=seed, verbose=2 if verbose else 0,
    )


def evaluate_runs(run_dirs, out_dir, count=None, vgg16_weights=None, classifier_path=None, attributes=None,
                  seed: int = 0, verbose: bool = True):
    """Evaluates one or more trained text-to-image runs on their dataset's test split.

    All runs must share a dataset and image size; they are measured on the
    same test captions, in the same feature space, by the same classifier.

    Returns:
        ``(evaluations, paths)``: a list of `ModelEvaluation` (the runs, then
        the real-image reference) and the written files.
    """
    import keras

    from lstmgan_tf import viz
    from lstmgan_tf.metrics import evaluation
    from lstmgan_tf.training.text_runs import load_text_model

    if not run_dirs:
        raise ValueError("evaluate needs at least one --checkpoint folder.")
    keras.utils.set_random_seed(seed)
    trained_runs = [load_text_model(path) for path in run_dirs]
    first = trained_runs[0].run_config
    for trained in trained_runs[1:]:
        for key, read in (("dataset", None), ("image_size", None), ("data settings", _data_options)):
            want, got = (read(c) if read else c[key] for c in (first, trained.run_config))
            if got != want:
                raise ValueError(
                    f"runs {run_dirs[0]!r} and {trained.run_dir!r} differ in {key} "
                    f"({want!r} vs {got!r}); evaluate runs of one dataset together."
                )
    test_data = _run_split(first, "test", count)
    count = len(test_data)
    os.makedirs(out_dir, exist_ok=True)
    feature_space, classifier = load_judge(trained_runs[0], out_dir, test_data, vgg16_weights, classifier_path,
                                           seed, verbose)
    real_features = feature_space(test_data.images)
    results = []
    for trained in trained_runs:
        if verbose:
            print(f"evaluating {trained.name} ({trained.run_dir}) on {count} test captions ...")
        results.append(evaluation.evaluate_trained(trained, test_data, feature_space, classifier, real_features,
                                                   count=count, attributes=attributes, seed=seed))
    names = [trained.name for trained in trained_runs]
    for trained, result in zip(trained_runs, results):
        if names.count(trained.name) > 1:  # Two runs of one model: name their folders.
            result.tag = os.path.basename(os.path.normpath(trained.run_dir))
    for reference in (evaluation.evaluate_real, evaluation.evaluate_degraded_real):
        results.append(reference(test_data, feature_space, classifier, real_features, count=count,
                                 attributes=attributes, seed=seed))
    paths = evaluation.write_tables(results, out_dir, feature_space.label)
    paths["figure"] = viz.save_figure(evaluation.per_word_figure(results, feature_space.label),
                                      os.path.join(out_dir, "evaluation_per_word.png"))
    return results, paths


def run_evaluate(args) -> int:
    attributes = [a.strip() for a in args.attributes.split(",")] if args.attributes else None
    results, paths = evaluate_runs(args.checkpoint, args.out, count=args.count, vgg16_weights=args.vgg16_weights,
                                   classifier_path=args.classifier, attributes=attributes, seed=args.seed)
    if args.figure:
        paths["copy"] = _copy_figure(paths["figure"], args.figure)
    with open(paths["markdown"], encoding="utf-8") as handle:
        print(handle.read())
    print("wrote " + ", ".join(paths.values()))
    return 0


def swap_test_runs(run_dirs, attributes=("petal_count", "petal_colour", "center_colour"), count=None) -> str:
    """The word-swap test (`lstmgan_tf.metrics.swap_test`) of trained runs; returns its Markdown table."""
    from lstmgan_tf.metrics import swap_test
    from lstmgan_tf.training.text_runs import load_text_model

    results = {}
    for run_dir in run_dirs:
        trained = load_text_model(run_dir)
        test_data = _run_split(trained.run_config, "test", count)
        name = f"{trained.name} ({os.path.basename(os.path.normpath(run_dir))})"
        results[name] = {attribute: swap_test.swap_test(trained, test_data, attribute) for attribute in attributes}
    return swap_test.markdown_table(results)


def run_swap_test(args) -> int:
    attributes = [a.strip() for a in args.attributes.split(",")]
    table = swap_test_runs(args.checkpoint, attributes, count=args.count)
    print(table)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(table + "\n")
        print(f"wrote {args.out}")
    return 0


def add_parser(subparsers) -> None:
    generate = subparsers.add_parser(
        "generate", help="images of a caption, word by word, from a trained text-to-image model",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate.add_argument("--checkpoint", required=True, help="run folder of train --model lstm_cgan|last_word|gan_cls")
    generate.add_argument("--text", required=True, help="the caption, in quotes")
    generate.add_argument("--out", required=True, help="folder for the images")
    generate.add_argument("--seed", type=int, default=0, help="seed of the noise (GAN-CLS)")
    generate.add_argument("--figure", default=None, help="also copy the word strip to this path (e.g. assets/)")
    generate.set_defaults(func=run_generate)

    evaluate = subparsers.add_parser(
        "evaluate", help="SSIM, feature distance, attribute accuracy, FID/KID per word (paper Fig. 8)",
        description=(
            "Evaluates trained text-to-image runs on their dataset's test split and writes one table "
            "(evaluation.csv/.md) and one per-word figure for all of them."
        ),
    )
    evaluate.add_argument("--checkpoint", required=True, nargs="+", help="one or more run folders")
    evaluate.add_argument("--out", required=True, help="folder for the tables and figure")
    evaluate.add_argument("--count", type=int, default=None,
                          help="test captions (default: a quarter of the profile's dataset size)")
    evaluate.add_argument("--vgg16-weights", default=None,
                          help="VGG-16 no-top ImageNet weights file (never downloaded; default: "
                               "~/.keras/models/ if present, else the kit's classifier)")
    evaluate.add_argument("--classifier", default=None,
                          help="weights of an attribute classifier saved by an earlier evaluate (reused)")
    evaluate.add_argument("--attributes", default=None,
                          help="comma-separated attributes to score (default: petal_colour,petal_count,center_colour on "
                               "flowers, hair_colour,woman_or_man,expression on faces)")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--figure", default=None, help="also copy the per-word figure to this path")
    evaluate.set_defaults(func=run_evaluate)

    recolour = subparsers.add_parser(
        "colour-swap", help="one sentence with every petal colour (paper Fig. 5), read by the pixel check",
        description=(
            "Draws each sentence with each of the seven petal colours in its {} and says which colour the "
            "non-learned pixel check sees (runs trained on synthetic_flowers); any phrasing, also ones the "
            "dataset never uses."
        ),
    )
    recolour.add_argument("--checkpoint", required=True, help="run folder of train --model lstm_cgan|last_word|gan_cls")
    recolour.add_argument("--template", required=True, nargs="+",
                          help=f"one or more sentences with {{}} for the colour (e.g. {COLOUR_SWAP_TEMPLATE!r})")
    recolour.add_argument("--out", required=True, help="folder for a figure per sentence and colour_swap.md")
    recolour.set_defaults(func=run_colour_swap)

    reword = subparsers.add_parser(
        "attribute-swap", help="one sentence with each word of a list (hair colours, ...), read by the judge",
        description=(
            "Draws each sentence with each word in its {} (e.g. black, blond, brown, grey hair) and says which "
            "value the evaluation's judge (a classifier of the dataset's real images, never used in training) "
            "sees. For synthetic_flowers' petal colours, colour-swap reads the pixels instead."
        ),
    )
    reword.add_argument("--checkpoint", required=True, help="run folder of train --model lstm_cgan|last_word|gan_cls")
    reword.add_argument("--template", nargs="+", default=[HAIR_SWAP_TEMPLATE],
                        help=f"one or more sentences with {{}} for the word (default: {HAIR_SWAP_TEMPLATE!r})")
    reword.add_argument("--words", nargs="+", default=list(HAIR_SWAP_WORDS),
                        help=f"the words to put in (default: {' '.join(HAIR_SWAP_WORDS)})")
    reword.add_argument("--attribute", default=None,
                        help="the attribute the words name (default: found from the words, e.g. hair_colour)")
    reword.add_argument("--classifier", default=None,
                        help="weights of the judge saved by an earlier evaluate or attribute-swap (reused)")
    reword.add_argument("--seed", type=int, default=0, help="seed of the judge")
    reword.add_argument("--out", required=True, help="folder for a figure per sentence and attribute_swap.md")
    reword.add_argument("--figure", default=None, help="also copy the first sentence's figure to this path")
    reword.set_defaults(func=run_attribute_swap)

    swap = subparsers.add_parser(
        "swap-test", help="where a trained text model loses an attribute: encoder, D and LSTM on swapped words",
        description=(
            "Rewrites each test caption with every value of an attribute (every petal count, ...) and "
            "reports whether the grounded encoder, the discriminator and the LSTM tell the values apart "
            "(lstmgan_tf.metrics.swap_test)."
        ),
    )
    swap.add_argument("--checkpoint", required=True, nargs="+", help="one or more run folders")
    swap.add_argument("--attributes", default="petal_count,petal_colour,center_colour",
                      help="comma-separated attributes (default: petal_count,petal_colour,center_colour)")
    swap.add_argument("--count", type=int, default=None,
                      help="test images (default: a quarter of the profile's dataset size)")
    swap.add_argument("--out", default=None, help="also write the Markdown table to this file")
    swap.set_defaults(func=run_swap_test)
