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
