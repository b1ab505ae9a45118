"""The offline analyst through the real agent graph: questions worded the ways people ask.

Each case names the tools that must be called (with key arguments). Every answer must contain
the tools' own figures and be fully grounded.
"""

from __future__ import annotations

import pytest

from assistant.agent import Assistant
from assistant.config import Settings
from tools import formatting as f

# (id, conversation, expected tool calls of the LAST turn: [(name, {arg: value subset}), ...])
CASES = [
    # prices and levels
    ("price-plain", ["How much is silver?"], [("get_price", {"asset": "silver"})]),
    ("price-whats", ["What's the price of gold?"], [("get_price", {"asset": "gold"})]),
    ("price-ticker", ["btc price"], [("get_price", {"asset": "bitcoin"})]),
    ("price-index", ["Where is the S&P 500 trading?"], [("get_price", {"asset": "sp500"})]),
    ("price-alias-xag", ["quote for XAG"], [("get_price", {"asset": "silver"})]),
    (
        "price-on-date",
        ["What did silver close at on 2025-06-02?"],
        [("get_price", {"asset": "silver", "on": "2025-06-02"})],
    ),
    ("price-bare-name", ["ETH?"], [("get_price", {"asset": "ethereum"})]),
    ("price-copper", ["How much is copper now?"], [("get_price", {"asset": "copper"})]),
    ("price-oil", ["What's crude oil worth today?"], [("get_price", {"asset": "crude"})]),
    ("price-10y", ["what is the 10y yield at?"], [("get_price", {"asset": "us10y"})]),
    ("price-dollar", ["the dollar index level?"], [("get_price", {"asset": "dxy"})]),
    ("price-shouting", ["PLATINUM PRICE"], [("get_price", {"asset": "platinum"})]),
    (
        "price-two-assets",
        ["gold and silver prices"],
        [("get_price", {"asset": "gold"}), ("get_price", {"asset": "silver"})],
    ),
    # changes over a horizon
    ("change-month", ["Is the dollar down this month?"], [("get_price", {"asset": "dxy"})]),
    ("change-ytd", ["How has bitcoin performed YTD?"], [("get_price", {"asset": "bitcoin"})]),
    ("change-week", ["What did gold do this week?"], [("get_price", {"asset": "gold"})]),
    (
        "change-3m",
        ["How much has silver risen over 3 months?"],
        [("get_price", {"asset": "silver"})],
    ),
    (
        "change-1y",
        ["How did the Nasdaq do over the past year?"],
        [("get_price", {"asset": "nasdaq"})],
    ),
    # records and breakouts
    (
        "breakout-silver",
        ["Is silver breaking out?"],
        [
            ("find_breakouts", {"asset": "silver"}),
            ("get_price", {"asset": "silver"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "breakout-ath",
        ["Did gold hit an all-time high?"],
        [
            ("find_breakouts", {"asset": "gold"}),
            ("get_price", {"asset": "gold"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "breakout-record",
        ["Is bitcoin at a record?"],
        [
            ("find_breakouts", {"asset": "bitcoin"}),
            ("get_price", {"asset": "bitcoin"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "breakout-new-highs",
        ["any new highs in platinum?"],
        [
            ("find_breakouts", {"asset": "platinum"}),
            ("get_price", {"asset": "platinum"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "breakout-near-ath",
        ["Is ethereum near its all-time high?"],
        [
            ("find_breakouts", {"asset": "ethereum"}),
            ("get_price", {"asset": "ethereum"}),
            ("search_commentary", {}),
        ],
    ),
    # relative performance
    (
        "compare-3m",
        ["Has silver outperformed gold over the last three months?"],
        [("compare_assets", {"assets": ["silver", "gold"]})],
    ),
    ("compare-vs", ["silver vs gold"], [("compare_assets", {"assets": ["silver", "gold"]})]),
    (
        "compare-ytd",
        ["Compare bitcoin and ethereum YTD"],
        [("compare_assets", {"assets": ["bitcoin", "ethereum"]})],
    ),
    (
        "compare-beating",
        ["Is gold beating the S&P 500 this year?"],
        [("compare_assets", {"assets": ["gold", "sp500"]})],
    ),
    (
        "compare-versus-1y",
        ["bitcoin versus nasdaq over 1y"],
        [("compare_assets", {"assets": ["bitcoin", "nasdaq"]})],
    ),
    # lead/lag, with the leader/follower order read from the phrasing
    (
        "lag-follow",
        ["Does bitcoin follow silver with a lag?"],
        [
            ("lead_lag", {"leader": "silver", "follower": "bitcoin", "freq": "weekly"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "lag-lead",
        ["Does gold lead bitcoin?"],
        [("lead_lag", {"leader": "gold", "follower": "bitcoin"}), ("search_commentary", {})],
    ),
    (
        "lag-leading",
        ["Is silver leading bitcoin?"],
        [("lead_lag", {"leader": "silver", "follower": "bitcoin"}), ("search_commentary", {})],
    ),
    (
        "lag-trail",
        ["Does bitcoin trail gold?"],
        [("lead_lag", {"leader": "gold", "follower": "bitcoin"}), ("search_commentary", {})],
    ),
    (
        "lag-together",
        ["Do the S&P 500 and bitcoin move together?"],
        [("lead_lag", {"leader": "sp500", "follower": "bitcoin"}), ("search_commentary", {})],
    ),
    (
        "lag-monthly",
        ["Does copper lead crude on a monthly basis?"],
        [
            ("lead_lag", {"leader": "copper", "follower": "crude", "freq": "monthly"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "lag-daily",
        ["Does bitcoin follow silver daily?"],
        [
            ("lead_lag", {"leader": "silver", "follower": "bitcoin", "freq": "daily"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "lag-events",
        ["Does bitcoin rally after silver breakouts?"],
        [
            ("lead_lag", {"leader": "silver", "follower": "bitcoin", "events": True}),
            ("search_commentary", {}),
        ],
    ),
    # why questions: commentary plus the data
    (
        "why-silver",
        ["Why is silver rising?"],
        [("search_commentary", {"asset": "silver"}), ("get_price", {"asset": "silver"})],
    ),
    (
        "why-gold",
        ["What is driving gold?"],
        [("search_commentary", {"asset": "gold"}), ("get_price", {"asset": "gold"})],
    ),
    (
        "why-group",
        ["why are metals rallying?"],
        [
            ("search_commentary", {}),
            ("get_price", {"asset": "gold"}),
            ("get_price", {"asset": "silver"}),
        ],
    ),
    ("why-no-asset", ["why do markets move on rate cuts?"], [("search_commentary", {})]),
    # briefing
    ("briefing", ["Write me a market briefing"], [("market_briefing", {})]),
    # follow-ups that need the earlier turn
    ("follow-price", ["How much is silver?", "and gold?"], [("get_price", {"asset": "gold"})]),
    (
        "follow-lag",
        ["Does bitcoin follow silver?", "and gold?"],
        [("lead_lag", {"leader": "gold", "follower": "bitcoin"}), ("search_commentary", {})],
    ),
    (
        "follow-breakout",
        ["Is silver breaking out?", "what about platinum?"],
        [
            ("find_breakouts", {"asset": "platinum"}),
            ("get_price", {"asset": "platinum"}),
            ("search_commentary", {}),
        ],
    ),
    (
        "follow-horizon",
        ["How has gold done this month?", "and over 3 months?"],
        [("get_price", {"asset": "gold"})],
    ),
    # price levels and groups of assets
    (
        "level-hit",
        ["Did silver hit $80?"],
        [
            ("first_close_above", {"asset": "silver", "level": 80.0}),
            ("get_price", {"asset": "silver"}),
        ],
    ),
    (
        "level-first-close",
        ["When did gold first close above 2000?"],
        [
            ("first_close_above", {"asset": "gold", "level": 2000.0}),
            ("get_price", {"asset": "gold"}),
        ],
    ),
    (
        "level-k-suffix",
        ["Did bitcoin break 100k?"],
        [
            ("first_close_above", {"asset": "bitcoin", "level": 100000.0}),
            ("get_price", {"asset": "bitcoin"}),
        ],
    ),
    (
        "lag-group",
        ["Is bitcoin lagging the metals?"],
        [
            ("lead_lag", {"leader": "gold", "follower": "bitcoin"}),
            ("lead_lag", {"leader": "silver", "follower": "bitcoin"}),
            ("search_commentary", {}),
        ],
    ),
    ("change-1-year", ["silver 1 year performance"], [("get_price", {"asset": "silver"})]),
    (
        "compare-three",
        ["Compare gold, silver and bitcoin over the past month"],
        [("compare_assets", {"assets": ["gold", "silver", "bitcoin"]})],
    ),
    # advice is declined but the data is given
    ("advice", ["Should I buy silver?"], [("get_price", {"asset": "silver"})]),
    # questions it must decline
    ("decline-joke", ["tell me a joke"], []),
    ("decline-weather", ["what's the weather in Paris?"], []),
    ("decline-one-asset-lag", ["Does bitcoin follow?"], []),
]


@pytest.fixture(scope="module")
def assistant(knowledge_base):
    return Assistant(Settings(data="demo", model="offline"), knowledge=lambda: knowledge_base)


def figures_expected(result: dict) -> list[str]:
    """Figures from a tool artifact that the answer must show."""
    a = result["artifact"] or {}
    kind = a.get("kind")
    if kind == "price":
        return [f.price(a["close_on"]["close"])] if a.get("close_on") else [f.price(a["close"])]
    if kind == "breakouts":
        return [f.price(a["episodes"][-1]["peak"])] if a["episodes"] else []
    if kind == "compare":
        return [f.price(r["close"]) for r in a["rows"]]
    if kind == "leadlag":
        return [f.corr(a["best_lag"]["corr"]), f.count(a["n_obs"])]
    if kind == "commentary":  # checked by quoted_fits: a passage close enough is quoted
        return []
    if kind == "level":
        return [f.price(a["level"])] + ([a["date"]] if a.get("date") else [])
    if kind == "briefing":
        return ["## Headline", "## Moves"]
    return []


def quoted_fits(result: dict, answer: str) -> bool:
    """A commentary search's answer quotes one of the passages close enough to the question
    (ranked by what they are about, so not always the closest), or says nothing fits."""
    a = result["artifact"] or {}
    if a.get("kind") != "commentary":
        return True
    fits = [p["title"] for p in a["passages"] if p["score"] >= 0.40]
    nothing = ("nothing that answers", "nothing in the library")
    return any(t in answer for t in fits) if fits else any(n in answer.lower() for n in nothing)


@pytest.mark.parametrize("turns,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_offline_analyst_table(assistant, turns, expected, request):
    thread = request.node.name
    for question in turns:
        reply = assistant.ask(question, thread_id=thread)
    assert reply.error is None, reply.error
    got = [(c["name"], c["args"]) for c in reply.tool_calls]
    assert len(got) == len(expected), got
    for (name, subset), (got_name, got_args) in zip(expected, got, strict=True):
        assert got_name == name
        for key, value in subset.items():
            assert got_args.get(key) == value, (key, got_args)
    for result in reply.tool_results:
        assert not result["error"], result["summary"]
        for figure in figures_expected(result):
            assert figure in reply.answer, (figure, reply.answer)
        assert quoted_fits(result, reply.answer), reply.answer
    assert reply.grounding.ok, reply.grounding.ungrounded
    assert "not a language model" in reply.answer
    if any(name != "search_commentary" for name, _ in expected):
        assert "synthetic demo data" in reply.answer
    elif not expected:
        assert (
            "Try:" in reply.answer
            or "Name two assets" in reply.answer
            or "Which asset" in reply.answer
        )


def test_table_is_large_enough():
    assert len(CASES) >= 40


def test_advice_is_declined_in_words(assistant):
    reply = assistant.ask("Should I sell my gold?")
    assert "don't give investment advice" in reply.answer


def test_why_answer_quotes_and_cites_commentary(assistant):
    reply = assistant.ask("Why is silver rising?")
    assert reply.sources and all(s["title"] for s in reply.sources)
    assert any(s["title"] in reply.answer for s in reply.sources)
    assert "What the commentary says" in reply.answer


def test_answers_are_deterministic(assistant):
    first = assistant.ask("Has silver outperformed gold over the last three months?").answer
    second = assistant.ask("Has silver outperformed gold over the last three months?").answer
    assert first == second


def test_unknown_ticker_gets_the_sources_own_advice(assistant):
    reply = assistant.ask("price of AAPL")
    assert reply.tool_calls == [
        {"id": reply.tool_calls[0]["id"], "name": "get_price", "args": {"asset": "AAPL"}}
    ]
    assert "live Yahoo source" in reply.answer and reply.grounding.ok


def test_an_unknown_asset_is_named_with_what_the_source_has(assistant):
    reply = assistant.ask("How much is unobtainium?")
    assert [c["name"] for c in reply.tool_calls] == ["get_price"]
    assert "unobtainium" in reply.answer and "silver" in reply.answer and reply.grounding.ok
