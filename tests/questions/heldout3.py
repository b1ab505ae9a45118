"""A third held-out set: a blind test of 71 questions in yet other wording, run against the
command line (one process per question, conversations across processes) before anything was
tuned against it. Its first run scored 62/71; the classes behind its misses were then fixed by
meaning (new rows in other words in ``table.ROUND3``), and it is kept here to be scored apart
(docs/evaluation.md).

Most questions are asked as of 2026-03-30 (``--as-of``), one as of 2026-01-26 and a few with no
as-of date (today fixed at 2026-12-01). Expected figures come from :mod:`tests.questions.oracle`
computed as of the same date (:func:`oracle.as_of`).
"""

from __future__ import annotations

import datetime as dt

from tests.questions import expect as E
from tests.questions import oracle as o

G, S, B, X, D = "gold", "silver", "bitcoin", "sp500", "dxy"
AS_OF = dt.date(2026, 3, 30)
AT_RECORD = dt.date(2026, 1, 26)
_BOILERPLATE = ["restates, in the project's own words", "credited here by title"]


def _why_over(a: str, h: str) -> E.Expect:
    p = o.horizon(a, h)
    return E.Expect(
        tools=[("search_commentary", {}), ("get_price", {"asset": a})],
        figures=[o.pct(p["pct"])],
        cited=True,
        words=None,
    )


def _denied(a: str, h: str, said: str) -> E.Expect:
    return _why_over(a, h) + E.Expect(first=[f"is not {said}", o.pct(o.horizon(a, h)["pct"])])


def _period_denied(a: str, start: str, end: str, verb: str) -> E.Expect:
    return E.period(a, start, end) + E.Expect(
        tools=[("search_commentary", {})], first=[f"did not {verb}"], words=None
    )


def _best_of(assets: list[str], start: str, end: str) -> E.Expect:
    moves = {a: o.period(a, start, end)["pct"] for a in assets}
    best = max(moves, key=moves.get)
    return E.Expect(
        tools=[("period_change", {"asset": a, "start": start}) for a in assets],
        figures=[o.pct(m) for m in moves.values()],
        first=[o.NAMES[best], "did better"],
        phrases=["all to"],
        absent=["both to"],
    )


def _not_at_record(a: str) -> E.Expect:
    return E.record(a) + E.Expect(first=["is not at a record"])


_SILVER_2025 = ("silver", "2025-01-01", "2025-12-31")
_Q1 = ("2026-01-01", "2026-03-31")

ROWS = [
    ("dates", ["What did gold close at on 3 March 2025?"], lambda: E.close_on(G, "2025-03-03")),
    ("dates", ["silver price last Friday?"], lambda: E.close_on(S, "2026-03-27")),
    ("dates", ["Where was bitcoin at the end of 2024?"], lambda: E.close_on(B, "2024-12-31")),
    (
        "dates",
        ["What was the S&P 500 level on the 15th of January 2026?"],
        lambda: E.close_on(X, "2026-01-15"),
    ),
    ("dates", ["gold price on Christmas Day 2025"], lambda: E.close_on(G, "2025-12-25")),
    ("dates", ["What was silver worth on 4 July 2025?"], lambda: E.close_on(S, "2025-07-04")),
    (
        "periods",
        ["How did the dollar index do in Q3 2025?"],
        lambda: E.period(D, "2025-07-01", "2025-09-30"),
    ),
    (
        "periods",
        ["How much did bitcoin gain in 2024?"],
        lambda: E.period(B, "2024-01-01", "2024-12-31"),
    ),
    (
        "periods",
        ["What was gold's performance during February 2026?"],
        lambda: E.period(G, "2026-02-01", "2026-02-28"),
    ),
    ("periods", ["How has the S&P 500 done since 2020?"], lambda: E.since(X, "2020-01-01")),
    (
        "periods",
        ["silver from June to September 2025"],
        lambda: E.period(S, "2025-06-01", "2025-09-30"),
    ),
    (
        "periods",
        ["How did silver move in the first half of 2025?"],
        lambda: E.period(S, "2025-01-01", "2025-06-30"),
    ),
    ("periods", ["bitcoin change last month"], lambda: E.period(B, "2026-02-01", "2026-02-28")),
    ("typos", ["whats the slver price"], lambda: E.price(S) + E.typo("slver", "silver")),
    (
        "typos",
        ["how did bitcon do in 2025"],
        lambda: E.period(B, "2025-01-01", "2025-12-31") + E.typo("bitcon", "bitcoin"),
    ),
    (
        "typos",
        ["snp500 close last friday"],
        lambda: E.close_on(X, "2026-03-27") + E.typo("snp500", "the s&p 500"),
    ),
    ("typos", ["is sliver at a record?"], lambda: _not_at_record(S) + E.typo("sliver", "silver")),
    ("typos", ["what is the dolar index at"], lambda: E.price(D)),
    ("why", ["What's behind the silver rally over the past year?"], lambda: _why_over(S, "1y")),
    (
        "why",
        ["How come gold has been so strong?"],
        lambda: E.why(G, "up", lasting=True) + E.Expect(phrases=["gold and real yields"]),
    ),
    ("why", ["What's driving bitcoin lately?"], lambda: E.why(B)),
    (
        "why",
        ["what caused silver's crash at the end of January 2026?"],
        lambda: E.last_day_why(S, "2026-01-31"),
    ),
    (
        "compare",
        ["Which did better over the past year, gold or silver?"],
        lambda: E.compare_h(G, S, "1y"),
    ),
    (
        "compare",
        ["Did bitcoin beat the S&P 500 in 2025?"],
        lambda: E.compare_p(B, X, "2025-01-01", "2025-12-31"),
    ),
    (
        "compare",
        ["gold vs the dollar index since the start of 2026, which won?"],
        lambda: E.compare_p(G, D, "2026-01-01", AS_OF),
    ),
    ("compare", ["Has silver outperformed gold year to date?"], lambda: E.compare_h(S, G, "ytd")),
    (
        "compare",
        ["Which performed best in 2024: gold, silver or bitcoin?"],
        lambda: _best_of([G, S, B], "2024-01-01", "2024-12-31"),
    ),
    (
        "compare",
        ["Did the S&P 500 outperform gold over the last 5 years?"],
        lambda: E.compare_p(X, G, "2021-03-31", AS_OF),
    ),
    (
        "notes",
        ["What does the article say about the gold-silver ratio?"],
        lambda: E.doc() + E.Expect(absent=_BOILERPLATE),
    ),
    (
        "notes",
        ["According to your notes, why does the dollar matter for commodities?"],
        lambda: E.doc(D),
    ),
    ("notes", ["What do the notes say about bitcoin halvings?"], lambda: E.doc(B)),
    (
        "notes",
        ["Summarise the commentary on silver's industrial demand"],
        lambda: E.doc(S) + E.Expect(phrases=["silver's industrial demand"], absent=_BOILERPLATE),
    ),
    ("premise", ["Why is silver rising this month?"], lambda: E.why(S, "up")),
    (
        "premise",
        ["Why did bitcoin soar in February 2026?"],
        lambda: _period_denied(B, "2026-02-01", "2026-02-28", "rise"),
    ),
    ("premise", ["Why has gold collapsed this year?"], lambda: _denied(G, "ytd", "falling")),
    (
        "premise",
        ["Why did the S&P 500 crash in 2024?"],
        lambda: _period_denied(X, "2024-01-01", "2024-12-31", "fall"),
    ),
    ("forecast", ["Where will silver be at the end of 2026?"], lambda: E.forecast(S)),
    ("forecast", ["Should I buy bitcoin now? Will it go up next week?"], lambda: E.advice(B)),
    ("forecast", ["What's your gold price target for next year?"], lambda: E.forecast(G)),
    ("unknown", ["What is the price of Ethereum?"], lambda: E.missing("ethereum")),
    ("unknown", ["How is Tesla stock doing?"], lambda: E.unknown("Tesla")),
    (
        "unknown",
        ["Compare copper and gold over the past year"],
        lambda: E.horizon(G, "1y", first=False) + E.missing("copper"),
    ),
    ("records", ["Is gold breaking out?"], lambda: E.record(G)),
    ("records", ["Is bitcoin at an all-time high?"], lambda: _not_at_record(B)),
    ("records", ["When did silver last set a record close?"], lambda: E.record_when(S)),
    ("records", ["Is the S&P 500 breaking out?"], lambda: E.record(X)),
    ("leadlag", ["Does bitcoin follow silver with a lag?"], lambda: E.lag(S, B)),
    ("leadlag", ["Does gold lead silver?"], lambda: E.lag(G, S)),
    (
        "leadlag",
        ["Is the dollar index a leading indicator for gold on a weekly basis?"],
        lambda: E.lag(D, G),
    ),
    ("leadlag", ["Do S&P 500 moves predict bitcoin the next day?"], lambda: E.lag(X, B, "daily")),
    ("claims", ["fact-check the silver article"], lambda: E.claims("supported")),
    (
        "claims",
        ["Are the figures in the gold and real yields note correct?"],
        lambda: E.doc_check("gold and real yields"),
    ),
    (
        "claims",
        ["Check the claims in the bitcoin halving note"],
        lambda: E.doc_check("bitcoin, liquidity and halving cycles"),
    ),
    ("followup", ["How did silver do in 2025?"], lambda: E.period(*_SILVER_2025)),
    (
        "followup",
        ["How did silver do in 2025?", "and gold?"],
        lambda: E.period(G, "2025-01-01", "2025-12-31"),
    ),
    (
        "followup",
        ["How did silver do in 2025?", "and gold?", "which was better?"],
        lambda: E.compare_p(S, G, "2025-01-01", "2025-12-31"),
    ),
    ("followup", ["What's the price of bitcoin?"], lambda: E.price(B)),
    (
        "followup",
        ["What's the price of bitcoin?", "over 6 months?"],
        lambda: E.period(B, "2025-10-01", AS_OF) + E.Expect(absent=["period is not over"]),
    ),
    (
        "followup",
        ["What's the price of bitcoin?", "over 6 months?", "vs gold?"],
        lambda: E.compare_p(B, G, "2025-10-01", AS_OF),
    ),
    ("followup", ["Does bitcoin follow silver with a lag?"], lambda: E.lag(S, B)),
    (
        "followup",
        ["Does bitcoin follow silver with a lag?", "weekly?"],
        lambda: E.lag(S, B, "weekly"),
    ),
    ("followup", ["Is gold breaking out?"], lambda: E.record(G)),
    ("followup", ["Is gold breaking out?", "and silver?"], lambda: E.record(S)),
    ("followup", ["How did the S&P 500 do in Q1 2026?"], lambda: E.period(X, *_Q1)),
    (
        "followup",
        ["How did the S&P 500 do in Q1 2026?", "and the dollar?"],
        lambda: E.period(D, *_Q1),
    ),
    (
        "followup",
        ["How did the S&P 500 do in Q1 2026?", "and the dollar?", "compare them"],
        lambda: E.compare_p(X, D, *_Q1),
    ),
]

# Asked as of the day silver set its record.
AT_RECORD_ROWS = [
    (
        "records",
        ["Is silver breaking out?"],
        lambda: E.record(S) + E.Expect(first=["is at a record"]),
    )
]

# Asked with no as-of date: today is 2026-12-01, months after every series ends.
NOW_ROWS = [
    ("stale", ["How much is gold today?"], lambda: E.no_data(G, "today")),
    ("stale", ["What did silver do last week?"], lambda: E.no_data(S, "last week")),
    ("stale", ["Is bitcoin up this month?"], lambda: E.no_data(B, "this month")),
    ("stale", ["S&P 500 price now"], lambda: E.price(X)),
]

GROUPS = [(AS_OF, ROWS), (AT_RECORD, AT_RECORD_ROWS), (None, NOW_ROWS)]
FIRST_RUN = (62, 71)  # the blind run, before any change
