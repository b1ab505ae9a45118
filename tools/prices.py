"""Price lookups: last close and changes, closing and intraday highs, 52-week range, the close
on a past date, relative performance of several assets and the ratio of two.

Definitions (DESIGN.md, Contracts): prices are daily closes; a change compares the last close
with the last close on or before the same calendar offset (1d = the previous bar, 1w = 7 days,
1m, 3m, 1y = calendar months and years; ytd = the last close of the previous year), in percent
units. The all-time high is on a closing basis; the highest intraday high is reported apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools import formatting as fmt
from tools.data import PriceSeries
from tools.errors import DateRangeError, InputError
from tools.results import Provenance, ResultMixin, compose, source_note

HORIZONS = ("1d", "1w", "1m", "3m", "ytd", "1y")
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
    change_pct: dict[str, float | None]  # keys HORIZONS; None when the history is too short
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
        changes = ", ".join(f"{w} {fmt.pct(self.change_pct[w])}" for w in HORIZONS)
        head = (
            f"{self.name} ({self.symbol}) closed at {fmt.price(self.close)} {self.unit} on "
            f"{self.as_of}. Changes: {changes}."
        )
        ath = (
            f"All-time closing high {fmt.price(self.all_time_high.close)} on"
            f" {self.all_time_high.date} ({fmt.pct(self.drawdown_from_ath_pct)} from it)."
        )
        rng = (
            f"52-week range {fmt.price(self.low_52w.close)} ({self.low_52w.date}) to "
            f"{fmt.price(self.high_52w.close)} ({self.high_52w.date})."
        )
        extra = []
        if self.intraday_high is not None:
            extra.append(
                f"Highest intraday high {fmt.price(self.intraday_high.high)} on "
                f"{self.intraday_high.date}."
            )
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
        when = (
            f"on {self.date}"
            if self.exact
            else f"on {self.date} (the last bar on or before {self.requested})"
        )
        return compose(
            [f"{self.name} ({self.symbol}) closed at {fmt.price(self.close)} {when}."],
            closing=source_note([self.provenance]),
        )


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
            best = (
                f" Its highest close is {fmt.price(self.prior_high.close)} on"
                f" {self.prior_high.date}."
                if self.prior_high
                else ""
            )
            head = f"{self.name} has never closed at or above {fmt.price(self.level)}.{best}"
        else:
            before = (
                f" The highest close before it was {fmt.price(self.prior_high.close)} on "
                f"{self.prior_high.date}."
                if self.prior_high
                else ""
            )
            head = (
                f"{self.name} first closed at or above {fmt.price(self.level)} on {self.date}, at "
                f"{fmt.price(self.close)}.{before}"
            )
        return compose([head], closing=source_note([self.provenance]))


# --- numeric core -----------------------------------------------------------------------------


def clean_closes(series: PriceSeries) -> tuple[np.ndarray, np.ndarray]:
    """Bar dates (datetime64[D]) and closes with NaN closes dropped; InputError when empty."""
    days = series.frame.index.values.astype("datetime64[D]")
    closes = series.frame["close"].to_numpy(dtype="float64")
    ok = np.isfinite(closes)
    if not ok.all():
        days, closes = days[ok], closes[ok]
    if len(closes) == 0:
        raise InputError(
            f"There are no {series.asset.name} prices in this range; choose a later "
            "as-of date or another data source."
        )
    return days, closes


def to_date(value: np.datetime64) -> dt.date:
    return value.astype("datetime64[D]").astype(dt.date)


def _offset_target(end: dt.date, horizon: str) -> dt.date:
    """The calendar date a horizon looks back to from ``end`` (not used for 1d)."""
    if horizon == "1w":
        return end - dt.timedelta(days=7)
    if horizon == "ytd":
        return dt.date(end.year - 1, 12, 31)
    months = {"1m": 1, "3m": 3, "1y": 12}[horizon]
    # pandas clips month ends (31 March minus a month is 28/29 February).
    return (pd.Timestamp(end) - pd.DateOffset(months=months)).date()


def index_on_or_before(days: np.ndarray, closes: np.ndarray, target: dt.date) -> int:
    """Index of the last bar on or before ``target``; -1 when there is none."""
    return int(np.searchsorted(days, np.datetime64(target, "D"), side="right")) - 1


def changes_at(
    days: np.ndarray, closes: np.ndarray, i: int, prev_date: dt.date | None = None
) -> tuple[dict, dict]:
    """Percent changes of close ``i`` over every horizon, and the reference closes.

    Args:
        i: index of the end bar.
        prev_date: the 1d reference date; default the bar before ``i``.
    """
    end = to_date(days[i])
    pct: dict[str, float | None] = {}
    ref: dict[str, Mark | None] = {}
    for w in HORIZONS:
        if w == "1d":
            j = i - 1 if prev_date is None else index_on_or_before(days, closes, prev_date)
        else:
            j = index_on_or_before(days, closes, _offset_target(end, w))
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
    pct, ref = changes_at(days, closes, i)
    k = int(np.argmax(closes))  # first occurrence: the date the record was set
    start52 = int(np.searchsorted(days, days[i] - np.timedelta64(WEEKS_52, "D"), side="left"))
    hi52 = start52 + int(np.argmax(closes[start52:]))
    lo52 = start52 + int(np.argmin(closes[start52:]))
    asset = series.asset
    return PriceLookup(
        asset=asset.key,
        name=asset.name,
        symbol=asset.symbol,
        unit=asset.unit,
        as_of=to_date(days[i]),
        close=float(closes[i]),
        change_pct=pct,
        change_from=ref,
        all_time_high=Mark(float(closes[k]), to_date(days[k])),
        intraday_high=_intraday_high(series),
        drawdown_from_ath_pct=(closes[i] / closes[k] - 1.0) * 100.0,
        high_52w=Mark(float(closes[hi52]), to_date(days[hi52])),
        low_52w=Mark(float(closes[lo52]), to_date(days[lo52])),
        first_date=to_date(days[0]),
        bars=len(closes),
        provenance=series.provenance,
    )


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
        edge = f"{name}'s data starts on {first}" if on < first else f"{name}'s data ends on {last}"
        raise DateRangeError(
            f"{on} is {side} of {name} ({edge}); choose a date between {first} and {last}."
        )
    j = index_on_or_before(days, closes, on)
    asset = series.asset
    return CloseOn(
        asset=asset.key,
        name=asset.name,
        symbol=asset.symbol,
        requested=on,
        date=to_date(days[j]),
        close=float(closes[j]),
        exact=to_date(days[j]) == on,
        provenance=series.provenance,
    )


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
        return LevelCross(
            asset.key,
            asset.name,
            float(level),
            None,
            None,
            Mark(float(closes[k]), to_date(days[k])),
            series.provenance,
        )
    j = int(hits[0])
    prior = None
    if j > 0:
        k = int(np.argmax(closes[:j]))
        prior = Mark(float(closes[k]), to_date(days[k]))
    return LevelCross(
        asset.key,
        asset.name,
        float(level),
        to_date(days[j]),
        float(closes[j]),
        prior,
        series.provenance,
    )
