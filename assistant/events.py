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
class Notice:
    """How the answer came about, worth a line (not an error): e.g. tool calls read from text."""

    message: str


@dataclass(frozen=True)
class Rechecking:
    """The answer stated figures (or sources) the tools did not give; the model is asked once
    to rewrite it. The text streamed so far is replaced by the rewrite."""

    ungrounded: list[str]
    unsupported: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Failed:
    """A turn that ended in an error the user can act on; ``message`` says what to do."""

    message: str
    kind: str = (
        "error"  # "input", "auth", "rate_limit", "timeout", "network", "model", "limit", "error"
    )


# Why an answer is incomplete (Reply.stopped): the model's max_tokens, the turn's deadline, the
# repetition guard, a stream that ended early, or the per-turn call limits.
STOPPED = ("length", "deadline", "repetition", "truncated", "limit")


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
    stopped: str | None = None  # one of STOPPED when the answer is incomplete
    notices: list[str] = field(default_factory=list)  # Notice messages of the turn
    usage: dict = field(default_factory=dict)  # {"input_tokens", "output_tokens", "model_calls"}
    rechecked: bool = False  # the model was asked once to rewrite ungrounded figures

    @property
    def warning(self) -> str | None:
        """The line for the top of an answer whose figures or sources are unverified."""
        return self.grounding.warning()

    def to_dict(self) -> dict:
        return {
            "warning": self.warning,  # first: a reader sees it before the answer
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
            "stopped": self.stopped,
            "notices": list(self.notices),
            "usage": dict(self.usage),
            "rechecked": self.rechecked,
        }


@dataclass(frozen=True)
class Finished:
    reply: Reply


Event = (
    TextDelta
    | ToolStarted
    | ToolFinished
    | SourcesFound
    | GroundingChecked
    | Notice
    | Rechecking
    | Failed
    | Finished
)
