"""Result types shared by every tool: provenance and JSON-ready ``to_dict()``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
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
    """``to_dict()`` for frozen dataclass results: field names as keys, JSON-ready values."""

    def to_dict(self) -> dict:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


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
        age = _age_text(self.age_hours)
        if self.stale:
            return f"Yahoo Finance, STALE cache from {age} ago{end}"
        return f"Yahoo Finance, {'live' if self.freshness == 'live' else 'cached ' + age + ' ago'}{end}"

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["freshness"] = self.freshness
        d["label"] = self.label()
        return d


def _age_text(hours: float | None) -> str:
    if hours is None:
        return "an unknown time"
    if hours < 1:
        return f"{max(hours * 60, 0):.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def merge_provenance(items: list[Provenance]) -> str:
    """One line for several series: the distinct labels, with the demo note kept visible."""
    labels: list[str] = []
    for p in items:
        lab = p.label().split(", to ")[0]
        if lab not in labels:
            labels.append(lab)
    return "; ".join(labels)
