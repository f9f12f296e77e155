"""Runs of a model *object*: `train` given a compiled `keras.Model` and a `tf.data.Dataset`.

A registered model is rebuilt by its builder from a name (``"dcgan"``); a model
built in a notebook (a subclass with your own ``train_step``, say) has no
builder. `train(model, examples, ...)` runs it through the same runner (seeded
order, checkpoints, resume, sample grids, logs) with a job made here:

- the run folder also holds ``model.keras`` (`MODEL_FILE`), the model as it
  started, written with ``model.save``, so that `load_trained` rebuilds it
  with `keras.saving.load_model` (its class must be registered with
  ``@keras.saving.register_keras_serializable``) and then restores the
  checkpoint;
- ``config.json`` names it ``object:<class name>`` and holds its
  ``get_config()``, so a resume with another model is refused.

Example:

>>> object_model_name(type("StudentGAN", (), {})())
'object:StudentGAN'
"""

from __future__ import annotations

import json
import os

from lstmgan_tf import files
from lstmgan_tf.training.registry import TrainingJob

OBJECT_PREFIX = "object:"
MODEL_FILE = "model.keras"
#: The dataset's name in ``config.json`` when it is a `tf.data.Dataset`.
DATASET_LABEL = "tf.data.Dataset"
SAMPLE_COUNT = 16


def object_model_name(model) -> str:
    """How ``config.json`` names a run of a model object."""
    return OBJECT_PREFIX + type(model).__name__


def is_object_run(model_name: str) -> bool:
    return model_name.startswith(OBJECT_PREFIX)


def _check_unbatched(examples) -> None:
    import tensorflow as tf

    if not isinstance(examples, tf.data.Dataset):
        raise ValueError(
            f"with a model object, the data must be a tf.data.Dataset of unbatched examples, got "
            f"{type(examples).__name__} (a dataset name goes with a registered model's name)."
        )
    specs = tf.nest.flatten(examples.element_spec)
    if specs and all(spec.shape.rank and spec.shape[0] is None for spec in specs):
        raise ValueError(
            "the tf.data.Dataset looks batched (every element starts with an axis of unknown size); "
            "pass unbatched examples (e.g. dataset.unbatch()): the runner batches them with the run's "
            "batch size and seed."
        )


def _default_sample_fn(model):
    """Sample grids from fixed noise, for models with ``latent_dim`` and ``generate`` (the kit's GANs)."""
    if not (hasattr(model, "latent_dim") and hasattr(model, "generate")):
        raise ValueError(
            f"{type(model).__name__} has no latent_dim and generate(noise); pass sample_fn=(model -> "
            "(images in [-1, 1], captions or None)) to draw its sample grid."
        )
    import keras

    noise = keras.random.normal((SAMPLE_COUNT, model.latent_dim), seed=1)
    return lambda trained: (trained.generate(noise), None)


def _model_config(model) -> dict:
    """The model's class and ``get_config()``, as JSON (compared on resume)."""
    config = {"class": type(model).__name__}
    try:
        config["config"] = json.loads(json.dumps(model.get_config()))
    except (TypeError, ValueError, NotImplementedError):
        pass  # A model whose configuration is not JSON is compared by class only.
    return config


def object_job(model, examples, sample_fn=None) -> TrainingJob:
    """The runner's `TrainingJob` for a compiled model object and unbatched examples.

    Raises:
        ValueError: the data is not an unbatched `tf.data.Dataset`, the model is
            not compiled, or it has no way to draw samples and no ``sample_fn``.
    """
    _check_unbatched(examples)
    if not getattr(model, "compiled", False):
        raise ValueError(f"compile {type(model).__name__} before training it (e.g. "
                         "gan.compile(d_optimizer=..., g_optimizer=...)).")
    sample_fn = sample_fn or _default_sample_fn(model)

    def write_files(out_dir):
        with files.atomic_path(os.path.join(out_dir, MODEL_FILE)) as temporary:
            model.save(temporary)

    return TrainingJob(model=model, examples=examples, sample_fn=sample_fn, config=_model_config(model),
                       write_files=write_files)


def load_object_model(out_dir: str):
    """The model of an object run as it started (``model.keras``); the runner restores its checkpoint."""
    import keras

    path = os.path.join(out_dir, MODEL_FILE)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{out_dir!r} is a run of a model object but holds no {MODEL_FILE}.")
    return keras.saving.load_model(path)
