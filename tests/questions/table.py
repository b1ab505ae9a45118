"""The offline analyst's question table: questions written the way people type them, each with
what a right answer holds (figures from :mod:`tests.questions.oracle`, never from outputs).

Rows are (category, turns, expectation): ``turns`` is one question or a conversation (the last
answer is judged); the expectation is built lazily so the table imports without the data.
Data: the real CSVs (gold, silver, bitcoin, S&P 500 and the dollar index; no copper, platinum,
crude, ethereum, Nasdaq or 10-year yield files), no as-of date and today fixed at 2026-12-01: the
latest figures are each series' last day (2026-03-30 for gold, silver and the dollar index,
2026-03-06 for bitcoin, 2026-08-21 for the S&P 500), and a period named by the calendar ("this
month", "today") has no data in it, which the answer must say.
"""

from __future__ import annotations

from tests.questions import expect as E

G, S, B, X, D = "gold", "silver", "bitcoin", "sp500", "dxy"

PRICE = [
    ("How much is silver?", lambda: E.price(S)),
    ("what's gold trading at", lambda: E.price(G)),
    ("btc price pls", lambda: E.price(B)),
    ("where's the S&P right now", lambda: E.price(X)),
    ("dollar index level?", lambda: E.price(D)),
    ("Price of gold today", lambda: E.no_data(G, "today")),
    ("what does an ounce of silver cost", lambda: E.price(S)),
    ("current bitcoin quote", lambda: E.price(B)),
    ("gold?", lambda: E.price(G)),
    ("XAG", lambda: E.price(S)),
    ("how much is the greenback index at", lambda: E.price(D)),
    ("spx level", lambda: E.price(X)),
    ("latest close for gold futures", lambda: E.price(G)),
    ("what's one bitcoin worth", lambda: E.price(B)),
    ("tell me where silver closed", lambda: E.price(S)),
    ("S&P 500 quote please", lambda: E.price(X)),
    ("what is the DXY at", lambda: E.price(D)),
    ("how much does bitcoin cost now", lambda: E.price(B)),
    ("gold price", lambda: E.price(G)),
    ("where is silver at the moment?", lambda: E.price(S)),
    ("last price of the s&p", lambda: E.price(X)),
    ("xau spot?", lambda: E.price(G)),
    ("how pricey is bitcoin these days", lambda: E.price(B)),
    ("give me the dollar index", lambda: E.price(D)),
    ("gold and silver prices", lambda: E.price(G) + E.price(S, lead=False)),
]

DATES = [
    ("What was gold on 3 March 2025?", lambda: E.close_on(G, "2025-03-03")),
    ("silver close on March 3rd, 2025", lambda: E.close_on(S, "2025-03-03")),
    ("how much was bitcoin on 1 January 2025", lambda: E.close_on(B, "2025-01-01")),
    ("gold price on the 3rd of March 2025", lambda: E.close_on(G, "2025-03-03")),
    ("What did silver close at on 2025-06-02?", lambda: E.close_on(S, "2025-06-02")),
    ("S&P 500 on 14 Feb 2026?", lambda: E.close_on(X, "2026-02-14")),
    ("dollar index on Jan 15 2026", lambda: E.close_on(D, "2026-01-15")),
    ("gold at the end of 2024", lambda: E.close_on(G, "2024-12-31")),
    ("where did silver finish at the end of 2025?", lambda: E.close_on(S, "2025-12-31")),
    ("bitcoin price at the end of March 2025", lambda: E.close_on(B, "2025-03-31")),
    ("S&P level at the start of 2026", lambda: E.close_on(X, "2026-01-01")),
    ("gold last Friday", lambda: E.close_on(G, "2026-03-27")),
    ("what was silver last friday", lambda: E.close_on(S, "2026-03-27")),
    ("How much was the S&P 500 last Friday?", lambda: E.close_on(X, "2026-08-14")),
    ("gold on March 3rd", lambda: E.close_on(G, "2026-03-03")),
    ("silver on 12 March", lambda: E.close_on(S, "2026-03-12")),
    ("what was gold yesterday", lambda: E.close_on(G, "2026-03-29")),
    ("silver 2 weeks ago", lambda: E.close_on(S, "2026-03-16")),
    ("dollar index a month ago", lambda: E.close_on(D, "2026-02-28")),
    ("bitcoin on 13/04/2025", lambda: E.close_on(B, "2025-04-13")),
    ("gold on 20.01.2026", lambda: E.close_on(G, "2026-01-20")),
    ("silver on Sunday 1 March 2026", lambda: E.close_on(S, "2026-03-01")),
    ("what was the S&P at on July 4th 2025", lambda: E.close_on(X, "2025-07-04")),
    ("gold close on Monday", lambda: E.close_on(G, "2026-03-30")),
    ("what was silver worth on 29 January 2026?", lambda: E.close_on(S, "2026-01-29")),
    ("gold on 3 March 1999", lambda: E.starts(G)),
    ("bitcoin price on 1 June 2010", lambda: E.starts(B)),
    ("silver in 1995?", lambda: E.starts(S)),
    ("gold on 03/04/2025", lambda: E.ask_date()),
    ("silver on 05/06/2025", lambda: E.ask_date()),
    ("what was gold on the 3rd?", lambda: E.ask_date()),
    ("dxy on 2 Jan 2001", lambda: E.close_on(D, "2001-01-02")),
    ("S&P 500 on 19 October 1987", lambda: E.close_on(X, "1987-10-19")),
    ("gold on Christmas Eve 2025, 24 December 2025", lambda: E.close_on(G, "2025-12-24")),
    ("silver price on February 27th 2026", lambda: E.close_on(S, "2026-02-27")),
]

PERIODS = [
    ("how did gold do in 2024", lambda: E.period(G, "2024-01-01", "2024-12-31")),
    ("silver performance in 2025", lambda: E.period(S, "2025-01-01", "2025-12-31")),
    ("what did bitcoin return during 2024?", lambda: E.period(B, "2024-01-01", "2024-12-31")),
    ("S&P 500 in 2022", lambda: E.period(X, "2022-01-01", "2022-12-31")),
    ("how did the dollar do during February 2026", lambda: E.period(D, "2026-02-01", "2026-02-28")),
    ("silver in January 2026?", lambda: E.period(S, "2026-01-01", "2026-01-31")),
    ("gold in the first quarter", lambda: E.period(G, "2026-01-01", "2026-03-31")),
    ("how did silver do in Q3 2025", lambda: E.period(S, "2025-07-01", "2025-09-30")),
    ("bitcoin in q1 2025", lambda: E.period(B, "2025-01-01", "2025-03-31")),
    ("S&P 500 in the second quarter of 2025", lambda: E.period(X, "2025-04-01", "2025-06-30")),
    ("gold since 2020", lambda: E.since(G, "2020-01-01")),
    ("how much is silver up since 2024?", lambda: E.since(S, "2024-01-01")),
    ("bitcoin since January 2025", lambda: E.since(B, "2025-01-01")),
    ("how has the dollar done since March", lambda: E.since(D, "2026-03-01")),
    ("gold from June to September 2025", lambda: E.period(G, "2025-06-01", "2025-09-30")),
    ("silver between March and May 2025", lambda: E.period(S, "2025-03-01", "2025-05-31")),
    ("S&P from 2020 to 2024", lambda: E.period(X, "2020-01-01", "2024-12-31")),
    ("how did gold do last year", lambda: E.period(G, "2025-01-01", "2025-12-31")),
    ("silver last month", lambda: E.period(S, "2026-02-01", "2026-02-28")),
    ("gold over 6 months", lambda: E.trailing(G, 6)),
    ("how has silver done over the past two years", lambda: E.trailing(S, 24)),
    ("S&P 500 in the first half of 2025", lambda: E.period(X, "2025-01-01", "2025-06-30")),
    ("bitcoin in H2 2025", lambda: E.period(B, "2025-07-01", "2025-12-31")),
    ("dollar index during 2025", lambda: E.period(D, "2025-01-01", "2025-12-31")),
    ("what was gold's return in march 2020", lambda: E.period(G, "2020-03-01", "2020-03-31")),
    ("how much did silver gain in December 2025", lambda: E.period(S, "2025-12-01", "2025-12-31")),
    ("did bitcoin fall in 2022?", lambda: E.period(B, "2022-01-01", "2022-12-31")),
    ("S&P move in Q4 2025", lambda: E.period(X, "2025-10-01", "2025-12-31")),
    ("gold over the last 18 months", lambda: E.trailing(G, 18)),
    ("silver since the start of 2026", lambda: E.since(S, "2026-01-01")),
    ("How did the S&P 500 do in July?", lambda: E.period(X, "2026-07-01", "2026-07-31")),
    ("gold throughout 2023", lambda: E.period(G, "2023-01-01", "2023-12-31")),
    (
        "what happened to silver in the third quarter of 2025",
        lambda: E.period(S, "2025-07-01", "2025-09-30"),
    ),
    (
        "bitcoin from November 2024 to February 2025",
        lambda: E.period(B, "2024-11-01", "2025-02-28"),
    ),
    ("the dollar over 2 years", lambda: E.trailing(D, 24)),
]

HORIZONS = [
    ("Is the dollar down this month?", lambda: E.no_data(D, "this month")),
    ("how has bitcoin done ytd", lambda: E.horizon(B, "ytd")),
    ("gold year to date?", lambda: E.horizon(G, "ytd")),
    ("silver over the past year", lambda: E.horizon(S, "1y")),
    ("How much has silver fallen over 3 months?", lambda: E.horizon(S, "3m")),
    ("what did gold do this week", lambda: E.no_data(G, "this week")),
    ("S&P 500 over the last 12 months", lambda: E.horizon(X, "1y")),
    ("bitcoin's 1 year performance", lambda: E.horizon(B, "1y")),
    ("is silver up over the past month", lambda: E.horizon(S, "1m")),
    ("how's the dollar done over three months", lambda: E.horizon(D, "3m")),
    ("gold 3m change", lambda: E.horizon(G, "3m")),
    ("how has the S&P done so far this year", lambda: E.horizon(X, "ytd")),
    ("silver ytd return", lambda: E.horizon(S, "ytd")),
    ("has gold gained over the past week?", lambda: E.horizon(G, "1w")),
    ("bitcoin over the past month", lambda: E.horizon(B, "1m")),
    ("how much has the s&p risen over the last year", lambda: E.horizon(X, "1y")),
    ("dollar index this year", lambda: E.horizon(D, "ytd")),
    ("silver one month change", lambda: E.horizon(S, "1m")),
    ("How did gold do over the past 3 months?", lambda: E.horizon(G, "3m")),
    ("btc performance over a year", lambda: E.horizon(B, "1y")),
]

TYPOS = [
    ("slver price", lambda: E.price(S) + E.typo("slver", "silver")),
    ("how much is bitcon", lambda: E.price(B) + E.typo("bitcon", "bitcoin")),
    (
        "golld vs slvr",
        lambda: E.compare_h(G, S, "3m") + E.typo("golld", "gold") + E.typo("slvr", "silver"),
    ),
    ("is sliver breaking out?", lambda: E.record(S) + E.typo("sliver", "silver")),
    ("why is bitcoinn falling", lambda: E.why(B) + E.typo("bitcoinn", "bitcoin")),
    ("gold vs bitcon this year", lambda: E.compare_h(G, B, "ytd") + E.typo("bitcon", "bitcoin")),
    ("silvr in 2024", lambda: E.period(S, "2024-01-01", "2024-12-31") + E.typo("silvr", "silver")),
    ("golf price", lambda: E.unknown("golf")),
    ("whats the prize of goold", lambda: E.price(G) + E.typo("goold", "gold")),
    ("bticoin ytd", lambda: E.horizon(B, "ytd") + E.typo("bticoin", "bitcoin")),
    ("did siver hit 100", lambda: E.level(S, 100) + E.typo("siver", "silver")),
    ("dollr index level", lambda: E.price(D) + E.typo("dollr", "the us dollar index")),
    ("does bitcoin follow silvr", lambda: E.lag(S, B) + E.typo("silvr", "silver")),
    ("goldd on 3 March 2025", lambda: E.close_on(G, "2025-03-03") + E.typo("goldd", "gold")),
    ("bitcoinn at a record?", lambda: E.record(B) + E.typo("bitcoinn", "bitcoin")),
    (
        "how has slver done this month",
        lambda: E.no_data(S, "this month") + E.typo("slver", "silver"),
    ),
    ("sivler vs gold over 1 year", lambda: E.compare_h(S, G, "1y") + E.typo("sivler", "silver")),
    ("bitcoint price", lambda: E.price(B) + E.typo("bitcoint", "bitcoin")),
    ("golds all time high", lambda: E.record(G)),
    ("silvers price", lambda: E.price(S)),
]

WHY = [
    ("Why is silver rising?", lambda: E.why(S, "up")),
    ("what's driving gold lately", lambda: E.why(G)),
    ("what's behind the bitcoin move", lambda: E.why(B)),
    ("any reason for silver's drop?", lambda: E.why(S, "down")),
    ("how come gold is up", lambda: E.why(G, "up")),
    ("explain the dollar's weakness", lambda: E.why(D, "down")),
    ("why did bitcoin sell off", lambda: E.why(B, "down")),
    ("What's pushing silver higher?", lambda: E.why(S, "up")),
    ("what is fuelling the gold rally", lambda: E.why(G, "up")),
    ("reasons for the S&P's move", lambda: E.why(X)),
    ("why is the dollar so strong", lambda: E.why(D, "up")),
    ("what's causing bitcoin to slide", lambda: E.why(B, "down")),
    ("what explains silver's crash", lambda: E.why(S, "down")),
    ("how come the greenback is weaker", lambda: E.why(D, "down")),
    ("what's the story with gold", lambda: E.why(G)),
    ("why are gold prices climbing", lambda: E.why(G, "up")),
    ("anything explain the bitcoin slump?", lambda: E.why(B, "down")),
    ("what moved silver", lambda: E.why(S)),
    ("why's gold been so bid", lambda: E.why(G)),
    ("what's got silver tanking", lambda: E.why(S, "down")),
]

PREMISES = [
    ("why is silver soaring?", lambda: E.why(S, "up")),
    ("why is bitcoin crashing", lambda: E.why(B, "down")),
    ("why is gold falling", lambda: E.why(G, "down")),
    ("why is the dollar rallying", lambda: E.why(D, "up")),
    (
        "why did silver drop on 30 January 2026?",
        lambda: (
            E.day_move(S, "2026-01-30") + E.Expect(tools=[("search_commentary", {})], words=None)
        ),
    ),
    (
        "why did gold fall on 30 Jan 2026",
        lambda: (
            E.day_move(G, "2026-01-30") + E.Expect(tools=[("search_commentary", {})], words=None)
        ),
    ),
    (
        "what made bitcoin jump on 2 March 2026?",
        lambda: (
            E.day_move(B, "2026-03-02") + E.Expect(tools=[("search_commentary", {})], words=None)
        ),
    ),
    (
        "why did the S&P drop on 10 April 2025",
        lambda: (
            E.day_move(X, "2025-04-10") + E.Expect(tools=[("search_commentary", {})], words=None)
        ),
    ),
    (
        "why did silver rally in 2025?",
        lambda: (
            E.period(S, "2025-01-01", "2025-12-31")
            + E.Expect(tools=[("search_commentary", {})], words=None)
        ),
    ),
    ("why is the S&P 500 going up", lambda: E.why(X, "up")),
    ("why is gold tanking", lambda: E.why(G, "down")),
    ("why is silver so weak?", lambda: E.why(S, "down")),
]

COMPARE = [
    ("Has silver outperformed gold over the last three months?", lambda: E.compare_h(S, G, "3m")),
    ("which did better this year, gold or bitcoin?", lambda: E.compare_h(G, B, "ytd")),
    ("did gold beat the S&P over the past year", lambda: E.compare_h(G, X, "1y")),
    ("silver vs gold", lambda: E.compare_h(S, G, "3m")),
    ("gold versus bitcoin over 1 year", lambda: E.compare_h(G, B, "1y")),
    (
        "which was the better bet in 2025, silver or gold?",
        lambda: E.compare_p(S, G, "2025-01-01", "2025-12-31"),
    ),
    ("did bitcoin beat gold in 2024", lambda: E.compare_p(B, G, "2024-01-01", "2024-12-31")),
    (
        "gold or silver, which gained more in Q3 2025?",
        lambda: E.compare_p(G, S, "2025-07-01", "2025-09-30"),
    ),
    ("compare the S&P and gold in 2022", lambda: E.compare_p(X, G, "2022-01-01", "2022-12-31")),
    (
        "who won in January 2026, silver or gold",
        lambda: E.compare_p(S, G, "2026-01-01", "2026-01-31"),
    ),
    ("is gold doing better than silver ytd", lambda: E.compare_h(G, S, "ytd")),
    ("how does bitcoin stack up against gold this year", lambda: E.compare_h(B, G, "ytd")),
    ("silver against the dollar over the past month", lambda: E.compare_h(S, D, "1m")),
    ("dollar vs gold over 3 months", lambda: E.compare_h(D, G, "3m")),
    ("has the S&P outperformed bitcoin over the past year?", lambda: E.compare_h(X, B, "1y")),
    (
        "which rose more since 2020, gold or the S&P 500",
        lambda: E.compare_p(G, X, "2020-01-01", "2026-03-30"),
    ),
    ("gold vs silver in 2024", lambda: E.compare_p(G, S, "2024-01-01", "2024-12-31")),
    (
        "bitcoin or the S&P in 2023: which did better?",
        lambda: E.compare_p(B, X, "2023-01-01", "2023-12-31"),
    ),
    (
        "did silver beat gold from June to September 2025",
        lambda: E.compare_p(S, G, "2025-06-01", "2025-09-30"),
    ),
    ("compare gold and silver over the past year", lambda: E.compare_h(G, S, "1y")),
    ("which has done worse this year, the dollar or gold", lambda: E.compare_h(D, G, "ytd")),
    (
        "gold against bitcoin in the first quarter of 2025",
        lambda: E.compare_p(G, B, "2025-01-01", "2025-03-31"),
    ),
    ("silver relative to gold over 1y", lambda: E.compare_h(S, G, "1y")),
    ("is bitcoin beating the dollar this year?", lambda: E.compare_h(B, D, "ytd")),
    ("did gold outdo silver last year", lambda: E.compare_p(G, S, "2025-01-01", "2025-12-31")),
    ("S&P 500 vs gold over the past week", lambda: E.compare_h(X, G, "1w")),
    (
        "which performed better in 2021, btc or gold?",
        lambda: E.compare_p(B, G, "2021-01-01", "2021-12-31"),
    ),
    ("gold or the S&P: who did better over three months", lambda: E.compare_h(G, X, "3m")),
    ("silver versus bitcoin ytd", lambda: E.compare_h(S, B, "ytd")),
    ("has gold lagged silver over the past year in performance?", lambda: E.compare_h(G, S, "1y")),
]

RECORDS = [
    ("Is silver breaking out?", lambda: E.record(S)),
    ("is gold at a record?", lambda: E.record(G)),
    ("Did bitcoin hit an all-time high?", lambda: E.record(B)),
    ("is the S&P at an all time high", lambda: E.record(X)),
    ("any new highs in the dollar index?", lambda: E.record(D)),
    ("is silver near its record", lambda: E.record(S)),
    ("how far is gold from its peak", lambda: E.record(G)),
    ("when was bitcoin's top", lambda: E.record_when(B)),
    ("is the S&P 500 making new highs", lambda: E.record(X)),
    ("gold ATH?", lambda: E.record(G)),
    ("has silver broken out to new highs", lambda: E.record(S)),
    ("is bitcoin at its highest ever", lambda: E.record(B)),
    ("S&P record high?", lambda: E.record(X)),
    ("is gold topping out", lambda: E.record(G)),
    ("how close is silver to its all-time high", lambda: E.record(S)),
    ("did the S&P break out", lambda: E.record(X)),
    ("is btc at a record high", lambda: E.record(B)),
    ("gold breaking out?", lambda: E.record(G)),
    ("what's the dollar index all time high", lambda: E.record(D)),
    ("is silver still at records", lambda: E.record(S)),
]

LEADLAG = [
    ("Does bitcoin follow silver with a lag?", lambda: E.lag(S, B)),
    ("does gold lead bitcoin", lambda: E.lag(G, B)),
    ("is silver leading bitcoin?", lambda: E.lag(S, B)),
    ("does bitcoin trail gold", lambda: E.lag(G, B)),
    ("do the S&P 500 and bitcoin move together", lambda: E.lag(X, B)),
    ("does silver lead gold daily", lambda: E.lag(S, G, "daily")),
    ("does bitcoin follow the S&P monthly", lambda: E.lag(X, B, "monthly")),
    ("is there a lag between gold and silver", lambda: E.lag(G, S)),
    ("does the dollar lead gold", lambda: E.lag(D, G)),
    ("does bitcoin react to silver weeks later", lambda: E.lag(S, B)),
    ("is gold a leading indicator for bitcoin?", lambda: E.lag(G, B)),
    ("does bitcoin catch up with gold", lambda: E.lag(G, B)),
    ("does bitcoin rally after silver breakouts", lambda: E.lag(S, B)),
    ("how correlated are silver and bitcoin", lambda: E.lag(S, B)),
    ("does bitcoin track the S&P with a delay", lambda: E.lag(X, B)),
]

DOCUMENTS = [
    ("What does the article say about bitcoin?", lambda: E.doc(B)),
    ("what do the notes say about real yields?", lambda: E.doc()),
    ("summarise the silver article", lambda: E.doc(S)),
    ("what does the commentary say about gold", lambda: E.doc(G)),
    ("according to the article, what drives silver?", lambda: E.doc(S)),
    ("what do your notes say about halving cycles", lambda: E.doc()),
    ("what's the article's thesis", lambda: E.doc()),
    ("what does the library say about the dollar", lambda: E.doc(D)),
    ("quote the notes on the gold/silver ratio", lambda: E.doc()),
    ("what do the documents say about lead/lag claims", lambda: E.doc()),
    ("what does the piece argue about bitcoin and the metals", lambda: E.doc()),
    ("find notes about risk-off rotations", lambda: E.doc()),
    ("what do the sources say about silver's industrial demand", lambda: E.doc(S)),
    ("what does the article claim about the Fed", lambda: E.doc()),
    ("which notes mention breakouts", lambda: E.doc()),
]

FORECASTS = [
    ("will silver go up?", lambda: E.forecast(S)),
    ("what's your price target for gold", lambda: E.forecast(G)),
    ("where will bitcoin be next year", lambda: E.forecast(B)),
    ("predict the S&P for 2027", lambda: E.forecast(X)),
    ("will silver hit 200?", lambda: E.forecast(S)),
    ("is gold going to crash", lambda: E.forecast(G)),
    ("how high can bitcoin go", lambda: E.forecast(B)),
    ("forecast the dollar for next month", lambda: E.forecast(D)),
    ("will the S&P keep rising", lambda: E.forecast(X)),
    ("what will gold be worth in 2030", lambda: E.forecast(G)),
    ("silver outlook for next year?", lambda: E.forecast(S)),
    ("is bitcoin going to recover", lambda: E.forecast(B)),
    ("where is gold headed", lambda: E.forecast(G)),
    ("btc price prediction", lambda: E.forecast(B)),
    ("will silver outperform gold next year", lambda: E.forecast(S)),
]

UNKNOWN = [
    ("How much is Tesla?", lambda: E.unknown("Tesla")),
    ("what's Apple trading at", lambda: E.unknown("Apple")),
    ("How much is unobtainium?", lambda: E.unknown("unobtainium")),
    ("Nvidia price", lambda: E.unknown("Nvidia")),
    ("how is Microsoft doing this year", lambda: E.unknown("Microsoft")),
    ("compare gold with Tesla", lambda: E.unknown("Tesla")),
    ("how much is copper", lambda: E.missing("copper")),
    ("platinum price", lambda: E.missing("platinum")),
    ("is ethereum at a record", lambda: E.missing("ethereum")),
    ("crude oil in 2024", lambda: E.missing("crude")),
    ("what's the 10y yield", lambda: E.missing("us10y")),
    ("nasdaq ytd", lambda: E.missing("nasdaq")),
]

ADVICE = [
    ("Should I buy silver?", lambda: E.advice(S)),
    ("should I sell my gold", lambda: E.advice(G)),
    ("is bitcoin a good investment", lambda: E.advice(B)),
    ("is now a good time to buy the S&P", lambda: E.advice(X)),
    ("would you buy gold here?", lambda: E.advice(G)),
    ("is it too late to get into silver", lambda: E.advice(S)),
    ("should I put my savings in bitcoin", lambda: E.advice(B)),
    ("should I hold on to my gold", lambda: E.advice(G)),
]

LEVELS = [
    ("Did silver hit $100?", lambda: E.level(S, 100)),
    ("when did gold first close above 2000", lambda: E.level(G, 2000)),
    ("did bitcoin break 100k", lambda: E.level(B, 100000)),
    ("has the S&P ever been above 7000", lambda: E.level(X, 7000)),
    ("when did gold cross $3,000", lambda: E.level(G, 3000)),
    ("did silver reach 50 dollars", lambda: E.level(S, 50)),
    ("has bitcoin closed over 120k", lambda: E.level(B, 120000)),
    ("first time the dollar index topped 110", lambda: E.level(D, 110)),
    ("did gold get to 5000", lambda: E.level(G, 5000)),
    ("has silver ever been above 150", lambda: E.level(S, 150)),
]

FOLLOW_UPS = [
    (["How much is gold?", "and silver?"], lambda: E.price(S)),
    (["How has gold done this month?", "and over 3 months?"], lambda: E.horizon(G, "3m")),
    (["gold price", "over 6 months?"], lambda: E.trailing(G, 6)),
    (["Does bitcoin follow silver?", "weekly?"], lambda: E.lag(S, B, "weekly")),
    (["Does bitcoin follow silver?", "daily?"], lambda: E.lag(S, B, "daily")),
    (["Does bitcoin follow silver?", "and gold?"], lambda: E.lag(G, B)),
    (["How much is gold?", "vs silver?"], lambda: E.compare_h(G, S, "3m")),
    (["how did silver do this year", "vs gold?"], lambda: E.compare_h(S, G, "ytd")),
    (["Is silver breaking out?", "what about gold?"], lambda: E.record(G)),
    (["how did gold do in 2024", "and silver?"], lambda: E.period(S, "2024-01-01", "2024-12-31")),
    (
        ["how did gold do in 2024", "what about 2025?"],
        lambda: E.period(G, "2025-01-01", "2025-12-31"),
    ),
    (["How much is silver?", "why?"], lambda: E.why(S)),
    (["silver price", "is it at a record?"], lambda: E.record(S)),
    (["gold on 3 March 2025", "and silver?"], lambda: E.close_on(S, "2025-03-03")),
    (
        ["Which did better this year, gold or silver?", "over 1 year?"],
        lambda: E.compare_h(G, S, "1y"),
    ),
    (
        ["Which did better in 2024, gold or bitcoin?", "and in 2025?"],
        lambda: E.compare_p(G, B, "2025-01-01", "2025-12-31"),
    ),
    (["Why is silver falling?", "and gold?"], lambda: E.why(G, "down")),
    (["How much is bitcoin?", "how about last Friday?"], lambda: E.close_on(B, "2026-02-27")),
    (["gold ytd", "silver?"], lambda: E.horizon(S, "ytd")),
    (["How much is gold?", "tell me a joke"], lambda: E.decline()),
    (["is gold at a record", "and the S&P?"], lambda: E.record(X)),
    (["Did silver hit $100?", "and gold 5000?"], lambda: E.level(G, 5000)),
    (["what does the article say about bitcoin?", "and about silver?"], lambda: E.doc(S)),
    (["silver in Q3 2025", "q4?"], lambda: E.period(S, "2025-10-01", "2025-12-31")),
    (
        ["How much is gold?", "Write me a market briefing"],
        lambda: E.Expect(tools=[("market_briefing", {})], words=None),
    ),
]

OTHER = [
    ("tell me a joke", lambda: E.decline()),
    ("what's the weather in Paris?", lambda: E.decline()),
    ("hello", lambda: E.decline()),
    ("what's the capital of Spain", lambda: E.decline()),
    ("write me a poem about the sea", lambda: E.decline()),
    ("Does bitcoin follow?", lambda: E.decline()),
    ("recommend a good film", lambda: E.decline()),
    ("what can you do?", lambda: E.decline()),
    ("Write me a market briefing", lambda: E.Expect(tools=[("market_briefing", {})], words=None)),
    ("morning market wrap please", lambda: E.Expect(tools=[("market_briefing", {})], words=None)),
]

CLAIMS = [
    ("is the claim that bitcoin lags silver true?", lambda: E.claims("not supported")),
    ("is it true that bitcoin follows gold?", lambda: E.claims("not supported")),
    ("fact-check the silver article", lambda: E.claims("supported")),
    ("check this: bitcoin always follows silver by a few weeks", lambda: E.claims("not supported")),
]


def _quotes_about(title: str, *absent: str) -> E.Expect:
    return E.Expect(phrases=[title.lower()], absent=list(absent))


_BOILERPLATE = ("restates, in the project's own words", "credited here by title")

# Rows written for the classes a blind test found (tests/questions/heldout3.py holds that test):
# lasting premises, the end of a period, quotes about what was asked, calendar periods with no
# data, next-day lead/lag, checking a named note, "which did better?" across turns, record wording.
ROUND3 = [
    ("premises", ["why has silver been on such a tear?"], lambda: E.why(S, "up", lasting=True)),
    ("premises", ["why has bitcoin kept sinking?"], lambda: E.why(B, "down", lasting=True)),
    (
        "premises",
        ["what's behind gold rallying so hard lately?"],
        lambda: E.why(G, "up", lasting=True) + _quotes_about("gold and real yields"),
    ),
    (
        "why (paraphrases)",
        ["what pushed gold down at the end of January 2026?"],
        lambda: E.last_day_why(G, "2026-01-31"),
    ),
    (
        "why (paraphrases)",
        ["any reason the S&P 500 slipped at the end of May 2025?"],
        lambda: E.last_day_why(X, "2025-05-31"),
    ),
    (
        "documents",
        ["what do the notes say about solar panels and silver?"],
        lambda: E.doc(S) + _quotes_about("silver's industrial demand", *_BOILERPLATE),
    ),
    (
        "documents",
        ["give me the gist of the article on silver supply"],
        lambda: E.doc(S) + E.Expect(absent=list(_BOILERPLATE)),
    ),
    ("horizons", ["has silver gone up this week?"], lambda: E.no_data(S, "this week")),
    ("horizons", ["gold move today?"], lambda: E.no_data(G, "today")),
    ("horizons", ["bitcoin last week"], lambda: E.no_data(B, "last week")),
    (
        "lead/lag",
        ["if gold jumps, does silver follow the next trading day?"],
        lambda: E.lag(G, S, "daily"),
    ),
    ("lead/lag", ["does the dollar move bitcoin one day later?"], lambda: E.lag(D, B, "daily")),
    ("lead/lag", ["does silver react to gold a week later?"], lambda: E.lag(G, S, "weekly")),
    (
        "claims",
        ["is the gold and real yields note accurate?"],
        lambda: E.doc_check("gold and real yields"),
    ),
    (
        "claims",
        ["can you verify the numbers in the dollar note?"],
        lambda: E.doc_check("the dollar and commodities"),
    ),
    (
        "claims",
        ["how reliable is the halving note?"],
        lambda: E.doc_check("bitcoin, liquidity and halving cycles"),
    ),
    (
        "follow-ups",
        ["How did gold do in 2024?", "and silver?", "which did better?"],
        lambda: E.compare_p(G, S, "2024-01-01", "2024-12-31"),
    ),
    (
        "follow-ups",
        ["dollar index in the first half of 2025", "what about the S&P?", "who came out ahead?"],
        lambda: E.compare_p(D, X, "2025-01-01", "2025-06-30"),
    ),
    (
        "follow-ups",
        ["How much is silver?", "and gold?", "and over 3 months?"],
        lambda: E.horizon(G, "3m"),
    ),
    (
        "records",
        ["is gold at a record high?"],
        lambda: E.record(G) + E.Expect(first=["is not at a record"]),
    ),
    ("records", ["when was the dollar index's last record close?"], lambda: E.record_when(D)),
    ("typos", ["what's the snp500 at"], lambda: E.price(X) + E.typo("snp500", "the s&p 500")),
    (
        "unknown assets",
        ["compare platinum with silver over the past year"],
        lambda: E.horizon(S, "1y", first=False) + E.missing("platinum"),
    ),
]

TABLE = (
    [("price", [q], e) for q, e in PRICE]
    + [("dates in words", [q], e) for q, e in DATES]
    + [("calendar periods", [q], e) for q, e in PERIODS]
    + [("horizons", [q], e) for q, e in HORIZONS]
    + [("typos", [q], e) for q, e in TYPOS]
    + [("why (paraphrases)", [q], e) for q, e in WHY]
    + [("premises", [q], e) for q, e in PREMISES]
    + [("comparisons", [q], e) for q, e in COMPARE]
    + [("records", [q], e) for q, e in RECORDS]
    + [("lead/lag", [q], e) for q, e in LEADLAG]
    + [("documents", [q], e) for q, e in DOCUMENTS]
    + [("forecasts", [q], e) for q, e in FORECASTS]
    + [("unknown assets", [q], e) for q, e in UNKNOWN]
    + [("advice", [q], e) for q, e in ADVICE]
    + [("levels", [q], e) for q, e in LEVELS]
    + [("follow-ups", turns, e) for turns, e in FOLLOW_UPS]
    + [("scope and small talk", [q], e) for q, e in OTHER]
    + [("claims", [q], e) for q, e in CLAIMS]
    + ROUND3
)
