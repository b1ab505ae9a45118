"""The calendar-period change: from the last close before the period to the last close in it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from assistant.lc_tools import ToolContext, run_tool
from assistant.registry import Kind, ToolName, read
from tests.fakes import series
from tools.data import DemoSource, Market
from tools.errors import DateRangeError
from tools.periods import PeriodChange, period_change

D = dt.date
DAYS = pd.bdate_range("2023-12-20", "2025-01-10")
CLOSES = np.arange(len(DAYS)) + 100.0  # close = 100 + bar number: every figure is checkable
S = series(CLOSES, DAYS, key="gold")


def close(day: str) -> float:
    return float(CLOSES[DAYS.get_loc(pd.Timestamp(day))])


def test_a_year_runs_from_the_last_close_before_it_to_its_last_close():
    r = period_change(S, D(2024, 1, 1), D(2024, 12, 31), "2024")
    assert r.base.date == D(2023, 12, 29) and r.base.close == close("2023-12-29")
    assert r.last.date == D(2024, 12, 31) and r.last.close == close("2024-12-31")
    assert r.change_pct == pytest.approx((close("2024-12-31") / close("2023-12-29") - 1) * 100)
    assert r.trading_days == len(pd.bdate_range("2024-01-01", "2024-12-31"))
    assert (r.high.date, r.low.date) == (D(2024, 12, 31), D(2024, 1, 1))
    assert not r.base_inside and not r.so_far
    assert "2024 (2024-01-01 to 2024-12-31)" in r.summary() and "2023-12-29" in r.summary()


def test_one_day_is_that_days_move_and_a_weekend_has_no_trading_day():
    r = period_change(S, D(2024, 3, 5), D(2024, 3, 5))
    assert (r.base.date, r.last.date, r.trading_days) == (D(2024, 3, 4), D(2024, 3, 5), 1)
    with pytest.raises(DateRangeError, match="no trading day in 2024-03-09; its last close"):
        period_change(S, D(2024, 3, 9), D(2024, 3, 9))


def test_a_period_the_data_starts_inside_or_runs_past():
    r = period_change(S, D(2023, 1, 1), D(2023, 12, 31), "2023")
    assert r.base_inside and r.base.date == D(2023, 12, 20)
    since = period_change(S, D(2025, 1, 1), None, "since 2025")
    assert since.last.date == D(2025, 1, 10) and not since.so_far
    ahead = period_change(S, D(2025, 1, 1), D(2025, 3, 31), "Q1 2025")
    assert ahead.so_far and "so far" in ahead.summary()


@pytest.mark.parametrize(
    "start, end, words",
    [
        (D(1999, 1, 1), D(1999, 12, 31), "Gold's data starts on 2023-12-20, after 1999"),
        (D(2026, 1, 1), D(2026, 12, 31), "Gold's data ends on 2025-01-10, before 2026 begins"),
        (D(2024, 5, 1), D(2024, 4, 1), "ends \\(2024-04-01\\) before it starts"),
    ],
)
def test_periods_outside_the_data_say_which_dates_are_valid(start, end, words):
    with pytest.raises(DateRangeError, match=words):
        period_change(S, start, end, str(start.year) if start.year != 2024 else None)


def test_the_tool_reads_back_typed_and_rejects_a_missing_start():
    ctx = ToolContext(market=Market(DemoSource()))
    msg = run_tool(ToolName.PERIOD, {"asset": "gold", "start": "2024-01-01", "end": "2024-12-31",
                                     "label": "2024"}, ctx)  # fmt: skip
    result = read(msg.artifact)
    assert msg.artifact["kind"] == Kind.PERIOD and isinstance(result, PeriodChange)
    assert result.label == "2024" and result.last.date <= dt.date(2024, 12, 31)
    assert "synthetic demo data" in msg.content
    bad = run_tool(ToolName.PERIOD, {"asset": "gold", "start": ""}, ctx)
    assert bad.content.startswith("Input error: period_change needs a start date")
