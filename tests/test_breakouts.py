"""Breakout episodes: planted records, a brute-force reference, ratio breakouts, edge cases."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from fakes import series

from tools.breakouts import find_breakouts, ratio_breakouts
from tools.data import Market, make_source
from tools.errors import InputError
from tools.formatting import price as fmt_price


def planted() -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Noise in [40, 60] with a record of 60 at bar 37, then records at bars 100-102 and 133,
    140."""
    rng = np.random.default_rng(7)
    c = rng.uniform(40, 59, 200)
    c[37] = 60.0
    c[100:103] = [70.0, 71.0, 72.0]
    c[103:133] = 55.0  # 30 bars without a record: a new episode follows
    c[133], c[140] = 73.0, 74.0  # 6 quiet bars in between: same episode
    c[141:] = np.minimum(c[141:], 65.0)
    return c, pd.bdate_range("2020-01-01", periods=200)


def test_planted_breakouts_are_found_on_exactly_those_dates_with_the_right_prior_record():
    c, days = planted()
    c = c.copy()
    c[:37] = np.minimum.accumulate(np.r_[59.0, c[1:37]])  # no records before bar 37 but at bar 0
    r = find_breakouts(series(c))
    starts = [e.start for e in r.episodes]
    assert starts[-2:] == [days[100].date(), days[133].date()]
    first, second = r.episodes[-2:]
    assert (first.prior_record, first.prior_record_date) == (60.0, days[37].date())
    assert (first.peak, first.peak_date, first.record_closes) == (72.0, days[102].date(), 3)
    assert (second.prior_record, second.prior_record_date) == (72.0, days[102].date())
    assert (second.peak, second.end, second.record_closes) == (74.0, days[140].date(), 2)
    assert second.bars_since_previous == 30
    assert r.record_to_beat == 74.0 and r.last_record.close == 74.0
    assert r.bars_since_last_record == 199 - 140 and not r.breaking_out


def test_a_larger_min_gap_merges_episodes():
    c, _ = planted()
    assert len(find_breakouts(series(c), min_gap=31).episodes) < len(
        find_breakouts(series(c)).episodes
    )


def reference_records(c: np.ndarray, window: int | None) -> list[int]:
    """Record closes by the definition, one bar at a time."""
    out = []
    for t in range(1, len(c)):
        if window is None:
            if c[t] > c[:t].max():
                out.append(t)
        elif t >= window and c[t] > c[t - window : t].max():
            out.append(t)
    return out


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("window", [None, 1, 20, 252])
def test_record_closes_match_a_bar_by_bar_reference(seed, window):
    rng = np.random.default_rng(seed)
    c = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, 1500)))
    c[rng.integers(0, 1500, 30)] = c[rng.integers(0, 1500, 30)]  # ties must not count as records
    r = find_breakouts(series(c), window=window, min_gap=1)
    records = reference_records(c, window)
    assert sum(e.record_closes for e in r.episodes) == len(records)
    days = pd.bdate_range("2020-01-01", periods=1500).date
    # With min_gap=1 any quiet bar splits, so episode starts are records whose predecessor is not.
    expected_starts = [days[t] for i, t in enumerate(records) if i == 0 or records[i - 1] != t - 1]
    assert [e.start for e in r.episodes] == expected_starts
    for e in r.episodes:
        t = list(days).index(e.start)
        lo = 0 if window is None else t - window
        assert e.prior_record == c[lo:t].max()
        assert days[lo + int(np.argmax(c[lo:t]))] == e.prior_record_date


@pytest.mark.parametrize("since, now", [(0, True), (4, True), (5, False)])
def test_breaking_out_now_means_a_record_within_the_last_five_bars(since, now):
    c = np.r_[np.linspace(10, 20, 50), np.full(since, 15.0)]
    r = find_breakouts(series(c))
    assert r.bars_since_last_record == since and r.breaking_out is now
    # "at a record" only when the last close is the record; a record days ago is named as such
    assert ("is at a record" in r.verdict) is (since == 0)
    assert ("recent breakout" in r.verdict) is (0 < since < 5)


def test_ratio_breakouts_find_the_numerator_outperforming():
    n = 120
    gold = np.full(n, 100.0)
    silver = np.full(n, 2.0)
    silver[60] = 2.5  # silver/gold makes a record at bar 60 while both are otherwise flat
    r = ratio_breakouts(series(silver), series(gold, key="gold"))
    assert r.asset == "silver/gold" and r.name == "Silver/Gold"
    assert [e.start for e in r.episodes] == [pd.bdate_range("2020-01-01", periods=n)[60].date()]
    assert r.episodes[0].prior_record == pytest.approx(0.02)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"window": 50}, "at most 49 bars"),
        ({"window": 0}, "at least 1"),
        ({"min_gap": 0}, "minimum gap"),
    ],
)
def test_bad_windows_and_gaps_say_what_is_valid(kwargs, message):
    with pytest.raises(InputError, match=message):
        find_breakouts(series(np.linspace(1, 2, 50)), **kwargs)


EDGE = {
    "empty": [],
    "one bar": [5.0],
    "flat": [5.0] * 40,
    "nan gaps": [1.0, np.nan, 2.0, np.nan, 3.0, 2.5],
}


@pytest.mark.parametrize("name", list(EDGE))
def test_breakout_edge_cases(name):
    s = series(EDGE[name])
    if name == "empty":
        with pytest.raises(InputError):
            find_breakouts(s)
        return
    r = find_breakouts(s)
    json.dumps(r.to_dict(), allow_nan=False)
    if name in ("one bar", "flat"):
        assert r.episodes == [] and not r.breaking_out and r.last_record is None
        assert "no all-time closing high" in r.verdict
    if name == "nan gaps":  # NaN closes are skipped, not treated as prices
        assert [e.record_closes for e in r.episodes] == [2] and r.close == 2.5


def test_json_keys_and_summary_on_demo_data():
    market = Market(make_source("demo"))
    r = find_breakouts(market.series("silver"), window=252)
    d = json.loads(json.dumps(r.to_dict()))
    for key in ("asset", "as_of", "episodes", "breaking_out"):
        assert key in d
    for key in (
        "start",
        "start_close",
        "prior_record",
        "prior_record_date",
        "peak",
        "peak_date",
        "record_closes",
    ):
        assert key in d["episodes"][0]
    text = r.summary()
    assert len(text) <= 600 and "synthetic demo data" in text
    assert fmt_price(r.record_to_beat) in text and str(len(r.episodes)) in text
    assert isinstance(r.episodes[0].start, dt.date)
