"""Datasets kept on disk as ``.npz`` files, so that images are drawn or decoded once.

The synthetic sets are cached by what draws them (name, version, split, size,
count, seed); real images by the files they come from (`files_fingerprint`:
every file's name, size and modification time), so a changed folder is read
again. Both live under ``outputs/datasets/`` and are written whole or not at
all (`lstmgan_tf.files`).

Example:

>>> import os, tempfile
>>> import numpy as np
>>> path = os.path.join(tempfile.mkdtemp(), "tiny.npz")
>>> save_cache(path, np.zeros((2, 8, 8, 3), np.uint8), [["a"], ["b"]], {"colour": np.array([0, 1])},
...            metadata={"skipped": {}})
>>> images, captions, attributes, metadata = load_cache(path)
>>> images.shape, captions, attributes["colour"].tolist(), metadata
((2, 8, 8, 3), [['a'], ['b']], [0, 1], {'skipped': {}})
"""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np


def save_cache(path: str, images, captions, attributes, metadata: dict | None = None) -> None:
    """Writes a dataset's arrays (and a JSON-able ``metadata`` dict) atomically."""
    from lstmgan_tf import files

    arrays = {
        "images": images,
        "captions_json": np.array(json.dumps(captions)),
        "metadata_json": np.array(json.dumps(metadata or {})),
    }
    for key, values in (attributes or {}).items():
        arrays[f"attribute_{key}"] = values
    with files.atomic_path(path) as temporary, open(temporary, "wb") as stream:
        np.savez(stream, **arrays)


def load_cache(path: str):
    """Reads what `save_cache` wrote: ``(images, captions, attributes, metadata)``, or `None`.

    A missing or unreadable file gives `None`, so the caller draws or decodes again.
    """
    try:
        with np.load(path, allow_pickle=False) as stored:
            images = stored["images"]
            captions = json.loads(str(stored["captions_json"]))
            metadata = json.loads(str(stored["metadata_json"])) if "metadata_json" in stored.files else {}
            attributes = {
                key[len("attribute_"):]: stored[key] for key in stored.files if key.startswith("attribute_")
            }
    except (OSError, ValueError, KeyError):
        return None
    return images, captions, (attributes or None), metadata


def files_fingerprint(paths, *settings) -> str:
    """A short hash of files (name, size, modification time) and of any settings.

    Any file added, removed, replaced or touched changes it; so does any setting.
    """
    digest = hashlib.sha256()
    for path in paths:
        status = os.stat(path)
        digest.update(f"{os.path.abspath(path)}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def cache_file(kind: str, key: str) -> str:
    """The cache file of one dataset reading: ``outputs/datasets/KIND-KEY.npz``."""
    from lstmgan_tf import config

    return os.path.join(config.outputs_dir("datasets"), f"{kind}-{key}.npz")
