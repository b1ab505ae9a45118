"""Economy budgets that do not depend on timing: model calls, content size, prompt tokens."""

from __future__ import annotations

import pytest

from assistant.agent import Assistant
from assistant.config import Settings
from assistant.offline.analyst import OfflineAnalyst
from benchmarks.economy import count_tokens, prompt_and_schema_text

SINGLE_INTENT = [
    "How much is silver?",
    "Is silver breaking out?",
    "Does bitcoin follow silver?",
    "Has silver outperformed gold over the last three months?",
    "Why is silver rising?",
    "Is the dollar down this month?",
]


class CountingAnalyst(OfflineAnalyst):
    calls: list[int] = []

    def respond(self, messages):
        self.calls.append(len(messages))
        return super().respond(messages)


@pytest.fixture(scope="module")
def assistant(knowledge_base):
    return Assistant(
        Settings(data="demo"), model=CountingAnalyst(), knowledge=lambda: knowledge_base
    )


@pytest.mark.parametrize("question", SINGLE_INTENT)
def test_single_intent_question_costs_at_most_two_model_calls(assistant, question):
    model = assistant._model
    model.calls.clear()
    reply = assistant.ask(question)
    assert reply.error is None
    assert len(model.calls) <= 2


@pytest.mark.parametrize("question", SINGLE_INTENT)
def test_tool_content_sent_to_the_model_is_compact(assistant, question):
    reply = assistant.ask(question)
    assert reply.tool_results
    assert max(len(r["summary"]) for r in reply.tool_results) <= 1500


def test_system_prompt_and_tool_schemas_fit_the_token_budget():
    tokens = count_tokens(prompt_and_schema_text(Assistant(Settings(data="demo"))))
    assert 300 < tokens <= 2500
