"""What the app needs around the assistant, kept here so that the UI only renders.

A :class:`Turn` is one question and everything shown for it, folded from the assistant's
event stream and stored per turn so a resumed conversation looks as it did. Also: tool calls
in plain words, the Markdown export, the data status behind the freshness badge, a data
refresh with progress, a knowledge base opened once on first use, and saving uploaded files.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.events import (
    Failed,
    Finished,
    GroundingChecked,
    SourcesFound,
    TextDelta,
    ToolFinished,
    ToolStarted,
)
from assistant.models import is_offline
from tools.files import write_bytes
from tools.results import age_text

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
    if name == "get_price":
        return f"Price of {a.get('asset', '?')}" + (f" on {a['on']}" if "on" in a else "")
    if name == "compare_assets":
        return "Compare " + _join([str(x) for x in a.get("assets", [])])
    if name == "find_breakouts":
        what = f"{a.get('asset', '?')} against {a['vs']}" if "vs" in a else str(a.get("asset", "?"))
        span = f"{a['window']}-day highs" if "window" in a else "all-time closing records"
        return f"Breakouts in {what} ({span})"
    if name == "lead_lag":
        extra = [str(a.get("freq", "weekly"))]
        if "max_lag" in a:
            extra.append(f"lags up to {a['max_lag']}")
        if "start" in a or "end" in a:
            extra.append(f"{a.get('start', 'start')} to {a.get('end', 'end')}")
        if a.get("events"):
            extra.append("with event study")
        return f"Does {a.get('follower', '?')} follow {a.get('leader', '?')}? ({', '.join(extra)})"
    if name == "first_close_above":
        return f"First close of {a.get('asset', '?')} at or above {a.get('level', '?')}"
    if name == "search_commentary":
        about = f" about {a['asset']}" if "asset" in a else ""
        return f"Search commentary{about} for “{a.get('query', '')}”"
    if name == "market_briefing":
        return "Market briefing" + (f" on {_join([str(x) for x in a['assets']])}" if "assets" in a
                                    else " on the default watchlist")
    shown = ", ".join(f"{k}={v}" for k, v in a.items())
    return f"{name}({shown})"


def _join(items: list[str]) -> str:
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

    def apply(self, event) -> ToolCall | None:
        """Fold one event in; returns the tool call it concerned, if any."""
        if isinstance(event, TextDelta):
            self.answer += event.text
        elif isinstance(event, ToolStarted):
            # Text before a tool call is the model thinking aloud; the answer comes after.
            self.answer = ""
            call = ToolCall(event.call_id, event.name, dict(event.args), describe_call(event.name, event.args))
            self.tools.append(call)
            return call
        elif isinstance(event, ToolFinished):
            call = self.tool(event.call_id)
            if call is None:
                call = ToolCall(event.call_id, event.name, {}, describe_call(event.name, {}))
                self.tools.append(call)
            call.summary, call.artifact, call.error, call.done = event.summary, event.artifact, event.error, True
            return call
        elif isinstance(event, SourcesFound):
            self.sources = list(event.sources)
        elif isinstance(event, GroundingChecked):
            report = event.report
            self.grounding = {"checked": report.checked, "ungrounded": list(report.ungrounded),
                              "ok": report.ok, "badge": report.badge()}
        elif isinstance(event, Failed):
            self.error, self.error_kind = event.message, event.kind
        elif isinstance(event, Finished):
            reply = event.reply
            # The reply carries the error as its answer when there was none; show it once.
            self.answer = "" if reply.error and reply.answer == reply.error else reply.answer
            self.sources = list(reply.sources)
            self.model, self.data_source, self.as_of = reply.model, reply.data_source, reply.as_of
            self.finished = True
        return None

    def tool(self, call_id: str) -> ToolCall | None:
        return next((c for c in self.tools if c.id == call_id), None)

    @property
    def tools_label(self) -> str:
        failed = sum(c.error for c in self.tools)
        label = f"Used {len(self.tools)} tool{'s' if len(self.tools) != 1 else ''}: " + ", ".join(
            dict.fromkeys(c.name for c in self.tools))
        return label + (f" ({failed} with an error)" if failed else "")

    @property
    def footer(self) -> str:
        """'Offline analyst · demo · as of latest · 0.21 s'."""
        parts = [model_label(self.model), f"data: {self.data_source or '?'}",
                 f"as of {self.as_of}" if self.as_of else "latest data"]
        if self.seconds:
            parts.append(f"{self.seconds:.2f} s")
        return " · ".join(parts)

    # -- storage -----------------------------------------------------------------------------
    def to_record(self) -> dict:
        return {"version": RECORD_VERSION, "question": self.question, "answer": self.answer,
                "tools": [vars(c) for c in self.tools], "sources": self.sources, "grounding": self.grounding,
                "charts": [{"title": t, "figure": fig.to_json()} for t, fig in self.charts],
                "error": self.error, "error_kind": self.error_kind, "model": self.model,
                "data_source": self.data_source, "as_of": self.as_of, "seconds": round(self.seconds, 3)}

    @classmethod
    def from_record(cls, record: dict) -> Turn:
        import plotly.io

        charts = []
        for item in record.get("charts") or []:
            try:
                charts.append((item["title"], plotly.io.from_json(item["figure"])))
            except Exception:  # noqa: BLE001 - a damaged chart must not hide the conversation
                continue
        tools = [ToolCall(**{k: c.get(k) for k in ToolCall.__dataclass_fields__ if k in c})
                 for c in record.get("tools") or []]
        return cls(question=record.get("question", ""), answer=record.get("answer", ""), tools=tools,
                   sources=record.get("sources") or [], grounding=record.get("grounding"), charts=charts,
                   error=record.get("error"), error_kind=record.get("error_kind"), model=record.get("model", ""),
                   data_source=record.get("data_source", ""), as_of=record.get("as_of"),
                   seconds=record.get("seconds") or 0.0, finished=True)


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
    lines = [f"# {title or 'Market Assistant conversation'}", "",
             f"_Exported from Market Assistant on {now:%Y-%m-%d %H:%M}._", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {turn.question}", ""]
        if turn.answer:
            lines += [turn.answer.strip(), ""]
        if turn.error:
            lines += [f"> **Error:** {turn.error}", ""]
        if turn.tools:
            lines += ["**Tools**", ""]
            lines += [f"- {c.title} (`{c.name}`){' — error' if c.error else ''}: "
                      f"{quote(c.summary, 200)}" for c in turn.tools]
            lines.append("")
        if turn.sources:
            lines += ["**Sources**", ""]
            lines += [f"- {source_citation(s)}: “{quote(s.get('text', ''), 240)}”" for s in turn.sources]
            lines.append("")
        if turn.grounding:
            lines += [f"_Grounding: {turn.grounding['badge']}. {turn.footer}._", ""]
    return "\n".join(lines).rstrip() + "\n"


def export_name(title: str, thread_id: str) -> str:
    stem = "-".join(re.findall(r"[a-z0-9]+", (title or "").lower()))[:50].strip("-") or "conversation"
    return f"market-assistant-{stem}-{thread_id[:8]}.md"


# -- data status and refresh ------------------------------------------------------------------
@dataclass(frozen=True)
class DataStatus:
    """What the freshness badge shows."""

    freshness: str  # live, cached, stale, csv, synthetic, unavailable
    badge: str  # short text for the badge
    detail: str  # one line: where the prices come from and up to when
    notice: str | None = None
    refreshable: bool = False  # a live source (Yahoo Finance) that a refresh can update


def _reference_asset(market) -> str:
    files = getattr(market.source, "files", None)
    if callable(files):  # a CSV folder: prefer silver, else whatever the folder holds
        found = list(files())
        return "silver" if "silver" in found or not found else found[0]
    return "silver"


def data_status(market, now: dt.datetime | None = None) -> DataStatus:
    """The freshness of the market's data, read from the provenance of a reference series."""
    live = bool(getattr(market.source, "live", False))
    try:
        prov = market.series(_reference_asset(market)).provenance
    except Exception as exc:  # noqa: BLE001 - the badge says what is wrong instead of failing the page
        return DataStatus("unavailable", "No data", str(exc), None, live)
    end = f" to {prov.as_of}" if prov.as_of else ""
    kind = prov.freshness
    if kind == "synthetic":
        return DataStatus(kind, "Synthetic demo data", f"Synthetic demo prices (not real markets){end}.",
                          prov.notice if live else None, live)
    if kind == "csv":
        folder = Path(prov.location).parent if prov.location else "a folder"
        return DataStatus(kind, "CSV files", f"Your CSV files in {folder}{end}.", prov.notice, False)
    age = _hours_since(prov.fetched_at, now)
    ago = age_text(age)
    if kind == "stale":
        return DataStatus(kind, f"Stale · {ago} old", f"Yahoo Finance cache fetched {ago} ago{end}; "
                          "the last refresh failed.", prov.notice, True)
    if age is not None and age < 0.05:
        return DataStatus("live", "Live", f"Yahoo Finance, fetched just now{end}.", prov.notice, True)
    return DataStatus("cached", f"Cached · {ago} ago", f"Yahoo Finance cache fetched {ago} ago{end}.",
                      prov.notice, True)


def _hours_since(stamp: str | None, now: dt.datetime | None) -> float | None:
    if not stamp:
        return None
    try:
        then = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    return max(((now or dt.datetime.now(dt.UTC)) - then).total_seconds() / 3600, 0.0)


@dataclass
class RefreshReport:
    refreshed: list[str] = field(default_factory=list)  # asset names now fresh from Yahoo Finance
    fallback: list[str] = field(default_factory=list)  # served from cache or demo: Yahoo did not answer
    failed: list[tuple[str, str]] = field(default_factory=list)  # (asset name, message)

    def summary(self) -> str:
        parts = []
        if self.refreshed:
            parts.append(f"Refreshed {len(self.refreshed)} series from Yahoo Finance.")
        if self.fallback:
            parts.append(f"Yahoo Finance did not answer for {_join(self.fallback)}; "
                         "the cached (or demo) data stays in use.")
        if self.failed:
            parts.append("Failed: " + "; ".join(f"{n}: {m}" for n, m in self.failed))
        return " ".join(parts) or "Nothing to refresh."


def refresh_prices(market, progress: Callable[[int, int, str], None] | None = None) -> RefreshReport:
    """Re-download every registry asset from the live source; ``progress(done, total, name)``."""
    from tools import assets

    report = RefreshReport()
    keys = assets.keys()
    for i, key in enumerate(keys):
        name = assets.get(key).name
        if progress:
            progress(i, len(keys), name)
        try:
            prov = market.series(key, refresh=True).provenance
        except Exception as exc:  # noqa: BLE001 - one asset failing must not stop the others
            report.failed.append((name, str(exc)))
            continue
        (report.fallback if prov.stale or prov.synthetic else report.refreshed).append(name)
    if progress:
        progress(len(keys), len(keys), "done")
    return report


# -- the knowledge base, opened once ----------------------------------------------------------
class KnowledgeHandle:
    """Opens the knowledge base on first call and keeps it, so the embedding model loads once.

    Creating the handle costs nothing; the assistant's commentary tool and the Knowledge page
    both call it, from any thread.
    """

    def __init__(self, home: Path | str, host: str | None = None, port: int | None = None):
        self.home, self.host, self.port = Path(home), host, port
        self._kb = None
        self._lock = threading.Lock()

    @property
    def opened(self) -> bool:
        return self._kb is not None

    def __call__(self):
        with self._lock:
            if self._kb is None:
                from knowledge import open_knowledge_base

                self._kb = open_knowledge_base(self.home, chroma_host=self.host, chroma_port=self.port)
            return self._kb


# -- uploads -----------------------------------------------------------------------------------
def safe_filename(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no leading dots, no odd characters."""
    base = Path(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "-", stem).strip(" .-")[:100] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def save_uploads(folder: Path | str, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write uploaded files into ``folder`` (kept, so a rebuild can re-read them); their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files:
        path = folder / safe_filename(name)
        write_bytes(path, data)
        paths.append(path)
    return paths
