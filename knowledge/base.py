"""``KnowledgeBase``: the one object the assistant layer holds (search, ingest, list, remove,
rebuild).

Settings arrive as parameters: the data directory, an optional Chroma server, an optional
embedder. Nothing here reads the environment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from knowledge import chunking, prebuilt
from knowledge.errors import DocumentIdError, KnowledgeError
from knowledge.ingest import Ingestor, IngestReport, Progress, check_doc_id, slug
from knowledge.loaders import MAX_BYTES, load_file
from knowledge.retrieval import Passage, mmr, passage_from, where_filter
from knowledge.sources import FILE_NAME as SOURCES_FILE
from knowledge.sources import SourceList
from knowledge.text import one_line

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"
MAX_K = 50
MAX_QUERY_CHARS = 4000
# Bump when chunking or metadata change, so stores re-ingest the bundled corpus once.
INGEST_VERSION = f"5:{chunking.CHUNK_CHARS}:{chunking.OVERLAP_CHARS}"
UPLOADS = "uploads"  # where the app keeps uploaded files, inside the data directory


@dataclass(frozen=True)
class DocumentInfo:
    """One stored document, as ``kb list`` shows it."""

    doc_id: str
    title: str
    source: str
    published: str | None
    chunks: int
    origin: str  # "bundled" (shipped corpus) or "user"
    path: str
    assets: tuple[str, ...]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["assets"] = list(self.assets)
        return data


class KnowledgeBase:
    """Commentary chunks in a Chroma collection, searched with one embedding model."""

    def __init__(
        self,
        store,
        embedder,
        max_bytes: int = MAX_BYTES,
        corpus_dir: Path | None = BUNDLED_CORPUS,
        home: Path | None = None,
    ):
        self.store = store
        self.embedder = embedder
        self.corpus_dir = corpus_dir
        self.home = home  # the data directory: the list of ingested files and the uploads
        self.sources = SourceList(home / SOURCES_FILE if home is not None else None)
        self.ingestor = Ingestor(store, embedder, max_bytes, self.sources)
        self._write_lock = threading.Lock()

    @property
    def location(self) -> str:
        return self.store.location

    def count(self) -> int:
        """Chunks in the store."""
        return self.store.count()

    # -- retrieval ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 4,
        assets: Sequence[str] | str | None = None,
        since: dt.date | str | None = None,
    ) -> list[Passage]:
        """Up to ``k`` passages for ``query``, diverse across documents, best first.

        Args:
            query: a question or phrase (1 to 4000 characters).
            k: how many passages, 1 to 50.
            assets: registry keys (e.g. "silver" or ["gold", "dxy"]); a passage qualifies when
                its document concerns any of them.
            since: keep documents published on or after this date (date or YYYY-MM-DD);
                undated documents are then left out.
        """
        query, k, keys, since = _check_search(query, k, assets, since)
        total = self.count()
        if total == 0:
            return []
        vector = self.embedder.embed([query])[0]
        rows = self.store.query(vector, min(total, max(5 * k, 20)), where_filter(keys, since))
        if not rows:
            return []
        vectors = np.asarray([r.vector for r in rows], dtype=np.float32)
        picked = mmr(vector, vectors, k, [r.metadata.get("doc_id", r.id) for r in rows])
        return [
            passage_from(rows[i].id, rows[i].text, rows[i].metadata, 1.0 - rows[i].distance)
            for i in picked
        ]

    # -- writing ----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path | str], progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders; unchanged files are skipped, changed ones replaced."""
        with self._write_lock:
            return self.ingestor.ingest_paths(paths, "user", progress)

    def remove(self, doc_id: str) -> int:
        """Delete every chunk of a document; returns how many. DocumentIdError when unknown."""
        doc_id = check_doc_id(doc_id)
        with self._write_lock:
            ids = list(self.store.get({"doc_id": doc_id}))
            if not ids:
                known = [d.doc_id for d in self.documents()]
                from difflib import get_close_matches

                near = get_close_matches(doc_id, known, n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(near)}?" if near else ""
                raise DocumentIdError(
                    f"No document '{doc_id}' in the knowledge base.{hint} "
                    "See 'market-assistant kb list'."
                )
            self.store.delete(ids)
            self.sources.remove(doc_id)
        return len(ids)

    def rebuild(self, progress: Progress | None = None) -> IngestReport:
        """Drop the collection and re-create it with the current embedder: the bundled corpus,
        then every ingested file that still exists (missing ones are reported failed).

        The files come from the list kept beside the store and from the store itself (when it
        can be read); when no list exists, the files kept in the data directory's ``uploads``
        folder are read too.
        """
        with self._write_lock:
            user = self._user_files()
            self.store.drop()
            self.store.collection()
            report = self._ensure_corpus(force=True) or IngestReport()
            present = list(dict.fromkeys(p for p in user.values() if Path(p).is_file()))
            gone = [d for d, p in user.items() if p not in present]
            report.failed.extend(
                (user[d], "the source file no longer exists; ingest it again from its new location")
                for d in gone
            )
            self.sources.remove(*gone)
            return self.ingestor.ingest_paths(present, "user", progress, report)

    def _user_files(self) -> dict[str, str]:
        """doc id -> path of every document ingested from a file: from the list kept beside the
        store, from the store itself when it can be read, and, when the list is missing (a
        store older than the list, or the list lost), from the uploads folder."""
        files = self.sources.read()
        try:
            files = {
                **{d.doc_id: d.path for d in self.documents() if d.origin == "user" and d.path},
                **files,
            }
        except Exception:  # noqa: BLE001 - a store Chroma cannot read is what rebuild repairs
            pass
        uploads = self.home / UPLOADS if self.home is not None else None
        if not self.sources.exists() and uploads is not None and uploads.is_dir():
            known = set(files.values())
            found = sorted(str(p) for p in uploads.rglob("*") if p.is_file())
            files.update({f"upload-{n}": p for n, p in enumerate(found) if p not in known})
        return files

    def ensure_corpus(self) -> IngestReport | None:
        """Ingest the bundled corpus if this store has not seen its current version; None when
        there was nothing to do. Bundled notes no longer shipped are removed."""
        with self._write_lock:
            return self._ensure_corpus()

    def _ensure_corpus(self, force: bool = False) -> IngestReport | None:
        if self.corpus_dir is None or self.store.read_only:
            return None
        signature = corpus_signature(self.corpus_dir)
        if not force and self.store.metadata().get("corpus_sha") == signature:
            return None
        report = IngestReport()
        names = set()
        # The shipped vectors of the bundled notes (knowledge/prebuilt.py); others are embedded.
        ingestor = Ingestor(
            self.store, prebuilt.embedder_for(self.embedder), self.ingestor.max_bytes
        )
        for path in sorted(self.corpus_dir.glob("*.md")):
            names.add(slug(path.stem))
            try:
                ingestor.ingest_document(load_file(path), "bundled", report, slug(path.stem))
            except KnowledgeError as exc:
                report.failed.append((str(path), str(exc)))
        stale = [
            d.doc_id for d in self.documents() if d.origin == "bundled" and d.doc_id not in names
        ]
        for doc_id in stale:
            self.store.delete(list(self.store.get({"doc_id": doc_id})))
        report.removed.extend(stale)
        if report.ok:
            self.store.set_metadata(corpus_sha=signature)
        return report

    # -- listing ------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Every stored document, sorted by origin then id."""
        docs: dict[str, dict] = {}
        counts: dict[str, int] = {}
        for meta in self.store.get().values():
            doc_id = str(meta.get("doc_id", ""))
            docs.setdefault(doc_id, meta)
            counts[doc_id] = counts.get(doc_id, 0) + 1
        infos = [
            DocumentInfo(
                doc_id=i,
                title=one_line(m.get("title", "")),
                source=one_line(m.get("source", "")),
                published=m.get("published") or None,
                chunks=counts[i],
                origin=str(m.get("origin", "user")),
                path=str(m.get("path", "")),
                assets=tuple(a for a in str(m.get("assets", "")).split(",") if a),
            )
            for i, m in docs.items()
        ]
        return sorted(infos, key=lambda d: (d.origin != "bundled", d.doc_id))

    def embedding_model(self) -> str | None:
        """The model the collection was built with."""
        return self.store.metadata().get("embedding_model")


def corpus_signature(folder: Path) -> str:
    """A digest of the corpus files' names and contents and of the ingestion version."""
    digest = hashlib.sha256(INGEST_VERSION.encode())
    for path in sorted(folder.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _check_search(query, k, assets, since):
    """Validated (query, k, asset keys, since date); KnowledgeError says what is valid."""
    # Control characters carry no meaning for a search; a query made only of them is empty.
    query = " ".join(
        "".join(ch for ch in str(query or "") if ch.isprintable() or ch.isspace()).split()
    )
    if not query:
        raise KnowledgeError("The search query is empty; ask a question or give some key words.")
    if len(query) > MAX_QUERY_CHARS:
        raise KnowledgeError(
            f"The search query is {len(query)} characters; keep it under {MAX_QUERY_CHARS}."
        )
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise KnowledgeError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}.")
    keys = [assets] if isinstance(assets, str) else list(assets or [])
    if isinstance(since, str):
        try:
            since = dt.date.fromisoformat(since.strip())
        except ValueError:
            raise KnowledgeError(
                f"Bad since date {since[:30]!r}; use YYYY-MM-DD, e.g. 2026-01-01."
            ) from None
    if isinstance(since, dt.datetime):
        since = since.date()
    return query, k, keys, since


_shared: list = []
_shared_lock = threading.Lock()


def default_embedder(cache_dir: Path | None = None):
    """The offline MiniLM embedder, one per process (its model loads on first use).

    ``cache_dir`` (the first caller's) keeps the model-file hash check across processes.
    """
    from knowledge.embeddings import MiniLMEmbedder

    with _shared_lock:
        if not _shared:
            _shared.append(MiniLMEmbedder(cache_dir=cache_dir))
        return _shared[0]


def open_knowledge_base(
    home: Path | str,
    chroma_host: str | None = None,
    chroma_port: int | None = None,
    embedder=None,
    *,
    auto_ingest: bool = True,
    check_model: bool = True,
    corpus_dir: Path | None = BUNDLED_CORPUS,
    max_bytes: int = MAX_BYTES,
) -> KnowledgeBase:
    """Open (creating if needed) the knowledge base and ingest the bundled corpus once.

    Args:
        home: the data directory; the local store lives in ``home/chroma``.
        chroma_host, chroma_port: a Chroma server to use instead of the local folder
            (port 8000 when not given).
        embedder: defaults to the offline MiniLM model shared within the process.
        auto_ingest: ingest the bundled corpus when this store has not seen its version.
        check_model: raise ModelMismatchError when the store was built with another model
            (``kb rebuild`` opens with False).
        corpus_dir: the bundled corpus folder (None for none).
        max_bytes: the size limit for one file.

    Raises:
        StoreError: the server does not answer, or the folder cannot be created or read.
        ModelMismatchError: see ``check_model``.
    """
    from knowledge.store import ChromaStore

    home = Path(home).expanduser()
    if embedder is None:
        embedder = default_embedder(home if _is_dir(home) else None)
    path = None if chroma_host else home / "chroma"
    store = ChromaStore.open(path, chroma_host, chroma_port, embedder)
    if check_model:
        store.check_model()
    store.count()  # a store Chroma cannot read is reported now, naming the way out
    kb = KnowledgeBase(store, embedder, max_bytes, corpus_dir, home=home)
    if auto_ingest and (
        check_model or store.metadata().get("embedding_model") == embedder.model_id
    ):
        kb.ensure_corpus()
    return kb


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
