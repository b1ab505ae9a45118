"""A price cache shared by several processes (app replicas on one data volume, a cron job):
refreshes of one symbol take turns and never corrupt the file; a damaged file is reported as
damaged, by name, never as an empty cache and never hidden behind demo prices."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from yf_fakes import FakeYahoo, install, price_frame, walk

from tools import assets
from tools.cache import PriceCache
from tools.data import AutoSource, DataUnavailableError, YahooSource

ROOT = Path(__file__).resolve().parents[1]
BARS = 3000

REFRESHER = textwrap.dedent(
    """
    import os, sys, time
    import pandas as pd
    import yfinance
    sys.path.insert(0, "tests")
    from yf_fakes import FakeYahoo, price_frame, walk
    from tools import assets
    from tools.data import YahooSource

    home, log, base, rounds = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    dates = pd.bdate_range("2014-01-02", periods=int(sys.argv[5]))
    fake = FakeYahoo({"SI=F": price_frame(dates, walk(len(dates), start=base, seed=int(base)))})

    def download(tickers, **kwargs):
        with open(log, "a") as fh:
            fh.write(f"start {os.getpid()} {time.monotonic()}\\n")
        time.sleep(0.02)  # a download takes a while: long enough to overlap if nothing stops it
        try:
            return fake(tickers, **kwargs)
        finally:
            with open(log, "a") as fh:
                fh.write(f"end {os.getpid()} {time.monotonic()}\\n")

    yfinance.download = download
    source = YahooSource(home, retry_wait=0.01)
    for _ in range(rounds):
        assert not source.history(assets.get("silver"), refresh=True).provenance.stale
"""
)


def _intervals(log: Path) -> list[tuple[float, float, str]]:
    opened: dict[str, float] = {}
    spans = []
    for line in log.read_text().splitlines():
        kind, pid, t = line.split()
        if kind == "start":
            opened[pid] = float(t)
        else:
            spans.append((opened.pop(pid), float(t), pid))
    return sorted(spans)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_processes_refreshing_one_symbol_take_turns_and_never_corrupt_it(tmp_path):
    log = tmp_path / "downloads.log"
    rounds = 25
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                REFRESHER,
                str(tmp_path),
                str(log),
                base,
                str(rounds),
                str(BARS),
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for base in ("20", "40")
    ]
    cache = PriceCache(tmp_path / "prices")
    bad: list[str] = []
    reads = [0]
    done = threading.Event()

    def reader():
        while not done.is_set():
            if not cache.path("SI=F").exists():
                continue
            entry = cache.read("SI=F")
            reads[0] += 1
            if entry is None or len(entry.frame) != BARS or entry.frame["close"].isna().any():
                bad.append(cache.damage("SI=F") or f"{None if entry is None else len(entry.frame)}")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        codes = [p.wait(240) for p in procs]
    finally:
        done.set()
        thread.join(30)
    assert codes == [0, 0], [p.stderr.read()[-500:] for p in procs]
    assert reads[0] > 20 and not bad, bad[:3]  # every read saw one whole file
    spans = _intervals(log)
    assert len(spans) == 2 * rounds and len({pid for *_, pid in spans}) == 2
    overlaps = [(a, b) for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1]]
    assert not overlaps, overlaps[:2]  # one refresher at a time, across processes
    assert cache.damage("SI=F") is None and len(cache.read("SI=F").frame) == BARS
    assert list((tmp_path / "prices").glob(".*.tmp")) == []


def test_the_lock_is_reentrant_in_a_thread_and_excludes_other_threads(tmp_path):
    cache = PriceCache(tmp_path)
    other: list[bool] = []
    with cache.lock("SI=F") as held:
        assert held
        cache.write("SI=F", price_frame(pd_dates(5), walk(5)))  # write takes it again: no wait
        t = threading.Thread(target=lambda: other.append(_try(cache)))
        t.start()
        t.join()
    assert other == [False]
    assert _try(cache) is True


def _try(cache: PriceCache) -> bool:
    with cache.lock("SI=F", timeout=0.2) as held:
        return held


def pd_dates(n: int):
    import pandas as pd

    return pd.bdate_range("2026-01-05", periods=n)


# -- a damaged file ---------------------------------------------------------------------------
def _truncated(home: Path) -> Path:
    cache = PriceCache(home / "prices")
    frame = price_frame(pd_dates(400), walk(400))
    path = cache.write("SI=F", frame)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    cache.write("GC=F", frame)
    return path


def test_a_truncated_cache_file_is_reported_as_damaged_by_name(tmp_path, monkeypatch):
    path = _truncated(tmp_path)
    cache = PriceCache(tmp_path / "prices")
    assert cache.read("SI=F") is None
    assert str(path) in cache.damage("SI=F") and "truncated" in cache.damage("SI=F")
    assert cache.damage("GC=F") is None and cache.damage("BTC-USD") is None  # fine, absent
    assert [p for p, _ in cache.problems()] == [path]
    install(monkeypatch, FakeYahoo(default="dns"))  # and Yahoo Finance cannot be reached
    silver = assets.get("silver")
    with pytest.raises(DataUnavailableError) as err:
        YahooSource(tmp_path, retry_wait=0.01).history(silver)
    assert str(path) in str(err.value) and "No cached data" not in str(err.value)
    series = AutoSource(YahooSource(tmp_path, retry_wait=0.01)).history(silver)
    notice = series.provenance.notice
    assert series.provenance.synthetic and str(path) in notice and "damaged" in notice
    assert "nothing is cached" not in notice


def test_data_status_lists_damaged_files_instead_of_an_empty_cache(tmp_path, capsys):
    from reliability_support import run_cli

    path = _truncated(tmp_path)
    code, out, _ = run_cli(capsys, "--home", str(tmp_path), "data", "status")
    assert code == 0 and "Cache      empty" not in out
    assert "Damaged cache files" in out and str(path) in out and "GC=F" in out
    path.unlink()
    (tmp_path / "prices" / "GC=F.npz").write_bytes(b"")
    code, out, _ = run_cli(capsys, "--home", str(tmp_path), "data", "status", "--json")
    info = json.loads(out)
    assert info["cache"] == [] and [d["file"] for d in info["damaged"]] == [
        str(tmp_path / "prices" / "GC=F.npz")
    ]
