"""The date a document's claims are tested at, and the windows they speak of.

A document's "today" is its published date. A day-precision date is used as it is. A month (or
year) precision date could mean any day of that month, so the claims are tested at the last
trading day at or before the month's end, and a claim about "today" (a level hit, a record set)
counts when it happened at any time in that month. A date given by the user (``--as-of``)
overrides both. A document with no date is tested at the latest month or day its own text speaks
of as the present; with none, at the latest data. The reason is always stated in words.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tools.results import ResultMixin

PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class DateSpan(ResultMixin):
    """When the document's "today" falls: any day from ``start`` to ``end``.

    Claims are tested at the last trading day on or before ``end``; a claim that something
    happened "today" is checked over the whole span.
    """

    start: dt.date
    end: dt.date
    precision: str  # "day", "month", "year" or "latest"
    note: str  # why this span, in words
    basis: str  # "as-of", "published", "text", "cut" (a global as-of) or "data"


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of ``day``'s month."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def document_span(
    published: dt.date | None,
    precision: str = "day",
    as_of: dt.date | None = None,
    mentioned: tuple[dt.date, str, str] | None = None,
    latest: dt.date | None = None,
    cut: dt.date | None = None,
) -> DateSpan:
    """The span a document's claims are tested over, and why.

    Args:
        published: the document's date (the first day of the month or year at lower precision).
        precision: "day", "month" or "year".
        as_of: a date the user asked for; it wins.
        mentioned: (date, precision, phrase) of the latest present-tense date in the text, used
            when the document has no published date.
        latest: the last bar of the data, used when nothing else gives a date.
        cut: the as-of date the market is cut at (a global as-of), used like ``latest`` but
            said as the as-of date rather than "the latest data".
    """
    if as_of is not None:
        return DateSpan(as_of, as_of, "day", f"the date asked for ({as_of})", "as-of")
    if published is not None:
        return _span(published, precision, "published", "the document is dated {when}")
    if mentioned is not None:
        day, prec, _ = mentioned
        lead = "the document has no date, and its text speaks of {when} as the present"
        return _span(day, prec, "text", lead)
    if cut is not None:
        lead = "the document has no date and names none, so it is tested at the as-of date"
        return DateSpan(cut, cut, "day", lead, "cut")
    end = latest or dt.date.today()
    lead = "the document has no date and names none, so it is tested at the latest data"
    return DateSpan(end, end, "latest", lead, "data")


def _span(day: dt.date, precision: str, basis: str, lead: str) -> DateSpan:
    if precision == "year":
        start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        note = lead.format(when=f"{day.year}") + " (year precision)"
        return DateSpan(start, end, "year", note, basis)
    if precision == "month":
        start, end = month_bounds(day)
        note = lead.format(when=day.strftime("%B %Y")) + " (month precision)"
        return DateSpan(start, end, "month", note, basis)
    return DateSpan(day, day, "day", lead.format(when=day.isoformat()), basis)


def tested_note(span: DateSpan, tested_at: dt.date, latest: dt.date | None) -> str:
    """The sentence that says which date the claims were tested at, and why."""
    if span.basis == "data":
        return f"{span.note} ({tested_at}); a publication date would change what is tested."
    if span.basis == "cut":
        return f"{span.note} ({tested_at})."
    if latest is not None and span.end > latest:
        return (
            f"{span.note}, after the last bar of the data; tested at the latest data, {tested_at}."
        )
    if span.precision in ("month", "year"):
        period = "month" if span.precision == "month" else "year"
        return (
            f"{span.note}, so the claims are tested at the {period}'s last trading day, "
            f"{tested_at}, and a claim about 'today' counts for any day from {span.start} to "
            f"{span.end}."
        )
    if tested_at != span.end:
        return f"{span.note}; the last trading day at or before it is {tested_at}."
    return f"{span.note}."


def window_start(end: dt.date, window: str) -> dt.date:
    """The calendar date a change over ``window`` (1w 1m 3m 6m 1y ytd) looks back to from
    ``end``, as the price tools count it (month ends clipped)."""
    if window == "1w":
        return end - dt.timedelta(days=7)
    if window == "ytd":
        return dt.date(end.year - 1, 12, 31)
    months = {"1m": 1, "3m": 3, "6m": 6, "1y": 12}[window]
    return (pd.Timestamp(end) - pd.DateOffset(months=months)).date()


def named_period(
    window: str | None, anchor: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """(first, last day) of a calendar-period window, else None: "month:YYYY-MM", "year:YYYY",
    "period:YYYY-MM-DD..YYYY-MM-DD" (a quarter, a half, a range of months) or "year:last" (the
    calendar year before ``anchor``'s, the document's "today")."""
    if not window:
        return None
    if window.startswith("month:"):
        return month_bounds(dt.date.fromisoformat(f"{window[6:]}-01"))
    if window == "year:last":
        if anchor is None:
            return None
        return dt.date(anchor.year - 1, 1, 1), dt.date(anchor.year - 1, 12, 31)
    if window.startswith("year:"):
        year = int(window[5:])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if window.startswith("period:"):
        first, last = window[7:].split("..")
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return None


def later_words(days: int) -> str:
    """How long after: "the same day", "1 day later", "3 days later"."""
    if days <= 0:
        return "the same day"
    return f"{days} day{'s' if days != 1 else ''} later"
