"""The lead/lag result types and how they read: the summary and the one-sentence verdict.

:mod:`tools.leadlag` computes these results (its docstring defines the statistics); the types
and their wording live here so that module stays about aligning, checking and computing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tools import formatting as fmt
from tools.event_study import EventStudy
from tools.results import Provenance, ResultMixin, compose, source_note


@dataclass(frozen=True)
class LagCorr(ResultMixin):
    lag: int  # periods; > 0 means the leader moves first
    corr: float | None  # None when undefined (a flat stretch)
    n: int  # number of (leader[t], follower[t+lag]) pairs
    p_value: float | None  # two-sided, this lag alone


@dataclass(frozen=True)
class BestLag(ResultMixin):
    lag: int
    corr: float
    n: int
    p_value: float  # this lag alone
    p_value_adjusted: float  # for the search over all 2K+1 lags
    significant: bool  # p_value_adjusted < 0.05


@dataclass(frozen=True)
class SubPeriod(ResultMixin):
    start: dt.date
    end: dt.date
    corr: float | None  # the best lag's correlation within this third of the sample
    n: int


@dataclass(frozen=True)
class Granger(ResultMixin):
    """Granger causality of the leader on the follower with ``lag`` lags (F test)."""

    lag: int
    f_stat: float
    p_value: float


@dataclass(frozen=True)
class LeadLagResult(ResultMixin):
    leader: str
    follower: str
    leader_name: str
    follower_name: str
    freq: str  # daily, weekly or monthly
    lag_unit: str  # day, week or month
    start: dt.date  # first return period used
    end: dt.date  # last return period used
    n_obs: int  # aligned log returns
    max_lag: int
    lags: list[LagCorr]
    best_lag: BestLag
    stability: list[SubPeriod]  # three equal consecutive sub-periods
    stable_sign: bool  # every sub-period's corr has the best lag's sign
    adjustment: str  # how p_value_adjusted was computed
    permutations: int
    block_length: int
    seed: int
    granger: Granger | None
    event_study: EventStudy | None  # None when not asked
    verdict: str
    provenance: list[Provenance]

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.event_study is None:
            out.pop("event_study")
        return out

    def summary(self) -> str:
        b, unit = self.best_lag, self.lag_unit
        head = (
            f"{self.leader_name} -> {self.follower_name}, {self.freq} log returns {self.start} to "
            f"{self.end} (n={self.n_obs}, lags -{self.max_lag}..+{self.max_lag} {unit}s)."
        )
        detail = (
            f"Best lag {b.lag:+d} {unit}s: corr {fmt.corr(b.corr)} over {b.n} pairs, p"
            f" {fmt.pvalue(b.p_value)} alone, adjusted p {fmt.pvalue(b.p_value_adjusted)}"
            f" ({self.adjustment})."
        )
        opt = [
            f"Sub-period corr at that lag: {', '.join(fmt.corr(s.corr) for s in self.stability)}."
        ]
        if self.granger is not None:
            opt.append(
                f"Granger F test at {self.granger.lag} lags: p {fmt.pvalue(self.granger.p_value)}."
            )
        if self.event_study is not None:
            opt.append(self.event_study.headline())
        return compose([head, self.verdict], [detail, *opt], source_note(self.provenance))


def _lag_words(lag: int, unit: str) -> str:
    if lag == 0:
        return f"0 {unit}s, same {unit}"
    return f"{lag:+d} {unit}{'s' if abs(lag) != 1 else ''}"


def verdict(r: LeadLagResult) -> str:
    """One plain sentence on what the best lag says about "the follower follows the leader"."""
    b, unit, lead, fol = r.best_lag, r.lag_unit, r.leader_name, r.follower_name
    figures = f"corr {fmt.corr(b.corr)}, adjusted p-value {fmt.pvalue(b.p_value_adjusted)}"
    if not b.significant:
        text = (
            f"No significant lead/lag: the best lag ({_lag_words(b.lag, unit)}, corr"
            f" {fmt.corr(b.corr)}) has an adjusted p-value of {fmt.pvalue(b.p_value_adjusted)}, so"
            f" the data does not support the claim that {fol} follows {lead}."
        )
    elif b.lag > 0:
        text = (
            f"Significant lead: {lead} leads {fol} by {_lag_words(b.lag, unit)[1:]} ({figures}), "
            f"consistent with {fol} following {lead}."
        )
    elif b.lag < 0:
        text = (
            f"Significant, but the other way round: {fol} leads {lead} by "
            f"{_lag_words(b.lag, unit)[1:]} ({figures}), so the data does not support {fol} "
            f"following {lead}."
        )
    else:
        text = (
            f"Significant same-{unit} co-movement ({figures}) but no lead, so the data does not "
            f"support {fol} following {lead} with a lag."
        )
    if b.significant and not r.stable_sign:
        text += (
            " The correlation does not keep its sign in all three sub-periods, so treat it with"
            " caution."
        )
    if any(p.synthetic for p in r.provenance):
        text += " (Computed on synthetic demo data, not real prices.)"
    return text
