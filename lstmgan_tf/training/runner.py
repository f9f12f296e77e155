"""The training runner: one function trains any registered model, resumably.

`train` builds the model of a registered builder inside a distribution
strategy's scope, feeds it its examples in a seeded order, and runs
``model.fit`` with the kit's callbacks. Everything a run produces lives in one
folder:

- ``config.json``: what was trained (compared on ``resume=True``);
- ``checkpoints/``: the model, its optimizers and seed generators, and the
  global step, every ``checkpoint_every`` steps and at every epoch end;
- ``samples/epoch_NNN.png`` and ``samples.gif``: the sample grids;
- ``history.csv``: one row per epoch; ``logs/``: TensorBoard events;
- ``training_seconds.json``: how long training took, and on what host;
- ``model.weights.h5``: the final weights.

A run killed at any moment (even with SIGKILL) continues with
``resume=True`` from its last checkpoint: same global step, same epoch, same
position in the data (the order of the examples is a function of the seed and
the runner skips the batches already seen), same optimizer moments and noise.
Every file is written under a temporary name and renamed (`lstmgan_tf.files`),
so a reader never sees half a file; the epoch's files are written before its
checkpoint, so a resumed run redoes (and rewrites) what it may have missed; a
damaged newest checkpoint is set aside with a warning and the next older one
is used (`lstmgan_tf.training.checkpoints`). ``python -m
lstmgan_tf.training.crash_test`` checks all of this with random SIGKILLs.

Example (``verbose=0`` hides the progress bars a notebook shows):

>>> import tempfile
>>> from lstmgan_tf import training
>>> run_dir = tempfile.mkdtemp()
>>> result = training.train("dcgan", "synthetic_faces", out_dir=run_dir, profile="smoke", epochs=1, verbose=0)
>>> result.final_step == result.steps_per_epoch, sorted(result.history)
(True, ['d_fake_accuracy', 'd_loss', 'd_real_accuracy', 'g_loss'])
>>> again = training.train("dcgan", "synthetic_faces", out_dir=run_dir, profile="smoke", epochs=2, resume=True,
...                        verbose=0)
>>> again.initial_step == result.final_step, len(again.history["d_loss"])
(True, 2)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import tempfile
import time

from lstmgan_tf import config as _config
from lstmgan_tf import files
from lstmgan_tf.checks import check_positive_int
from lstmgan_tf.training import callbacks as _callbacks
from lstmgan_tf.training import checkpoints as _checkpoints
from lstmgan_tf.training import distribute, model_objects, registry
from lstmgan_tf.training.run_lock import RunLock

CONFIG_FILE = "config.json"
SECONDS_FILE = "training_seconds.json"
WEIGHTS_FILE = _checkpoints.WEIGHTS_FILE
# Keys of config.json that may change when a run is resumed.
_RESUMABLE_CHANGES = ("epochs", "jit_compile", "strategy", "checkpoint_every")


@dataclasses.dataclass
class TrainResult:
    """What `train` returns.

    Attributes:
        model: the trained model.
        history: metric name -> one value per epoch, over the whole run
            (epochs trained before a resume included).
        out_dir: the run folder.
        job: the `TrainingJob` the builder made (its ``sample_fn`` draws the
            run's sample grid).
        initial_step: the global step training started from (0, or the
            checkpoint's step when resumed).
        final_step: the global step training ended at.
        steps_per_epoch: training steps in one epoch.
        stopped_on_nan: whether `StopOnNaN` ended the run.
    """

    model: object
    history: dict
    out_dir: str
    job: registry.TrainingJob
    initial_step: int
    final_step: int
    steps_per_epoch: int
    stopped_on_nan: bool = False


def _count_examples(examples) -> int:
    import tensorflow as tf

    count = int(examples.cardinality())
    if count == tf.data.INFINITE_CARDINALITY:
        raise ValueError("the training examples must be a finite dataset; got an infinite one.")
    if count < 0:  # Unknown: count once.
        count = int(examples.reduce(0, lambda total, _: total + 1))
    return count


def check_image_size(examples, image_size: int, dataset_name: str) -> None:
    """Checks that a dataset's images are ``image_size`` pixels square, RGB.

    Args:
        examples: an unbatched `tf.data.Dataset` of images or of dicts with
            an ``"image"`` entry.
        image_size: the size the model expects.
        dataset_name: named in the error message.

    Raises:
        ValueError: naming the dataset and both shapes.
    """
    spec = examples.element_spec
    if isinstance(spec, dict):
        spec = spec.get("image")
    shape = tuple(spec.shape) if spec is not None else None
    if shape != (image_size, image_size, 3):
        raise ValueError(
            f"dataset {dataset_name!r} yields images of shape {shape}, but the model "
            f"expects ({image_size}, {image_size}, 3); pass the matching image size."
        )


def _training_batches(examples, count, batch_size, seed, start_step):
    """Shuffled, batched, repeated examples from global step ``start_step`` on.

    The order of every epoch is fixed by ``seed``: a run resumed at step s sees
    exactly the batches an uninterrupted run sees from step s.
    """
    import tensorflow as tf

    batches = (
        examples.shuffle(min(count, 10_000), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size, drop_remainder=True)
        .repeat()
    )
    if start_step:
        batches = batches.skip(start_step)
    return batches.prefetch(tf.data.AUTOTUNE)


def _read_config(out_dir):
    path = os.path.join(out_dir, CONFIG_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"{path!r} is not valid JSON ({error}); it is not a file the runner wrote whole. "
            "Train again into a new --out folder."
        ) from None


def _differences(saved: dict, current: dict, keys) -> list[str]:
    """``"seed: saved 3, now 4"`` for each of ``keys`` on which a run's ``config.json`` and a request differ."""
    return [f"{key}: saved {saved.get(key)!r}, now {current.get(key)!r}"
            for key in sorted(keys) if saved.get(key) != current.get(key)]


def _compare_configs(saved: dict, current: dict, out_dir: str, all_keys: bool = True) -> None:
    keys = set(saved) | set(current) if all_keys else set(current)
    differences = _differences(saved, current, keys - set(_RESUMABLE_CHANGES))
    if differences:
        raise ValueError(
            f"cannot resume {out_dir!r}: it holds a different run ("
            + "; ".join(differences)
            + "). Resume with the same settings or choose another --out folder."
        )


def requested_settings(model_name: str, dataset: str, profile, options: registry.TrainOptions | None = None,
                       batch_size: int | None = None) -> dict:
    """The settings of a run that decide its result, as its ``config.json`` holds them.

    The runner compares them with a run folder's before it resumes or reuses
    the run there (`train_unless_finished`).
    """
    profile = _config.get_profile(profile)
    options = options or registry.TrainOptions()
    return {
        "model": model_name,
        "dataset": dataset,
        "profile": profile.name,
        "batch_size": batch_size or options.batch_size or registry.default_batch_size(model_name, profile),
        "seed": options.seed,
        "image_size": options.image_size or profile.image_size,
        "dataset_size": options.dataset_size,
        "mixed_precision": options.mixed_precision,
        "extra": _json_roundtrip(dict(options.extra)),
    }


def _json_roundtrip(value):
    return json.loads(json.dumps(value))


def _seed_states(model):
    return [v for v in model.variables if v.path.endswith("seed_generator_state")]


def train(
    model_name: str,
    dataset: str,
    out_dir: str | os.PathLike | None = None,
    profile=None,
    strategy="auto",
    resume: bool = False,
    epochs: int | None = None,
    options: registry.TrainOptions | None = None,
    verbose="auto",
    checkpoint_every: int | None = None,
    callbacks=(),
    deterministic: bool = False,
    sample_fn=None,
) -> TrainResult:
    """Trains a model on a dataset, writing a resumable run folder.

    Args:
        model_name: a registered model (`registry.model_names()`), e.g.
            ``"dcgan"``; or a compiled `keras.Model` object, e.g. a GAN built
            in a notebook (`lstmgan_tf.training.model_objects`: the folder then
            also holds its ``model.keras``, and a resume takes the same model).
        dataset: a dataset name of `lstmgan_tf.data` (the builder loads it);
            with a model object, a `tf.data.Dataset` of *unbatched* examples
            (the runner shuffles, batches and repeats them).
        out_dir: the run folder; default ``outputs/runs/<model>_<dataset>``
            (``outputs/runs/<model.name>`` for a model object).
        profile: profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        strategy: a strategy name for `distribute.get_strategy` or a
            `tf.distribute.Strategy`.
        resume: continue the run in ``out_dir`` from its last checkpoint.
        epochs: total epochs of the run (default: the profile's ``epochs``, or
            the field the model registered, e.g. ``text_epochs``); a resumed
            run may be given more epochs than it started with.
        options: `registry.TrainOptions` (seed, batch size, mixed precision, XLA, ...).
        verbose: ``model.fit``'s verbosity (``"auto"``, 0, 1 = progress bar, 2).
        checkpoint_every: steps between checkpoints (default: the profile's).
        callbacks: extra Keras callbacks; they see each epoch's end before its checkpoint.
        sample_fn: with a model object, ``sample_fn(model) -> (images, captions)``
            for the sample grid; default: fixed noise through ``model.generate``.
        deterministic: make every TensorFlow op deterministic
            (`tf.config.experimental.enable_op_determinism`; slower, for the
            whole process), so that the same seed gives the same weights, with
            or without interruptions.

    Returns:
        A `TrainResult`.

    Raises:
        ValueError: unknown model or dataset, bad sizes, a folder that already
            holds a run (without ``resume``), nothing to resume, or a resume
            with different settings. All before the first training step.
        RunInUseError: (a `ValueError`) another process is training into
            ``out_dir`` (`lstmgan_tf.training.run_lock`).
    """
    profile = _config.get_profile(profile)
    options = options or registry.TrainOptions()
    if isinstance(model_name, str):
        if sample_fn is not None:
            raise ValueError("sample_fn goes with a model object; a registered model draws its own samples.")
        builder = registry.get_builder(model_name)
        epochs = registry.default_epochs(model_name, profile) if epochs is None else epochs
        default_dir = f"{model_name}_{dataset}"
    else:
        job = model_objects.object_job(model_name, dataset, sample_fn)
        default_dir = model_name.name
        model_name, dataset = model_objects.object_model_name(job.model), model_objects.DATASET_LABEL
        options = dataclasses.replace(options, batch_size=options.batch_size or profile.batch_size)
        epochs = profile.epochs if epochs is None else epochs

        def builder(*_):
            return job
    check_positive_int("epochs", epochs)
    checkpoint_every = checkpoint_every or profile.checkpoint_every_steps
    out_dir = os.path.abspath(
        os.fspath(out_dir) if out_dir is not None else _config.outputs_dir("runs", default_dir)
    )
    if isinstance(strategy, str):
        strategy_name = strategy
        strategy = distribute.get_strategy(strategy)
    else:
        strategy_name = type(strategy).__name__
    # One writer per folder: a second process is refused here, before it reads or writes anything.
    with RunLock(out_dir) if distribute.is_chief(strategy) else contextlib.nullcontext():
        return _train(model_name, dataset, out_dir, profile, strategy, strategy_name, resume, epochs, options,
                      builder, verbose, checkpoint_every, callbacks, deterministic)


def _train(model_name, dataset, out_dir, profile, strategy, strategy_name, resume, epochs, options, builder,
           verbose, checkpoint_every, callbacks, deterministic) -> TrainResult:
    """`train` once the folder is locked."""
    import keras
    import tensorflow as tf

    checkpoint_dir = os.path.join(out_dir, "checkpoints")
    saved_config = _read_config(out_dir)
    has_checkpoint = bool(_checkpoints.checkpoint_prefixes(checkpoint_dir))
    if resume and saved_config is None:
        raise ValueError(f"cannot resume {out_dir!r}: it holds no run ({CONFIG_FILE} is missing).")
    if not resume and (saved_config is not None or has_checkpoint):
        raise ValueError(
            f"{out_dir!r} already holds a run; pass resume=True (--resume) to continue it "
            "or choose another folder."
        )

    replicas = strategy.num_replicas_in_sync
    batch_size = options.batch_size or registry.default_batch_size(model_name, profile)
    if batch_size % replicas:
        raise ValueError(
            f"batch size {batch_size} does not split evenly over {replicas} replicas; "
            f"choose a multiple of {replicas}."
        )
    run_config = {
        **requested_settings(model_name, dataset, profile, options, batch_size),
        "epochs": epochs,
        "jit_compile": options.jit_compile,
        "strategy": strategy_name,
        "checkpoint_every": checkpoint_every,
    }
    if resume:
        # The settings are compared before anything is built, the model's own
        # configuration once the builder has made it.
        _compare_configs(saved_config, run_config, out_dir, all_keys=False)

    if deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(options.seed)
    distribute.set_precision(options.mixed_precision)
    with strategy.scope():
        job = builder(profile, dataset, options)
        model = job.model
        if hasattr(model, "build_optimizers"):
            model.build_optimizers()
    count = _count_examples(job.examples)
    if count < batch_size:
        raise ValueError(
            f"dataset {dataset!r} has {count} examples, fewer than one batch of {batch_size}."
        )
    steps_per_epoch = count // batch_size
    run_config["steps_per_epoch"] = steps_per_epoch
    run_config["model_config"] = _json_roundtrip(job.config)
    if resume:
        _compare_configs(saved_config, run_config, out_dir)

    chief = distribute.is_chief(strategy)
    # Every worker saves (the variables are read collectively); only the
    # chief's copy is kept.
    save_dir = checkpoint_dir if chief else tempfile.mkdtemp(prefix="lstmgan_worker_")
    step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
    checkpoint = tf.train.Checkpoint(model=model, step=step, seed_states=_seed_states(model))
    restored = None
    if resume:
        # Damaged checkpoints are set aside (by the chief) before the manager
        # reads the index, so its next saves never count them as good ones.
        restored = _checkpoints.restore_newest_readable(checkpoint, checkpoint_dir, out_dir, quarantine=chief)
    manager = tf.train.CheckpointManager(checkpoint, save_dir, max_to_keep=3)
    initial_step = int(step.numpy())
    if chief:
        os.makedirs(out_dir, exist_ok=True)
        # What a kill in the middle of a write left: never a finished file.
        files.remove_partial_files(out_dir)
        _checkpoints.remove_unfinished_writes(checkpoint_dir)
        files.write_json(os.path.join(out_dir, CONFIG_FILE), run_config)
        if job.write_files is not None:
            job.write_files(out_dir)

    samples_dir = os.path.join(out_dir, "samples")
    nan_stop = _callbacks.StopOnNaN()
    checkpointer = _callbacks.StepCheckpoint(manager, step, checkpoint_every)
    # The epoch's files come before its checkpoint: a run killed in between
    # redoes the end of the epoch and rewrites them, so none goes missing.
    run_callbacks = [nan_stop]
    if chief:
        # The sample grid is drawn once per epoch; TensorBoard shows the same images.
        sample_grid = _callbacks.SampleGrid(job.sample_fn, samples_dir, columns=job.sample_columns)
        run_callbacks += [
            sample_grid,
            _callbacks.EpochCSVLogger(os.path.join(out_dir, "history.csv")),
            _callbacks.TensorBoardLogger(os.path.join(out_dir, "logs"), samples_from=sample_grid),
        ]
    # The caller's callbacks also come before the epoch's checkpoint (see above).
    run_callbacks += [*callbacks, checkpointer]
    if chief:
        run_callbacks.append(_callbacks.GifOnTrainEnd(samples_dir, os.path.join(out_dir, "samples.gif")))
    if verbose:
        print(
            f"Training {model_name} on {dataset} ({count} examples, batch {batch_size}, "
            f"{steps_per_epoch} steps/epoch) with {distribute.describe(strategy)}; "
            f"run folder {out_dir}" + (f"; resuming at step {initial_step}" if resume else "")
        )
    if resume and restored is None:
        print(f"{out_dir!r} holds no checkpoint yet (the run was stopped before its first one); "
              "training from step 0.")

    # A run resumed in the middle of an epoch first finishes that epoch, then
    # trains the remaining ones; each part starts its data where the run was.
    first_epoch, step_in_epoch = divmod(initial_step, steps_per_epoch)
    parts = []
    if step_in_epoch and first_epoch < epochs:
        parts.append((first_epoch, first_epoch + 1, steps_per_epoch - step_in_epoch))
        first_epoch += 1
    if first_epoch < epochs:
        parts.append((first_epoch, epochs, steps_per_epoch))
    started = time.perf_counter()
    try:
        for initial_epoch, end_epoch, steps in parts:
            batches = _training_batches(
                job.examples, count, batch_size, options.seed, int(step.numpy())
            )
            model.fit(
                batches, epochs=end_epoch, initial_epoch=initial_epoch,
                steps_per_epoch=steps, callbacks=run_callbacks, verbose=verbose, shuffle=False,
            )
            if nan_stop.stopped_at:
                break
    finally:
        if not chief:
            shutil.rmtree(save_dir, ignore_errors=True)

    final_step = int(step.numpy())
    if chief:
        _add_training_seconds(out_dir, time.perf_counter() - started)
    if nan_stop.stopped_at and manager.latest_checkpoint:
        checkpoint.restore(manager.latest_checkpoint)
        print(f"Restored the last good checkpoint: {manager.latest_checkpoint}")
    if chief and not nan_stop.stopped_at:
        with files.atomic_path(os.path.join(out_dir, WEIGHTS_FILE)) as temporary:
            model.save_weights(temporary)
    history = read_history(out_dir)
    return TrainResult(
        model=model, history=history, out_dir=out_dir, job=job, initial_step=initial_step,
        final_step=final_step, steps_per_epoch=steps_per_epoch,
        stopped_on_nan=bool(nan_stop.stopped_at),
    )


def _add_training_seconds(out_dir: str, seconds: float) -> None:
    """Adds this session's training time to the run's ``training_seconds.json`` (and names the host)."""
    from lstmgan_tf.host import describe_host

    previous = training_seconds(out_dir) or 0.0
    files.write_json(os.path.join(out_dir, SECONDS_FILE),
                     {"seconds": round(previous + seconds, 1), "host": describe_host()})


def training_seconds(out_dir) -> float | None:
    """How long ``model.fit`` ran for this run, over every session that finished; `None` if unknown."""
    path = os.path.join(os.fspath(out_dir), SECONDS_FILE)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return float(json.load(handle)["seconds"])


def load_trained(out_dir, checkpoint: str | None = None):
    """Rebuilds the model of a run folder and restores its latest checkpoint.

    A model registered with a ``loader`` (the text-to-image models: their run
    folder holds the text pipeline) is read by it; any other model is rebuilt
    by its builder from ``config.json``.

    Args:
        out_dir: a run folder written by `train`.
        checkpoint: a specific checkpoint prefix (default: the latest).

    Returns:
        The model with the checkpoint's weights, ready to generate.

    Raises:
        FileNotFoundError: if the folder has no ``config.json`` or no checkpoint.
        DamagedRunError: (a `ValueError`) if no checkpoint can be read; a
            damaged newest one only warns and the next older one is used.
    """
    import keras
    import tensorflow as tf

    out_dir = os.fspath(out_dir)
    saved = _read_config(out_dir)
    if saved is None:
        raise FileNotFoundError(f"{out_dir!r} holds no run ({CONFIG_FILE} is missing).")
    loader = None if model_objects.is_object_run(saved["model"]) else registry.get_loader(saved["model"])
    if loader is not None:
        return loader(out_dir, checkpoint=checkpoint)
    checkpoint_dir = os.path.join(out_dir, "checkpoints")
    if checkpoint is None and not _checkpoints.checkpoint_prefixes(checkpoint_dir):
        raise FileNotFoundError(f"{out_dir!r} holds no checkpoint.")
    if checkpoint is not None and (problem := _checkpoints.checkpoint_problem(checkpoint)):
        raise _checkpoints.DamagedRunError(f"checkpoint {checkpoint!r} cannot be read ({problem}).")
    options = registry.TrainOptions(
        seed=saved["seed"], batch_size=saved["batch_size"], image_size=saved["image_size"],
        dataset_size=saved["dataset_size"], mixed_precision=saved["mixed_precision"],
        extra=saved["extra"],
    )
    keras.utils.set_random_seed(options.seed)
    distribute.set_precision(options.mixed_precision)
    if model_objects.is_object_run(saved["model"]):
        model = model_objects.load_object_model(out_dir)
    else:
        model = registry.get_builder(saved["model"])(
            _config.get_profile(saved["profile"]), saved["dataset"], options
        ).model
    if hasattr(model, "build_optimizers"):
        model.build_optimizers()
    step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
    restored = tf.train.Checkpoint(model=model, step=step, seed_states=_seed_states(model))
    if checkpoint is None:
        _checkpoints.restore_newest_readable(restored, checkpoint_dir, out_dir)
    else:
        _checkpoints.restore(restored, checkpoint, out_dir)
    return model


def train_or_load(model_name: str, dataset: str, out_dir, profile=None, epochs: int | None = None,
                  options: registry.TrainOptions | None = None, verbose="auto", callbacks=()):
    """Trains a registered model into ``out_dir``, or loads the run already finished there.

    The kit's one rule for reusing a run (notebooks, experiments, ``make run``):
    a run is finished when it holds its final weights and was trained for
    ``epochs`` epochs with the settings asked for (a finished run with other
    settings is an error that names them); an interrupted run, or one asked
    for more epochs, resumes from its last checkpoint; an empty folder trains
    from the start. Calling it again therefore costs nothing.

    Args:
        model_name: a registered model, e.g. ``"dcgan"`` or ``"lstm_cgan"``.
        dataset: the dataset's name.
        out_dir: the run folder.
        profile: profile name or `Profile` (default: ``$LSTMGAN_PROFILE``).
        epochs: total epochs (default: the profile's for this model).
        options: `TrainOptions` of a new run.
        verbose: ``model.fit``'s verbosity.
        callbacks: extra Keras callbacks of the training (not called when
            the run is loaded).

    Returns:
        ``(model, history)``: the trained model (`load_trained`) and its
        history (metric name -> one value per epoch).
    """
    result = train_unless_finished(model_name, dataset, out_dir, profile, epochs, options, verbose, callbacks)
    if result is None:
        return load_trained(out_dir), read_history(out_dir)
    return result.model, result.history


def train_unless_finished(model_name: str, dataset: str, out_dir, profile=None, epochs: int | None = None,
                          options: registry.TrainOptions | None = None, verbose="auto",
                          callbacks=()) -> TrainResult | None:
    """`train_or_load`'s decision: trains or resumes the run in ``out_dir``, or returns `None` if it is finished.

    Finished: the folder holds the run's final weights and its ``config.json``
    asks for ``epochs`` epochs (default: the profile's for this model); a
    finished run asked for more epochs resumes.

    Raises:
        ValueError: the folder holds a finished run with other settings
            (`requested_settings`, or more epochs than asked); the message
            lists each difference.
    """
    out_dir = os.fspath(out_dir)
    profile = _config.get_profile(profile)
    epochs = registry.default_epochs(model_name, profile) if epochs is None else epochs
    saved = _read_config(out_dir)
    if saved is not None and saved.get("inference_only"):
        raise ValueError(f"{out_dir!r} is a shipped inference-only run (no discriminator, no optimizer state); "
                         "train your own into another folder.")
    if saved is not None and _checkpoints.has_final_weights(out_dir):
        # A finished run is reused only if it is the run asked for.
        requested = requested_settings(model_name, dataset, profile, options)
        differences = _differences(saved, requested, requested)
        if saved.get("epochs", 0) > epochs:
            differences += _differences(saved, {"epochs": epochs}, ["epochs"])
        if differences:
            raise ValueError(
                f"{out_dir!r} holds a finished run with other settings (" + "; ".join(differences)
                + "); train into another folder, or ask for the run's settings to reuse it."
            )
        if saved.get("epochs", 0) == epochs:
            return None
    # A folder with config.json but no checkpoint (stopped before its first) resumes from step 0.
    return train(model_name, dataset, out_dir=out_dir, profile=profile, resume=saved is not None, epochs=epochs,
                 options=options, verbose=verbose, callbacks=callbacks)


def read_history(out_dir) -> dict[str, list[float]]:
    """The per-epoch history of a run folder (``history.csv``; empty before the first epoch ends)."""
    path = os.path.join(os.fspath(out_dir), "history.csv")
    return _callbacks.read_history_csv(path) if os.path.exists(path) else {}
