"""Breakout episodes: runs of record closes, all-time or over a trailing window of bars.

Definition (DESIGN.md, Contracts): a record close is a close above the highest prior close,
over all history (``window=None``) or over the prior ``window`` closes. Consecutive records
belong to one episode; a new episode starts after at least ``min_gap`` bars without a record.
The same applies to a ratio series A/B (see :func:`ratio_breakouts`): A outperforming B.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools import formatting as fmt
from tools.data import PriceSeries
from tools.errors import InputError
from tools.prices import Mark, clean_closes, to_date
from tools.relative import ratio_series
from tools.results import Provenance, ResultMixin, compose, source_note

DEFAULT_WINDOW = 252  # bars: about a year of exchange trading days
DEFAULT_MIN_GAP = 20  # bars without a record before a new episode starts
RECENT_BARS = 5  # "breaking out now": a record close within this many latest bars


@dataclass(frozen=True)
class Episode(ResultMixin):
    """One breakout episode: a run of record closes."""

    start: dt.date  # date of the first record close
    start_close: float
    prior_record: float  # the record the first close broke
    prior_record_date: dt.date  # when that record was set (its first occurrence)
    peak: float  # highest close from the start to the episode's last record close
    peak_date: dt.date
    end: dt.date  # date of the episode's last record close
    record_closes: int
    bars_since_previous: int | None  # bars without a record since the previous episode's end


@dataclass(frozen=True)
class BreakoutResult(ResultMixin):
    """All breakout episodes of one asset (or ratio), and whether it is breaking out now."""

    asset: str
    name: str
    symbol: str
    as_of: dt.date
    window: int | None  # None: all-time records; N: records over the prior N closes
    min_gap: int
    episodes: list[Episode]
    breaking_out: bool  # a record close within the last RECENT_BARS bars
    close: float  # the last close
    last_record: Mark | None  # the most recent record close
    bars_since_last_record: int | None
    distance_from_record_pct: float | None  # last close against the last record close
    record_to_beat: float  # the level the next close must exceed to be a record
    verdict: str
    provenance: Provenance

    def summary(self) -> str:
        kind = "all-time" if self.window is None else f"{self.window}-bar"
        head = f"{self.verdict}"
        count = (
            f"{len(self.episodes)} {kind} breakout episodes (min gap {self.min_gap} bars) to"
            f" {self.as_of}; the next record needs a close above {fmt.price(self.record_to_beat)}."
        )
        recent = []
        for ep in self.episodes[-3:][::-1]:
            recent.append(
                f"{ep.start}: broke {fmt.price(ep.prior_record)} ({ep.prior_record_date}), "
                f"peak {fmt.price(ep.peak)} ({ep.peak_date}), {ep.record_closes} record close"
                f"{'s' if ep.record_closes != 1 else ''}"
            )
        opt = [f"Latest: {'; '.join(recent)}."] if recent else []
        return compose([head, count], opt, source_note([self.provenance]))


def _prior_max(closes: np.ndarray, window: int | None) -> np.ndarray:
    """For every bar, the highest prior close (all history or the prior ``window`` closes).

    Bars without a full window (and the first bar) get +inf, so they cannot be records.
    """
    if window is None:
        prior = np.empty_like(closes)
        prior[0] = np.inf
        np.maximum.accumulate(closes[:-1], out=prior[1:])
        return prior
    # pandas' rolling max is O(n) whatever the window; shifted so bar t sees closes t-N..t-1.
    rolled = pd.Series(closes).rolling(window).max().to_numpy()
    prior = np.full_like(closes, np.inf)
    prior[window:] = rolled[window - 1 : -1]
    return prior


def _prior_record_index(closes: np.ndarray, t: int, window: int | None) -> int:
    """Index of the first occurrence of the highest close before bar ``t``."""
    lo = 0 if window is None else t - window
    return lo + int(np.argmax(closes[lo:t]))


MAX_MIN_GAP = 500  # always accepted (the tool's documented range), whatever the history length


def _check(n: int, window: int | None, min_gap: int, name: str) -> None:
    if window is not None and (not isinstance(window, int) or window < 1):
        raise InputError(
            f"The window must be a whole number of bars of at least 1 (e.g. {DEFAULT_WINDOW}), "
            "or omitted for all-time records."
        )
    if window is not None and window >= n:
        raise InputError(
            f"A window of {window} bars is longer than {name}'s history of {n} bars; "
            f"use a window of at most {max(n - 1, 1)} bars, or omit it for all-time records."
        )
    if not isinstance(min_gap, int) or min_gap < 1:
        raise InputError(
            f"The minimum gap must be a whole number of bars of at least 1 (default "
            f"{DEFAULT_MIN_GAP})."
        )
    if min_gap > max(n, MAX_MIN_GAP):  # longer than the history, it cannot separate anything
        raise InputError(
            f"A minimum gap of {min_gap} bars is longer than {name}'s history of {n} bars; "
            f"use 1 to {max(n, MAX_MIN_GAP)} bars (default {DEFAULT_MIN_GAP})."
        )


def find_breakouts(
    series: PriceSeries, window: int | None = None, min_gap: int = DEFAULT_MIN_GAP
) -> BreakoutResult:
    """Breakout episodes of one asset's closes, and whether it is breaking out now.

    Args:
        series: the asset's history up to as-of (a ratio series from ``ratio_series`` works too).
        window: None for all-time records; otherwise N >= 1 bars, a record being a close above
            the highest of the prior N closes (252 is about a year). Must be below the number
            of bars.
        min_gap: bars (>= 1) without a record that separate two episodes.

    Raises:
        InputError: empty history, a window not below the history length, a bad min_gap.
    """
    days, closes = clean_closes(series)
    n = len(closes)
    _check(n, window, min_gap, series.asset.name)
    rec = np.flatnonzero(closes > _prior_max(closes, window))
    episodes = _episodes(days, closes, rec, window, min_gap)
    last = n - 1
    last_record = Mark(float(closes[rec[-1]]), to_date(days[rec[-1]])) if len(rec) else None
    since = int(last - rec[-1]) if len(rec) else None
    distance = (closes[last] / last_record.close - 1.0) * 100.0 if last_record else None
    to_beat = float(closes.max() if window is None else closes[max(0, n - window) :].max())
    breaking = since is not None and since < RECENT_BARS
    asset = series.asset
    verdict = _verdict(
        asset.name, window, breaking, episodes, last_record, since, distance, float(closes[last])
    )
    return BreakoutResult(
        asset=asset.key,
        name=asset.name,
        symbol=asset.symbol,
        as_of=to_date(days[last]),
        window=window,
        min_gap=min_gap,
        episodes=episodes,
        breaking_out=breaking,
        close=float(closes[last]),
        last_record=last_record,
        bars_since_last_record=since,
        distance_from_record_pct=distance,
        record_to_beat=to_beat,
        verdict=verdict,
        provenance=series.provenance,
    )


def _episodes(
    days: np.ndarray, closes: np.ndarray, rec: np.ndarray, window: int | None, min_gap: int
) -> list[Episode]:
    if len(rec) == 0:
        return []
    # Bars without a record between consecutive records; a long enough run splits episodes.
    quiet = np.diff(rec) - 1
    cut = np.flatnonzero(quiet >= min_gap) + 1
    groups = np.split(rec, cut)
    out: list[Episode] = []
    prev_end: int | None = None
    for g in groups:
        s, e = int(g[0]), int(g[-1])
        p = _prior_record_index(closes, s, window)
        k = s + int(np.argmax(closes[s : e + 1]))
        out.append(
            Episode(
                start=to_date(days[s]),
                start_close=float(closes[s]),
                prior_record=float(closes[p]),
                prior_record_date=to_date(days[p]),
                peak=float(closes[k]),
                peak_date=to_date(days[k]),
                end=to_date(days[e]),
                record_closes=len(g),
                bars_since_previous=None if prev_end is None else s - prev_end - 1,
            )
        )
        prev_end = e
    return out


def _verdict(
    name: str,
    window: int | None,
    breaking: bool,
    episodes: list[Episode],
    last_record: Mark | None,
    since: int | None,
    distance: float | None,
    close: float,
) -> str:
    kind = "all-time closing high" if window is None else f"{window}-bar closing high"
    if last_record is None:
        return f"{name} is not breaking out: it has made no {kind} in this history."
    ep = episodes[-1]
    if since == 0:  # "at a record" only when the last close is the record
        return (
            f"{name} is at a record and breaking out: its last close ({fmt.price(close)} on "
            f"{last_record.date}) is its {kind}; this episode began on {ep.start} by breaking "
            f"{fmt.price(ep.prior_record)} set on {ep.prior_record_date}."
        )
    below = fmt.pct(abs(distance or 0.0), signed=False)
    if breaking:
        return (
            f"{name} is {below} below its {kind} of {fmt.price(last_record.close)}, set {since}"
            f" trading days ago on {last_record.date} (a recent breakout that began on {ep.start})."
        )
    return (
        f"{name} is not breaking out: its last {kind} ({fmt.price(last_record.close)} on "
        f"{last_record.date}) was {since} trading days ago, and the last close "
        f"({fmt.price(close)}) is {below} below it."
    )


def ratio_breakouts(
    numerator: PriceSeries,
    denominator: PriceSeries,
    window: int | None = None,
    min_gap: int = DEFAULT_MIN_GAP,
) -> BreakoutResult:
    """Breakout episodes of the ratio numerator/denominator (numerator outperforming).

    Args:
        numerator, denominator: two different assets' histories up to as-of.
        window, min_gap: as for :func:`find_breakouts`, counted in common-date bars.
    """
    return find_breakouts(ratio_series(numerator, denominator), window=window, min_gap=min_gap)
