"""Answer templates, one per kind of tool result, each opening with its verdict in plain words.

Every figure is formatted from the typed result with tools.formatting, and every figure carries
its date.
"""

from __future__ import annotations

import re

from assistant.offline import wording as w
from assistant.offline.quotes import mid
from tools import formatting as f
from tools.breakouts import BreakoutResult
from tools.leadlag import LeadLagResult
from tools.periods import PeriodChange
from tools.prices import CloseOn, LevelCross, PriceLookup
from tools.relative import Comparison


def price(r: PriceLookup, horizon: str | None, brief: bool = False, lead: str = "") -> str:
    """The close, one move (the asked horizon, else the past month), the record, the range."""
    h = horizon if r.change_pct.get(horizon or "") is not None else "1m"
    change, ref = r.change_pct.get(h), r.change_from.get(h)
    head = lead or f"**{r.name}** closed at **{f.price(r.close)} {r.unit}** on {r.as_of}."
    lines = [head]
    if change is not None and ref is not None and not lead:  # a lead states this move already
        lines.append(
            f"Over {w.WINDOW[h]} it is {w.updown(change)}, from {f.price(ref.close)} on {ref.date}."
        )
    lines.append(
        w.record_line(
            r.drawdown_from_ath_pct, r.all_time_high.close, r.all_time_high.date, None, _crypto(r)
        )
    )
    if not brief:
        others = [
            f"{w.WINDOW[k]} {f.pct(r.change_pct[k])}"
            for k in ("1d", "ytd", "1y")
            if k != h and r.change_pct.get(k) is not None
        ]
        if others:
            lines.append("Also: " + ", ".join(others) + ".")
        lo, hi = r.low_52w, r.high_52w
        lines.append(
            f"52-week range: {f.price(lo.close)} ({lo.date}) to {f.price(hi.close)} ({hi.date})."
        )
    return " ".join(lines)


def horizon_lead(r: PriceLookup, horizon: str, verdict: str = "", said: str | None = None) -> str:
    """A verdict line for "how has X done over H": the move first (after "Yes: " or "No: "
    for a yes/no question, or the premise denied when ``verdict`` is "not")."""
    change, ref = r.change_pct.get(horizon), r.change_from.get(horizon)
    if change is None or ref is None:
        return ""
    if verdict == "not":
        denied = "did not rise" if said == "up" else "did not fall"
        verdict = f"{r.name} {denied} over {w.WINDOW[horizon]}: it "
        return (
            f"**{verdict}is {w.updown(change)}**: from {f.price(ref.close)} on {ref.date} to"
            f" {f.price(r.close)} {r.unit} on {r.as_of}."
        )
    return (
        f"**{verdict}{r.name} is {w.updown(change)} over {w.WINDOW[horizon]}**: from"
        f" {f.price(ref.close)}"
        f" on {ref.date} to {f.price(r.close)} {r.unit} on {r.as_of}."
    )


def close_on(r: CloseOn) -> str:
    if r.exact:
        return f"**{r.name}** closed at **{f.price(r.close)}** on {r.requested}."
    weekday = r.requested.strftime("%A")
    return (
        f"**{r.name}** did not trade on {r.requested} (a {weekday}); its last close before it was"
        f" **{f.price(r.close)}** on {r.date}."
    )


def close_with_move(c: CloseOn, p: PeriodChange) -> str:
    """A close on a day with that day's move: "Gold closed at 2,890.20 on 2025-03-03, up ..."."""
    return (
        f"**{c.name}** closed at **{f.price(c.close)}** on {c.requested}, {w.updown(p.change_pct)}"
        f" on the day (from {f.price(p.base.close)} on {p.base.date})."
    )


def period(
    r: PeriodChange, verdict: str = "", said: str | None = None, open_end: bool | None = None
) -> str:
    """ "Gold rose 27.48% in 2024: from 2,062.40 on 2023-12-29 ... to 2,629.20 on 2024-12-31."

    Args:
        verdict: "Yes: " / "No: " for a yes/no question, or "not" when the move contradicts
            what a why-question took for granted (``said``: "up" or "down").
    """
    over = f"on {r.start}" if r.start == r.end else _over(r.label)
    if verdict == "not":  # "Bitcoin did not rise on 2026-02-05: it fell 14.13%"
        denied = "did not rise" if said == "up" else "did not fall"
        head = f"**{r.name} {denied} {over}: it {w.moved(r.change_pct)}**"
    elif r.start == r.end:
        head = f"**{verdict}On {r.start} {mid(r.name)} {w.moved(r.change_pct)}**"
    else:
        head = f"**{verdict}{r.name} {w.moved(r.change_pct)} {over}**"
    if r.start == r.end:
        return (
            f"{head}, from {f.price(r.base.close)} (its close on {r.base.date}) to"
            f" {f.price(r.last.close)}."
        )
    base = (
        f"its first close in the data, {f.price(r.base.close)} on {r.base.date}"
        if r.base_inside
        else f"{f.price(r.base.close)} on {r.base.date}"
    )
    lines = [f"{head}: from {base} to {f.price(r.last.close)} on {r.last.date}."]
    if r.so_far if open_end is None else open_end:
        lines.append("The period is not over in this data, so this is the move so far.")
    lines.append(
        f"Highest close in the period {f.price(r.high.close)} ({r.high.date}), lowest"
        f" {f.price(r.low.close)} ({r.low.date})."
    )
    return " ".join(lines)


def _over(label: str) -> str:
    """ "in 2024", "since 2020", "over the past 5 years", "from June 2025 to September 2025"."""
    if label.startswith("since"):
        return label
    if label.startswith("the past"):
        return f"over {label}"
    bare = re.sub(r"\([^)]*\)", "", label)  # a range outside the dates in brackets
    return f"from {label}" if " to " in bare else f"in {label}"


def compare_periods(rows: list[PeriodChange]) -> str:
    """A verdict naming the winner over one period, all ending on the same day."""
    ranked = sorted(rows, key=lambda p: -p.change_pct)
    best, label = ranked[0], rows[0].label
    over = _over(label)
    parts = [
        f"{mid(p.name)} {w.moved(p.change_pct)} (from {f.price(p.base.close)} on {p.base.date} to"
        f" {f.price(p.last.close)})"
        for p in rows
    ]
    ends = {p.last.date for p in rows}
    both = "both" if len(rows) == 2 else "all"
    end = f"{both} to {rows[0].last.date}" if len(ends) == 1 else "to each one's last close"
    verdict = f"**{best.name} did better {over}**" if len(ranked) > 1 else ""
    return f"{verdict}: " + "; ".join(parts) + f", {end}."


def compare(r: Comparison, horizon: str, ratio_first: bool = False) -> str:
    """ "Silver did better than gold over the past 3 months: ..., both to 2026-03-30."; with
    ``ratio_first`` the ratio of the two prices leads ("the gold/silver ratio")."""
    h = horizon if horizon in w.WINDOW else "3m"
    rows = [row for row in r.rows if row.change_pct.get(h) is not None]
    if len(rows) < 2:
        return f"There is not enough history to compare these assets over {w.WINDOW[h]}."
    ranked = sorted(rows, key=lambda row: -row.change_pct[h])
    best, rest = ranked[0], ranked[1:]
    beaten = w.and_list([row.name for row in rest])
    parts = "; ".join(f"{row.name} {w.moved(row.change_pct[h])}" for row in ranked)
    lines = [ratio_lead(r, h)] if ratio_first and r.ratio is not None else []
    lines.append(
        f"**{best.name} did better than {beaten} over {w.WINDOW[h]}**: {parts}, all measured to"
        f" the same day, {r.as_of}."
    )
    late = [row for row in r.rows if row.date != r.as_of]
    if late:
        lines.append(f"(Not every asset traded on {r.as_of}; each uses its last close before.)")
    lines.append(
        "Closes: "
        + "; ".join(f"{row.name} {f.price(row.close)} on {row.date}" for row in r.rows)
        + "."
    )
    if r.ratio is not None and r.ratio.change_pct.get(h) is not None and not ratio_first:
        lines.append(
            f"The {r.ratio.name} ratio is {f.num(r.ratio.ratio, 2 if r.ratio.ratio >= 1 else 4)},"
            f" {w.updown(r.ratio.change_pct[h])} over {w.WINDOW[h]}."
        )
    return " ".join(lines)


def ratio_lead(r: Comparison, h: str) -> str:
    """ "The Gold/Silver ratio is 64.36 on 2026-03-30, up 13.95% over the past 3 months; ..." """
    x = r.ratio
    places = 2 if x.ratio >= 1 else 4
    change = x.change_pct.get(h)
    move = f", {w.updown(change)} over {w.WINDOW[h]}" if change is not None else ""
    return (
        f"**The {x.name} ratio is {f.num(x.ratio, places)} on {x.as_of}**{move}. Since"
        f" {x.first_date} it has ranged from {f.num(x.low.close, places)} ({x.low.date}) to"
        f" {f.num(x.high.close, places)} ({x.high.date})."
    )


def breakout(
    r: BreakoutResult, p: PriceLookup | None, yes_no: bool = True, asked: str = "breaking out"
) -> str:
    """At a record only when the last close is the record; otherwise how far below and since
    when (in trading days), with a recent breakout named as such. A yes/no question ("is it
    breaking out?") gets "Yes"/"No" first; "what is its record?" gets the record first."""
    crypto = r.asset in ("bitcoin", "ethereum") or "-USD" in r.symbol
    unit = w.day_unit(crypto)
    rec = r.last_record
    if rec is None:
        return f"**No: {r.name} has made no record close in this data.**"
    since = r.bars_since_last_record or 0
    if since == 0:
        head = (
            f"**{'Yes: ' if yes_no else ''}{r.name} is at a record.** Its close of"
            f" {f.price(r.close)} on {r.as_of} is its highest close ever"
        )
        ep = r.episodes[-1]
        return f"{head}; this run of records began on {ep.start}, above {f.price(ep.prior_record)}."
    below = f.pct(abs(r.distance_from_record_pct or 0.0), signed=False)
    where = (
        f"{below} below its record close of {f.price(rec.close)}, set on {rec.date},"
        f" {f.count(since)} {unit} earlier"
    )
    if asked == "when":  # "when did silver last set a record?": the date first
        lines = [
            f"**{r.name} last closed at a record on {rec.date}, at {f.price(rec.close)}**; it"
            f" closed at {f.price(r.close)} on {r.as_of}, {below} below it, {f.count(since)}"
            f" {unit} later."
        ]
    elif not yes_no:  # "what is its record?", "how far is it from its peak?"
        lines = [
            f"**{r.name}'s record close is {f.price(rec.close)}, set on {rec.date}**; it"
            f" closed at {f.price(r.close)} on {r.as_of}, {below} below it, {f.count(since)}"
            f" {unit} later. It is not at a record now."
        ]
    elif r.breaking_out:  # a record a few days ago: a recent breakout, but not at a record now
        lines = [
            f"**{r.name} is not at a record now**: it closed at {f.price(r.close)} on {r.as_of},"
            f" {where} (a recent breakout: the run of records began on {r.episodes[-1].start})."
        ]
    else:
        lines = [
            f"**No: {r.name} is not {asked}.** It closed at {f.price(r.close)} on"
            f" {r.as_of}, {where}."
        ]
    lines.append(f"A new record needs a close above {f.price(r.record_to_beat)}.")
    if p is not None:
        m = p.change_pct.get("1m")
        if m is not None:
            lines.append(f"Over the past month it is {w.updown(m)}.")
    return " ".join(lines)


def level(r: LevelCross) -> str:
    if r.date:
        prior = r.prior_high
        before = (
            f" Before that its highest close was {f.price(prior.close)} on {prior.date}."
            if prior
            else ""
        )
        return (
            f"**Yes: {r.name} first closed at or above {f.price(r.level)} on {r.date}**, at"
            f" {f.price(r.close)}.{before}"
        )
    best = (
        f" Its highest close is {f.price(r.prior_high.close)} on {r.prior_high.date}."
        if r.prior_high
        else ""
    )
    return f"**No: {r.name} has not closed at or above {f.price(r.level)} in this data.**{best}"


def lead_lag(r: LeadLagResult) -> str:
    best, unit = r.best_lag, r.lag_unit
    units = f"{abs(best.lag)} {unit}{'s' if abs(best.lag) != 1 else ''}"
    if best.lag > 0:
        order = f"{units}, {r.leader_name} moving first"
    elif best.lag < 0:
        order = f"{units}, {r.follower_name} moving first"
    else:
        order = f"the same {unit}"
    lines = [
        f"**{r.verdict}**",
        f"The strongest link is at {order}: correlation {f.corr(best.corr)} over"
        f" {f.count(r.n_obs)} {r.freq} returns.",
        f"Because many lags were searched, the adjusted p-value {f.pvalue(best.p_value_adjusted)}"
        " is the one that counts: it is the chance of finding a link this strong by luck"
        f" (the raw p-value of that one lag alone is {f.pvalue(best.p_value)}).",
    ]
    if r.event_study is not None:
        lines.append(f"After {r.leader_name}'s breakouts: {r.event_study.verdict}")
    return " ".join(lines)


def _crypto(r) -> bool:
    return str(getattr(r, "symbol", "")).endswith("-USD")
