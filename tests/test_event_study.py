"""Event study: forward returns after the leader's breakouts against unconditional ones."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fakes import series

from tools.breakouts import find_breakouts
from tools.data import Market, make_source
from tools.errors import InputError
from tools.event_study import MIN_EVENTS, event_study
from tools.formatting import pct as fmt_pct
from tools.leadlag import lead_lag


def staircase(n_events: int, spacing: int = 60):
    """A leader that makes a new 252-bar high every ``spacing`` bars and is flat-ish between."""
    rng = np.random.default_rng(2)
    n = 300 + n_events * spacing + 200
    c = 100 + rng.uniform(-1, 1, n)
    marks = [300 + i * spacing for i in range(n_events)]
    for i, t in enumerate(marks):
        c[t] = 110 + 2 * i
        c[t + 1 :] = np.minimum(c[t + 1 :], 100 + 2 * i + 1)
    return c, marks, pd.bdate_range("2010-01-04", periods=n)


def test_follower_that_jumps_after_each_breakout_is_detected():
    c, marks, days = staircase(12)
    rng = np.random.default_rng(3)
    ret = rng.normal(0, 0.01, len(days))
    ret[[t + 2 for t in marks]] += 0.10  # a 10% jump two bars after each breakout
    leader = series(c, days)
    follower = series(100 * np.exp(np.cumsum(ret)), days, key="bitcoin")
    es = event_study(leader, follower, horizons=(1, 4))
    starts = [e.start for e in find_breakouts(leader, window=252).episodes]
    assert es.events == starts and len(es.events) == 12
    assert [d for d in es.events] == [days[t].date() for t in marks]
    one = es.horizons[0]
    assert one.count == 12 and one.mean_pct > one.baseline_mean_pct + 5
    assert one.p_value < 0.01 and one.hit_rate_pct > 90 and es.conclusive
    assert "differ from usual" in es.verdict


def test_forward_returns_follow_the_definition():
    c, _, days = staircase(8)
    close = pd.Series(np.linspace(50, 150, len(days)), days)
    es = event_study(
        series(c, days), series(close.to_numpy(), days, key="bitcoin"), horizons=(1,), draws=100
    )

    def forward(day) -> float:  # last close on or before day + 7 against the last on or before day
        t0 = pd.Timestamp(day)
        return np.log(close[: t0 + pd.Timedelta(days=7)].iloc[-1] / close[:t0].iloc[-1]) * 100

    h = es.horizons[0]
    assert h.count == 8 and h.mean_pct == pytest.approx(np.mean([forward(e) for e in es.events]))
    assert h.baseline_count == len(days[days <= days[-1] - pd.Timedelta(days=7)])


def test_too_few_events_is_stated_plainly():
    c, _, days = staircase(3)
    rng = np.random.default_rng(1)
    es = event_study(
        series(c, days),
        series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days)))), days, key="gold"),
    )
    assert len(es.events) == 3 and not es.conclusive and es.verdict.startswith("Too few events")
    assert str(MIN_EVENTS) in es.verdict and len(es.summary()) <= 600


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"horizons": (0,)}, "1 to 520"),
        ({"horizons": ()}, "1 to 520"),
        ({"draws": 5}, "at least 100"),
    ],
)
def test_bad_event_study_input(kwargs, message):
    c, _, days = staircase(3)
    with pytest.raises(InputError, match=message):
        event_study(series(c, days), series(c, days, key="gold"), **kwargs)
    with pytest.raises(InputError, match="two different assets"):
        event_study(series(c, days), series(c, days))


def test_lag_with_events_on_demo_data_reports_the_event_study():
    market = Market(make_source("demo"))
    r = lead_lag(market.series("silver"), market.series("btc"), freq="weekly", events=True)
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    es = d["event_study"]
    assert [h["horizon_weeks"] for h in es["horizons"]] == [1, 4, 13, 26]
    for key in ("count", "mean_pct", "median_pct", "hit_rate_pct", "baseline_mean_pct", "p_value"):
        assert key in es["horizons"][0]
    summary = r.event_study.summary()
    assert len(summary) <= 600 and "synthetic demo data" in summary
    assert fmt_pct(r.event_study.horizons[1].mean_pct) in summary
