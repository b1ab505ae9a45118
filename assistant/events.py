"""The one event stream the UI and the CLI consume, and the Reply a whole turn produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.grounding import GroundingReport


@dataclass(frozen=True)
class TextDelta:
    """A piece of answer text as the model produces it."""

    text: str


@dataclass(frozen=True)
class ToolStarted:
    call_id: str
    name: str
    args: dict


@dataclass(frozen=True)
class ToolFinished:
    call_id: str
    name: str
    summary: str  # what the model saw
    artifact: dict | None  # the full result, for the UI
    error: bool = False


@dataclass(frozen=True)
class SourcesFound:
    sources: list[dict]


@dataclass(frozen=True)
class GroundingChecked:
    report: GroundingReport


@dataclass(frozen=True)
class Failed:
    """A turn that ended in an error the user can act on; ``message`` says what to do."""

    message: str
    kind: str = (
        "error"  # "input", "auth", "rate_limit", "timeout", "network", "model", "limit", "error"
    )


@dataclass(frozen=True)
class Reply:
    answer: str
    tool_calls: list[dict] = field(default_factory=list)  # {"id", "name", "args"}
    tool_results: list[dict] = field(
        default_factory=list
    )  # {"id", "name", "summary", "artifact", "error"}
    sources: list[dict] = field(
        default_factory=list
    )  # {"title", "source", "published", "url", "text", ...}
    grounding: GroundingReport = field(default_factory=lambda: GroundingReport(0))
    model: str = ""
    data_source: str = ""
    as_of: str | None = None
    thread_id: str = ""
    error: str | None = None
    error_kind: str | None = None

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "tool_calls": [{"name": c["name"], "args": c["args"]} for c in self.tool_calls],
            "sources": [
                {k: s.get(k) for k in ("title", "source", "published", "url", "chunk_id", "text")}
                for s in self.sources
            ],
            "grounding": self.grounding.to_dict(),
            "model": self.model,
            "data_source": self.data_source,
            "as_of": self.as_of,
            "thread_id": self.thread_id,
            "error": self.error,
        }


@dataclass(frozen=True)
class Finished:
    reply: Reply


Event = TextDelta | ToolStarted | ToolFinished | SourcesFound | GroundingChecked | Failed | Finished
