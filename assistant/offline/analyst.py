"""The offline analyst: a deterministic chat model that plans tool calls and writes answers.

It implements ``bind_tools`` and streaming, so it runs through the same agent graph as an LLM.
On a new question it reads the intent (assets, what is asked, horizon, leader/follower; earlier
questions fill in follow-ups such as "and gold?") and issues every tool call it needs in one
turn; once the results are back it writes the answer from templates
(:mod:`assistant.offline.answers`), using only figures from those results.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.briefing.watchlists import DEFAULT_ASSETS
from assistant.offline import answers as offline_text
from assistant.offline import reading as it
from assistant.registry import ToolName as T
from assistant.streaming import chunks_of

MAX_ASSETS = 4


class OfflineAnalyst(BaseChatModel):
    """Rule-based analyst with the chat-model interface (model id ``offline``)."""

    tool_names: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "offline-analyst"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineAnalyst:
        names = [
            getattr(t, "name", None) or (t.get("name") if isinstance(t, dict) else None)
            for t in tools
        ]
        return self.model_copy(update={"tool_names": [n for n in names if n]})

    def _generate(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def _stream(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in chunks_of(self.respond(messages)):
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=ChatGenerationChunk(message=chunk))
            yield ChatGenerationChunk(message=chunk)

    # -- the analyst ------------------------------------------------------------------------
    def respond(self, messages: list[BaseMessage]) -> AIMessage:
        turn_start = max(
            (i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1
        )
        if turn_start < 0:
            return AIMessage(content=offline_text.decline(None), id=_msg_id())
        question = messages[turn_start].text
        current = resolve_intent(messages[:turn_start], question)
        results = [m for m in messages[turn_start + 1 :] if isinstance(m, ToolMessage)]
        if results:
            return AIMessage(content=offline_text.answer(current, question, results), id=_msg_id())
        calls = plan(current, question, self.tool_names)
        if not calls:
            return AIMessage(content=offline_text.decline(current), id=_msg_id())
        return AIMessage(content="", tool_calls=calls, id=_msg_id())


def _msg_id() -> str:
    # Random, not a per-process count: a conversation continued by another process (a second
    # ask --thread, another replica) must not reuse the ids of its earlier messages, which
    # LangGraph would take as replacements of them.
    return f"offline-{uuid.uuid4().hex}"


def resolve_intent(history: list[BaseMessage], question: str) -> it.Intent:
    """The question's intent with gaps filled from the conversation's earlier questions."""
    previous = None
    for m in history:
        if isinstance(m, HumanMessage):
            parsed = it.parse(m.text)
            previous = (
                it.follow_up(parsed, previous) if (parsed.kinds or parsed.assets) else previous
            )
    current = it.parse(question)
    wants_context = bool(current.kinds or current.assets) or it.is_follow_up(question)
    if previous is not None and wants_context and (not current.kinds or not current.assets):
        current = it.follow_up(current, previous)
    if not current.kinds and current.assets:
        current = replace(current, kinds=(it.PRICE,))
    return current


def _call(name: T, **args: Any) -> dict:
    return {
        "name": name.value,
        "args": {k: v for k, v in args.items() if v is not None},
        "id": f"offline_call_{uuid.uuid4().hex[:16]}",
        "type": "tool_call",
    }


def lead_lag_pairs(intent: it.Intent, limit: int = 3) -> list[tuple[str, str]]:
    """(leader, follower) pairs: "is bitcoin lagging the metals?" tests gold and silver against
    bitcoin."""
    keys = list(intent.assets)
    if len(keys) <= 2 or not intent.leader:
        return [(intent.leader, intent.follower)]
    if intent.follower_first:
        return [(k, keys[0]) for k in keys[1:]][:limit]
    return [(keys[0], k) for k in keys[1:]][:limit]


def plan(intent: it.Intent, question: str, available: list[str]) -> list[dict]:
    """The tool calls that answer ``intent``, all issued at once."""
    keys = list(intent.assets[:MAX_ASSETS])
    kind = intent.primary
    calls: list[dict] = []
    if kind == it.BRIEFING:
        if T.BRIEFING in available:
            return [_call(T.BRIEFING, assets=list(intent.assets) or None)]
        return [_call(T.PRICE, asset=k) for k in (keys or DEFAULT_ASSETS)]
    if kind == it.LEADLAG and not (intent.leader and intent.follower):
        return []  # decline: a lead/lag needs two assets
    if kind == it.LEADLAG:
        events = any(w in question.lower() for w in ("after", "event", "breakout"))
        for leader, follower in lead_lag_pairs(intent):
            calls.append(
                _call(
                    T.LEAD_LAG,
                    leader=leader,
                    follower=follower,
                    freq=intent.freq,
                    events=events or None,
                )
            )
        if T.COMMENTARY in available:  # the claim, next to the test of it
            calls.append(_call(T.COMMENTARY, query=question, k=2))
        return calls
    if kind == it.WHY:
        asset = keys[0] if len(keys) == 1 else None  # a group ("the metals") searches all notes
        if T.COMMENTARY in available:
            calls.append(_call(T.COMMENTARY, query=question, asset=asset))
        calls.extend(_call(T.PRICE, asset=k) for k in keys[:2])
        return calls
    if not keys:
        return []
    if kind == it.LEVEL:
        for k in keys[:2]:
            calls.append(_call(T.LEVEL, asset=k, level=intent.level))
            calls.append(_call(T.PRICE, asset=k))
        return calls
    if kind == it.BREAKOUT:
        for k in keys:
            calls.append(_call(T.BREAKOUTS, asset=k))
            calls.append(_call(T.PRICE, asset=k))
        if T.COMMENTARY in available:  # what a record does and does not mean
            calls.append(_call(T.COMMENTARY, query=question, asset=keys[0], k=2))
        return calls
    if kind == it.COMPARE:
        return [_call(T.COMPARE, assets=keys)]
    on = intent.on.isoformat() if intent.on else None
    return [_call(T.PRICE, asset=k, on=on) for k in keys]
