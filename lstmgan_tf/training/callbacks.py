"""Keras callbacks for GAN training: sample grids, a GIF, checkpoints, NaN stop, logs.

Each works with any model of the kit and with plain ``model.fit``:

- `SampleGrid`: draws ``sample_fn(model)`` after every epoch into
  ``epoch_001.png``, ``epoch_002.png``, ... (fixed inputs, so the grids show
  the *same* samples improving).
- `GifOnTrainEnd`: joins those grids into an animated GIF when training ends.
- `StepCheckpoint`: saves a `tf.train.CheckpointManager` every N steps and at
  every epoch end, counting the global step across resumed runs, and never
  saves non-finite weights.
- `StopOnNaN`: stops training with a clear message when a loss turns NaN or
  infinite; the last checkpoint (saved before it) stays the one to resume from.
- `EpochCSVLogger`: appends one row per epoch to ``history.csv``, so curves of
  a resumed run cover every epoch.
- `TensorBoardLogger`: scalars every epoch and the sample grid as an image.
  It writes the event files with TensorFlow alone (no `tensorboard` package
  needed to write them; ``tensorboard --logdir OUT/logs`` reads them).
- `WeightSnapshots`: keeps the model's weights at chosen epochs
  (``epoch_005.weights.h5``, ...), so that a later study can go back to the
  generator of epoch 5 (the checkpoint manager keeps only the last few).
"""

from __future__ import annotations

import csv
import glob
import math
import os
import time

import keras
import numpy as np

from lstmgan_tf.checks import check_positive_int


def _finite_logs(logs) -> tuple[bool, str]:
    for key, value in (logs or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(number):
            return False, f"{key}={number}"
    return True, ""


class SampleGrid(keras.callbacks.Callback):
    """Saves a grid of samples from fixed inputs after every epoch.

    The epoch's images stay in ``last_images``, so that a later callback
    (`TensorBoardLogger` with ``samples_from=``) shows them without drawing
    them again.

    Args:
        sample_fn: ``sample_fn(model) -> (images, captions)``; images are
            ``(N, H, W, 3)`` in [-1, 1], captions a list of ``N`` strings or
            `None`.
        folder: where ``epoch_NNN.png`` files go.
        title: figure title; ``{epoch}`` is replaced by the epoch number.
        columns: images per row.
    """

    def __init__(self, sample_fn, folder, title="epoch {epoch}", columns=None):
        super().__init__()
        self.sample_fn = sample_fn
        self.folder = os.fspath(folder)
        self.title = title
        self.columns = columns
        self.last_path = None
        self.last_images = None

    def on_epoch_end(self, epoch, logs=None):
        from lstmgan_tf import viz

        images, captions = self.sample_fn(self.model)
        images = self.last_images = np.asarray(images)
        if not np.all(np.isfinite(images)):
            print(f"SampleGrid: epoch {epoch + 1} produced non-finite images; no grid saved.")
            return
        figure = viz.image_grid(
            images, captions=captions, columns=self.columns, title=self.title.format(epoch=epoch + 1)
        )
        self.last_path = viz.save_figure(figure, os.path.join(self.folder, f"epoch_{epoch + 1:03d}.png"))


class GifOnTrainEnd(keras.callbacks.Callback):
    """Joins every ``epoch_*.png`` of a folder (earlier runs included) into a GIF.

    Args:
        folder: the folder `SampleGrid` writes to.
        path: the GIF to write.
        seconds_per_frame: display time of each epoch's grid.
    """

    def __init__(self, folder, path, seconds_per_frame=0.5):
        super().__init__()
        self.folder = os.fspath(folder)
        self.path = os.fspath(path)
        self.seconds_per_frame = seconds_per_frame

    def on_train_end(self, logs=None):
        from lstmgan_tf import viz

        frames = sorted(glob.glob(os.path.join(self.folder, "epoch_*.png")))
        if frames:
            viz.save_gif(frames, self.path, seconds_per_frame=self.seconds_per_frame)


class StepCheckpoint(keras.callbacks.Callback):
    """Saves a checkpoint every ``every_steps`` training steps and at each epoch end.

    Put it after the callbacks that write an epoch's files (sample grid,
    ``history.csv``): the epoch-end checkpoint then marks the epoch as done only
    once its files exist.

    The checkpoint holds a step counter (a variable), so that a resumed run
    knows the global step, hence the epoch and the position in the data.
    `tf.train.CheckpointManager` writes each checkpoint under a new name and
    then replaces its small ``checkpoint`` index file atomically, so a process
    killed in the middle of a save leaves the previous checkpoint in force.

    Args:
        manager: a `tf.train.CheckpointManager` whose checkpoint tracks the
            model and ``step``.
        step: the int64 `tf.Variable` counting training steps.
        every_steps: steps between two saves.
    """

    def __init__(self, manager, step, every_steps: int):
        super().__init__()
        check_positive_int("every_steps", every_steps)
        self.manager = manager
        self.step = step
        self.every_steps = every_steps
        self.refused = False

    def _weights_finite(self) -> bool:
        return all(np.all(np.isfinite(np.asarray(v))) for v in self.model.trainable_variables)

    def save(self, logs=None) -> str | None:
        """Saves now unless the logs or the weights are not finite (then returns `None`)."""
        finite, _ = _finite_logs(logs)
        if not finite or not self._weights_finite():
            self.refused = True
            return None
        return self.manager.save(checkpoint_number=int(self.step.numpy()))

    def on_train_batch_end(self, batch, logs=None):
        self.step.assign_add(1)
        # The epoch's last step is saved by `on_epoch_end`, after the callbacks
        # that write the epoch's files (the runner puts them first): a run
        # killed in between redoes that step and rewrites them.
        last_of_epoch = batch + 1 == (self.params or {}).get("steps")
        if int(self.step.numpy()) % self.every_steps == 0 and not last_of_epoch:
            self.save(logs)

    def on_epoch_end(self, epoch, logs=None):
        latest = self.manager.latest_checkpoint
        if latest is None or not latest.endswith(f"-{int(self.step.numpy())}"):
            self.save(logs)


class StopOnNaN(keras.callbacks.Callback):
    """Stops training as soon as a logged value is NaN or infinite.

    Unlike `keras.callbacks.TerminateOnNaN` it watches every value (both
    losses of a GAN), says which one broke and at which step, and remembers
    that it stopped (``stopped_at``), so the runner can say where the last
    good checkpoint is.
    """

    def __init__(self):
        super().__init__()
        self.stopped_at = None
        self.bad_value = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        finite, bad_value = _finite_logs(logs)
        if not finite:
            self.stopped_at = (self._epoch + 1, batch + 1)
            self.bad_value = bad_value
            print(
                f"\nStopOnNaN: {bad_value} at epoch {self._epoch + 1}, step {batch + 1}; "
                "training stopped. The last checkpoint holds the last finite weights."
            )
            self.model.stop_training = True


class TimeBudget(keras.callbacks.Callback):
    """Stops training at the first epoch end after ``seconds`` of training.

    Used to compare recipes at the same wall-clock budget: a recipe with
    cheaper steps gets more of them. The time counts from the first batch, so
    building the model and the data is not charged.

    Args:
        seconds: the budget.
    """

    def __init__(self, seconds: float):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds!r}.")
        self.seconds = float(seconds)
        self.started = None
        self.elapsed = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        if self.started is None:
            self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self.started is not None:
            self.elapsed = time.perf_counter() - self.started
            if self.elapsed >= self.seconds:
                self.model.stop_training = True


class WeightSnapshots(keras.callbacks.Callback):
    """Saves the model's weights at the end of chosen epochs, one file per epoch.

    Checkpoints exist to resume a run and only the last few are kept; a
    snapshot is kept for good, to study the model as it was at that epoch
    (`lstmgan_tf.experiments.detector_study` trains detectors against the
    generator of several epochs of one run). Epochs count from 1 and across
    resumed runs. Each file is written atomically; put this callback before
    the epoch-end checkpoint, so that a run killed in between redoes the epoch
    and writes the file.

    Args:
        folder: where ``epoch_NNN.weights.h5`` files go.
        epochs: the epochs (from 1) to keep.
    """

    def __init__(self, folder, epochs):
        super().__init__()
        epochs = sorted(set(epochs))
        if not epochs or any(not isinstance(e, int) or isinstance(e, bool) or e < 1 for e in epochs):
            raise ValueError(f"epochs must be positive integers, got {epochs!r}.")
        self.folder = os.fspath(folder)
        self.epochs = tuple(epochs)

    @staticmethod
    def path(folder, epoch: int) -> str:
        """The snapshot file of ``epoch`` in ``folder``."""
        return os.path.join(os.fspath(folder), f"epoch_{epoch:03d}.weights.h5")

    def on_epoch_end(self, epoch, logs=None):
        from lstmgan_tf import files

        if epoch + 1 in self.epochs:
            with files.atomic_path(self.path(self.folder, epoch + 1)) as temporary:
                self.model.save_weights(temporary)


class EpochCSVLogger(keras.callbacks.Callback):
    """Writes ``epoch`` and every logged value to a CSV file at each epoch end.

    The file survives resumed runs: the rows of earlier epochs are kept and an
    epoch trained again (a run resumed inside it) replaces its row. The file
    is rewritten whole (`lstmgan_tf.files.atomic_path`), so a kill never
    leaves half a row.
    """

    def __init__(self, path):
        super().__init__()
        self.path = os.fspath(path)

    def on_epoch_end(self, epoch, logs=None):
        from lstmgan_tf import files

        rows = _read_rows(self.path) if os.path.exists(self.path) else {}
        rows[epoch + 1] = {key: float(value) for key, value in (logs or {}).items()}
        fields = ["epoch", *sorted({key for row in rows.values() for key in row})]
        with files.atomic_path(self.path) as temporary, open(temporary, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            for number in sorted(rows):
                writer.writerow({"epoch": number, **rows[number]})


def _read_rows(path) -> dict[int, dict[str, float]]:
    rows = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                epoch = int(row.pop("epoch"))
                rows[epoch] = {key: float(value) for key, value in row.items() if value not in ("", None)}
            except (TypeError, ValueError):
                continue  # A row cut short (a file written before rows were atomic).
    return rows


def read_history_csv(path) -> dict[str, list[float]]:
    """Reads an `EpochCSVLogger` file into a ``History.history``-style dict.

    When a run was resumed, an epoch may appear twice (once cut short); the
    last row of each epoch wins.
    """
    rows = _read_rows(path)
    history: dict[str, list[float]] = {}
    for epoch in sorted(rows):
        for key, value in rows[epoch].items():
            history.setdefault(key, []).append(value)
    return history


class TensorBoardLogger(keras.callbacks.Callback):
    """Writes epoch scalars and the sample grid to TensorBoard event files.

    Args:
        log_dir: the TensorBoard log folder.
        sample_fn: optional ``sample_fn(model) -> (images, captions)``; its
            images are logged as one grid image per epoch.
        samples_from: optional `SampleGrid` that runs before this callback;
            its epoch's images are logged instead of calling ``sample_fn``
            a second time.
    """

    def __init__(self, log_dir, sample_fn=None, samples_from: SampleGrid | None = None):
        super().__init__()
        if sample_fn is not None and samples_from is not None:
            raise ValueError("pass sample_fn or samples_from, not both.")
        self.log_dir = os.fspath(log_dir)
        self.sample_fn = sample_fn
        self.samples_from = samples_from
        self._writer = None

    def _write(self, values, step):
        import tensorflow as tf
        from tensorflow.core.framework import summary_pb2

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        summary = summary_pb2.Summary(value=values)
        with self._writer.as_default():
            tf.summary.experimental.write_raw_pb(summary.SerializeToString(), step=step)
        self._writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        import tensorflow as tf
        from tensorflow.core.framework import summary_pb2

        from lstmgan_tf import viz

        values = [
            summary_pb2.Summary.Value(tag=f"epoch_{key}", simple_value=float(value))
            for key, value in (logs or {}).items()
        ]
        images = None
        if self.samples_from is not None:
            images = self.samples_from.last_images
        elif self.sample_fn is not None:
            images = np.asarray(self.sample_fn(self.model)[0])
        if images is not None:
            if np.all(np.isfinite(images)):
                grid = _tile(viz.to_uint8(images))
                values.append(
                    summary_pb2.Summary.Value(
                        tag="samples",
                        image=summary_pb2.Summary.Image(
                            height=grid.shape[0], width=grid.shape[1], colorspace=3,
                            encoded_image_string=tf.io.encode_png(grid).numpy(),
                        ),
                    )
                )
        self._write(values, step=epoch + 1)

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _tile(images: np.ndarray) -> np.ndarray:
    """Tiles ``(N, H, W, 3)`` uint8 images into one roughly square image."""
    count, height, width, channels = images.shape
    columns = max(1, math.ceil(math.sqrt(count)))
    rows = math.ceil(count / columns)
    canvas = np.zeros((rows * height, columns * width, channels), dtype=np.uint8)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        canvas[row * height : (row + 1) * height, column * width : (column + 1) * width] = image
    return canvas
