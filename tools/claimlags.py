"""The tester for lead/lag claims: "bitcoin follows gold and silver with a lag of weeks to
months", "silver's strength has preceded bitcoin rallies".

Each leader is tested against the follower with :func:`tools.leadlag.lead_lag` (weekly unless
the claim speaks of days, lags up to 26 weeks or the claimed maximum, a block-permutation p-value
adjusted for the search over lags, and the breakout event study). What the best lag shows:

- met: significant, the leader first, a positive correlation, inside the claimed range and of
  the same sign in all three sub-periods;
- partial: significant with the leader first, but outside the range, negative or unstable; or
  the best lag is the same week (or the follower first) while the strongest lag the claim allows
  is significant on its own after a Bonferroni adjustment for the lags in the claimed range;
- together: significant in the same week and nothing in the claimed range: they move together,
  which is no lead;
- opposite: significant with the follower first, and nothing in the claimed range;
- none: no significant lag.

A claim is supported when every leader meets it, partly supported when one meets it at least in
part, contradicted when every leader shows the opposite order, and not supported otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tools import formatting as fmt
from tools.claimlab import Lab
from tools.claimprices import no_later_data
from tools.claims import Claim, ClaimCheck, Verdict
from tools.lagreport import LagCorr, LeadLagResult
from tools.leadlag import ALPHA, DEFAULT_MAX_LAG

DEFAULT_RANGE = {"weekly": (1, 26), "daily": (1, 130)}
RETEST_DAYS = 28  # "since": re-run on the latest data once at least this much is new
FLAWS = {  # after "Silver leads Bitcoin by 4 weeks (corr ..., adjusted p ...), "
    "": "inside {claimed}, with the same sign in all three sub-periods",
    "negative": "but the correlation is negative: {follower} tends to move the opposite way",
    "outside": "outside {claimed}",
    "unstable": "inside {claimed}, but its sign changes across the three sub-periods",
}


@dataclass(frozen=True)
class PairTest:
    """What one leader's lead/lag result says about the claimed range."""

    result: LeadLagResult
    outcome: str  # met, partial, together, opposite or none
    flaw: str = ""  # partial: what is not as claimed, in words
    inside: LagCorr | None = None  # the strongest lag the claim allows (leader first, lo..hi)
    inside_p: float | None = None  # its p-value, Bonferroni-adjusted for the lags in the range
    range_lags: int = 0


def lead_lag(claim: Claim, lab: Lab) -> ClaimCheck:
    follower, freq = claim.subject, claim.freq if claim.freq in DEFAULT_RANGE else "weekly"
    lo = claim.lag_min or DEFAULT_RANGE[freq][0]
    hi = claim.lag_max or DEFAULT_RANGE[freq][1]
    max_lag = max(DEFAULT_MAX_LAG[freq], hi)
    tests, figures, calls, ends = [], {}, [], []
    for leader in claim.reference:
        end = lab.last_bar([leader, follower])
        result, call = lab.lead_lag(leader, follower, end, freq, max_lag)
        test = judge(result, lo, hi)
        tests.append(test)
        figures.update(_figures(test))
        calls.append(call)
        ends.append(end)
    unit = "week" if freq == "weekly" else "day"
    leaders = _names(lab, claim.reference)
    claimed = f"Claimed: {leaders} first, {lab.name(follower)} {lo} to {hi} {unit}s later."
    verdict = _verdict([t.outcome for t in tests])
    since, since_brief, since_figures = _since(lab, claim, freq, max_lag, min(ends), lo, hi)
    return ClaimCheck(
        claim,
        verdict.value,
        f"{claimed} {' '.join(describe(t, lo, hi) for t in tests)}",
        figures,
        calls,
        min(ends),
        since,
        since_figures,
        [t.result for t in tests],
        brief=briefs(tests, lo, hi) + ".",
        since_brief=since_brief,
    )


def judge(result: LeadLagResult, lo: int, hi: int) -> PairTest:
    """What ``result`` says about "the follower follows the leader by lo..hi periods"."""
    best = result.best_lag
    if not best.significant:
        return PairTest(result, "none")
    if best.lag > 0:
        flaw = ""
        if best.corr < 0:
            flaw = "negative"
        elif not lo <= best.lag <= hi:
            flaw = "outside"
        elif not result.stable_sign:
            flaw = "unstable"
        return PairTest(result, "partial" if flaw else "met", flaw)
    inside, p_inside, count = strongest_inside(result, lo, hi)
    if inside is not None and p_inside is not None and p_inside < ALPHA:
        return PairTest(result, "partial", "weaker", inside, p_inside, count)
    return PairTest(
        result, "together" if best.lag == 0 else "opposite", "", inside, p_inside, count
    )


def strongest_inside(result: LeadLagResult, lo: int, hi: int):
    """The positive-correlation lag of largest correlation in lo..hi, its p-value times the
    number of lags in that range (Bonferroni, capped at 1), and that number."""
    inside = [x for x in result.lags if lo <= x.lag <= hi and x.corr is not None]
    if not inside:
        return None, None, 0
    top = max(inside, key=lambda x: x.corr)
    if top.corr <= 0 or top.p_value is None or not np.isfinite(top.p_value):
        return top, None, len(inside)
    return top, min(1.0, top.p_value * len(inside)), len(inside)


def _verdict(outcomes: list[str]) -> Verdict:
    if all(o == "met" for o in outcomes):
        return Verdict.SUPPORTED
    if any(o in ("met", "partial") for o in outcomes):
        return Verdict.PARTLY
    if all(o == "opposite" for o in outcomes):
        return Verdict.CONTRADICTED
    return Verdict.NOT_SUPPORTED


def lead_words(result: LeadLagResult, lag: int) -> str:
    """ "Gold leading by 4 weeks", "Bitcoin leading by 12 weeks", "in the same week"."""
    unit = result.lag_unit
    if lag == 0:
        return f"in the same {unit}"
    who = result.leader_name if lag > 0 else result.follower_name
    return f"{who} leading by {abs(lag)} {unit}{'s' if abs(lag) != 1 else ''}"


def _stats(corr: float, p: float) -> str:
    return f"corr {fmt.corr(corr)}, adjusted p {fmt.pvalue(p)}"


def describe(test: PairTest, lo: int, hi: int) -> str:
    """The full sentence for one leader: the sample, what the best lag shows in words with its
    figures, the claimed range where it matters, and the event study when there is one."""
    r, b = test.result, test.result.best_lag
    unit = r.lag_unit
    head = (
        f"{r.leader_name} → {r.follower_name}, {r.freq} returns {r.start} to {r.end} "
        f"({r.n_obs} {unit}s): "
    )
    stats = _stats(b.corr, b.p_value_adjusted)
    claimed = f"the claimed {lo} to {hi} {unit}s"
    if test.outcome == "none":
        body = (
            f"no significant lead either way; the strongest lag, {lead_words(r, b.lag)} (corr "
            f"{fmt.corr(b.corr)}), has an adjusted p of {fmt.pvalue(b.p_value_adjusted)}"
        )
    elif b.lag == 0:
        body = f"they move together in the same {unit} ({stats}); no lead of either"
    elif b.lag < 0:
        body = f"{leads(r, b.lag)} ({stats}): the other way round"
    else:
        body = f"{leads(r, b.lag)} ({stats}), " + FLAWS[test.flaw].format(
            claimed=claimed, follower=r.follower_name
        )
    return head + body + _inside_text(test, claimed) + _study(r) + "."


def _inside_text(test: PairTest, claimed: str) -> str:
    if test.outcome not in ("together", "opposite", "partial") or test.inside is None:
        return ""
    if test.outcome == "partial" and test.flaw != "weaker":
        return ""
    x, r = test.inside, test.result
    if test.inside_p is None:
        return f"; within {claimed} no lag has a positive correlation"
    verdict = "significant too" if test.inside_p < ALPHA else "not significant"
    return (
        f"; within {claimed} the strongest lag, {lead_words(r, x.lag)} (corr "
        f"{fmt.corr(x.corr)}), has p {fmt.pvalue(test.inside_p)} adjusted for the "
        f"{test.range_lags} lags claimed: {verdict}"
    )


def _study(r: LeadLagResult) -> str:
    study = r.event_study
    if study is None or not study.horizons:
        return ""
    h = next((h for h in study.horizons if h.horizon_weeks == 4), study.horizons[0])
    return (
        f"; after {len(study.events)} {r.leader_name} breakouts {r.follower_name}'s "
        f"{h.horizon_weeks}-week return averaged {fmt.pct(h.mean_pct)} against "
        f"{fmt.pct(h.baseline_mean_pct)} in other weeks (p {fmt.pvalue(h.p_value)})"
    )


def brief(test: PairTest, lo: int, hi: int) -> str:
    """A short line for one leader, for a table cell."""
    r, b = test.result, test.result.best_lag
    p = f"adjusted p {fmt.pvalue(b.p_value_adjusted)}"
    pair = f"{r.leader_name} → {r.follower_name}"
    if test.outcome == "none":
        return f"{pair}: no significant lead ({p})"
    if b.lag == 0:
        text = f"{pair}: they move in the same {r.lag_unit} (corr {fmt.corr(b.corr)}, {p}), no lead"
    elif b.lag < 0:
        text = f"{pair}: {leads(r, b.lag)} ({p}), the other way round"
    else:
        note = {
            "": "as claimed",
            "negative": "but with a negative correlation",
            "outside": f"outside the claimed {lo} to {hi}",
            "unstable": "but its sign changes over time",
        }[test.flaw]
        return f"{leads(r, b.lag)} ({p}), {note}"
    if test.flaw == "weaker" and test.inside is not None:
        text += (
            f"; {lead_words(r, test.inside.lag)} is significant too (p "
            f"{fmt.pvalue(test.inside_p)} for the {test.range_lags} lags claimed)"
        )
    return text


def briefs(tests: list[PairTest], lo: int, hi: int) -> str:
    """The short lines of all leaders; several leaders with no significant lead in one line."""
    if len(tests) > 1 and all(t.outcome == "none" for t in tests):
        ps = [fmt.pvalue(t.result.best_lag.p_value_adjusted) for t in tests]
        names = [t.result.leader_name for t in tests]
        first = f"{names[0]} (adjusted p {ps[0]})"
        rest = [f"{n} ({p})" for n, p in zip(names[1:], ps[1:], strict=True)]
        return (
            f"No significant lead of {', '.join([first, *rest[:-1]])} or {rest[-1]} over "
            f"{tests[0].result.follower_name}"
        )
    return "; ".join(brief(t, lo, hi) for t in tests)


def leads(r: LeadLagResult, lag: int) -> str:
    """ "Silver leads Bitcoin by 4 weeks" (lag > 0) or "Bitcoin leads Silver by 12 weeks"."""
    first, second = (
        (r.leader_name, r.follower_name) if lag > 0 else (r.follower_name, r.leader_name)
    )
    unit = f"{r.lag_unit}{'s' if abs(lag) != 1 else ''}"
    return f"{first} leads {second} by {abs(lag)} {unit}"


def _figures(test: PairTest) -> dict:
    r = test.result
    b, pair = r.best_lag, f"{r.leader}_{r.follower}"
    out = {
        f"{pair}_best_lag": b.lag,
        f"{pair}_corr": round(b.corr, 4),
        f"{pair}_p_adjusted": round(b.p_value_adjusted, 4),
        f"{pair}_n": r.n_obs,
    }
    if test.inside is not None:
        out[f"{pair}_lag_in_range"] = test.inside.lag
        out[f"{pair}_corr_in_range"] = round(float(test.inside.corr), 4)
        out[f"{pair}_range_lags"] = test.range_lags
        if test.inside_p is not None:
            out[f"{pair}_p_in_range_adjusted"] = round(test.inside_p, 4)
    return out


def _names(lab: Lab, keys: list[str]) -> str:
    names = [lab.name(k) for k in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _since(lab: Lab, claim: Claim, freq: str, max_lag: int, end: dt.date, lo: int, hi: int):
    """The same test on all the data to the latest bar, once a month or more is new: (text,
    short text, figures)."""
    latest = lab.latest([claim.subject, *claim.reference])
    if latest <= end:
        text = no_later_data(end)
        return text, text, {}
    if (latest - end).days < RETEST_DAYS:
        text = f"Too little new data to re-test (to {latest})."
        return text, text, {}
    tests, figures = [], {}
    for leader in claim.reference:
        result, _ = lab.lead_lag(leader, claim.subject, latest, freq, max_lag)
        test = judge(result, lo, hi)
        tests.append(test)
        figures.update({f"now_{k}": v for k, v in _figures(test).items()})
    figures["now_date"] = latest.isoformat()
    text = f"Re-tested on data to {latest}: {'; '.join(brief(t, lo, hi) for t in tests)}."
    short = briefs(tests, lo, hi)
    short = "n" + short[1:] if short.startswith("No ") else short
    return text, f"Re-tested to {latest}: {short}.", figures
