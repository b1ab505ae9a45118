"""What the claim testers share while checking one document: the market, the date span and the
analysis calls made so far, each run once and recorded as a :class:`~tools.claims.Call`.

Series are read in full (to the latest bar, for "since publication") and cut at a date for the
verdict, so one document's claims all see the same data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools import breakouts, leadlag, periods, prices
from tools.claimdates import DateSpan, named_period, window_start
from tools.claims import Call, window_words
from tools.data import Market, PriceSeries
from tools.errors import DateRangeError
from tools.results import Provenance

TYPICAL_BARS = 756  # about three years of exchange trading days


@dataclass(frozen=True)
class Change:
    """An asset's change between two closes (percent units) and the closes it compares."""

    asset: str
    name: str
    start: prices.CloseOn | prices.Mark
    end: prices.CloseOn | prices.Mark

    @property
    def pct(self) -> float:
        return (self.end.close / self.start.close - 1.0) * 100.0


class Lab:
    """The market, the document's date span, and memoised analysis calls with their record."""

    def __init__(self, market: Market, span: DateSpan):
        self.market = market
        self.span = span
        self._memo: dict[tuple, object] = {}
        self.provenance: dict[str, Provenance] = {}

    def _once(self, key: tuple, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # -- series ---------------------------------------------------------------------------
    def full(self, key: str) -> PriceSeries:
        series = self._once(("series", key), lambda: self.market.series(key))
        self.provenance.setdefault(series.asset.key, series.provenance)
        return series

    def upto(self, key: str, day: dt.date | None = None) -> PriceSeries:
        """The series cut at ``day`` (default: the end of the span)."""
        day = day or self.span.end
        return self._once(("upto", key, day), lambda: self.full(key).truncate(day))

    def name(self, key: str) -> str:
        return self.full(key).asset.name

    def last_bar(self, keys: list[str], day: dt.date | None = None) -> dt.date:
        """The latest date on or before ``day`` that every asset has reached (their common end)."""
        return min(self.upto(k, day).last_date for k in keys)

    def latest(self, keys: list[str]) -> dt.date:
        return min(self.full(k).last_date for k in keys)

    # -- analysis calls -------------------------------------------------------------------
    def close_on(self, key: str, day: dt.date) -> tuple[prices.CloseOn, Call]:
        result = self._once(("close_on", key, day), lambda: prices.close_on(self.full(key), day))
        return result, Call("prices.close_on", {"asset": key, "on": day.isoformat()})

    def change(self, key: str, start: dt.date, end: dt.date) -> tuple[Change, list[Call]]:
        """The change from the close on or before ``start`` to the close on or before ``end``."""
        first = self.full(key).first_date
        if start < first:
            raise DateRangeError(
                f"{self.name(key)} data starts on {first}, after {start}, where this window begins."
            )
        a, call_a = self.close_on(key, start)
        b, call_b = self.close_on(key, end)
        return Change(key, self.name(key), a, b), [call_a, call_b]

    def period(self, window: str | None) -> tuple[dt.date, dt.date] | None:
        """The calendar period a window names (a month, a quarter, a year...), else None; "last
        year" is the year before the document's "today"."""
        return named_period(window, self.span.end)

    def window_change(self, key: str, window: str, end: dt.date) -> tuple[Change, list[Call]]:
        """The change over a horizon (1w 1m 3m 6m ytd 1y) up to ``end``, or over a calendar
        period as :func:`tools.periods.period_change` defines it (from the last close before the
        period to the last close in it, cut at ``end``)."""
        period = self.period(window)
        if period is None:
            return self.change(key, window_start(end, window), end)
        first, last = period[0], min(period[1], end)
        if first > end:
            raise DateRangeError(
                f"{window_words(window)} begins after {end}, the date the claim is tested at"
            )
        result = self._once(
            ("period", key, first, last),
            lambda: periods.period_change(self.upto(key, end), first, last),
        )
        if result.base_inside:
            raise DateRangeError(
                f"{self.name(key)} data starts on {result.base.date}, inside {window_words(window)}"
            )
        call = Call(
            "periods.period_change",
            {"asset": key, "start": first.isoformat(), "end": last.isoformat()},
        )
        return Change(key, self.name(key), result.base, result.last), [call]

    def typical_move(self, key: str, window: str, end: dt.date) -> float:
        """The typical size of a change over ``window`` ending at ``end``, in percent: the
        standard deviation of daily log returns over the three years before ``end``, scaled by
        the square root of the number of bars the window spans."""

        def compute() -> float:
            closes = self.upto(key, end).close.dropna()
            recent = closes.iloc[-(TYPICAL_BARS + 1) :]
            daily = float(np.log(recent).diff().std())
            period = self.period(window)
            first = period[0] if period else window_start(end, window)
            bars = max(int((closes.index > pd.Timestamp(first)).sum()), 1)
            return daily * math.sqrt(bars) * 100.0

        return self._once(("typical", key, window, end), compute)

    def lookup(self, key: str, day: dt.date) -> tuple[prices.PriceLookup, Call]:
        result = self._once(("lookup", key, day), lambda: prices.price_lookup(self.upto(key, day)))
        return result, Call("prices.price_lookup", {"asset": key, "as_of": day.isoformat()})

    def records(self, key: str, day: dt.date) -> tuple[breakouts.BreakoutResult, Call]:
        result = self._once(
            ("records", key, day), lambda: breakouts.find_breakouts(self.upto(key, day))
        )
        return result, Call("breakouts.find_breakouts", {"asset": key, "as_of": day.isoformat()})

    def level_cross(self, key: str, level: float, day: dt.date) -> tuple[prices.LevelCross, Call]:
        result = self._once(
            ("cross", key, level, day),
            lambda: prices.first_close_at_or_above(self.upto(key, day), level),
        )
        call = Call(
            "prices.first_close_at_or_above",
            {"asset": key, "level": level, "as_of": day.isoformat()},
        )
        return result, call

    def lead_lag(
        self, leader: str, follower: str, day: dt.date, freq: str, max_lag: int
    ) -> tuple[leadlag.LeadLagResult, Call]:
        def run() -> leadlag.LeadLagResult:
            return leadlag.lead_lag(
                self.upto(leader, day),
                self.upto(follower, day),
                freq=freq,
                max_lag=max_lag,
                events=freq == "weekly",
            )

        result = self._once(("leadlag", leader, follower, day, freq, max_lag), run)
        args = {
            "leader": leader,
            "follower": follower,
            "freq": freq,
            "max_lag": max_lag,
            "events": freq == "weekly",
            "as_of": day.isoformat(),
        }
        return result, Call("leadlag.lead_lag", args)
