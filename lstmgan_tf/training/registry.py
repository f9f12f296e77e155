"""The model registry: every trainable model of the kit, by name.

A builder module (`lstmgan_tf.training.builders`) registers a *builder*, a
function that makes everything one training run needs::

    @register_model("dcgan")
    def dcgan_job(profile, dataset_name, options):
        ...  # load the data, build and compile the model
        return TrainingJob(model=gan, examples=examples, sample_fn=sample_fn, config=model_config)

and lists itself once in `MODEL_MODULES`, so that the CLI names every model
without importing TensorFlow; the module is imported when the model is asked
for. The runner (`lstmgan_tf.training.train`) calls the builder inside the
distribution strategy's scope and does the rest.

Example:

>>> sorted(MODEL_MODULES)
['dcgan', 'dcgan_lstm_d', 'gan_cls', 'last_word', 'lstm_cgan']
>>> get_builder("dcgan").__module__
'lstmgan_tf.training.builders.dcgan'
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, Callable, Mapping

from lstmgan_tf.checks import check_positive_int

# Model name -> the module whose import registers it. Add a line for a new model.
MODEL_MODULES: dict[str, str] = {
    "dcgan": "lstmgan_tf.training.builders.dcgan",
    "lstm_cgan": "lstmgan_tf.training.builders.text_models",
    "last_word": "lstmgan_tf.training.builders.text_models",
    "gan_cls": "lstmgan_tf.training.builders.text_models",
    "dcgan_lstm_d": "lstmgan_tf.training.builders.dcgan_lstm_d",
}

_BUILDERS: dict[str, Callable] = {}
# Model name -> the `Profile` field that gives its default number of epochs.
_EPOCHS_FIELDS: dict[str, str] = {}
_BATCH_SIZE_FIELDS: dict[str, str] = {}
# Model name -> ``loader(run_dir, checkpoint) -> model`` for models that read a run back without their builder.
_LOADERS: dict[str, Callable] = {}


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
            check_positive_int(name, getattr(self, name), allow_none=True)

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


def data_settings(source_options: Mapping[str, Any]) -> dict:
    """Dataset loader options as a run's ``--set`` values: the inverse of `split_data_options`.

    >>> data_settings({"path": "/data/celeba"})
    {'data.path': '/data/celeba'}
    """
    return {f"{DATA_OPTION_PREFIX}{key}": value for key, value in source_options.items()}


def parse_setting(key: str, text, kind):
    """One ``--set KEY=VALUE`` value as ``kind``.

    Args:
        key: the setting's name (for the error message).
        text: the value as given on the command line.
        kind: ``int``, ``float``, ``bool`` or ``str``, or its name (a
            dataclass field's annotation under ``from __future__ import annotations``).

    Raises:
        ValueError: for a value that is not of that kind.

    Example:

    >>> parse_setting("latent_dim", "16", int), parse_setting("spectral_norm", "yes", "bool")
    (16, True)
    >>> parse_setting("latent_dim", "ten", int)
    Traceback (most recent call last):
    ...
    ValueError: --set latent_dim='ten': expected an integer.
    """
    from lstmgan_tf import config

    name = kind if isinstance(kind, str) else kind.__name__
    if name == "bool":
        return config.parse_flag(text, f"--set {key}")
    expected = {"int": (int, "an integer"), "float": (float, "a number")}
    if name not in expected:
        return str(text)
    convert, description = expected[name]
    try:
        return convert(text)
    except (TypeError, ValueError):
        raise ValueError(f"--set {key}={text!r}: expected {description}.") from None


def parse_settings(extra: Mapping[str, Any], types: Mapping[str, Any], model_name: str) -> tuple[dict, dict]:
    """Splits ``--set`` values into typed model settings and data-source options.

    Keys ``data.NAME`` go to the data source (`split_data_options`); the
    others must be in ``types`` and are read by `parse_setting`.

    Returns:
        ``(settings, source_options)``.

    Raises:
        ValueError: for an unknown key or a value of the wrong type.
    """
    model_settings, source_options = split_data_options(extra)
    settings = {}
    for key, value in model_settings.items():
        if key not in types:
            raise ValueError(
                f"unknown setting {key!r} for model {model_name!r}; choose one of: "
                f"{', '.join(sorted(types))}, or data.OPTION for the dataset."
            )
        settings[key] = parse_setting(key, value, types[key])
    return settings, source_options


def register_model(name: str, epochs_field: str = "epochs", batch_size_field: str = "batch_size",
                   loader: Callable | None = None):
    """Decorator: registers ``builder(profile, dataset_name, options)`` as ``name``.

    Args:
        name: the model's name.
        epochs_field: the `Profile` field with the model's default epochs
            (the text-to-image models use ``text_epochs``).
        batch_size_field: the `Profile` field with its default batch size
            (the text-to-image models use ``text_batch_size``).
        loader: optional ``loader(run_dir, checkpoint=None) -> model`` that
            reads a finished run back from its folder alone; without one,
            `lstmgan_tf.training.load_trained` rebuilds the model through the
            builder (which loads the data again).
    """

    def decorator(builder):
        _BUILDERS[name] = builder
        _EPOCHS_FIELDS[name] = epochs_field
        _BATCH_SIZE_FIELDS[name] = batch_size_field
        if loader is not None:
            _LOADERS[name] = loader
        return builder

    return decorator


def get_loader(name: str) -> Callable | None:
    """The loader registered with model ``name`` (`register_model`), or `None`."""
    get_builder(name)
    return _LOADERS.get(name)


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
