"""The training jobs of the text-to-image models: ``train --model lstm_cgan|last_word|gan_cls``.

Three models trained by the same runner on the same examples with the same
budget:

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
vectors, sentence encoder: `TextPipeline.save`), so
`lstmgan_tf.training.text_runs.load_text_model` needs nothing else to turn new
captions into images.
"""

from __future__ import annotations

import dataclasses
import os

import keras

from lstmgan_tf import data
from lstmgan_tf.models.gan_cls import GANCLS, GANCLSConfig
from lstmgan_tf.models.lstm_cgan import LSTMCGAN, LSTMCGANConfig
from lstmgan_tf.models.text_inputs import TEXT_FOLDER, TextPipeline, image_examples
from lstmgan_tf.text.grounded import GroundedEncoderSettings
from lstmgan_tf.training.registry import TrainingJob, parse_setting, register_model, split_data_options
from lstmgan_tf.training.text_runs import generate_images, load_text_model, sample_captions, word_by_word_grid

_TEXT_OPTIONS = ("sentence_encoder", "word_vectors", "captions_per_image")
_ENCODER_PREFIX = "encoder."
DEFAULT_SENTENCE_ENCODER = "grounded"
DEFAULT_WORD_VECTORS = "word2vec"
#: Swapped captions kept per caption when ``swapped_caption_weight`` is on
#: (one is drawn per step); a classroom caption has about 14 one-word swaps.
SWAPS_PER_CAPTION = 4


def _split_extra(extra, config_class, model_name):
    """Splits ``--set`` options into config overrides, text-pipeline options and dataset options."""
    fields = {f.name: f.type for f in dataclasses.fields(config_class)}
    # The word vectors set the encoder's word_vector_dim.
    encoder_fields = {f.name: f.type for f in dataclasses.fields(GroundedEncoderSettings)
                      if f.name != "word_vector_dim"}
    model_settings, source_options = split_data_options(extra)
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
            text_options.setdefault("encoder_settings", {})[name] = parse_setting(key, str(value), encoder_fields[name])
        elif key in fields:
            overrides[key] = parse_setting(key, str(value), fields[key])
        else:
            raise ValueError(
                f"model {model_name!r} has no setting {key!r}; --set takes: "
                f"{', '.join(sorted([*fields, *_TEXT_OPTIONS]))}, encoder.SETTING for the grounded encoder, "
                "or data.OPTION for the dataset."
            )
    return overrides, text_options, source_options


def _load_training_data(model_name, profile, dataset_name, options, text_options, source_options):
    source_options = dict(source_options)
    if "captions_per_image" in text_options:
        source_options["captions_per_image"] = parse_setting("captions_per_image", text_options["captions_per_image"], int)
    arrays = data.load_arrays(
        dataset_name, split="train", image_size=options.image_size or profile.image_size,
        count=options.dataset_size, profile=profile, **source_options,
    )
    if arrays.captions is None:
        where = f" ({source_options['path']})" if "path" in source_options else ""
        raise ValueError(
            f"model {model_name!r} needs captions and dataset {dataset_name!r}{where} has none: give it a folder "
            "with a same-name .txt file of captions (one per line) beside each image, or a captioned dataset "
            "such as synthetic_flowers."
        )
    return arrays


def _check_matching(config, sentence_encoder):
    if config.matching_loss_weight and sentence_encoder != "grounded":
        raise ValueError(
            f"matching_loss_weight={config.matching_loss_weight} needs sentence_encoder=grounded (the "
            f"matching term uses its image encoder), not {sentence_encoder!r}; set matching_loss_weight=0."
        )


def _build_text_job(model_name, profile, dataset_name, options):
    if options.jit_compile:
        raise ValueError(
            f"model {model_name!r} cannot be XLA-compiled: it gathers the real words of each "
            "caption, a shape known only at run time. Train it without --xla."
        )
    config_class = GANCLSConfig if model_name == "gan_cls" else LSTMCGANConfig
    overrides, text_options, source_options = _split_extra(options.extra, config_class, model_name)
    if options.image_size is not None:
        overrides.setdefault("image_size", options.image_size)
    arrays = _load_training_data(model_name, profile, dataset_name, options, text_options, source_options)
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
    return TrainingJob(
        model=model,
        examples=image_examples(
            arrays, text, swaps_per_caption=SWAPS_PER_CAPTION if config.swapped_caption_weight else 0,
            seed=options.seed,
        ),
        sample_fn=sample_fn,
        config=job_config,
        sample_columns=columns,
        write_files=lambda out_dir: text.save(os.path.join(out_dir, TEXT_FOLDER)),
    )


def _load_model(run_dir, checkpoint=None):
    # The run folder holds the text pipeline: no need to read the data and fit word2vec again.
    return load_text_model(run_dir, checkpoint=checkpoint).model


@register_model("lstm_cgan", epochs_field="text_epochs", batch_size_field="text_batch_size",
                loader=_load_model)
def build_lstm_cgan_job(profile, dataset_name, options):
    """The LSTM-CGAN of Ouyang et al. (adversarial loss at every word)."""
    return _build_text_job("lstm_cgan", profile, dataset_name, options)


@register_model("last_word", epochs_field="text_epochs", batch_size_field="text_batch_size",
                loader=_load_model)
def build_last_word_job(profile, dataset_name, options):
    """The last-word baseline (the LSTM-CGAN with the loss only at the last word)."""
    return _build_text_job("last_word", profile, dataset_name, options)


@register_model("gan_cls", epochs_field="text_epochs", batch_size_field="text_batch_size",
                loader=_load_model)
def build_gan_cls_job(profile, dataset_name, options):
    """GAN-CLS of Reed et al. 2016 (sentence vector + noise -> one image)."""
    return _build_text_job("gan_cls", profile, dataset_name, options)
