"""``python -m lstmgan_tf data ...``: look at a dataset without writing code.

``data preview --dataset NAME --out DIR`` writes ``DIR/NAME_preview.png``, a
grid of sample images each with one of its captions.
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


def _preview_command(args) -> int:
    options = {}
    if args.path:
        options["path"] = args.path
    if args.captions_dir:
        options["captions_dir"] = args.captions_dir
    if args.data_dir:
        options["data_dir"] = args.data_dir
    if args.download:
        options["download"] = True
    path = preview(args.dataset, args.out, profile=args.profile, count=args.count, seed=args.seed,
                   split=args.split, image_size=args.image_size, **options)
    print(f"wrote {path}")
    return 0


def add_parser(subparsers) -> None:
    from lstmgan_tf.cli import add_path_argument, add_profile_argument

    parser = subparsers.add_parser("data", help="preview the datasets")
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
