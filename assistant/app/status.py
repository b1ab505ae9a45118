"""The data status behind the app's freshness badge, and a refresh of every asset with progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.app.labels import join_words
from tools.results import age_text


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
        return DataStatus(
            kind,
            "Synthetic demo data",
            f"Synthetic demo prices (not real markets){end}.",
            prov.notice if live else None,
            live,
        )
    if kind == "csv":
        folder = Path(prov.location).parent if prov.location else "a folder"
        return DataStatus(
            kind, "CSV files", f"Your CSV files in {folder}{end}.", prov.notice, False
        )
    age = _hours_since(prov.fetched_at, now)
    ago = age_text(age)
    if kind == "stale":
        return DataStatus(
            kind,
            f"Stale · {ago} old",
            f"Yahoo Finance cache fetched {ago} ago{end}; the last refresh failed.",
            prov.notice,
            True,
        )
    if age is not None and age < 0.05:
        return DataStatus(
            "live", "Live", f"Yahoo Finance, fetched just now{end}.", prov.notice, True
        )
    return DataStatus(
        "cached",
        f"Cached · {ago} ago",
        f"Yahoo Finance cache fetched {ago} ago{end}.",
        prov.notice,
        True,
    )


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
    fallback: list[str] = field(
        default_factory=list
    )  # served from cache or demo: Yahoo did not answer
    failed: list[tuple[str, str]] = field(default_factory=list)  # (asset name, message)

    def summary(self) -> str:
        parts = []
        if self.refreshed:
            parts.append(f"Refreshed {len(self.refreshed)} series from Yahoo Finance.")
        if self.fallback:
            parts.append(
                f"Yahoo Finance did not answer for {join_words(self.fallback)}; "
                "the cached (or demo) data stays in use."
            )
        if self.failed:
            parts.append("Failed: " + "; ".join(f"{n}: {m}" for n, m in self.failed))
        return " ".join(parts) or "Nothing to refresh."


def refresh_prices(
    market, progress: Callable[[int, int, str], None] | None = None
) -> RefreshReport:
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
