"""Runs of the text-to-image models: train or load one, load one back, draw from one.

- `train_or_load(model_name, dataset, ...)`: trains ``lstm_cgan``,
  ``last_word`` or ``gan_cls`` with the runner (`lstmgan_tf.training.train`),
  resumes an interrupted run, or loads the finished one: what notebooks 05 and
  06 call, so a re-run does not train again.
- `load_text_model(run_dir)` -> `TrainedTextModel` (the model, its
  `TextPipeline`, the run's settings) from a run folder alone.
- `sample_captions`, `word_by_word_grid`, `generate_images`: a trained model's
  images for a list of captions (the training job's sample grid uses them too).
"""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np

from lstmgan_tf.models.text_inputs import CAPTION_TOKENS, SENTENCE_VECTOR

TEXT_MODELS = ("lstm_cgan", "last_word", "gan_cls")
SAMPLE_CAPTIONS = 4


def sample_captions(arrays, count: int = SAMPLE_CAPTIONS) -> list[str]:
    """A fixed set of training captions (the first caption of evenly spaced images)."""
    picks = np.linspace(0, len(arrays.captions) - 1, count).round().astype(int)
    return [arrays.captions[i][0] for i in picks if arrays.captions[i]]


def word_by_word_grid(model, text, captions):
    """Images of every word of each caption, as one row per caption.

    Returns:
        ``(images, labels, columns)``: ``(len(captions) * columns, H, W, 3)``
        images (white where a caption has no more words), the word under each
        image, and the number of columns (the longest caption's words).
    """
    inputs = text.encode(captions)
    images, mask = model.generate_word_images(inputs[CAPTION_TOKENS])
    words = [text.words(c) for c in captions]
    columns = max(len(w) for w in words)
    images = np.asarray(images)[:, :columns]
    mask = np.asarray(mask)[:, :columns]
    images = np.where(mask[..., None, None, None], images, 1.0)
    labels = [w[t] if t < len(w) else "" for w in words for t in range(columns)]
    return images.reshape(-1, *images.shape[2:]), labels, columns


def generate_images(model, text, captions, seed: int = 0) -> np.ndarray:
    """The final image of each caption (the last word's for the LSTM models)."""
    from lstmgan_tf.models.gan_cls import GANCLS

    inputs = text.encode(captions)
    if isinstance(model, GANCLS):
        return np.asarray(model.generate(inputs[SENTENCE_VECTOR], seed=seed))
    images, mask = model.generate_word_images(inputs[CAPTION_TOKENS], seed=seed)
    last = np.asarray(mask).sum(axis=1) - 1
    return np.asarray(images)[np.arange(len(captions)), last]


@dataclasses.dataclass
class TrainedTextModel:
    """A trained text-to-image model with everything needed to use it.

    Attributes:
        model: the `LSTMCGAN` or `GANCLS` with its trained weights.
        text: its `TextPipeline`.
        run_config: the run's ``config.json``.
        run_dir: the run folder.
    """

    model: object
    text: object
    run_config: dict
    run_dir: str

    @property
    def name(self) -> str:
        return self.run_config["model"]


def load_text_model(run_dir, checkpoint: str | None = None) -> TrainedTextModel:
    """Loads a trained ``lstm_cgan``, ``last_word`` or ``gan_cls`` run folder.

    Reads ``config.json``, the ``text/`` folder and the newest readable
    checkpoint (or ``checkpoint``, a checkpoint prefix); the training data are
    not needed. A shipped run (`lstmgan_tf.training.pretrained`: no
    checkpoints, ``inference.npz``) is read the same way.

    Raises:
        FileNotFoundError: a folder without a run, a checkpoint or its text files.
        ValueError: a run of another kind of model.
    """
    import tensorflow as tf

    from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
    from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
    from lstmgan_tf.models.text_inputs import TextPipeline
    from lstmgan_tf.training import checkpoints, pretrained

    run_dir = os.fspath(run_dir)
    config_path = os.path.join(run_dir, "config.json")
    if not os.path.isfile(config_path):
        raise FileNotFoundError(
            f"checkpoint folder {run_dir!r} holds no run (no config.json); pass the --out folder "
            "of a 'train --model lstm_cgan|last_word|gan_cls' run."
        )
    with open(config_path, encoding="utf-8") as handle:
        run_config = json.load(handle)
    name = run_config.get("model")
    if name not in TEXT_MODELS:
        raise ValueError(
            f"checkpoint folder {run_dir!r} holds a {name!r} run; expected one of {', '.join(TEXT_MODELS)}."
        )
    checkpoint_dir = os.path.join(run_dir, "checkpoints")
    shipped_weights = os.path.join(run_dir, pretrained.WEIGHTS_FILE)
    shipped = os.path.isfile(shipped_weights) and checkpoint is None
    if not shipped and not checkpoints.checkpoint_prefixes(checkpoint_dir):
        raise FileNotFoundError(f"checkpoint folder {run_dir!r} holds no checkpoint in checkpoints/.")
    text = TextPipeline.load(pretrained.text_folder(run_dir))
    model_settings = run_config["model_config"]["model"]
    if name == "gan_cls":
        model = GANCLS(GANCLSConfig(**model_settings), seed=run_config["seed"])
    else:
        model = LSTMCGAN(LSTMCGANConfig(**model_settings), seed=run_config["seed"], name=name)
    if shipped:  # A shipped run (`pretrained`): the inference networks' weights only.
        generate_images(model, text, ["a flower"])  # Builds the networks.
        pretrained.load_inference_weights(model, shipped_weights)
    elif checkpoint is not None:
        if problem := checkpoints.checkpoint_problem(checkpoint):
            raise checkpoints.DamagedRunError(f"checkpoint {checkpoint!r} cannot be read ({problem}).")
        checkpoints.restore(tf.train.Checkpoint(model=model), checkpoint, run_dir, partial=True)
    else:
        # The newest checkpoint that reads back intact (a damaged one only warns).
        checkpoints.restore_newest_readable(tf.train.Checkpoint(model=model), checkpoint_dir, run_dir, partial=True)
    return TrainedTextModel(model, text, run_config, run_dir)


def default_run_dir(model_name: str, dataset: str, profile, path=None, epochs: int | None = None) -> str:
    """Where `train_or_load`, ``make run`` and the notebooks keep a run: one folder per run asked for.

    ``outputs/runs/<model>_<dataset>_<profile>`` (the dataset named by
    `data.dataset_label`, so two folders of images get two runs), with
    ``_<N>epochs`` when ``epochs`` is not the profile's. A finished run there
    is reused only if its settings are the ones asked for (`runner.train_unless_finished`).

    >>> os.path.basename(default_run_dir("lstm_cgan", "synthetic_flowers", "classroom"))
    'lstm_cgan_synthetic_flowers_classroom'
    >>> os.path.basename(default_run_dir("gan_cls", "synthetic_flowers", "smoke", epochs=3))
    'gan_cls_synthetic_flowers_smoke_3epochs'
    """
    from lstmgan_tf import config
    from lstmgan_tf.data import dataset_label
    from lstmgan_tf.training import registry

    profile = config.get_profile(profile)
    name = f"{model_name}_{dataset_label(dataset, path)}_{profile.name}"
    if epochs is not None and epochs != registry.default_epochs(model_name, profile):
        name += f"_{epochs}epochs"
    return os.path.join(config.outputs_dir("runs"), name)


def train_or_load(model_name: str, dataset: str = "synthetic_flowers", profile=None, out_dir=None,
                  epochs: int | None = None, verbose="auto", path=None, pretrained: bool = False):
    """Trains a text-to-image model, or loads it if its run folder already holds the finished run.

    A notebook re-run therefore does not train again; an interrupted run is
    resumed from its last checkpoint.

    Args:
        model_name: ``"lstm_cgan"``, ``"last_word"`` or ``"gan_cls"``.
        dataset: a captioned dataset name.
        profile: profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        out_dir: the run folder (default: `default_run_dir`).
        epochs: total epochs (default: the profile's ``text_epochs``).
        verbose: ``model.fit``'s verbosity.
        path: the folder of a dataset read from one (``celeba``, ``folder``).
        pretrained: when there is no finished run of your own in the default
            folder, load the kit's shipped run of this model, dataset and
            profile if there is one (`lstmgan_tf.training.pretrained`;
            ``classroom`` on ``synthetic_flowers``) instead of training.

    Returns:
        ``(trained, history)``: a `TrainedTextModel` and the per-epoch history dict.
    """
    from lstmgan_tf import config
    from lstmgan_tf.training import checkpoints, registry, runner
    from lstmgan_tf.training import pretrained as shipped

    if model_name not in TEXT_MODELS:
        raise ValueError(f"unknown text-to-image model {model_name!r}; choose one of: {', '.join(TEXT_MODELS)}.")
    profile = config.get_profile(profile)
    own_run = out_dir is None
    out_dir = os.fspath(out_dir or default_run_dir(model_name, dataset, profile, path, epochs))
    default_epochs = epochs in (None, registry.default_epochs(model_name, profile))
    asks_shipped = pretrained and own_run and path is None and default_epochs
    if asks_shipped and not checkpoints.has_final_weights(out_dir):
        if (shipped_dir := shipped.shipped_run(model_name, dataset, profile)) is not None:
            print(shipped.loaded_line(model_name, dataset, profile), flush=True)
            return load_text_model(shipped_dir), runner.read_history(shipped_dir)
    options = registry.TrainOptions(extra=registry.data_settings({"path": os.path.abspath(path)}) if path else {})
    runner.train_unless_finished(model_name, dataset, out_dir, profile, epochs, options=options, verbose=verbose)
    # Loaded from the run folder either way: the model with its text pipeline.
    return load_text_model(out_dir), runner.read_history(out_dir)
