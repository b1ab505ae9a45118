"""The analysis commands through the real entry point: JSON keys, human output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main

EXE = Path(sys.executable).with_name("market-assistant")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, *args: str) -> dict:
    code, out, err = run(capsys, *args, "--json", "--data", "demo")
    assert code == 0, err
    return json.loads(out)


def test_price_json_has_the_issue_keys(capsys):
    d = run_json(capsys, "price", "silver")
    for key in (
        "asset",
        "symbol",
        "as_of",
        "close",
        "change_pct",
        "all_time_high",
        "drawdown_from_ath_pct",
        "high_52w",
        "low_52w",
        "provenance",
    ):
        assert key in d
    assert list(d["change_pct"]) == ["1d", "1w", "1m", "3m", "ytd", "1y"]
    assert set(d["all_time_high"]) == {"close", "date"} and d["provenance"]["synthetic"] is True


def test_price_on_a_date_and_as_of_truncation(capsys):
    d = run_json(capsys, "price", "silver", "--on", "2024-06-08", "--as-of", "2025-01-01")
    assert d["date"] == "2024-06-07" and d["requested"] == "2024-06-08" and d["exact"] is False
    latest = run_json(capsys, "price", "xag", "--as-of", "2025-01-01")
    assert latest["as_of"] <= "2025-01-01"


def test_compare_json_and_human_table(capsys):
    d = run_json(capsys, "compare", "silver", "gold")
    assert (
        d["assets"] == ["silver", "gold"]
        and len(d["rows"]) == 2
        and d["ratio"]["name"] == "Silver/Gold"
    )
    code, out, _ = run(capsys, "compare", "silver", "gold", "btc", "--data", "demo")
    assert (
        code == 0 and "Performance to" in out and "Bitcoin" in out and "synthetic demo data" in out
    )


def test_breakouts_json_keys_window_and_ratio(capsys):
    d = run_json(capsys, "breakouts", "silver", "--window", "252", "--min-gap", "10")
    assert {"asset", "as_of", "episodes", "breaking_out"} <= set(d) and d["window"] == 252
    assert {
        "start",
        "start_close",
        "prior_record",
        "prior_record_date",
        "peak",
        "peak_date",
        "record_closes",
    } <= set(d["episodes"][0])
    ratio = run_json(capsys, "breakouts", "silver", "--vs", "gold")
    assert ratio["asset"] == "silver/gold" and ratio["window"] is None
    code, out, _ = run(capsys, "breakouts", "silver", "--data", "demo")
    assert code == 0 and "breakout episodes" in out and "breaking out" in out


def test_lag_json_keys_and_event_study_only_when_asked(capsys):
    d = run_json(
        capsys,
        "lag",
        "silver",
        "btc",
        "--freq",
        "weekly",
        "--max-lag",
        "8",
        "--start",
        "2016-01-01",
    )
    for key in ("leader", "follower", "freq", "n_obs", "lags", "best_lag", "stability"):
        assert key in d
    assert "event_study" not in d and len(d["lags"]) == 17 and d["start"] >= "2016-01-01"
    assert set(d["lags"][0]) == {"lag", "corr", "n", "p_value"}
    assert {"lag", "corr", "p_value", "p_value_adjusted", "significant"} <= set(d["best_lag"])
    with_events = run_json(capsys, "lag", "silver", "btc", "--events", "--permutations", "200")
    assert "event_study" in with_events and with_events["permutations"] == 200


def test_lag_human_output(capsys):
    code, out, _ = run(capsys, "lag", "silver", "bitcoin", "--data", "demo", "--freq", "monthly")
    assert code == 0 and "verdict" in out and "synthetic demo data" in out and "best" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["price", "silverx"], "Unknown asset"),
        (["price", "silver", "--on", "2001-01-01"], "before the first bar"),
        (["price", "silver", "--on", "2026-13-01"], "YYYY-MM-DD"),
        (["compare", "silver"], "at least two"),
        (["breakouts", "silver", "--window", "100000"], "at most"),
        (["breakouts", "silver", "--vs", "silver"], "two different assets"),
        (["lag", "silver", "silver"], "two different assets"),
        (["lag", "silver", "btc", "--freq", "hourly"], "daily, weekly or monthly"),
        (["lag", "silver", "btc", "--max-lag", "5000"], "at most"),
        (["lag", "silver", "btc", "--start", "2024-01-01", "--end", "2023-01-01"], "swap them"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    code, out, err = run(capsys, *args, "--data", "demo")
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_the_installed_script_prints_json_and_exits_nonzero_on_bad_input(tmp_path):
    env = {"MARKET_ASSISTANT_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run(
        [str(EXE), "lag", "silver", "btc", "--json", "--data", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["best_lag"]["lag"] == 4
    bad = subprocess.run(
        [str(EXE), "price", "nosuch", "--data", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("Error: Unknown asset")
