"""Price lookups: last close and changes, closing and intraday highs, 52-week range, the close
on a past date, relative performance of several assets and the ratio of two.

Definitions (DESIGN.md, Contracts): prices are daily closes; a change compares the last close
with the last close on or before the same calendar offset (1d = the previous bar, 1w = 7 days,
1m, 3m, 1y = calendar months and years; ytd = the last close of the previous year), in percent
units. The all-time high is on a closing basis; the highest intraday high is reported apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tools.assets import CRYPTO, EXCHANGE, Asset
from tools.data import PriceSeries
from tools.errors import DateRangeError, InputError
from tools.frames import COLUMNS
from tools.results import Provenance, ResultMixin, compose, fmt_pct, fmt_price, ordinal, source_note

WINDOWS = ("1d", "1w", "1m", "3m", "ytd", "1y")
WEEKS_52 = 364  # calendar days: the 52-week range covers bars dated on or after as-of minus this


@dataclass(frozen=True)
class Mark(ResultMixin):
    """A close and the date it was made."""

    close: float
    date: dt.date


@dataclass(frozen=True)
class IntradayMark(ResultMixin):
    """An intraday high and the date it was made."""

    high: float
    date: dt.date


@dataclass(frozen=True)
class PriceLookup(ResultMixin):
    """Last close, changes and extremes of one asset (or ratio) at as-of."""

    asset: str
    name: str
    symbol: str
    unit: str
    as_of: dt.date  # date of the last bar
    close: float
    change_pct: dict[str, float | None]  # keys WINDOWS; None when the history is too short
    change_from: dict[str, Mark | None]  # the reference close of each window
    all_time_high: Mark  # closing basis
    intraday_high: IntradayMark | None  # highest intraday high, where highs exist
    drawdown_from_ath_pct: float  # <= 0: last close against the all-time closing high
    high_52w: Mark
    low_52w: Mark
    first_date: dt.date
    bars: int
    provenance: Provenance

    def summary(self) -> str:
        changes = ", ".join(f"{w} {fmt_pct(self.change_pct[w])}" for w in WINDOWS)
        head = (f"{self.name} ({self.symbol}) closed at {fmt_price(self.close)} {self.unit} on "
                f"{self.as_of}. Changes: {changes}.")
        ath = (f"All-time closing high {fmt_price(self.all_time_high.close)} on {self.all_time_high.date} "
               f"({fmt_pct(self.drawdown_from_ath_pct)} from it).")
        rng = (f"52-week range {fmt_price(self.low_52w.close)} ({self.low_52w.date}) to "
               f"{fmt_price(self.high_52w.close)} ({self.high_52w.date}).")
        extra = []
        if self.intraday_high is not None:
            extra.append(f"Highest intraday high {fmt_price(self.intraday_high.high)} on "
                         f"{self.intraday_high.date}.")
        return compose([head, ath, rng], extra, source_note([self.provenance]))


@dataclass(frozen=True)
class CloseOn(ResultMixin):
    """The close of the last bar on or before a requested date."""

    asset: str
    name: str
    symbol: str
    requested: dt.date
    date: dt.date  # the bar used: on or before ``requested``
    close: float
    exact: bool  # a bar exists on the requested date itself
    provenance: Provenance

    def summary(self) -> str:
        when = (f"on {self.date}" if self.exact
                else f"on {self.date} (the last bar on or before {self.requested})")
        return compose([f"{self.name} ({self.symbol}) closed at {fmt_price(self.close)} {when}."],
                       closing=source_note([self.provenance]))


@dataclass(frozen=True)
class LevelCross(ResultMixin):
    """The first close at or above a level, and the highest close before it."""

    asset: str
    name: str
    level: float
    date: dt.date | None  # None: never closed at or above the level
    close: float | None
    prior_high: Mark | None  # the highest close before ``date`` (or in all history if never)
    provenance: Provenance

    def summary(self) -> str:
        if self.date is None:
            best = (f" Its highest close is {fmt_price(self.prior_high.close)} on {self.prior_high.date}."
                    if self.prior_high else "")
            head = f"{self.name} has never closed at or above {fmt_price(self.level)}.{best}"
        else:
            before = (f" The highest close before it was {fmt_price(self.prior_high.close)} on "
                      f"{self.prior_high.date}." if self.prior_high else "")
            head = (f"{self.name} first closed at or above {fmt_price(self.level)} on {self.date}, at "
                    f"{fmt_price(self.close)}.{before}")
        return compose([head], closing=source_note([self.provenance]))


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
        changes = ", ".join(f"{w} {fmt_pct(self.change_pct[w])}" for w in WINDOWS)
        head = (f"The {self.name} ratio is {fmt_price(self.ratio)} on {self.as_of} "
                f"({ordinal(self.percentile)} percentile of its history since {self.first_date}). "
                f"Changes: {changes}.")
        ext = (f"Range {fmt_price(self.low.close)} ({self.low.date}) to {fmt_price(self.high.close)} "
               f"({self.high.date}); mean {fmt_price(self.mean)}.")
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
            ch = ", ".join(f"{w} {fmt_pct(row.change_pct[w])}" for w in ("1m", "ytd", "1y"))
            lines.append(f"{row.name} {fmt_price(row.close)} ({ch}).")
        best = [f"{w}: {self.best[w]}" for w in ("1m", "ytd", "1y") if self.best[w]]
        head = f"Performance to {self.as_of}: " + " ".join(lines)
        opt = [f"Best performer {'; '.join(best)}."] if best else []
        if self.ratio is not None:
            opt.append(f"{self.ratio.name} ratio {fmt_price(self.ratio.ratio)} "
                       f"({ordinal(self.ratio.percentile)} percentile of its history).")
        return compose([head], opt, source_note(self.provenance))


# --- numeric core -----------------------------------------------------------------------------


def clean_closes(series: PriceSeries) -> tuple[np.ndarray, np.ndarray]:
    """Bar dates (datetime64[D]) and closes with NaN closes dropped; InputError when empty."""
    days = series.frame.index.values.astype("datetime64[D]")
    closes = series.frame["close"].to_numpy(dtype="float64")
    ok = np.isfinite(closes)
    if not ok.all():
        days, closes = days[ok], closes[ok]
    if len(closes) == 0:
        raise InputError(f"There are no {series.asset.name} prices in this range; choose a later "
                         "as-of date or another data source.")
    return days, closes


def to_date(value: np.datetime64) -> dt.date:
    return value.astype("datetime64[D]").astype(dt.date)


def _offset_target(end: dt.date, window: str) -> dt.date:
    """The calendar date a window looks back to from ``end`` (not used for 1d)."""
    if window == "1w":
        return end - dt.timedelta(days=7)
    if window == "ytd":
        return dt.date(end.year - 1, 12, 31)
    months = {"1m": 1, "3m": 3, "1y": 12}[window]
    # pandas clips month ends (31 March minus a month is 28/29 February).
    return (pd.Timestamp(end) - pd.DateOffset(months=months)).date()


def _close_at_or_before(days: np.ndarray, closes: np.ndarray, target: dt.date) -> int:
    """Index of the last bar on or before ``target``; -1 when there is none."""
    return int(np.searchsorted(days, np.datetime64(target, "D"), side="right")) - 1


def _changes(days: np.ndarray, closes: np.ndarray, i: int,
             prev_date: dt.date | None = None) -> tuple[dict, dict]:
    """Percent changes of close ``i`` over every window, and the reference closes.

    Args:
        i: index of the end bar.
        prev_date: the 1d reference date; default the bar before ``i``.
    """
    end = to_date(days[i])
    pct: dict[str, float | None] = {}
    ref: dict[str, Mark | None] = {}
    for w in WINDOWS:
        if w == "1d":
            j = i - 1 if prev_date is None else _close_at_or_before(days, closes, prev_date)
        else:
            j = _close_at_or_before(days, closes, _offset_target(end, w))
        if j < 0 or j >= i:
            pct[w], ref[w] = None, None
            continue
        pct[w] = (closes[i] / closes[j] - 1.0) * 100.0
        ref[w] = Mark(float(closes[j]), to_date(days[j]))
    return pct, ref


def price_lookup(series: PriceSeries) -> PriceLookup:
    """Last close, changes over 1d/1w/1m/3m/ytd/1y, all-time and 52-week extremes.

    Args:
        series: the asset's history, already truncated to as-of (``Market.series``).

    Raises:
        InputError: the series has no closes.
    """
    days, closes = clean_closes(series)
    i = len(closes) - 1
    pct, ref = _changes(days, closes, i)
    k = int(np.argmax(closes))  # first occurrence: the date the record was set
    start52 = int(np.searchsorted(days, days[i] - np.timedelta64(WEEKS_52, "D"), side="left"))
    hi52 = start52 + int(np.argmax(closes[start52:]))
    lo52 = start52 + int(np.argmin(closes[start52:]))
    asset = series.asset
    return PriceLookup(
        asset=asset.key, name=asset.name, symbol=asset.symbol, unit=asset.unit,
        as_of=to_date(days[i]), close=float(closes[i]), change_pct=pct, change_from=ref,
        all_time_high=Mark(float(closes[k]), to_date(days[k])), intraday_high=_intraday_high(series),
        drawdown_from_ath_pct=(closes[i] / closes[k] - 1.0) * 100.0,
        high_52w=Mark(float(closes[hi52]), to_date(days[hi52])),
        low_52w=Mark(float(closes[lo52]), to_date(days[lo52])),
        first_date=to_date(days[0]), bars=len(closes), provenance=series.provenance)


def _intraday_high(series: PriceSeries) -> IntradayMark | None:
    highs = series.frame["high"].to_numpy(dtype="float64")
    if not np.isfinite(highs).any():
        return None
    k = int(np.nanargmax(highs))
    return IntradayMark(float(highs[k]), series.frame.index[k].date())


def close_on(series: PriceSeries, on: dt.date) -> CloseOn:
    """The close of the last bar on or before ``on``.

    Args:
        series: the asset's history up to as-of.
        on: a calendar date between the first bar and the last bar (inclusive).

    Raises:
        DateRangeError: ``on`` is before the first bar or after the last bar.
    """
    days, closes = clean_closes(series)
    first, last = to_date(days[0]), to_date(days[-1])
    name = series.asset.name
    if on < first or on > last:
        side = "before the first bar" if on < first else "after the last bar (as-of)"
        raise DateRangeError(f"{on} is {side} of {name}; choose a date between {first} and {last}.")
    j = _close_at_or_before(days, closes, on)
    asset = series.asset
    return CloseOn(asset=asset.key, name=asset.name, symbol=asset.symbol, requested=on,
                   date=to_date(days[j]), close=float(closes[j]), exact=to_date(days[j]) == on,
                   provenance=series.provenance)


def first_close_at_or_above(series: PriceSeries, level: float) -> LevelCross:
    """The first close at or above ``level`` (e.g. silver's first close at or above 100).

    Args:
        series: the asset's history up to as-of.
        level: a positive price in the asset's unit.

    Raises:
        InputError: ``level`` is not a positive number.
    """
    if not (isinstance(level, (int, float)) and np.isfinite(level) and level > 0):
        raise InputError(f"The level must be a positive price, not {level!r}.")
    days, closes = clean_closes(series)
    hits = np.flatnonzero(closes >= level)
    asset = series.asset
    if len(hits) == 0:
        k = int(np.argmax(closes))
        return LevelCross(asset.key, asset.name, float(level), None, None,
                          Mark(float(closes[k]), to_date(days[k])), series.provenance)
    j = int(hits[0])
    prior = None
    if j > 0:
        k = int(np.argmax(closes[:j]))
        prior = Mark(float(closes[k]), to_date(days[k]))
    return LevelCross(asset.key, asset.name, float(level), to_date(days[j]), float(closes[j]), prior,
                      series.provenance)


# --- several assets ---------------------------------------------------------------------------


def merge_provenance(items: list[Provenance]) -> Provenance:
    """One provenance for a series built from several (a ratio): synthetic or stale if any is."""
    sources = []
    for p in items:
        if p.source not in sources:
            sources.append(p.source)
    as_ofs = [p.as_of for p in items if p.as_of]
    notices = [p.notice for p in items if p.notice]
    return Provenance(source="+".join(sources), as_of=min(as_ofs) if as_ofs else None,
                      stale=any(p.stale for p in items), synthetic=any(p.synthetic for p in items),
                      location=" + ".join(p.location for p in items if p.location) or None,
                      notice=" ".join(dict.fromkeys(notices)) or None,
                      age_hours=max((p.age_hours for p in items if p.age_hours is not None), default=None))


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
        raise InputError(f"A ratio needs two different assets, not {a.key} twice; e.g. silver/gold.")
    joined = pd.concat([numerator.close.rename("a"), denominator.close.rename("b")], axis=1,
                       join="inner").dropna()
    joined = joined[joined["b"] > 0]
    if joined.empty:
        raise InputError(f"{a.name} ({numerator.first_date}..{numerator.last_date}) and {b.name} "
                         f"({denominator.first_date}..{denominator.last_date}) have no dates in common.")
    frame = pd.DataFrame(np.nan, index=joined.index, columns=COLUMNS)
    frame["close"] = joined["a"] / joined["b"]
    calendar = CRYPTO if (a.calendar == CRYPTO and b.calendar == CRYPTO) else EXCHANGE
    asset = Asset(key=f"{a.key}/{b.key}", name=f"{a.name}/{b.name}", symbol=f"{a.symbol}/{b.symbol}",
                  calendar=calendar, unit="ratio", group="ratio", registered=False)
    prov = replace(merge_provenance([numerator.provenance, denominator.provenance]),
                   as_of=frame.index[-1].date().isoformat())
    return PriceSeries(asset, frame, prov)


def ratio_lookup(numerator: PriceSeries, denominator: PriceSeries) -> RatioLookup:
    """Level, changes, percentile and range of the ratio numerator/denominator.

    Args:
        numerator, denominator: two different assets' histories up to as-of.
    """
    ratio = ratio_series(numerator, denominator)
    days, values = clean_closes(ratio)
    i = len(values) - 1
    pct, _ = _changes(days, values, i)
    hi, lo = int(np.argmax(values)), int(np.argmin(values))
    return RatioLookup(
        numerator=numerator.asset.key, denominator=denominator.asset.key, name=ratio.asset.name,
        as_of=to_date(days[i]), ratio=float(values[i]), change_pct=pct,
        percentile=float(np.count_nonzero(values <= values[i]) / len(values) * 100.0),
        high=Mark(float(values[hi]), to_date(days[hi])), low=Mark(float(values[lo]), to_date(days[lo])),
        mean=float(values.mean()), first_date=to_date(days[0]), bars=len(values), provenance=ratio.provenance)


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
        i = _close_at_or_before(days, closes, to_date(end))
        pct, _ = _changes(days, closes, i, prev_date=prev or to_date(days[0] - np.timedelta64(1, "D")))
        rows.append(PerformanceRow(s.asset.key, s.asset.name, s.asset.symbol, to_date(days[i]),
                                   float(closes[i]), pct))
    best = {}
    for w in WINDOWS:
        known = [(r.change_pct[w], r.asset) for r in rows if r.change_pct[w] is not None]
        best[w] = max(known)[1] if len(known) == len(rows) else None
    ratio = ratio_lookup(series[0], series[1]) if len(series) == 2 else None
    return Comparison(keys, to_date(end), rows, best, ratio, [s.provenance for s in series])
