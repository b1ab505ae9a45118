"""Testers for claims about one asset's price: a move or trend, and a macro driver read through
its market proxy (the dollar index for the dollar, the 10-year yield for yields). Levels and
records are in :mod:`tools.claimlevels`.

A move is measured over the windows the claim
names ("for months": 3 and 6 months; "recently": 1 and 3 months), each against a threshold, and
"accelerating in January" compares that month with the three before it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from tools import formatting as fmt
from tools.claimdates import window_start
from tools.claimlab import Change, Lab
from tools.claims import Call, Claim, ClaimCheck, Verdict, pct_figure, price_figure, window_words

FAR = 10.0  # percent: a level missed, or a record trailed, by more than this is contradicted
# A move counts when it exceeds this many typical moves of the asset over the window (the
# standard deviation of such changes, from the last three years of daily returns), so a 1% month
# is a move for the dollar index and noise for bitcoin; "sharply" needs three times as much.
MOVE_SIGMAS = 0.5
SPANS = {
    None: ("1m", "3m"),
    "recent": ("1m", "3m"),
    "weeks": ("1w", "1m"),
    "months": ("3m", "6m"),
    "history": ("1y",),
}


def windows_of(claim: Claim) -> tuple[str, ...]:
    """The windows a claim's change is measured over."""
    if claim.window in SPANS:
        return SPANS[claim.window]
    return (claim.window,)


def threshold(lab: Lab, key: str, window: str, end: dt.date, strong: bool = False) -> float:
    """The change (percent) a move of ``key`` over ``window`` must exceed to count."""
    return MOVE_SIGMAS * lab.typical_move(key, window, end) * (3 if strong else 1)


def combine(outcomes: list[str]) -> Verdict:
    """All windows met: supported; some: partly; all the other way: contradicted; else not."""
    if outcomes and all(o == "met" for o in outcomes):
        return Verdict.SUPPORTED
    if "met" in outcomes:
        return Verdict.PARTLY
    if outcomes and all(o == "opposite" for o in outcomes):
        return Verdict.CONTRADICTED
    return Verdict.NOT_SUPPORTED


def period_words(lab: Lab, window: str, end: dt.date) -> str:
    """A window in words; a calendar period that runs past the date tested says "so far"."""
    period = lab.period(window)
    words = window_words(window)
    return f"{words} so far" if period is not None and period[1] > end else words


def dates(lab: Lab, window: str, change: Change) -> str:
    """ " (2023-12-29 to 2024-12-31)" for a change over a calendar period: from the last close
    before the period to the last close in it; nothing for a trailing window."""
    if lab.period(window) is None:
        return ""
    return f" ({change.start.date} to {change.end.date})"


def period_dates(lab: Lab, window: str, changes: list[Change]) -> dict:
    """The closes' dates of changes over a calendar period, as figures."""
    if lab.period(window) is None:
        return {}
    out = {}
    for c in changes:
        out[f"{c.asset}_{window}_from"] = c.start.date.isoformat()
        out[f"{c.asset}_{window}_to"] = c.end.date.isoformat()
    return out


def to_end(lab: Lab, windows: tuple[str, ...], end: dt.date, text: str) -> str:
    """``text`` after "To 2025-06-30: ", unless every window is a calendar period over by then."""
    closed = [lab.period(w) for w in windows]
    if all(p is not None and p[1] <= end for p in closed):
        return text[0].upper() + text[1:]
    return f"To {end}: {text}"


def no_later_data(end: dt.date) -> str:
    return f"No later data: the data ends on {end}."


# --- move or trend -----------------------------------------------------------------------


def move(claim: Claim, lab: Lab, prefix: str = "") -> ClaimCheck:
    """ "X has rallied for months", "X fell sharply", "X has been flat", "accelerated"."""
    if claim.direction == "accelerate":
        return _acceleration(claim, lab)
    key, direction = claim.subject, claim.direction or "up"
    end = lab.last_bar([key])
    outcomes, parts, short, figures, calls, limits = [], [], [], {}, [], []
    for w in windows_of(claim):
        change, used = lab.window_change(key, w, end)
        calls.extend(used)
        limit = threshold(lab, key, w, end, claim.strong)
        outcome = _judge(change.pct, direction, limit)
        outcomes.append(outcome)
        span = dates(lab, w, change)[2:-1]
        parts.append(
            f"{fmt.pct(change.pct)} over {period_words(lab, w, end)} "
            f"({f'{span}: ' if span else ''}{OUTCOME[direction][outcome]})"
        )
        figures.update(period_dates(lab, w, [change]))
        short.append(f"{fmt.pct(change.pct)} over {window_words(w)}")
        figures[f"change_{w}_pct"] = pct_figure(change.pct)
        figures[f"threshold_{w}_pct"] = pct_figure(limit)
        limits.append((w, limit))
    figures["close"] = price_figure(change.end.close)
    needs = _needs(claim, limits)
    reason = (
        f"{prefix}{lab.name(key)} {' and '.join(parts)}, to {fmt.price(change.end.close)} on "
        f"{change.end.date}; {needs[0]}."
    )
    since, since_figures = since_change(lab, [key], end)
    return ClaimCheck(
        claim,
        combine(outcomes).value,
        reason,
        figures,
        calls,
        end,
        since,
        since_figures,
        brief=f"{lab.name(key)} {', '.join(short)} ({needs[1]}).",
    )


# What a window's change is, for each claimed direction and outcome of :func:`_judge`.
OUTCOME = {
    "up": {"met": "a rise", "neither": "too small to count", "opposite": "a fall"},
    "down": {"met": "a fall", "neither": "too small to count", "opposite": "a rise"},
    "flat": {"met": "flat", "neither": "a move", "opposite": "a large move"},
}


def _judge(pct: float, direction: str, limit: float) -> str:
    if direction == "flat":
        return "met" if abs(pct) <= limit else ("opposite" if abs(pct) >= 3 * limit else "neither")
    sign = -1.0 if direction == "down" else 1.0
    if sign * pct >= limit:
        return "met"
    return "opposite" if sign * pct <= -limit else "neither"


def _needs(claim: Claim, limits: list[tuple[str, float]]) -> tuple[str, str]:
    """The thresholds the claim was held to, in words: at length and in brief."""
    sizes = " and ".join(f"{fmt.pct(v, signed=False)} over {window_words(w)}" for w, v in limits)
    values = ", ".join(fmt.pct(v, signed=False) for _, v in limits)
    if claim.direction == "flat":
        return f"flat means within {sizes} (half a typical move)", f"flat means within {values}"
    word = "fall" if claim.direction == "down" else "rise"
    article = "a sharp" if claim.strong else "a"
    scale = "one and a half typical moves" if claim.strong else "half a typical move"
    return f"{article} {word} counts from {sizes} ({scale})", f"{article} {word} needs {values}"


def _acceleration(claim: Claim, lab: Lab) -> ClaimCheck:
    """The named month's (or the latest month's) change against the average of the three
    months before it, and the month's best point."""
    key = claim.subject
    name = lab.name(key)
    end = lab.last_bar([key])
    period = lab.period(claim.window) if claim.window else None
    last = min(period[1], end) if period else end
    first = (period[0] - dt.timedelta(days=1)) if period else window_start(end, "1m")
    now, calls = lab.change(key, first, last)
    prior, marks = [], first
    for _ in range(3):
        start = period_start(marks, monthly=period is not None)
        change, used = lab.change(key, start, marks)
        prior.append(change.pct), calls.extend(used)
        marks = start
    avg = float(np.mean(prior))
    inside = lab.upto(key, last).frame.loc[str(first + dt.timedelta(days=1)) :, "close"]
    peak = (float(inside.max()) / now.start.close - 1.0) * 100.0 if len(inside) else now.pct
    label = window_words(claim.window) if period else "the latest month"
    figures = {
        "change_pct": pct_figure(now.pct),
        "prior_average_pct": pct_figure(avg),
        "peak_change_pct": pct_figure(peak),
        "peak_date": str(inside.idxmax().date()) if len(inside) else None,
        "to": str(now.end.date),
    }
    bar = max(avg, 0.0)
    pace = "more than" if now.pct > bar else "no gain, against" if now.pct <= 0 else "less than"
    reason = (
        f"{name} {fmt.pct(now.pct)} in {label} (to {now.end.date}), {pace} its average of "
        f"{fmt.pct(avg)} a month over the three months before"
    )
    brief = f"{label[0].upper()}{label[1:]} {fmt.pct(now.pct)} vs {fmt.pct(avg)} a month before"
    if now.pct > bar:
        verdict = Verdict.SUPPORTED
    elif peak > bar:
        verdict = Verdict.PARTLY
        best = inside.idxmax().date()
        reason += (
            f"; at its best, on {best}, the month was {fmt.pct(peak)}, more than that average, "
            "before it fell back"
        )
        brief += f"; {fmt.pct(peak)} at its best ({best})"
    else:
        verdict = Verdict.CONTRADICTED if now.pct < 0 and peak <= 0 else Verdict.NOT_SUPPORTED
    since, since_figures = since_change(lab, [key], end)
    return ClaimCheck(
        claim,
        verdict.value,
        reason + ".",
        figures,
        calls,
        end,
        since,
        since_figures,
        brief=brief + ".",
    )


def period_start(day: dt.date, monthly: bool) -> dt.date:
    """The day before a calendar month ending at ``day`` (month ends), or ``day`` minus 1m."""
    if monthly:
        return day.replace(day=1) - dt.timedelta(days=1)
    return window_start(day, "1m")


def since_change(lab: Lab, keys: list[str], end: dt.date) -> tuple[str, dict]:
    """Each asset's change from the tested bar to the latest common bar."""
    latest = lab.latest(keys)
    if latest <= end:
        return no_later_data(end), {}
    parts, figures = [], {}
    for key in keys:
        change, _ = lab.change(key, end, latest)
        parts.append(f"{lab.name(key)} {fmt.pct(change.pct)} to {fmt.price(change.end.close)}")
        figures[f"{key}_since_pct"] = pct_figure(change.pct)
        figures[f"{key}_now"] = price_figure(change.end.close)
    figures["now_date"] = latest.isoformat()
    return f"From {end} to {latest}: {', '.join(parts)}.", figures


# --- macro driver through a market proxy -------------------------------------------------

PROXIES = {
    "dxy": "Proxy: the US Dollar Index (dxy). ",
    "us10y": "Proxy: the US 10-year Treasury yield (us10y), a nominal yield standing in for "
    "real yields. ",
}


def macro(claim: Claim, lab: Lab) -> ClaimCheck:
    """ "The dollar is weakening", "real yields are falling": the proxy's move."""
    prefix = PROXIES.get(claim.subject, f"Proxy: {lab.name(claim.subject)}. ")
    if claim.driver and "real" not in claim.driver and claim.subject == "us10y":
        prefix = "Proxy: the US 10-year Treasury yield (us10y). "
    return move(claim, lab, prefix)


def calls_text(calls: list[Call]) -> str:
    return "; ".join(c.text() for c in calls)
