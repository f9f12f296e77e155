"""Reading a run's checkpoints when some of them are damaged.

A run keeps its last three checkpoints (``checkpoints/ckpt-STEP.index`` and
``.data-*``). A crash or a full disk can still leave the newest one unreadable:
a truncated ``.data`` file, a bad ``.index``, a flipped byte (every tensor
carries a CRC32C checksum, which catches it). Whoever loads a run (``train
--resume``, ``generate``, ``evaluate``, `load_trained`, the notebooks'
``train_or_load``) goes through `restore_newest_readable`, which

1. lists the checkpoints on disk, newest first (`checkpoint_prefixes`; the
   files decide, not the ``checkpoint`` index file);
2. reads every tensor of the newest one back (`checkpoint_problem`); if it
   cannot, warns with its name and why, and tries the next older one;
3. restores the first readable one into the model, and says plainly when the
   checkpoint does not fit the model (a run of an older kit version);
4. with none readable, raises `DamagedRunError`, which names the folder and
   says what to do.

When the caller is going to train on (``quarantine=True``), the damaged
checkpoints are moved to ``checkpoints/damaged/`` and the ``checkpoint`` index
is rewritten to name the checkpoints on disk, the restored one last: the next
save cannot be mistaken for a damaged one, and `tf.train.CheckpointManager`
deletes the oldest readable ones only once newer good ones exist.

``model.weights.h5`` files are checked with `weights_file_problem`.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import warnings

DAMAGED_FOLDER = "damaged"
WEIGHTS_FILE = "model.weights.h5"
_STEP = re.compile(r"-(\d+)$")


class DamagedRunError(ValueError):
    """No checkpoint of a run folder can be read (a `ValueError`, so the CLI prints one line)."""


def checkpoint_step(prefix: str) -> int:
    """The global step in a checkpoint's name (``.../ckpt-120`` -> 120); -1 without one."""
    match = _STEP.search(prefix)
    return int(match.group(1)) if match else -1


def checkpoint_prefixes(checkpoint_dir: str | os.PathLike) -> list[str]:
    """Every checkpoint in a folder, newest (highest step) first.

    The files on disk decide, not the ``checkpoint`` index file: a process
    killed after writing a checkpoint but before updating the index left a
    usable checkpoint, and one killed while deleting the oldest left an index
    that names a checkpoint no longer there.

    Args:
        checkpoint_dir: a run's ``checkpoints/`` folder (it may not exist).

    Returns:
        Checkpoint prefixes (paths without ``.index``), an empty list when
        there are none.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    prefixes = [path[: -len(".index")] for path in glob.glob(os.path.join(glob.escape(checkpoint_dir), "*.index"))]
    return sorted(prefixes, key=lambda prefix: (checkpoint_step(prefix), prefix), reverse=True)


def read_checkpoint(prefix: str) -> dict:
    """Every tensor of a checkpoint, by its name in the checkpoint (the object graph left out)."""
    import tensorflow as tf

    reader = tf.train.load_checkpoint(prefix)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
            if name != "_CHECKPOINTABLE_OBJECT_GRAPH"}


def read_weights_file(path: str | os.PathLike) -> dict:
    """Every array of a ``.weights.h5`` file, by its path inside the file."""
    import h5py

    arrays = {}
    with h5py.File(os.fspath(path), "r") as handle:
        handle.visititems(lambda name, item: arrays.__setitem__(name, item[()])
                          if isinstance(item, h5py.Dataset) else None)
    return arrays


def checkpoint_problem(prefix: str) -> str | None:
    """Why a checkpoint cannot be read, or `None` if every tensor reads back intact.

    Args:
        prefix: a checkpoint prefix, e.g. ``RUN/checkpoints/ckpt-120``.
    """
    try:
        read_checkpoint(prefix)
    except Exception as error:  # noqa: BLE001 - any failure to read means "damaged".
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return f"{type(error).__name__}: {first_line[:200]}"
    return None


def weights_file_problem(path: str | os.PathLike) -> str | None:
    """Why a ``.weights.h5`` file cannot be read, or `None` if every array in it reads back.

    A missing file is a problem too (``"missing"``).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        return "missing"
    try:
        read_weights_file(path)
    except Exception as error:  # noqa: BLE001 - any failure to read means "damaged".
        return f"{type(error).__name__}: {str(error)[:200]}"
    return None


def has_final_weights(run_dir: str | os.PathLike) -> bool:
    """Whether a run folder holds its final ``model.weights.h5``, readable.

    A damaged file warns and counts as absent, so callers that train the run
    to its end (``train_or_load``) resume it and write the file again.
    """
    path = os.path.join(os.fspath(run_dir), WEIGHTS_FILE)
    if not os.path.exists(path):
        return False
    problem = weights_file_problem(path)
    if problem is not None:
        warnings.warn(f"{path!r} cannot be read ({problem}); the run will be resumed to write it again.",
                      stacklevel=2)
    return problem is None


def remove_unfinished_writes(checkpoint_dir: str | os.PathLike) -> list[str]:
    """Deletes the ``ckpt-N_temp/`` folders of checkpoint writes a kill interrupted.

    TensorFlow writes a checkpoint's shards there and then moves them into
    place; a folder left behind holds nothing that was ever a checkpoint.

    Returns:
        The folders removed.
    """
    removed = []
    for path in glob.glob(os.path.join(glob.escape(os.fspath(checkpoint_dir)), "*_temp")):
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _quarantine(prefix: str, checkpoint_dir: str) -> None:
    damaged_dir = os.path.join(checkpoint_dir, DAMAGED_FOLDER)
    os.makedirs(damaged_dir, exist_ok=True)
    for path in glob.glob(glob.escape(prefix) + ".*"):
        shutil.move(path, os.path.join(damaged_dir, os.path.basename(path)))


def _rewrite_index(checkpoint_dir: str, kept: list[str]) -> None:
    # The index is a small text proto (what `tf.train.CheckpointManager`
    # writes). Each checkpoint gets its file time, and the "preserved" mark
    # sits before them all, so the manager deletes them in turn as newer
    # ones arrive instead of keeping them for ever.
    from lstmgan_tf import files

    oldest_first = list(reversed(kept))
    times = [os.path.getmtime(prefix + ".index") for prefix in oldest_first]
    lines = [f'model_checkpoint_path: "{os.path.basename(oldest_first[-1])}"']
    lines += [f'all_model_checkpoint_paths: "{os.path.basename(prefix)}"' for prefix in oldest_first]
    lines += [f"all_model_checkpoint_timestamps: {stamp!r}" for stamp in times]
    lines.append(f"last_preserved_timestamp: {min(times) - 1.0!r}")
    files.write_text(os.path.join(checkpoint_dir, "checkpoint"), "\n".join(lines) + "\n")


def restore_newest_readable(checkpoint, checkpoint_dir, run_dir=None, partial: bool = False,
                            quarantine: bool = False) -> str | None:
    """Restores the newest checkpoint that reads back intact; warns about each damaged one.

    Args:
        checkpoint: the `tf.train.Checkpoint` to restore into.
        checkpoint_dir: the run's ``checkpoints/`` folder.
        run_dir: the run folder, named in messages (default: the parent of
            ``checkpoint_dir``).
        partial: the checkpoint holds more than ``checkpoint`` tracks (e.g. the
            optimizers, when only the model is loaded to generate).
        quarantine: move damaged checkpoints to ``checkpoints/damaged/`` and
            rewrite the index (for a run that trains on).

    Returns:
        The prefix restored, or `None` if the folder holds no checkpoint at all.

    Raises:
        DamagedRunError: checkpoints exist but none can be read.
        ValueError: the readable checkpoint does not fit the model.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    run_dir = os.fspath(run_dir) if run_dir is not None else os.path.dirname(os.path.abspath(checkpoint_dir))
    prefixes = checkpoint_prefixes(checkpoint_dir)
    if not prefixes:
        return None
    damaged = []
    for position, prefix in enumerate(prefixes):
        problem = checkpoint_problem(prefix)
        if problem is not None:
            damaged.append(f"{os.path.basename(prefix)} ({problem})")
            older = prefixes[position + 1] if position + 1 < len(prefixes) else None
            warnings.warn(
                f"checkpoint {os.path.basename(prefix)} of {run_dir!r} cannot be read ({problem}); "
                + (f"falling back to {os.path.basename(older)}." if older else "no older checkpoint is left."),
                stacklevel=2,
            )
            continue
        restore(checkpoint, prefix, run_dir, partial)
        if quarantine:
            for bad in prefixes[:position]:
                _quarantine(bad, checkpoint_dir)
            _rewrite_index(checkpoint_dir, prefixes[position:])
        return prefix
    raise DamagedRunError(
        f"no checkpoint of {run_dir!r} can be read: " + "; ".join(damaged)
        + ". The run cannot continue from it: train again into a new --out folder "
        "(or delete this one)."
    )


def restore(checkpoint, prefix: str, run_dir: str, partial: bool = False) -> None:
    """Restores one checkpoint; a checkpoint that does not fit the model is a clear `ValueError`.

    Args:
        checkpoint: the `tf.train.Checkpoint` to restore into.
        prefix: the checkpoint prefix.
        run_dir: the run folder, named in the message.
        partial: the checkpoint may hold more than ``checkpoint`` tracks.
    """
    try:
        status = checkpoint.restore(prefix)
        if partial:
            status = status.expect_partial()
        status.assert_existing_objects_matched()
    except (AssertionError, ValueError) as error:
        unmatched = str(error).strip().splitlines()[0][:300]
        raise ValueError(
            f"checkpoint {os.path.basename(prefix)} of {run_dir!r} does not fit the model its "
            f"config.json describes ({unmatched}); it was probably written by another version "
            "of the kit. Train again into a new --out folder (or delete this one)."
        ) from None
