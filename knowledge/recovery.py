"""Rebuilding a knowledge base, also one that Chroma refuses to open or to read.

A store can break in ways no retry fixes: a write that Chroma accepted but cannot compact
("Error in compaction") makes every later read fail, and a damaged ``chroma.sqlite3`` cannot
be opened at all. Nothing in such a store can be read back, but everything in it came from
files: the bundled corpus and the files listed in ``knowledge-sources.json`` (or kept in the
``uploads`` folder). :func:`rebuild_knowledge_base` therefore opens the store if it can and,
if it cannot, sets the local folder aside under a dated name (a server's collection is dropped),
starts a fresh store and ingests everything again from disk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from knowledge.base import BUNDLED_CORPUS, KnowledgeBase, open_knowledge_base
from knowledge.errors import DamagedStoreError, ModelMismatchError, StoreError
from knowledge.ingest import IngestReport, Progress


@dataclass(frozen=True)
class Rebuilt:
    """A rebuilt knowledge base, what was ingested, and what was done to a broken store."""

    kb: KnowledgeBase
    report: IngestReport
    note: str | None = None  # e.g. "the store could not be read (...); it was set aside as ..."


def rebuild_knowledge_base(
    home: Path | str,
    chroma_host: str | None = None,
    chroma_port: int | None = None,
    embedder=None,
    *,
    corpus_dir: Path | None = BUNDLED_CORPUS,
    progress: Progress | None = None,
) -> Rebuilt:
    """Re-create the store with the current embedder, from the documents on disk.

    Raises:
        StoreError: the store cannot be reached or written (server down, read-only folder):
            a condition to fix first, not a broken store.
    """
    home = Path(home).expanduser()
    options = {"auto_ingest": False, "check_model": False, "corpus_dir": corpus_dir}
    note = None
    problem = ""
    try:
        kb = open_knowledge_base(home, chroma_host, chroma_port, embedder, **options)
    except DamagedStoreError as exc:
        problem = _cause(exc)
        kb = None
    except (StoreError, ModelMismatchError):
        raise
    except Exception as exc:  # noqa: BLE001 - Chroma's own errors for a store it cannot open
        problem = _cause(exc)
        kb = None
    if kb is None:
        note = _reset(home, chroma_host, chroma_port, embedder, problem)
        kb = open_knowledge_base(home, chroma_host, chroma_port, embedder, **options)
    return Rebuilt(kb, kb.rebuild(progress), note)


def _reset(home: Path, host: str | None, port: int | None, embedder, problem: str) -> str:
    """Empty a store that cannot be read: drop its collection, or, when even that fails, set
    the local folder aside. Returns what was done, in words."""
    from knowledge.store import ChromaStore, forget_local_client

    if embedder is None:
        from knowledge.base import default_embedder

        embedder = default_embedder()
    try:
        ChromaStore.connect(None if host else home / "chroma", host, port, embedder).drop()
        return f"the store could not be read ({problem}); its collection was dropped"
    except DamagedStoreError:
        if host:
            raise
    except StoreError:
        raise
    except Exception:  # noqa: BLE001 - the folder itself is unusable: keep it, start afresh
        if host:
            raise
    forget_local_client(home / "chroma")  # its files are about to move
    aside = _set_aside(home / "chroma")
    return f"the store could not be read ({problem}); it was set aside as {aside}"


def _cause(exc: BaseException) -> str:
    """The underlying error of ``exc`` in a few words."""
    root = exc.__cause__ or exc
    return f"{type(root).__name__}: {' '.join(str(root).split())[:100]}"


def _set_aside(folder: Path) -> Path:
    """Rename ``folder`` to ``folder.broken-YYYYMMDD-HHMMSS`` (with -2, -3... if taken)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 100):
        target = folder.with_name(f"{folder.name}.broken-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not target.exists():
            try:
                folder.rename(target)
            except OSError as exc:
                raise StoreError(
                    f"Cannot set the broken knowledge store {folder} aside ({exc.strerror}); "
                    "move or delete it by hand, then run 'market-assistant kb rebuild' again."
                ) from exc
            return target
    raise StoreError(f"Too many broken copies beside {folder}; delete the old ones and retry.")
