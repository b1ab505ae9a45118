"""A held-out set: the same kinds of questions as the main table in other words, written once
and never used to tune the reader. Its score is reported apart from the table's."""

from __future__ import annotations

from tests.questions import expect as E

G, S, B, X, D = "gold", "silver", "bitcoin", "sp500", "dxy"

ROWS = [
    ("price", ["what's silver going for these days?"], lambda: E.price(S)),
    ("price", ["remind me where gold closed"], lambda: E.price(G)),
    ("price", ["bitcoin, what's it at?"], lambda: E.price(B)),
    ("price", ["current value of the S&P 500 index"], lambda: E.price(X)),
    ("price", ["quote me the dollar index"], lambda: E.price(D)),
    (
        "dates in words",
        ["where was gold on the 3rd of March 2025?"],
        lambda: E.close_on(G, "2025-03-03"),
    ),
    ("dates in words", ["silver's close on Feb 2nd 2026"], lambda: E.close_on(S, "2026-02-02")),
    (
        "dates in words",
        ["what did bitcoin trade at on 15 August 2025"],
        lambda: E.close_on(B, "2025-08-15"),
    ),
    (
        "dates in words",
        ["gold at year-end 2024, i.e. at the end of 2024"],
        lambda: E.close_on(G, "2024-12-31"),
    ),
    (
        "dates in words",
        ["what was the S&P 500 at last Friday"],
        lambda: E.close_on(X, "2026-08-14"),
    ),
    ("dates in words", ["silver price back on 2 April 1998"], lambda: E.starts(S)),
    ("dates in words", ["the dollar index on 07/08/2025"], lambda: E.ask_date()),
    (
        "calendar periods",
        ["what kind of year did gold have in 2023?"],
        lambda: E.period(G, "2023-01-01", "2023-12-31"),
    ),
    (
        "calendar periods",
        ["silver's move over Q2 2025"],
        lambda: E.period(S, "2025-04-01", "2025-06-30"),
    ),
    (
        "calendar periods",
        ["how did btc fare during 2023"],
        lambda: E.period(B, "2023-01-01", "2023-12-31"),
    ),
    (
        "calendar periods",
        ["S&P 500 return from January to March 2025"],
        lambda: E.period(X, "2025-01-01", "2025-03-31"),
    ),
    (
        "calendar periods",
        ["how much has gold gained since 2022?"],
        lambda: E.since(G, "2022-01-01"),
    ),
    (
        "calendar periods",
        ["the dollar index in the fourth quarter of 2025"],
        lambda: E.period(D, "2025-10-01", "2025-12-31"),
    ),
    (
        "calendar periods",
        ["silver's performance in november 2025"],
        lambda: E.period(S, "2025-11-01", "2025-11-30"),
    ),
    ("horizons", ["has gold been rising this month?"], lambda: E.no_data(G, "this month")),
    ("horizons", ["silver's return so far this year"], lambda: E.horizon(S, "ytd")),
    ("horizons", ["how much did the S&P move over the last 3 months"], lambda: E.horizon(X, "3m")),
    ("typos", ["bitocin price"], lambda: E.price(B) + E.typo("bitocin", "bitcoin")),
    ("typos", ["is sllver at a record"], lambda: E.record(S) + E.typo("sllver", "silver")),
    (
        "typos",
        ["gpld in 2024"],
        lambda: E.period(G, "2024-01-01", "2024-12-31") + E.typo("gpld", "gold"),
    ),
    ("why (paraphrases)", ["what's been propping up gold?"], lambda: E.why(G)),
    ("why (paraphrases)", ["what is the reason bitcoin keeps dropping"], lambda: E.why(B, "down")),
    ("why (paraphrases)", ["can you explain why silver spiked"], lambda: E.why(S, "up")),
    (
        "why (paraphrases)",
        ["why has the greenback been sliding"],
        lambda: E.why(D, "down", lasting=True),
    ),
    ("premises", ["why is bitcoin surging right now?"], lambda: E.why(B, "up")),
    (
        "premises",
        ["what sent silver down on 30 January 2026?"],
        lambda: (
            E.day_move(S, "2026-01-30") + E.Expect(tools=[("search_commentary", {})], words=None)
        ),
    ),
    (
        "comparisons",
        ["between gold and silver, which had the better 2025?"],
        lambda: E.compare_p(G, S, "2025-01-01", "2025-12-31"),
    ),
    (
        "comparisons",
        ["has bitcoin underperformed gold this year?"],
        lambda: E.compare_h(B, G, "ytd"),
    ),
    (
        "comparisons",
        ["gold or bitcoin over the last year, who came out ahead"],
        lambda: E.compare_h(G, B, "1y"),
    ),
    (
        "comparisons",
        ["stack silver against the S&P 500 for Q3 2025"],
        lambda: E.compare_p(S, X, "2025-07-01", "2025-09-30"),
    ),
    (
        "comparisons",
        ["did the S&P do better than gold over the past three months"],
        lambda: E.compare_h(X, G, "3m"),
    ),
    ("records", ["is gold trading at all-time highs?"], lambda: E.record(G)),
    ("records", ["has the S&P set a fresh record lately"], lambda: E.record(X)),
    ("records", ["how far below its peak is bitcoin"], lambda: E.record(B)),
    ("lead/lag", ["does silver move before bitcoin does?"], lambda: E.lag(S, B)),
    ("lead/lag", ["is bitcoin driven by gold with a delay of a few weeks"], lambda: E.lag(G, B)),
    ("lead/lag", ["do gold and the dollar move in sync"], lambda: E.lag(G, D)),
    ("documents", ["what does the commentary argue about silver?"], lambda: E.doc(S)),
    ("documents", ["give me the gist of the notes on gold and real yields"], lambda: E.doc()),
    ("documents", ["does the article mention bitcoin?"], lambda: E.doc(B)),
    ("forecasts", ["where do you see silver by December?"], lambda: E.forecast(S)),
    ("forecasts", ["is bitcoin headed to 150k?"], lambda: E.forecast(B)),
    ("forecasts", ["give me a target for the S&P"], lambda: E.forecast(X)),
    ("unknown assets", ["what's Amazon stock at?"], lambda: E.unknown("Amazon")),
    ("unknown assets", ["how's copper doing"], lambda: E.missing("copper")),
    ("advice", ["would it be smart to buy bitcoin now?"], lambda: E.advice(B)),
    ("advice", ["should I dump my silver"], lambda: E.advice(S)),
    ("levels", ["has gold ever closed above $4,000?"], lambda: E.level(G, 4000)),
    ("levels", ["did the dollar index ever go past 120"], lambda: E.level(D, 120)),
    ("follow-ups", ["what's gold at?", "and bitcoin?"], lambda: E.price(B)),
    (
        "follow-ups",
        ["how did silver do in 2024", "and in 2025?"],
        lambda: E.period(S, "2025-01-01", "2025-12-31"),
    ),
    ("follow-ups", ["does bitcoin follow gold?", "monthly?"], lambda: E.lag(G, B, "monthly")),
    ("follow-ups", ["gold this year", "vs the S&P?"], lambda: E.compare_h(G, X, "ytd")),
    ("scope and small talk", ["good morning!"], lambda: E.decline()),
    ("scope and small talk", ["who won the football last night?"], lambda: E.decline()),
]
