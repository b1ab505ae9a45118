"""Price lookup, close on a date, first close above a level, compare and ratio."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from fakes import series

from tools.data import Market, make_source
from tools.errors import DateRangeError, InputError
from tools.formatting import pct as fmt_pct
from tools.formatting import price as fmt_price
from tools.prices import HORIZONS, close_on, first_close_at_or_above, price_lookup
from tools.relative import compare, ratio_lookup, ratio_series

D = dt.date


def bdays(start: str, end: str) -> pd.DatetimeIndex:
    return pd.bdate_range(start, end)


def test_changes_use_the_last_close_on_or_before_each_calendar_offset():
    days = bdays("2024-11-01", "2025-03-31")
    closes = np.arange(1, len(days) + 1, dtype=float) * 10
    r = price_lookup(series(closes, days))
    at = dict(zip(days.date, closes, strict=True))

    def ref(target: dt.date) -> float:
        return at[max(d for d in at if d <= target)]

    last = closes[-1]
    expected = {
        "1d": closes[-2],
        "1w": ref(D(2025, 3, 24)),
        "1m": ref(D(2025, 2, 28)),
        "3m": ref(D(2024, 12, 31)),
        "ytd": ref(D(2024, 12, 31)),
        "1y": None,
    }
    for w in HORIZONS:
        if expected[w] is None:
            assert r.change_pct[w] is None and r.change_from[w] is None  # history too short
        else:
            assert r.change_pct[w] == pytest.approx((last / expected[w] - 1) * 100, rel=1e-12)
            assert r.change_from[w].close == expected[w]
    assert r.as_of == D(2025, 3, 31) and r.close == last


def test_all_time_high_is_on_closes_and_its_first_occurrence_with_intraday_high_separate():
    days = bdays("2025-01-01", "2025-01-14")
    closes = [10, 12, 15, 11, 15, 9, 13, 14, 12, 13]
    highs = [11, 13, 16, 20, 16, 10, 14, 15, 13, 14]
    r = price_lookup(series(closes, days, highs=highs))
    assert (r.all_time_high.close, r.all_time_high.date) == (15.0, days[2].date())
    assert (r.intraday_high.high, r.intraday_high.date) == (20.0, days[3].date())
    assert r.drawdown_from_ath_pct == pytest.approx((13 / 15 - 1) * 100)
    assert r.low_52w.close == 9.0 and r.high_52w.date == days[2].date()


def test_52_week_range_ignores_bars_older_than_52_weeks():
    days = pd.DatetimeIndex([pd.Timestamp("2023-01-02"), *bdays("2024-06-03", "2025-06-02")])
    closes = np.r_[1000.0, np.linspace(50, 60, len(days) - 1)]
    r = price_lookup(series(closes, days))
    assert r.all_time_high.close == 1000.0
    assert r.high_52w.close == 60.0 and r.low_52w.close < 51


def test_close_on_uses_the_last_bar_on_or_before_the_date():
    days = bdays("2025-01-01", "2025-01-31")
    s = series(np.arange(len(days)) + 1.0, days)
    friday = close_on(s, D(2025, 1, 10))
    sunday = close_on(s, D(2025, 1, 12))
    assert friday.exact and not sunday.exact
    assert sunday.date == D(2025, 1, 10) and sunday.close == friday.close
    assert fmt_price(sunday.close) in sunday.summary() and "2025-01-10" in sunday.summary()


@pytest.mark.parametrize(
    "day, words", [(D(2024, 12, 31), "before the first bar"), (D(2025, 2, 3), "after the last bar")]
)
def test_close_on_outside_the_data_says_which_dates_are_valid(day, words):
    days = bdays("2025-01-01", "2025-01-31")
    with pytest.raises(DateRangeError, match=f"{words}.*between 2025-01-01 and 2025-01-31"):
        close_on(series(np.ones(len(days)), days), day)


def test_first_close_at_or_above_a_level_and_the_high_before_it():
    days = bdays("2025-01-01", "2025-01-10")
    s = series([5, 8, 7, 10, 12, 9, 11, 13], days)
    hit = first_close_at_or_above(s, 10)
    assert (hit.date, hit.close) == (days[3].date(), 10.0)
    assert (hit.prior_high.close, hit.prior_high.date) == (8.0, days[1].date())
    never = first_close_at_or_above(s, 50)
    assert never.date is None and never.prior_high.close == 13.0 and "never" in never.summary()
    with pytest.raises(InputError, match="positive price"):
        first_close_at_or_above(s, -1)


def test_compare_ends_on_the_common_date_so_24_7_weekends_are_not_counted():
    btc_days = pd.date_range("2024-12-01", "2025-03-09", freq="D")  # ends on a Sunday
    ex_days = bdays("2024-12-02", "2025-03-07")  # ends on the Friday before
    btc = series(np.linspace(100, 200, len(btc_days)), btc_days, key="bitcoin")
    silver = series(np.linspace(30, 20, len(ex_days)), ex_days)
    c = compare([silver, btc])
    assert c.as_of == D(2025, 3, 7)
    row_btc = c.rows[1]
    assert row_btc.date == D(2025, 3, 7)
    btc_close = dict(zip(btc_days.date, btc.close, strict=True))
    # 1d goes back to the previous date both have (Thursday), not Bitcoin's previous calendar day.
    assert row_btc.change_pct["1d"] == pytest.approx(
        (btc_close[D(2025, 3, 7)] / btc_close[D(2025, 3, 6)] - 1) * 100
    )
    assert c.best["ytd"] == "bitcoin" and c.rows[0].change_pct["ytd"] < 0
    assert (
        c.ratio is not None and c.ratio.numerator == "silver" and c.ratio.denominator == "bitcoin"
    )


def test_monday_1d_change_of_a_24_7_asset_in_compare_spans_the_weekend():
    btc_days = pd.date_range("2025-01-01", "2025-01-13", freq="D")  # ends on a Monday
    ex_days = bdays("2025-01-01", "2025-01-13")
    btc = series(np.arange(len(btc_days)) + 100.0, btc_days, key="bitcoin")
    gold = series(np.arange(len(ex_days)) + 10.0, ex_days, key="gold")
    row = compare([gold, btc]).rows[1]
    assert row.change_pct["1d"] == pytest.approx((112 / 109 - 1) * 100)  # Monday vs Friday


@pytest.mark.parametrize(
    "keys, message", [(["silver"], "at least two"), (["silver", "silver"], "once")]
)
def test_compare_rejects_too_few_or_repeated_assets(keys, message):
    days = bdays("2025-01-01", "2025-01-31")
    with pytest.raises(InputError, match=message):
        compare([series(np.ones(len(days)), days, key=k) for k in keys])


def test_ratio_series_uses_common_dates_and_keeps_the_demo_flag():
    a_days = pd.date_range("2025-01-01", "2025-01-12", freq="D")
    b_days = bdays("2025-01-01", "2025-01-10")
    a = series(np.arange(len(a_days)) + 20.0, a_days, synthetic=True)
    b = series(np.full(len(b_days), 2.0), b_days, key="gold")
    r = ratio_series(a, b)
    assert list(r.frame.index) == list(b_days)
    assert r.close.iloc[-1] == pytest.approx((20 + 9) / 2)
    assert r.asset.key == "silver/gold" and r.provenance.synthetic and r.last_date == D(2025, 1, 10)
    with pytest.raises(InputError, match="two different assets"):
        ratio_series(a, a)


def test_ratio_lookup_percentile_and_range():
    days = bdays("2025-01-01", "2025-01-14")
    a = series([1, 2, 3, 4, 5, 6, 7, 8, 9, 5], days)
    b = series(np.ones(10), days, key="gold")
    r = ratio_lookup(a, b)
    assert r.ratio == 5.0 and r.percentile == pytest.approx(60.0)  # 1..5 and the last 5
    assert r.high.close == 9.0 and r.low.close == 1.0 and r.mean == pytest.approx(5.0)


# Edge cases: name -> (closes, dates) and what the lookup must do.
EDGE = {
    "empty": ([], []),
    "one bar": ([42.0], ["2025-01-02"]),
    "flat": ([7.0] * 30, bdays("2025-01-01", "2025-02-11")),
    "nan gaps": ([10.0, np.nan, 12.0, np.nan, 11.0], bdays("2025-01-01", "2025-01-07")),
}


@pytest.mark.parametrize("name", list(EDGE))
def test_price_lookup_edge_cases(name):
    closes, dates = EDGE[name]
    s = series(closes, dates)
    if name == "empty":
        with pytest.raises(InputError, match="no Silver prices"):
            price_lookup(s)
        return
    r = price_lookup(s)
    text = json.dumps(r.to_dict(), allow_nan=False)  # never NaN passed off as a number
    assert "NaN" not in text and len(r.summary()) <= 600
    if name == "one bar":
        assert all(v is None for v in r.change_pct.values()) and "1d n/a" in r.summary()
    if name == "flat":
        assert r.drawdown_from_ath_pct == 0 and r.change_pct["1d"] == 0
    if name == "nan gaps":
        assert (
            r.close == 11.0
            and r.bars == 3
            and r.change_pct["1d"] == pytest.approx((11 / 12 - 1) * 100)
        )


def test_json_has_the_issue_keys_and_demo_summaries_say_synthetic():
    market = Market(make_source("demo"))
    r = price_lookup(market.series("silver"))
    d = json.loads(json.dumps(r.to_dict()))
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
    assert set(d["all_time_high"]) == {"close", "date"} and d["as_of"] == r.as_of.isoformat()
    text = r.summary()
    assert len(text) <= 600 and "synthetic demo data" in text
    # Every figure in the summary is a field, formatted the same way.
    assert fmt_price(r.close) in text and fmt_price(r.all_time_high.close) in text
    assert fmt_pct(r.change_pct["1y"]) in text
    both = compare([market.series("silver"), market.series("gold"), market.series("btc")])
    assert len(both.summary()) <= 600 and "synthetic demo data" in both.summary()


def test_compose_keeps_provenance_and_never_exceeds_the_limit():
    from tools.results import compose

    closing = "Source: synthetic demo data (not real prices)."
    text = compose(["x" * 50 + " figure."] * 20, ["optional"], closing)
    assert len(text) <= 600 and text.endswith(closing)
    short = compose(["Close 1.00."], ["Extra 2.00.", "y" * 700], closing)
    assert short == f"Close 1.00. Extra 2.00. {closing}"
