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

from assistant.config import Settings
from assistant.events import Event, Failed, Finished, Reply
from assistant.failures import describe, redact
from assistant.fold import RECHECK, TurnFold
from tools.errors import InputError

_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


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
        self.model_note: str | None = None  # which model was chosen for the user, if one was
        self.model_noted = False  # the note went out with a reply
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

        from assistant.lc_tools import tools_for
        from assistant.llm.middleware import ModelCallMiddleware
        from assistant.models import is_offline, make_model, resolve

        if self._model is None:
            self.settings, self.model_note = resolve(self.settings)
        model = self._model if self._model is not None else make_model(self.settings)
        tools = self._tools if self._tools is not None else tools_for(self.tool_context())
        if self._checkpointer is None:
            from langgraph.checkpoint.memory import InMemorySaver

            self._checkpointer = InMemorySaver()
        limits = self.settings.limits
        prompt = self._prompt()
        return create_agent(
            model,
            tools,
            system_prompt=prompt,
            checkpointer=self._checkpointer,
            context_schema=self._context_type(),
            middleware=[
                _redacting_middleware((self.settings.openai_api_key,)),
                ModelCallMiddleware(
                    self.settings.request, limits.turn_s, not is_offline(self.settings.model)
                ),
                ModelCallLimitMiddleware(run_limit=limits.model_calls, exit_behavior="end"),
                ToolCallLimitMiddleware(run_limit=limits.tool_calls, exit_behavior="end"),
            ],
        )

    def _prompt(self) -> str:
        from assistant.prompts import system_prompt

        return system_prompt(self.source_label(), self.settings.as_of, self.today)

    @staticmethod
    def _context_type():
        from assistant.lc_tools import ToolContext

        return ToolContext

    def tool_context(self, deadline: float | None = None):
        """What the tools run against: this assistant's market, library and settings, and the
        turn's deadline (a ``time.monotonic()`` value)."""
        from assistant.lc_tools import ToolContext

        return ToolContext(
            market=self.market, knowledge=self._knowledge, settings=self.settings, deadline=deadline
        )

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
        run = TurnFold(self, thread_id)
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
        """The conversation so far: [{"role": "user"|"assistant", "content": str}]. An answer the
        model was asked to rewrite shows as its rewrite only."""
        from langchain_core.messages import AIMessage, HumanMessage

        state = self.graph().get_state({"configurable": {"thread_id": thread_id}})
        out = []
        for m in (state.values or {}).get("messages", []):
            if isinstance(m, HumanMessage) and m.name == RECHECK:
                if out and out[-1]["role"] == "assistant":
                    out.pop()  # the answer being rewritten
            elif isinstance(m, HumanMessage):
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
