"""The offline analyst: a deterministic chat model that plans tool calls and writes answers.

It implements ``bind_tools`` and streaming, so it runs through the same agent graph as an LLM.
On a new question it reads what is asked (:mod:`assistant.offline.reading`; earlier questions
fill in follow-ups such as "and gold?" or "over 6 months?"), plans the tool calls
(:mod:`assistant.offline.planning`), and once the results are back writes the answer from
templates (:mod:`assistant.offline.answers`), using only figures from those results.

Message and tool-call ids are random (uuid4): a conversation is stored by id, and a later
process continuing it must never reuse an id already in the thread.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant import registry
from assistant.offline import answers as offline_text
from assistant.offline import factcheck
from assistant.offline import reading as it
from assistant.offline.planning import Anchor, adjust, lead_lag_pairs, plan
from assistant.offline.question import Reading
from assistant.prompts import dates_in
from assistant.streaming import chunks_of

__all__ = ["OfflineAnalyst", "resolve_intent", "plan", "lead_lag_pairs"]


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
        _preload()
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
            return _message(offline_text.decline(None))
        anchor = _anchor(messages)
        question = messages[turn_start].text
        current = adjust(resolve_intent(messages[:turn_start], question), anchor)
        results = [m for m in messages[turn_start + 1 :] if isinstance(m, ToolMessage)]
        typed = [registry.read(m.artifact) for m in results]
        calls = plan(current, question, self.tool_names, typed, anchor)
        if calls:
            return AIMessage(content="", tool_calls=calls, id=_msg_id())
        if results:
            checked = factcheck.answer(results)  # a claim check answers with its verdict table
            return _message(checked or offline_text.answer(current, question, results, anchor))
        return _message(offline_text.decline(current))


_preloading: list[threading.Thread] = []


def _preload() -> None:
    """Load the reader's model while the agent is being built (once per process)."""
    if not _preloading:
        thread = threading.Thread(target=_load_reader, name="offline-reader-load", daemon=True)
        _preloading.append(thread)
        thread.start()


def _load_reader() -> None:
    from assistant.offline.intents import reader
    from assistant.offline.names import english_words

    try:
        reader().load()
        english_words()
    except Exception:  # noqa: BLE001 - the first question loads it again and reports the error
        pass


def _msg_id() -> str:
    return f"offline-{uuid.uuid4().hex}"


def _message(text: str) -> AIMessage:
    return AIMessage(content=text, id=_msg_id())


def _anchor(messages: list[BaseMessage]) -> Anchor:
    system = next((m.text for m in messages if isinstance(m, SystemMessage)), "")
    today, as_of = dates_in(system)
    return Anchor(today or dt.date.today(), as_of)


def resolve_intent(history: list[BaseMessage], question: str) -> Reading:
    """The question's reading, with what a follow-up leaves out filled from earlier questions."""
    previous = None
    seen: list[str] = []  # the assets the conversation has covered, in order
    for m in history:
        if isinstance(m, HumanMessage):
            previous = _settle(it.parse(m.text), previous)
            seen.extend(a for a in previous.assets if a not in seen)
    own = it.parse(question)
    current = _settle(own, previous)
    if previous is not None and _compares_back(own) and len(seen) >= 2:
        # "which was better?" after "how did silver do in 2025?" and "and gold?": those assets
        # over the window the conversation used
        return it.replace(
            current,
            kinds=(it.COMPARE,),
            assets=tuple(seen[-4:]),
            when=own.when or (None if own.horizon else previous.when),
            horizon=own.horizon or previous.horizon,
            unsure=False,
        )
    return current


def _compares_back(r: Reading) -> bool:
    """A question that names no asset and asks which did better ("compare them")."""
    guess = r.guess.intent if r.guess is not None else None
    if r.assets or r.elliptic or r.claim_text:  # "and over 3 months?" only changes the window
        return False
    return it.COMPARE in r.kinds or guess == it.COMPARE


def _settle(current: Reading, previous: Reading | None) -> Reading:
    """A reading completed from the conversation; alone, an elliptic question with an asset is
    a price question ("ETH?") and two assets with "vs" a comparison."""
    if previous is not None and (current.elliptic or not current.assets or not current.kinds):
        if previous.kinds or previous.assets:
            return it.follow_up(current, previous)
    if current.elliptic and not current.kinds:
        return it.standalone(current)
    return current
