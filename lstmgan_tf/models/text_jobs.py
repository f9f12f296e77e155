"""The text-to-image models in the training registry, and loading them back.

Registers three models with `lstmgan_tf.training`, trained by the same runner
on the same examples with the same budget:

- ``lstm_cgan``: the LSTM conditional GAN of Ouyang et al. (loss at every word);
- ``last_word``: the same model with the loss only at the last word;
- ``gan_cls``: GAN-CLS of Reed et al. 2016 (sentence vector + noise -> one image).

``python -m lstmgan_tf train --model lstm_cgan --dataset synthetic_flowers
--out DIR`` trains one; any captioned dataset works. Model settings can be
changed with ``--set KEY=VALUE``: any field of `LSTMCGANConfig` /
`GANCLSConfig` (``noise_dim=16``, ``generator_steps=2``,
``trainable_word_vectors=true``, ``gan_loss=hinge``, ...), plus
``sentence_encoder=grounded|sif|doc2vec``, ``word_vectors=word2vec|grounded|random``,
``captions_per_image=N`` (synthetic sets), ``encoder.SETTING=VALUE`` for the
grounded encoder (any `lstmgan_tf.text.grounded.GroundedEncoderSettings`
field: ``encoder.image_depth=2``) and ``data.OPTION=VALUE`` for the
dataset (``data.captions_dir=DIR`` for Reed et al.'s Oxford-102 / CUB
captions, ``data.path=DIR`` for a ``folder`` dataset, ``data.download=true``).

Besides the runner's files, the run folder holds ``text/`` (vocabulary, word
vectors, sentence encoder: `TextPipeline.save`), so `load_text_model` needs
nothing else to turn new captions into images.
"""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np

from lstmgan_tf.training import registry

TEXT_MODELS = ("lstm_cgan", "last_word", "gan_cls")
SAMPLE_CAPTIONS = 4
_TEXT_OPTIONS = ("sentence_encoder", "word_vectors", "captions_per_image")
_ENCODER_PREFIX = "encoder."
DEFAULT_SENTENCE_ENCODER = "grounded"
DEFAULT_WORD_VECTORS = "word2vec"
#: Swapped captions kept per caption when ``swapped_caption_weight`` is on
#: (one is drawn per step); a classroom caption has about 14 one-word swaps.
SWAPS_PER_CAPTION = 4


def _parse_value(key: str, text: str, kind):
    """Turns a ``--set`` string into the type of the config field it sets."""
    if kind in (bool, "bool"):
        from lstmgan_tf import config

        return config.parse_flag(text, f"--set {key}")
    try:
        if kind in (int, "int"):
            return int(text)
        if kind in (float, "float"):
            return float(text)
    except ValueError:
        raise ValueError(f"--set {key}={text!r}: expected a number.") from None
    return text


def _split_extra(extra, config_class, model_name):
    """Splits ``--set`` options into config overrides, text-pipeline options and dataset options."""
    from lstmgan_tf.text.grounded import GroundedEncoderSettings

    fields = {f.name: f.type for f in dataclasses.fields(config_class)}
    # The word vectors set the encoder's word_vector_dim.
    encoder_fields = {f.name: f.type for f in dataclasses.fields(GroundedEncoderSettings)
                      if f.name != "word_vector_dim"}
    model_settings, source_options = registry.split_data_options(extra)
    overrides, text_options = {}, {}
    for key, value in model_settings.items():
        if key in _TEXT_OPTIONS:
            text_options[key] = value
        elif key.startswith(_ENCODER_PREFIX):
            name = key[len(_ENCODER_PREFIX):]
            if name not in encoder_fields:
                raise ValueError(
                    f"--set {key}: the grounded encoder has no setting {name!r}; choose one of "
                    f"{', '.join(_ENCODER_PREFIX + field for field in encoder_fields)}."
                )
            text_options.setdefault("encoder_settings", {})[name] = _parse_value(key, str(value), encoder_fields[name])
        elif key in fields:
            overrides[key] = _parse_value(key, str(value), fields[key])
        else:
            raise ValueError(
                f"model {model_name!r} has no setting {key!r}; --set takes: "
                f"{', '.join(sorted([*fields, *_TEXT_OPTIONS]))}, encoder.SETTING for the grounded encoder, "
                "or data.OPTION for the dataset."
            )
    return overrides, text_options, source_options


def _load_training_data(profile, dataset_name, options, text_options, source_options):
    from lstmgan_tf import data

    source_options = dict(source_options)
    if "captions_per_image" in text_options:
        source_options["captions_per_image"] = _parse_value(
            "captions_per_image", text_options["captions_per_image"], int
        )
    arrays = data.load_arrays(
        dataset_name, split="train", image_size=options.image_size or profile.image_size,
        count=options.dataset_size, profile=profile, **source_options,
    )
    if arrays.captions is None:
        raise ValueError(
            f"dataset {dataset_name!r} has no captions; the text-to-image models need a captioned "
            "dataset (e.g. synthetic_flowers)."
        )
    return arrays


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
    images, mask = model.generate_word_images(inputs["caption_tokens"])
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
        return np.asarray(model.generate(inputs["sentence_vector"], seed=seed))
    images, mask = model.generate_word_images(inputs["caption_tokens"], seed=seed)
    last = np.asarray(mask).sum(axis=1) - 1
    return np.asarray(images)[np.arange(len(captions)), last]


def _check_matching(config, sentence_encoder):
    if config.matching_loss_weight and sentence_encoder != "grounded":
        raise ValueError(
            f"matching_loss_weight={config.matching_loss_weight} needs sentence_encoder=grounded (the "
            f"matching term uses its image encoder), not {sentence_encoder!r}; set matching_loss_weight=0."
        )


def _build_text_job(model_name, profile, dataset_name, options):
    import keras

    from lstmgan_tf import data
    from lstmgan_tf.models.captions import TextPipeline, image_examples
    from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
    from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig

    if options.jit_compile:
        raise ValueError(
            f"model {model_name!r} cannot be XLA-compiled: it gathers the real words of each "
            "caption, a shape known only at run time. Train it without --xla."
        )
    config_class = GANCLSConfig if model_name == "gan_cls" else LSTMCGANConfig
    overrides, text_options, source_options = _split_extra(options.extra, config_class, model_name)
    if options.image_size is not None:
        overrides.setdefault("image_size", options.image_size)
    arrays = _load_training_data(profile, dataset_name, options, text_options, source_options)
    sentence_encoder = text_options.get("sentence_encoder", DEFAULT_SENTENCE_ENCODER)
    word_vectors = text_options.get("word_vectors", DEFAULT_WORD_VECTORS)
    text = TextPipeline.fit(
        arrays.captions, profile=profile, sentence_encoder=sentence_encoder,
        word_vector_dim=overrides.get("word_vector_dim"), seed=options.seed, images=arrays.images,
        word_vector_source=word_vectors, encoder_settings=text_options.get("encoder_settings"),
    )
    # Fitting the grounded encoder draws random numbers, loading it from the
    # cache does not: reseed so that the model's weights depend on the seed alone.
    keras.utils.set_random_seed(options.seed)
    if sentence_encoder != "grounded":
        # The matching term compares images with grounded caption vectors.
        overrides.setdefault("matching_loss_weight", 0.0)
    if dataset_name not in data.TURN_INVARIANT_DATASETS:
        # A face or a bird turned on its side is no longer a picture of the
        # dataset, and D's augmentation would leak into G's images (ADA).
        overrides.setdefault("augment_dihedral", 0.0)
    if text.image_encoder is not None:
        overrides.setdefault("matching_temperature", text.sentence_encoder.settings.temperature)
        overrides.setdefault("matching_encoder_width", text.sentence_encoder.settings.image_width)
        overrides.setdefault("matching_encoder_depth", text.sentence_encoder.settings.image_depth)
    if model_name == "gan_cls":
        config = GANCLSConfig.from_profile(text.sentence_vector_dim, profile=profile, **overrides)
        _check_matching(config, sentence_encoder)
        model = GANCLS(config, seed=options.seed, matching_encoder=text.image_encoder)
    else:
        overrides.setdefault("loss_at", "last_word" if model_name == "last_word" else "every_word")
        overrides["word_vector_dim"] = text.word_vector_dim
        config = LSTMCGANConfig.from_profile(
            text.vocabulary_size, text.sentence_vector_dim, profile=profile, **overrides
        )
        _check_matching(config, sentence_encoder)
        model = LSTMCGAN(config, embedding_matrix=text.embedding_matrix(), seed=options.seed, name=model_name,
                         matching_encoder=text.image_encoder)
    if arrays.image_size != config.image_size:
        raise ValueError(
            f"dataset {dataset_name!r} has {arrays.image_size}-pixel images, but the model "
            f"expects {config.image_size}; pass the matching image size."
        )
    model.compile(
        d_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1),
        g_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1),
    )
    captions = sample_captions(arrays)

    if model_name == "gan_cls":
        def sample_fn(trained):
            return generate_images(trained, text, captions), captions
        columns = None
    else:
        columns = max(len(text.words(c)) for c in captions)

        def sample_fn(trained):
            images, labels, _ = word_by_word_grid(trained, text, captions)
            return images, labels

    job_config = {
        "kind": model_name,
        "model": config.to_dict(),
        "sentence_encoder": sentence_encoder,
        "word_vectors": word_vectors,
        "captions_per_image": text_options.get("captions_per_image"),
        "sample_captions": captions,
    }
    return registry.TrainingJob(
        model=model,
        examples=image_examples(
            arrays, text, swaps_per_caption=SWAPS_PER_CAPTION if config.swapped_caption_weight else 0,
            seed=options.seed,
        ),
        sample_fn=sample_fn,
        config=job_config,
        sample_columns=columns,
        write_files=lambda out_dir: text.save(os.path.join(out_dir, "text")),
    )


@registry.register_model("lstm_cgan", epochs_field="text_epochs", batch_size_field="text_batch_size")
def build_lstm_cgan_job(profile, dataset_name, options):
    """The LSTM-CGAN of Ouyang et al. (adversarial loss at every word)."""
    return _build_text_job("lstm_cgan", profile, dataset_name, options)


@registry.register_model("last_word", epochs_field="text_epochs", batch_size_field="text_batch_size")
def build_last_word_job(profile, dataset_name, options):
    """The last-word baseline (the LSTM-CGAN with the loss only at the last word)."""
    return _build_text_job("last_word", profile, dataset_name, options)


@registry.register_model("gan_cls", epochs_field="text_epochs", batch_size_field="text_batch_size")
def build_gan_cls_job(profile, dataset_name, options):
    """GAN-CLS of Reed et al. 2016 (sentence vector + noise -> one image)."""
    return _build_text_job("gan_cls", profile, dataset_name, options)


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


def load_text_model(run_dir) -> TrainedTextModel:
    """Loads a trained ``lstm_cgan``, ``last_word`` or ``gan_cls`` run folder.

    Reads ``config.json``, the ``text/`` folder and the latest checkpoint; the
    training data are not needed.

    Raises:
        FileNotFoundError: a folder without a run, a checkpoint or its text files.
        ValueError: a run of another kind of model.
    """
    import tensorflow as tf

    from lstmgan_tf.models.captions import TextPipeline
    from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
    from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
    from lstmgan_tf.training import checkpoints

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
    if not checkpoints.checkpoint_prefixes(checkpoint_dir):
        raise FileNotFoundError(f"checkpoint folder {run_dir!r} holds no checkpoint in checkpoints/.")
    text = TextPipeline.load(os.path.join(run_dir, "text"))
    model_settings = run_config["model_config"]["model"]
    if name == "gan_cls":
        model = GANCLS(GANCLSConfig(**model_settings), seed=run_config["seed"])
    else:
        model = LSTMCGAN(LSTMCGANConfig(**model_settings), seed=run_config["seed"], name=name)
    # The newest checkpoint that reads back intact (a damaged one only warns).
    checkpoints.restore_newest_readable(tf.train.Checkpoint(model=model), checkpoint_dir, run_dir, partial=True)
    return TrainedTextModel(model, text, run_config, run_dir)


def default_run_dir(model_name: str, dataset: str, profile) -> str:
    """``outputs/runs/<model>_<dataset>_<profile>``: where `train_or_load` keeps a run."""
    from lstmgan_tf import config

    return os.path.join(config.outputs_dir("runs"), f"{model_name}_{dataset}_{config.get_profile(profile).name}")


def train_or_load(model_name: str, dataset: str = "synthetic_flowers", profile=None, out_dir=None,
                  epochs: int | None = None, verbose="auto"):
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

    Returns:
        ``(trained, history)``: a `TrainedTextModel` and the per-epoch history dict.
    """
    from lstmgan_tf import config, training
    from lstmgan_tf.training import callbacks
    from lstmgan_tf.training.checkpoints import has_final_weights

    if model_name not in TEXT_MODELS:
        raise ValueError(f"unknown text-to-image model {model_name!r}; choose one of: {', '.join(TEXT_MODELS)}.")
    profile = config.get_profile(profile)
    epochs = epochs or profile.text_epochs
    out_dir = os.fspath(out_dir or default_run_dir(model_name, dataset, profile))
    config_path = os.path.join(out_dir, "config.json")
    saved = None
    if os.path.isfile(config_path):
        with open(config_path, encoding="utf-8") as handle:
            saved = json.load(handle)
    finished = saved is not None and saved.get("epochs") == epochs and has_final_weights(out_dir)
    if not finished:
        training.train(model_name, dataset, out_dir=out_dir, profile=profile, epochs=epochs,
                       resume=saved is not None, verbose=verbose)
    history_path = os.path.join(out_dir, "history.csv")
    history = callbacks.read_history_csv(history_path) if os.path.isfile(history_path) else {}
    return load_text_model(out_dir), history
