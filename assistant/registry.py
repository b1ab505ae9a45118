"""The tool contract in one place: each tool's name, the kind of result it returns and that
result's type, and :func:`read`, which turns a stored tool artifact back into the typed result.

Everyone who looks at tool calls or results (the offline analyst, the answers, the charts, the
agent, the app) uses these constants and types instead of strings and dict lookups. The tools
themselves live in :mod:`assistant.lc_tools`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from knowledge.retrieval import Passage
from tools.breakouts import BreakoutResult
from tools.claims import ClaimReport
from tools.leadlag import LeadLagResult
from tools.periods import PeriodChange
from tools.prices import CloseOn, LevelCross, PriceLookup
from tools.relative import Comparison
from tools.results import from_dict


class ToolName(StrEnum):
    """The name the model calls each tool by."""

    PRICE = "get_price"
    COMPARE = "compare_assets"
    BREAKOUTS = "find_breakouts"
    LEAD_LAG = "lead_lag"
    LEVEL = "first_close_above"
    COMMENTARY = "search_commentary"
    BRIEFING = "market_briefing"
    PERIOD = "period_change"
    CHECK_CLAIMS = "check_claims"


class Kind(StrEnum):
    """What a tool artifact holds (its ``kind`` key)."""

    PRICE = "price"
    CLOSE_ON = "close_on"
    COMPARE = "compare"
    BREAKOUTS = "breakouts"
    LEADLAG = "leadlag"
    LEVEL = "level"
    COMMENTARY = "commentary"
    BRIEFING = "briefing"
    PERIOD = "period"
    CLAIMS = "claims"
    ERROR = "error"


@dataclass(frozen=True)
class Commentary:
    """The result of a commentary search: the query and the passages found."""

    query: str
    passages: list[Passage] = field(default_factory=list)


@dataclass(frozen=True)
class BriefingDigest:
    """What a chat answer uses of a briefing (the artifact holds the whole briefing)."""

    markdown: str
    assets: list[str]
    as_of: str
    synthetic: bool = False


@dataclass(frozen=True)
class ToolFailure:
    """A tool call the model or user can correct: the message and the valid options."""

    error: str
    options: list[str] = field(default_factory=list)


RESULT_TYPES: dict[Kind, type] = {
    Kind.PRICE: PriceLookup,
    Kind.CLOSE_ON: CloseOn,
    Kind.COMPARE: Comparison,
    Kind.BREAKOUTS: BreakoutResult,
    Kind.LEADLAG: LeadLagResult,
    Kind.LEVEL: LevelCross,
    Kind.COMMENTARY: Commentary,
    Kind.BRIEFING: BriefingDigest,
    Kind.PERIOD: PeriodChange,
    Kind.CLAIMS: ClaimReport,
    Kind.ERROR: ToolFailure,
}


def kind_of(artifact: Any) -> Kind | None:
    """The kind of a tool artifact, or None for anything that is not one."""
    if not isinstance(artifact, dict):
        return None
    try:
        return Kind(artifact.get("kind"))
    except ValueError:
        return None


def read(artifact: Any):
    """The typed result inside a tool artifact (``PriceLookup``, ``LeadLagResult``, ...), or
    None."""
    kind = kind_of(artifact)
    if kind is None:
        return None
    if kind == Kind.COMMENTARY:
        passages = [from_dict(Passage, p) for p in artifact.get("passages") or []]
        return Commentary(str(artifact.get("query", "")), passages)
    return from_dict(RESULT_TYPES[kind], artifact)
