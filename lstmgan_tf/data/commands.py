"""``python -m lstmgan_tf data ...``: look at a dataset without writing code.

``data preview --dataset NAME --out DIR`` writes ``DIR/NAME_preview.png``, a
grid of sample images each with one of its captions. ``data counts --dataset
NAME --attributes A [B]`` prints how many images have each value of ``A``
(by each value of ``B``): how many blond men a classroom run sees.
"""

from __future__ import annotations

import os

from lstmgan_tf.checks import check_positive_int

# Kept free of TensorFlow and NumPy imports so that ``--help`` stays fast.
BUILTIN_NAMES = ("synthetic_flowers", "synthetic_faces", "abstract_art")


def preview(dataset: str, out_dir: str, profile=None, count: int = 16, seed: int = 0,
            split: str = "train", image_size: int | None = None, **source_options) -> str:
    """Writes a captioned sample grid of a dataset; returns the PNG's path.

    Args:
        dataset: a name from `lstmgan_tf.data.DATASET_NAMES`.
        out_dir: folder for ``<dataset>_preview.png`` (created if needed).
        profile: profile name or `None` (``LSTMGAN_PROFILE``), for the image size.
        count: how many images to show.
        seed: seed of the synthetic drawing.
        split: which split to show.
        image_size: side of the images; `None` takes the profile's.
        **source_options: passed to `lstmgan_tf.data.load_arrays`.
    """
    from lstmgan_tf import viz
    from lstmgan_tf.data import load_arrays

    check_positive_int("--count", count)
    data = load_arrays(dataset, split=split, image_size=image_size, count=count, seed=seed,
                       profile=profile, **source_options)
    captions = [group[0] for group in data.captions] if data.captions is not None else None
    title = f"{data.name} ({data.split}, {data.image_size} px, seed {seed})"
    figure = viz.image_grid(data.images, captions, title=title)
    return viz.save_figure(figure, os.path.join(out_dir, f"{data.name}_preview.png"))


def attribute_counts(dataset: str, attributes, profile=None, split: str = "train", count: int | None = None,
                     **source_options) -> str:
    """How many images of a split have each value of one attribute, or of two crossed: a Markdown table.

    Args:
        dataset: a dataset with attributes (``celeba``, ``synthetic_flowers``, ...).
        attributes: one or two attribute names, e.g. ``["hair_colour", "woman_or_man"]``.
        profile: profile name or `None`, for the default ``count``.
        split: which split to count.
        count: images to read (`None`: the profile's dataset size, what a run of it trains on).
        **source_options: passed to `lstmgan_tf.data.load_arrays`.

    Raises:
        ValueError: not one or two attributes, a dataset without attributes, or an unknown attribute.
    """
    import numpy as np

    from lstmgan_tf.data import load_arrays

    if not 1 <= len(attributes) <= 2:
        raise ValueError(f"--attributes takes one or two names, not {len(attributes)}.")
    data = load_arrays(dataset, split=split, count=count, profile=profile, **source_options)
    known = data.attribute_values or {}
    unknown = [name for name in attributes if name not in known]
    if unknown:
        raise ValueError(f"dataset {dataset!r} has no attribute {unknown[0]!r}; it has: {', '.join(known) or 'none'}.")
    rows_name, columns_name = attributes[0], attributes[1] if len(attributes) == 2 else None
    rows = np.asarray(data.attributes[rows_name])
    columns = np.asarray(data.attributes[columns_name]) if columns_name else np.zeros_like(rows)
    column_values = known[columns_name] if columns_name else ["images"]
    lines = [f"| {rows_name} | " + " | ".join(column_values) + " |", "|---|" + "---:|" * len(column_values)]
    for index, value in enumerate(known[rows_name]):
        counts = [int(np.sum((rows == index) & (columns == j))) for j in range(len(column_values))]
        lines.append(f"| {value} | " + " | ".join(str(c) for c in counts) + " |")
    return f"{len(rows)} {data.name} images ({split}):\n\n" + "\n".join(lines) + "\n"


def _source_options(args) -> dict:
    options = {}
    if args.path:
        options["path"] = args.path
    if getattr(args, "captions_dir", None):
        options["captions_dir"] = args.captions_dir
    if getattr(args, "data_dir", None):
        options["data_dir"] = args.data_dir
    if getattr(args, "download", False):
        options["download"] = True
    return options


def _preview_command(args) -> int:
    path = preview(args.dataset, args.out, profile=args.profile, count=args.count, seed=args.seed,
                   split=args.split, image_size=args.image_size, **_source_options(args))
    print(f"wrote {path}")
    return 0


def _counts_command(args) -> int:
    print(attribute_counts(args.dataset, args.attributes, profile=args.profile, split=args.split, count=args.count,
                           **_source_options(args)), end="")
    return 0


def add_parser(subparsers) -> None:
    from lstmgan_tf.cli import add_path_argument, add_profile_argument

    parser = subparsers.add_parser("data", help="preview the datasets, count their attributes")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    preview_parser = actions.add_parser(
        "preview", help="write a grid of sample images with their captions to a PNG",
        description=(
            "Writes DIR/NAME_preview.png. Built-in datasets: "
            f"{', '.join(BUILTIN_NAMES)}; also oxford_flowers102, caltech_birds2011, "
            "celeb_a (TensorFlow Datasets), folder and celeba (--path)."
        ),
    )
    preview_parser.add_argument("--dataset", required=True, help="dataset name, e.g. synthetic_flowers")
    preview_parser.add_argument("--out", required=True, help="folder for the PNG")
    add_profile_argument(preview_parser)
    preview_parser.add_argument("--count", type=int, default=16, help="images in the grid (default 16)")
    preview_parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic drawing")
    preview_parser.add_argument("--split", default="train", help="split to show (default train)")
    preview_parser.add_argument("--image-size", type=int, default=None,
                                help="image side in pixels (default: the profile's)")
    add_path_argument(preview_parser)
    preview_parser.add_argument("--captions-dir", default=None,
                                help="Reed et al. text_c10 folder, for oxford_flowers102 and caltech_birds2011")
    preview_parser.add_argument("--data-dir", default=None, help="TensorFlow Datasets data folder")
    preview_parser.add_argument("--download", action="store_true",
                                help="let TensorFlow Datasets download a missing dataset")
    preview_parser.set_defaults(func=_preview_command)

    counts_parser = actions.add_parser(
        "counts", help="how many images have each value of an attribute (or of two, crossed)",
        description="Prints a Markdown table: images of the split per value of --attributes A [B].",
    )
    counts_parser.add_argument("--dataset", required=True, help="a dataset with attributes, e.g. celeba")
    counts_parser.add_argument("--attributes", required=True, nargs="+", help="one or two attribute names")
    add_profile_argument(counts_parser)
    counts_parser.add_argument("--split", default="train", help="split to count (default train)")
    counts_parser.add_argument("--count", type=int, default=None,
                               help="images to read (default: the profile's dataset size, what a run trains on)")
    add_path_argument(counts_parser)
    counts_parser.set_defaults(func=_counts_command)
