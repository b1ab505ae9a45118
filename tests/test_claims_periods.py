"""Claims that name a calendar period ("in 2024", "in Q1 2025", "last year"), negated level claims
("has never traded above", "did not reach ... in 2024") and "X has lagged Y this year" (X did
worse), on the real data (../shared, skipped when absent) and on planted series. Every expected
figure is worked out here with pandas from the CSV files or the planted closes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import MARKET_DATA

from assistant.claims.check import check_document
from assistant.claims.source import from_text
from tools.claimcheck import check_claims
from tools.claimdates import document_span
from tools.claims import Claim, DocumentMeta
from tools.data import CsvSource, Market

FILES = {"gold": "gold", "silver": "silver", "bitcoin": "btc", "sp500": "spx"}


@pytest.fixture(scope="module")
def real():
    if not (MARKET_DATA / "silver.csv").is_file():
        pytest.skip("../shared (market data) is not present")
    frames = {
        k: pd.read_csv(MARKET_DATA / f"{f}.csv", parse_dates=["date"], index_col="date")
        for k, f in FILES.items()
    }
    return Market(CsvSource(MARKET_DATA)), frames


def one(market: Market, text: str, as_of: str | None = None):
    day = dt.date.fromisoformat(as_of) if as_of else None
    report = check_document(from_text(text), market, as_of=day, classifier=False)
    assert len(report.checks) == 1, [c.claim.quote for c in report.checks]
    return report.checks[0]


def period_change(close: pd.Series, start: str, end: str) -> tuple[float, str, str]:
    """From the last close before ``start`` to the last close on or before ``end``."""
    base = close.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)].dropna()
    last = close.loc[:end].dropna()
    pct = (last.iloc[-1] / base.iloc[-1] - 1) * 100
    return pct, str(base.index[-1].date()), str(last.index[-1].date())


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("text", "a", "b", "start", "end", "verdict"),
    [
        ("Gold outperformed the S&P 500 in the first quarter of 2025.", "gold", "sp500",
         "2025-01-01", "2025-03-31", "supported"),
        ("Gold outperformed the S&P 500 in Q1 2025.", "gold", "sp500",
         "2025-01-01", "2025-03-31", "supported"),
        ("Silver outperformed gold in 2025.", "silver", "gold",
         "2025-01-01", "2025-12-31", "supported"),
        ("Bitcoin outperformed gold during 2024.", "bitcoin", "gold",
         "2024-01-01", "2024-12-31", "supported"),
        ("The S&P 500 outperformed gold in 2025.", "sp500", "gold",
         "2025-01-01", "2025-12-31", "contradicted"),
    ],
)  # fmt: skip
def test_relative_performance_over_a_named_period(real, text, a, b, start, end, verdict):
    market, frames = real
    check = one(market, text, "2026-02-27")
    pa, a0, a1 = period_change(frames[a]["close"], start, end)
    pb, b0, b1 = period_change(frames[b]["close"], start, end)
    assert check.verdict == (verdict if (pa > pb) == (verdict == "supported") else "?")
    assert check.figures[f"{a}_{check.claim.window}_pct"] == pytest.approx(pa, abs=0.006)
    assert check.figures[f"{b}_{check.claim.window}_pct"] == pytest.approx(pb, abs=0.006)
    for day in (a0, a1, b0, b1):  # both closes of each change are stated
        assert day in check.reason
    assert [c.tool for c in check.calls] == ["periods.period_change"] * 2


@pytest.mark.realdata
def test_last_year_is_the_calendar_year_before_the_texts_today(real):
    market, frames = real
    check = one(market, "Silver outperformed gold last year.", "2025-06-30")
    ps, *_ = period_change(frames["silver"]["close"], "2024-01-01", "2024-12-31")
    pg, *_ = period_change(frames["gold"]["close"], "2024-01-01", "2024-12-31")
    assert check.figures["silver_year:last_pct"] == pytest.approx(ps, abs=0.006)
    assert check.figures["gold_year:last_pct"] == pytest.approx(pg, abs=0.006)
    assert check.verdict == ("supported" if ps > pg + 0.5 else "contradicted")


@pytest.mark.realdata
def test_a_level_hit_in_a_named_year(real):
    market, frames = real
    check = one(market, "Bitcoin hit $100,000 in 2024.")
    close = frames["bitcoin"]["close"].loc["2024"]
    first = close[close >= 100_000]
    assert check.verdict == "supported"
    assert check.figures["first_close_date"] == str(first.index[0].date())
    assert check.figures["first_close"] == pytest.approx(first.iloc[0], abs=0.01)


@pytest.mark.realdata
def test_a_level_in_a_named_month_looks_at_that_month_only(real):
    market, frames = real
    check = one(market, "Gold hit $3,500 in April 2025.", "2025-06-30")
    april = frames["gold"]["close"].loc["2025-04"]
    assert check.figures["best_close"] == pytest.approx(april.max(), abs=0.01)
    assert check.figures["best_close_date"] == str(april.idxmax().date())
    assert "2025-06" not in check.reason
    assert check.verdict in ("not supported", "partly supported")


@pytest.mark.realdata
def test_a_year_so_far_ends_at_the_date_tested(real):
    market, frames = real
    check = one(market, "Silver closed above $40 in 2025.", "2025-06-30")
    so_far = frames["silver"]["close"].loc["2025-01-01":"2025-06-30"]
    assert so_far.max() < 40
    assert check.figures["best_close"] == pytest.approx(so_far.max(), abs=0.01)
    assert check.figures["best_close_date"] == str(so_far.idxmax().date())


@pytest.mark.realdata
def test_never_traded_above_is_contradicted_by_the_highest_close(real):
    market, frames = real
    check = one(market, "Bitcoin has never traded above $120,000.")
    close = frames["bitcoin"]["close"]
    assert close.max() > 120_000
    assert check.verdict == "contradicted"
    assert check.figures["best_close"] == pytest.approx(close.max(), abs=0.01)
    assert check.figures["best_close_date"] == str(close.idxmax().date())


@pytest.mark.realdata
def test_did_not_reach_in_a_year_is_supported_by_that_years_highest_close(real):
    market, frames = real
    check = one(market, "Gold did not reach $3,000 in 2024.", "2025-06-30")
    year = frames["gold"]["close"].loc["2024"]
    assert year.max() < 3000
    assert check.verdict == "supported"
    assert check.figures["best_close"] == pytest.approx(year.max(), abs=0.01)
    assert check.figures["best_close_date"] == str(year.idxmax().date())
    assert "2025" not in check.reason.split("did not reach")[1]


@pytest.mark.realdata
def test_has_lagged_this_year_means_did_worse(real):
    market, frames = real
    check = one(market, "Bitcoin has lagged silver this year.", "2025-06-30")
    ps, *_ = period_change(frames["silver"]["close"], "2025-01-01", "2025-06-30")
    pb, *_ = period_change(frames["bitcoin"]["close"], "2025-01-01", "2025-06-30")
    assert check.claim.kind == "relative"
    assert check.figures["silver_ytd_pct"] == pytest.approx(ps, abs=0.006)
    assert check.figures["bitcoin_ytd_pct"] == pytest.approx(pb, abs=0.006)
    assert check.verdict == ("supported" if pb < ps - 0.5 else "contradicted")


# --- planted series: a quarter and a negated level, with no real data needed ---------------


def planted(tmp_path) -> Market:
    days = pd.bdate_range("2023-01-02", "2025-12-31")
    t = np.arange(len(days))
    rng = np.random.default_rng(7)
    a = 100 * np.exp(np.cumsum(rng.normal(0, 0.004, len(days))))
    b = 100 * np.exp(np.cumsum(rng.normal(0, 0.004, len(days))))
    q1 = (days >= "2025-01-01") & (days <= "2025-03-31")
    a[q1] *= np.linspace(1.0, 1.3, q1.sum())  # gold +30% in Q1 2025, then back
    a[days > "2025-03-31"] *= 1.0
    b[days >= "2025-04-01"] *= 1.4  # silver jumps after Q1: a trailing window would favour it
    for key, close in (("gold", a), ("silver", b)):
        frame = pd.DataFrame({"date": days, "open": close, "high": close * 1.001,
                              "low": close * 0.999, "close": close, "volume": t})  # fmt: skip
        frame.to_csv(tmp_path / f"{key}.csv", index=False)
    return Market(CsvSource(tmp_path))


def test_a_quarter_is_tested_over_the_quarter_not_a_trailing_window(tmp_path):
    market = planted(tmp_path)
    claim = Claim("Gold outperformed silver in Q1 2025.", "relative", "gold", ["silver"],
                  direction="outperform", window="period:2025-01-01..2025-03-31")  # fmt: skip
    span = document_span(dt.date(2025, 6, 30))
    check = check_claims([claim], market, span, DocumentMeta("planted")).checks[0]
    frames = {k: pd.read_csv(tmp_path / f"{k}.csv", parse_dates=["date"], index_col="date")
              for k in ("gold", "silver")}  # fmt: skip
    pg, *_ = period_change(frames["gold"]["close"], "2025-01-01", "2025-03-31")
    ps, *_ = period_change(frames["silver"]["close"], "2025-01-01", "2025-03-31")
    assert pg > ps + 10
    assert check.verdict == "supported"
    assert check.figures["gold_period:2025-01-01..2025-03-31_pct"] == pytest.approx(pg, abs=0.006)


def test_a_negated_level_flips_the_verdict(tmp_path):
    market = planted(tmp_path)
    gold = pd.read_csv(tmp_path / "gold.csv", parse_dates=["date"], index_col="date")["close"]
    top = float(gold.loc[:"2025-06-30"].max())
    span = document_span(dt.date(2025, 6, 30))
    above = Claim("Gold has never traded above it.", "level", "gold", level=top * 0.99,
                  direction="above", negated=True)  # fmt: skip
    below = Claim("Gold has never traded above it.", "level", "gold", level=top * 1.2,
                  direction="above", negated=True)  # fmt: skip
    checks = check_claims([above, below], market, span, DocumentMeta("planted")).checks
    assert [c.verdict for c in checks] == ["contradicted", "supported"]
    assert checks[0].figures["best_close"] == pytest.approx(top, abs=0.001)
    assert checks[1].figures["best_close"] == pytest.approx(top, abs=0.001)
