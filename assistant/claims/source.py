"""What a claim check reads: a file (md, txt, html, pdf), text from stdin or pasted in the chat,
or a document of the commentary library named by id or title.

Files and pasted text go through the same loaders as ``kb ingest`` (:mod:`knowledge.loaders`),
with the same limits (size, PDF pages, encoding, binary content); pasted bytes are written to a
private temporary file of the right type for the loader and removed at once. A library document
is re-read from its file when that file is still there, else rebuilt from its stored passages.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.loaders import MAX_BYTES, SUFFIXES, Document, load_file
from tools.errors import InputError

PASTED_TITLE = "Pasted text"
_STOPWORDS = {
    "the", "a", "an", "article", "piece", "note", "notes", "document", "doc", "post", "essay",
    "commentary", "report", "about", "on", "of", "in", "from", "that", "this", "check", "claims",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    document: Document
    doc_id: str | None = None  # a library document's id


def sniff(raw: bytes) -> str:
    """The file type of pasted bytes: ".pdf", ".html" or ".md"."""
    head = raw[:2048].lstrip().lower()
    if head.startswith(b"%pdf"):
        return ".pdf"
    if re.match(rb"<(!doctype html|html|head|body|p|div|article|h[1-6])\b", head):
        return ".html"
    return ".md"


def from_bytes(raw: bytes, max_bytes: int = MAX_BYTES, label: str = "pasted text") -> Document:
    """A document from bytes (stdin or pasted), read by the loader for its sniffed type."""
    if len(raw) > max_bytes:
        raise InputError(
            f"The {label} is over the {max_bytes / 1e6:.1f} MB limit for one document; "
            "check a shorter text or split it."
        )
    suffix = sniff(raw)
    with tempfile.TemporaryDirectory(prefix="claim-check-") as folder:
        path = Path(folder) / f"pasted{suffix}"
        path.write_bytes(raw)
        try:
            doc = load_file(path, max_bytes)
        except KnowledgeError as exc:
            reason = getattr(exc, "reason", str(exc))
            raise InputError(f"The {label} cannot be read: {reason}.") from exc
    title = PASTED_TITLE if doc.title.lower() == "pasted" else doc.title
    source = label if doc.source == path.name else doc.source
    return replace(doc, title=title, path="", source=source)


def from_text(text: str, max_bytes: int = MAX_BYTES) -> Document:
    return from_bytes(str(text).encode("utf-8"), max_bytes)


def from_file(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    try:
        return load_file(path, max_bytes)
    except KnowledgeError as exc:
        raise InputError(str(exc)) from exc


def resolve(
    ref: str, library=None, stdin=None, max_bytes: int = MAX_BYTES, files: bool = True
) -> Source:
    """The document ``ref`` names: "-" (stdin), a file path, or a library document id or title.

    Args:
        library: an opened knowledge base, or a function that opens one (None: no library).
        stdin: a binary stream for "-".
        files: False to look ``ref`` up in the library only (never a path or stdin).
    """
    ref = str(ref or "").strip()[:300]
    if not ref:
        raise InputError("Name what to check: a file, '-' for stdin, or a library document.")
    if not files:
        if library is None:
            raise InputError("No commentary library is open; paste the text to check instead.")
        return from_library(library if hasattr(library, "documents") else library(), ref)
    if ref == "-":
        if stdin is None:
            raise InputError("Nothing to read on stdin.")
        return Source(from_bytes(stdin.read(max_bytes + 1), max_bytes, "text on stdin"))
    path = Path(ref).expanduser()
    if path.is_dir():
        raise InputError(
            f"{ref} is a folder; name one document in it (.md .txt .html .pdf), or add the folder"
            " with `market-assistant kb ingest` and check a document by its id."
        )
    if path.exists() or path.suffix.lower() in SUFFIXES:
        return Source(from_file(path, max_bytes))
    if library is None:
        raise InputError(
            f"'{ref[:60]}' is not a file, and no commentary library is open to look it up in."
        )
    kb = library if hasattr(library, "documents") else library()
    return from_library(kb, ref)


def from_library(kb, ref: str) -> Source:
    """A library document by id, exact title, or the title that best matches the words given
    ("the silver article"); commentary is preferred over background notes."""
    try:
        docs = kb.documents()
        kinds = {str(m.get("doc_id")): m.get("kind") for m in kb.store.get().values()}
    except KnowledgeError as exc:
        raise InputError(str(exc)) from exc
    info = _match(docs, kinds, ref)
    metas = kb.store.texts({"doc_id": info.doc_id})
    published = metas[0][1].get("published") if metas else info.published
    if info.path and Path(info.path).is_file():
        try:
            return Source(load_file(info.path), info.doc_id)
        except KnowledgeError:
            pass  # changed or unreadable since ingestion: use the stored passages
    text = rebuild([(t, m) for t, m in metas])
    doc = Document(title=info.title, text=text, source=info.source, **_published(published))
    return Source(doc, info.doc_id)


def _match(docs, kinds: dict, ref: str):
    low = ref.casefold()
    for d in docs:
        if d.doc_id == low or d.title.casefold() == low:
            return d
    words = [w for w in re.findall(r"[a-z0-9]+", low.replace("'s", "")) if w not in _STOPWORDS]
    scored = []
    for d in docs:
        title = re.findall(r"[a-z0-9]+", d.title.casefold().replace("'s", "").replace("’s", ""))
        hits = sum(any(_near(w, t) for t in title) for w in words)
        if hits:
            ratio = difflib.SequenceMatcher(None, low, d.title.casefold()).ratio()
            scored.append((hits / len(words), kinds.get(d.doc_id) != "background", ratio, d))
    if not scored:
        titles = "; ".join(f"{d.title} ({d.doc_id})" for d in docs[:12])
        raise InputError(
            f"No file or library document matches '{ref[:60]}'. Library documents: {titles}."
        )
    scored.sort(key=lambda s: s[:3], reverse=True)
    best = scored[0]
    if len(scored) > 1 and scored[1][:2] == best[:2] and scored[1][2] >= best[2] - 0.05:
        names = "; ".join(f"{s[3].title} ({s[3].doc_id})" for s in scored[:4])
        raise InputError(f"'{ref[:60]}' could mean several documents: {names}. Give its id.")
    return best[3]


def _near(word: str, token: str) -> bool:
    if word == token:
        return True
    return len(word) > 4 and difflib.SequenceMatcher(None, word, token).ratio() >= 0.85


def _published(value) -> dict:
    import datetime as dt

    if not value:
        return {}
    text = str(value)
    precision = {4: "year", 7: "month"}.get(len(text), "day")
    padded = text + {"year": "-01-01", "month": "-01"}.get(precision, "")
    return {"published": dt.date.fromisoformat(padded), "published_precision": precision}


def rebuild(rows: list[tuple[str, dict]]) -> str:
    """A document's text from its passages in order, without the overlap one passage shares
    with the next."""
    rows = sorted(rows, key=lambda r: int(r[1].get("position", 0)))
    out: list[str] = []
    for text, _ in rows:
        if out:
            prev = out[-1]
            cut = next(
                (n for n in range(min(len(prev), len(text)), 19, -1) if prev.endswith(text[:n])), 0
            )
            text = text[cut:].strip()
        if text:
            out.append(text)
    return "\n\n".join(out)
