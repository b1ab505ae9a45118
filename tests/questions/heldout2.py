"""A second held-out set, written after the first one had been seen: every category of the main
table again, in wording used by neither the table nor the first held-out set, plus dates named by
holidays and dated why-questions. Its first score was taken before any tuning and is reported
apart (docs/evaluation.md)."""

from __future__ import annotations

from tests.questions import expect as E

G, S, B, X, D = "gold", "silver", "bitcoin", "sp500", "dxy"


def _dated_why(asset: str, day: str) -> E.Expect:
    return E.day_move(asset, day) + E.Expect(tools=[("search_commentary", {})], words=None)


def _period_why(asset: str, start: str, end: str) -> E.Expect:
    return E.period(asset, start, end) + E.Expect(tools=[("search_commentary", {})], words=None)


def _claim(without_checker: E.Expect) -> E.Expect:
    """A claim goes to the claim checker where the tools include one, else as before."""
    from assistant import lc_tools

    if any(t.name == "check_claims" for t in lc_tools.ALL_TOOLS):
        return E.Expect(tools=[("check_claims", {})], words=None)
    return without_checker


ROWS = [
    ("price", ["ballpark, what's gold fetching now?"], lambda: E.price(G)),
    ("price", ["silver spot price, latest"], lambda: E.price(S)),
    ("price", ["where did the S&P finish most recently"], lambda: E.price(X)),
    ("price", ["bitcoin value right now please"], lambda: E.price(B)),
    ("price", ["DXY print?"], lambda: E.price(D)),
    (
        "dates in words",
        ["what was silver priced at on the 2nd of February 2026"],
        lambda: E.close_on(S, "2026-02-02"),
    ),
    ("dates in words", ["gold close, 10 Oct 2025"], lambda: E.close_on(G, "2025-10-10")),
    ("dates in words", ["bitcoin on new year's day 2026"], lambda: E.close_on(B, "2026-01-01")),
    ("dates in words", ["how much was gold last christmas?"], lambda: E.close_on(G, "2025-12-25")),
    ("dates in words", ["S&P on thanksgiving 2025"], lambda: E.close_on(X, "2025-11-27")),
    ("dates in words", ["gold on halloween 2025"], lambda: E.close_on(G, "2025-10-31")),
    ("dates in words", ["bitcoin on valentine's day"], lambda: E.close_on(B, "2026-02-14")),
    ("dates in words", ["dxy three days ago"], lambda: E.close_on(D, "2026-03-27")),
    ("dates in words", ["gold price at the close of 2023"], lambda: E.close_on(G, "2023-12-31")),
    ("dates in words", ["bitcoin on the 31st"], lambda: E.ask_date()),
    ("dates in words", ["gold on 1 May 1990"], lambda: E.starts(G)),
    ("dates in words", ["silver on election day"], lambda: E.ask_date()),
    (
        "calendar periods",
        ["how did silver fare across 2022?"],
        lambda: E.period(S, "2022-01-01", "2022-12-31"),
    ),
    (
        "calendar periods",
        ["gold's change during the third quarter of 2024"],
        lambda: E.period(G, "2024-07-01", "2024-09-30"),
    ),
    (
        "calendar periods",
        ["bitcoin over the course of 2025"],
        lambda: E.period(B, "2025-01-01", "2025-12-31"),
    ),
    (
        "calendar periods",
        ["what has the S&P done since the beginning of 2025"],
        lambda: E.since(X, "2025-01-01"),
    ),
    (
        "calendar periods",
        ["dollar index between April and June 2025"],
        lambda: E.period(D, "2025-04-01", "2025-06-30"),
    ),
    ("calendar periods", ["silver in Feb 2026"], lambda: E.period(S, "2026-02-01", "2026-02-28")),
    ("calendar periods", ["gold over the previous 9 months"], lambda: E.trailing(G, 9)),
    ("horizons", ["how's gold done in the last month?"], lambda: E.horizon(G, "1m")),
    ("horizons", ["silver's move over the past 7 days"], lambda: E.horizon(S, "1w")),
    ("horizons", ["how much is bitcoin down year to date"], lambda: E.horizon(B, "ytd")),
    ("horizons", ["S&P twelve-month return"], lambda: E.horizon(X, "1y")),
    ("horizons", ["has gold been falling over the past 3 months?"], lambda: E.horizon(G, "3m")),
    ("horizons", ["has silver been climbing this year?"], lambda: E.horizon(S, "ytd")),
    ("typos", ["silevr price"], lambda: E.price(S) + E.typo("silevr", "silver")),
    ("typos", ["bitcion vs gold"], lambda: E.compare_h(B, G, "3m") + E.typo("bitcion", "bitcoin")),
    (
        "typos",
        ["glod in 2025"],
        lambda: E.period(G, "2025-01-01", "2025-12-31") + E.typo("glod", "gold"),
    ),
    (
        "typos",
        ["bitcoi on 2 March 2026"],
        lambda: E.close_on(B, "2026-03-02") + E.typo("bitcoi", "bitcoin"),
    ),
    ("typos", ["is sp500 at a reccord"], lambda: E.record(X)),
    ("why (paraphrases)", ["what's been weighing on bitcoin?"], lambda: E.why(B)),
    ("why (paraphrases)", ["why has silver been so volatile"], lambda: E.why(S)),
    ("why (paraphrases)", ["what's the reason for gold's strength"], lambda: E.why(G, "up")),
    ("why (paraphrases)", ["what's weighing on the greenback"], lambda: E.why(D)),
    ("premises", ["why is gold collapsing?"], lambda: E.why(G, "down")),
    ("premises", ["why has the S&P been so strong lately"], lambda: E.why(X, "up")),
    (
        "premises",
        ["what drove gold higher during 2025?"],
        lambda: _period_why(G, "2025-01-01", "2025-12-31"),
    ),
    ("premises", ["silver plunged on 30 jan 2026, why?"], lambda: _dated_why(S, "2026-01-30")),
    (
        "premises",
        ["what knocked bitcoin lower on 5 February 2026?"],
        lambda: _dated_why(B, "2026-02-05"),
    ),
    (
        "comparisons",
        ["gold vs silver: which was the winner in 2023?"],
        lambda: E.compare_p(G, S, "2023-01-01", "2023-12-31"),
    ),
    (
        "comparisons",
        ["did silver or bitcoin gain more over the past 12 months"],
        lambda: E.compare_h(S, B, "1y"),
    ),
    ("comparisons", ["S&P against the dollar index this year"], lambda: E.compare_h(X, D, "ytd")),
    (
        "comparisons",
        ["who outperformed in Q1 2026, gold or the S&P?"],
        lambda: E.compare_p(G, X, "2026-01-01", "2026-03-31"),
    ),
    (
        "comparisons",
        ["was bitcoin a better hold than gold since 2023"],
        lambda: E.compare_p(B, G, "2023-01-01", "2026-03-30"),
    ),
    (
        "comparisons",
        ["how did gold and bitcoin compare last month"],
        lambda: E.compare_p(G, B, "2026-02-01", "2026-02-28"),
    ),
    ("records", ["is silver at or near its all-time peak?"], lambda: E.record(S)),
    ("records", ["has bitcoin set a new high recently"], lambda: E.record(B)),
    ("records", ["the S&P 500's highest close ever: when was it?"], lambda: E.record(X)),
    ("records", ["is the dollar index anywhere near a record"], lambda: E.record(D)),
    ("lead/lag", ["does gold's move show up in silver a week later?"], lambda: E.lag(G, S)),
    ("lead/lag", ["is silver tied to the dollar"], lambda: E.lag(D, S)),
    ("lead/lag", ["does the S&P drive bitcoin"], lambda: E.lag(X, B)),
    ("lead/lag", ["is gold influenced by the dollar index with a delay"], lambda: E.lag(D, G)),
    ("lead/lag", ["do bitcoin and gold rise and fall together"], lambda: E.lag(B, G)),
    ("documents", ["what's the commentary's view on bitcoin and silver"], lambda: E.doc()),
    ("documents", ["anything in the notes about the dollar and commodities?"], lambda: E.doc(D)),
    ("documents", ["summarize what the library says about breakouts"], lambda: E.doc()),
    ("documents", ["in the article, why is silver climbing"], lambda: E.doc(S)),
    ("forecasts", ["is gold on track for 6000?"], lambda: E.forecast(G)),
    ("forecasts", ["where's bitcoin heading next?"], lambda: E.forecast(B)),
    ("forecasts", ["could the S&P reach 8000 by year end?"], lambda: E.forecast(X)),
    ("forecasts", ["gonna see silver at 100 again?"], lambda: E.forecast(S)),
    ("unknown assets", ["what is Meta trading at"], lambda: E.unknown("Meta")),
    ("unknown assets", ["ethereum over the past month"], lambda: E.missing("ethereum")),
    ("unknown assets", ["how has Netflix done in 2025"], lambda: E.unknown("Netflix")),
    ("advice", ["is silver worth buying at these levels?"], lambda: E.advice(S)),
    ("advice", ["time to load up on bitcoin?"], lambda: E.advice(B)),
    ("levels", ["has silver ever traded above 120?"], lambda: E.level(S, 120)),
    ("levels", ["when did bitcoin first go over 50k"], lambda: E.level(B, 50000)),
    ("levels", ["did the S&P 500 ever close beyond 6000"], lambda: E.level(X, 6000)),
    (
        "follow-ups",
        ["silver on 3 March 2025", "what about gold?"],
        lambda: E.close_on(G, "2025-03-03"),
    ),
    (
        "follow-ups",
        ["how did bitcoin do in 2024?", "and the S&P?"],
        lambda: E.period(X, "2024-01-01", "2024-12-31"),
    ),
    ("follow-ups", ["is gold at a record?", "why?"], lambda: E.why(G)),
    (
        "follow-ups",
        ["does silver lead bitcoin?", "what about monthly"],
        lambda: E.lag(S, B, "monthly"),
    ),
    ("scope and small talk", ["what's your favourite colour"], lambda: E.decline()),
    ("scope and small talk", ["can you book me a flight to Rome"], lambda: E.decline()),
    ("scope and small talk", ["thanks, that's all"], lambda: E.decline()),
    ("claims", ["is it really true that bitcoin trails silver?"], lambda: _claim(E.lag(S, B))),
    (
        "claims",
        ["fact-check this: gold always rises when the dollar falls"],
        lambda: _claim(E.Expect(tools=[("search_commentary", {})], words=None)),
    ),
]
