"""Saving files uploaded in the app so the library can ingest them (and re-read them on a
rebuild)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tools.files import write_bytes


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no leading dots, no odd characters."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "-", stem).strip(" .-")[:100] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def save_uploads(folder: Path | str, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write uploaded files into ``folder`` (kept, so a rebuild can re-read them); their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files:
        path = folder / safe_filename(name)
        write_bytes(path, data)
        paths.append(path)
    return paths
