"""The tester for level and record claims: "silver hit $101 today, setting a new all-time high",
"gold closed above $4,000", "the S&P 500 is at record highs".

A claim about "today" counts anywhere in the document's date span (one day for a dated
document, a whole month for "January 2026"). A level counts as hit on the first day in that span
whose intraday high (low, for "below") reaches it, or whose close does where there are no
intraday prices; the reason says which, and when the first close at the level came. A record is
a close above every earlier close: when the level was hit on a record close, that day carries
both halves of the claim; otherwise any record close in the span counts. Records are on a
closing basis throughout, as in :mod:`tools.prices`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tools import formatting as fmt
from tools.breakouts import RECENT_BARS
from tools.claimlab import Lab
from tools.claimprices import FAR, combine, no_later_data
from tools.claims import Call, Claim, ClaimCheck, month_name, pct_figure, price_figure, window_words
from tools.errors import DateRangeError


@dataclass(frozen=True)
class Part:
    """One half of a level-and-record claim: what the data shows, at length and in brief."""

    outcome: str  # met, neither or opposite
    text: str
    brief: str
    figures: dict = field(default_factory=dict)
    call: Call | None = None
    day: dt.date | None = None  # the day it happened, when it did


def level(claim: Claim, lab: Lab) -> ClaimCheck:
    """ "X hit $N", "above $N", "a new all-time high", "at record highs"; negated: "X has never
    traded above $N", "X did not reach $N in 2024"."""
    key = claim.subject
    end = lab.last_bar([key])
    start, stop = _span(claim, lab, end)
    frame = lab.upto(key).frame.loc[str(start) : str(stop)]
    if frame["close"].dropna().empty:
        raise DateRangeError(f"there are no {lab.name(key)} prices from {start} to {stop}")
    parts: list[Part] = []
    hit = None
    if claim.level is not None:
        hit = _level_part(claim, lab, key, frame, stop)
        parts.append(hit)
    if claim.record or claim.level is None:
        day = hit.day if hit is not None and claim.direction != "below" else None
        parts.append(_record_part(lab, key, start, stop, day))
    figures: dict = {"from": start.isoformat(), "to": stop.isoformat()}
    for part in parts:
        figures.update(part.figures)
    outcomes = [p.outcome for p in parts]
    if claim.negated:  # "never reached it": reaching it is the opposite of the claim
        outcomes = ["opposite" if o == "met" else "met" for o in outcomes]
    event = min((p.day for p in parts if p.day is not None), default=stop)
    since, since_figures = _since_peak(lab, key, event, end, claim.direction == "below")
    lead = _today(lab, start, stop, claim)
    return ClaimCheck(
        claim,
        combine(outcomes).value,
        lead + " ".join(p.text for p in parts),
        figures,
        [p.call for p in parts if p.call is not None],
        end,
        since,
        since_figures,
        brief=" ".join(p.brief for p in parts),
    )


def _span(claim: Claim, lab: Lab, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days a level claim speaks of: its named period (cut at the date tested), else for a
    negated claim ("never", "has not reached") all the history to that date, else the text's
    "today" (one day, or the month or year of a document dated at that precision)."""
    period = lab.period(claim.window)
    if period is not None:
        if period[0] > end:
            raise DateRangeError(
                f"{window_words(claim.window)} begins after {end}, the date the claim is tested at"
            )
        return period[0], min(period[1], end)
    if claim.negated:
        return lab.full(claim.subject).first_date, end
    return (lab.span.start if lab.span.precision in ("month", "year") else end), end


def _today(lab: Lab, start: dt.date, end: dt.date, claim: Claim) -> str:
    """How the text's "today" was read, when it is a month or a year rather than a day."""
    if lab.period(claim.window) is not None or claim.negated:
        return ""
    if lab.span.precision not in ("month", "year"):
        return ""
    when = month_name(start.isoformat()[:7]) if lab.span.precision == "month" else start.year
    return f"The text's 'today' is {when}, so any day from {start} to {lab.span.end} counts. "


def _level_part(claim: Claim, lab: Lab, key: str, frame, end: dt.date) -> Part:
    name, lvl = lab.name(key), float(claim.level)
    below = claim.direction == "below"
    closes, extremes = frame["close"], frame["low" if below else "high"]
    _, call = lab.level_cross(key, lvl, end)  # end: the last day of the claim's span
    reached = (lambda s: s[s <= lvl]) if below else (lambda s: s[s >= lvl])
    hit_close, hit_intraday = reached(closes.dropna()), reached(extremes.dropna())
    word, edge = ("at or below", "low") if below else ("at or above", "high")
    shown = fmt.price(lvl)
    figures: dict = {"level": lvl}
    if len(hit_intraday) and (not len(hit_close) or hit_intraday.index[0] < hit_close.index[0]):
        at = hit_intraday.index[0]
        day, close = at.date(), float(closes.loc[at])
        figures.update(
            first_intraday=price_figure(hit_intraday.iloc[0]),
            first_intraday_date=str(day),
            close_that_day=price_figure(close),
        )
        text = (
            f"{name} first traded {word} {shown} on {day} (intraday {edge} "
            f"{fmt.price(hit_intraday.iloc[0])}) and closed that day at {fmt.price(close)}"
        )
        brief = (
            f"Traded {'down' if below else 'up'} to {fmt.price(hit_intraday.iloc[0])} on {day}, "
            f"closing at {fmt.price(close)}"
        )
        if len(hit_close):
            first = hit_close.index[0].date()
            figures.update(first_close=price_figure(hit_close.iloc[0]), first_close_date=str(first))
            text += f"; its first close {word} it was {fmt.price(hit_close.iloc[0])} on {first}."
            brief += f"; first close {word} {shown}: {first}."
        else:
            text += "; it never closed there in the period."
            brief += "; never closed there."
        return _reached(claim, closes, Part("met", text, brief, figures, call, day))
    if len(hit_close):
        day = hit_close.index[0].date()
        figures.update(first_close=price_figure(hit_close.iloc[0]), first_close_date=str(day))
        text = f"{name} first closed {word} {shown} on {day} ({fmt.price(hit_close.iloc[0])})."
        return _reached(claim, closes, Part("met", text, text, figures, call, day))
    best, when = _extreme(closes, below)
    gap = (best / lvl - 1.0) * 100.0
    figures.update(
        best_close=price_figure(best), best_close_date=str(when), gap_pct=pct_figure(gap)
    )
    text = (
        f"{name} did not reach {shown}: its {'lowest' if below else 'highest'} close from "
        f"{closes.index[0].date()} to {closes.index[-1].date()} was {fmt.price(best)} on {when}, "
        f"{fmt.pct(gap, signed=False)} {'above' if gap > 0 else 'below'} it."
    )
    far = gap >= FAR if below else gap <= -FAR
    return Part("opposite" if far else "neither", text, text, figures, call)


def _extreme(closes, below: bool) -> tuple[float, dt.date]:
    """The lowest (``below``) or highest close of a stretch, and its date."""
    at = closes.idxmin() if below else closes.idxmax()
    return float(closes.loc[at]), at.date()


def _reached(claim: Claim, closes, part: Part) -> Part:
    """A level that was reached; for a negated claim ("never traded above") also the extreme
    close of the stretch, the figure that contradicts it."""
    if not claim.negated:
        return part
    below = claim.direction == "below"
    best, when = _extreme(closes.dropna(), below)
    span = f"{closes.index[0].date()} to {closes.index[-1].date()}"
    extra = (
        f"Its {'lowest' if below else 'highest'} close from {span} was {fmt.price(best)} on {when}."
    )
    figures = {**part.figures, "best_close": price_figure(best), "best_close_date": str(when)}
    brief = f"{part.brief} {'Lowest' if below else 'Highest'} close {fmt.price(best)} ({when})."
    return Part(part.outcome, f"{part.text} {extra}", brief, figures, part.call, part.day)


def _record_part(lab: Lab, key: str, start: dt.date, end: dt.date, day: dt.date | None) -> Part:
    """A new all-time closing high: on ``day`` (the level's day) if its close was one, else
    anywhere in the span (a dated document: in the last few bars, as "breaking out now")."""
    rec, call = lab.records(key, end)
    closes = lab.upto(key).close.dropna()
    if day is not None:
        upto = closes.loc[: str(day)]
        close, before = float(upto.iloc[-1]), upto.iloc[:-1]
        if len(before) and close > float(before.max()):
            prior, prior_day = float(before.max()), before.idxmax().date()
            figures = {
                "record": price_figure(close),
                "record_date": str(day),
                "prior_record": price_figure(prior),
                "prior_record_date": str(prior_day),
            }
            text = (
                f"The close of {fmt.price(close)} on {day} was a new all-time closing high (the "
                f"previous one: {fmt.price(prior)} on {prior_day})."
            )
            brief = f"That {fmt.price(close)} close was a record."
            return Part("met", text, brief, figures, call, day)
    last = rec.last_record
    met = rec.breaking_out if start == end else last is not None and last.date >= start
    if met:
        return _records_in_span(lab, key, start, end, call)
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
        f" and {lab.name(key)} closed {fmt.pct(ath.drawdown_from_ath_pct)} from it."
    )
    brief = f"No record {when}; {fmt.pct(ath.drawdown_from_ath_pct)} from the record {record}."
    far = ath.drawdown_from_ath_pct <= -FAR
    return Part("opposite" if far else "neither", text, brief, figures, call)


def _records_in_span(lab: Lab, key: str, start: dt.date, end: dt.date, call: Call) -> Part:
    before = lab.upto(key, start - dt.timedelta(days=1)).close.dropna()
    peak = lab.upto(key).frame.loc[str(start) : str(end), "close"].dropna()
    top, top_day = float(peak.max()), peak.idxmax().date()
    figures = {"record": price_figure(top), "record_date": str(top_day)}
    text = f"New all-time closing highs: the highest {fmt.price(top)} on {top_day}"
    if len(before):
        prior = float(before.max())
        figures["prior_record"] = price_figure(prior)
        figures["prior_record_date"] = str(before.idxmax().date())
        text += f" (before {start} the record was {fmt.price(prior)}, {before.idxmax().date()})"
    brief = f"Record close {fmt.price(top)} on {top_day}."
    return Part("met", text + ".", brief, figures, call, top_day)


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
    after_words = f"{days} day{'s' if days != 1 else ''} after {event}" if days > 0 else "that day"
    text = (
        f"{label} {fmt.price(best)} on {day}, {after_words}; now {fmt.price(now)} "
        f"({now_day.date()}), {fmt.pct(change)} from it."
    )
    figures = {
        label: price_figure(best),
        f"{label}_date": str(day),
        "event_date": str(event),
        "days_after": days,
        "now": price_figure(now),
        "now_date": str(now_day.date()),
        "from_it_pct": pct_figure(change),
    }
    return text[0].upper() + text[1:], figures
