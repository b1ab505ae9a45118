"""On-disk price cache: one ``.npz`` file per symbol, written atomically, refreshed under a lock.

A write goes to a temporary file in the same directory, is flushed to disk and then renamed
over the old file, so a crash mid-write leaves the previous file intact and readers never
see a half-written one. Freshness metadata travels inside the same file.

Several processes (app replicas, a cron job, the command line) may share one cache folder: a
refresh of a symbol holds that symbol's file lock (``.locks/SYMBOL.lock``) from reading the
cache to writing it, so a second refresher waits and then finds the data fresh. A file that
cannot be read (truncated, overwritten) is reported as damaged, never as absent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tools.files import atomic_writer
from tools.frames import from_arrays, to_arrays

# A temporary file older than this cannot belong to a live writer (a write takes milliseconds).
ORPHAN_AGE_SECONDS = 600.0
# A refresh holding a symbol's lock longer than this is presumed stuck; others go on without it
# (the atomic replace still keeps the file whole).
LOCK_SECONDS = 120.0
_UNREADABLE = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    TypeError,
    zipfile.BadZipFile,
    json.JSONDecodeError,
)


@dataclass(frozen=True)
class CacheEntry:
    symbol: str
    frame: pd.DataFrame
    fetched_at: dt.datetime  # UTC
    path: Path

    @property
    def age_hours(self) -> float:
        return (utcnow() - self.fetched_at).total_seconds() / 3600


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def safe_name(symbol: str) -> str:
    """A file name for a symbol that cannot leave the cache directory ('^GSPC' -> '_GSPC')."""
    name = re.sub(r"[^A-Za-z0-9=.\-]", "_", symbol).lstrip(".")
    return name[:60] or "_"


class PriceCache:
    """Price histories keyed by Yahoo symbol under ``root``."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, symbol: str) -> Path:
        return self.root / f"{safe_name(symbol)}.npz"

    def read(self, symbol: str) -> CacheEntry | None:
        """The cached entry, or None when absent or unreadable (see :meth:`damage`)."""
        return self._load(self.path(symbol), symbol)[0]

    def damage(self, symbol: str) -> str | None:
        """Why the symbol's file cannot be read, naming it; None when it is absent or fine."""
        return self._load(self.path(symbol), symbol)[1]

    def problems(self) -> list[tuple[Path, str]]:
        """Every cache file that cannot be read, with the reason."""
        found = []
        if self.root.is_dir():
            for p in sorted(self.root.glob("*.npz")):
                reason = self._load(p, p.stem)[1]
                if reason:
                    found.append((p, reason))
        return found

    def _load(self, path: Path, symbol: str) -> tuple[CacheEntry | None, str | None]:
        try:
            with np.load(path, allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"]))
                frame = from_arrays(npz["days"], npz["values"])
            fetched = dt.datetime.fromisoformat(meta["fetched_at"])
        except FileNotFoundError:
            return None, None
        except _UNREADABLE as exc:
            what = (
                "truncated or not a price archive"
                if isinstance(exc, (zipfile.BadZipFile, EOFError))
                else f"unreadable: {type(exc).__name__}"
            )
            return None, f"the cache file {path} is damaged ({what})"
        if fetched.tzinfo is None:  # written by hand or by an older version: read as UTC
            fetched = fetched.replace(tzinfo=dt.UTC)
        return CacheEntry(meta.get("symbol", symbol), frame, fetched, path), None

    @contextlib.contextmanager
    def lock(self, symbol: str, timeout: float = LOCK_SECONDS) -> Iterator[bool]:
        """Held while ``symbol`` is refreshed (read, download, merge, write): another process or
        thread refreshing it waits, then finds it fresh. Re-entrant within a thread. Yields
        False when the lock could not be had (a stuck holder, a read-only folder): the work
        goes on without it, since the atomic replace alone keeps the file whole."""
        from filelock import FileLock, Timeout

        try:
            (self.root / ".locks").mkdir(parents=True, exist_ok=True)
            held = FileLock(
                str(self.root / ".locks" / f"{safe_name(symbol)}.lock"), is_singleton=True
            )
            held.acquire(timeout=timeout)
        except (Timeout, OSError):
            yield False
            return
        try:
            yield True
        finally:
            held.release()

    def write(
        self, symbol: str, frame: pd.DataFrame, fetched_at: dt.datetime | None = None
    ) -> Path:
        """Replace the symbol's file atomically with ``frame``."""
        self.root.mkdir(parents=True, exist_ok=True)
        days, values = to_arrays(frame)
        meta = {
            "symbol": symbol,
            "fetched_at": (fetched_at or utcnow()).isoformat(),
            "rows": int(len(frame)),
            "format": 1,
        }
        target = self.path(symbol)
        with self.lock(symbol), atomic_writer(target) as fh:
            np.savez(fh, days=days, values=values, meta=np.array(json.dumps(meta)))
        self.clean_orphans()
        return target

    def entries(self) -> list[CacheEntry]:
        out = []
        if self.root.is_dir():
            for p in sorted(self.root.glob("*.npz")):
                with_meta = self._read_path(p)
                if with_meta is not None:
                    out.append(with_meta)
        return out

    def _read_path(self, p: Path) -> CacheEntry | None:
        try:
            with np.load(p, allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"]))
        except _UNREADABLE:
            return None
        if not isinstance(meta, dict):
            return None
        return self.read(meta.get("symbol", p.stem))

    def clean_orphans(self, older_than: float = ORPHAN_AGE_SECONDS) -> int:
        """Remove temporary files left by a writer that was killed; returns how many.

        Only files untouched for ``older_than`` seconds go: a younger one may belong to a
        writer (another thread or process) that is about to rename it into place.
        """
        n = 0
        if not self.root.is_dir():
            return 0
        now = time.time()
        for p in self.root.glob(".*.tmp"):
            try:
                if now - p.stat().st_mtime < older_than:
                    continue
                p.unlink()
            except FileNotFoundError:  # its writer renamed or removed it meanwhile
                continue
            n += 1
        return n
