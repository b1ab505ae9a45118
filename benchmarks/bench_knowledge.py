"""Knowledge-base benchmarks: embedding throughput, warm search at 5,000 chunks, cold first
search (in a fresh interpreter) and ingesting the bundled corpus, each beside a baseline
measured in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.harness import Row, measure

QUERIES = [
    "why is silver rising?",
    "does bitcoin follow gold with a lag?",
    "what do record highs mean",
    "dollar strength and commodity prices",
    "halving cycles and liquidity",
    "gold and real yields",
    "safe havens in a crash",
    "solar demand for silver",
    "gold silver ratio extremes",
    "is a lagged correlation meaningful",
]


def _corpus_chunks() -> list[str]:
    from knowledge.base import BUNDLED_CORPUS
    from knowledge.ingest import chunk_records
    from knowledge.loaders import load_file

    texts: list[str] = []
    for path in sorted(BUNDLED_CORPUS.glob("*.md")):
        doc = load_file(path)
        texts.extend(chunk_records(doc, "d", "bundled", "m")[2])
    return texts


def embedding_rows(model) -> list[Row]:
    chunks = _corpus_chunks()
    short = [" ".join(c.split()[:18]) for c in chunks]  # paragraph-openers of about 25 tokens
    tokenizer = model.load()._tokenizer
    rows = []
    for label, texts in (("corpus chunks", chunks), ("short paragraphs", short)):
        seconds = measure(lambda t=texts: model.embed(t), repeat=3)
        base = measure(lambda t=texts: tokenizer.encode_batch(t), repeat=3)
        tokens = np.mean([len(e.ids) for e in tokenizer.encode_batch(texts)])
        rows.append(
            Row(
                name=f"embed {len(texts)} {label}",
                seconds=seconds,
                baseline="tokenisation only",
                baseline_seconds=base,
                budget_seconds=len(texts) / 200,
                note=f"{len(texts) / seconds:.0f} chunks/s (budget >= 200/s), "
                f"mean {tokens:.0f} tokens per text",
            )
        )
    return rows


def _fill(kb, model, n: int) -> np.ndarray:
    """``n`` chunks whose vectors scatter around the real corpus vectors (a 5,000-chunk library
    would take minutes to embed; the search cost depends on the count, not on the origin)."""
    chunks = _corpus_chunks()
    base = model.embed(chunks)
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(base), n)
    vectors = base[picks] + rng.normal(0, 0.035, (n, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"synthetic-{i // 8}:{i % 8}:{i:06d}" for i in range(n)]
    metas = [
        {
            "doc_id": f"synthetic-{i // 8}",
            "title": f"Synthetic {i // 8}",
            "source": "benchmark",
            "position": i % 8,
            "assets": "silver",
            "asset_silver": True,
        }
        for i in range(n)
    ]
    kb.store.upsert(ids, vectors, [chunks[p] for p in picks], metas)
    return vectors


def search_row(model, n: int = 5000) -> Row:
    from knowledge.base import open_knowledge_base

    kb = open_knowledge_base(
        Path(tempfile.mkdtemp(prefix="bench-kb-")), embedder=model, corpus_dir=None
    )
    matrix = _fill(kb, model, n)
    kb.search(QUERIES[0])
    times, base = [], []
    for _ in range(3):
        for q in QUERIES:
            t0 = time.perf_counter()
            kb.search(q, k=4)
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            vec = model.embed([q])[0]
            np.argsort(-(matrix @ vec))[:20]
            base.append(time.perf_counter() - t0)
    return Row(
        name=f"warm search, {kb.count():,} chunks (p50)",
        seconds=statistics.median(times),
        baseline="embed + numpy brute-force cosine",
        baseline_seconds=statistics.median(base),
        budget_seconds=0.030,
        note=f"p90 {np.percentile(times, 90) * 1000:.1f} ms; search = embed query + Chroma "
        "HNSW top-20 + MMR over 4",
    )


def cold_row() -> Row:
    from knowledge.base import open_knowledge_base

    home = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    open_knowledge_base(home)  # ingest once, so the timed run only loads and searches
    code = (
        "from knowledge.base import open_knowledge_base; "
        f"kb = open_knowledge_base({str(home)!r}); kb.search('why is silver rising?')"
    )
    cold = _subprocess_seconds(code)
    bare = _subprocess_seconds("pass")
    return Row(
        name="cold first search (new process, model load)",
        seconds=cold,
        baseline="python -c pass",
        baseline_seconds=bare,
        budget_seconds=2.0,
        note="wall time of the whole process: interpreter, imports, store, model, search",
    )


def _subprocess_seconds(code: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def ingest_row(model) -> Row:
    from knowledge.base import BUNDLED_CORPUS, open_knowledge_base
    from knowledge.chunking import chunk_text
    from knowledge.loaders import load_file

    def ingest():
        kb = open_knowledge_base(Path(tempfile.mkdtemp(prefix="bench-ingest-")), embedder=model)
        assert kb.count() > 0

    def read_and_chunk():
        for path in BUNDLED_CORPUS.glob("*.md"):
            chunk_text(load_file(path).text)

    n = len(list(BUNDLED_CORPUS.glob("*.md")))
    return Row(
        name=f"ingest bundled corpus ({n} notes)",
        seconds=measure(ingest, repeat=3),
        baseline="load + chunk only",
        baseline_seconds=measure(read_and_chunk, repeat=3),
        budget_seconds=5.0,
        note="fresh store each time; model already loaded",
    )


def run() -> list[Row]:
    from knowledge.embeddings import MiniLMEmbedder

    model = MiniLMEmbedder().load()
    old_tmp = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as scratch:
        tempfile.tempdir = scratch  # every store made below lives, and dies, in here
        try:
            return [*embedding_rows(model), search_row(model), cold_row(), ingest_row(model)]
        finally:
            tempfile.tempdir = old_tmp
