"""Saving files uploaded in the app so the library can ingest them (and re-read them on a
rebuild).

Every upload is kept under a name of its own, ``uploads/<digest>/<original name>``, where the
digest is that of the file's content: two files with the same name (two non-Latin names that
used to clean up to the same ``upload.md``, or another visitor's file) never replace each
other, the same file uploaded twice is the same path (so ingestion skips it as unchanged), and
the original name, letters of any script included, stays the document's title when the file
has none of its own. One upload is limited to ``MAX_UPLOAD_FILES`` files and
``MAX_UPLOAD_BYTES`` in all; a bigger one is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from tools.errors import InputError
from tools.files import write_bytes

MAX_UPLOAD_FILES = 50
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_NAME_CHARS = 120


class UploadError(InputError):
    """An upload refused as a whole (too many files, too large); nothing was saved."""


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no leading dots, no odd characters."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "-", stem).strip(" .-")[:100] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def stored_name(name: str) -> str:
    """The uploaded file's own name, kept readable in any script: no folders, no leading dots,
    no control, invisible or path characters, at most 120 characters, the suffix lower-case."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    kept = "".join(
        ch if ch.isalnum() or ch in " ._-()," or unicodedata.category(ch) in ("Mn", "Mc") else "-"
        for ch in unicodedata.normalize("NFC", stem)
    )
    stem = re.sub(r"-{2,}", "-", " ".join(kept.split())).strip(" .-")[:_NAME_CHARS] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def save_uploads(folder: Path | str, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write uploaded files into ``folder`` (kept, so a rebuild can re-read them); their paths.

    Raises:
        UploadError: more than MAX_UPLOAD_FILES files or MAX_UPLOAD_BYTES in all.
    """
    files = list(files)
    total = sum(len(data) for _, data in files)
    if len(files) > MAX_UPLOAD_FILES or total > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"This upload holds {len(files)} files and {total / 2**20:.1f} MB; one upload may "
            f"hold at most {MAX_UPLOAD_FILES} files and {MAX_UPLOAD_BYTES // 2**20} MB. Upload "
            "them in smaller batches."
        )
    folder = Path(folder)
    paths = []
    for name, data in files:
        path = folder / hashlib.sha256(data).hexdigest()[:16] / stored_name(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, data)
        paths.append(path)
    return paths
