"""The list of ingested files, kept beside the store: what ``kb rebuild`` re-reads.

The store records each document's file in its metadata, but a store that Chroma refuses to
open cannot say what it held. So every document ingested from a file is also listed in
``knowledge-sources.json`` in the data directory (document id -> path), written atomically
under a file lock so that two processes ingesting at once never lose an entry. A rebuild reads
the list, re-ingests every file that still exists and reports the others.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

FILE_NAME = "knowledge-sources.json"
_VERSION = 1


class SourceList:
    """Document id -> file path for the documents ingested from files (``None``: no list)."""

    def __init__(self, path: Path | None):
        self.path = Path(path) if path is not None else None

    def exists(self) -> bool:
        return self.path is not None and self.path.is_file()

    def read(self) -> dict[str, str]:
        """The listed documents; an unreadable or hand-broken list reads as empty."""
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        docs = data.get("documents") if isinstance(data, dict) else None
        if not isinstance(docs, dict):
            return {}
        return {str(k): str(v) for k, v in docs.items() if isinstance(v, str) and v}

    def add(self, doc_id: str, path: str) -> None:
        if self.read().get(doc_id) == path:
            return
        with self._editing() as docs:
            docs[doc_id] = path

    def remove(self, *doc_ids: str) -> None:
        if not set(doc_ids) & set(self.read()):
            return
        with self._editing() as docs:
            for doc_id in doc_ids:
                docs.pop(doc_id, None)

    @contextlib.contextmanager
    def _editing(self) -> Iterator[dict[str, str]]:
        """The list, to change in place; written back atomically under the lock. A list that
        cannot be written (a read-only data directory) is left as it was: the store, not this
        list, is the record, and a rebuild also reads the store."""
        if self.path is None:
            yield {}
            return
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path.with_name(f".{self.path.name}.lock")), timeout=30)
        try:
            lock.acquire()
        except (OSError, Timeout):
            yield {}
            return
        try:
            docs = self.read()
            yield docs
            with contextlib.suppress(OSError):
                _write_json(
                    self.path, {"version": _VERSION, "documents": dict(sorted(docs.items()))}
                )
        finally:
            lock.release()


def _write_json(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
