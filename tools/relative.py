"""Several assets at once: relative performance to a common end date, and the ratio of two.

Definitions (DESIGN.md, Contracts): each asset's change over a horizon compares its close on the
common end date (the earliest of the assets' last bars) with its close on or before the same
calendar offset; a ratio series is numerator/denominator on the dates both have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tools import formatting as fmt
from tools.assets import CRYPTO, EXCHANGE, Asset
from tools.data import PriceSeries
from tools.errors import InputError
from tools.frames import COLUMNS
from tools.prices import HORIZONS, Mark, changes_at, clean_closes, index_on_or_before, to_date
from tools.results import Provenance, ResultMixin, compose, ordinal, source_note


@dataclass(frozen=True)
class PerformanceRow(ResultMixin):
    """One asset's close at the common end date and its changes over the shared windows."""

    asset: str
    name: str
    symbol: str
    date: dt.date  # the asset's last bar on or before the common end date
    close: float
    change_pct: dict[str, float | None]


@dataclass(frozen=True)
class RatioLookup(ResultMixin):
    """The ratio numerator/denominator on common dates: level, changes and where it sits."""

    numerator: str
    denominator: str
    name: str  # e.g. "Silver/Gold"
    as_of: dt.date
    ratio: float
    change_pct: dict[str, float | None]
    percentile: float  # 0-100: share of the ratio's history at or below the current level
    high: Mark  # highest ratio in the history (``close`` holds the ratio)
    low: Mark
    mean: float
    first_date: dt.date
    bars: int
    provenance: Provenance

    def summary(self) -> str:
        changes = ", ".join(f"{w} {fmt.pct(self.change_pct[w])}" for w in HORIZONS)
        head = (
            f"The {self.name} ratio is {fmt.price(self.ratio)} on {self.as_of} "
            f"({ordinal(self.percentile)} percentile of its history since {self.first_date}). "
            f"Changes: {changes}."
        )
        ext = (
            f"Range {fmt.price(self.low.close)} ({self.low.date}) to {fmt.price(self.high.close)} "
            f"({self.high.date}); mean {fmt.price(self.mean)}."
        )
        return compose([head], [ext], source_note([self.provenance]))


@dataclass(frozen=True)
class Comparison(ResultMixin):
    """Relative performance of several assets over the same windows, ending on a common date."""

    assets: list[str]
    as_of: dt.date  # common end date: the earliest of the assets' last bars
    rows: list[PerformanceRow]
    best: dict[str, str | None]  # window -> the asset with the largest change (None if unknown)
    ratio: RatioLookup | None  # the first asset over the second, when exactly two are compared
    provenance: list[Provenance]

    def summary(self) -> str:
        lines = []
        for row in self.rows:
            ch = ", ".join(f"{w} {fmt.pct(row.change_pct[w])}" for w in ("1m", "ytd", "1y"))
            lines.append(f"{row.name} {fmt.price(row.close)} ({ch}).")
        best = [f"{w}: {self.best[w]}" for w in ("1m", "ytd", "1y") if self.best[w]]
        head = f"Performance to {self.as_of}: " + " ".join(lines)
        opt = [f"Best performer {'; '.join(best)}."] if best else []
        if self.ratio is not None:
            opt.append(
                f"{self.ratio.name} ratio {fmt.price(self.ratio.ratio)} "
                f"({ordinal(self.ratio.percentile)} percentile of its history)."
            )
        return compose([head], opt, source_note(self.provenance))


def merge_provenance(items: list[Provenance]) -> Provenance:
    """One provenance for a series built from several (a ratio): synthetic or stale if any is."""
    sources = []
    for p in items:
        if p.source not in sources:
            sources.append(p.source)
    as_ofs = [p.as_of for p in items if p.as_of]
    notices = [p.notice for p in items if p.notice]
    return Provenance(
        source="+".join(sources),
        as_of=min(as_ofs) if as_ofs else None,
        stale=any(p.stale for p in items),
        synthetic=any(p.synthetic for p in items),
        location=" + ".join(p.location for p in items if p.location) or None,
        notice=" ".join(dict.fromkeys(notices)) or None,
        age_hours=max((p.age_hours for p in items if p.age_hours is not None), default=None),
    )


def ratio_series(numerator: PriceSeries, denominator: PriceSeries) -> PriceSeries:
    """The series numerator/denominator on the dates both have (e.g. silver/gold).

    The result is a :class:`PriceSeries` of an unregistered asset keyed "silver/gold", so the
    price lookup and the breakout detection apply to it unchanged. Open, high and low are
    NaN: a ratio of intraday extremes is not an extreme of the ratio.

    Raises:
        InputError: the same asset twice, or no common dates.
    """
    a, b = numerator.asset, denominator.asset
    if a.key == b.key:
        raise InputError(
            f"A ratio needs two different assets, not {a.key} twice; e.g. silver/gold."
        )
    joined = pd.concat(
        [numerator.close.rename("a"), denominator.close.rename("b")], axis=1, join="inner"
    ).dropna()
    joined = joined[joined["b"] > 0]
    if joined.empty:
        raise InputError(
            f"{a.name} ({numerator.first_date}..{numerator.last_date}) and {b.name} "
            f"({denominator.first_date}..{denominator.last_date}) have no dates in common."
        )
    frame = pd.DataFrame(np.nan, index=joined.index, columns=COLUMNS)
    frame["close"] = joined["a"] / joined["b"]
    calendar = CRYPTO if (a.calendar == CRYPTO and b.calendar == CRYPTO) else EXCHANGE
    asset = Asset(
        key=f"{a.key}/{b.key}",
        name=f"{a.name}/{b.name}",
        symbol=f"{a.symbol}/{b.symbol}",
        calendar=calendar,
        unit="ratio",
        group="ratio",
        registered=False,
    )
    prov = replace(
        merge_provenance([numerator.provenance, denominator.provenance]),
        as_of=frame.index[-1].date().isoformat(),
    )
    return PriceSeries(asset, frame, prov)


def ratio_lookup(numerator: PriceSeries, denominator: PriceSeries) -> RatioLookup:
    """Level, changes, percentile and range of the ratio numerator/denominator.

    Args:
        numerator, denominator: two different assets' histories up to as-of.
    """
    ratio = ratio_series(numerator, denominator)
    days, values = clean_closes(ratio)
    i = len(values) - 1
    pct, _ = changes_at(days, values, i)
    hi, lo = int(np.argmax(values)), int(np.argmin(values))
    return RatioLookup(
        numerator=numerator.asset.key,
        denominator=denominator.asset.key,
        name=ratio.asset.name,
        as_of=to_date(days[i]),
        ratio=float(values[i]),
        change_pct=pct,
        percentile=float(np.count_nonzero(values <= values[i]) / len(values) * 100.0),
        high=Mark(float(values[hi]), to_date(days[hi])),
        low=Mark(float(values[lo]), to_date(days[lo])),
        mean=float(values.mean()),
        first_date=to_date(days[0]),
        bars=len(values),
        provenance=ratio.provenance,
    )


def compare(series: list[PriceSeries]) -> Comparison:
    """Changes of two or more assets over the same windows, ending on their common last date.

    The end date is the earliest of the assets' last bars, so a 24/7 asset is not credited with
    a weekend the others have not traded; the 1d window goes back to the previous date on which
    every asset has a bar. With exactly two assets the ratio of the first to the second is added.

    Args:
        series: two or more different assets' histories up to as-of.

    Raises:
        InputError: fewer than two assets, or the same asset twice.
    """
    keys = [s.asset.key for s in series]
    if len(series) < 2:
        raise InputError("Compare needs at least two assets, e.g. silver gold.")
    if len(set(keys)) != len(keys):
        raise InputError(f"Each asset may appear once; got {', '.join(keys)}.")
    cleaned = [clean_closes(s) for s in series]
    end = min(days[-1] for days, _ in cleaned)
    common = cleaned[0][0]
    for days, _ in cleaned[1:]:
        common = np.intersect1d(common, days, assume_unique=True)
    common = common[common < end]
    prev = to_date(common[-1]) if len(common) else None
    rows = []
    for s, (days, closes) in zip(series, cleaned, strict=True):
        i = index_on_or_before(days, closes, to_date(end))
        pct, _ = changes_at(
            days, closes, i, prev_date=prev or to_date(days[0] - np.timedelta64(1, "D"))
        )
        rows.append(
            PerformanceRow(
                s.asset.key, s.asset.name, s.asset.symbol, to_date(days[i]), float(closes[i]), pct
            )
        )
    best = {}
    for w in HORIZONS:
        known = [(r.change_pct[w], r.asset) for r in rows if r.change_pct[w] is not None]
        best[w] = max(known)[1] if len(known) == len(rows) else None
    ratio = ratio_lookup(series[0], series[1]) if len(series) == 2 else None
    return Comparison(keys, to_date(end), rows, best, ratio, [s.provenance for s in series])
