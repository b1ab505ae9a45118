"""On-disk price cache: one ``.npz`` file per symbol, written atomically.

A write goes to a temporary file in the same directory, is flushed to disk and then renamed
over the old file, so a crash mid-write leaves the previous file intact and readers never
see a half-written one. Freshness metadata travels inside the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tools.frames import from_arrays, to_arrays


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
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
            return None
        fetched = dt.datetime.fromisoformat(meta["fetched_at"])
        return CacheEntry(meta.get("symbol", symbol), frame, fetched, path)

    def write(self, symbol: str, frame: pd.DataFrame, fetched_at: dt.datetime | None = None) -> Path:
        """Replace the symbol's file atomically with ``frame``."""
        self.root.mkdir(parents=True, exist_ok=True)
        days, values = to_arrays(frame)
        meta = {"symbol": symbol, "fetched_at": (fetched_at or utcnow()).isoformat(),
                "rows": int(len(frame)), "format": 1}
        target = self.path(symbol)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, days=days, values=values, meta=np.array(json.dumps(meta)))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
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
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
            return None
        return self.read(meta.get("symbol", p.stem))

    def clean_orphans(self) -> int:
        """Remove temporary files left by a writer that was killed; returns how many."""
        n = 0
        if self.root.is_dir():
            for p in self.root.glob(".*.tmp"):
                p.unlink(missing_ok=True)
                n += 1
        return n
