"""Change over a calendar period: "in 2024", "during February 2026", "in Q3 2025", "since 2020".

Definition: the change over a period [start, end] compares the last close in the period (the
last bar on or before ``end``) with the last close before the period (the last bar before
``start``), so "in 2024" runs from the last close of 2023 to the last close of 2024, the same
way as the year-to-date horizon. When the data starts inside the period, the base is the
period's first close instead, and the result says so. A one-day period is that day's move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tools import formatting as fmt
from tools.data import PriceSeries
from tools.errors import DateRangeError
from tools.prices import Mark, clean_closes, index_on_or_before, to_date
from tools.results import Provenance, ResultMixin, compose, source_note


@dataclass(frozen=True)
class PeriodChange(ResultMixin):
    """One asset's change over a calendar period, with both closes dated."""

    asset: str
    name: str
    symbol: str
    unit: str
    start: dt.date  # the period's first calendar day, as asked
    end: dt.date  # the period's last calendar day, as asked
    label: str  # the period in words ("2024", "Q3 2025"); the dates when none was given
    base: Mark  # the last close before the period (or its first close, see base_inside)
    last: Mark  # the last close in the period
    change_pct: float
    high: Mark  # the highest close in the period
    low: Mark  # the lowest close in the period
    trading_days: int  # bars dated inside the period
    base_inside: bool  # the data starts inside the period: the base is the period's first close
    so_far: bool  # the period runs past the last bar: the change is to date
    provenance: Provenance

    def summary(self) -> str:
        base = (
            f"its first close {fmt.price(self.base.close)} on {self.base.date} (the data starts"
            " inside the period)"
            if self.base_inside
            else f"{fmt.price(self.base.close)} on {self.base.date} (the last close before it)"
        )
        so_far = " so far" if self.so_far else ""
        span = _words(None, self.start, self.end)
        when = self.label if self.label == span else f"{self.label} ({span})"
        head = (
            f"{self.name} ({self.symbol}) over {when}:"
            f" {fmt.pct(self.change_pct)}{so_far}, from {base} to {fmt.price(self.last.close)}"
            f" on {self.last.date}."
        )
        extra = (
            f"Highest close in the period {fmt.price(self.high.close)} ({self.high.date}), lowest"
            f" {fmt.price(self.low.close)} ({self.low.date}); {fmt.count(self.trading_days)}"
            f" trading day{'s' if self.trading_days != 1 else ''}."
        )
        return compose([head], [extra], source_note([self.provenance]))


def period_change(
    series: PriceSeries, start: dt.date, end: dt.date | None = None, label: str | None = None
) -> PeriodChange:
    """The change of ``series`` over the calendar period ``start``..``end`` (both inclusive).

    Args:
        series: the asset's history up to as-of (``Market.series``).
        start: the period's first day.
        end: the period's last day; default the last bar (a period "since" ``start``).
        label: the period in words for the summary, e.g. "Q3 2025".

    Raises:
        DateRangeError: ``end`` before ``start``, a period that ends before the data starts or
            begins after it ends, or a period with no trading day in it.
    """
    days, closes = clean_closes(series)
    name = series.asset.name
    end = end or to_date(days[-1])
    _check_range(name, to_date(days[0]), to_date(days[-1]), start, end, label)
    j = index_on_or_before(days, closes, end)
    i = index_on_or_before(days, closes, start - dt.timedelta(days=1))
    inside = slice(i + 1, j + 1)
    if j <= i:
        raise DateRangeError(
            f"{name} has no trading day in {_words(label, start, end)}; its last close before it"
            f" was {fmt.price(closes[i])} on {to_date(days[i])}."
        )
    base_inside = i < 0
    b = i + 1 if base_inside else i
    seg = closes[inside]
    hi, lo = inside.start + int(np.argmax(seg)), inside.start + int(np.argmin(seg))
    asset = series.asset
    return PeriodChange(
        asset=asset.key,
        name=asset.name,
        symbol=asset.symbol,
        unit=asset.unit,
        start=start,
        end=end,
        label=label or _words(None, start, end),
        base=Mark(float(closes[b]), to_date(days[b])),
        last=Mark(float(closes[j]), to_date(days[j])),
        change_pct=(closes[j] / closes[b] - 1.0) * 100.0,
        high=Mark(float(closes[hi]), to_date(days[hi])),
        low=Mark(float(closes[lo]), to_date(days[lo])),
        trading_days=j - i,
        base_inside=base_inside,
        so_far=end > to_date(days[-1]),
        provenance=series.provenance,
    )


def _check_range(
    name: str, first: dt.date, last: dt.date, start: dt.date, end: dt.date, label: str | None
) -> None:
    if end < start:
        raise DateRangeError(f"The period ends ({end}) before it starts ({start}); swap them.")
    if end < first:
        raise DateRangeError(
            f"{name}'s data starts on {first}, after {_words(label, start, end)}; choose a period"
            f" between {first} and {last}."
        )
    if start > last:
        raise DateRangeError(
            f"{name}'s data ends on {last}, before {_words(label, start, end)} begins; choose"
            f" a period between {first} and {last}."
        )


def _words(label: str | None, start: dt.date, end: dt.date) -> str:
    if label:
        return label
    return str(start) if start == end else f"{start} to {end}"
