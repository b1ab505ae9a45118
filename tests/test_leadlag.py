"""Lead/lag: reference equality with pandas, planted lags, the null rate, bad input, edge cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fakes import series

from tools.data import Market, make_source
from tools.errors import DateRangeError, InputError
from tools.formatting import corr as fmt_corr
from tools.formatting import pvalue as fmt_p
from tools.lagstats import lagged_corr
from tools.leadlag import aligned_returns, lead_lag


def walk(rng, n, vol=0.01) -> np.ndarray:
    return 100 * np.exp(np.cumsum(rng.normal(0, vol, n)))


def pandas_loop(x: pd.Series, y: pd.Series, k_max: int) -> np.ndarray:
    return np.array([x.corr(y.shift(-k)) for k in range(-k_max, k_max + 1)])


def planted_pair(seed=1, weeks=4, beta=0.6, years=10):
    """A business-day leader and a follower that repeats its returns 5*weeks bars later, plus
    noise."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2012-01-02", periods=261 * years)
    lead_ret = rng.normal(0, 0.01, len(days))
    shift = 5 * weeks
    fol_ret = np.r_[np.zeros(shift), beta * lead_ret[:-shift]] + rng.normal(0, 0.01, len(days))
    leader = series(100 * np.exp(np.cumsum(lead_ret)), days, key="silver")
    follower = series(100 * np.exp(np.cumsum(fol_ret)), days, key="bitcoin")
    return leader, follower


@pytest.mark.parametrize("freq, k_max", [("daily", 60), ("weekly", 26), ("monthly", 12)])
def test_corr_equals_the_pandas_shift_loop_for_every_lag(freq, k_max):
    rng = np.random.default_rng(3)
    btc_days = pd.date_range("2015-01-01", periods=3000, freq="D")
    ex_days = pd.bdate_range("2015-01-01", periods=2200)
    rets = aligned_returns(
        pd.Series(walk(rng, 3000), btc_days), pd.Series(walk(rng, 2200), ex_days), freq
    )
    r = lead_lag(
        series(np.exp(rets["leader"].cumsum()), rets.index),  # any series with these returns
        series(np.exp(rets["follower"].cumsum()), rets.index, key="bitcoin"),
        freq="daily",
        max_lag=k_max,
        permutations=0,
    )
    got, ref = lagged_corr(rets["leader"].to_numpy(), rets["follower"].to_numpy(), k_max)
    want = pandas_loop(rets["leader"], rets["follower"], k_max)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert [c.lag for c in r.lags] == list(range(-k_max, k_max + 1))
    np.testing.assert_allclose(
        [c.corr for c in r.lags][1:],
        pandas_loop(rets["leader"].iloc[1:], rets["follower"].iloc[1:], k_max)[1:],
        atol=1e-9,
    )
    assert [c.n for c in r.lags] == [len(rets) - 1 - abs(k) for k in range(-k_max, k_max + 1)]


def test_corr_with_nan_gaps_is_pairwise_complete_like_pandas():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=800), rng.normal(size=800) + 3.0
    x[rng.integers(0, 800, 60)] = np.nan
    y[rng.integers(0, 800, 90)] = np.nan
    got, pairs = lagged_corr(x, y, 40)
    sx, sy = pd.Series(x), pd.Series(y)
    np.testing.assert_allclose(got, pandas_loop(sx, sy, 40), atol=1e-9)
    assert list(pairs) == [int((sx.notna() & sy.shift(-k).notna()).sum()) for k in range(-40, 41)]


def test_weekly_alignment_takes_each_assets_last_close_in_the_week_ending_friday():
    days = pd.date_range("2025-01-04", "2025-01-26", freq="D")  # Saturday .. Sunday
    btc = pd.Series(np.arange(len(days)) + 100.0, days)
    ex = btc[days.day_of_week < 5] * 0 + np.arange((days.day_of_week < 5).sum()) + 10.0
    rets = aligned_returns(btc, ex, "weekly")
    assert [d.date().isoformat() for d in rets.index] == ["2025-01-17", "2025-01-24"]
    # Bitcoin's Friday 2025-01-10 close (index 6) to Friday 2025-01-17 (index 13).
    assert rets["leader"].iloc[0] == pytest.approx(np.log(113 / 106))


def test_a_follower_four_weeks_behind_gives_best_lag_4_and_significant():
    leader, follower = planted_pair()
    r = lead_lag(leader, follower, freq="weekly", max_lag=26, granger=True)
    assert r.best_lag.lag == 4 and r.best_lag.significant and r.best_lag.p_value_adjusted < 0.01
    assert r.stable_sign and all(s.corr > 0.3 for s in r.stability)
    assert r.granger is not None and r.granger.lag == 4 and r.granger.p_value < 0.001
    assert "Significant lead" in r.verdict and "by 4 weeks" in r.verdict
    daily = lead_lag(leader, follower, freq="daily", max_lag=60)
    assert daily.best_lag.lag == 20 and daily.best_lag.significant
    reverse = lead_lag(follower, leader, freq="weekly", max_lag=26)
    assert reverse.best_lag.lag == -4 and "other way round" in reverse.verdict


def test_independent_random_walks_are_rarely_significant():
    hits = 0
    days = pd.date_range("2010-01-01", periods=520, freq="W-FRI")
    for seed in range(100):
        rng = np.random.default_rng(1000 + seed)
        r = lead_lag(
            series(walk(rng, 520, 0.03), days),
            series(walk(rng, 520, 0.05), days, key="gold"),
            freq="weekly",
            max_lag=26,
            seed=seed,
        )
        hits += r.best_lag.significant
        if not r.best_lag.significant:
            assert "No significant lead/lag" in r.verdict
    assert hits <= 10, f"{hits} of 100 independent pairs came out significant"


def test_adjusted_p_values_are_seeded_and_reproducible():
    leader, follower = planted_pair(seed=5, beta=0.08, years=8)
    a = lead_lag(leader, follower, freq="weekly", seed=1)
    b = lead_lag(leader, follower, freq="weekly", seed=1)
    c = lead_lag(leader, follower, freq="weekly", seed=2)
    assert a.best_lag == b.best_lag
    assert a.best_lag.p_value_adjusted >= a.best_lag.p_value  # adjusting for the search never helps
    assert c.best_lag.corr == a.best_lag.corr and c.seed == 2


def test_bonferroni_when_permutations_are_off():
    leader, follower = planted_pair()
    r = lead_lag(leader, follower, freq="weekly", max_lag=10, permutations=0)
    assert r.best_lag.p_value_adjusted == pytest.approx(min(1.0, r.best_lag.p_value * 21))
    assert "Bonferroni" in r.adjustment


def bad_cases():
    rng = np.random.default_rng(0)
    days = pd.bdate_range("2020-01-01", periods=600)
    a, b = series(walk(rng, 600), days), series(walk(rng, 600), days, key="gold")
    flat = series(np.full(600, 5.0), days, key="gold")
    return {
        "unknown frequency": (
            (a, b),
            {"freq": "hourly"},
            InputError,
            "use daily, weekly or monthly",
        ),
        "same asset": ((a, a), {}, InputError, "two different assets"),
        "start after end": (
            (a, b),
            {"start": pd.Timestamp("2021-01-01").date(), "end": pd.Timestamp("2020-06-01").date()},
            DateRangeError,
            "swap them",
        ),
        "start after the data": (
            (a, b),
            {"start": pd.Timestamp("2030-01-01").date()},
            DateRangeError,
            "they run from 2020-01-10 to",
        ),
        "end before the data": (
            (a, b),
            {"end": pd.Timestamp("2019-01-01").date()},
            DateRangeError,
            "they run from",
        ),
        "max lag too large": ((a, b), {"freq": "weekly", "max_lag": 100}, InputError, "at most 90"),
        "max lag zero": ((a, b), {"max_lag": 0}, InputError, "at least 1"),
        "too few returns": ((a, b), {"freq": "monthly"}, InputError, "needs at least 31"),
        "flat series": ((a, flat), {}, InputError, "do not change"),
        "negative permutations": ((a, b), {"permutations": -1}, InputError, "from 0"),
    }


@pytest.mark.parametrize("name", list(bad_cases()))
def test_bad_input_says_what_is_valid(name):
    args, kwargs, error, message = bad_cases()[name]
    with pytest.raises(error, match=message) as info:
        lead_lag(*args, **kwargs)
    assert "\n" not in str(info.value)


EDGE_DAYS = pd.bdate_range("2020-01-01", periods=400)


def edge_cases():
    rng = np.random.default_rng(4)
    gappy = walk(rng, 400)
    gappy[rng.integers(0, 400, 40)] = np.nan
    return {
        "empty": (series([], EDGE_DAYS[:0]), InputError),
        "one bar": (series([10.0], EDGE_DAYS[:1]), InputError),
        "flat": (series(np.full(400, 3.0), EDGE_DAYS), InputError),
        "nan gaps": (series(gappy, EDGE_DAYS), None),
        "24/7 against exchange": (
            series(walk(rng, 560), pd.date_range("2020-01-01", periods=560)),
            None,
        ),
    }


@pytest.mark.parametrize("name", list(edge_cases()))
def test_edge_cases(name):
    leader, error = edge_cases()[name]
    rng = np.random.default_rng(9)
    follower = series(walk(rng, 400), EDGE_DAYS, key="bitcoin")
    if error is not None:
        with pytest.raises(error):
            lead_lag(leader, follower, freq="daily", max_lag=5)
        return
    r = lead_lag(leader, follower, freq="daily", max_lag=5, permutations=200)
    json.dumps(r.to_dict(), allow_nan=False)
    expected = len(aligned_returns(leader.close, follower.close, "daily"))
    assert r.n_obs == expected and r.n_obs < 400
    if name == "24/7 against exchange":
        assert r.n_obs == 399  # only the weekdays both have


def test_demo_finds_the_planted_silver_lead_and_says_it_is_synthetic():
    market = Market(make_source("demo"))
    r = lead_lag(market.series("silver"), market.series("btc"), freq="weekly")
    assert r.best_lag.lag == 4 and r.best_lag.significant
    text = r.summary()
    assert len(text) <= 600 and "synthetic demo data" in text and "synthetic demo data" in r.verdict
    assert fmt_corr(r.best_lag.corr) in text and fmt_p(r.best_lag.p_value_adjusted) in text
    d = json.loads(json.dumps(r.to_dict()))
    for key in ("leader", "follower", "freq", "n_obs", "lags", "best_lag", "stability"):
        assert key in d
    assert set(d["lags"][0]) == {"lag", "corr", "n", "p_value"}
    assert {"lag", "corr", "p_value", "p_value_adjusted", "significant"} <= set(d["best_lag"])
    assert "event_study" not in d and len(d["stability"]) == 3


def test_summaries_stay_within_600_characters_for_every_demo_pair_shape():
    market = Market(make_source("demo"))
    pairs = [("us10y", "nasdaq"), ("ethereum", "platinum"), ("dxy", "bitcoin"), ("crude", "copper")]
    for leader, follower in pairs:
        r = lead_lag(
            market.series(leader),
            market.series(follower),
            freq="monthly",
            permutations=100,
            granger=True,
            events=True,
        )
        for text in (r.summary(), r.event_study.summary()):
            assert len(text) <= 600 and text.endswith("(not real prices); data to 2026-10-30.")
