"""The seed article on the real data (../shared, skipped when absent): every testable claim gets
the verdict the data gives, worked out here with pandas from the CSV files, independently of the
tools (their own numeric code is not used)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import COMMENTARY, MARKET_DATA
from scipy import stats

from assistant.claims.check import check_document
from assistant.claims.source import from_file, from_text
from tools.data import CsvSource, Market

pytestmark = pytest.mark.realdata
ARTICLE = "silvers-defensive-rally.txt"
TESTED = "2026-01-30"  # the article names January 2026 as its present: the month's last trading day


@pytest.fixture(scope="module")
def seed():
    market_data, commentary = MARKET_DATA, COMMENTARY
    if not (market_data / "silver.csv").is_file() or not (commentary / ARTICLE).is_file():
        pytest.skip("../shared (market data and the seed article) is not present")
    doc = from_file(commentary / ARTICLE)
    report = check_document(doc, Market(CsvSource(market_data)), classifier=False)
    closes = {
        k: pd.read_csv(market_data / f"{f}.csv", parse_dates=["date"], index_col="date")
        for k, f in (("silver", "silver"), ("gold", "gold"), ("bitcoin", "btc"), ("dxy", "dxy"))
    }
    return report, closes


def find(report, start: str):
    hits = [c for c in report.checks if c.claim.quote.replace("’", "'").startswith(start)]
    assert len(hits) == 1, [c.claim.quote for c in report.checks]
    return hits[0]


def close_at(frame, day: str) -> float:
    return float(frame["close"].loc[:day].iloc[-1])


def change(frame, end: str, months: int) -> float:
    back = (pd.Timestamp(end) - pd.DateOffset(months=months)).strftime("%Y-%m-%d")
    return (close_at(frame, end) / close_at(frame, back) - 1) * 100


def typical(frame, end: str, months: int) -> float:
    """Half a typical move over the window: 0.5 x sd of daily log returns (3 years) x sqrt(bars)."""
    c = frame["close"].loc[:end]
    sd = np.log(c.iloc[-757:]).diff().std()
    back = pd.Timestamp(end) - pd.DateOffset(months=months)
    return 0.5 * sd * np.sqrt((c.index > back).sum()) * 100


def test_the_article_is_tested_at_the_end_of_january_2026(seed):
    report, _ = seed
    assert report.tested_at == dt.date(2026, 1, 30)
    assert "January 2026" in report.tested_note and report.grounding["ok"]


def test_the_record_above_101_in_january_2026(seed):
    """ "Silver hit $101 today, setting a new all-time high": in January 2026 silver first traded
    at 101 on a day whose close was a record; the reason says so with that day's figures."""
    report, c = seed
    silver = c["silver"]
    jan = silver.loc["2026-01-01":TESTED]
    day = jan.index[jan["high"] >= 101][0]
    first_close = jan.index[jan["close"] >= 101][0]
    close, high = jan.loc[day, "close"], jan.loc[day, "high"]
    before = silver["close"].loc[: day - pd.Timedelta(days=1)]
    assert day < first_close and close > before.max()  # intraday first, and a record close
    check = find(report, "Silver hit $101 today")
    assert check.verdict == "supported"
    assert (
        f"first traded at or above 101.00 on {day.date()} (intraday high {high:.2f}) and closed "
        f"that day at {close:.2f}; its first close at or above it was "
        f"{jan.loc[first_close, 'close']:.2f} on {first_close.date()}."
    ) in check.reason
    assert (
        f"The close of {close:.2f} on {day.date()} was a new all-time closing high (the previous "
        f"one: {before.max():.2f} on {before.idxmax().date()})."
    ) in check.reason
    after = silver["close"].loc[day:]
    peak_day, peak, now = after.idxmax(), after.max(), after.iloc[-1]
    assert check.since == (
        f"Record {peak:.2f} on {peak_day.date()}, {(peak_day - day).days} days after {day.date()}; "
        f"now {now:.2f} ({after.index[-1].date()}), {(now / peak - 1) * 100:.2f}% from it."
    )


def test_the_moves_of_silver(seed):
    report, c = seed
    s = c["silver"]
    months = [change(s, TESTED, m) > typical(s, TESTED, m) for m in (3, 6)]
    assert find(report, "the rally's been building").verdict == (
        "supported" if all(months) else "partly supported" if any(months) else "not supported"
    )
    ends = s["close"].resample("ME").last()
    jan = (close_at(s, TESTED) / ends.loc["2025-12-31"] - 1) * 100
    prior = (ends / ends.shift(1) - 1).loc["2025-10-31":"2025-12-31"].mean() * 100
    peak = (s["close"].loc["2026-01-01":TESTED].max() / ends.loc["2025-12-31"] - 1) * 100
    expected = "supported" if jan > max(prior, 0) else "partly supported" if peak > prior else "-"
    assert find(report, "really accelerating").verdict == expected


def test_silver_against_gold_and_how_often_it_beats_it(seed):
    report, c = seed
    beat = [change(c["silver"], TESTED, m) - change(c["gold"], TESTED, m) > 0.5 for m in (1, 3)]
    expected = "supported" if all(beat) else "partly supported" if any(beat) else "contradicted"
    assert find(report, "What's interesting").verdict == expected
    ratio = (c["silver"]["close"] / c["gold"]["close"]).dropna().loc[:TESTED]
    back = ratio.index - pd.DateOffset(months=3)
    ok = back >= ratio.index[0]
    moves = ratio.to_numpy()[ok] / ratio.reindex(back[ok], method="ffill").to_numpy() - 1
    share, rank = np.mean(moves > 0) * 100, np.mean(moves <= moves[-1]) * 100
    if share <= 100 / 3:
        expected = "supported"
    elif moves[-1] > 0 and rank >= 90:
        expected = "partly supported"
    else:
        expected = "contradicted" if share > 50 else "not supported"
    check = find(report, "which doesn't happen too often")
    assert check.verdict == expected and check.figures["share_pct"] == round(share, 2)


def test_bitcoin_did_not_follow_and_the_dollar_fell(seed):
    report, c = seed
    outcomes = []
    for m in (1, 3):
        x, y = change(c["silver"], TESTED, m), change(c["bitcoin"], TESTED, m)
        if abs(x) >= typical(c["silver"], TESTED, m):
            outcomes.append(y / x <= 0.4)
    expected = "supported" if outcomes and all(outcomes) else "partly supported"
    assert find(report, "But here's the thing").verdict == expected
    assert find(report, "Despite sharing").verdict == expected
    dollar = [change(c["dxy"], TESTED, m) <= -typical(c["dxy"], TESTED, m) for m in (1, 3)]
    weakens = [x for x in report.checks if x.claim.subject == "dxy"]
    assert weakens[0].verdict == ("supported" if all(dollar) else "partly supported")
    yields = [x for x in report.checks if x.claim.subject == "us10y"]
    assert yields[0].verdict == "not testable" and "us10y" in yields[0].reason


def weekly_returns(c, leader: str) -> pd.DataFrame:
    both = pd.concat(
        {
            "x": c[leader]["close"].resample("W-FRI").last(),
            "y": c["bitcoin"]["close"].resample("W-FRI").last(),
        },
        axis=1,
    ).dropna()
    return np.log(both.loc[:TESTED]).diff().dropna()


def lead_lag_verdict(r: pd.DataFrame, draws: int = 500) -> str:
    """Best lag over -26..26 weeks (pandas), significance by shuffling the leader (numpy)."""
    lags = range(-26, 27)
    corr = {k: r["x"].corr(r["y"].shift(-k)) for k in lags}
    best = max(corr, key=lambda k: abs(corr[k]))
    rng = np.random.default_rng(0)
    x, y = r["x"].to_numpy(), r["y"].to_numpy()
    shuffled = np.stack([rng.permutation(x) for _ in range(draws)])
    top = np.max([np.abs(_corr_rows(shuffled, y, k)) for k in lags], axis=0)
    if (1 + np.sum(top >= abs(corr[best]))) / (1 + draws) >= 0.05:
        return "not supported"
    if best > 0:
        return "supported" if best <= 26 and corr[best] > 0 else "partly supported"
    # The same week or the follower first: a weaker lead in the claimed 1..26 weeks, significant
    # on its own after a Bonferroni adjustment for those 26 lags, would support it in part.
    inside = max(range(1, 27), key=lambda k: corr[k])
    n = len(r) - inside
    t = corr[inside] * np.sqrt((n - 2) / (1 - corr[inside] ** 2))
    if corr[inside] > 0 and 2 * stats.t.sf(abs(t), n - 2) * 26 < 0.05:
        return "partly supported"
    return "contradicted" if best < 0 else "not supported"


def _corr_rows(xs: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """corr(x[t], y[t+k]) for every row of ``xs``."""
    n = xs.shape[1]
    a, b = (xs[:, : n - k], y[k:]) if k >= 0 else (xs[:, -k:], y[: n + k])
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean()
    return (a @ b) / np.sqrt((a * a).sum(axis=1) * (b @ b))


def test_the_lead_lag_claims(seed):
    report, c = seed
    by_leader = {
        leader: lead_lag_verdict(weekly_returns(c, leader)) for leader in ("gold", "silver")
    }
    both = set(by_leader.values())
    expected_both = both.pop() if len(both) == 1 else "partly supported"
    assert find(report, "In previous cycles").verdict == expected_both
    assert find(report, "Bitcoin follows later").verdict == expected_both
    assert find(report, "It tends to move later").verdict == expected_both
    assert find(report, "Historically, silver's").verdict == by_leader["silver"]


def test_as_of_the_day_silver_first_traded_at_101(market_data, commentary_dir):
    doc = from_file(commentary_dir / ARTICLE)
    report = check_document(
        doc, Market(CsvSource(market_data)), as_of=dt.date(2026, 1, 23), classifier=False
    )
    silver = pd.read_csv(market_data / "silver.csv", parse_dates=["date"], index_col="date")
    day = silver.loc["2026-01-23"]
    record = day["close"] > silver["close"].loc[:"2026-01-22"].max()
    expected = "supported" if (day["high"] >= 101 or day["close"] >= 101) and record else "-"
    assert report.tested_at == dt.date(2026, 1, 23)
    assert find(report, "Silver hit $101 today").verdict == expected


def test_silver_and_gold_move_together_which_is_no_lead(market_data):
    """Gold and silver are strongly correlated in the same week: a claimed lead reads as such,
    never as "not significant" beside p < 0.001."""
    doc = from_text("Silver follows gold with a lag of weeks to months.")
    report = check_document(doc, Market(CsvSource(market_data)), as_of=dt.date(2026, 1, 30))
    (check,) = report.checks
    c = {
        k: pd.read_csv(market_data / f"{k}.csv", parse_dates=["date"], index_col="date")
        for k in ("gold", "silver")
    }
    weekly = pd.concat(
        {k: v["close"].resample("W-FRI").last() for k, v in c.items()}, axis=1
    ).dropna()
    r = np.log(weekly.loc[:TESTED]).diff().dropna()
    same_week = r["gold"].corr(r["silver"])
    assert same_week > 0.5
    assert (
        f"they move together in the same week (corr {same_week:.2f}, adjusted p < 0.001); no "
        "lead of either" in check.reason
    )
    assert "not significant" not in check.reason.split("no lead of either")[0]
    assert check.verdict in ("not supported", "partly supported")
    assert ("significant too" in check.reason) == (check.verdict == "partly supported")


def test_the_library_note_gives_the_articles_claims_and_no_invented_ones(market_data):
    """The project's restatement of the article: its remarks about the claims ("the lag claim
    is the weakest") are not tested as market claims; its lead/lag claims are bitcoin's."""
    from pathlib import Path

    note = Path(__file__).resolve().parents[1] / "knowledge/corpus/silvers-defensive-rally.md"
    report = check_document(from_file(note), Market(CsvSource(market_data)), classifier=False)
    lags = [c for c in report.checks if c.claim.kind == "lead_lag"]
    assert lags and all(c.claim.subject == "bitcoin" for c in lags)
    assert all(set(c.claim.reference) <= {"gold", "silver"} for c in lags)
    remarks = {c.claim.quote.split(":")[0]: c.reason for c in report.remarks}
    assert "a remark about the claim" in remarks["The lag claim is the weakest"]
    assert "advice" in remarks["See the notes on lead/lag claims and on breakouts before treating "
                               "the sequence as a rule."]  # fmt: skip
    assert not [c for c in report.untestable if "not a claim about markets" in c.reason]
    assert report.tested_at == dt.date(2026, 1, 30) and report.grounding["ok"]


def test_the_table_gives_each_test_once_in_short_cells(seed):
    """Claims tested the same way point at the first of them, and every cell stays short; the
    full reasons stay in the JSON."""
    from assistant.claims.render import rows, verdict_markdown

    report, _ = seed
    table = rows(report)
    firsts = {}
    for r in table:
        key = (r.check.reason, r.check.since)
        if key in firsts:
            assert r.same_as == firsts[key] and r.why == f"Same test as claim {r.same_as}."
        else:
            firsts[key] = r.number
            assert r.same_as is None
    assert len(firsts) < len(table)  # the article repeats its lead/lag claim
    assert max(len(r.why) for r in table) <= 160 and max(len(r.since) for r in table) <= 160
    md = verdict_markdown(report)
    assert md.count("No significant lead of Gold") == 1
    public = report.public_dict()["claims"]
    assert [c["reason"] for c in public] == [k.reason for k in report.checks]  # in full
