"""The briefing's What to watch section: the levels from the data (the record to beat, the
52-week range) and the pending signals (breakouts in progress, levels close at hand, and a
significant leader's breakout its follower may echo).

Like every template, each sentence is written from the facts and each figure formatted by
:mod:`tools.formatting`.
"""

from __future__ import annotations

from assistant.briefing.doc import SECTION_TITLES, Block, Section
from assistant.briefing.facts import HIGHS_WINDOW, AssetFacts, Facts
from tools import formatting as f

P, PCT = f.price, f.pct


def watch_section(facts: Facts) -> Section:
    levels = tuple(_levels_line(a) for a in facts.assets)
    signals = pending_signals(facts) or [
        "No pending signals: no breakout is in progress and no asset is close to a record or to its"
        " 52-week low."
    ]
    blocks = (
        Block("para", "**Levels from the data**"),
        Block("bullets", items=levels),
        Block("para", "**Pending signals**"),
        Block("bullets", items=tuple(signals)),
    )
    return Section("watch", SECTION_TITLES["watch"], blocks)


def _levels_line(a: AssetFacts) -> str:
    lv, p = a.levels, a.price
    if a.records.breaking_out:
        record = (
            f"at its record: a close above {P(lv['record_to_beat'])} extends it; the run started by"
            f" breaking {P(lv['prior_record'])} ({lv['prior_record_date']})"
        )
    else:
        record = (
            f"record to beat {P(lv['record_to_beat'])} ({p.all_time_high.date}), "
            f"{PCT(lv['to_record_pct'])} above the last close"
        )
    return (
        f"**{a.name}**: {record}; 52-week range {P(p.low_52w.close)} ({p.low_52w.date}) to "
        f"{P(p.high_52w.close)} ({p.high_52w.date})."
    )


def pending_signals(facts: Facts) -> list[str]:
    """Breakouts in progress and levels close at hand, in watchlist order."""
    out: list[str] = []
    for a in facts.assets:
        out.extend(_asset_signals(a))
    for r in facts.ratios:
        for result, kind in ((r.records, "all-time"), (r.highs, f"{HIGHS_WINDOW}-day")):
            if result is not None and result.breaking_out and result.last_record is not None:
                out.append(
                    f"The **{r.comparison.ratio.name} ratio** is breaking out to {kind} highs"
                    f" (latest on {result.last_record.date}): {r.numerator.name} is outperforming"
                    f" {r.denominator.name}."
                )
                break
    out.extend(_lag_signals(facts))
    return out


def _asset_signals(a: AssetFacts) -> list[str]:
    lv, out = a.levels, []
    if a.records.breaking_out:
        out.append(
            f"**{a.name}** is in an all-time-high breakout (latest record close on "
            f"{a.records.last_record.date})."
        )
    elif a.highs is not None and a.highs.breaking_out:
        out.append(
            f"**{a.name}** is making new {HIGHS_WINDOW}-day highs (latest on"
            f" {a.highs.last_record.date})."
        )
    elif lv["near_record"]:
        out.append(
            f"**{a.name}** needs {PCT(lv['to_record_pct'])} to close above its all-time closing"
            f" high of {P(lv['record_to_beat'])}."
        )
    if lv["near_low_52w"]:
        out.append(
            f"**{a.name}** is {PCT(lv['from_low_52w_pct'])} from its 52-week low of "
            f"{P(a.price.low_52w.close)} ({a.price.low_52w.date})."
        )
    return out


def _lag_signals(facts: Facts) -> list[str]:
    out = []
    for p in facts.pairs:
        r = p.result
        leader = facts.asset(p.leader)
        if r is None or not r.best_lag.significant or r.best_lag.lag <= 0 or leader is None:
            continue
        if leader.records.breaking_out or (leader.highs is not None and leader.highs.breaking_out):
            out.append(
                f"**{r.follower_name}**: {r.leader_name} leads it by {r.best_lag.lag} weeks"
                " (significant) and is breaking out, so if the pattern holds it would show in"
                f" {r.follower_name} within {r.best_lag.lag} weeks."
            )
    return out
