"""``market-assistant data``: through the real entry point (``assistant.cli.main.main``) and as a
process.

Yahoo Finance is replaced at its seam for the auto and yfinance sources, except in the one
subprocess check that the command falls back to demo data when there is no network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from yf_fakes import FakeYahoo, install, price_frame, walk

from assistant.cli.main import main
from tools.cache import PriceCache

BIN = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "market-assistant"
JSON_KEYS = {
    "asset",
    "symbol",
    "source",
    "first_date",
    "last_date",
    "rows",
    "last_close",
    "synthetic",
    "stale",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def csv_dir(tmp_path):
    """A CSV folder with a small silver file (Yahoo export columns) and a bitcoin file."""
    folder = tmp_path / "csv"
    folder.mkdir()
    dates = pd.bdate_range("2025-12-01", "2026-03-30")
    closes = walk(len(dates), start=60.0, seed=3)
    lines = [
        f"{d.date()},{c},{c * 1.01},{c * 0.99},{c},{c},100"
        for d, c in zip(dates, closes, strict=True)
    ]
    (folder / "SI=F.csv").write_text(
        "Date,Open,High,Low,Close,Adj Close,Volume\n" + "\n".join(lines) + "\n"
    )
    (folder / "btc.csv").write_text("date,close\n2026-01-01,90000\n2026-01-02,91000\n")
    return folder, dates, closes


@pytest.fixture
def fake_yahoo(monkeypatch):
    histories = {
        "SI=F": price_frame(pd.bdate_range(end="2026-03-30", periods=250), walk(250, seed=1)),
        "GC=F": price_frame(pd.bdate_range(end="2026-03-30", periods=250), walk(250, 4000, 2)),
    }
    return install(monkeypatch, FakeYahoo(histories))


def test_show_json_from_csv(capsys, csv_dir):
    folder, dates, closes = csv_dir
    code, out, err = run(capsys, "data", "show", "silver", "--data", f"csv:{folder}", "--json")
    assert code == 0 and err == ""
    info = json.loads(out)
    assert JSON_KEYS <= set(info)
    assert info["asset"] == "silver" and info["symbol"] == "SI=F" and info["source"] == "csv"
    assert info["first_date"] == dates[0].date().isoformat()
    assert info["last_date"] == "2026-03-30"
    assert info["rows"] == len(dates)
    assert info["last_close"] == pytest.approx(closes[-1])
    assert info["synthetic"] is False and info["stale"] is False
    assert info["provenance"]["location"] == str(folder / "SI=F.csv")


def test_show_json_from_the_real_silver_file(capsys, market_data):
    code, out, _ = run(capsys, "data", "show", "silver", "--data", f"csv:{market_data}", "--json")
    info = json.loads(out)
    assert code == 0
    assert (info["rows"], info["first_date"], info["last_date"]) == (
        6420,
        "2000-08-30",
        "2026-03-30",
    )
    assert info["last_close"] == pytest.approx(70.324, abs=1e-3)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--as-of", "2026-01-23", "data", "show", "xag"], id="global-option-first"),
        pytest.param(
            ["data", "show", "xag", "--as-of", "2026-01-23"], id="global-option-after-command"
        ),
        pytest.param(["data", "show", "xag", "--as-of=2026-01-23"], id="equals-form"),
    ],
)
def test_as_of_on_the_command_line(capsys, market_data, args):
    code, out, _ = run(capsys, *args, "--data", f"csv:{market_data}", "--json")
    info = json.loads(out)
    assert code == 0
    assert info["last_date"] == "2026-01-23"
    assert info["last_close"] == pytest.approx(100.925, abs=1e-3)
    assert info["provenance"]["as_of"] == "2026-01-23"


def test_show_demo_says_synthetic(capsys):
    code, out, err = run(capsys, "data", "show", "silver", "--data", "demo")
    assert code == 0 and err == ""
    assert "Silver (SI=F)" in out and "synthetic demo data" in out
    code, out, _ = run(capsys, "data", "show", "silver", "--data", "demo", "--json")
    info = json.loads(out)
    assert info["synthetic"] is True and info["source"] == "demo" and info["stale"] is False
    assert "synthetic demo data" in info["provenance"]["label"]


def test_settings_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("MARKET_ASSISTANT_DATA", "demo")
    monkeypatch.setenv("MARKET_ASSISTANT_AS_OF", "2020-06-05")
    code, out, _ = run(capsys, "data", "show", "btc", "--json")
    info = json.loads(out)
    assert code == 0 and info["source"] == "demo" and info["last_date"] == "2020-06-05"
    code, out, _ = run(capsys, "data", "show", "btc", "--json", "--as-of", "2020-06-07")
    assert json.loads(out)["last_date"] == "2020-06-07"  # the flag wins; bitcoin trades on Sunday


def test_show_window(capsys):
    code, out, _ = run(
        capsys,
        "data",
        "show",
        "gold",
        "--data",
        "demo",
        "--start",
        "2020-01-01",
        "--end",
        "2020-01-31",
        "--json",
    )
    info = json.loads(out)
    assert code == 0
    assert info["first_date"] == "2020-01-01" and info["last_date"] == "2020-01-31"
    assert info["rows"] == len(pd.bdate_range("2020-01-01", "2020-01-31"))


def test_show_with_no_network_uses_demo_data(capsys, fake_yahoo):
    fake_yahoo.default = "dns"
    code, out, err = run(capsys, "data", "show", "silver")
    assert code == 0
    assert "synthetic demo data" in out and "unreachable" in out
    assert fake_yahoo.calls and "Traceback" not in err


def test_show_yfinance_through_the_seam_then_status_lists_the_cache(
    capsys, fake_yahoo, isolated_home
):
    code, out, _ = run(capsys, "data", "show", "gold", "--data", "yfinance", "--json")
    info = json.loads(out)
    assert code == 0 and info["source"] == "yfinance" and info["rows"] == 250
    assert info["symbol"] == "GC=F" and info["stale"] is False and info["synthetic"] is False
    code, out, _ = run(capsys, "data", "status")
    assert code == 0
    assert "Source     auto" in out and str(isolated_home) in out
    assert re.search(r"GC=F\s+250 bars\s+\S+ \.\. 2026-03-30", out)
    code, out, _ = run(capsys, "data", "status", "--json")
    status = json.loads(out)
    assert status["source"] == "auto" and status["home"] == str(isolated_home)
    assert [(c["symbol"], c["rows"], c["last_date"]) for c in status["cache"]] == [
        ("GC=F", 250, "2026-03-30")
    ]


def test_status_with_demo_and_csv_sources(capsys, csv_dir):
    code, out, _ = run(capsys, "data", "status", "--data", "demo")
    assert code == 0 and "Source     demo" in out and "synthetic demo data" in out
    assert "Cache      empty" in out
    folder, *_ = csv_dir
    code, out, _ = run(
        capsys, "--as-of", "2026-01-02", "data", "status", "--data", f"csv:{folder}", "--json"
    )
    info = json.loads(out)
    assert code == 0 and info["as_of"] == "2026-01-02"
    assert {row["asset"] for row in info["csv"]} == {"silver", "bitcoin"}


def test_refresh_with_the_demo_source_has_nothing_to_do(capsys, fake_yahoo):
    code, out, _ = run(capsys, "data", "refresh", "--data", "demo")
    assert code == 0 and "Nothing to refresh" in out
    assert fake_yahoo.calls == []


def test_refresh_fetches_into_the_cache(capsys, fake_yahoo, isolated_home):
    code, out, err = run(capsys, "data", "refresh", "silver", "gold", "--data", "yfinance")
    assert code == 0 and "Refreshed 2 of 2 assets." in out
    assert sorted(c.symbol for c in fake_yahoo.calls) == ["GC=F", "SI=F"]
    cached = {e.symbol: len(e.frame) for e in PriceCache(isolated_home / "prices").entries()}
    assert cached == {"GC=F": 250, "SI=F": 250}
    fake_yahoo.calls.clear()
    code, out, _ = run(capsys, "data", "refresh", "silver")
    assert code == 0 and [c.start is not None for c in fake_yahoo.calls] == [True]


def test_refresh_offline_reports_each_failure_and_exits_1(capsys, fake_yahoo):
    fake_yahoo.default = "dns"
    code, out, err = run(capsys, "data", "refresh", "silver", "gold")
    assert code == 1
    assert "Refreshed 0 of 2 assets." in out
    assert "failed  silver:" in err and "failed  gold:" in err
    assert "Traceback" not in out + err


ERRORS = [
    (
        "unknown-asset",
        ["data", "show", "silvr", "--data", "demo"],
        r"Unknown asset 'silvr'\. Did you mean silver",
    ),
    ("path-like-asset", ["data", "show", "../../etc/passwd", "--data", "demo"], r"Unknown asset"),
    (
        "bad-as-of",
        ["--as-of", "2026-13-01", "data", "show", "silver", "--data", "demo"],
        r"Bad as-of date '2026-13-01'; use YYYY-MM-DD",
    ),
    (
        "bad-start",
        ["data", "show", "silver", "--data", "demo", "--start", "01/02/2020"],
        r"Bad start date '01/02/2020'",
    ),
    (
        "future-as-of",
        ["--as-of", "2999-01-01", "data", "show", "silver", "--data", "demo"],
        r"in the future",
    ),
    (
        "as-of-before-data",
        ["--as-of", "1990-01-01", "data", "show", "silver", "--data", "demo"],
        r"starts on 2014-01-02",
    ),
    (
        "start-after-end",
        [
            "data",
            "show",
            "silver",
            "--data",
            "demo",
            "--start",
            "2021-01-01",
            "--end",
            "2020-01-01",
        ],
        r"Start 2021-01-01 is after end 2020-01-01",
    ),
    (
        "window-without-bars",
        [
            "data",
            "show",
            "silver",
            "--data",
            "demo",
            "--start",
            "2020-01-04",
            "--end",
            "2020-01-05",
        ],
        r"No Silver bars between 2020-01-04 and 2020-01-05",
    ),
    (
        "unknown-source",
        ["data", "show", "silver", "--data", "bloomberg"],
        r"Unknown data source 'bloomberg'",
    ),
    (
        "missing-csv-dir",
        ["data", "show", "silver", "--data", "csv:/no/such/dir"],
        r"CSV directory '/no/such/dir' does not exist",
    ),
    ("missing-csv-file", ["data", "show", "gold", "--data", "csv:{csv}"], r"No CSV for Gold"),
    ("bad-env-as-of", ["data", "show", "silver", "--data", "demo"], r"MARKET_ASSISTANT_AS_OF"),
    ("unknown-command", ["data", "frobnicate"], r"No such command"),
    ("missing-argument", ["data", "show"], r"Missing argument"),
]


@pytest.mark.parametrize("args, pattern", [pytest.param(a, p, id=i) for i, a, p in ERRORS])
def test_bad_input_prints_one_line_and_exits_2(
    capsys, monkeypatch, csv_dir, args, pattern, request
):
    if request.node.callspec.id == "bad-env-as-of":
        monkeypatch.setenv("MARKET_ASSISTANT_AS_OF", "tomorrow")
    folder, *_ = csv_dir
    code, out, err = run(capsys, *[a.format(csv=folder) for a in args])
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in err


# --- the installed console script, as a real process -------------------------------------------


def _process(
    *args: str, timeout: float = 60, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_console_script_json(market_data):
    proc = _process("data", "show", "silver", "--data", f"csv:{market_data}", "--json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert JSON_KEYS <= set(info)
    assert info["last_date"] == "2026-03-30" and info["last_close"] == pytest.approx(
        70.324, abs=1e-3
    )


def test_console_script_error_is_one_line(tmp_path):
    proc = _process("data", "show", "silver", "--data", f"csv:{tmp_path / 'absent'}")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("Error: ")
    assert "Traceback" not in proc.stderr


def test_console_script_with_no_network_says_it_uses_demo_data():
    # Nothing is patched: yfinance really tries to reach Yahoo. A dead proxy on loopback makes
    # sure of "no network" even on a machine that has one.
    dead = "http://127.0.0.1:9"
    proc = _process(
        "data",
        "show",
        "silver",
        timeout=60,
        env={
            "https_proxy": dead,
            "HTTPS_PROXY": dead,
            "http_proxy": dead,
            "HTTP_PROXY": dead,
            "no_proxy": "",
            "NO_PROXY": "",
        },
    )
    assert proc.returncode == 0, proc.stderr
    assert "synthetic demo data" in proc.stdout
    assert "Traceback" not in proc.stderr
