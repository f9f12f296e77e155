"""The model registry: every trainable model of the kit, by name.

A model module registers a *builder*, a function that makes everything one
training run needs:

>>> @register_model("dcgan")
... def build_dcgan_job(profile, dataset_name, options):
...     ...
...     return TrainingJob(model=gan, examples=examples, sample_fn=sample, config={...})

and lists itself once in `MODEL_MODULES`, so that the CLI names every model
without importing TensorFlow; the module is imported when the model is asked
for. The runner (`lstmgan_tf.training.train`) calls the builder inside the
distribution strategy's scope and does the rest.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, Callable, Mapping

# Model name -> the module whose import registers it. Add a line for a new model.
MODEL_MODULES: dict[str, str] = {
    "dcgan": "lstmgan_tf.models.gan",
    "lstm_cgan": "lstmgan_tf.models.text_jobs",
    "last_word": "lstmgan_tf.models.text_jobs",
    "gan_cls": "lstmgan_tf.models.text_jobs",
    "dcgan_lstm_d": "lstmgan_tf.experiments.lstm_gan",
}

_BUILDERS: dict[str, Callable] = {}
# Model name -> the `Profile` field that gives its default number of epochs.
_EPOCHS_FIELDS: dict[str, str] = {}
_BATCH_SIZE_FIELDS: dict[str, str] = {}


@dataclasses.dataclass(frozen=True)
class TrainOptions:
    """Run options a builder takes into account (beside the profile).

    Args:
        seed: seed of the model's noise, the data order and the weights.
        batch_size: global batch size (summed over replicas); `None` = profile's.
        image_size: image size in pixels; `None` = profile's.
        dataset_size: images drawn from the dataset; `None` = profile's.
        mixed_precision: train under the ``mixed_float16`` policy.
        jit_compile: compile the train step with XLA.
        extra: model-specific settings, as strings (``--set KEY=VALUE``).
    """

    seed: int = 0
    batch_size: int | None = None
    image_size: int | None = None
    dataset_size: int | None = None
    mixed_precision: bool = False
    jit_compile: bool = False
    extra: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        for name in ("batch_size", "image_size", "dataset_size"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive integer or None, got {value!r}.")

    def to_json(self) -> dict:
        return {**dataclasses.asdict(self), "extra": dict(self.extra)}


@dataclasses.dataclass
class TrainingJob:
    """What a builder hands the runner.

    Args:
        model: the model, built (its variables exist) and compiled.
        examples: a finite, *unbatched* `tf.data.Dataset` in a fixed order
            whose elements are what ``model.train_step`` takes once batched.
            The runner shuffles (with the run's seed), batches, repeats it and
            skips to the resume position.
        sample_fn: ``sample_fn(model) -> (images, captions)``: the images
            (``(N, H, W, 3)`` in [-1, 1]) drawn after every epoch, from fixed
            inputs, and their captions (a list of ``N`` strings) or `None`.
        config: a JSON-able dict of everything that shapes the model and the
            data; saved to ``config.json`` and compared on resume.
        sample_columns: images per row of the sample grid (default: a
            roughly square grid); e.g. the words of a caption, one per column.
        write_files: optional ``write_files(out_dir)``, called once the run
            folder exists, to store what the model needs beside its weights
            (e.g. the vocabulary and word vectors of the text models).
    """

    model: Any
    examples: Any
    sample_fn: Callable
    config: dict
    sample_columns: int | None = None
    write_files: Callable | None = None


DATA_OPTION_PREFIX = "data."


def split_data_options(extra: Mapping[str, Any]) -> tuple[dict, dict]:
    """Splits ``--set`` values into the model's own and the dataset's.

    Keys ``data.NAME`` (``data.path=DIR``, ``data.captions_dir=DIR``,
    ``data.download=true``) are options of the dataset loader
    (`lstmgan_tf.data.load_arrays`); every builder passes them on unchanged.

    Returns:
        ``(model_settings, source_options)``, the second without the prefix.
    """
    model_settings, source_options = {}, {}
    for key, value in dict(extra).items():
        if key.startswith(DATA_OPTION_PREFIX) and len(key) > len(DATA_OPTION_PREFIX):
            source_options[key[len(DATA_OPTION_PREFIX):]] = value
        else:
            model_settings[key] = value
    return model_settings, source_options


def register_model(name: str, epochs_field: str = "epochs", batch_size_field: str = "batch_size"):
    """Decorator: registers ``builder(profile, dataset_name, options)`` as ``name``.

    Args:
        name: the model's name.
        epochs_field: the `Profile` field with the model's default epochs
            (the text-to-image models use ``text_epochs``).
        batch_size_field: the `Profile` field with its default batch size
            (the text-to-image models use ``text_batch_size``).
    """

    def decorator(builder):
        _BUILDERS[name] = builder
        _EPOCHS_FIELDS[name] = epochs_field
        _BATCH_SIZE_FIELDS[name] = batch_size_field
        return builder

    return decorator


def default_epochs(name: str, profile) -> int:
    """The profile's default number of epochs for model ``name``."""
    get_builder(name)
    return getattr(profile, _EPOCHS_FIELDS.get(name, "epochs"))


def default_batch_size(name: str, profile) -> int:
    """The profile's default global batch size for model ``name``."""
    get_builder(name)
    return getattr(profile, _BATCH_SIZE_FIELDS.get(name, "batch_size"))


def model_names() -> list[str]:
    """Names of all models, without importing them."""
    return sorted(set(MODEL_MODULES) | set(_BUILDERS))


def get_builder(name: str) -> Callable:
    """Returns the builder registered as ``name``, importing its module first.

    Raises:
        ValueError: if no model has that name.
    """
    if name not in _BUILDERS and name in MODEL_MODULES:
        importlib.import_module(MODEL_MODULES[name])
    if name not in _BUILDERS:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(model_names())}.")
    return _BUILDERS[name]
