"""The facts of a briefing: every figure, computed with the tools before any text is written.

:func:`compute` loads each asset through one :class:`~tools.data.Market` (so the as-of cut
applies everywhere), runs the price lookup and the breakout detection on it, the relative
performance and ratio breakouts on the configured ratios, and the weekly lead/lag on the
configured pairs. An asset that cannot be loaded is skipped with its reason; only when none
can be loaded is that an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.errors import DateRangeError, InputError
from tools.results import jsonable

HIGHS_WINDOW = 252  # bars: "N-day highs" are closes above the highest of the prior 252 closes
MIN_GAP = 20  # bars without a record that separate two breakout episodes (the tools' default)
LEADLAG_FREQ = "weekly"
LEADLAG_PERMUTATIONS = 1000  # enough to resolve adjusted p-values near 0.05 (~50 ms per pair)
LEADLAG_SEED = 0  # fixed, so the same data gives the same p-values
NEAR_PCT = 3.0  # "close to a level": within this many percent of it
# Ratios worth a line when both assets are briefed: silver against gold (the article's claim),
# bitcoin against gold ("digital gold") and gold against stocks (risk-off).
DEFAULT_RATIOS = (("silver", "gold"), ("bitcoin", "gold"), ("gold", "sp500"))

Progress = Callable[[str, float], None]
_STARTS = re.compile(r"starts on (\d{4}-\d{2}-\d{2})")


@dataclass
class AssetFacts:
    """One asset: its series, price lookup, all-time and 252-day breakouts, derived levels."""

    series: Any  # tools.data.PriceSeries
    price: Any  # tools.prices.PriceLookup
    records: Any  # tools.breakouts.BreakoutResult, all-time
    highs: Any | None  # BreakoutResult over HIGHS_WINDOW bars; None when the history is shorter
    levels: dict

    @property
    def key(self) -> str:
        return self.series.asset.key

    @property
    def name(self) -> str:
        return self.series.asset.name

    def to_dict(self) -> dict:
        return {
            "asset": self.key,
            "name": self.name,
            "price": self.price.to_dict(),
            "records": self.records.to_dict(),
            "highs": self.highs.to_dict() if self.highs else None,
            "levels": jsonable(self.levels),
        }


@dataclass
class RatioFacts:
    """numerator/denominator: both assets' changes, the ratio's level and its breakouts."""

    numerator: AssetFacts
    denominator: AssetFacts
    comparison: Any  # tools.relative.Comparison of the two (its .ratio is the RatioLookup)
    records: Any  # BreakoutResult of the ratio, all-time
    highs: Any | None  # BreakoutResult of the ratio over HIGHS_WINDOW bars

    @property
    def name(self) -> str:
        return self.comparison.ratio.name

    def to_dict(self) -> dict:
        return {
            "numerator": self.numerator.key,
            "denominator": self.denominator.key,
            "name": self.name,
            "comparison": self.comparison.to_dict(),
            "records": self.records.to_dict(),
            "highs": self.highs.to_dict() if self.highs else None,
        }


@dataclass
class PairFacts:
    """A lead/lag pair and its result, or why it could not be computed."""

    leader: str
    follower: str
    result: Any | None  # tools.leadlag.LeadLagResult
    error: str | None = None

    def to_dict(self) -> dict:
        return {
            "leader": self.leader,
            "follower": self.follower,
            "result": self.result.to_dict() if self.result else None,
            "error": self.error,
        }


@dataclass
class Facts:
    """Everything a briefing states, as tool results."""

    requested: tuple[str, ...]
    assets: list[AssetFacts]
    skipped: list[tuple[str, str]]  # (name as given, reason)
    ratios: list[RatioFacts] = field(default_factory=list)
    pairs: list[PairFacts] = field(default_factory=list)
    requested_as_of: dt.date | None = None
    source: str = ""

    @property
    def as_of(self) -> dt.date:
        """The briefing's date: the latest last bar among the assets."""
        return max(a.price.as_of for a in self.assets)

    @property
    def synthetic(self) -> bool:
        return any(a.series.provenance.synthetic for a in self.assets)

    def asset(self, key: str) -> AssetFacts | None:
        return next((a for a in self.assets if a.key == key), None)

    def to_dict(self) -> dict:
        method = {
            "highs_window": HIGHS_WINDOW,
            "min_gap": MIN_GAP,
            "leadlag_freq": LEADLAG_FREQ,
            "permutations": LEADLAG_PERMUTATIONS,
            "seed": LEADLAG_SEED,
            "near_pct": NEAR_PCT,
        }
        return {
            "as_of": self.as_of.isoformat(),
            "method": method,
            "requested_as_of": self.requested_as_of.isoformat() if self.requested_as_of else None,
            "source": self.source,
            "requested": list(self.requested),
            "assets": [a.to_dict() for a in self.assets],
            "skipped": [{"asset": n, "reason": r} for n, r in self.skipped],
            "ratios": [r.to_dict() for r in self.ratios],
            "pairs": [p.to_dict() for p in self.pairs],
        }


def compute(
    market,
    names: Sequence[str],
    pairs: Sequence[tuple[str, str]] | None = None,
    ratios: Sequence[tuple[str, str]] | None = None,
    progress: Progress | None = None,
) -> Facts:
    """The facts for the assets ``names`` as of ``market.as_of``.

    Args:
        market: a :class:`tools.data.Market` (source + as-of).
        names: asset names, aliases or tickers; unknown or unavailable ones are skipped.
        pairs: (leader, follower) lead/lag pairs; None means the defaults among ``names``.
        ratios: (numerator, denominator) pairs; None means :data:`DEFAULT_RATIOS` among ``names``.
        progress: called with (step, fraction done).

    Raises:
        InputError: no names, or none of them could be loaded (a DateRangeError when the as-of
            date is before every asset's data).
    """
    from assistant.briefing.watchlists import DEFAULT_PAIRS

    step = progress or (lambda _s, _f: None)
    if not names:
        raise InputError(
            "The watchlist is empty; name at least one asset, e.g. --assets gold,silver."
        )
    step("Loading prices", 0.05)
    loaded, skipped = _load(market, names)
    if not loaded:
        raise _nothing_loaded(skipped, market.as_of)
    step("Moves and records", 0.2)
    assets = [_asset_facts(s) for s in loaded]
    step("Ratios", 0.4)
    keys = [a.key for a in assets]
    ratio_list = _default_ratios(keys) if ratios is None else list(ratios)
    ratio_facts = [r for r in (_ratio_facts(assets, market, a, b) for a, b in ratio_list) if r]
    step("Lead/lag", 0.55)
    pair_list = (
        [p for p in DEFAULT_PAIRS if p[0] in keys and p[1] in keys]
        if pairs is None
        else list(pairs)
    )
    pair_facts = [_pair_facts(market, a, b) for a, b in pair_list]
    source = getattr(market.source, "name", "")
    return Facts(tuple(names), assets, skipped, ratio_facts, pair_facts, market.as_of, source)


def _load(market, names: Sequence[str]) -> tuple[list, list[tuple[str, str]]]:
    loaded, skipped, seen = [], [], set()
    for name in names:
        try:
            series = market.series(name)
        except InputError as exc:
            skipped.append((str(name), str(exc)))
            continue
        if series.asset.key not in seen:  # "btc" and "bitcoin" are one asset
            seen.add(series.asset.key)
            loaded.append(series)
    return loaded, skipped


def _nothing_loaded(skipped: list[tuple[str, str]], as_of: dt.date | None) -> InputError:
    starts = [m.group(1) for _, r in skipped if (m := _STARTS.search(r))]
    if as_of is not None and starts and len(starts) == len(skipped):
        return DateRangeError(
            f"The as-of date {as_of.isoformat()} is before the data starts: the earliest "
            f"series in the watchlist begins on {min(starts)}. Choose an as-of date on or "
            "after it."
        )
    if len(skipped) > 3:  # name a few and give one reason, however long the list
        names = ", ".join(name[:40] for name, _ in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        first, reason = skipped[0]
        return InputError(
            f"None of the watchlist's {len(skipped)} assets could be briefed ({names}{more}). "
            f"{first[:40]}: {reason}"
        )
    reasons = "; ".join(f"{name}: {reason}" for name, reason in skipped)
    return InputError(f"None of the watchlist's assets could be briefed. {reasons}")


def _asset_facts(series) -> AssetFacts:
    from tools.breakouts import find_breakouts
    from tools.prices import price_lookup

    price = price_lookup(series)
    records = find_breakouts(series, window=None, min_gap=MIN_GAP)
    highs = _windowed(find_breakouts, series)
    levels = {**_levels(price, records), "daily_vol_pct": daily_volatility(series)}
    return AssetFacts(series, price, records, highs, levels)


def daily_volatility(series, bars: int = HIGHS_WINDOW) -> float | None:
    """Standard deviation of the last ``bars`` daily log returns, in percent (None if too few).

    The headline uses it to judge how unusual a move is for this asset: 3% in a day is big
    for the dollar index and ordinary for bitcoin.
    """
    import numpy as np

    closes = series.close.dropna().to_numpy(dtype="float64")[-(bars + 1) :]
    closes = closes[closes > 0]
    if len(closes) < 21:
        return None
    return float(np.std(np.diff(np.log(closes)), ddof=1) * 100.0)


def _windowed(fn, *series):
    """``fn`` over HIGHS_WINDOW bars, or None when the history is too short for that window."""
    try:
        return fn(*series, window=HIGHS_WINDOW, min_gap=MIN_GAP)
    except InputError:
        return None


def _levels(price, records) -> dict:
    """Levels to watch, with the last close's distance to each in percent."""
    close = price.close

    def dist(level: float) -> float:
        return (close / level - 1.0) * 100.0

    last_episode = records.episodes[-1] if records.episodes else None
    return {
        "record_to_beat": records.record_to_beat,
        "to_record_pct": (records.record_to_beat / close - 1.0) * 100.0,
        "high_52w": price.high_52w.close,
        "from_high_52w_pct": dist(price.high_52w.close),
        "low_52w": price.low_52w.close,
        "from_low_52w_pct": dist(price.low_52w.close),
        "prior_record": last_episode.prior_record if last_episode else None,
        "prior_record_date": last_episode.prior_record_date if last_episode else None,
        "near_record": abs(dist(records.record_to_beat)) <= NEAR_PCT and not records.breaking_out,
        "near_low_52w": dist(price.low_52w.close) <= NEAR_PCT,
        "at_low_52w": price.close <= price.low_52w.close,
    }


def _default_ratios(keys: list[str]) -> list[tuple[str, str]]:
    chosen = [(a, b) for a, b in DEFAULT_RATIOS if a in keys and b in keys]
    if not chosen and len(keys) >= 2:  # an unusual watchlist still gets its first two compared
        chosen = [(keys[0], keys[1])]
    return chosen


def _ratio_facts(assets: list[AssetFacts], market, num: str, den: str) -> RatioFacts | None:
    from tools.breakouts import find_breakouts, ratio_breakouts
    from tools.relative import compare

    by_key = {a.key: a for a in assets}
    try:
        a = by_key.get(num) or _asset_facts(market.series(num))
        b = by_key.get(den) or _asset_facts(market.series(den))
        comparison = compare([a.series, b.series])
        records = ratio_breakouts(a.series, b.series, window=None, min_gap=MIN_GAP)
    except InputError:
        return None  # a ratio is context, never a reason to fail the briefing
    from tools.relative import ratio_series

    highs = _windowed(find_breakouts, ratio_series(a.series, b.series))
    return RatioFacts(a, b, comparison, records, highs)


def _pair_facts(market, leader: str, follower: str) -> PairFacts:
    from tools.leadlag import lead_lag

    try:
        lead, follow = market.series(leader), market.series(follower)
        result = lead_lag(
            lead, follow, freq=LEADLAG_FREQ, permutations=LEADLAG_PERMUTATIONS, seed=LEADLAG_SEED
        )
    except InputError as exc:
        return PairFacts(leader, follower, None, str(exc))
    return PairFacts(lead.asset.key, follow.asset.key, result)


def evidence(facts: Facts, passages: Sequence[dict] = ()) -> list:
    """What the grounding check may match figures against: tool results, levels, passages."""
    items: list = [facts.to_dict()]
    items.extend(passages)
    return items
