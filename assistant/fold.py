"""One turn, as it runs: the events it yields and the :class:`~assistant.events.Reply` it folds
into.

A turn is bounded: a wall-clock deadline (``Limits.turn_s``) that every model call and its HTTP
stream are held to, a repetition guard on the streamed text, and the per-turn call limits. A
reply stopped by one of them keeps what arrived before the stop and says why
(``Reply.stopped``). Text that may be a tool call written as text is held back while it
streams and shown only if it was not one. When the answer states figures (or names sources)
the tools did not give, the model is asked once to rewrite it with the list, as briefings do.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

from assistant import grounding
from assistant.events import (
    Event,
    Failed,
    GroundingChecked,
    Notice,
    Rechecking,
    Reply,
    SourcesFound,
    TextDelta,
    ToolFinished,
    ToolStarted,
)
from assistant.llm.bounds import TurnStopped
from assistant.llm.guard import HoldBack, StreamGuard
from assistant.llm.middleware import TEXT_CALLS
from assistant.models import is_offline
from assistant.registry import ToolName

LIMIT_MARKERS = ("call limits exceeded", "limit exceeded", "execution stopped")
RECHECK = "grounding_check"  # the name on the message that asks for a rewrite (hidden in history)
RECHECK_MIN_S = 15.0  # a rewrite is not started with less of the turn left than this
TEXT_CALLS_NOTICE = (
    "The model wrote {n} as text rather than as structured tool calls; {it} read and run. For"
    " reliable tool calls, switch on the server's tool-call support (llama.cpp: --jinja; vLLM:"
    " --enable-auto-tool-choice --tool-call-parser hermes; Ollama: a model tag with tools)."
)


def _cut_short(msg) -> str | None:
    """Why a provider's final message is incomplete: "length" (max_tokens), "truncated" (the
    stream ended before its finish reason). Local models (the offline analyst, scripted test
    models) set no provider metadata and are never judged."""
    meta = getattr(msg, "response_metadata", None) or {}
    if not meta.get("model_provider"):
        return None
    reason = meta.get("finish_reason")
    if reason == "length":
        return "length"
    return None if reason else "truncated"


class TurnFold:
    """The bookkeeping of one turn: tool calls, results, sources, final text, bounds."""

    def __init__(self, assistant: Any, thread_id: str):  # an assistant.agent.Assistant
        self.assistant = assistant
        self.settings = assistant.settings
        self.thread_id = thread_id
        self.calls: list[dict] = []
        self.results: list[dict] = []
        self.final = ""
        self.shown = ""  # the text of the current model call shown so far
        self.limited = False
        self.stopped: str | None = None
        self.error: tuple[str, str] | None = None
        self.notices: list[str] = []
        self.call_problems: list[str] = []  # arguments of text tool calls the schema refused
        self.text_calls = 0
        self.usage = {"input_tokens": 0, "output_tokens": 0, "model_calls": 0}
        self.rechecked = False
        self.deadline = 0.0
        self._holdback = HoldBack()
        self._guard = StreamGuard()
        self._grounding = grounding.GroundingReport(0)

    # -- the turn ---------------------------------------------------------------------------
    def execute(self, question: str) -> Iterator[Event]:
        from langchain_core.messages import HumanMessage

        self.deadline = time.monotonic() + self.settings.limits.turn_s
        self.assistant.graph()  # built on first use; may settle which model the server serves
        self.settings = self.assistant.settings
        if self.assistant.model_note and not self.assistant.model_noted:
            self.assistant.model_noted = True
            self.notices.append(self.assistant.model_note)
        yield from self._bounded(HumanMessage(question))
        report = self._check()
        if self._should_recheck(report):
            yield Rechecking(list(report.ungrounded), list(report.unsupported))
            first, self.final, self.rechecked = self.final, "", True
            try:
                yield from self._bounded(HumanMessage(_recheck_text(report), name=RECHECK))
            except Exception as exc:  # noqa: BLE001 - any failure of the rewrite keeps the answer
                self.error = ("model", str(exc))
            if self.error or not self.final:  # the rewrite failed: keep the first answer
                self.error, self.stopped, self.final = None, None, first
                self.notices.append("The model's rewrite did not finish; its first answer is kept.")
            report = self._check()
        if self.text_calls:
            n = self.text_calls
            self.notices.append(
                TEXT_CALLS_NOTICE.format(
                    n=grounding.plural(n, "tool call"), it="it was" if n == 1 else "they were"
                )
            )
        for notice in self.notices:
            yield Notice(notice)
        if self.error:
            yield Failed(self.error[1], self.error[0])
        sources = self.sources()
        if sources:
            yield SourcesFound(sources)
        self._grounding = report
        yield GroundingChecked(report)

    def _bounded(self, message) -> Iterator[Event]:
        """One pass through the graph; a bound that stops it keeps what was shown."""
        try:
            yield from self._pass(message)
        except TurnStopped as exc:
            self._holdback.finish(was_call=True)  # held text may be a half-written call: dropped
            guard = self._guard.stopped
            self.final = (guard.kept() if guard is not None else self.shown).strip()
            self.stopped = exc.kind
            kind = "timeout" if exc.kind == "deadline" else "model"
            self.error = (kind, exc.message)

    def _pass(self, message) -> Iterator[Event]:
        from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

        graph = self.assistant.graph()
        self._guard = StreamGuard()
        config = {
            "configurable": {"thread_id": self.thread_id},
            "recursion_limit": 50,
            "callbacks": [self._guard],
        }
        context = self.assistant.tool_context(deadline=self.deadline)
        # The checkpoint is written once, when the pass ends: a turn is kept whole or not at all
        # (a process killed mid-turn leaves no half turn behind), and a shared database sees one
        # write per pass instead of one per step.
        for mode, payload in graph.stream(
            {"messages": [message]},
            config,
            context=context,
            stream_mode=["messages", "updates"],
            durability="exit",
        ):
            if mode == "messages":
                msg, meta = payload
                if (
                    isinstance(msg, AIMessageChunk)
                    and meta.get("langgraph_node") == "model"
                    and msg.text
                ):
                    shown = self._holdback.feed(msg.text)
                    if shown:
                        self.shown += shown
                        yield TextDelta(shown)
                continue
            for node, update in payload.items():
                for msg in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                    if isinstance(msg, ToolMessage):
                        yield self._tool_finished(msg)
                    elif isinstance(msg, AIMessage):
                        yield from self._model_message(msg, from_model=node == "model")

    def _model_message(self, msg, from_model: bool) -> Iterator[Event]:
        if from_model:
            self._count(msg)
            rest = self._holdback.finish(was_call=bool(msg.tool_calls))
            if rest:
                self.shown += rest
                yield TextDelta(rest)
            self.shown = ""
        for call in msg.tool_calls:
            entry = {"id": call["id"], "name": call["name"], "args": call["args"]}
            self.calls.append(entry)
            yield ToolStarted(call["id"], call["name"], dict(call["args"]))
        if not msg.tool_calls and msg.text:
            self._final_text(msg.text)
            if from_model:
                self._judge_end(msg)

    def _count(self, msg) -> None:
        self.usage["model_calls"] += 1
        usage = getattr(msg, "usage_metadata", None) or {}
        for key in ("input_tokens", "output_tokens"):
            self.usage[key] += int(usage.get(key) or 0)
        note = (msg.additional_kwargs or {}).get(TEXT_CALLS)
        if note and note.get("calls"):
            self.text_calls += note["calls"]  # the notice counts them all (see execute)
            self.call_problems += note.get("problems") or []
        elif note and note.get("failed"):
            self.error = ("model", msg.text)

    def _judge_end(self, msg) -> None:
        reason = _cut_short(msg)
        if reason == "length":
            tokens = self.settings.request.max_tokens
            self.stopped = "length"
            self.error = (
                "model",
                f"The answer reached the limit of {tokens:,} tokens per model call and was cut"
                " short; what arrived is shown. Ask for less, or raise"
                " MARKET_ASSISTANT_MAX_TOKENS.",
            )
        elif reason == "truncated":
            self.stopped = "truncated"
            self.error = (
                "model",
                "The model's answer was cut off before it finished (the connection closed "
                "early); what arrived is shown. Ask again for the whole answer.",
            )

    def _should_recheck(self, report: grounding.GroundingReport) -> bool:
        return (
            self.settings.request.recheck
            and not is_offline(self.assistant.model_id)
            and not report.ok
            and not self.error
            and bool(self.final)
            and self.deadline - time.monotonic() >= RECHECK_MIN_S
        )

    def _check(self) -> grounding.GroundingReport:
        return grounding.check(self.final, self.evidence(), self.sources())

    # -- what the turn collected ---------------------------------------------------------------
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
        """The answer; a turn stopped at its call limits has none: it failed to answer fully,
        and the product's own message (not the model's words) says so."""
        if any(m in text.lower() for m in LIMIT_MARKERS):
            self.limited = True
            self.stopped = "limit"
            limits = self.settings.limits
            self.error = (
                "model",
                f"I stopped this answer at the per-turn limit ({limits.model_calls} model calls, "
                f"{limits.tool_calls} tool calls) before it was finished. Try a narrower question,"
                " or raise MARKET_ASSISTANT_MODEL_CALLS / MARKET_ASSISTANT_TOOL_CALLS.",
            )
            text = ""
        self.final = text

    def evidence(self) -> list:
        settings = self.settings
        context = {
            "today": (self.assistant.today or dt.date.today()).isoformat(),
            "as_of": settings.as_of.isoformat() if settings.as_of else None,
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
        settings = self.settings
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
            stopped=self.stopped,
            notices=list(self.notices),
            usage=dict(self.usage),
            rechecked=self.rechecked,
        )


def _recheck_text(report: grounding.GroundingReport) -> str:
    parts = []
    if report.ungrounded:
        parts.append(
            "Your answer states figures that are not in this turn's tool results: "
            f"{', '.join(report.ungrounded)}."
        )
    if report.unsupported:
        parts.append(
            "It names sources that are not among the passages retrieved: "
            f"{', '.join(report.unsupported)}."
        )
    return (
        " ".join(parts) + " Rewrite the answer using only figures copied from the tool results"
        " (call a tool if you need another figure) and citing only the passages retrieved."
    )
