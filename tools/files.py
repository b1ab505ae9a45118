"""Atomic file writes: content replaces the target only when it has been written completely.

The data goes to a temporary file in the same folder, is flushed to disk and renamed over the
target, so a crash mid-write leaves the old file intact and readers never see half a file.
Temporary files are named ``.NAME.*.tmp`` so an orphan left by a killed writer can be found.
A replaced file keeps its permission bits; a new one gets the usual ones (0666 less the umask),
not the private 0600 of a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """A handle whose content replaces ``path`` when the ``with`` block ends without an error."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.chmod(handle.fileno(), _mode_for(path))
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def write_text(path: Path | str, text: str) -> None:
    with atomic_writer(path, "w", encoding="utf-8") as handle:
        handle.write(text)


_umask_lock = threading.Lock()


def _mode_for(path: Path) -> int:
    """The permission bits ``path`` has now, or those a newly created file would get."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        with _umask_lock:  # os.umask can only be read by setting it
            mask = os.umask(0o022)
            os.umask(mask)
        return 0o666 & ~mask
