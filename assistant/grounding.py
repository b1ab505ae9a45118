"""The grounding check: every figure in an answer must come from this turn's tool results.

A figure is a price, percentage, count, date, month or year written in the answer. It is
grounded when some number (or date) in the tool results rounds to it at the precision the
answer wrote it with; signs are ignored ("fell 3.2%" matches a change of -3.2), currency signs,
thousands separators and k/m/bn suffixes are understood.

A figure inside a quotation (a Markdown blockquote line, or text in double quotation marks) is
the quoted document's, not the tools': it must still be found in the turn's results (the quoted
passage is one of them), but it is reported apart, as ``quoted``, so that "all figures from
tools" never vouches for a price that a document stated.

Names with digits are not figures: tickers, "S&P 500", model ids such as
``openai:qwen2.5-coder-1.5b`` (any ``provider:name``), links, and citation markers ``[1]``.
When the turn's retrieved passages are given, the citations are checked too
(:mod:`assistant.citations`): every source the answer names must be among them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.citations import check_citations, marker_pattern

MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9

_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\s*,?\s+(\d{{4}})\b", re.I)
_MDY = re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(\d{{4}})\b", re.I)
_MY = re.compile(rf"\b({_MONTH_RE})\s+(\d{{4}})\b", re.I)
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-+−])?(?P<cur>[$€£])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<suffix>\s?(?:k|K|m|M|bn|billion|million|thousand)\b)?(?P<pct>\s?%|\s?percent\b|\s?pp\b)?"
)
# Words with digits that are names, not figures.
_NAMES = re.compile(
    r"S&P\s?500|Nasdaq[- ]100|\b10[- ]?(?:year|yr|y)\b|\bUS10Y\b|\b52[- ]week\b|\bMiniLM-L6-v2\b|"
    r"\bgpt-[\w.\-]+|\b[A-Z]{1,4}=F\b|\bv\d+(?:\.\d+)*\b|\bp-value\b|\bBTC-USD\b|\bETH-USD\b|"
    r"\bGC=F\b|\bSI=F\b|\bDX-Y\.NYB\b|\^\w+|"
    # links, and ids written provider:name (openai:qwen2.5-coder-1.5b, csv:../data/2024)
    r"\bhttps?://\S+|\b[a-z][\w-]*:(?=[\w.\-/]*[a-z])[\w.\-/]+",
    re.I,
)
_DURATION = re.compile(
    r"(?<![\w.,$€£])(\d+)\s?-?\s?(days?|weeks?|months?|years?|bars?|sessions?|periods?|lags?|"
    r"d|w|wk|wks|m|mo|y|yr)\b",
    re.I,
)
# Windows people name without a tool having to state them.
_STANDARD_WINDOWS = {
    ("d", 1),
    ("w", 1),
    ("w", 52),
    ("m", 1),
    ("m", 3),
    ("m", 6),
    ("m", 12),
    ("y", 1),
}
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d+[.)]|[-*•])\s+")
_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


@dataclass(frozen=True)
class Figure:
    text: str
    kind: str  # "number", "percent", "date", "month", "year", "duration"
    value: float | None = None
    tolerance: float = 0.0
    date: dt.date | None = None


def plural(n: int, word: str) -> str:
    """``1 figure``, ``2 figures``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


@dataclass(frozen=True)
class GroundingReport:
    checked: int
    ungrounded: list[str] = field(default_factory=list)
    grounded: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)  # found, but inside a quoted document
    citations: list[str] = field(default_factory=list)  # sources the answer names or marks
    unsupported: list[str] = field(default_factory=list)  # of those, not among the passages

    @property
    def ok(self) -> bool:
        return not self.ungrounded and not self.unsupported

    def to_dict(self) -> dict:
        out = {"checked": self.checked, "ungrounded": list(self.ungrounded), "ok": self.ok}
        if self.quoted:
            out["quoted"] = list(self.quoted)
        if self.citations:
            out["citations"] = list(self.citations)
            out["unsupported_citations"] = list(self.unsupported)
        return out

    def badge(self) -> str:
        quoted = (
            f"; {len(self.quoted)} quoted from documents (the documents' figures, not the tools')"
            if self.quoted
            else ""
        )
        if self.ok:
            if self.checked:
                text = f"all figures from tools ({self.checked} checked){quoted}"
            else:
                text = f"no tool figures{quoted}" if self.quoted else "no figures to check"
            if self.citations:
                text += f"; {plural(len(self.citations), 'citation')} checked"
            return text
        parts = []
        if self.ungrounded:
            parts.append(
                f"{len(self.ungrounded)} of {plural(self.checked, 'figure')} not found in tool "
                "results: " + ", ".join(self.ungrounded)
            )
        if self.unsupported:
            parts.append(
                f"{plural(len(self.unsupported), 'cited source')} not among the passages found: "
                + ", ".join(self.unsupported)
            )
        return "; ".join(parts) + quoted

    def warning(self) -> str | None:
        """One line for the top of an answer that failed the check; None when it passed."""
        if self.ok:
            return None
        parts = []
        if self.ungrounded:
            n = len(self.ungrounded)
            parts.append(
                f"{plural(n, 'figure')} in this answer {'was' if n == 1 else 'were'} not found in "
                f"the tool results ({', '.join(self.ungrounded)})"
            )
        if self.unsupported:
            n = len(self.unsupported)
            parts.append(
                f"{plural(n, 'source')} it names {'is' if n == 1 else 'are'} not among the "
                f"passages retrieved ({', '.join(self.unsupported)})"
            )
        one = len(self.ungrounded) + len(self.unsupported) == 1
        return f"Unverified: {' and '.join(parts)}. Treat {'it' if one else 'them'} as unconfirmed."


def extract_figures(text: str) -> list[Figure]:
    """Every figure written in ``text``, in order of appearance (names such as "S&P 500"
    excluded)."""
    figures: list[Figure] = []
    spans: list[tuple[int, int]] = []
    masked = _LIST_MARKER.sub(lambda m: " " * len(m.group(0)), text)
    masked = _NAMES.sub(lambda m: " " * len(m.group(0)), masked)
    masked = marker_pattern().sub(lambda m: " " * len(m.group(0)), masked)

    def take(match: re.Match, fig: Figure) -> None:
        figures.append(fig)
        spans.append(match.span())

    for m in _ISO.finditer(masked):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        take(m, Figure(m[0], "date", date=d))
    for m in _DMY.finditer(masked):
        d = _safe_date(int(m[3]), _month(m[2]), int(m[1]))
        take(m, Figure(m[0], "date", date=d))
    for m in _MDY.finditer(masked):
        if _overlaps(m.span(), spans):
            continue
        d = _safe_date(int(m[3]), _month(m[1]), int(m[2]))
        take(m, Figure(m[0], "date", date=d))
    for m in _MY.finditer(masked):
        if _overlaps(m.span(), spans):
            continue
        d = _safe_date(int(m[2]), _month(m[1]), 1)
        take(m, Figure(m[0], "month", date=d))
    for m in _DURATION.finditer(masked):
        if _overlaps(m.span(), spans):
            continue
        counted = m[2].lower()[0] in "bslp"  # bars, sessions, lags, periods are counts
        take(
            m,
            Figure(
                m[0],
                "number" if counted else "duration",
                value=float(m[1]),
                tolerance=0.5 if counted else 0.0,
            ),
        )
    for m in _NUMBER.finditer(masked):
        if _overlaps(m.span(), spans):
            continue
        fig = _number_figure(m)
        if fig is not None:
            figures.append(fig)
            spans.append(m.span())
    starts = [s for s, _ in spans]
    return [f for _, f in sorted(zip(starts, figures, strict=True), key=lambda pair: pair[0])]


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.get(w, MONTHS.get(w[:3], 0))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        return None


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def _number_figure(m: re.Match) -> Figure | None:
    raw = m["num"]
    digits = raw.replace(",", "")
    value = float(digits)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    scale = 1.0
    if m["suffix"]:
        word = m["suffix"].strip().lower()
        if len(word) == 1 and not m["cur"]:
            return Figure(m[0].strip(), "number", value=value, tolerance=0.5 * 10 ** (-decimals))
        scale = _SUFFIX[word]
    is_pct = bool(m["pct"])
    if not is_pct and not m["cur"] and not m["suffix"] and decimals == 0 and "," not in raw:
        if 1900 <= value <= 2100:
            return Figure(m[0].strip(), "year", value=value)
    tol = 0.5 * 10 ** (-decimals) * scale
    return Figure(
        m[0].strip(), "percent" if is_pct else "number", value=value * scale, tolerance=tol
    )


@dataclass
class Evidence:
    """The numbers and dates found in tool results."""

    numbers: list[float] = field(default_factory=list)
    dates: set[dt.date] = field(default_factory=set)

    def add(self, value) -> None:
        """Walk any JSON-like value and collect its numbers and dates."""
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            if math.isfinite(value):
                self.numbers.append(float(value))
            return
        if isinstance(value, dt.datetime):
            self.dates.add(value.date())
            return
        if isinstance(value, dt.date):
            self.dates.add(value)
            return
        if isinstance(value, str):
            for fig in extract_figures(value):
                if fig.date is not None:
                    self.dates.add(fig.date)
                if fig.value is not None:
                    self.numbers.append(fig.value)
            return
        if isinstance(value, dict):
            for v in value.values():
                self.add(v)
            return
        if isinstance(value, Iterable):
            for v in value:
                self.add(v)
            return
        if hasattr(value, "to_dict"):
            self.add(value.to_dict())


def is_grounded(fig: Figure, ev: Evidence) -> bool:
    if fig.kind == "date":
        return fig.date is not None and fig.date in ev.dates
    if fig.kind == "month":
        return fig.date is not None and any(
            (d.year, d.month) == (fig.date.year, fig.date.month) for d in ev.dates
        )
    if fig.kind == "duration":
        unit = re.sub(r"[\d\s-]", "", fig.text).lower()[:1]
        return (unit, int(fig.value or 0)) in _STANDARD_WINDOWS or _number_match(fig, ev)
    if fig.kind == "year":
        year = int(fig.value or 0)
        return any(d.year == year for d in ev.dates) or _number_match(fig, ev)
    return _number_match(fig, ev)


def _number_match(fig: Figure, ev: Evidence) -> bool:
    target = abs(fig.value or 0.0)
    tol = fig.tolerance + 1e-9 * max(1.0, target)
    return any(abs(abs(v) - target) <= tol for v in ev.numbers)


def check(answer: str, evidence: Iterable, sources: list[dict] | None = None) -> GroundingReport:
    """Check every figure in ``answer`` against ``evidence`` (tool artifacts, summaries,
    context); with ``sources`` (the turn's retrieved passages), check its citations too."""
    evidence = list(evidence)
    ev = Evidence()
    for item in evidence:
        ev.add(item)
    grounded: list[str] = []
    ungrounded: list[str] = []
    quoted: list[str] = []
    spans = [m.span() for m in _QUOTATION.finditer(answer)]
    for fig, start in _figures_at(answer):
        if not is_grounded(fig, ev):
            ungrounded.append(fig.text)
        elif any(s <= start < e for s, e in spans):
            quoted.append(fig.text)
        else:
            grounded.append(fig.text)
    cited: list[str] = []
    unsupported: list[str] = []
    if sources is not None:
        texts = [item for item in evidence if isinstance(item, str)]
        cited, unsupported = check_citations(answer, sources, texts)
    return GroundingReport(
        checked=len(grounded) + len(ungrounded),
        ungrounded=ungrounded,
        grounded=grounded,
        quoted=quoted,
        citations=cited,
        unsupported=unsupported,
    )


# A blockquote line, or text between double quotation marks on one line.
_QUOTATION = re.compile(r"(?m)^[ \t]{0,3}>.*$|“[^”\n]{2,}”|\"[^\"\n]{2,}\"")


def _figures_at(answer: str) -> list[tuple[Figure, int]]:
    """Each figure of ``answer`` with where it starts (searching on from the previous one)."""
    out, at = [], 0
    for fig in extract_figures(answer):
        found = answer.find(fig.text, at)
        start = found if found >= 0 else at
        out.append((fig, start))
        at = start + len(fig.text) if found >= 0 else at
    return out
