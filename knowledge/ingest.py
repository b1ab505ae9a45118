"""Idempotent ingestion: documents in, chunks with vectors and metadata out to the store.

A chunk id is derived from the document id, the chunk's position, its text and the version
(content digest and path), so the same content always gets the same ids and a changed document
gets new ones. A document whose digest is already stored is skipped. A changed one is staged:
its new chunks are written beside the old ones, and only when all of them are in are the older
versions deleted, so a reader never sees the document missing; a write that fails part-way
deletes what it wrote, so the collection is left as it was. Several processes (app replicas on
one Chroma server) may write at once: each write is stamped, and after writing each process
keeps only the last-written version (see ``Ingestor._settle``). Before anything is written the
chunks are checked against the limits (``MAX_PASSAGES`` per document, ``check_metadata`` for each
passage's metadata), so a hostile file is refused instead of reaching Chroma. One bad file is
recorded as failed, whatever goes wrong with it, and the rest go on; only a store that cannot be
reached stops the batch.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.chunking import chunk_text
from knowledge.errors import DocumentIdError, KnowledgeError, LoadError, StoreError
from knowledge.loaders import MAX_BYTES, Document, collect, load_file
from knowledge.sources import SourceList

DOC_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,94}[a-z0-9])?$")
MAX_PASSAGES = 2_000  # per document: about 1.6 million characters of prose
MAX_META_KEYS = 64
MAX_META_CHARS = 12_000  # one passage's metadata, all values together
MAX_VALUE_CHARS = 4_096  # the longest path Linux allows
Progress = Callable[[str, str], None]  # (path, status) after each file


@dataclass
class IngestReport:
    """What an ingestion run did, file by file."""

    added: list[str] = field(default_factory=list)  # document ids
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)
    removed: list[str] = field(default_factory=list)
    chunks_written: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        text = (
            f"{len(self.added)} added, {len(self.replaced)} replaced, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed"
        )
        return text + (f", {len(self.removed)} removed" if self.removed else "")

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "failed": [{"path": p, "error": e} for p, e in self.failed],
            "removed": self.removed,
            "chunks_written": self.chunks_written,
        }


def slug(text: str) -> str:
    """A document id from a name: lower-case letters, digits and single hyphens, at most 80 chars.

    Ids never reach the file system, and this form makes sure they could not name a path
    anyway: no dots, slashes or other separators survive.
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", ""))
    return "-".join(words)[:80].strip("-") or "document"


def check_doc_id(doc_id: str) -> str:
    """``doc_id`` if it is well formed, else DocumentIdError (e.g. for '../../etc/passwd')."""
    if not isinstance(doc_id, str) or not DOC_ID.match(doc_id):
        shown = repr(doc_id)[:60]
        raise DocumentIdError(
            f"{shown} is not a document id; ids are lower-case letters, digits "
            "and hyphens, as shown by 'market-assistant kb list'."
        )
    return doc_id


def chunk_id(doc_id: str, position: int, text: str, version: str = "") -> str:
    """The id of a chunk: the same content of the same file always gets the same id, and two
    versions (or two files) never share one, so writers in several processes cannot mix them."""
    key = f"{doc_id}\x1f{position}\x1f{text}" + (f"\x1f{version}" if version else "")
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{doc_id}:{position}:{digest}"


def check_metadata(path: str, meta: dict) -> None:
    """LoadError unless ``meta`` is what Chroma stores safely: at most MAX_META_KEYS keys,
    scalar values only (str, int, float, bool), no string over MAX_VALUE_CHARS and at most
    MAX_META_CHARS in all."""
    if len(meta) > MAX_META_KEYS:
        raise LoadError(path, f"has {len(meta)} metadata fields, over the {MAX_META_KEYS} limit")
    total = 0
    for key, value in meta.items():
        if not isinstance(value, (str, int, float, bool)) or not isinstance(key, str):
            raise LoadError(path, f"metadata '{str(key)[:30]}' is not a single value")
        size = len(key) + (len(value) if isinstance(value, str) else 8)
        if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
            raise LoadError(
                path,
                f"metadata '{key[:30]}' is {len(value):,} characters, over {MAX_VALUE_CHARS:,}",
            )
        total += size
    if total > MAX_META_CHARS:
        raise LoadError(
            path, f"its metadata is {total:,} characters, over the {MAX_META_CHARS:,} limit"
        )


def write_stamp() -> str:
    """Orders the writes of one document across processes: nanoseconds, then a tie-break."""
    return f"{time.time_ns():020d}-{secrets.token_hex(4)}"


def suffixed_id(name: str, path: str) -> str:
    """The id of a second file whose name gives an id another file holds."""
    return f"{name[:71]}-{hashlib.sha256(path.encode()).hexdigest()[:8]}"


def published_fields(doc: Document) -> dict:
    """ISO ``published`` at its known precision, and ``published_last`` (YYYYMMDD, the last
    day the date could mean) for ``since`` filters."""
    day = doc.published
    if day is None:
        return {}
    if doc.published_precision == "year":
        return {"published": f"{day.year:04d}", "published_last": day.year * 10000 + 1231}
    if doc.published_precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return {
            "published": day.strftime("%Y-%m"),
            "published_last": day.year * 10000 + day.month * 100 + last,
        }
    return {"published": day.isoformat(), "published_last": int(day.strftime("%Y%m%d"))}


def chunk_records(
    doc: Document, doc_id: str, origin: str, model_id: str
) -> tuple[list[str], list[str], list[str], list[dict]]:
    """(ids, texts to store, texts to embed, metadatas) for every chunk of ``doc``.

    Raises:
        LoadError: more than MAX_PASSAGES passages, or metadata over its limits.
    """
    chunks = chunk_text(doc.text)
    if not chunks:
        raise LoadError(
            doc.path or doc.title, "has headings but no text under them; add the commentary"
        )
    if len(chunks) > MAX_PASSAGES:
        raise LoadError(
            doc.path or doc.title,
            f"it makes {len(chunks):,} passages, over the limit of {MAX_PASSAGES:,} for one "
            "document; split it into smaller files",
        )
    base = {
        "doc_id": doc_id,
        "title": doc.title,
        "source": doc.source,
        "path": doc.path,
        "doc_sha": doc.sha,
        "origin": origin,
        "n_chunks": len(chunks),
        "embedding_model": model_id,
        "assets": ",".join(doc.assets),
        "tags": ",".join(doc.tags),
        "kind": doc.kind,
        **published_fields(doc),
        **{f"asset_{a}": True for a in doc.assets},
    }
    base.update({k: v for k, v in (("author", doc.author), ("url", doc.url)) if v})
    ids, texts, embed, metas = [], [], [], []
    version = f"{doc.sha}\x1f{doc.path}"
    for chunk in chunks:
        ids.append(chunk_id(doc_id, chunk.position, chunk.text, version))
        texts.append(chunk.text)
        # The title and section give a short passage the context a reader would have.
        embed.append(
            f"{doc.title}. {chunk.section}.\n{chunk.text}"
            if chunk.section and chunk.section != doc.title
            else f"{doc.title}.\n{chunk.text}"
        )
        metas.append({**base, "section": chunk.section[:300], "position": chunk.position})
        check_metadata(doc.path or doc.title, metas[-1])
    return ids, texts, embed, metas


class Ingestor:
    """Writes documents into a ChromaStore with one embedder; see the module docstring."""

    def __init__(
        self, store, embedder, max_bytes: int = MAX_BYTES, sources: SourceList | None = None
    ):
        self.store = store
        self.embedder = embedder
        self.max_bytes = max_bytes
        self.sources = sources or SourceList(None)

    def ingest_paths(
        self,
        paths: Iterable[Path | str],
        origin: str = "user",
        progress: Progress | None = None,
        report: IngestReport | None = None,
    ) -> IngestReport:
        """Ingest files and folders; each file's outcome goes into the report."""
        report = report or IngestReport()
        files, refused = collect(paths)
        for path, reason in refused:
            report.failed.append((path, reason))
            if progress:
                progress(path, "failed")
        for n, path in enumerate(files):
            status = self._one(path, origin, report)
            if progress:
                progress(str(path), status)
            if status.startswith("store"):
                for rest in files[n + 1 :]:
                    report.failed.append((str(rest), "not attempted: the store failed"))
                    if progress:
                        progress(str(rest), "failed")
                break
        return report

    def _one(self, path: Path, origin: str, report: IngestReport) -> str:
        """One file, isolated: whatever goes wrong with it is recorded as its failure."""
        try:
            status = self.ingest_document(load_file(path, self.max_bytes), origin, report)
        except StoreError as exc:
            report.failed.append((str(path), str(exc)))
            return "store failed"
        except LoadError as exc:
            report.failed.append((str(path), exc.reason))
            return "failed"
        except KnowledgeError as exc:
            report.failed.append((str(path), str(exc)))
            return "failed"
        except RecursionError:
            report.failed.append((str(path), "is nested too deeply to read; simplify it"))
            return "failed"
        except MemoryError:
            report.failed.append((str(path), "needs more memory than is available to read"))
            return "failed"
        except Exception as exc:  # noqa: BLE001 - one file never stops the batch
            reason = " ".join(str(exc).split())[:160] or "no detail"
            report.failed.append(
                (str(path), f"could not be stored ({type(exc).__name__}: {reason})")
            )
            return "failed"
        return status

    def ingest_document(
        self,
        doc: Document,
        origin: str = "user",
        report: IngestReport | None = None,
        doc_id: str | None = None,
    ) -> str:
        """Store one document; returns 'added', 'replaced' or 'skipped'."""
        report = report if report is not None else IngestReport()
        derived = not doc_id
        doc_id = check_doc_id(doc_id) if doc_id else self.doc_id_for(doc)
        existing = self.store.get({"doc_id": doc_id})
        # Skipped only when whole: a write cut short (a killed process) leaves fewer chunks than
        # the document has, and the next ingest must finish it rather than call it unchanged.
        if existing and all(
            m.get("doc_sha") == doc.sha and m.get("n_chunks", len(existing)) == len(existing)
            for m in existing.values()
        ):
            if origin == "user" and doc.path:
                self.sources.add(doc_id, doc.path)
            report.skipped.append(doc_id)
            return "skipped"
        ids, texts, embed, metas = chunk_records(doc, doc_id, origin, self.embedder.model_id)
        if origin == "user" and doc.path:
            self.sources.add(doc_id, doc.path)  # listed first: a rebuild can finish a cut write
        vectors = self.embedder.embed(embed)
        stamp = write_stamp()
        self._staged_write(ids, vectors, texts, [{**m, "written": stamp} for m in metas], existing)
        doc_id = self._settle(doc_id, (doc.sha, doc.path), move_others=derived)
        report.chunks_written += len(ids)
        (report.replaced if existing else report.added).append(doc_id)
        return "replaced" if existing else "added"

    def _staged_write(self, ids, vectors, texts, metas, existing: dict[str, dict]) -> None:
        """Write the new chunks beside the old ones; a failed write removes the chunks it added,
        leaving the collection as it was (the older versions go in ``_settle``)."""
        before = set(existing)
        try:
            self.store.upsert(ids, vectors, texts, metas)
        except BaseException:
            with contextlib.suppress(Exception):
                self.store.delete([i for i in ids if i not in before])
            raise

    def _settle(self, doc_id: str, mine: tuple[str, str], move_others: bool) -> str:
        """After a write, keep one version of ``doc_id``: the last written. Older versions go
        (stale chunks after a replacement, or a version another process wrote at the same
        moment); another *file* that took the same id at that moment moves to its own id.

        Every process that writes runs this after its own write, so the last one to do so sees
        every version and all of them agree on the one to keep. Returns the id under which this
        write's version ended up."""
        groups: dict[tuple[str, str, bool], dict[str, dict]] = {}
        for cid, meta in self.store.get({"doc_id": doc_id}).items():
            key = (str(meta.get("doc_sha")), str(meta.get("path")), bool(meta.get("written")))
            groups.setdefault(key, {})[cid] = meta
        if not groups:
            return doc_id

        def last_write(key) -> tuple:
            return (max(str(m.get("written", "")) for m in groups[key].values()), key)

        kept = max(groups, key=last_write)
        where = doc_id
        for key, chunks in groups.items():
            if key == kept:
                continue
            if move_others and key[2] and key[1] != kept[1]:
                moved = self._move(chunks, suffixed_id(doc_id, key[1]))
                where = moved if key[:2] == mine else where
            self.store.delete(list(chunks))
        return where

    def _move(self, chunks: dict[str, dict], new_id: str) -> str:
        """Copy chunks (vectors and all) to the document id ``new_id``."""
        ids, vectors, texts, metas = self.store.rows(list(chunks))
        moved = [{**m, "doc_id": new_id} for m in metas]
        new_ids = [
            chunk_id(new_id, int(m["position"]), t, f"{m['doc_sha']}\x1f{m['path']}")
            for m, t in zip(moved, texts, strict=True)
        ]
        self.store.upsert(new_ids, vectors, texts, moved)
        return new_id

    def doc_id_for(self, doc: Document) -> str:
        """The id of the document read from ``doc.path``: the file name's slug, with a short
        digest of the path appended when another file already holds that slug."""
        name = slug(Path(doc.path).stem if doc.path else doc.title)
        holder = self.store.get({"doc_id": name})
        if not holder or any(m.get("path") == doc.path for m in holder.values()):
            return name
        return suffixed_id(name, doc.path)
