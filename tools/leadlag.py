"""Lead/lag statistics between a leader and a follower at daily, weekly or monthly frequency.

Definitions (DESIGN.md, Contracts): closes are aligned on the periods both assets have (daily:
common dates; weekly: each asset's last close in the week ending Friday; monthly: month end),
then log returns are taken. corr(k) is the Pearson correlation of the pairs
(leader[t], follower[t+k]) over every t where both exist; k > 0 means the leader moves first,
and corr(k) equals pandas' ``x.corr(y.shift(-k))``. The best lag (largest |corr|) gets a
p-value adjusted for the search over all 2K+1 lags by a block permutation of the leader, and
``significant`` is decided on that adjusted p-value at 0.05.

The numeric core lives in :mod:`tools.lagstats` and the result types with their wording in
:mod:`tools.lagreport`; this module aligns, validates and computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from tools.data import PriceSeries
from tools.errors import DateRangeError, InputError
from tools.event_study import event_study
from tools.lagreport import BestLag, Granger, LagCorr, LeadLagResult, SubPeriod, verdict
from tools.lagstats import (
    MIN_PAIRS,
    corr_at,
    default_block,
    lag_p_values,
    lagged_corr,
    null_max_abs_corr,
)

FREQS = ("daily", "weekly", "monthly")
UNITS = {"daily": "day", "weekly": "week", "monthly": "month"}
RULES = {"weekly": "W-FRI", "monthly": "ME"}  # the pandas rules period_last reproduces
DEFAULT_MAX_LAG = {"daily": 130, "weekly": 26, "monthly": 12}
DEFAULT_PERMUTATIONS = 1000
ALPHA = 0.05

# --- alignment --------------------------------------------------------------------------------


def aligned_returns(leader: pd.Series, follower: pd.Series, freq: str) -> pd.DataFrame:
    """Log returns of both closes on the periods both have.

    Args:
        leader, follower: daily closes indexed by date (NaN allowed; dropped).
        freq: "daily" (common dates), "weekly" (last close in the week ending Friday, labelled
            by that Friday) or "monthly" (last close of the month, labelled by month end).

    Returns:
        Columns ``leader`` and ``follower``, indexed by period; each return runs from the
        previous aligned period to this one. No NaN.
    """
    a, b = leader.dropna(), follower.dropna()
    if freq in RULES:
        a, b = period_last(a, freq), period_last(b, freq)
    closes = pd.concat([a.rename("leader"), b.rename("follower")], axis=1, join="inner").dropna()
    return np.log(closes).diff().iloc[1:]


def period_last(closes: pd.Series, freq: str) -> pd.Series:
    """The last close of each week ending Friday (labelled by the Friday) or each month
    (labelled by its last day), for a series sorted by date.

    Same result as ``resample("W-FRI" | "ME").last()`` without the empty periods, computed with
    numpy because pandas' resample dominates the run time of a weekly lead/lag.
    """
    days = closes.index.values.astype("datetime64[D]")
    if freq == "weekly":
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        labels = days + ((4 - weekday) % 7).astype("timedelta64[D]")
    else:
        labels = (days.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    last = (
        np.flatnonzero(np.r_[labels[1:] != labels[:-1], True]) if len(labels) else np.array([], int)
    )
    index = pd.DatetimeIndex(labels[last].astype("datetime64[ns]"), name=closes.index.name)
    return pd.Series(closes.to_numpy()[last], index=index, name=closes.name)


def _check_inputs(
    leader: PriceSeries,
    follower: PriceSeries,
    freq: str,
    max_lag: int | None,
    start: dt.date | None,
    end: dt.date | None,
    permutations: int,
) -> None:
    if freq not in FREQS:
        raise InputError(
            f"Unknown frequency '{freq}'; use daily, weekly or monthly.", options=list(FREQS)
        )
    if leader.asset.key == follower.asset.key:
        raise InputError(
            f"The leader and the follower are both {leader.asset.key}; name two different "
            "assets, e.g. silver bitcoin."
        )
    if start and end and start > end:
        raise DateRangeError(f"Start {start} is after end {end}; swap them.")
    if max_lag is not None and (not isinstance(max_lag, int) or max_lag < 1):
        raise InputError(
            f"The max lag must be a whole number of periods of at least 1 (default "
            f"{DEFAULT_MAX_LAG[freq]} for {freq})."
        )
    if not isinstance(permutations, int) or not 0 <= permutations <= 100_000:
        raise InputError(
            "Permutations must be a whole number from 0 (Bonferroni adjustment instead) "
            f"to 100000 (default {DEFAULT_PERMUTATIONS})."
        )
    for s in (leader, follower):
        closes = s.close.dropna()
        if len(closes) and (closes <= 0).any():
            raise InputError(
                f"{s.asset.name} has closes at or below zero, so log returns are undefined; "
                "use a price series, not a spread or yield change."
            )


def _windowed(
    leader: PriceSeries,
    follower: PriceSeries,
    freq: str,
    start: dt.date | None,
    end: dt.date | None,
) -> pd.DataFrame:
    """Aligned returns restricted to [start, end], with range errors that name the valid dates."""
    rets = aligned_returns(leader.close, follower.close, freq)
    if rets.empty:
        raise InputError(
            f"{leader.asset.name} and {follower.asset.name} have too few {freq} periods in "
            "common for returns; choose assets whose histories overlap."
        )
    first, last = rets.index[0].date(), rets.index[-1].date()
    if (start and start > last) or (end and end < first):
        raise DateRangeError(
            f"No common {freq} returns of {leader.asset.name} and {follower.asset.name} "
            f"between {start or 'the start'} and {end or 'the end'}; they run from "
            f"{first} to {last}."
        )
    if start:
        rets = rets.loc[pd.Timestamp(start) :]
    if end:
        rets = rets.loc[: pd.Timestamp(end)]
    return rets


def _check_sample(rets: pd.DataFrame, names: tuple[str, str], freq: str, max_lag: int) -> None:
    n = len(rets)
    if n < MIN_PAIRS + 1:
        raise InputError(
            f"Only {n} aligned {freq} returns in this range; a lead/lag needs at least "
            f"{MIN_PAIRS + 1}. Widen the date range or use a higher frequency."
        )
    if n - max_lag < MIN_PAIRS:
        raise InputError(
            f"A max lag of {max_lag} is too large for {n} aligned {freq} returns: every lag "
            f"needs at least {MIN_PAIRS} pairs. Use a max lag of at most {n - MIN_PAIRS}."
        )
    for col, name in zip(("leader", "follower"), names, strict=True):
        if float(rets[col].std()) == 0.0:
            raise InputError(
                f"{name}'s {freq} closes do not change in this range, so a correlation is "
                "undefined; choose another range or asset."
            )


# --- the analysis -----------------------------------------------------------------------------


def lead_lag(
    leader: PriceSeries,
    follower: PriceSeries,
    freq: str = "weekly",
    max_lag: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    block_length: int | None = None,
    granger: bool = False,
    events: bool = False,
) -> LeadLagResult:
    """Lagged correlations of log returns, the best lag with a search-adjusted p-value, stability.

    Args:
        leader: the asset claimed to move first (history up to as-of).
        follower: the asset claimed to follow; must differ from the leader.
        freq: "daily", "weekly" (default) or "monthly".
        max_lag: K >= 1 periods; lags -K..K are searched. Default 130 daily, 26 weekly, 12
            monthly. Every lag needs at least 30 pairs, so K <= n_obs - 30.
        start, end: optional inclusive date range of the return periods; clipped to the data.
        permutations: block permutations of the leader for the adjusted p-value (0..100000;
            0 means a Bonferroni adjustment instead). 1000 resolves p-values to about 0.001.
        seed: random seed; the same inputs and seed give the same p-values.
        block_length: permutation block in periods (default about n_obs ** (1/3)); blocks keep
            the leader's short-range dependence intact under the null.
        granger: also run a Granger F test at the best lag (only when it is positive).
        events: also run the event study (:func:`tools.event_study.event_study`) on the same range.

    Raises:
        InputError: unknown frequency, the same asset twice, start after end, a range outside the
            data, max lag too large, too few returns, a flat series.
    """
    _check_inputs(leader, follower, freq, max_lag, start, end, permutations)
    rets, k_max = _sample(leader, follower, freq, max_lag, start, end)
    result = _result(leader, follower, freq, rets, k_max, permutations, seed, block_length, granger)
    if events:
        result = replace(
            result, event_study=event_study(leader, follower, start=start, end=end, seed=seed)
        )
    return replace(result, verdict=verdict(result))


def _sample(
    leader: PriceSeries,
    follower: PriceSeries,
    freq: str,
    max_lag: int | None,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[pd.DataFrame, int]:
    """The aligned returns in range and the max lag K, checked to leave enough pairs per lag."""
    k_max = max_lag or DEFAULT_MAX_LAG[freq]
    rets = _windowed(leader, follower, freq, start, end)
    names = (leader.asset.name, follower.asset.name)
    if max_lag is None:  # the default shrinks to fit a short sample rather than failing
        k_max = max(1, min(k_max, len(rets) - MIN_PAIRS))
    _check_sample(rets, names, freq, k_max)
    return rets, k_max


def _result(
    leader: PriceSeries,
    follower: PriceSeries,
    freq: str,
    rets: pd.DataFrame,
    k_max: int,
    permutations: int,
    seed: int,
    block_length: int | None,
    granger: bool,
) -> LeadLagResult:
    """Every lag's correlation, the best lag and its stability; no event study and no verdict
    yet, since the verdict reads the finished result."""
    x, y = rets["leader"].to_numpy(), rets["follower"].to_numpy()
    lags = np.arange(-k_max, k_max + 1)
    corr, pairs = lagged_corr(x, y, k_max)
    p = lag_p_values(corr, pairs)
    block = block_length or default_block(len(x))
    best, how = _best_lag(x, y, lags, corr, pairs, p, permutations, block, seed)
    stability = _stability(rets, best.lag)
    stable = all(s.corr is not None and np.sign(s.corr) == np.sign(best.corr) for s in stability)
    return LeadLagResult(
        leader=leader.asset.key,
        follower=follower.asset.key,
        leader_name=leader.asset.name,
        follower_name=follower.asset.name,
        freq=freq,
        lag_unit=UNITS[freq],
        start=rets.index[0].date(),
        end=rets.index[-1].date(),
        n_obs=len(rets),
        max_lag=k_max,
        lags=[
            LagCorr(int(k), _num(c), int(m), _num(q))
            for k, c, m, q in zip(lags, corr, pairs, p, strict=True)
        ],
        best_lag=best,
        stability=stability,
        stable_sign=stable,
        adjustment=how,
        permutations=permutations,
        block_length=block,
        seed=seed,
        granger=_granger(rets, best.lag) if granger else None,
        event_study=None,
        verdict="",
        provenance=[leader.provenance, follower.provenance],
    )


def _best_lag(
    x: np.ndarray,
    y: np.ndarray,
    lags: np.ndarray,
    corr: np.ndarray,
    pairs: np.ndarray,
    p: np.ndarray,
    permutations: int,
    block: int,
    seed: int,
) -> tuple[BestLag, str]:
    """The lag of largest |corr| with its p-value adjusted for the search over all lags, and a
    note on how it was adjusted (block permutation, or Bonferroni when permutations is 0)."""
    best_i = int(np.nanargmax(np.abs(corr)))
    if permutations > 0:
        k_max = int(lags[-1])  # lags run -K..K
        null = null_max_abs_corr(x, y, k_max, permutations, block, seed)
        # Relative tolerance: the null is computed in float32.
        exceed = int(np.count_nonzero(null >= abs(corr[best_i]) * (1 - 1e-6)))
        p_adj = (1 + exceed) / (1 + permutations)
        how = f"block permutation, {permutations} draws"
    else:
        p_adj = min(1.0, float(p[best_i]) * len(lags))
        how = f"Bonferroni over {len(lags)} lags"
    best = BestLag(
        int(lags[best_i]),
        float(corr[best_i]),
        int(pairs[best_i]),
        float(p[best_i]),
        float(p_adj),
        bool(p_adj < ALPHA),
    )
    return best, how


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _stability(rets: pd.DataFrame, lag: int) -> list[SubPeriod]:
    """The correlation at ``lag`` within each third of the sample (pairs inside that third)."""
    n = len(rets)
    cuts = [0, n // 3, 2 * n // 3, n]
    x, y = rets["leader"].to_numpy(), rets["follower"].to_numpy()
    out = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        c, m = corr_at(x[a:b], y[a:b], lag)
        out.append(SubPeriod(rets.index[a].date(), rets.index[b - 1].date(), c, m))
    return out


def _granger(rets: pd.DataFrame, lag: int) -> Granger | None:
    """Granger F test that the leader's past helps predict the follower, with ``lag`` lags."""
    if lag < 1:
        return None
    import warnings

    from statsmodels.tsa.stattools import grangercausalitytests

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = grangercausalitytests(rets[["follower", "leader"]].to_numpy(), maxlag=[lag])
    f_stat, p_value = res[lag][0]["ssr_ftest"][:2]
    return Granger(lag, float(f_stat), float(p_value))
