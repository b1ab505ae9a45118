"""The tester for lead/lag claims: "bitcoin follows gold and silver with a lag of weeks to
months", "silver's strength has preceded bitcoin rallies".

Each leader is tested against the follower with :func:`tools.leadlag.lead_lag` (weekly unless
the claim speaks of days, lags up to 26 weeks or the claimed maximum, a block-permutation p-value
adjusted for the search over lags, and the breakout event study). A leader supports the claim
when its best lag is significant, positive (the leader first), with a positive correlation,
inside the claimed range and of the same sign in all three sub-periods; significant but outside
the range (or unstable) supports it in part; the follower leading contradicts it.
"""

from __future__ import annotations

import datetime as dt

from tools import formatting as fmt
from tools.claimlab import Lab
from tools.claimprices import combine, no_later_data
from tools.claims import Claim, ClaimCheck, Verdict
from tools.lagreport import LeadLagResult
from tools.leadlag import DEFAULT_MAX_LAG

DEFAULT_RANGE = {"weekly": (1, 26), "daily": (1, 130)}
RETEST_DAYS = 28  # "since": re-run on the latest data once at least this much is new


def lead_lag(claim: Claim, lab: Lab) -> ClaimCheck:
    follower, freq = claim.subject, claim.freq if claim.freq in DEFAULT_RANGE else "weekly"
    lo = claim.lag_min or DEFAULT_RANGE[freq][0]
    hi = claim.lag_max or DEFAULT_RANGE[freq][1]
    max_lag = max(DEFAULT_MAX_LAG[freq], hi)
    outcomes, parts, figures, calls, results, ends = [], [], {}, [], [], []
    for leader in claim.reference:
        end = lab.last_bar([leader, follower])
        result, call = lab.lead_lag(leader, follower, end, freq, max_lag)
        outcome = judge(result, lo, hi)
        outcomes.append(outcome)
        parts.append(describe(result, outcome))
        figures.update(_figures(result))
        calls.append(call)
        results.append(result)
        ends.append(end)
    unit = "week" if freq == "weekly" else "day"
    claimed = f"Claimed: {_names(lab, claim.reference)} first, by {lo} to {hi} {unit}s."
    verdict = _verdict(outcomes)
    since, since_figures = _since(lab, claim, freq, max_lag, min(ends))
    reason = f"{claimed} {' '.join(parts)}"
    return ClaimCheck(
        claim, verdict.value, reason, figures, calls, min(ends), since, since_figures, results
    )


def judge(result: LeadLagResult, lo: int, hi: int) -> str:
    """met, partial, opposite or none, for "the follower follows the leader by lo..hi"."""
    best = result.best_lag
    if not best.significant or best.lag == 0:
        return "none"
    if best.lag < 0:
        return "opposite"
    if best.corr > 0 and lo <= best.lag <= hi and result.stable_sign:
        return "met"
    return "partial"


def _verdict(outcomes: list[str]) -> Verdict:
    if all(o == "met" for o in outcomes):
        return Verdict.SUPPORTED
    if any(o in ("met", "partial") for o in outcomes):
        return Verdict.PARTLY
    return combine(["opposite" if o == "opposite" else "neither" for o in outcomes])


WORDS = {
    "met": "significant and in the claimed range",
    "partial": "significant, but not as claimed",
    "opposite": "significant the other way round: the follower moves first",
    "none": "not significant",
}


def describe(result: LeadLagResult, outcome: str) -> str:
    """One sentence: the pair, the sample, the best lag with its adjusted p-value, the verdict,
    and the event study when there is one."""
    b, unit = result.best_lag, result.lag_unit
    text = (
        f"{result.leader_name} → {result.follower_name}, {result.freq} {result.start} to "
        f"{result.end} ({result.n_obs} returns): best lag {b.lag:+d} {unit}s, corr "
        f"{fmt.corr(b.corr)}, adjusted p {fmt.pvalue(b.p_value_adjusted)}: {WORDS[outcome]}"
    )
    if outcome in ("met", "partial") and not result.stable_sign:
        text += " (its sign changes across sub-periods)"
    study = result.event_study
    if study is not None and study.horizons:
        h = next((h for h in study.horizons if h.horizon_weeks == 4), study.horizons[0])
        text += (
            f"; after {len(study.events)} {result.leader_name} breakouts {result.follower_name}'s "
            f"{h.horizon_weeks}-week return averaged {fmt.pct(h.mean_pct)} vs "
            f"{fmt.pct(h.baseline_mean_pct)} (p {fmt.pvalue(h.p_value)})"
        )
    return text + "."


def _figures(result: LeadLagResult) -> dict:
    b, pair = result.best_lag, f"{result.leader}_{result.follower}"
    return {
        f"{pair}_best_lag": b.lag,
        f"{pair}_corr": round(b.corr, 4),
        f"{pair}_p_adjusted": round(b.p_value_adjusted, 4),
        f"{pair}_n": result.n_obs,
    }


def _names(lab: Lab, keys: list[str]) -> str:
    names = [lab.name(k) for k in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _since(lab: Lab, claim: Claim, freq: str, max_lag: int, end: dt.date) -> tuple[str, dict]:
    """The same test on all the data to the latest bar, once a month or more is new."""
    latest = lab.latest([claim.subject, *claim.reference])
    if latest <= end:
        return no_later_data(end), {}
    if (latest - end).days < RETEST_DAYS:
        return f"Too little new data to re-test (to {latest}).", {}
    parts, figures = [], {}
    for leader in claim.reference:
        result, _ = lab.lead_lag(leader, claim.subject, latest, freq, max_lag)
        b = result.best_lag
        state = "significant" if b.significant else "not significant"
        parts.append(
            f"{result.leader_name} → {result.follower_name} best lag {b.lag:+d} "
            f"{result.lag_unit}s, adjusted p {fmt.pvalue(b.p_value_adjusted)} ({state})"
        )
        figures[f"{leader}_best_lag"] = b.lag
        figures[f"{leader}_p_adjusted"] = round(b.p_value_adjusted, 4)
    figures["now_date"] = latest.isoformat()
    return f"Re-tested on data to {latest}: {'; '.join(parts)}.", figures
