"""The kit's pretrained runs: the weights inference needs, small enough for the repository.

A class should see a trained text model in its first minute, not after half
an hour of training. ``make pretrained`` (`lstmgan_tf.main_job.run_pretrained_job`)
trains LSTM-CGAN, last word and GAN-CLS on ``synthetic_flowers`` at
``classroom`` and ships what drawing and evaluating need:

    pretrained/
        synthetic_flowers_classroom/
            text/                 the text pipeline the three runs share
            lstm_cgan/            config.json, history.csv, inference.npz
            last_word/  gan_cls/  the same
            published.json        how they were made (time, host) and what the pixel check saw
        judges/KEY.npz            the evaluation's judge (`metrics.evaluation.judge_key`)

``inference.npz`` holds, in float16, the weights of the networks between a
caption and its image (`TextToImageGAN.inference_networks`: the word
embedding, the LSTM and the generator, or GAN-CLS's text projection and
generator); the discriminator and the optimizers stay behind, so a shipped
run draws and is evaluated like any run folder (`text_runs.load_text_model`)
but cannot be trained on (its ``config.json`` says ``"inference_only"``).
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from lstmgan_tf import config, files
from lstmgan_tf.models.text_inputs import TEXT_FOLDER

WEIGHTS_FILE = "inference.npz"
PUBLISHED_FILE = "published.json"
#: The datasets and profiles the kit ships runs of.
SHIPPED = (("synthetic_flowers", "classroom"),)
_LAYOUT_KEY = "layout"
#: Test captions the pixel check of the shipped runs reads (those that name a petal colour count).
PIXEL_CHECK_CAPTIONS = 256


def shipped_folder(dataset: str = "synthetic_flowers", profile="classroom") -> str:
    """``pretrained/<dataset>_<profile>``: where the runs of one dataset and profile are shipped (maybe missing)."""
    return config.pretrained_dir(f"{dataset}_{config.get_profile(profile).name}")


def shipped_run(model_name: str, dataset: str, profile) -> str | None:
    """The shipped run of ``model_name`` on ``dataset`` at ``profile``, or `None` if the kit ships none."""
    folder = os.path.join(shipped_folder(dataset, profile), model_name)
    return folder if os.path.isfile(os.path.join(folder, WEIGHTS_FILE)) else None


def read_published(dataset: str = "synthetic_flowers", profile="classroom") -> dict:
    """``published.json`` of a shipped folder (how long the runs took, on what host; the pixel check), or ``{}``."""
    path = os.path.join(shipped_folder(dataset, profile), PUBLISHED_FILE)
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def loaded_line(model_name: str, dataset: str, profile) -> str:
    """What a notebook prints when it loads a shipped run instead of training one."""
    published = read_published(dataset, profile)
    minutes = published.get("train_seconds", {}).get(model_name)
    made = f", {minutes / 60:.0f} min on {published.get('host', 'an unnamed host')}" if minutes else ""
    return (f"loaded the kit's pretrained {config.get_profile(profile).name} run of {model_name} "
            f"(trained by `make pretrained`{made}); RETRAIN = True trains your own.")


def text_folder(run_dir: str) -> str:
    """A run's text pipeline: its own ``text/``, or, for a shipped run, the one its folder shares."""
    own = os.path.join(run_dir, TEXT_FOLDER)
    return own if os.path.isdir(own) else os.path.join(os.path.dirname(os.path.abspath(run_dir)), TEXT_FOLDER)


def save_inference_weights(model, path: str) -> str:
    """Writes the weights of ``model.inference_networks()`` in float16 (``inference.npz``).

    The networks must be built (draw one image first).
    """
    arrays, layout = {}, []
    for index, network in enumerate(model.inference_networks()):
        weights = network.get_weights()
        if not weights:
            raise ValueError(f"network {network.name!r} has no weights yet; draw one image before saving.")
        layout.append({"name": network.name, "shapes": [list(w.shape) for w in weights]})
        for position, weight in enumerate(weights):
            arrays[f"{index}/{position}"] = np.asarray(weight, np.float16)
    arrays[_LAYOUT_KEY] = np.array(json.dumps(layout))
    with files.atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez_compressed(handle, **arrays)
    return path


def load_inference_weights(model, path: str) -> None:
    """Sets ``model.inference_networks()`` (built) to the weights of an ``inference.npz``.

    Raises:
        ValueError: the file's networks do not fit today's model (it names
            the first weight that differs): the shipped runs must be made
            again with ``make pretrained``.
    """
    with np.load(path) as shipped:
        layout = json.loads(str(shipped[_LAYOUT_KEY]))
        networks = model.inference_networks()
        if len(layout) != len(networks):
            raise ValueError(f"{path!r} holds {len(layout)} networks, the model has {len(networks)}; "
                             "run `make pretrained` to make the shipped runs again.")
        for index, (network, saved) in enumerate(zip(networks, layout)):
            current = [list(w.shape) for w in network.get_weights()]
            if current != saved["shapes"]:
                raise ValueError(
                    f"{path!r}: network {saved['name']!r} was shipped with weights of shapes {saved['shapes']}, "
                    f"today's model has {current}; run `make pretrained` to make the shipped runs again."
                )
            network.set_weights([shipped[f"{index}/{p}"].astype(np.float32) for p in range(len(current))])


def export_run(trained, folder: str) -> str:
    """Writes one trained text run as a shipped run: ``config.json``, ``history.csv``, ``inference.npz``.

    The run's text pipeline goes to ``../text`` (shared by the runs of one
    dataset and profile; a different one there is an error).
    """
    from lstmgan_tf.training.text_runs import generate_images

    os.makedirs(folder, exist_ok=True)
    generate_images(trained.model, trained.text, ["a flower"])  # Builds the networks.
    save_inference_weights(trained.model, os.path.join(folder, WEIGHTS_FILE))
    files.write_json(os.path.join(folder, "config.json"),
                     {**trained.run_config, "inference_only": True}, indent=1)
    history = os.path.join(trained.run_dir, "history.csv")
    if os.path.isfile(history):
        shutil.copyfile(history, os.path.join(folder, "history.csv"))
    _share_text(trained, text_folder(folder))
    return folder


def _share_text(trained, target: str) -> None:
    """Copies a run's text pipeline to the shared folder, or checks that the one there reads captions the same.

    Files are not compared byte for byte: HDF5 weight files of equal weights differ in their metadata.
    """
    from lstmgan_tf.models.text_inputs import TextPipeline

    if not os.path.isdir(target):
        shutil.copytree(os.path.join(trained.run_dir, TEXT_FOLDER), target)
        return
    probe = trained.text.training_captions[:64]
    mine, shared = trained.text.encode(probe), TextPipeline.load(target).encode(probe)
    if not all(np.allclose(mine[key], shared[key], atol=1e-6) for key in mine):
        raise ValueError(
            f"run {trained.run_dir!r} reads captions differently from the shipped text pipeline in {target!r}: "
            "runs shipped together must share one (train them with the same data and profile)."
        )


def petal_colour_check(trained, profile="classroom", count: int = PIXEL_CHECK_CAPTIONS) -> dict:
    """How often a text model draws the petal colour its caption asks for, by the non-learned pixel check.

    The final image of each of the first ``count`` test captions of
    ``synthetic_flowers`` that name a petal colour, read by
    `metrics.flower_colour` (nothing learned, so the judge's mistakes cannot
    hide the model's). ``make pretrained`` publishes it for the shipped runs
    and a test checks that today's code still gets it from their weights.

    Returns:
        ``{"right": ..., "asked": ..., "rate": ...}``: captions drawn right, captions that name a petal colour.
    """
    from lstmgan_tf import data
    from lstmgan_tf.metrics.evaluation import evaluation_captions, pixel_colour_hits
    from lstmgan_tf.training.text_runs import generate_images

    test_data = data.load_arrays("synthetic_flowers", split="test", count=count, profile=profile,
                                 image_size=trained.run_config["image_size"])
    captions, rows = evaluation_captions(test_data, count)
    hits = pixel_colour_hits(generate_images(trained.model, trained.text, captions), rows, captions, test_data)
    return {"right": int(hits.sum()), "asked": len(hits), "rate": round(float(hits.mean()), 4)}
