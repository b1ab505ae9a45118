"""Faults injected at the seams: Yahoo Finance, the model API, the Chroma server, a killed process.

Each test is one fault; the first line of its docstring is the stated outcome, which the test
asserts and ``docs/reliability.md`` lists. After every fault that could damage state, the
cache or the store is reopened and checked.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from openai_stub import StubOpenAI
from reliability_support import CANARY, error_lines, run_cli
from yf_fakes import FakeYahoo, business_days, install, price_frame, walk

from assistant.agent import Assistant
from assistant.config import Limits, Settings
from assistant.events import Failed
from knowledge.errors import StoreError
from tools import assets
from tools.cache import PriceCache
from tools.data import YahooSource

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


# -- Yahoo Finance ---------------------------------------------------------------------------------
def silver_history(end: str = "2026-01-23"):
    days = business_days("2025-01-01", end)
    return price_frame(days, walk(len(days), 30.0, seed=3))


def seed_cache(monkeypatch, home: Path) -> FakeYahoo:
    """A cache holding silver, filled by a successful fetch; returns the fake for scripting."""
    fake = install(monkeypatch, FakeYahoo({"SI=F": silver_history()}))
    YahooSource(home).history(assets.get("silver"))
    assert len(fake.calls) == 1
    return fake


@pytest.mark.timeout(60)
def test_fault_network_down_during_refresh(monkeypatch, isolated_home, capsys):
    """Fallback to cache: `data refresh` exits 1 naming the network; `data show` serves the cached
    bars marked stale."""
    fake = seed_cache(monkeypatch, isolated_home)
    fake.default = "dns"
    code, out, err = run_cli(capsys, "--data", "yfinance", "data", "refresh", "silver")
    assert code == 1 and "Refreshed 0 of 1" in out
    assert "could not be reached" in err and "showing cached data" in err and "Traceback" not in err
    code, out, err = run_cli(
        capsys, "--data", "yfinance", "data", "refresh", "silver"
    )  # still down: no crash
    assert code == 1
    # a later show (fresh process state) serves the cache within its freshness window without a call
    calls = len(fake.calls)
    code, out, _ = run_cli(capsys, "--data", "yfinance", "data", "show", "silver", "--json")
    info = json.loads(out)
    assert code == 0 and info["last_date"] == "2026-01-23" and len(fake.calls) == calls
    # once the cache is past its freshness window the failed fetch is reported as stale data
    stale = YahooSource(isolated_home, ttl_hours=0).history(assets.get("silver"))
    assert stale.provenance.stale and "could not be reached" in stale.provenance.notice
    assert stale.last_date.isoformat() == "2026-01-23"
    assert (
        PriceCache(isolated_home / "prices").read("SI=F").frame.equals(stale.frame)
    )  # cache intact


@pytest.mark.timeout(60)
def test_fault_network_down_with_no_cache(monkeypatch, isolated_home, capsys):
    """Clear error: no cache and no network names both and suggests --data demo; `auto` falls back
    to demo with a notice."""
    install(monkeypatch, FakeYahoo(default="dns"))
    code, out, err = run_cli(capsys, "--data", "yfinance", "data", "show", "silver")
    assert code == 2 and len(error_lines(err)) == 1
    assert "No cached data for Silver" in err and "--data demo" in err
    code, out, err = run_cli(capsys, "--data", "auto", "data", "show", "silver", "--json")
    info = json.loads(out)
    assert code == 0 and info["synthetic"] is True
    assert "unreachable" in info["provenance"]["notice"] and "demo" in info["provenance"]["notice"]
    assert not (isolated_home / "prices").exists() or not list(
        (isolated_home / "prices").glob("*.npz")
    )


@pytest.mark.timeout(60)
def test_fault_yahoo_returns_empty_frames(monkeypatch, isolated_home):
    """Cache kept: an empty frame on refresh keeps the cached bars (not stale); with no cache it is
    a clear error."""
    fake = seed_cache(monkeypatch, isolated_home)
    fake.default = "no_data"
    series = YahooSource(isolated_home).history(assets.get("silver"), refresh=True)
    assert not series.provenance.stale and series.last_date.isoformat() == "2026-01-23"
    from tools.errors import DataUnavailableError

    with pytest.raises(DataUnavailableError, match="no data"):
        YahooSource(isolated_home).history(assets.get("gold"))


@pytest.mark.timeout(60)
def test_fault_yahoo_rate_limit_then_success(monkeypatch, isolated_home):
    """Retry: two rate-limit errors (one raised, one logged) are retried with backoff and the third
    try succeeds."""
    fake = install(
        monkeypatch,
        FakeYahoo({"SI=F": silver_history()}, script=["rate_limit_raise", "rate_limit_log"]),
    )
    series = YahooSource(isolated_home, retry_wait=0.01).history(assets.get("silver"))
    assert len(fake.calls) == 3 and not series.provenance.stale and len(series.frame) > 200


@pytest.mark.timeout(60)
def test_fault_yahoo_rate_limited_throughout(monkeypatch, isolated_home):
    """Fallback to cache: when every retry is rate-limited the cached bars come back marked stale
    with the reason."""
    fake = seed_cache(monkeypatch, isolated_home)
    fake.default = "rate_limit_raise"
    series = YahooSource(isolated_home, retry_wait=0.01, retries=3).history(
        assets.get("silver"), refresh=True
    )
    assert series.provenance.stale and "rate-limiting" in series.provenance.notice
    assert len(fake.calls) == 1 + 3


# -- the model API (the real OpenAI client against a local stub server) ----------------------------
@pytest.fixture
def stub():
    with StubOpenAI() as server:
        yield server


def llm(stub: StubOpenAI, retries: int = 2, timeout: float = 5.0, **limits) -> Assistant:
    settings = Settings(
        data="demo",
        model="openai:gpt-test",
        openai_api_key=CANARY,
        openai_base_url=stub.base_url,
        limits=Limits(retries=retries, timeout_s=timeout, **limits),
    )
    return Assistant(settings)


@pytest.mark.timeout(60)
def test_fault_model_401(stub):
    """Clear error: a rejected key names OPENAI_API_KEY, is not retried, and the key is not
    echoed."""
    stub.push({"status": 401, "message": f"Incorrect API key provided: {CANARY}"})
    reply = llm(stub).ask("How much is silver?")
    assert reply.error_kind == "auth" and "OPENAI_API_KEY" in reply.error
    assert len(stub.requests) == 1 and CANARY not in json.dumps(reply.to_dict())


@pytest.mark.timeout(60)
def test_fault_model_429_retry_after_then_success(stub):
    """Retry: a 429 with Retry-After is retried after the stated wait and the turn then succeeds."""
    stub.push({"status": 429, "headers": {"Retry-After": "1"}}, {"text": "Hello from the model."})
    started = time.monotonic()
    reply = llm(stub).ask("hi")
    assert reply.error is None and reply.answer.strip() == "Hello from the model."
    assert len(stub.requests) == 2 and time.monotonic() - started >= 0.9  # the wait was honoured


@pytest.mark.timeout(60)
def test_fault_model_500(stub):
    """Retry, then clear error: 500s are retried (limit 2) and then reported as a model failure, no
    traceback."""
    stub.push(*[{"status": 500} for _ in range(3)])
    reply = llm(stub, retries=2).ask("hi")
    assert reply.error_kind == "model" and "500" in reply.error and "Traceback" not in reply.error
    assert len(stub.requests) == 3


@pytest.mark.timeout(60)
def test_fault_model_malformed_json(stub):
    """Clear error: a body that is not JSON becomes one sentence saying the response was
    malformed."""
    stub.push({"raw": '{"id": "x", "choices": [ this is not json'})
    reply = llm(stub, retries=0).ask("hi")
    assert (
        reply.error_kind == "model"
        and "malformed response" in reply.error
        and "switch models" in reply.error
    )
    assert "\n" not in reply.error and "Traceback" not in reply.error


@pytest.mark.timeout(60)
def test_fault_model_truncated_stream(stub):
    """Clear error: a stream cut off before its end keeps the partial text and says it was cut
    off."""
    stub.push(
        {"text": "Silver is a precious metal used in industry and jewellery.", "truncate": True}
    )
    events = list(llm(stub, retries=0).stream("hi"))
    reply = events[-1].reply
    assert reply.answer.startswith("Silver is a") and "jewellery" not in reply.answer
    assert reply.error_kind == "model" and "cut off" in reply.error and "\n" not in reply.error
    assert any(isinstance(e, Failed) for e in events)
    stub.push({"text": "Silver is a precious metal."})  # a whole stream is not flagged
    assert llm(stub, retries=0).ask("hi").error is None


@pytest.mark.timeout(60)
def test_fault_model_calls_a_tool_that_does_not_exist(stub):
    """Self-correction: a call to an unknown tool returns an error listing the real tools; the model
    then answers."""

    def answer(body: dict) -> dict:
        tool = [m for m in body["messages"] if m["role"] == "tool"][-1]["content"]
        assert "delete_everything" in tool and "get_price" in tool
        return {"text": "I cannot do that; I can only read prices and commentary."}

    stub.push({"tool_calls": [{"name": "delete_everything", "args": {"path": "/"}}]}, answer)
    reply = llm(stub).ask("delete all files")
    assert reply.error is None and "cannot do that" in reply.answer
    assert reply.tool_results and reply.tool_results[0]["error"]


@pytest.mark.timeout(60)
def test_fault_model_sends_invalid_tool_arguments(stub):
    """Self-correction: arguments of the wrong type come back as a tool error; the corrected call
    succeeds."""

    def correct(body: dict) -> dict:
        tool = [m for m in body["messages"] if m["role"] == "tool"][-1]["content"]
        assert "window" in tool
        return {
            "tool_calls": [{"name": "find_breakouts", "args": {"asset": "silver", "window": 252}}]
        }

    stub.push(
        {
            "tool_calls": [
                {"name": "find_breakouts", "args": {"asset": "silver", "window": "a lot"}}
            ]
        },
        correct,
        {"text": "Done."},
    )
    reply = llm(stub).ask("Is silver breaking out?")
    assert reply.error is None and [r["error"] for r in reply.tool_results] == [True, False]


@pytest.mark.timeout(60)
def test_fault_model_timeout(stub):
    """Clear error: a model that does not answer within the timeout is reported as a timeout after
    the retries."""
    stub.push({"delay": 3.0, "text": "too late"}, {"delay": 3.0, "text": "too late"})
    started = time.monotonic()
    reply = llm(stub, retries=1, timeout=0.5).ask("hi")
    assert reply.error_kind == "timeout" and "did not answer" in reply.error
    assert time.monotonic() - started < 20


# -- a Chroma server that goes away ----------------------------------------------------------------
def start_chroma(folder: Path) -> tuple[subprocess.Popen, int]:
    import urllib.request

    from test_knowledge_support import free_port

    exe = Path(sys.executable).parent / "chroma"
    if not exe.is_file():
        pytest.skip("the chroma command line is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("chroma run did not start")
            time.sleep(0.1)


@pytest.mark.timeout(120)
def test_fault_chroma_server_goes_away_mid_session(tmp_path, isolated_home):
    """Clear error naming the server for search and ingest; the assistant still answers price
    questions."""
    from test_knowledge_support import embedder

    from assistant.runtime import make_assistant
    from knowledge.base import open_knowledge_base

    proc, port = start_chroma(tmp_path / "server")
    try:
        settings = Settings(
            data="demo", home=isolated_home, chroma_host="127.0.0.1", chroma_port=port
        )
        kb = open_knowledge_base(isolated_home, "127.0.0.1", port, embedder=embedder())
        assistant = make_assistant(settings, knowledge=lambda: kb)
        before = assistant.ask("Why is silver rising?")
        assert before.sources and before.grounding.ok
    finally:
        proc.terminate()
        proc.wait(15)
    location = f"http://127.0.0.1:{port}"
    with pytest.raises(StoreError) as err:
        kb.search("why is silver rising?")
    assert location in str(err.value) and "CHROMA_HOST" in str(err.value)
    note = tmp_path / "note.md"
    note.write_text("# Copper\n\nCopper follows factory demand.\n")
    report = kb.ingest([note])
    assert report.failed and location in report.failed[0][1]
    # the same session goes on: data questions are answered, a commentary question explains the
    # outage
    price = assistant.ask("How much is gold?")
    assert price.error is None and price.grounding.ok and "Gold" in price.answer
    why = assistant.ask("Why is silver rising?")
    assert why.error is None and "does not answer" in json.dumps(
        [r["summary"] for r in why.tool_results]
    )
    assert "Traceback" not in why.answer


# -- killed processes ------------------------------------------------------------------------------
CACHE_WRITER = textwrap.dedent("""
    import sys, numpy as np, pandas as pd
    from tools.cache import PriceCache
    cache = PriceCache(sys.argv[1])
    days = pd.bdate_range("1990-01-01", periods=40_000)
    columns = ("open", "high", "low", "close", "volume")
    frames = [pd.DataFrame({c: np.full(len(days), v) for c in columns},
                           index=pd.DatetimeIndex(days, name="date")) for v in (10.0, 20.0)]
    print("ready", flush=True)
    n = 0
    while True:
        cache.write("SI=F", frames[n % 2])
        n += 1
""")


@pytest.mark.timeout(60)
def test_fault_process_killed_during_cache_writes(tmp_path):
    """Nothing corrupted: after SIGKILL mid-write the cache reads back one whole version and stray
    temp files are cleaned."""
    root = tmp_path / "prices"
    cache = PriceCache(root)
    days = __import__("pandas").bdate_range("1990-01-01", periods=100)
    old = price_frame(days, [5.0] * 100)
    cache.write("SI=F", old)
    for delay in (0.3, 0.55, 0.8):  # kill at different points of the write cycle
        proc = subprocess.Popen(
            [sys.executable, "-c", CACHE_WRITER, str(root)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        entry = cache.read("SI=F")
        assert entry is not None, "the cache file was corrupted by the kill"
        assert len(entry.frame) in (100, 40_000) and entry.frame["close"].nunique() == 1
    leftovers = list(root.glob(".*.tmp"))
    assert cache.clean_orphans(older_than=0) == len(leftovers)
    files = [p.name for p in root.iterdir() if p.name != ".locks"]  # the refresh locks' folder
    assert not list(root.glob(".*.tmp")) and files == ["SI=F.npz"]


INGESTER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[3])
    from test_knowledge_support import FakeEmbedder
    from knowledge.base import open_knowledge_base
    kb = open_knowledge_base(sys.argv[1], embedder=FakeEmbedder(), corpus_dir=None)
    print("ready", flush=True)
    kb.ingest([sys.argv[2]])
    print("done", flush=True)
""")


def notes(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = [
            f"Paragraph {j} of note {i}: copper, crude and silver respond to factory demand. " * 6
            for j in range(12)
        ]
        (folder / f"note-{i:03d}.md").write_text(f"# Note {i}\n\n" + "\n\n".join(paragraphs))
    return folder


def whole_documents(kb) -> dict[str, int]:
    """doc id -> chunks, asserting that every stored document has all of its chunks."""
    rows = kb.store.get()
    by_doc: dict[str, list[dict]] = {}
    for meta in rows.values():
        by_doc.setdefault(meta["doc_id"], []).append(meta)
    for doc_id, metas in by_doc.items():
        assert {m["n_chunks"] for m in metas} == {len(metas)}, f"{doc_id} is partly stored"
    return {k: len(v) for k, v in by_doc.items()}


@pytest.mark.timeout(120)
def test_fault_process_killed_during_ingestion(tmp_path):
    """Nothing lost: after SIGKILL mid-ingest the store opens, old documents are whole, and
    re-ingesting completes idempotently."""
    from test_knowledge_support import FakeEmbedder

    from knowledge.base import open_knowledge_base

    home = tmp_path / "home"
    first = notes(tmp_path / "first", 3)
    kb = open_knowledge_base(home, embedder=FakeEmbedder(), corpus_dir=None)
    assert len(kb.ingest([first]).added) == 3
    kept = whole_documents(kb)
    del kb
    folder = notes(tmp_path / "many", 60)
    proc = subprocess.Popen(
        [sys.executable, "-c", INGESTER, str(home), str(folder), str(TESTS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == b"ready"
    reopened = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # kill once some, not all, of the new notes are in
        time.sleep(0.2)
        probe = open_knowledge_base(home, embedder=FakeEmbedder(), corpus_dir=None)
        if len(probe.documents()) > 3 + 5:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    reopened = open_knowledge_base(home, embedder=FakeEmbedder(), corpus_dir=None)
    stored = {d.doc_id for d in reopened.documents()}
    assert 3 < len(stored) < 63, "the kill should land mid-ingestion"
    counts = {k: v for k, v in whole_documents_or_partial(reopened).items() if k in kept}
    assert counts == kept  # the documents ingested before are untouched
    assert reopened.search("factory demand", k=3)  # the store still answers
    report = reopened.ingest([folder])
    assert (
        not report.failed and len(report.added) + len(report.skipped) + len(report.replaced) == 60
    )
    after = whole_documents(reopened)
    assert len(after) == 63 and reopened.count() == sum(after.values())
    again = reopened.ingest([folder, first])
    assert len(again.skipped) == 63 and not again.added and not again.replaced  # idempotent


def whole_documents_or_partial(kb) -> dict[str, int]:
    """doc id -> stored chunks (a document cut short by the kill may be partial here)."""
    out: dict[str, int] = {}
    for meta in kb.store.get().values():
        out[meta["doc_id"]] = out.get(meta["doc_id"], 0) + 1
    return out
