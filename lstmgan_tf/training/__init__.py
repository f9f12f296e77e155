"""Training: distribution strategies, the model registry, callbacks and the runner.

- `train(model_name, dataset, ...)`: trains a registered model, resumably
  (see `lstmgan_tf.training.runner`); `load_trained(out_dir)`;
  `train_or_load(model_name, dataset, out_dir)`: the one rule for reusing a
  finished run (text models: `lstmgan_tf.training.text_runs.train_or_load`).
- `register_model`, `TrainOptions`, `TrainingJob`: how a model joins the
  runner (see `lstmgan_tf.training.registry`).
- `get_strategy(name)`: the `tf.distribute` strategy for this machine.
- `lstmgan_tf.training.callbacks`: sample grids, GIF, checkpoints, NaN stop,
  CSV and TensorBoard logs.

TensorFlow is imported only when training starts, so that importing this
package (e.g. for the CLI's model list) stays fast.
"""

from lstmgan_tf.training.distribute import get_strategy, set_precision
from lstmgan_tf.training.registry import (
    TrainingJob,
    TrainOptions,
    get_builder,
    model_names,
    register_model,
)


def __getattr__(name):
    # The runner and callbacks import Keras; load them on first use.
    import importlib

    if name in ("train", "train_or_load", "load_trained", "check_image_size", "TrainResult"):
        return getattr(importlib.import_module("lstmgan_tf.training.runner"), name)
    if name in ("callbacks", "runner"):
        return importlib.import_module(f"lstmgan_tf.training.{name}")
    raise AttributeError(f"module 'lstmgan_tf.training' has no attribute {name!r}")


__all__ = [
    "TrainOptions",
    "TrainingJob",
    "check_image_size",
    "get_builder",
    "get_strategy",
    "load_trained",
    "model_names",
    "register_model",
    "set_precision",
    "train",
    "train_or_load",
]
