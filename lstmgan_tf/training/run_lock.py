"""One writer per run folder: a lock that a killed process does not leave behind.

Two ``train`` processes on one folder (``make run`` in one terminal, notebook
05 in another) would both write its checkpoints and ``history.csv``. The
runner therefore holds `RunLock` on the folder while it trains. The lock is
the operating system's advisory lock on ``writer.lock`` (``flock`` on POSIX,
``msvcrt.locking`` on Windows), which the kernel releases when its process
ends, however it ends: after ``kill -9`` of the writer a new run starts
without any cleanup. The file itself stays and names the last writer.

Example:

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> with RunLock(folder):
...     try:
...         RunLock(folder).acquire()
...     except RunInUseError as error:
...         print(str(error).split(" is ")[1].split(" (")[0])
being trained by another process
>>> RunLock(folder).acquire().release()  # Free again.
"""

from __future__ import annotations

import os
import socket
import sys
import time

LOCK_FILE = "writer.lock"


class RunInUseError(ValueError):
    """Another process is training into this run folder."""


def _try_lock(handle) -> bool:
    """Takes the exclusive lock on an open file without waiting; False if another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - the course's machines are POSIX.
        import msvcrt

        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class RunLock:
    """The exclusive right to write one run folder (a context manager).

    Args:
        run_dir: the run folder (created if missing).

    Raises (on `acquire` / entering the ``with`` block):
        RunInUseError: another live process holds the folder; the message
            names it (process id, host, since when) and the folder.
    """

    def __init__(self, run_dir):
        self.run_dir = os.path.abspath(os.fspath(run_dir))
        self.path = os.path.join(self.run_dir, LOCK_FILE)
        self._handle = None

    def holder(self) -> str:
        """Who wrote the lock file last, as one phrase ("process 123 on host, since 17:02:11")."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                fields = dict(line.split("=", 1) for line in handle.read().splitlines() if "=" in line)
        except OSError:
            return "another process"
        return f"process {fields.get('pid', '?')} on {fields.get('host', '?')}, since {fields.get('since', '?')}"

    def acquire(self) -> "RunLock":
        os.makedirs(self.run_dir, exist_ok=True)
        # "a+" neither truncates a file another process has locked nor fails if it is missing.
        handle = open(self.path, "a+", encoding="utf-8")
        if not _try_lock(handle):
            handle.close()
            raise RunInUseError(
                f"run folder {self.run_dir!r} is being trained by another process ({self.holder()}); "
                "wait for it to finish, stop it, or train into another folder."
            )
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid={os.getpid()}\nhost={socket.gethostname()}\nsince={time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            try:
                _unlock(self._handle)
            finally:
                self._handle.close()
                self._handle = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()
