"""On-disk price cache: one ``.npz`` file per symbol, written atomically.

A write goes to a temporary file in the same directory, is flushed to disk and then renamed
over the old file, so a crash mid-write leaves the previous file intact and readers never
see a half-written one. Freshness metadata travels inside the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tools.files import atomic_writer
from tools.frames import from_arrays, to_arrays

# A temporary file older than this cannot belong to a live writer (a write takes milliseconds).
ORPHAN_AGE_SECONDS = 600.0


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
        """The cached entry, or None when absent or unreadable (a damaged file is ignored)."""
        path = self.path(symbol)
        try:
            with np.load(path, allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"]))
                frame = from_arrays(npz["days"], npz["values"])
            fetched = dt.datetime.fromisoformat(meta["fetched_at"])
        except FileNotFoundError:
            return None
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            TypeError,
            zipfile.BadZipFile,
            json.JSONDecodeError,
        ):
            return None
        if fetched.tzinfo is None:  # written by hand or by an older version: read as UTC
            fetched = fetched.replace(tzinfo=dt.UTC)
        return CacheEntry(meta.get("symbol", symbol), frame, fetched, path)

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
        with atomic_writer(target) as fh:
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
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            TypeError,
            zipfile.BadZipFile,
            json.JSONDecodeError,
        ):
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
