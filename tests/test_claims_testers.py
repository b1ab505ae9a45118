"""Claim testers on generated series with planted truth: a 4-week lag reported as supported and
an absent one as not supported, levels reached and missed, records, relative moves, divergences,
base rates, macro proxies, missing data, and the date a document is tested at."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from fakes import series

from assistant.claims.check import check_document
from knowledge.loaders import Document
from tools.data import Market
from tools.errors import DataUnavailableError

DAYS = pd.bdate_range("2016-01-04", "2025-12-31", name="date")


class FrameSource:
    """Closes given in the test, served like any price source."""

    name = "generated"
    live = False

    def __init__(self, closes: dict[str, pd.Series]):
        self.closes = closes

    def history(self, asset, refresh: bool = False):
        if asset.key not in self.closes:
            raise DataUnavailableError(f"No generated series for {asset.key}.")
        c = self.closes[asset.key]
        return series(c.to_numpy(), dates=c.index, key=asset.key)


def walk(seed: int, drift: float = 0.0, vol: float = 0.012, start: float = 100.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(start * np.exp(np.cumsum(drift + vol * rng.standard_normal(len(DAYS)))), DAYS)


def lagged(leader: pd.Series, lag_days: int, seed: int, weight: float = 0.7) -> pd.Series:
    """A follower whose daily return echoes the leader's ``lag_days`` business days later."""
    r = np.log(leader).diff().fillna(0.0).to_numpy()
    echo = np.concatenate([np.zeros(lag_days), r[:-lag_days]])
    own = np.random.default_rng(seed).standard_normal(len(r)) * r.std()
    return pd.Series(50.0 * np.exp(np.cumsum(weight * echo + own)), leader.index)


def doc(text: str, published: str | None = None) -> Document:
    day, precision = None, "day"
    if published:
        precision = "month" if len(published) == 7 else "day"
        day = dt.date.fromisoformat(published + ("-01" if precision == "month" else ""))
    return Document(title="Test note", text=text, source="test", published=day,
                    published_precision=precision)  # fmt: skip


def verdicts(text: str, closes: dict, published: str | None = None, **kw) -> list[str]:
    report = check_document(
        doc(text, published), Market(FrameSource(closes)), classifier=False, **kw
    )
    assert report.grounding["ok"], report.grounding
    return [c.verdict for c in report.checks]


@pytest.fixture(scope="module")
def lag_world() -> dict:
    return make_lag_world()


def make_lag_world() -> dict:
    silver = walk(1)
    return {
        "silver": silver,
        "bitcoin": lagged(silver, 20, seed=2),  # 20 business days: four weeks
        "gold": walk(3),
        "sp500": walk(4),
    }


def test_a_planted_four_week_lag_is_supported_and_an_absent_one_is_not(lag_world):
    got = verdicts(
        "Bitcoin follows silver with a lag of about four weeks. Gold leads the S&P 500 by a "
        "month. Silver follows bitcoin with a lag of weeks to months. Bitcoin follows silver "
        "with a lag of 10 to 20 weeks.",
        lag_world,
        "2025-12-15",
    )
    assert got == ["supported", "not supported", "contradicted", "partly supported"]


def test_the_lead_lag_reason_names_the_best_lag_and_the_adjusted_p_value(lag_world):
    report = check_document(
        doc("Bitcoin follows silver with a lag of about four weeks.", "2025-12-15"),
        Market(FrameSource(lag_world)),
        classifier=False,
    )
    (check,) = report.checks
    assert check.figures["silver_bitcoin_best_lag"] == 4
    assert "Silver leads Bitcoin by 4 weeks" in check.reason
    assert "adjusted p < 0.001), inside the claimed 3 to 5 weeks" in check.reason
    assert [c.tool for c in check.calls] == ["leadlag.lead_lag"]
    assert check.leadlag[0].best_lag.significant


@pytest.fixture(scope="module")
def rally_world() -> dict:
    return make_rally_world()


def make_rally_world() -> dict:
    """Silver climbs 40% over its last three months; gold barely moves; bitcoin is flat; platinum
    rises with silver; the dollar index falls."""
    base = walk(5, vol=0.004)
    ramp = np.clip((np.arange(len(DAYS)) - (len(DAYS) - 63)) / 63, 0, 1)
    silver = base * np.exp(ramp * np.log(1.4))
    return {
        "silver": silver,
        "gold": walk(6, vol=0.004),
        "bitcoin": walk(7, vol=0.004),
        "platinum": walk(8, vol=0.004) * np.exp(ramp * np.log(1.35)),
        "dxy": walk(9, vol=0.002) * np.exp(-ramp * 0.06),
    }


def test_levels_records_moves_and_comparisons_get_the_planted_verdicts(rally_world):
    silver = rally_world["silver"]
    top = float(silver.max())  # set on the last bars by construction
    assert silver.idxmax() >= silver.index[-5]
    text = (
        f"Silver hit ${top * 0.95:.0f} today, setting a new all-time high. "
        f"Silver hit ${top * 1.5:.0f} today. "
        "Silver has rallied for months. Silver fell sharply this month. "
        "Silver has outperformed gold over the past three months. "
        "Gold has outperformed silver over the past three months. "
        "Bitcoin hasn't followed silver. Platinum hasn't followed silver. "
        "The dollar is weakening. Real yields are falling."
    )
    got = verdicts(text, rally_world, silver.index[-1].date().isoformat())
    assert got == [
        "supported",  # level reached and a record on the last bars
        "contradicted",  # the level is 50% above the highest close
        "supported",
        "contradicted",
        "supported",
        "contradicted",
        "supported",  # bitcoin stayed flat
        "contradicted",  # platinum went most of the way with silver
        "supported",
        "not testable",  # no us10y series: the proxy is missing
    ]


def test_a_month_precision_document_is_tested_at_the_last_trading_day_of_that_month(rally_world):
    text = "Silver has rallied for months. Gold has been flat."
    report = check_document(
        doc(text, "2024-03"), Market(FrameSource(rally_world)), classifier=False
    )
    closes = rally_world["silver"]
    expected = closes.loc[:"2024-03-31"].index[-1].date()
    assert report.tested_at == expected == dt.date(2024, 3, 29)
    assert "month precision" in report.tested_note and "2024-03-31" in report.tested_note
    move = report.checks[0]
    start = closes.loc[: str(dt.date(2023, 12, 29))].iloc[-1]
    assert move.figures["change_3m_pct"] == round((closes.loc[str(expected)] / start - 1) * 100, 2)
    assert move.since.startswith("From 2024-03-29 to 2025-12-31")


def test_as_of_overrides_the_document_date_and_an_undated_text_uses_its_own_now(rally_world):
    market = Market(FrameSource(rally_world))
    report = check_document(
        doc("Silver has rallied for months."), market, classifier=False, as_of=dt.date(2022, 6, 15)
    )
    assert report.tested_at == dt.date(2022, 6, 15) and "asked for" in report.tested_note
    report = check_document(
        doc("Silver rallied in May 2023, the metals' month."), market, classifier=False
    )
    assert report.tested_at == dt.date(2023, 5, 31) and "May 2023" in report.tested_note
    report = check_document(doc("Silver has rallied for months."), market, classifier=False)
    assert report.tested_at == dt.date(2025, 12, 31) and "latest data" in report.tested_note


def test_a_level_hit_in_the_month_counts_and_since_reports_the_record_after_it():
    days = pd.bdate_range("2020-01-01", "2024-06-28", name="date")
    values = np.full(len(days), 50.0)
    jan = np.flatnonzero((days >= "2024-01-01") & (days <= "2024-01-31"))
    values[jan[10]] = 102.0  # "hit $101" on one January day, a record
    values[jan[13]] = 115.0  # the peak three business days later
    values[jan[14] :] = 70.0  # then back down for good
    closes = {"silver": pd.Series(values, days)}
    report = check_document(
        doc("Silver hit $101 today, setting a new all-time high.", "2024-01"),
        Market(FrameSource(closes)),
        classifier=False,
    )
    (check,) = report.checks
    hit, peak = days[jan[10]].date(), days[jan[13]].date()
    assert check.verdict == "supported"
    assert f"first closed at or above 101.00 on {hit} (102.00)" in check.reason
    assert f"The close of 102.00 on {hit} was a new all-time closing high" in check.reason
    assert check.since == (
        f"Record 115.00 on {peak}, {(peak - hit).days} days after {hit}; now 70.00 (2024-06-28), "
        "-39.13% from it."
    )


def test_a_base_rate_is_the_share_of_rolling_windows_worked_out_with_pandas():
    gold = walk(11, drift=0.0008, vol=0.006)
    silver = walk(12, drift=0.0, vol=0.012)
    closes = {"silver": silver, "gold": gold}
    report = check_document(
        doc("Silver outperforming gold doesn't happen too often.", "2025-12-31"),
        Market(FrameSource(closes)),
        classifier=False,
    )
    (check,) = report.checks
    ratio = silver / gold
    back = ratio.index - pd.DateOffset(months=3)
    start = ratio.reindex(back, method="ffill").to_numpy()
    ok = back >= ratio.index[0]
    change = ratio.to_numpy()[ok] / start[ok] - 1
    share = float(np.mean(change > 0) * 100)
    assert check.figures["share_pct"] == round(share, 2)
    assert check.figures["windows"] == int(ok.sum())
    expected = "supported" if share <= 100 / 3 else "not supported"
    assert share < 50 and check.verdict in (expected, "partly supported")


def test_claims_the_data_cannot_test_say_why(rally_world):
    report = check_document(
        doc("Ether has rallied for months. Silver's supply deficit is widening.", "2025-12-31"),
        Market(FrameSource(rally_world)),
        classifier=False,
    )
    first, second = report.checks
    assert first.verdict == second.verdict == "not testable"
    assert "no price data for ethereum" in first.reason
    assert "supply and demand" in second.reason
    report = check_document(
        doc("Silver has rallied for months.", "2010-01-15"),
        Market(FrameSource(rally_world)),
        classifier=False,
    )
    assert report.checks[0].verdict == "not testable" and "2016-01-04" in report.checks[0].reason
