"""Reading questions: levels, horizons, groups, tickers and leader/follower order."""

import pytest

from assistant.offline.reading import parse

LEVELS = [
    ("Did silver hit $100?", 100.0),
    ("did btc cross 100k", 100000.0),
    ("gold above 2,000 dollars", 2000.0),
    ("Did silver hit $100.5?", 100.5),
    ("gold over 10y", None),  # a horizon, not a level
    ("silver over 12 months", None),
    ("silver over 25 weeks", None),
    ("up over 5%", None),
]


@pytest.mark.parametrize("question,level", LEVELS, ids=[q for q, _ in LEVELS])
def test_price_levels_are_told_apart_from_horizons(question, level):
    assert parse(question).level == level


@pytest.mark.parametrize(
    "question,horizon",
    [
        ("silver 1 year performance", "1y"),
        ("gold this month", "1m"),
        ("btc YTD", "ytd"),
        ("silver over three months", "3m"),
        ("dxy today", "1d"),
        ("gold", None),
    ],
)
def test_horizons(question, horizon):
    assert parse(question).horizon == horizon


@pytest.mark.parametrize(
    "question,assets",
    [
        ("Is bitcoin lagging the metals?", ("bitcoin", "gold", "silver")),
        ("how is crypto doing", ("bitcoin", "ethereum")),
        ("price of AAPL", ("AAPL",)),
        ("what about ^N225", ("^N225",)),
        ("is the USD strong", ("dxy",)),
        ("What's the ATH of silver?", ("silver",)),  # ATH is not a ticker
    ],
)
def test_assets_groups_and_tickers(question, assets):
    assert parse(question).assets == assets


@pytest.mark.parametrize(
    "question,leader,follower",
    [
        ("Does bitcoin follow silver?", "silver", "bitcoin"),
        ("Does gold lead bitcoin?", "gold", "bitcoin"),
        ("Does bitcoin trail gold?", "gold", "bitcoin"),
        ("Does bitcoin rally after silver breakouts?", "silver", "bitcoin"),
        ("Is silver ahead of bitcoin?", "silver", "bitcoin"),
    ],
)
def test_leader_and_follower_from_the_phrasing(question, leader, follower):
    intent = parse(question)
    assert (intent.leader, intent.follower) == (leader, follower)
