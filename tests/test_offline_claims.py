"""Claim checks go to the claim checker when it is offered, and otherwise to the test of the
claim (a lead/lag) or to the library."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.offline.analyst import OfflineAnalyst
from assistant.registry import ToolName as T

ALL = [t.value for t in T]
WITHOUT = [t.value for t in T if t != T.CHECK_CLAIMS]


def first_calls(question: str, tools: list[str]) -> list[tuple[str, dict]]:
    model = OfflineAnalyst().bind_tools([{"name": n} for n in tools])
    reply = model.respond([SystemMessage("Today is 2026-12-01."), HumanMessage(question)])
    return [(c["name"], c["args"]) for c in reply.tool_calls]


@pytest.mark.parametrize(
    "question, args",
    [
        ("fact-check the silver article", {"source": "silver"}),
        ("check this: bitcoin always follows silver by four weeks",
         {"text": "bitcoin always follows silver by four weeks"}),
        ("is the claim that bitcoin lags silver true?", {"text": "bitcoin lags silver"}),
        ("verify the claims in the silver article", {"source": "silver"}),
    ],
)  # fmt: skip
def test_claims_go_to_the_claim_checker_when_offered(question, args):
    assert first_calls(question, ALL) == [(T.CHECK_CLAIMS, args)]


def test_without_the_checker_a_claim_is_tested_or_looked_up():
    lag = first_calls("is the claim that bitcoin lags silver true?", WITHOUT)
    assert lag[0] == (T.LEAD_LAG, {"leader": "silver", "follower": "bitcoin", "freq": "weekly"})
    article = first_calls("fact-check the silver article", WITHOUT)
    assert [name for name, _ in article] == [T.COMMENTARY]
