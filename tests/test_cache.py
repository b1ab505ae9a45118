"""tools.cache: round trips, damaged files, atomic replacement, concurrent readers, orphans."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from yf_fakes import price_frame, walk

from tools import cache as cache_mod
from tools import files as files_mod
from tools.cache import PriceCache, safe_name

ROOT = Path(__file__).resolve().parents[1]


def frame(n: int, seed: int = 0, start: str = "2001-01-01") -> pd.DataFrame:
    return price_frame(pd.bdate_range(start, periods=n), walk(n, seed=seed))


@pytest.mark.parametrize("start", ["2001-01-01", "1927-12-30"], ids=["modern", "before-1970"])
def test_round_trip_keeps_values_dates_and_metadata(tmp_path, start):
    store = PriceCache(tmp_path)
    original = frame(300, start=start)
    original.iloc[5, 0] = np.nan  # a missing open survives as NaN
    fetched = dt.datetime(2026, 3, 31, 12, 30, tzinfo=dt.UTC)
    path = store.write("SI=F", original, fetched)
    entry = store.read("SI=F")
    assert path == store.path("SI=F") and path.is_file()
    assert entry.symbol == "SI=F" and entry.fetched_at == fetched and entry.path == path
    pd.testing.assert_frame_equal(entry.frame, original, check_freq=False, check_index_type=False)
    assert entry.frame.index.name == "date"
    assert entry.age_hours > 0


def test_missing_symbol_reads_as_none(tmp_path):
    assert PriceCache(tmp_path / "nowhere").read("SI=F") is None
    assert PriceCache(tmp_path / "nowhere").entries() == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"not a zip file at all", id="garbage"),
        pytest.param("truncated", id="truncated-archive"),
        pytest.param("no-meta", id="archive-without-metadata"),
        pytest.param("bad-timestamp", id="metadata-with-bad-timestamp"),
    ],
)
def test_damaged_file_reads_as_none(tmp_path, content):
    store = PriceCache(tmp_path)
    target = store.path("SI=F")
    if content == "truncated":
        store.write("SI=F", frame(500))
        content = target.read_bytes()[: target.stat().st_size // 2]
    elif content == "no-meta":
        with open(target, "wb") as fh:
            np.savez(fh, days=np.arange(3), values=np.ones((3, 5)))
        content = target.read_bytes()
    elif content == "bad-timestamp":
        with open(target, "wb") as fh:
            np.savez(
                fh,
                days=np.arange(3),
                values=np.ones((3, 5)),
                meta=np.array('{"symbol": "SI=F", "fetched_at": "yesterday"}'),
            )
        content = target.read_bytes()
    target.write_bytes(content)
    assert store.read("SI=F") is None
    assert store.entries() == []


@pytest.mark.parametrize(
    "symbol, name",
    [
        pytest.param("SI=F", "SI=F", id="futures"),
        pytest.param("^GSPC", "_GSPC", id="caret"),
        pytest.param("BTC-USD", "BTC-USD", id="dash"),
        pytest.param("../../etc/passwd", "_.._etc_passwd", id="traversal"),
        pytest.param("..", "_", id="dots-only"),
        pytest.param("", "_", id="empty"),
    ],
)
def test_safe_name(symbol, name):
    assert safe_name(symbol) == name


@pytest.mark.parametrize("symbol", ["../../escape", "/abs/path", "..\\win", "a/../../b"])
def test_cache_paths_stay_inside_the_root(tmp_path, symbol):
    store = PriceCache(tmp_path / "prices")
    assert store.path(symbol).resolve().parent == (tmp_path / "prices").resolve()
    store.write(symbol, frame(3))
    assert store.read(symbol) is not None
    assert sorted(p.parent for p in tmp_path.rglob("*.npz")) == [tmp_path / "prices"]


def test_entries_lists_every_symbol(tmp_path):
    store = PriceCache(tmp_path)
    for i, sym in enumerate(["SI=F", "^GSPC", "BTC-USD"]):
        store.write(sym, frame(10 + i))
    assert sorted((e.symbol, len(e.frame)) for e in store.entries()) == [
        ("BTC-USD", 12),
        ("SI=F", 10),
        ("^GSPC", 11),
    ]


# --- atomic replacement ------------------------------------------------------------------------


def _assert_old_intact(store: PriceCache, old: pd.DataFrame) -> None:
    entry = store.read("SI=F")
    assert entry is not None
    pd.testing.assert_frame_equal(entry.frame, old, check_freq=False, check_index_type=False)
    assert list(store.root.glob(".*.tmp")) == []


def test_write_interrupted_before_rename_leaves_old_file(tmp_path, monkeypatch):
    store = PriceCache(tmp_path)
    old = frame(200, seed=1)
    store.write("SI=F", old)

    def crash(src, dst):
        assert Path(src).stat().st_size > 0  # the new data was fully written to the temp file
        raise OSError("disk pulled out")

    monkeypatch.setattr(files_mod.os, "replace", crash)
    with pytest.raises(OSError, match="disk pulled out"):
        store.write("SI=F", frame(400, seed=2))
    _assert_old_intact(store, old)


def test_write_interrupted_mid_serialisation_leaves_old_file(tmp_path, monkeypatch):
    store = PriceCache(tmp_path)
    old = frame(200, seed=1)
    store.write("SI=F", old)
    real_savez = np.savez

    def half_then_fail(fh, **arrays):
        real_savez(fh, **arrays)
        fh.truncate(fh.tell() // 2)
        raise KeyboardInterrupt  # even a Ctrl-C mid-write must not damage the cache

    monkeypatch.setattr(cache_mod.np, "savez", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        store.write("SI=F", frame(400, seed=2))
    _assert_old_intact(store, old)


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    import numpy as np, pandas as pd
    from tools import files
    from tools.cache import PriceCache

    def die(src, dst):
        os.kill(os.getpid(), signal.SIGKILL)  # the process dies between write and rename

    n = 5000
    idx = pd.bdate_range("2000-01-03", periods=n)
    columns = ["open", "high", "low", "close", "volume"]
    new = pd.DataFrame(np.full((n, 5), 7.0), index=idx, columns=columns)
    files.os.replace = die
    PriceCache(sys.argv[1]).write("SI=F", new)
""")


def test_writer_killed_before_rename_leaves_old_file_and_an_ignored_orphan(tmp_path):
    store = PriceCache(tmp_path)
    old = frame(200, seed=3)
    store.write("SI=F", old)
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -9, proc.stderr
    orphans = list(tmp_path.glob(".*.tmp"))
    assert len(orphans) == 1 and orphans[0].stat().st_size > 0
    entry = store.read("SI=F")
    pd.testing.assert_frame_equal(entry.frame, old, check_freq=False, check_index_type=False)
    assert [e.symbol for e in store.entries()] == ["SI=F"]
    # A fresh temp file may belong to a live writer and is left alone; an old one is removed.
    assert store.clean_orphans() == 0 and orphans[0].exists()
    past = time.time() - 3600
    os.utime(orphans[0], (past, past))
    assert store.clean_orphans() == 1
    assert list(tmp_path.glob(".*.tmp")) == []
    _assert_old_intact(store, old)


def test_next_write_sweeps_old_orphans_but_not_fresh_ones(tmp_path):
    store = PriceCache(tmp_path)
    old_orphan = tmp_path / ".SI=F.abc123.tmp"
    young = tmp_path / ".SI=F.def456.tmp"
    for p in (old_orphan, young):
        p.write_bytes(b"partial")
    past = time.time() - 3600
    os.utime(old_orphan, (past, past))
    store.write("SI=F", frame(5))
    assert not old_orphan.exists()
    assert young.exists()
    assert store.clean_orphans(older_than=0) == 1


def test_concurrent_readers_never_see_a_half_written_file(tmp_path):
    store = PriceCache(tmp_path)
    versions = [frame(6000, seed=s) for s in range(3)]  # about 25 years of bars each
    closes = {round(float(v["close"].iloc[-1]), 12): len(v) for v in versions}
    store.write("SI=F", versions[0])
    stop = threading.Event()
    seen: list[tuple[int, float] | None] = []
    errors: list[BaseException] = []

    def reader():
        try:
            while not stop.is_set():
                entry = store.read("SI=F")
                seen.append(
                    None
                    if entry is None
                    else (len(entry.frame), float(entry.frame["close"].iloc[-1]))
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for i in range(60):
            store.write("SI=F", versions[i % 3])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert len(seen) > 20
    assert None not in seen
    for rows, last in seen:
        assert closes[round(last, 12)] == rows  # every read is one complete version
    assert list(tmp_path.glob(".*.tmp")) == []
