"""Files written whole or not at all.

A process killed while it writes (SIGKILL, a dead laptop battery, a full
disk) leaves half a file behind; the next reader then fails with an error
from deep inside `json`, `h5py` or `imageio`. Everything the kit keeps on disk
is therefore written to a temporary name in the same folder and renamed with
`os.replace`, which is atomic on POSIX and Windows: a reader sees the old
file or the new one, never a mixture.

- `atomic_path(path)`: a context manager that yields the temporary path for
  writers that want a file name (``figure.savefig``, ``model.save_weights``).
- `write_text(path, text)` and `write_json(path, value)`.
- `remove_partial_files(folder)`: deletes what an interrupted write left.

Example:

>>> import json, os, tempfile
>>> from lstmgan_tf import files
>>> folder = tempfile.mkdtemp()
>>> path = files.write_json(os.path.join(folder, "config.json"), {"epochs": 3})
>>> json.load(open(path))
{'epochs': 3}
>>> with files.atomic_path(os.path.join(folder, "notes.txt")) as temporary:
...     _ = open(temporary, "w").write("written whole")
>>> sorted(os.listdir(folder))
['config.json', 'notes.txt']
"""

from __future__ import annotations

import contextlib
import json
import os

# Temporary files start with this prefix and end with the final file's name,
# so writers that check the extension (Keras wants ``.weights.h5``) accept
# them and a glob such as ``epoch_*.png`` never matches them.
PARTIAL_PREFIX = ".partial-"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yields a temporary path beside ``path``; renames it to ``path`` if the block succeeds.

    The folder is created if needed. If the block raises, the temporary file
    is removed and ``path`` is left as it was.

    Args:
        path: the file to (re)write.
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f"{PARTIAL_PREFIX}{os.getpid()}-{name}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_text(path: str | os.PathLike, text: str) -> str:
    """Writes ``text`` (UTF-8) to ``path`` atomically; returns the path."""
    with atomic_path(path) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return os.fspath(path)


def write_json(path: str | os.PathLike, value, indent: int = 2) -> str:
    """Writes ``value`` as JSON (ending with a newline) to ``path`` atomically; returns the path."""
    return write_text(path, json.dumps(value, indent=indent) + "\n")


def remove_partial_files(folder: str | os.PathLike) -> list[str]:
    """Deletes the temporary files an interrupted `atomic_path` left under ``folder``.

    Returns:
        The paths removed.
    """
    removed = []
    for root, _, names in os.walk(os.fspath(folder)):
        for name in names:
            if name.startswith(PARTIAL_PREFIX):
                os.remove(os.path.join(root, name))
                removed.append(os.path.join(root, name))
    return removed
