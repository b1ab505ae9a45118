"""Result types shared by every tool: provenance and JSON-ready ``to_dict()``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import types
import typing
from dataclasses import dataclass
from typing import Any

SYNTHETIC_NOTE = "synthetic demo data"


def jsonable(value: Any) -> Any:
    """Plain JSON types: dates as ISO strings, numpy scalars as Python numbers, NaN as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return value.to_dict()
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "isoformat") and hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.date().isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class ResultMixin:
    """``to_dict()`` for frozen dataclass results: field names as keys, JSON-ready values; and
    ``from_dict()``, its inverse, so a stored result (a tool artifact) reads back typed."""

    def to_dict(self) -> dict:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict):
        """The result that ``to_dict()`` gave ``data``; keys that are not fields are ignored."""
        return from_dict(cls, data)


def from_dict(cls: type, data: dict) -> Any:
    """Rebuild the dataclass ``cls`` (and the dataclasses, dates and containers inside it)."""
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            values[f.name] = _typed(hints[f.name], data[f.name])
        elif f.init and _optional(hints[f.name]):  # a None that to_dict() left out
            values[f.name] = None
    return cls(**values)


def _optional(hint: Any) -> bool:
    return type(None) in typing.get_args(hint)


def _typed(hint: Any, value: Any) -> Any:
    """``value`` (plain JSON) converted to the type ``hint`` names."""
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _typed(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple):
        item = args[0] if args else Any
        items = [_typed(item, v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        return {k: _typed(args[1], v) for k, v in value.items()} if args else dict(value)
    if hint is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if hint is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return from_dict(hint, value)
    if hint is float and isinstance(value, int):
        return float(value)
    return value


@dataclass(frozen=True)
class Provenance(ResultMixin):
    """Where a series came from and how fresh it is."""

    source: str  # "yfinance", "csv" or "demo"
    as_of: str | None  # ISO date of the last bar
    fetched_at: str | None = None  # ISO UTC timestamp of the download (live source)
    stale: bool = False  # the live source failed and older cached data is shown
    synthetic: bool = False
    location: str | None = None  # CSV path, cache file
    notice: str | None = None  # a sentence the user must see (fallbacks, staleness)
    age_hours: float | None = None  # hours since fetched_at

    @property
    def freshness(self) -> str:
        """One of: live, cached, stale, csv, synthetic."""
        if self.synthetic:
            return "synthetic"
        if self.source == "csv":
            return "csv"
        if self.stale:
            return "stale"
        return "live" if (self.age_hours or 0) < 0.05 else "cached"

    def label(self) -> str:
        """A short human label, e.g. 'Yahoo Finance, cached 3.0 h ago, to 2026-03-30'."""
        end = f", to {self.as_of}" if self.as_of else ""
        if self.synthetic:
            return f"{SYNTHETIC_NOTE} (not real prices){end}"
        if self.source == "csv":
            return f"CSV file {self.location}{end}"
        age = age_text(self.age_hours)
        if self.stale:
            return f"Yahoo Finance, STALE cache from {age} ago{end}"
        return (
            "Yahoo Finance,"
            f" {'live' if self.freshness == 'live' else 'cached ' + age + ' ago'}{end}"
        )

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["freshness"] = self.freshness
        d["label"] = self.label()
        return d


def age_text(hours: float | None) -> str:
    """How old something is, for people: "12 minutes", "3.5 hours", "4.0 days"."""
    if hours is None:
        return "an unknown time"
    if hours < 1:
        return f"{max(round(hours * 60), 1)} minutes"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def merge_provenance(items: list[Provenance]) -> str:
    """One line for several series: the distinct labels, with the demo note kept visible."""
    labels: list[str] = []
    for p in items:
        lab = p.label().split(", to ")[0]
        if lab not in labels:
            labels.append(lab)
    return "; ".join(labels)


# Summaries format their figures with tools.formatting, so each kind always reads the same way.

SUMMARY_LIMIT = 600


def ordinal(value: float) -> str:
    """A rounded rank in words: 1 -> "1st", 62 -> "62nd", 84 -> "84th"."""
    n = int(round(value))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def source_note(items: list[Provenance]) -> str:
    """A short provenance clause for summaries, e.g. "Source: synthetic demo data (not real
    prices)".

    Keeps "synthetic demo data" and any staleness visible while staying much shorter than
    :meth:`Provenance.label` (no file paths).
    """
    parts: list[str] = []
    for p in items:
        if p.synthetic:
            text = f"{SYNTHETIC_NOTE} (not real prices)"
        elif p.source == "csv":
            names = [
                loc.replace("\\", "/").rsplit("/", 1)[-1] for loc in (p.location or "").split(" + ")
            ]
            text = f"CSV {', '.join(n for n in names if n)}".strip()
        elif p.stale:
            text = f"Yahoo Finance, STALE cache from {age_text(p.age_hours)} ago"
        else:
            text = "Yahoo Finance"
        if text not in parts:
            parts.append(text)
    as_ofs = sorted({p.as_of for p in items if p.as_of})
    end = (
        f"; data to {as_ofs[-1]}"
        if len(as_ofs) == 1
        else (f"; data to {', '.join(as_ofs)}" if as_ofs else "")
    )
    return f"Source: {'; '.join(parts)}{end}."


def compose(
    required: list[str], optional: list[str] = (), closing: str = "", limit: int = SUMMARY_LIMIT
) -> str:
    """Join sentences: the required ones, then optional ones in order while the text (with
    ``closing`` appended last) stays within ``limit`` characters.

    Required sentences and the closing one (usually :func:`source_note`) are never cut, so key
    figures and provenance always survive; callers keep them short enough to fit.
    """
    text = " ".join(s for s in required if s)
    reserve = len(closing) + 1 if closing else 0
    if len(text) + reserve > limit:  # a last resort: callers size required text to fit
        text = text[: limit - reserve - 1].rsplit(" ", 1)[0] + "…"
    for extra in optional:
        if extra and len(text) + 1 + len(extra) + reserve <= limit:
            text = f"{text} {extra}"
    return f"{text} {closing}".strip() if closing else text
