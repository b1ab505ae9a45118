"""One turn as the app shows and stores it, built once from the assistant's ``Reply``.

The assistant folds its event stream into a :class:`~assistant.events.Reply`; a :class:`Turn` is
that reply plus what the app adds: the question, the cited sources (one per document), the
follow-up suggestions, the data's freshness, the charts and the time taken. It is stored per
turn, so a resumed conversation looks as it did. Also the Markdown export. Nothing here imports
Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.app import citations, followups, labels
from assistant.app.freshness import Freshness, answer_freshness
from assistant.events import Reply
from assistant.models import is_offline
from assistant.safety import inert_markdown

EXAMPLES = (
    "Is silver breaking out?",
    "Does bitcoin follow silver with a lag?",
    "Why is silver rising?",
    "Write a market briefing",
)
RECORD_VERSION = 2


@dataclass
class ToolCall:
    id: str
    name: str
    args: dict
    title: str
    summary: str = ""  # what the model read: stored for the record, never shown
    artifact: dict | None = None
    error: bool = False
    done: bool = False

    def as_call(self) -> dict:
        return {
            "name": self.name,
            "args": self.args,
            "artifact": self.artifact,
            "done": self.done,
            "error": self.error,
        }


class TurnChart:
    """A chart of a turn: its plotly figure is rebuilt from the stored JSON only when shown."""

    def __init__(self, title: str, figure: Any = None, section: str = "", spec: str = ""):
        self.title, self.section = title, section
        self._figure, self._spec = figure, spec

    @property
    def figure(self):
        if self._figure is None:
            import plotly.io

            self._figure = plotly.io.from_json(self._spec)
        return self._figure

    def to_record(self) -> dict:
        spec = self._spec or self._figure.to_json()
        return {"title": self.title, "section": self.section, "figure": spec}


@dataclass
class Turn:
    """One question and what the app shows for it."""

    question: str
    answer: str = ""
    tools: list[ToolCall] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # Reply.sources: the targets of [n]
    cited: list[citations.Cited] = field(default_factory=list)
    followups: list[followups.Suggestion] = field(default_factory=list)
    freshness: Freshness | None = None
    grounding: dict | None = None  # {"checked", "ungrounded", "ok", "badge"}
    charts: list[TurnChart] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None
    model: str = ""
    data_source: str = ""
    as_of: str | None = None
    seconds: float = 0.0
    finished: bool = False

    @classmethod
    def from_reply(
        cls,
        question: str,
        reply: Reply,
        charts: list | None = None,
        seconds: float = 0.0,
        asked: list[str] | None = None,
        today: dt.date | None = None,
    ) -> Turn:
        """The turn for a finished reply; ``asked``: earlier questions of the conversation."""
        results = {r["id"]: r for r in reply.tool_results}
        tools = []
        for call in reply.tool_calls:
            done = results.get(call["id"])
            artifact = done["artifact"] if done else None
            error = bool(done and done["error"])
            tools.append(
                ToolCall(
                    call["id"],
                    call["name"],
                    dict(call["args"]),
                    labels.call_title(call["name"], call["args"], artifact, error),
                    summary=done["summary"] if done else "",
                    artifact=artifact,
                    error=error,
                    done=done is not None,
                )
            )
        report = reply.grounding
        # A briefing quotes commentary without markers: its passages are the sources to list.
        sources = list(reply.sources) or briefing_passages(reply.tool_results)
        # The reply carries the error as its answer when there was none; show it once.
        answer = "" if reply.error and reply.answer == reply.error else reply.answer
        return cls(
            question=question,
            answer=answer,
            tools=tools,
            sources=sources,
            cited=citations.cited_sources(answer, sources),
            followups=[]  # the model or the network failed: nothing to suggest until it is back
            if reply.error
            else followups.suggest(reply.tool_results, [*(asked or []), question]),
            freshness=answer_freshness(reply.tool_results, today or dt.date.today(), reply.as_of),
            grounding={
                "checked": report.checked,
                "ungrounded": list(report.ungrounded),
                "ok": report.ok,
                "badge": report.badge(),
            },
            charts=[c if isinstance(c, TurnChart) else TurnChart(*c) for c in charts or []],
            error=reply.error,
            error_kind=reply.error_kind,
            model=reply.model,
            data_source=reply.data_source,
            as_of=reply.as_of,
            seconds=seconds,
            finished=True,
        )

    @property
    def tools_label(self) -> str:
        return labels.status_label([c.as_call() for c in self.tools])[0]

    @property
    def tools_failed(self) -> bool:
        return bool(self.tools) and all(c.error for c in self.tools)

    @property
    def footer(self) -> str:
        """'Offline analyst · 0.21 s'."""
        parts = [model_label(self.model)]
        if self.seconds:
            parts.append(f"{self.seconds:.2f} s")
        return " · ".join(parts)

    def briefing(self) -> bool:
        """The answer is a briefing (its charts go under its sections)."""
        return any(c.section for c in self.charts)

    def pieces(self) -> list[tuple[str, list[TurnChart]]]:
        """(Markdown, charts) in reading order: a briefing's charts under their sections."""
        if not self.briefing():
            return [(self.answer, list(self.charts))]
        from assistant.briefing.doc import SECTION_TITLES

        keys = {title: key for key, title in SECTION_TITLES.items()}
        out, placed = [], set()
        for heading, text in citations.split_sections(self.answer):
            charts = [c for c in self.charts if c.section and c.section == keys.get(heading)]
            placed.update(id(c) for c in charts)
            out.append((text, charts))
        rest = [c for c in self.charts if id(c) not in placed]
        if rest:
            out.append(("", rest))
        return out

    # -- storage -----------------------------------------------------------------------------
    def to_record(self) -> dict:
        return {
            "version": RECORD_VERSION,
            "question": self.question,
            "answer": self.answer,
            "tools": [vars(c) for c in self.tools],
            "sources": self.sources,
            "cited": [c.to_dict() for c in self.cited],
            "followups": [vars(s) for s in self.followups],
            "freshness": self.freshness.to_dict() if self.freshness else None,
            "grounding": self.grounding,
            "charts": [c.to_record() for c in self.charts],
            "error": self.error,
            "error_kind": self.error_kind,
            "model": self.model,
            "data_source": self.data_source,
            "as_of": self.as_of,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_record(cls, record: dict) -> Turn:
        charts = [
            TurnChart(
                str(c.get("title", "")), section=str(c.get("section") or ""), spec=c["figure"]
            )
            for c in record.get("charts") or []
            if isinstance(c, dict) and isinstance(c.get("figure"), str)
        ]
        tools = [_stored_call(c) for c in record.get("tools") or [] if isinstance(c, dict)]
        answer, sources = record.get("answer", ""), record.get("sources") or []
        stored = record.get("cited")
        cited = (
            [citations.Cited(**c) for c in stored]
            if isinstance(stored, list)
            else citations.cited_sources(answer, sources)
        )
        return cls(
            question=record.get("question", ""),
            answer=answer,
            tools=tools,
            sources=sources,
            cited=cited,
            followups=[followups.Suggestion(**s) for s in record.get("followups") or []],
            freshness=Freshness.from_dict(record.get("freshness")),
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


def _stored_call(c: dict) -> ToolCall:
    """A stored tool call; its title is said again in today's words (older records said
    "Price of silver")."""
    name, args = str(c.get("name") or ""), dict(c.get("args") or {})
    artifact = c.get("artifact") if isinstance(c.get("artifact"), dict) else None
    error = bool(c.get("error"))
    return ToolCall(
        str(c.get("id") or ""),
        name,
        args,
        labels.call_title(name, args, artifact, error),
        summary=str(c.get("summary") or ""),
        artifact=artifact,
        error=error,
        done=bool(c.get("done", True)),
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
            lines += [citations.demote_headings(turn.answer.strip(), top=3), ""]
        if turn.error:
            lines += [f"> **Error:** {turn.error}", ""]
        if turn.tools:
            lines += ["**Tools**", ""]
            lines += [f"- {c.title}{' (failed)' if c.error else ''}" for c in turn.tools]
            lines.append("")
        if turn.cited:
            lines += ["**Sources**", ""]
            for c in turn.cited:
                marks = "".join(f"[{n}]" for n in c.numbers)
                mine = " (your document)" if c.mine else ""
                lines.append(f"- {marks + ' ' if marks else ''}{c.label()}{mine}")
            lines.append("")
        if turn.grounding:
            data = f"Data as of {turn.freshness.as_of}. " if turn.freshness else ""
            lines += [f"_Grounding: {turn.grounding['badge']}. {data}{turn.footer}._", ""]
    return inert_markdown("\n".join(lines).rstrip()) + "\n"  # no live image or link in a viewer


def export_name(title: str, thread_id: str) -> str:
    stem = (
        "-".join(re.findall(r"[a-z0-9]+", (title or "").lower()))[:50].strip("-") or "conversation"
    )
    return f"market-assistant-{stem}-{thread_id[:8]}.md"


def briefing_passages(tool_results: list[dict]) -> list[dict]:
    """The commentary passages a briefing in the turn quoted (none for other turns)."""
    from assistant import registry

    out = []
    for r in tool_results or []:
        artifact = r.get("artifact")
        if not r.get("error") and registry.kind_of(artifact) == registry.Kind.BRIEFING:
            found = (artifact.get("commentary") or {}).get("passages") or []
            out += [p for p in found if isinstance(p, dict) and p.get("text")]
    return out


def turn_charts(reply: Reply, market) -> list[TurnChart]:
    """The charts for a reply: one per asset or test, and a briefing's charts by section."""
    from assistant import charts, registry

    if reply.error:
        return []
    made = charts.charts_for(reply.tool_results, market, reply.answer)
    out = [TurnChart(title, fig) for title, fig in made]
    for r in reply.tool_results:
        if not r.get("error") and registry.kind_of(r.get("artifact")) == registry.Kind.BRIEFING:
            out += [
                TurnChart(title, fig, section)
                for section, title, fig in charts.briefing_charts(r["artifact"], market)
            ]
    return out
