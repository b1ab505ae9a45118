"""What a question asks, read from its meaning (nearest labelled examples with a margin), with
rules for the parameters, follow-ups completed from the question before, and asking back."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from assistant.offline import bank
from assistant.offline.analyst import resolve_intent
from assistant.offline.intents import BANK_FILE, bank_digest, reader
from assistant.offline.reading import parse

PARAPHRASES = [
    ("what's driving gold these days", bank.WHY),
    ("any reason for bitcoin's weakness?", bank.WHY),
    ("how come silver crashed?", bank.WHY),
    ("what's behind the rally in the dollar", bank.WHY),
    ("which was the better bet this year, gold or silver?", bank.COMPARE),
    ("did bitcoin outdo gold in 2024", bank.COMPARE),
    ("is silver hitting records", bank.BREAKOUT),
    ("is there a delay between silver and bitcoin moves", bank.LEADLAG),
    ("where do you see gold in a year", bank.FORECAST),
    ("would you buy silver here", bank.ADVICE),
    ("what does the article say about bitcoin?", bank.DOCUMENT),
    ("morning market wrap please", bank.BRIEFING),
    ("did silver get to 100 dollars", bank.LEVEL),
    ("what was gold worth on 3 March 2025", bank.PRICE),
    ("fact-check the silver article", bank.CLAIM),
]


@pytest.mark.parametrize("question, intent", PARAPHRASES, ids=[q for q, _ in PARAPHRASES])
def test_paraphrases_are_read_by_meaning(question, intent):
    assert parse(question).primary == intent


def test_the_shipped_bank_vectors_match_the_examples():
    """Edit bank.py, then run `python -m assistant.offline.intents` to rebuild bank.npz."""
    import numpy as np

    with np.load(BANK_FILE) as data:
        assert str(data["digest"]) == bank_digest()
        assert len(data["vectors"]) == sum(len(v) for v in bank.EXAMPLES.values())


def test_the_guess_has_a_margin_and_nonsense_is_not_certain():
    sure = reader().guess("why is X rising")
    assert sure.intent == bank.WHY and sure.certain
    vague = parse("silver, thoughts on the general vibe of things lately?")
    assert vague.unsure or vague.primary in (bank.PRICE, bank.CHANGE, bank.FORECAST)


def test_rules_that_are_certain_override_the_guess():
    assert parse("Did bitcoin break 100k?").level == 100000.0
    assert parse("silver relative to gold over 1y").primary == bank.COMPARE
    assert parse("is there a lag between gold and silver").leader == "gold"
    assert parse("Does bitcoin follow silver?").leader == "silver"


def follow(*questions):
    history = []
    for q in questions[:-1]:
        history += [HumanMessage(q), AIMessage("...")]
    return resolve_intent(history, questions[-1])


@pytest.mark.parametrize(
    "turns, kind, assets",
    [
        (["How much is gold?", "and silver?"], bank.PRICE, ("silver",)),
        (["How much is gold?", "vs copper?"], bank.COMPARE, ("gold", "copper")),
        (["gold ytd", "over 6 months?"], bank.PRICE, ("gold",)),
        (["Does bitcoin follow silver?", "weekly?"], bank.LEADLAG, ("bitcoin", "silver")),
        (["How much is silver?", "why?"], bank.WHY, ("silver",)),
        (["silver price", "is it at a record?"], bank.BREAKOUT, ("silver",)),
        (["How much is gold?", "tell me a joke"], None, ()),
        (["How much is gold?", "Is bitcoin breaking out?"], bank.BREAKOUT, ("bitcoin",)),
    ],
)
def test_follow_ups_take_what_they_leave_out_from_the_question_before(turns, kind, assets):
    r = follow(*turns)
    assert r.primary == kind and r.assets == assets


def test_a_follow_up_keeps_the_period_and_swaps_the_asset():
    r = follow("how did gold do in 2024", "and silver?")
    assert r.assets == ("silver",) and r.when.label == "2024"
    w = follow("Does bitcoin follow silver?", "and gold?")
    assert (w.leader, w.follower) == ("gold", "bitcoin")


CAUSAL = [
    ("is ethereum driven by bitcoin?", "bitcoin", "ethereum"),
    ("does the dollar push gold around", "dxy", "gold"),
    ("is copper tied to the S&P 500?", "sp500", "copper"),
    ("does silver depend on gold", "gold", "silver"),
    ("does bitcoin influence ethereum", "bitcoin", "ethereum"),
    ("is gold affected by the dollar with a lag", "dxy", "gold"),
]


@pytest.mark.parametrize("question, leader, follower", CAUSAL, ids=[c[0] for c in CAUSAL])
def test_one_asset_said_to_move_another_is_a_lead_lag_question_with_the_driver_leading(
    question, leader, follower
):
    r = parse(question)
    assert r.primary == bank.LEADLAG and (r.leader, r.follower) == (leader, follower)


@pytest.mark.parametrize(
    "question",
    ["is silver heading for 150?", "will bitcoin reach 200k this cycle",
     "is gold on track to hit 6000", "could copper double from here?",
     "is the S&P going to 8000?", "platinum target next year?"],
)  # fmt: skip
def test_questions_that_look_ahead_are_forecasts(question):
    assert parse(question).primary == bank.FORECAST


@pytest.mark.parametrize(
    "question, kind",
    [("did bitcoin hit 100k", bank.LEVEL), ("has silver ever been above 150", bank.LEVEL),
     ("what was gold worth on 3 March 2025", bank.PRICE)],
)  # fmt: skip
def test_questions_that_look_back_are_not_forecasts(question, kind):
    assert parse(question).primary == kind


@pytest.mark.parametrize(
    "question, direction",
    [("has silver been sliding lately?", "down"), ("is bitcoin up this week?", "up"),
     ("have gold prices been climbing?", "up"), ("was the dollar falling in 2025?", "down")],
)  # fmt: skip
def test_a_yes_no_question_about_a_direction_checks_the_move(question, direction):
    r = parse(question)
    assert r.primary == bank.CHANGE and r.direction == direction


@pytest.mark.parametrize(
    "question, when",
    [("why did gold jump on 2 March 2026?", "day"),
     ("what knocked silver lower in Q1 2026", "period"),
     ("what made the S&P fall on 10 April 2025", "day"), ("bitcoin sank on 5 feb 2026, why", "day"),
     ("what's been weighing on the dollar since January", "since")],
)  # fmt: skip
def test_questions_about_a_cause_are_why_questions_with_their_dates(question, when):
    r = parse(question)
    assert r.primary == bank.WHY and r.when is not None and r.when.kind == when


@pytest.mark.parametrize(
    "question", ["is gold good value", "hold gold or not", "bold call on silver"]
)
def test_english_words_one_letter_from_a_name_are_not_typos(question):
    assert [m.how for m in parse(question).mentions] == ["name"]


@pytest.mark.parametrize("word", ["gpld", "glod", "gokd", "silvr", "bitcoi"])
def test_short_names_one_edit_away_are_read_and_said(word):
    r = parse(f"{word} in 2024")
    assert len(r.assets) == 1 and r.mentions[0].how == "typo"


def test_that_month_in_a_follow_up_is_the_period_asked_about_before():
    r = follow("gold price in march 2020", "and the lowest close that month?")
    assert r.assets == ("gold",) and r.when is not None and r.when.label == "March 2020"
    s = follow("silver in 2025", "and gold that year?")
    assert s.assets == ("gold",) and s.when.label == "2025"


@pytest.mark.parametrize(
    "question, assets",
    [("what's the gold/silver ratio", ("gold", "silver")),
     ("the silver to gold ratio?", ("silver", "gold")),
     ("how many ounces of silver does one ounce of gold buy", ("gold", "silver")),
     ("which metal did better last year", ("gold", "silver"))],
)  # fmt: skip
def test_ratios_and_rankings_are_comparisons_in_the_right_order(question, assets):
    r = parse(question)
    assert r.primary == bank.COMPARE and r.assets == assets


def test_a_ranking_without_assets_ranks_the_usual_ones():
    r = parse("best performing asset this year?")
    assert r.primary == bank.COMPARE and len(r.assets) == 5


@pytest.mark.parametrize(
    "question, leader, follower",
    [("is btc decoupling from gold?", "gold", "bitcoin"),
     ("does silver move in sync with gold", "gold", "silver")],
)  # fmt: skip
def test_moving_together_or_apart_is_a_lead_lag_question(question, leader, follower):
    r = parse(question)
    assert r.primary == bank.LEADLAG and (r.leader, r.follower) == (leader, follower)


@pytest.mark.parametrize(
    "question, note",
    [("how volatile is bitcoin", "volatility"), ("gold price in euros", "other currencies"),
     ("is the s&p overbought?", "technical indicators"),
     ("what was the biggest one-day drop in silver", "biggest")],
)  # fmt: skip
def test_measures_no_tool_computes_are_noted(question, note):
    assert any(note in n for n in parse(question).notes)
    assert not parse("how much is gold?").notes
