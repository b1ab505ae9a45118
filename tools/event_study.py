"""Event study: what the follower did after the leader broke out.

For each start of the leader's breakout episodes (:mod:`tools.breakouts`), the follower's forward
log return over fixed horizons (default 1, 4, 13 and 26 weeks) is compared with its
unconditional forward return over the same horizons, taken from every follower bar in the
span both histories cover. A randomisation p-value asks how often random start dates from that
pool give a mean at least as far from the unconditional mean as the events do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tools import formatting as fmt
from tools.breakouts import DEFAULT_MIN_GAP, find_breakouts
from tools.data import PriceSeries
from tools.errors import InputError
from tools.prices import clean_closes
from tools.results import Provenance, ResultMixin, compose, source_note

DEFAULT_HORIZONS = (1, 4, 13, 26)  # weeks
DEFAULT_EVENT_WINDOW = 252  # 52-week highs: all-time highs are too rare to study
MIN_EVENTS = 8  # below this the study says it cannot conclude
DEFAULT_DRAWS = 2000


@dataclass(frozen=True)
class HorizonStats(ResultMixin):
    """Follower forward log returns (percent units) after events and unconditionally."""

    horizon_weeks: int
    count: int  # events with a full horizon of follower data after them
    mean_pct: float | None
    median_pct: float | None
    hit_rate_pct: float | None  # share of events followed by a positive return
    baseline_count: int
    baseline_mean_pct: float | None
    baseline_median_pct: float | None
    baseline_hit_rate_pct: float | None
    difference_pct: float | None  # mean_pct - baseline_mean_pct
    p_value: float | None  # two-sided randomisation p-value of the difference


@dataclass(frozen=True)
class EventStudy(ResultMixin):
    leader: str
    follower: str
    leader_name: str
    follower_name: str
    window: int | None  # breakout window of the leader (None: all-time highs)
    min_gap: int
    events: list[dt.date]  # starts of the leader's breakout episodes in the common span
    horizons: list[HorizonStats]
    conclusive: bool  # at least MIN_EVENTS events at every horizon
    draws: int
    seed: int
    verdict: str
    provenance: list[Provenance]

    def headline(self) -> str:
        """One sentence for other summaries: events, the 4-week (or first) horizon, p-value."""
        h = next((h for h in self.horizons if h.horizon_weeks == 4), self.horizons[0])
        return (
            f"Event study: after {len(self.events)} {self.leader_name} breakouts,"
            f" {self.follower_name}'s {h.horizon_weeks}-week log return averaged"
            f" {fmt.pct(h.mean_pct)} vs {fmt.pct(h.baseline_mean_pct)} unconditionally (p"
            f" {fmt.pvalue(h.p_value)}, {h.count} events)."
        )

    def summary(self) -> str:
        kind = "all-time" if self.window is None else f"{self.window}-bar"
        head = (
            f"{self.follower_name} after {len(self.events)} {kind} breakouts of {self.leader_name} "
            f"(min gap {self.min_gap} bars)."
        )
        rows = [
            f"{h.horizon_weeks}w: {fmt.pct(h.mean_pct)} vs {fmt.pct(h.baseline_mean_pct)} (hit"
            f" {_rate(h.hit_rate_pct)} vs {_rate(h.baseline_hit_rate_pct)}, p"
            f" {fmt.pvalue(h.p_value)}, n={h.count})"
            for h in self.horizons
        ]
        return compose(
            [head, self.verdict],
            [f"Mean log returns: {'; '.join(rows)}."],
            source_note(self.provenance),
        )


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def _forward(days: np.ndarray, closes: np.ndarray, starts: np.ndarray, weeks: int) -> np.ndarray:
    """Log returns (percent) from the last close on or before each start to the last close on
    or before start + weeks; NaN when the horizon runs past the data or no bar precedes it."""
    i0 = np.searchsorted(days, starts, side="right") - 1
    ends = starts + np.timedelta64(7 * weeks, "D")
    i1 = np.searchsorted(days, ends, side="right") - 1
    ok = (i0 >= 0) & (ends <= days[-1])
    out = np.full(len(starts), np.nan)
    out[ok] = np.log(closes[i1[ok]] / closes[i0[ok]]) * 100.0
    return out


def _stats(
    weeks: int, ev: np.ndarray, base: np.ndarray, draws: int, rng: np.random.Generator
) -> HorizonStats:
    ev, base = ev[np.isfinite(ev)], base[np.isfinite(base)]
    m = len(ev)
    bmean = float(base.mean()) if len(base) else None
    if m == 0 or bmean is None:
        return HorizonStats(
            weeks,
            m,
            None,
            None,
            None,
            len(base),
            bmean,
            float(np.median(base)) if len(base) else None,
            float((base > 0).mean() * 100) if len(base) else None,
            None,
            None,
        )
    diff = float(ev.mean()) - bmean
    # Random start dates (with replacement) from the unconditional pool, as many as events.
    sample = base[rng.integers(0, len(base), size=(draws, m))].mean(axis=1) - bmean
    p = (1 + np.count_nonzero(np.abs(sample) >= abs(diff) - 1e-12)) / (1 + draws)
    return HorizonStats(
        weeks,
        m,
        float(ev.mean()),
        float(np.median(ev)),
        float((ev > 0).mean() * 100),
        len(base),
        bmean,
        float(np.median(base)),
        float((base > 0).mean() * 100),
        diff,
        float(p),
    )


def event_study(
    leader: PriceSeries,
    follower: PriceSeries,
    horizons: tuple[int, ...] = DEFAULT_HORIZONS,
    window: int | None = DEFAULT_EVENT_WINDOW,
    min_gap: int = DEFAULT_MIN_GAP,
    start: dt.date | None = None,
    end: dt.date | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> EventStudy:
    """The follower's forward log returns after the leader's breakout episodes vs unconditionally.

    Args:
        leader: the asset whose breakouts are the events.
        follower: the asset whose forward returns are measured; must differ from the leader.
        horizons: forward horizons in weeks (each 1..520).
        window: the leader's breakout window in bars (default 252, 52-week highs); None for
            all-time highs.
        min_gap: bars without a record that separate two episodes (default 20).
        start, end: optional inclusive range for event and baseline start dates.
        draws: random draws for the p-value (>= 100).
        seed: random seed; reproducible.

    Raises:
        InputError: the same asset twice, bad horizons, no common span.
    """
    _check_args(leader, follower, horizons, draws)
    days, closes, lo, hi = _common_span(leader, follower, start, end)
    events = _event_days(leader, window, min_gap, lo, hi)
    pool = days[(days >= lo) & (days <= hi)]
    rng = np.random.default_rng(seed)
    stats = [
        _stats(h, _forward(days, closes, events, h), _forward(days, closes, pool, h), draws, rng)
        for h in horizons
    ]
    names = (leader.asset.name, follower.asset.name)
    conclusive = all(s.count >= MIN_EVENTS for s in stats)
    return EventStudy(
        leader.asset.key,
        follower.asset.key,
        *names,
        window,
        min_gap,
        [e.astype(dt.date) for e in events],
        stats,
        conclusive,
        draws,
        seed,
        _verdict(names, stats, conclusive, len(events)),
        [leader.provenance, follower.provenance],
    )


def _check_args(
    leader: PriceSeries, follower: PriceSeries, horizons: tuple[int, ...], draws: int
) -> None:
    """Reject the same asset twice, horizons outside 1..520 weeks and fewer than 100 draws."""
    if leader.asset.key == follower.asset.key:
        raise InputError("An event study needs two different assets, e.g. silver bitcoin.")
    if not horizons or any(not isinstance(h, int) or not 1 <= h <= 520 for h in horizons):
        raise InputError("Horizons must be whole numbers of weeks from 1 to 520, e.g. 1 4 13 26.")
    if not isinstance(draws, int) or draws < 100:
        raise InputError("Draws must be a whole number of at least 100 (default 2000).")


def _common_span(
    leader: PriceSeries, follower: PriceSeries, start: dt.date | None, end: dt.date | None
) -> tuple[np.ndarray, np.ndarray, np.datetime64, np.datetime64]:
    """The follower's days and closes, and the first and last day that both histories cover
    within [start, end]; events and baseline start dates are drawn from that span only."""
    lead_days, _ = clean_closes(leader)
    days, closes = clean_closes(follower)
    lo = max(lead_days[0], days[0], np.datetime64(start, "D") if start else lead_days[0])
    hi = min(lead_days[-1], days[-1], np.datetime64(end, "D") if end else days[-1])
    if lo > hi:
        raise InputError(
            f"{leader.asset.name} and {follower.asset.name} have no dates in common in this range."
        )
    return days, closes, lo, hi


def _event_days(
    leader: PriceSeries, window: int | None, min_gap: int, lo: np.datetime64, hi: np.datetime64
) -> np.ndarray:
    """The start days of the leader's breakout episodes from ``lo`` to ``hi``."""
    episodes = find_breakouts(leader, window=window, min_gap=min_gap).episodes
    events = np.array([np.datetime64(e.start, "D") for e in episodes], dtype="datetime64[D]")
    return events[(events >= lo) & (events <= hi)]


def _verdict(
    names: tuple[str, str], stats: list[HorizonStats], conclusive: bool, events: int
) -> str:
    lead, fol = names
    if not conclusive:
        fewest = min(s.count for s in stats)
        return (
            f"Too few events to conclude: {lead} had {events} breakouts here and the thinnest"
            f" horizon has {fewest} with full data (at least {MIN_EVENTS} are needed at every"
            " horizon)."
        )
    hits = [s for s in stats if s.p_value is not None and s.p_value < 0.05]
    if not hits:
        return (
            f"No horizon shows {fol} doing significantly differently after {lead} breakouts than "
            "on other days (every p-value is 0.05 or more)."
        )
    parts = ", ".join(
        f"{s.horizon_weeks}w {fmt.pct(s.difference_pct)} (p {fmt.pvalue(s.p_value)})" for s in hits
    )
    return (
        f"After {lead} breakouts {fol}'s forward returns differ from usual at {parts}; with "
        f"{len(stats)} horizons tested and overlapping windows, treat single hits with caution."
    )
