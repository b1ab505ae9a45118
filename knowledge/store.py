"""The Chroma collection that holds the chunks: the only module that touches chromadb.

A ``PersistentClient`` in a local folder by default, or an ``HttpClient`` to a shared Chroma
server. Vectors are always computed by our embedder and handed to Chroma, and the collection is
created with that embedder as its embedding function, so Chroma never loads its own default
model (which would try to download weights). Failures of the store (server down, read-only
folder) become ``StoreError`` with a one-line hint.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import DamagedStoreError, ModelMismatchError, StoreError

COLLECTION = "commentary"
DEFAULT_PORT = 8000
_PAGE = 1000  # rows per get() page when scanning the whole collection


@dataclass(frozen=True)
class Row:
    """One stored chunk as returned by a query."""

    id: str
    text: str
    metadata: dict
    distance: float
    vector: list[float] | None


@contextlib.contextmanager
def guard(location: str, action: str) -> Iterator[None]:
    """Turn Chroma's connection and permission failures into a StoreError with a hint."""
    try:
        yield
    except (StoreError, ModelMismatchError):
        raise
    except Exception as exc:  # noqa: BLE001 - classified below; anything else re-raised
        hint = _classify(exc, location)
        if hint is None and action in ("open", "read", "search") and _from_chroma(exc):
            detail = " ".join(str(exc).split())[:120]
            raise DamagedStoreError(
                f"The knowledge store at {location} cannot be read ({type(exc).__name__}: "
                f"{detail}); run 'market-assistant kb rebuild' to rebuild it from the documents "
                "on disk."
            ) from exc
        if hint is None:
            raise
        raise StoreError(f"Cannot {action} the knowledge store at {location}: {hint}") from exc


def _from_chroma(exc: Exception) -> bool:
    return type(exc).__module__.split(".")[0] == "chromadb"


def _classify(exc: Exception, location: str) -> str | None:
    text = f"{type(exc).__name__}: {exc}".lower()
    if location.startswith("http") and any(
        s in text
        for s in (
            "could not connect",
            "connect",
            "timed out",
            "timeout",
            "refused",
            "unreachable",
            "name or service",
            "remoteprotocol",
            "readerror",
        )
    ):
        return (
            "the Chroma server does not answer; check that it is running and that "
            "CHROMA_HOST and CHROMA_PORT point at it, or unset them to use the local store"
        )
    if isinstance(exc, PermissionError) or any(
        s in text
        for s in (
            "readonly",
            "read-only",
            "permission denied",
            "operation not permitted",
            "unable to open database",
            "code: 14",
            "code: 8",
        )
    ):
        return (
            "the folder is not writable; fix its permissions or set MARKET_ASSISTANT_HOME "
            "to a writable folder"
        )
    if "not a directory" in text or "file exists" in text:
        return (
            "a file stands where the store's folder should be; set MARKET_ASSISTANT_HOME to a "
            "folder"
        )
    if "disk i/o" in text or "no space" in text:
        return "the disk is full or failing; free some space and retry"
    return None


def _settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def _register(embedder) -> None:
    """Let Chroma rebuild our embedding function by name from a stored configuration."""
    from chromadb.utils.embedding_functions import register_embedding_function

    with contextlib.suppress(ValueError):
        register_embedding_function(type(embedder))


class ChromaStore:
    """One collection of chunks plus its metadata (embedding model, corpus signature)."""

    def __init__(self, client, location: str, embedder, name: str = COLLECTION):
        self.client = client
        self.location = location
        self.embedder = embedder
        self.name = name
        self.read_only = False
        self._collection = None

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(
        cls, path: Path | None, host: str | None, port: int | None, embedder, name: str = COLLECTION
    ) -> ChromaStore:
        """Connect (server when ``host`` is given, else the folder ``path``) and open the
        collection."""
        store = cls.connect(path, host, port, embedder, name)
        store.collection()
        return store

    @classmethod
    def connect(
        cls, path: Path | None, host: str | None, port: int | None, embedder, name: str = COLLECTION
    ) -> ChromaStore:
        """The client only; the collection opens on first use.

        A local folder that cannot be written (a read-only mount, an immutable folder) is
        opened through a private copy, because SQLite cannot open a database read-only in a
        folder where it cannot create its journal: searching and listing work, and every
        change is refused with a message saying why.
        """
        import chromadb

        _register(embedder)
        if host:
            location = f"http://{host}:{port or DEFAULT_PORT}"
            with guard(location, "connect to"):
                client = chromadb.HttpClient(
                    host=host, port=int(port or DEFAULT_PORT), settings=_settings()
                )
            return cls(client, location, embedder, name)
        assert path is not None, "a local store needs a folder"
        read_only = not _writable(path)
        opened = _snapshot(path) if read_only and (path / "chroma.sqlite3").is_file() else path
        with guard(str(path), "open"):
            client = chromadb.PersistentClient(path=str(opened), settings=_settings())
        store = cls(client, str(path), embedder, name)
        store.read_only = read_only
        return store

    def collection(self):
        """The collection, created on first use with the embedder's name and model recorded."""
        if self._collection is None:
            from chromadb.errors import NotFoundError

            with guard(self.location, "open"):
                try:
                    self._collection = self.client.get_collection(
                        self.name, embedding_function=None
                    )
                except NotFoundError:
                    self._collection = self._create()
        return self._collection

    def _create(self):
        if self.read_only:
            raise StoreError(
                f"Cannot create the knowledge store at {self.location}: the folder is "
                "not writable; fix its permissions or set MARKET_ASSISTANT_HOME to a "
                "writable folder"
            )
        meta = {
            "embedding_model": self.embedder.model_id,
            "embedding_dimensions": int(self.embedder.dimensions),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        return self.client.get_or_create_collection(
            self.name, metadata=meta, embedding_function=self.embedder
        )

    def check_model(self) -> None:
        """ModelMismatchError when the collection was built with another embedding model."""
        built_with = self.metadata().get("embedding_model")
        if built_with and built_with != self.embedder.model_id:
            raise ModelMismatchError(
                f"The knowledge base at {self.location} was built with the embedding model "
                f"'{built_with}', but '{self.embedder.model_id}' is in use; run "
                "'market-assistant kb rebuild' to re-embed it with the current model."
            )

    # -- collection metadata -------------------------------------------------------------------
    def metadata(self) -> dict:
        return dict(self.collection().metadata or {})

    def set_metadata(self, **values) -> None:
        self.require_writable()
        meta = {**self.metadata(), **values}
        with guard(self.location, "update"):
            self.collection().modify(metadata=meta)

    def require_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"Cannot change the knowledge store at {self.location}: the folder is "
                "read-only; fix its permissions or set MARKET_ASSISTANT_HOME to a "
                "writable folder. Searching still works."
            )

    # -- rows ---------------------------------------------------------------------------------
    def count(self) -> int:
        with guard(self.location, "read"):
            return self.collection().count()

    def upsert(self, ids: list[str], vectors, texts: list[str], metadatas: list[dict]) -> None:
        self.require_writable()
        with guard(self.location, "write to"):
            for start in range(0, len(ids), _PAGE):
                end = start + _PAGE
                self.collection().upsert(
                    ids=ids[start:end],
                    embeddings=vectors[start:end],
                    documents=texts[start:end],
                    metadatas=metadatas[start:end],
                )

    def rows(self, ids: list[str]) -> tuple[list[str], list, list[str], list[dict]]:
        """(ids, vectors, texts, metadatas) of the chunks ``ids``, in one order."""
        with guard(self.location, "read"):
            got = self.collection().get(ids=ids, include=["embeddings", "documents", "metadatas"])
        return list(got["ids"]), list(got["embeddings"]), list(got["documents"]), got["metadatas"]

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        self.require_writable()
        with guard(self.location, "write to"):
            for start in range(0, len(ids), _PAGE):
                self.collection().delete(ids=ids[start : start + _PAGE])

    def get(self, where: dict | None = None) -> dict[str, dict]:
        """Chunk id -> metadata for the rows matching ``where`` (all rows without it)."""
        out: dict[str, dict] = {}
        with guard(self.location, "read"):
            offset = 0
            while True:
                page = self.collection().get(
                    where=where, include=["metadatas"], limit=_PAGE, offset=offset
                )
                out.update(zip(page["ids"], page["metadatas"], strict=True))
                if len(page["ids"]) < _PAGE:
                    return out
                offset += _PAGE

    def texts(self, where: dict) -> list[tuple[str, dict]]:
        """(text, metadata) of every row matching ``where`` (one document's passages)."""
        with guard(self.location, "read"):
            page = self.collection().get(where=where, include=["documents", "metadatas"])
        return list(zip(page["documents"] or [], page["metadatas"] or [], strict=True))

    def query(self, vector, n: int, where: dict | None = None) -> list[Row]:
        """The ``n`` nearest chunks to ``vector`` (cosine distance), with their vectors."""
        with guard(self.location, "search"):
            res = self.collection().query(
                query_embeddings=[list(map(float, vector))],
                n_results=n,
                where=where,
                include=["documents", "metadatas", "distances", "embeddings"],
            )
        vectors = res.get("embeddings")
        return [
            Row(
                id=i,
                text=t or "",
                metadata=m or {},
                distance=float(d),
                vector=None if vectors is None else vectors[0][j],
            )
            for j, (i, t, m, d) in enumerate(
                zip(
                    res["ids"][0],
                    res["documents"][0],
                    res["metadatas"][0],
                    res["distances"][0],
                    strict=True,
                )
            )
        ]

    def drop(self) -> None:
        """Delete the whole collection (for a rebuild); the next use creates it afresh."""
        self.require_writable()
        from chromadb.errors import NotFoundError

        with guard(self.location, "reset"):
            with contextlib.suppress(NotFoundError, ValueError):
                self.client.delete_collection(self.name)
        self._collection = None


def _writable(path: Path) -> bool:
    """Whether files can be created in ``path`` (made if missing); a real write, not os.access,
    because permission bits say nothing for root or for immutable and read-only mounts."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        os.unlink(probe)
        return True
    except OSError:
        return False


def _snapshot(path: Path) -> Path:
    """A private, writable copy of the store folder ``path``, removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="market-assistant-store-"))
    atexit.register(shutil.rmtree, copy, True)
    with guard(str(path), "read"):
        shutil.copytree(path, copy / "chroma")
    return copy / "chroma"


def forget_local_client(path: Path) -> None:
    """Drop this process's cached Chroma client of the folder ``path`` (Chroma keeps one per
    folder and hands it to every later opener), so that the next open reads the folder afresh:
    needed after the folder was damaged, replaced or set aside while this process had it open."""
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(path)
    system = SharedSystemClient._identifier_to_system.pop(key, None)
    SharedSystemClient._identifier_to_refcount.pop(key, None)
    if system is not None:
        with contextlib.suppress(Exception):
            system.stop()
