"""Claims made in market commentary, and how each held up against the price data.

A :class:`Claim` is what one sentence (or clause) of a document asserts, typed: the quoted span,
a kind, the assets, a window or date, and a level, direction or lag range. A
:class:`ClaimCheck` is its verdict (:class:`Verdict`) with a one-line reason carrying the
figures, the analysis calls that produced them, the date it was tested at and how it has held
up since. A :class:`ClaimReport` holds the checks of one document.

Kinds (:class:`ClaimKind`): a level or record ("silver hit $101, a new all-time high"), relative
performance ("silver outperformed gold"), a move or trend ("rallied for months", "accelerated in
January"), a divergence ("bitcoin hasn't followed"), a lead/lag ("bitcoin follows silver with a
lag of weeks to months"), a frequency ("which doesn't happen often", tested with a base rate), a
macro driver read through a market proxy ("the dollar is weakening": the dollar index), and what
price data cannot test (supply, policy, flows, opinions, forecasts), listed with the reason.

The testers live in :mod:`tools.claimprices`, :mod:`tools.claimpairs` and :mod:`tools.claimlags`;
:mod:`tools.claimcheck` runs them. Everything here is deterministic: the same claims, data and
date give the same verdicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tools import formatting as fmt
from tools.lagreport import LeadLagResult
from tools.results import Provenance, ResultMixin, compose, source_note


class ClaimKind(StrEnum):
    LEVEL = "level"
    RELATIVE = "relative"
    MOVE = "move"
    DIVERGENCE = "divergence"
    LEAD_LAG = "lead_lag"
    FREQUENCY = "frequency"
    MACRO = "macro"
    NOT_TESTABLE = "not_testable"


KIND_LABELS = {
    ClaimKind.LEVEL: "level or record",
    ClaimKind.RELATIVE: "relative performance",
    ClaimKind.MOVE: "move or trend",
    ClaimKind.DIVERGENCE: "divergence",
    ClaimKind.LEAD_LAG: "lead/lag",
    ClaimKind.FREQUENCY: "frequency",
    ClaimKind.MACRO: "macro driver",
    ClaimKind.NOT_TESTABLE: "not testable",
}


class Verdict(StrEnum):
    SUPPORTED = "supported"
    PARTLY = "partly supported"
    NOT_SUPPORTED = "not supported"
    CONTRADICTED = "contradicted"
    NOT_TESTABLE = "not testable"


VERDICT_ORDER = tuple(Verdict)
REMARK = "not a claim about markets"  # how a remark's not-testable reason ends

# Windows a claim can name: a change horizon, a span of them, a calendar month or year.
WINDOWS = ("1w", "1m", "3m", "6m", "ytd", "1y", "recent", "weeks", "months", "history")
DIRECTIONS = (
    "up",  # move, macro: rose
    "down",
    "flat",
    "accelerate",
    "above",  # level: at or above
    "below",
    "outperform",  # relative: subject beat the reference
    "underperform",
    "rare",  # frequency: the event is rare / common
    "common",
)


@dataclass(frozen=True)
class Claim(ResultMixin):
    """What a span of text asserts, typed so that a tester can decide it from prices.

    ``subject`` is the asset the claim is about; ``reference`` the other side: the asset it was
    compared with (relative), the mover it did not follow (divergence), the leaders it follows
    (lead/lag) or, for a frequency, the asset the subject beats in the event counted.
    """

    quote: str  # verbatim from the document
    kind: str  # a ClaimKind value
    subject: str | None = None  # registry key
    reference: list[str] = field(default_factory=list)
    direction: str | None = None  # one of DIRECTIONS
    level: float | None = None  # level claims: the price named
    record: bool = False  # level claims: an all-time high is claimed
    window: str | None = None  # one of WINDOWS or a calendar period (tools.claimdates.named_period)
    lag_min: int | None = None  # lead/lag: the claimed lag range, in periods of ``freq``
    lag_max: int | None = None
    freq: str = "weekly"  # lead/lag: weekly (lags in weeks) or daily
    strong: bool = False  # "sharply", "surged", "crashed": a bigger move is claimed
    driver: str | None = None  # macro: what the text names ("the dollar", "real yields")
    reason: str | None = None  # not testable: why
    sentence: int = 0  # index of the sentence in the document
    origin: str = "rules"  # "rules", "embedder" or "model"
    negated: bool = False  # level claims: "never traded above", "did not reach"

    @property
    def assets(self) -> list[str]:
        return [a for a in [self.subject, *self.reference] if a]

    @property
    def testable(self) -> bool:
        return self.kind != ClaimKind.NOT_TESTABLE


@dataclass(frozen=True)
class Call(ResultMixin):
    """One call of an analysis function that a verdict rests on."""

    tool: str  # module.function in tools/, e.g. "prices.first_close_at_or_above"
    args: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        args = ", ".join(f"{k}={_arg(v)}" for k, v in self.args.items() if v is not None)
        return f"{self.tool}({args})"


def _arg(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_arg(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def unique_calls(calls: list[Call]) -> list[Call]:
    """Each call once, in the order first made."""
    out: list[Call] = []
    for call in calls:
        if call not in out:
            out.append(call)
    return out


Figures = dict[str, float | int | str | None]


@dataclass(frozen=True)
class ClaimCheck(ResultMixin):
    """A claim's verdict, the reason with its figures, the calls behind it, and since."""

    claim: Claim
    verdict: str  # a Verdict value
    reason: str  # one line with the figures
    figures: Figures = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    tested_at: dt.date | None = None  # the last bar the verdict used
    since: str | None = None  # how it held up from tested_at to the latest data
    since_figures: Figures = field(default_factory=dict)
    leadlag: list[LeadLagResult] = field(default_factory=list)  # behind a lead/lag verdict
    brief: str | None = None  # the reason in a few words, for a table cell (None: the reason)
    since_brief: str | None = None  # the same for ``since``

    @property
    def remark(self) -> bool:
        """A sentence about a claim, the document or the reader, not a claim about markets."""
        return self.verdict == Verdict.NOT_TESTABLE and self.reason.rstrip(".").endswith(REMARK)

    @property
    def short(self) -> str:
        """The reason as a table cell shows it."""
        return self.brief or self.reason

    @property
    def since_short(self) -> str:
        return self.since_brief or self.since or ""

    def public_dict(self) -> dict:
        """The claim as the command line's JSON prints it."""
        return {
            "quote": self.claim.quote,
            "kind": self.claim.kind,
            "assets": self.claim.assets,
            "verdict": self.verdict,
            "reason": self.reason,
            "figures": {**self.figures},
            "tested_at": self.tested_at.isoformat() if self.tested_at else None,
            "since": self.since,
            "calls": [call.to_dict() for call in unique_calls(self.calls)],
        }


@dataclass(frozen=True)
class DocumentMeta(ResultMixin):
    """The document checked: what it is called and when it was published."""

    title: str
    source: str = ""
    published: str | None = None  # ISO at its precision: "2026-01-23", "2026-01" or "2026"
    doc_id: str | None = None  # a library document's id
    path: str | None = None
    words: int = 0


@dataclass(frozen=True)
class ClaimReport(ResultMixin):
    """Every claim of one document with its verdict, tested at one date."""

    document: DocumentMeta
    tested_at: dt.date  # the document's "today": see ``tested_note``
    tested_note: str  # how that date was chosen, in words
    latest: dt.date | None  # the last bar "since" runs to
    checks: list[ClaimCheck]
    extraction: str = "rules"  # "rules" (offline) or "model:<id>"
    grounding: dict[str, Any] | None = None  # filled in by the assistant's grounding check
    notes: list[str] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def testable(self) -> list[ClaimCheck]:
        """The checks with a verdict from the data (not "not testable")."""
        return [c for c in self.checks if c.verdict != Verdict.NOT_TESTABLE]

    @property
    def untestable(self) -> list[ClaimCheck]:
        """The claims price data cannot test (remarks about the claims are listed apart)."""
        return [c for c in self.checks if c.verdict == Verdict.NOT_TESTABLE and not c.remark]

    @property
    def remarks(self) -> list[ClaimCheck]:
        """Sentences about the claims, the document or the reader: not claims about markets."""
        return [c for c in self.checks if c.remark]

    def counts(self) -> dict[str, int]:
        """How many claims got each verdict, in verdict order (zeros included)."""
        return {v.value: sum(c.verdict == v for c in self.checks) for v in VERDICT_ORDER}

    def tally(self) -> str:
        """E.g. "9 claims: 2 supported, 1 partly supported, ...; 5 not testable"."""
        n = self.counts()
        tested = ", ".join(f"{n[v]} {v}" for v in VERDICT_ORDER[:-1] if n[v])
        remarks = len(self.remarks)
        total = len(self.checks) - remarks
        parts = [tested or "none testable"]
        if n[Verdict.NOT_TESTABLE] - remarks:
            parts.append(f"{n[Verdict.NOT_TESTABLE] - remarks} not testable with price data")
        if remarks:
            parts.append(f"{remarks} remark{'s' if remarks != 1 else ''} about the claims")
        return f"{total} claim{'s' if total != 1 else ''}: {'; '.join(parts)}"

    def public_dict(self) -> dict:
        """The object ``market-assistant check --json`` prints."""
        doc = {k: v for k, v in self.document.to_dict().items() if k != "words"}
        return {
            "document": doc,
            "tested_at": self.tested_at.isoformat(),
            "claims": [c.public_dict() for c in self.checks],
            "grounding": dict(self.grounding or {}),
        }

    def summary(self, limit: int = 1500) -> str:
        """A compact text for a model: the tally, the date, each tested claim's verdict with a
        shortened reason, and what could not be tested."""
        head = f"Claim check of '{_short(self.document.title, 80)}': {self.tally()}."
        when = f"Tested at {self.tested_at}."
        rows = [
            f'{i}. [{c.verdict}] "{_short(c.claim.quote, 44)}": {_short(c.reason, 56)}'
            for i, c in enumerate(self.testable, 1)
        ]
        closing = f"{len(self.untestable)} not testable (supply, policy, flows, opinions, ...)."
        return compose([head, when], rows, f"{closing} {source_note(self.provenance)}", limit)


def _short(text: str, limit: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def untestable(claim: Claim, reason: str | None = None) -> ClaimCheck:
    """The check of a claim that price data cannot decide, with the reason."""
    why = reason or claim.reason or "it makes no statement about prices"
    return ClaimCheck(claim, Verdict.NOT_TESTABLE.value, f"Not testable with price data: {why}.")


def pct_figure(value: float | None) -> float | None:
    """A percentage rounded as printed (2 decimals), for the figures of a check."""
    return None if value is None else round(float(value), 2)


def price_figure(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def change_text(name: str, pct: float | None, window: str) -> str:
    """E.g. "Silver +61.67% over 3 months"."""
    return f"{name} {fmt.pct(pct)} over {window_words(window)}"


def window_words(window: str) -> str:
    words = {
        "1w": "1 week",
        "1m": "1 month",
        "3m": "3 months",
        "6m": "6 months",
        "ytd": "the year to date",
        "1y": "1 year",
    }
    if window.startswith("month:"):
        return month_name(window[6:])
    if window == "year:last":
        return "last year"
    if window.startswith("year:"):
        return window[5:]
    if window.startswith("period:"):
        first, last = (dt.date.fromisoformat(d) for d in window[7:].split(".."))
        return period_label(first, last)
    return words.get(window, window)


def period_label(first: dt.date, last: dt.date) -> str:
    """A calendar period in words: "Q1 2025", "H2 2024", "2024", "June to September 2025"."""
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return str(first.year)
    whole = first.day == 1 and (last + dt.timedelta(days=1)).day == 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if whole and first.year == last.year and months == 3 and first.month % 3 == 1:
        return f"Q{first.month // 3 + 1} {first.year}"
    if whole and first.year == last.year and months == 6 and first.month in (1, 7):
        return f"H{1 if first.month == 1 else 2} {first.year}"
    if whole and months == 1:
        return first.strftime("%B %Y")
    if whole:
        head = first.strftime("%B") if first.year == last.year else first.strftime("%B %Y")
        return f"{head} to {last.strftime('%B %Y')}"
    return f"{first} to {last}"


def month_name(iso_month: str) -> str:
    """ "2026-01" -> "January 2026"."""
    day = dt.date.fromisoformat(f"{iso_month}-01")
    return day.strftime("%B %Y")
