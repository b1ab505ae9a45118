"""The analyses on real histories in ../shared/market-data (skipped when the folder is absent)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tools.breakouts import find_breakouts
from tools.data import Market, make_source
from tools.lagstats import lagged_corr
from tools.leadlag import aligned_returns, lead_lag
from tools.prices import close_on, first_close_at_or_above, price_lookup

pytestmark = pytest.mark.realdata
D = dt.date


@pytest.fixture
def market(market_data):
    return Market(make_source(f"csv:{market_data}"))


def test_silver_broke_its_2011_record_on_2025_10_08(market):
    r = find_breakouts(market.series("silver"))
    ep = next(e for e in r.episodes if e.start.year == 2025)
    assert ep.start == D(2025, 10, 8)
    assert ep.prior_record == pytest.approx(48.584) and ep.prior_record_date == D(2011, 4, 29)
    assert ep.start_close > 48.584
    before = [e for e in r.episodes if e.start < D(2025, 1, 1)]
    assert max(e.peak for e in before) == pytest.approx(48.584)


def test_silver_first_closed_at_or_above_100_on_2026_01_23(market):
    silver = market.series("silver")
    hit = close_on(silver, D(2026, 1, 23))
    assert hit.exact and hit.close == pytest.approx(100.925)
    cross = first_close_at_or_above(silver, 100)
    assert cross.date == D(2026, 1, 23) and cross.close == pytest.approx(100.925)
    assert cross.prior_high.close < 100


def test_as_of_reproduces_the_breakout_as_it_was_seen(market_data):
    market = Market(make_source(f"csv:{market_data}"), as_of=D(2025, 10, 10))
    r = find_breakouts(market.series("silver"))
    assert r.as_of <= D(2025, 10, 10) and r.breaking_out and r.episodes[-1].start == D(2025, 10, 8)
    p = price_lookup(market.series("silver"))
    assert p.all_time_high.date >= D(2025, 10, 8) and p.drawdown_from_ath_pct <= 0


def test_real_lag_matches_pandas_and_does_not_claim_synthetic_data(market):
    silver, btc = market.series("silver"), market.series("btc")
    rets = aligned_returns(silver.close, btc.close, "daily")
    got, _ = lagged_corr(rets["leader"].to_numpy(), rets["follower"].to_numpy(), 30)
    want = [rets["leader"].corr(rets["follower"].shift(-k)) for k in range(-30, 31)]
    np.testing.assert_allclose(got, want, atol=1e-9)
    r = lead_lag(silver, btc, freq="weekly")
    assert r.n_obs > 500 and "synthetic" not in r.summary() and len(r.summary()) <= 600
    assert r.verdict and "Source: CSV silver.csv; CSV btc.csv" in r.summary()
