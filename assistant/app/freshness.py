"""How fresh an answer's data is: "as of DATE", and a warning badge when it is old or synthetic.

Read from the provenance of the turn's typed results. The reference day is the session's as-of
date when one is set (a deliberate look at the past is not "old data"), else today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant import registry
from assistant.app import typed

STALE_DAYS = 4  # a Friday close read on Monday is 3 days old and still the latest


@dataclass(frozen=True)
class Freshness:
    as_of: str  # "2026-10-30", or "2026-10-29 to 2026-10-30" when the series end apart
    badge: str | None = None  # "Synthetic demo data", "Data 12 days old", "Stale cache"
    detail: str = ""  # one sentence for the badge's tooltip

    def to_dict(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict | None) -> Freshness | None:
        if not isinstance(data, dict) or not data.get("as_of"):
            return None
        return cls(str(data["as_of"]), data.get("badge"), str(data.get("detail") or ""))


def _provenances(result) -> list:
    found = getattr(result, "provenance", None)
    if found is None:
        return []
    return list(found) if isinstance(found, (list, tuple)) else [found]


def answer_freshness(
    tool_results: list[dict], today: dt.date, as_of: dt.date | str | None = None
) -> Freshness | None:
    """The freshness of a turn's data; None when no tool read prices."""
    provs, synthetic = [], False
    ends: list[dt.date] = []
    for r in tool_results or []:
        result = typed.read(r.get("artifact")) if not r.get("error") else None
        if isinstance(result, registry.BriefingDigest):
            synthetic |= result.synthetic
            # Each asset's own last bar (the briefing's as-of is the latest of them).
            lasts = _briefing_ends(r.get("artifact"))
            ends.extend(lasts or [dt.date.fromisoformat(result.as_of[:10])])
        for p in _provenances(result):
            provs.append(p)
            if p.as_of:
                ends.append(dt.date.fromisoformat(str(p.as_of)[:10]))
    if not ends:
        return None
    first, last = min(ends), max(ends)
    shown = str(last) if first == last else f"{first} to {last}"
    reference = as_of if isinstance(as_of, dt.date) else _day(as_of) or today
    age = (reference - first).days  # the oldest series counts: its figures are that old
    if synthetic or any(p.synthetic for p in provs):
        return Freshness(
            shown, "Synthetic demo data", "Generated prices for trying the app, not real markets."
        )
    if any(p.stale for p in provs):
        return Freshness(
            shown,
            "Stale cache",
            "Yahoo Finance could not be reached; these prices come from an older download.",
        )
    if age > STALE_DAYS:
        return Freshness(
            shown,
            f"Data {age} days old" if first == last else f"Oldest data {age} days old",
            f"The oldest last close is from {first}, {age} days before {reference}. "
            + (
                "Update your CSV files."
                if any(p.source == "csv" for p in provs)
                else "Refresh the data in the sidebar."
            ),
        )
    return Freshness(shown)


def _briefing_ends(artifact: object) -> list[dt.date]:
    """The last-bar dates of a briefing's assets (from each asset's price lookup)."""
    facts = artifact.get("facts") if isinstance(artifact, dict) else None
    out = []
    for a in (facts or {}).get("assets") or []:
        prov = ((a or {}).get("price") or {}).get("provenance") or {}
        day = _day(prov.get("as_of")) if isinstance(prov, dict) else None
        if day is not None:
            out.append(day)
    return out


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
