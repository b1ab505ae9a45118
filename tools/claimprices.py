"""Testers for claims about one asset's price: a level or record, a move or trend, and a macro
driver read through its market proxy (the dollar index for the dollar, the 10-year yield for
yields).

A level or record claim about "today" counts anywhere in the document's date span (one day for a
dated document, a whole month for "January 2026"). A move is measured over the windows the claim
names ("for months": 3 and 6 months; "recently": 1 and 3 months), each against a threshold, and
"accelerating in January" compares that month with the three before it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from tools import formatting as fmt
from tools.breakouts import RECENT_BARS
from tools.claimdates import later_words, named_period, window_start
from tools.claimlab import Lab
from tools.claims import Call, Claim, ClaimCheck, Verdict, pct_figure, price_figure, window_words
from tools.errors import DateRangeError

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


def no_later_data(end: dt.date) -> str:
    return f"No later data: the data ends on {end}."


# --- level or record -----------------------------------------------------------------------


def level(claim: Claim, lab: Lab) -> ClaimCheck:
    """ "X hit $N", "above $N", "a new all-time high", "at record highs"."""
    key = claim.subject
    end = lab.last_bar([key])
    start = _span_start(claim, lab, end)
    frame = lab.upto(key).frame.loc[str(start) : str(end)]
    if frame["close"].dropna().empty:
        raise DateRangeError(f"there are no {lab.name(key)} prices from {start} to {end}")
    parts = []
    if claim.level is not None:
        parts.append(_level_part(claim, lab, key, frame, end))
    if claim.record or claim.level is None:
        parts.append(_record_part(lab, key, start, end))
    figures: dict = {}
    for part in parts:
        figures.update(part[2])
    verdict = combine([p[0] for p in parts])
    event = min((p[4] for p in parts if p[4] is not None), default=end)
    since, since_figures = _since_peak(lab, key, event, end, claim.direction == "below")
    figures["from"] = start.isoformat()
    reason = " ".join(p[1] for p in parts)
    calls = [p[3] for p in parts]
    return ClaimCheck(claim, verdict.value, reason, figures, calls, end, since, since_figures)


def _span_start(claim: Claim, lab: Lab, end: dt.date) -> dt.date:
    """The first day a claim about "today" may refer to: its named period, else the span."""
    period = named_period(claim.window)
    if period is not None:
        return period[0]
    return lab.span.start if lab.span.precision in ("month", "year") else end


def _level_part(claim: Claim, lab: Lab, key: str, frame, end: dt.date):
    name, lvl = lab.name(key), float(claim.level)
    below = claim.direction == "below"
    closes, highs = frame["close"], frame["low" if below else "high"]
    cross, call = lab.level_cross(key, lvl, end)
    hit_close = closes[closes <= lvl] if below else closes[closes >= lvl]
    hit_intraday = highs[highs <= lvl] if below else highs[highs >= lvl]
    figures = {"level": lvl}
    word = "at or below" if below else "at or above"
    if len(hit_intraday) and (not len(hit_close) or hit_intraday.index[0] < hit_close.index[0]):
        day = hit_intraday.index[0].date()
        figures.update(
            first_intraday=price_figure(hit_intraday.iloc[0]),
            first_intraday_date=str(day),
            close_that_day=price_figure(closes.loc[hit_intraday.index[0]]),
        )
        text = (
            f"{name} traded {word} {fmt.price(lvl)} on {day} (intraday "
            f"{'low' if below else 'high'} {fmt.price(hit_intraday.iloc[0])}, close "
            f"{fmt.price(closes.loc[hit_intraday.index[0]])})"
        )
        if len(hit_close):
            text += f" and first closed {word} it on {hit_close.index[0].date()}"
            text += f" ({fmt.price(hit_close.iloc[0])})."
            figures.update(first_close=price_figure(hit_close.iloc[0]))
        else:
            text += ", but never closed there in the period."
        return "met", text, figures, call, day
    if len(hit_close):
        day = hit_close.index[0].date()
        figures.update(first_close=price_figure(hit_close.iloc[0]), first_close_date=str(day))
        first = f" (first ever on {cross.date})" if cross.date and cross.date < day else ""
        figures["first_ever_date"] = str(cross.date) if cross.date else None
        shown = fmt.price(hit_close.iloc[0])
        text = f"{name} closed {word} {fmt.price(lvl)} on {day} ({shown}){first}."
        return "met", text, figures, call, day
    best = closes.min() if below else closes.max()
    gap = (best / lvl - 1.0) * 100.0
    figures.update(best_close=price_figure(best), gap_pct=pct_figure(gap))
    when = (closes.idxmin() if below else closes.idxmax()).date()
    figures["best_close_date"] = str(when)
    text = (
        f"{name} did not reach {fmt.price(lvl)}: its {'lowest' if below else 'highest'} close in "
        f"the period was {fmt.price(best)} on {when} ({fmt.pct(gap)} from the level)."
    )
    far = gap >= FAR if below else gap <= -FAR
    return ("opposite" if far else "neither"), text, figures, call, None


def _record_part(lab: Lab, key: str, start: dt.date, end: dt.date):
    name = lab.name(key)
    rec, call = lab.records(key, end)
    last = rec.last_record
    if start == end:  # a dated document: "today" is the last few bars, as "breaking out now"
        met = rec.breaking_out
    else:
        met = last is not None and last.date >= start
    if met:
        before = lab.upto(key, start - dt.timedelta(days=1)).close
        peak = lab.upto(key).frame.loc[str(start) : str(end), "close"]
        top, top_day = float(peak.max()), peak.idxmax().date()
        figures = {"record": price_figure(top), "record_date": str(top_day)}
        text = f"A new all-time closing high: {fmt.price(top)} on {top_day}"
        if len(before.dropna()):
            prior = float(before.max())
            figures["prior_record"] = price_figure(prior)
            figures["prior_record_date"] = str(before.idxmax().date())
            text += f", above the earlier record of {fmt.price(prior)} ({before.idxmax().date()})"
        return "met", text + ".", figures, call, top_day
    ath = lab.lookup(key, end)[0]
    figures = {
        "record": price_figure(ath.all_time_high.close),
        "record_date": str(ath.all_time_high.date),
        "from_record_pct": pct_figure(ath.drawdown_from_ath_pct),
    }
    when = f"in the last {RECENT_BARS} bars" if start == end else f"from {start} to {end}"
    record = fmt.price(ath.all_time_high.close)
    text = (
        f"No new all-time closing high {when}: the record is {record} ({ath.all_time_high.date})"
        f" and {name} closed {fmt.pct(ath.drawdown_from_ath_pct)} from it."
    )
    far = ath.drawdown_from_ath_pct <= -FAR
    return ("opposite" if far else "neither"), text, figures, call, None


def _since_peak(lab: Lab, key: str, event: dt.date, end: dt.date, low: bool):
    """The best close from the claim's event to the latest bar, and where the price is now."""
    series = lab.full(key)
    if series.last_date <= end:
        return no_later_data(end), {}
    after = series.frame.loc[str(event) :, "close"].dropna()
    at = after.idxmin() if low else after.idxmax()
    day, best = at.date(), float(after.loc[at])
    now, now_day = float(after.iloc[-1]), after.index[-1]
    earlier = series.frame.loc[: str(day), "close"].iloc[:-1]
    is_record = not low and (earlier.empty or best > float(earlier.max()))
    label = "record" if is_record else ("low" if low else "peak")
    change = (now / best - 1.0) * 100.0
    days = (day - event).days
    text = (
        f"{label} {fmt.price(best)} on {day}, {later_words(days)}; now {fmt.price(now)} "
        f"({now_day.date()}), {fmt.pct(change)} from it."
    )
    figures = {
        label: price_figure(best),
        f"{label}_date": str(day),
        "days_after": days,
        "now": price_figure(now),
        "now_date": str(now_day.date()),
        "from_it_pct": pct_figure(change),
    }
    return text[0].upper() + text[1:], figures


# --- move or trend -----------------------------------------------------------------------


def move(claim: Claim, lab: Lab, prefix: str = "") -> ClaimCheck:
    """ "X has rallied for months", "X fell sharply", "X has been flat", "accelerated"."""
    if claim.direction == "accelerate":
        return _acceleration(claim, lab)
    key = claim.subject
    end = lab.last_bar([key])
    outcomes, parts, figures, calls, limits = [], [], {}, [], []
    for w in windows_of(claim):
        change, used = lab.window_change(key, w, end)
        calls.extend(used)
        limit = threshold(lab, key, w, end, claim.strong)
        outcomes.append(_judge(change.pct, claim.direction or "up", limit))
        parts.append(f"{fmt.pct(change.pct)} over {window_words(w)}")
        figures[f"change_{w}_pct"] = pct_figure(change.pct)
        figures[f"threshold_{w}_pct"] = pct_figure(limit)
        limits.append((w, limit))
    figures["close"] = price_figure(change.end.close)
    reason = (
        f"{prefix}{lab.name(key)} {' and '.join(parts)} to {fmt.price(change.end.close)} on "
        f"{change.end.date}{_needs(claim, limits)}."
    )
    since, since_figures = since_change(lab, [key], end)
    return ClaimCheck(
        claim, combine(outcomes).value, reason, figures, calls, end, since, since_figures
    )


def _judge(pct: float, direction: str, limit: float) -> str:
    if direction == "flat":
        return "met" if abs(pct) <= limit else ("opposite" if abs(pct) >= 3 * limit else "neither")
    sign = -1.0 if direction == "down" else 1.0
    if sign * pct >= limit:
        return "met"
    return "opposite" if sign * pct <= -limit else "neither"


def _needs(claim: Claim, limits: list[tuple[str, float]]) -> str:
    """The thresholds the claim was held to, in words."""
    sizes = " and ".join(f"{fmt.pct(v, signed=False)} over {window_words(w)}" for w, v in limits)
    if claim.direction == "flat":
        return f" (flat means within {sizes})"
    word = "fall" if claim.direction == "down" else "rise"
    article = "a sharp" if claim.strong else "a"
    scale = "one and a half typical moves" if claim.strong else "half a typical move"
    return f" ({article} {word} counts from {sizes}: {scale})"


def _acceleration(claim: Claim, lab: Lab) -> ClaimCheck:
    """The named month's (or the latest month's) change against the average of the three
    months before it, and the month's best point."""
    key = claim.subject
    name = lab.name(key)
    end = lab.last_bar([key])
    period = named_period(claim.window) if claim.window else None
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
    reason = (
        f"{name} {fmt.pct(now.pct)} in {label} (to {now.end.date}) against an average of "
        f"{fmt.pct(avg)} a month over the three months before"
    )
    if now.pct > max(avg, 0.0):
        verdict = Verdict.SUPPORTED
    elif peak > max(avg, 0.0):
        verdict = Verdict.PARTLY
        reason += f"; at its best, on {inside.idxmax().date()}, it was {fmt.pct(peak)}"
    else:
        verdict = Verdict.CONTRADICTED if now.pct < 0 and peak <= 0 else Verdict.NOT_SUPPORTED
    since, since_figures = since_change(lab, [key], end)
    return ClaimCheck(claim, verdict.value, reason + ".", figures, calls, end, since, since_figures)


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
