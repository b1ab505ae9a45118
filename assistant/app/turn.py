"""One turn as the app shows and stores it, built once from the assistant's ``Reply``.

The assistant folds its event stream into a :class:`~assistant.events.Reply`; a :class:`Turn` is
that reply plus what the app adds (the question, charts, the time taken), stored per turn so a
resumed conversation looks as it did. Also: tool calls in plain words and the Markdown export.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.events import Reply
from assistant.models import is_offline
from assistant.registry import ToolName
from assistant.safety import inert_markdown

EXAMPLES = (
    "Is silver breaking out?",
    "Does bitcoin follow silver with a lag?",
    "Why is silver rising?",
    "Write a market briefing",
)
RECORD_VERSION = 1


# -- tool calls in plain words ---------------------------------------------------------------
def describe_call(name: str, args: dict) -> str:
    """A tool call as a reader would say it, e.g. 'Does bitcoin follow silver? (weekly)'."""
    a = {k: v for k, v in (args or {}).items() if v not in (None, "", [])}
    if name == ToolName.PRICE:
        return f"Price of {a.get('asset', '?')}" + (f" on {a['on']}" if "on" in a else "")
    if name == ToolName.COMPARE:
        return "Compare " + join_words([str(x) for x in a.get("assets", [])])
    if name == ToolName.BREAKOUTS:
        what = f"{a.get('asset', '?')} against {a['vs']}" if "vs" in a else str(a.get("asset", "?"))
        span = f"{a['window']}-day highs" if "window" in a else "all-time closing records"
        return f"Breakouts in {what} ({span})"
    if name == ToolName.LEAD_LAG:
        extra = [str(a.get("freq", "weekly"))]
        if "max_lag" in a:
            extra.append(f"lags up to {a['max_lag']}")
        if "start" in a or "end" in a:
            extra.append(f"{a.get('start', 'start')} to {a.get('end', 'end')}")
        if a.get("events"):
            extra.append("with event study")
        return f"Does {a.get('follower', '?')} follow {a.get('leader', '?')}? ({', '.join(extra)})"
    if name == ToolName.LEVEL:
        return f"First close of {a.get('asset', '?')} at or above {a.get('level', '?')}"
    if name == ToolName.COMMENTARY:
        about = f" about {a['asset']}" if "asset" in a else ""
        return f"Search commentary{about} for “{a.get('query', '')}”"
    if name == ToolName.BRIEFING:
        return "Market briefing" + (
            f" on {join_words([str(x) for x in a['assets']])}"
            if "assets" in a
            else " on the default watchlist"
        )
    shown = ", ".join(f"{k}={v}" for k, v in a.items())
    return f"{name}({shown})"


def join_words(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items) or "?"
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- one turn, folded from the event stream ---------------------------------------------------
@dataclass
class ToolCall:
    id: str
    name: str
    args: dict
    title: str
    summary: str = ""
    artifact: dict | None = None
    error: bool = False
    done: bool = False


@dataclass
class Turn:
    """One question and what the app shows for it."""

    question: str
    answer: str = ""
    tools: list[ToolCall] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    grounding: dict | None = None  # {"checked", "ungrounded", "ok", "badge"}
    charts: list[tuple[str, Any]] = field(default_factory=list)  # (title, plotly Figure)
    error: str | None = None
    error_kind: str | None = None
    model: str = ""
    data_source: str = ""
    as_of: str | None = None
    seconds: float = 0.0
    finished: bool = False

    @classmethod
    def from_reply(
        cls, question: str, reply: Reply, charts: list | None = None, seconds: float = 0.0
    ) -> Turn:
        """The turn for a finished reply (the one fold of the event stream is the assistant's)."""
        results = {r["id"]: r for r in reply.tool_results}
        tools = []
        for call in reply.tool_calls:
            done = results.get(call["id"])
            tools.append(
                ToolCall(
                    call["id"],
                    call["name"],
                    dict(call["args"]),
                    describe_call(call["name"], call["args"]),
                    summary=done["summary"] if done else "",
                    artifact=done["artifact"] if done else None,
                    error=bool(done and done["error"]),
                    done=done is not None,
                )
            )
        report = reply.grounding
        # The reply carries the error as its answer when there was none; show it once.
        answer = "" if reply.error and reply.answer == reply.error else reply.answer
        return cls(
            question=question,
            answer=answer,
            tools=tools,
            sources=list(reply.sources),
            grounding={
                "checked": report.checked,
                "ungrounded": list(report.ungrounded),
                "ok": report.ok,
                "badge": report.badge(),
            },
            charts=list(charts or []),
            error=reply.error,
            error_kind=reply.error_kind,
            model=reply.model,
            data_source=reply.data_source,
            as_of=reply.as_of,
            seconds=seconds,
            finished=True,
        )

    def tool(self, call_id: str) -> ToolCall | None:
        return next((c for c in self.tools if c.id == call_id), None)

    @property
    def tools_label(self) -> str:
        failed = sum(c.error for c in self.tools)
        label = f"Used {len(self.tools)} tool{'s' if len(self.tools) != 1 else ''}: " + ", ".join(
            dict.fromkeys(c.name for c in self.tools)
        )
        return label + (f" ({failed} with an error)" if failed else "")

    @property
    def footer(self) -> str:
        """'Offline analyst · demo · as of latest · 0.21 s'."""
        parts = [
            model_label(self.model),
            f"data: {self.data_source or '?'}",
            f"as of {self.as_of}" if self.as_of else "latest data",
        ]
        if self.seconds:
            parts.append(f"{self.seconds:.2f} s")
        return " · ".join(parts)

    # -- storage -----------------------------------------------------------------------------
    def to_record(self) -> dict:
        return {
            "version": RECORD_VERSION,
            "question": self.question,
            "answer": self.answer,
            "tools": [vars(c) for c in self.tools],
            "sources": self.sources,
            "grounding": self.grounding,
            "charts": [{"title": t, "figure": fig.to_json()} for t, fig in self.charts],
            "error": self.error,
            "error_kind": self.error_kind,
            "model": self.model,
            "data_source": self.data_source,
            "as_of": self.as_of,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_record(cls, record: dict) -> Turn:
        import plotly.io

        charts = []
        for item in record.get("charts") or []:
            try:
                charts.append((item["title"], plotly.io.from_json(item["figure"])))
            except Exception:  # noqa: BLE001 - a damaged chart must not hide the conversation
                continue
        tools = [
            ToolCall(**{k: c.get(k) for k in ToolCall.__dataclass_fields__ if k in c})
            for c in record.get("tools") or []
        ]
        return cls(
            question=record.get("question", ""),
            answer=record.get("answer", ""),
            tools=tools,
            sources=record.get("sources") or [],
            grounding=record.get("grounding"),
            charts=charts,
            error=record.get("error"),
            error_kind=record.get("error_kind"),
            model=record.get("model", ""),
            data_source=record.get("data_source", ""),
            as_of=record.get("as_of"),
            seconds=record.get("seconds") or 0.0,
            finished=True,
        )


def model_label(model_id: str) -> str:
    return "Offline analyst" if is_offline(model_id) else model_id


def source_citation(source: dict) -> str:
    """'Title — publication, 2026-01-20' for a retrieved passage."""
    title = str(source.get("title") or "Untitled")
    credit = str(source.get("source") or "")
    when = source.get("published")
    if credit.startswith(title):  # "Title (publication, month)": the credit alone says it all
        text = credit
    else:
        text = title + (f" — {credit}" if credit else "")
    return text + (f", {when}" if when else "")


def quote(text: str, limit: int = 420) -> str:
    """The passage shortened at a word boundary, for display under an answer."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


# -- Markdown export --------------------------------------------------------------------------
def conversation_markdown(title: str, turns: list[Turn], now: dt.datetime | None = None) -> str:
    """The conversation as a Markdown document: questions, answers, tools, sources, grounding."""
    now = now or dt.datetime.now()
    lines = [
        f"# {title or 'Market Assistant conversation'}",
        "",
        f"_Exported from Market Assistant on {now:%Y-%m-%d %H:%M}._",
        "",
    ]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {turn.question}", ""]
        if turn.answer:
            lines += [turn.answer.strip(), ""]
        if turn.error:
            lines += [f"> **Error:** {turn.error}", ""]
        if turn.tools:
            lines += ["**Tools**", ""]
            lines += [
                f"- {c.title} (`{c.name}`){' — error' if c.error else ''}: {quote(c.summary, 200)}"
                for c in turn.tools
            ]
            lines.append("")
        if turn.sources:
            lines += ["**Sources**", ""]
            lines += [
                f"- {source_citation(s)}: “{quote(s.get('text', ''), 240)}”" for s in turn.sources
            ]
            lines.append("")
        if turn.grounding:
            lines += [f"_Grounding: {turn.grounding['badge']}. {turn.footer}._", ""]
    return inert_markdown("\n".join(lines).rstrip()) + "\n"  # no live image or link in a viewer


def export_name(title: str, thread_id: str) -> str:
    stem = (
        "-".join(re.findall(r"[a-z0-9]+", (title or "").lower()))[:50].strip("-") or "conversation"
    )
    return f"market-assistant-{stem}-{thread_id[:8]}.md"
