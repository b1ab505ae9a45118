"""The assistant: a LangChain agent over the tools, with memory, limits and one event stream.

``Assistant.stream(question, thread_id)`` yields :mod:`assistant.events` as the turn runs;
``Assistant.ask`` runs a whole turn and returns the :class:`~assistant.events.Reply`.
The same graph runs the offline analyst, a scripted test model, or an LLM.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from assistant import grounding
from assistant.config import Settings
from assistant.events import (
    Event,
    Failed,
    Finished,
    GroundingChecked,
    Reply,
    SourcesFound,
    TextDelta,
    ToolFinished,
    ToolStarted,
)
from assistant.failures import describe, redact
from assistant.registry import ToolName
from tools.errors import InputError

_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
LIMIT_MARKERS = ("call limits exceeded", "limit exceeded", "execution stopped")


def clean_question(text: str, max_chars: int) -> str:
    """The question without control characters; an InputError when empty or too long."""
    text = _ESCAPES.sub("", str(text or ""))  # terminal escape sequences, not just their ESC byte
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()
    if not cleaned:
        raise InputError(
            "The question is empty. Ask about a price, a breakout, a lead/lag or a 'why', "
            "e.g. 'Is silver breaking out?'"
        )
    if len(cleaned) > max_chars:
        raise InputError(
            f"The question is {len(cleaned):,} characters long; the limit is {max_chars:,}. "
            "Shorten it to the question itself."
        )
    return cleaned


class Assistant:
    """One configured assistant; safe to share between conversations (threads)."""

    def __init__(
        self,
        settings: Settings,
        model=None,
        tools: list | None = None,
        checkpointer=None,
        market=None,
        knowledge: Callable[[], Any] | None = None,
        today: dt.date | None = None,
    ):
        self.settings = settings
        self._model = model
        self._tools = tools
        self._checkpointer = checkpointer
        self._market = market
        self._knowledge = knowledge
        self.today = today
        self._graph = None
        self._lock = threading.Lock()

    # -- construction (lazy, so creating an Assistant is cheap) -----------------------------
    @property
    def market(self):
        if self._market is None:
            self._market = self.settings.market()
        return self._market

    @property
    def model_id(self) -> str:
        return self.settings.model

    def graph(self):
        with self._lock:
            if self._graph is None:
                self._graph = self._build()
            return self._graph

    def _build(self):
        from langchain.agents import create_agent
        from langchain.agents.middleware import ModelCallLimitMiddleware, ToolCallLimitMiddleware

        from assistant.lc_tools import ToolContext, tools_for
        from assistant.models import make_model
        from assistant.prompts import system_prompt

        model = self._model if self._model is not None else make_model(self.settings)
        tools = self._tools if self._tools is not None else tools_for(self.tool_context())
        if self._checkpointer is None:
            from langgraph.checkpoint.memory import InMemorySaver

            self._checkpointer = InMemorySaver()
        limits = self.settings.limits
        prompt = system_prompt(self.source_label(), self.settings.as_of, self.today)
        return create_agent(
            model,
            tools,
            system_prompt=prompt,
            checkpointer=self._checkpointer,
            context_schema=ToolContext,
            middleware=[
                _redacting_middleware((self.settings.openai_api_key,)),
                ModelCallLimitMiddleware(run_limit=limits.model_calls, exit_behavior="end"),
                ToolCallLimitMiddleware(run_limit=limits.tool_calls, exit_behavior="end"),
            ],
        )

    def tool_context(self):
        """What the tools run against: this assistant's market, library and settings."""
        from assistant.lc_tools import ToolContext

        return ToolContext(market=self.market, knowledge=self._knowledge, settings=self.settings)

    def source_label(self) -> str:
        source = self.market.source
        names = {
            "auto": "Yahoo Finance with local cache (falls back to synthetic demo data offline)",
            "yfinance": "Yahoo Finance with local cache",
            "demo": "synthetic demo data (not real prices)",
        }
        return names.get(source.name, f"the user's CSV files ({source.name})")

    # -- running a turn -----------------------------------------------------------------------
    def ask(self, question: str, thread_id: str | None = None) -> Reply:
        reply = None
        for event in self.stream(question, thread_id):
            if isinstance(event, Finished):
                reply = event.reply
        assert reply is not None  # stream always ends with Finished
        return reply

    def stream(self, question: str, thread_id: str | None = None) -> Iterator[Event]:
        """Run one turn, yielding events; always ends with a Finished event (never raises for user
        errors)."""
        thread_id = thread_id or uuid.uuid4().hex
        run = _Run(self, thread_id)
        try:
            text = clean_question(question, self.settings.limits.question_chars)
            with self.turn_lock(thread_id):
                yield from run.execute(text)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message the user can act on
            kind, message = describe(
                exc, self.model_id, self.settings.openai_base_url, self.settings.limits.timeout_s
            )
            message = redact(message, (self.settings.openai_api_key,))
            run.error = (kind, message)
            yield Failed(message, kind)
        yield Finished(run.reply())

    def turn_lock(self, thread_id: str):
        """Held for a whole turn: one turn at a time per conversation, across processes when
        the memory is a shared store, so concurrent turns on one thread are all kept."""
        from assistant.memory_base import turn_lock

        self.graph()  # builds the checkpointer when none was given
        return turn_lock(self._checkpointer, thread_id)

    def charts(self, reply: Reply) -> list[tuple[str, Any]]:
        """Plotly figures (title, figure) for the tool results of ``reply``."""
        from assistant.charts import charts_for

        return charts_for(reply.tool_results, self.market)

    def history(self, thread_id: str) -> list[dict]:
        """The conversation so far: [{"role": "user"|"assistant", "content": str}]."""
        from langchain_core.messages import AIMessage, HumanMessage

        state = self.graph().get_state({"configurable": {"thread_id": thread_id}})
        out = []
        for m in (state.values or {}).get("messages", []):
            if isinstance(m, HumanMessage):
                out.append({"role": "user", "content": m.text})
            elif isinstance(m, AIMessage) and not m.tool_calls and m.text:
                out.append({"role": "assistant", "content": m.text})
        return out


def scrub_exception(exc: BaseException, secrets: tuple[str | None, ...]) -> BaseException:
    """``exc`` with API keys removed from its message, in place (its type and status are kept).

    A model API may echo the key in an error body; LangGraph records a failed node's exception
    in the checkpoint, which the SQLite memory writes to disk.
    """
    exc.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in exc.args)
    for name in ("message", "body"):
        value = getattr(exc, name, None)
        if isinstance(value, str):
            setattr(exc, name, redact(value, secrets))
        elif isinstance(value, dict):
            setattr(exc, name, json.loads(redact(json.dumps(value), secrets)))
    return exc


def _redacting_middleware(secrets: tuple[str | None, ...]):
    """Agent middleware that scrubs keys from the model's exceptions before LangGraph stores
    them."""
    from langchain.agents.middleware import AgentMiddleware

    class RedactModelErrors(AgentMiddleware):
        def wrap_model_call(self, request, handler):
            try:
                return handler(request)
            except Exception as exc:
                raise scrub_exception(exc, secrets) from None

        async def awrap_model_call(self, request, handler):
            try:
                return await handler(request)
            except Exception as exc:
                raise scrub_exception(exc, secrets) from None

    return RedactModelErrors()


def _cut_short(msg) -> bool:
    """A provider's message that never got its finish reason: the stream ended early.

    Only messages that carry provider metadata are judged; local models (the offline analyst,
    scripted test models) set none.
    """
    meta = getattr(msg, "response_metadata", None) or {}
    return bool(meta.get("model_provider")) and not meta.get("finish_reason")


class _Run:
    """The bookkeeping of one turn: tool calls, results, sources, final text."""

    def __init__(self, assistant: Assistant, thread_id: str):
        self.assistant = assistant
        self.thread_id = thread_id
        self.calls: list[dict] = []
        self.results: list[dict] = []
        self.final = ""
        self.limited = False
        self.cut_short = False
        self.error: tuple[str, str] | None = None
        self._grounding = grounding.GroundingReport(0)

    def execute(self, question: str) -> Iterator[Event]:
        from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

        graph = self.assistant.graph()
        config = {"configurable": {"thread_id": self.thread_id}, "recursion_limit": 50}
        inputs = {"messages": [HumanMessage(question)]}
        context = self.assistant.tool_context()
        # The checkpoint is written once, when the turn ends: a turn is kept whole or not at all
        # (a process killed mid-turn leaves no half turn behind), and a shared database sees one
        # write per turn instead of one per step.
        for mode, payload in graph.stream(
            inputs, config, context=context, stream_mode=["messages", "updates"], durability="exit"
        ):
            if mode == "messages":
                msg, meta = payload
                if (
                    isinstance(msg, AIMessageChunk)
                    and meta.get("langgraph_node") == "model"
                    and msg.text
                ):
                    yield TextDelta(msg.text)
                continue
            for update in payload.values():
                for msg in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                    if isinstance(msg, ToolMessage):
                        yield self._tool_finished(msg)
                    elif isinstance(msg, AIMessage):
                        for call in msg.tool_calls:
                            entry = {"id": call["id"], "name": call["name"], "args": call["args"]}
                            self.calls.append(entry)
                            yield ToolStarted(call["id"], call["name"], dict(call["args"]))
                        if not msg.tool_calls and msg.text:
                            self._final_text(msg.text)
                            self.cut_short = _cut_short(msg)
        if self.cut_short:
            message = (
                "The model's answer was cut off before it finished (the connection closed early); "
                "what arrived is shown. Ask again for the whole answer."
            )
            self.error = ("model", message)
            yield Failed(message, "model")
        sources = self.sources()
        if sources:
            yield SourcesFound(sources)
        self._grounding = grounding.check(self.final, self.evidence())
        yield GroundingChecked(self._grounding)

    def _tool_finished(self, msg) -> ToolFinished:
        artifact = msg.artifact if isinstance(msg.artifact, dict) else None
        error = msg.status == "error" or bool(artifact and artifact.get("error"))
        if any(m in msg.text.lower() for m in LIMIT_MARKERS):
            self.limited = True
        self.results.append(
            {
                "id": msg.tool_call_id,
                "name": msg.name,
                "summary": msg.text,
                "artifact": artifact,
                "error": error,
            }
        )
        return ToolFinished(msg.tool_call_id, msg.name or "", msg.text, artifact, error)

    def _final_text(self, text: str) -> None:
        if any(m in text.lower() for m in LIMIT_MARKERS):
            self.limited = True
            limits = self.assistant.settings.limits
            text = (
                f"I stopped this answer at the per-turn limit ({limits.model_calls} model calls, "
                f"{limits.tool_calls} tool calls) before it was finished. Try a narrower question."
            )
        self.final = text

    def evidence(self) -> list:
        settings = self.assistant.settings
        context = {
            "today": (self.assistant.today or dt.date.today()).isoformat(),
            "as_of": settings.as_of.isoformat() if settings.as_of else None,
            "limits": [settings.limits.model_calls, settings.limits.tool_calls],
        }
        items: list = [context]
        for r in self.results:
            items.append(r["summary"])
            if r["artifact"] is not None:
                items.append(r["artifact"])
        for c in self.calls:
            items.append(c["args"])
        return items

    def sources(self) -> list[dict]:
        seen: set[str] = set()
        out: list[dict] = []
        for r in self.results:
            commentary = r["name"] == ToolName.COMMENTARY and not r["error"]
            for passage in (r["artifact"] or {}).get("passages", []) if commentary else []:
                key = passage.get("chunk_id") or passage.get("text", "")[:80]
                if key not in seen:
                    seen.add(key)
                    out.append(passage)
        return out

    def reply(self) -> Reply:
        settings = self.assistant.settings
        answer = self.final
        if self.error and not answer:
            answer = self.error[1]
        as_of = settings.as_of.isoformat() if settings.as_of else None
        try:
            source_name = self.assistant.market.source.name
        except Exception:  # noqa: BLE001 - a broken source must not hide the real error
            source_name = settings.data
        return Reply(
            answer=answer,
            tool_calls=self.calls,
            tool_results=self.results,
            sources=self.sources(),
            grounding=self._grounding,
            model=self.assistant.model_id,
            data_source=source_name,
            as_of=as_of,
            thread_id=self.thread_id,
            error=self.error[1] if self.error else None,
            error_kind=self.error[0] if self.error else None,
        )
