"""The bundled corpus's embeddings, computed once when the package is built.

Embedding the bundled notes is most of the work of a first start (about 1.5 s of a 2-core
machine). ``python -m knowledge.prebuilt`` embeds every chunk of ``knowledge/corpus`` with the
offline model and writes ``knowledge/corpus_vectors.npz``: one vector per chunk, keyed by a
SHA-256 of the embedder's identity (model id, its pinned file hash, the token limit) and the exact
text that is embedded. When a store ingests the bundled notes it embeds them through
:class:`PrebuiltEmbedder`, which takes the stored vector for a text whose key is in the file and
embeds any other text live. A changed note, chunking rule or model gives other keys, so a stale
vector can never be used; ``tests/test_app_prebuilt.py`` fails until the file is regenerated.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from knowledge.ingest import chunk_records, slug
from knowledge.loaders import load_file

CORPUS = Path(__file__).resolve().parent / "corpus"
VECTORS = Path(__file__).resolve().parent / "corpus_vectors.npz"
FORMAT = 1


def identity(embedder) -> str:
    """What decides an embedder's vectors: its model id, pinned model file and settings."""
    from knowledge.embeddings import MODEL_SHA256, MiniLMEmbedder

    config = embedder.get_config() if hasattr(embedder, "get_config") else {}
    parts = {"model_id": embedder.model_id, "config": config}
    if isinstance(embedder, MiniLMEmbedder):
        parts["model_sha256"] = MODEL_SHA256
    return json.dumps(parts, sort_keys=True)


def text_key(ident: str, text: str) -> str:
    return hashlib.sha256(f"{ident}\x1f{text}".encode()).hexdigest()


def corpus_texts(corpus: Path = CORPUS, model_id: str = "") -> Iterator[str]:
    """Every text that ingesting the bundled corpus embeds, in file and chunk order."""
    for path in sorted(corpus.glob("*.md")):
        yield from chunk_records(load_file(path), slug(path.stem), "bundled", model_id)[2]


def build(embedder=None, corpus: Path = CORPUS, path: Path = VECTORS) -> int:
    """Embed the corpus and write the vectors file; returns the number of vectors."""
    if embedder is None:
        from knowledge.embeddings import MiniLMEmbedder

        embedder = MiniLMEmbedder()
    ident = identity(embedder)
    texts = list(dict.fromkeys(corpus_texts(corpus, embedder.model_id)))
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    meta = {"format": FORMAT, "identity": ident, "count": len(texts)}
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(
        tmp,
        keys=np.asarray([text_key(ident, t) for t in texts]),
        vectors=vectors,
        meta=np.asarray(json.dumps(meta, sort_keys=True)),
    )
    tmp.replace(path)
    return len(texts)


def load(embedder, path: Path = VECTORS) -> dict[str, np.ndarray]:
    """The stored vectors by key when they were made by this embedder; else an empty dict."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT or meta.get("identity") != identity(embedder):
                return {}
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, KeyError, ValueError):
        return {}
    if vectors.ndim != 2 or len(keys) != len(vectors):
        return {}
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


class PrebuiltEmbedder:
    """An embedder that answers from the prebuilt vectors and embeds only what they lack.

    The wrapped model is not even loaded when every text is found.
    """

    def __init__(self, embedder, vectors: dict[str, np.ndarray]):
        self.embedder = embedder
        self.model_id = embedder.model_id
        self.vectors = vectors
        self.ident = identity(embedder)
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(self.ident, str(t)) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self.vectors]
        live = self.embedder.embed([texts[i] for i in missing]) if missing else None
        dims = live.shape[1] if live is not None else self._dims()
        out = np.empty((len(texts), dims), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in self.vectors:
                out[i] = self.vectors[key]
        if live is not None:
            out[missing] = live
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        return out

    def _dims(self) -> int:
        return len(next(iter(self.vectors.values()))) if self.vectors else 0


def embedder_for(embedder, path: Path = VECTORS):
    """``embedder`` backed by the prebuilt vectors, or ``embedder`` itself when none fit."""
    vectors = load(embedder, path)
    return PrebuiltEmbedder(embedder, vectors) if vectors else embedder


if __name__ == "__main__":  # python -m knowledge.prebuilt
    count = build()
    print(f"wrote {count} vectors to {VECTORS}", file=sys.stderr)
