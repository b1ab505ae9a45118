"""Load: many conversations at once on one Assistant, while prices refresh and documents arrive.

Twenty conversations share one offline Assistant (one Market and price cache, one knowledge
base, one in-memory checkpointer). One thread keeps refreshing prices through the yfinance seam
(faked), so the cache is rewritten under the readers; another keeps ingesting new documents into
the same knowledge base. Every answer must be error-free and fully grounded, and a follow-up
("and over 3 months?") must stay on its own conversation's asset. Afterwards the cache and the
store are reopened and checked. The test ends with the check of ``docs/reliability.md``.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

import pytest
from reliability_support import (
    REPORT,
    WRITE_REPORT,
    LoadFigures,
    recorded_load_section,
    report_text,
    seeded_home,
    today,
)

CONVERSATIONS = 20
DEFAULT_SECONDS = 60
CI_SECONDS = 15
ENV_SECONDS = "MARKET_ASSISTANT_LOAD_SECONDS"
ASSETS = (
    "silver",
    "gold",
    "bitcoin",
    "ethereum",
    "sp500",
    "nasdaq",
    "dxy",
    "copper",
    "crude",
    "platinum",
    "us10y",
)
_measured: list[LoadFigures] = []


def duration() -> float:
    if os.environ.get(ENV_SECONDS):
        return float(os.environ[ENV_SECONDS])
    return CI_SECONDS if os.environ.get("CI") == "true" else DEFAULT_SECONDS


def run_workers(workers: list, stop, seconds: float, join_s: float) -> tuple[float, bool]:
    """Start the workers, let them run for ``seconds``, stop them and wait up to ``join_s``
    each: (wall seconds, whether one is still running, i.e. hung)."""
    started = time.perf_counter()
    for t in workers:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in workers:
        t.join(join_s)
    return time.perf_counter() - started, any(t.is_alive() for t in workers)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_twenty_conversations_with_refresh_and_ingestion(isolated_home, monkeypatch, tmp_path):
    """20 concurrent conversations, a refresher and an ingester: no error, no crossed memory, every
    answer grounded."""
    from test_knowledge_support import embedder
    from yf_fakes import FakeYahoo, install

    from assistant.agent import Assistant
    from assistant.config import Settings
    from knowledge.base import open_knowledge_base
    from tools import assets, demo
    from tools.cache import PriceCache
    from tools.data import AutoSource, Market, YahooSource

    # Yahoo serves the demo histories, so refreshes rewrite real-sized cache files.
    histories = {assets.get(k).symbol: demo.history(assets.get(k)) for k in ASSETS}
    install(monkeypatch, FakeYahoo(histories))
    market = Market(AutoSource(YahooSource(isolated_home)))
    kb = open_knowledge_base(seeded_home(isolated_home), embedder=embedder())
    assistant = Assistant(
        Settings(data="auto", home=isolated_home), market=market, knowledge=lambda: kb
    )
    for key in ASSETS:  # warm: the first fill of the cache is not what is measured
        market.series(key)
    assistant.ask("How much is silver?")

    seconds = duration()
    stop = threading.Event()
    errors: list[str] = []
    latencies: list[float] = []
    counts = {"refresh": 0, "ingest": 0}
    ingested: list[str] = []
    lock = threading.Lock()

    def fail(text: str) -> None:
        with lock:
            errors.append(text)
        stop.set()

    def conversation(n: int) -> None:
        key = ASSETS[n % len(ASSETS)]
        name = assets.get(key).name
        round_ = 0
        while not stop.is_set():
            thread_id = f"conv-{n}-{round_}"
            for question, horizon in ((f"How much is {name}?", None), ("and over 3 months?", "3m")):
                started = time.perf_counter()
                try:
                    reply = assistant.ask(question, thread_id)
                except Exception as exc:  # noqa: BLE001 - reported by the main thread
                    return fail(f"{thread_id}: {type(exc).__name__}: {exc}")
                elapsed = time.perf_counter() - started
                if reply.error:
                    return fail(f"{thread_id} {question!r}: {reply.error}")
                if not reply.grounding.ok:
                    return fail(
                        f"{thread_id} {question!r}: ungrounded {reply.grounding.ungrounded}"
                    )
                asked = {c["args"].get("asset") for c in reply.tool_calls}
                if asked != {key}:
                    return fail(f"{thread_id} {question!r}: asked about {asked}, not {key}")
                if name not in reply.answer or (
                    horizon and "3m" not in reply.answer and "3 months" not in reply.answer
                ):
                    return fail(
                        f"{thread_id} {question!r}: answer is not about {name}:"
                        f" {reply.answer[:120]}"
                    )
                with lock:
                    latencies.append(elapsed)
            round_ += 1

    def refresher() -> None:
        i = 0
        while not stop.is_set():
            try:
                series = market.series(ASSETS[i % len(ASSETS)], refresh=True)
                assert not series.provenance.stale
            except Exception as exc:  # noqa: BLE001
                return fail(f"refresh: {type(exc).__name__}: {exc}")
            counts["refresh"] += 1
            i += 1
            time.sleep(0.05)

    def ingester() -> None:
        folder = tmp_path / "incoming"
        folder.mkdir()
        i = 0
        while not stop.is_set():
            path = folder / f"load-note-{i:04d}.md"
            path.write_text(
                f"# Load note {i}\n\nCopper and crude oil respond to factory orders ({i}).\n\n"
                + "Shipping rates and inventories matter too. " * 20
            )
            try:
                report = kb.ingest([path])
            except Exception as exc:  # noqa: BLE001
                return fail(f"ingest: {type(exc).__name__}: {exc}")
            if report.failed:
                return fail(f"ingest: {report.failed}")
            ingested.extend(report.added)
            counts["ingest"] += 1
            i += 1
            time.sleep(0.2)

    threads = [threading.Thread(target=conversation, args=(n,)) for n in range(CONVERSATIONS)]
    threads += [threading.Thread(target=refresher), threading.Thread(target=ingester)]
    wall, hung = run_workers(threads, stop, seconds, 120)
    assert not hung, "a worker hung"
    assert not errors, errors[:3]
    assert counts["refresh"] > 0 and counts["ingest"] > 0 and len(latencies) >= CONVERSATIONS * 2

    # nothing lost: every cached series reads back whole; every ingested note is whole and
    # searchable
    cache = PriceCache(isolated_home / "prices")
    for key in ASSETS:
        entry = cache.read(assets.get(key).symbol)
        assert entry is not None and len(entry.frame) == len(histories[assets.get(key).symbol])
    reopened = open_knowledge_base(isolated_home, embedder=embedder())
    docs = {d.doc_id: d.chunks for d in reopened.documents()}
    assert set(ingested) <= set(docs)
    for meta in reopened.store.get({"origin": "user"}).values():
        assert docs[meta["doc_id"]] == meta["n_chunks"]

    figures = LoadFigures(
        measured_on=today(),
        seconds=wall,
        conversations=CONVERSATIONS,
        answers=len(latencies),
        throughput=len(latencies) / wall,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        refreshes=counts["refresh"],
        ingests=counts["ingest"],
        errors=len(errors),
    )
    _measured.append(figures)
    print("\n" + "\n".join(figures.lines()))


def test_reliability_report_is_current():
    """docs/reliability.md matches the suites' case tables and records measured load figures."""
    current = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    if os.environ.get(WRITE_REPORT) == "1":
        section = "\n".join(_measured[-1].lines()) if _measured else recorded_load_section(current)
        assert section, "run the load test in the same session to measure its figures"
        REPORT.write_text(report_text(section), encoding="utf-8")
        return
    section = recorded_load_section(current)
    assert section, f"docs/reliability.md has no measured load figures; run with {WRITE_REPORT}=1"
    assert (
        "answers/s" in section
        and "p50" in section
        and "p95" in section
        and "Measured on 20" in section
    )
    expected = report_text(section)
    assert current == expected, (
        f"docs/reliability.md is out of date; regenerate it with {WRITE_REPORT}=1 "
        "(see the top of the file)"
    )
