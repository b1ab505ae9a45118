"""The words of every verdict agree with its numbers: on documents with planted truth (lead/lag
in the same week, the other way round, in and out of the claimed range, negative; levels, moves,
comparisons, divergences and base rates), each reason, short reason and "since" is read back
and every number is checked against the word next to it ("no significant" needs p >= 0.05,
"ahead" the larger change, "a rise" a positive one, ...). The reader itself is shown to catch
the contradictions it looks for."""

from __future__ import annotations

import inspect
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from test_claims_testers import DAYS, FrameSource, doc, lagged, walk

from assistant.claims.check import check_document
from tools.data import Market

NUM = r"([-+]?\d[\d,]*\.?\d*)"
P = r"(<\s?0\.001|\d\.\d+)"  # a p-value as written: "0.71", "0.004", "< 0.001"


def p_value(text: str) -> float:
    return 0.0005 if text.startswith("<") else float(text)


def num(text: str) -> float:
    return float(text.replace(",", ""))


SEEN: Counter[int] = Counter()  # how often each rule (by line) found something to read


def contradictions(text: str) -> list[str]:
    """Every place where a number and the word next to it disagree."""
    bad: list[str] = []

    def expect(ok: bool, what: str) -> None:
        SEEN[inspect.currentframe().f_back.f_lineno] += 1
        if not ok:
            bad.append(what)

    for m in re.finditer(rf"no significant lead(?:(?!\. ).)*?adjusted p(?: of)? {P}", text):
        expect(p_value(m[1]) >= 0.05, m[0])
    for m in re.finditer(rf"of \w+ \(adjusted p {P}\)|or \w+ \({P}\) over", text):
        expect(p_value(m[1] or m[2]) >= 0.05, m[0])
    for m in re.finditer(rf"same week \(corr {NUM}, adjusted p {P}\)", text):
        expect(p_value(m[2]) < 0.05 and num(m[1]) > 0, m[0])
    for m in re.finditer(rf"leads \w+ by (\d+) weeks? \((?:corr {NUM}, )?adjusted p {P}\)", text):
        expect(p_value(m[3]) < 0.05, m[0])
    for m in re.finditer(
        rf"leads \w+ by (\d+) weeks? \((?:corr {NUM}, )?adjusted p {P}\),? (inside|outside) the "
        r"claimed (\d+) to (\d+)",
        text,
    ):
        inside = int(m[5]) <= int(m[1]) <= int(m[6])
        expect(inside == (m[4] == "inside"), m[0])
    for m in re.finditer(rf"corr {NUM}, adjusted p {P}\), but the correlation is negative", text):
        expect(num(m[1]) < 0, m[0])
    for m in re.finditer(
        rf"has p {P} adjusted for the \d+ lags claimed: (significant too|not)", text
    ):
        expect((p_value(m[1]) < 0.05) == (m[2] == "significant too"), m[0])
    for m in re.finditer(rf"is significant too \(p {P} for", text):
        expect(p_value(m[1]) < 0.05, m[0])
    for m in re.finditer(rf"{NUM}% over [\w ]+? \((a rise|a fall|flat)\)", text):
        v = num(m[1])
        expect({"a rise": v > 0, "a fall": v < 0, "flat": True}[m[2]], m[0])
    for m in re.finditer(rf"(\w+) {NUM}% vs (\w+) {NUM}% \((\w+) ahead\)", text):
        a, b = num(m[2]), num(m[4])
        expect((a > b) == (m[5] == m[1]), m[0])
    for m in re.finditer(rf"{NUM}% while (\w+) {NUM}% \(\w+ (did not follow|followed)\)", text):
        share = num(m[3]) / num(m[1])
        expect((share <= 0.4) == (m[4] == "did not follow"), m[0])
    for m in re.finditer(rf"moved only {NUM}%, less than the {NUM}%", text):
        expect(abs(num(m[1])) < num(m[2]), m[0])
    for m in re.finditer(
        rf"in {NUM}% of [\d,]* ?(?:rolling )?\d-month windows.*?(\d+)\w\w percentile: ([^.]+)", text
    ):
        share, rank, words = num(m[1]), int(m[2]), m[3]
        if "margin this wide is rare" in words or "not a gap this wide" in words:
            expect(rank >= 90, m[0])
        if words.startswith("rare"):
            expect(share <= 100 / 3, m[0])
        if words.startswith("common"):
            expect(share >= 100 / 3, m[0])
        if "more often than not" in words:
            expect(share > 50, m[0])
    for m in re.finditer(rf"did not reach {NUM}: its highest close in the period was {NUM}", text):
        expect(num(m[2]) < num(m[1]), m[0])
    for m in re.finditer(rf"traded at or above {NUM} on \S+ \(intraday high {NUM}\)", text):
        expect(num(m[2]) >= num(m[1]), m[0])
    for m in re.finditer(
        rf"close of {NUM} on \S+ was a new all-time closing high \(the previous one: {NUM}", text
    ):
        expect(num(m[1]) > num(m[2]), m[0])
    for m in re.finditer(
        rf"{NUM}% in [\w ]+ \(to \S+\), (more than|less than) its average of {NUM}%", text
    ):
        expect((num(m[1]) > num(m[3])) == (m[2] == "more than"), m[0])
    for m in re.finditer(rf"the month was {NUM}%, more than that average", text):
        avg = re.search(rf"average of {NUM}%", text)
        expect(avg is not None and num(m[1]) > num(avg[1]), m[0])
    for m in re.finditer(
        rf"(\w+) {NUM}% to [\d,.]+, (\w+) {NUM}% to [\d,.]+: the \w+ (continued|reversed)", text
    ):
        gap = num(m[2]) - num(m[4])
        expect((gap > 0) == (m[5] == "continued"), m[0])
    return bad


def test_the_reader_catches_a_number_contradicted_by_its_word():
    """The faults the reader looks for, written wrongly on purpose, are all caught."""
    wrong = [
        "no significant lead either way; the strongest lag, the same week (corr 0.77), has an "
        "adjusted p of < 0.001",
        "they move in the same week (corr 0.77, adjusted p 0.40), no lead",
        "Silver leads Bitcoin by 4 weeks (corr 0.40, adjusted p 0.30), as claimed",
        "Silver leads Bitcoin by 9 weeks (corr 0.40, adjusted p < 0.001), inside the claimed 3 "
        "to 5",
        "Silver +1.00% vs Gold +7.00% (Silver ahead)",
        "Silver -3.00% over 1 month (a rise)",
        "over 3 months Silver +60.00% while Bitcoin +50.00% (Bitcoin did not follow)",
        "Silver beat Gold in 45.00% of 6,000 rolling 3-month windows from 2000-01-01 to "
        "2026-01-01; the latest (Silver/Gold +1.00%) ranks in the 40th percentile: common, but "
        "a margin this wide is rare.",
        "Silver did not reach 101.00: its highest close in the period was 120.00 on 2026-01-01",
        "Silver -10.00% to 70.00, Gold -3.00% to 4,000.00: the outperformance continued.",
    ]
    for text in wrong:
        assert contradictions(text), text
    right = (
        "Gold → Silver, weekly returns 2000-09-08 to 2026-01-30 (1326 weeks): they move together "
        "in the same week (corr 0.77, adjusted p < 0.001); no lead of either."
    )
    assert contradictions(right) == []


class HighSource(FrameSource):
    """Closes, and intraday highs where given."""

    def __init__(self, closes: dict, highs: dict):
        super().__init__(closes)
        self.highs = highs

    def history(self, asset, refresh: bool = False):
        found = super().history(asset, refresh)
        if asset.key in self.highs:
            found.frame["high"] = self.highs[asset.key].to_numpy()
        return found


@pytest.fixture(scope="module")
def spike() -> tuple[dict, dict]:
    """Crude flat at 50 until it trades up to 103 on a November 2025 day and closes at 100.50 (a
    record), closes at 115 three days later, then falls back to 48."""
    closes = pd.Series(50.0, DAYS)
    nov = np.flatnonzero((DAYS >= "2025-11-01") & (DAYS <= "2025-11-30"))
    closes.iloc[nov[5]], closes.iloc[nov[8]], closes.iloc[nov[9] :] = 100.5, 115.0, 48.0
    highs = closes * 1.001
    highs.iloc[nov[5]] = 103.0
    return {"crude": closes}, {"crude": highs}


def test_a_level_hit_intraday_on_a_record_close_is_explained(spike):
    closes, highs = spike
    report = check_document(
        doc("Oil hit $101 today, setting a new all-time high.", "2025-11"),
        Market(HighSource(closes, highs)),
        classifier=False,
    )
    (check,) = report.checks
    day = closes["crude"].index[closes["crude"] == 100.5][0].date()
    later = closes["crude"].index[closes["crude"] == 115.0][0].date()
    assert check.verdict == "supported"
    assert check.reason == (
        "The text's 'today' is November 2025, so any day from 2025-11-01 to 2025-11-30 counts. "
        f"Crude Oil (WTI) first traded at or above 101.00 on {day} (intraday high 103.00) and "
        f"closed that day at 100.50; its first close at or above it was 115.00 on {later}. The "
        f"close of 100.50 on {day} was a new all-time closing high (the previous one: 50.00 on "
        f"{DAYS[0].date()})."
    )
    assert contradictions(check.reason) == [] and report.grounding["ok"]
    assert check.since.startswith(
        f"Record 115.00 on {later}, {(later - day).days} days after {day}"
    )


@pytest.fixture(scope="module")
def worlds() -> dict:
    silver = walk(21)
    r = np.log(silver).diff().fillna(0.0).to_numpy()
    noise = np.random.default_rng(22).standard_normal(len(r)) * r.std()
    echo = np.concatenate([np.zeros(20), r[:-20]])  # 20 business days: four weeks
    return {
        "silver": silver,
        "gold": pd.Series(100 * np.exp(np.cumsum(0.9 * r + 0.5 * noise)), DAYS),  # same day
        "platinum": pd.Series(100 * np.exp(np.cumsum(0.9 * r + 0.45 * echo + 0.5 * noise)), DAYS),
        "bitcoin": lagged(silver, 20, seed=23),
        "copper": pd.Series(100 * np.exp(np.cumsum(-0.7 * echo + noise)), DAYS),  # inverted echo
        "sp500": walk(24),
        "ethereum": walk(25, drift=-0.002),  # falls steadily: it rarely beats silver
    }


LEAD_LAG = [
    # (claim, verdict, words the reason must hold)
    ("Gold follows silver with a lag of weeks to months.", "not supported",
     ["they move together in the same week", "no lead of either", "not significant"]),
    ("Platinum follows silver with a lag of weeks to months.", "partly supported",
     ["they move together in the same week", "Silver leading by 4 weeks", "significant too"]),
    ("Silver follows bitcoin with a lag of weeks to months.", "contradicted",
     ["Silver leads Bitcoin by 4 weeks", "the other way round"]),
    ("Bitcoin follows silver with a lag of about four weeks.", "supported",
     ["Silver leads Bitcoin by 4 weeks", "inside the claimed 3 to 5 weeks"]),
    ("Bitcoin follows silver with a lag of 10 to 20 weeks.", "partly supported",
     ["Silver leads Bitcoin by 4 weeks", "outside the claimed 10 to 20 weeks"]),
    ("Copper follows silver with a lag of about four weeks.", "partly supported",
     ["Silver leads Copper by 4 weeks", "the correlation is negative"]),
    ("The S&P 500 follows silver with a lag of weeks to months.", "not supported",
     ["no significant lead either way"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "verdict", "words"), LEAD_LAG, ids=[t[:30] for t, *_ in LEAD_LAG])
def test_each_lead_lag_outcome_gets_its_verdict_and_words(worlds, text, verdict, words):
    report = check_document(doc(text, "2025-12-15"), Market(FrameSource(worlds)), classifier=False)
    (check,) = report.checks
    assert check.verdict == verdict, check.reason
    for w in words:
        assert w in check.reason, (w, check.reason)
    assert report.grounding["ok"], report.grounding
    for part in (check.reason, check.short, check.since or "", check.since_short):
        assert contradictions(part) == [], part


def test_every_planted_verdict_reads_consistently(worlds, spike):
    """All the planted documents of the claim tests, every reason read back."""
    from test_claims_testers import make_lag_world, make_rally_world

    silver = worlds["silver"]
    top = float(silver.max())
    texts = [
        (
            f"Silver hit ${top * 0.95:.0f} today, setting a new all-time high. Silver hit "
            f"${top * 1.5:.0f} today. Silver has rallied for months. Silver fell sharply this "
            "month. Silver has outperformed gold over the past three months. Gold has "
            "outperformed silver over the past three months. Bitcoin hasn't followed silver. "
            "Platinum hasn't followed silver. Silver outperforming gold doesn't happen too often. "
            "That gap isn't unusual. Silver accelerated in November 2025. Bitcoin hasn't "
            "followed gold. Ether outperforming silver is rare. Silver outperforming ether is "
            "rare. The S&P 500 follows gold and copper with a lag of weeks to months.",
            "2025-12-15",
        ),
        (" ".join(t for t, *_ in LEAD_LAG), "2025-12-15"),
        (" ".join(t for t, *_ in LEAD_LAG), "2024-06"),
    ]
    markets = [worlds, make_rally_world(), make_lag_world()]
    texts.append(("Oil hit $101 today, setting a new all-time high. Oil accelerated in November "
                  "2025.", "2025-11"))  # fmt: skip
    checked = 0
    for closes in markets:
        for text, published in texts:
            source = HighSource({**closes, **spike[0]}, spike[1])
            report = check_document(doc(text, published), Market(source), classifier=False)
            for c in report.testable:
                for part in (c.reason, c.short, c.since or "", c.since_short):
                    assert contradictions(part) == [], (c.claim.quote, part)
                checked += 1
    assert checked >= 40
    lines, first = inspect.getsourcelines(contradictions)
    rules = {
        first + i: ln.strip() for i, ln in enumerate(lines) if ln.strip().startswith("expect(")
    }
    unused = [rules[n] for n in rules if n not in SEEN]
    assert not unused, unused  # every rule found something to read
