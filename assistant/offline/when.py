"""Dates and periods written in words, read against an anchor (the as-of date or the data's last
day), never against the wall clock.

A small grammar finds the phrase ("on 3 March 2025", "last Friday", "at the end of 2024", "in Q3
2025", "since 2020", "from June to September 2025", "over 6 months"); python-dateutil reads the
day phrases and does the calendar arithmetic. What a phrase means may depend on the anchor
("in March" is the latest March up to it), so a phrase is kept as a :class:`When` that
:meth:`When.resolve` turns into dates once the anchor is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MON = (
    r"(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|"
    r"september|sept|sep|october|oct|november|nov|december|dec)(?![a-z])\.?"
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUM.update({"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18})
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
# Horizons the price tool computes itself; a trailing window of this length uses them.
HORIZON_OF = {("d", 1): "1d", ("w", 1): "1w", ("m", 1): "1m", ("m", 3): "3m", ("y", 1): "1y"}
HORIZON_OF.update({("m", 12): "1y", ("w", 52): "1y", ("d", 7): "1w"})


@dataclass(frozen=True)
class When:
    """A date or period as written; ``resolve(anchor)`` gives its dates.

    kind: "day" (one date), "period" (start..end), "since" (start..anchor), "trailing" (the
    last ``n`` ``unit``s up to the anchor), "unclear" (a date that cannot be pinned down).
    """

    kind: str
    text: str  # the phrase as written
    start: dt.date | None = None  # fixed dates (None: relative to the anchor)
    end: dt.date | None = None
    rule: str = ""  # how a relative phrase resolves: "weekday:4:-1", "month:3", "quarter:1", ...
    n: int = 0
    unit: str = ""  # "d", "w", "m", "y" for trailing windows
    label: str = ""  # the period in words, e.g. "Q3 2025"
    options: tuple[str, ...] = ()  # for "unclear": the readings to offer
    named: bool = False  # a day named by a holiday or an event ("last christmas")

    @property
    def relative(self) -> bool:
        return (
            bool(self.rule)
            or self.kind in ("trailing",)
            or (self.kind == "since" and self.start is None)
        )

    @property
    def horizon(self) -> str | None:
        """The price tool's horizon for a standard trailing window ("over 3 months" -> 3m)."""
        return HORIZON_OF.get((self.unit, self.n)) if self.kind == "trailing" else None

    def resolve(self, anchor: dt.date) -> tuple[dt.date, dt.date, str]:
        """(start, end, label) against ``anchor``; end may be after the anchor for "since"."""
        if self.kind == "trailing":
            start = anchor - _delta(self.unit, self.n) + dt.timedelta(days=1)
            words = _UNIT[self.unit][:-1] if self.n == 1 else f"{self.n} {_UNIT[self.unit]}"
            return start, anchor, self.label or f"the past {words}"
        start, end, label = self.start, self.end, self.label
        if self.rule:
            start, end, label = _relative(self.rule, anchor)
        if self.kind == "since":
            return start, anchor, label if label.startswith("since") else f"since {label}"
        return start, end, label


_UNIT = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


def _delta(unit: str, n: int) -> relativedelta:
    return {
        "d": relativedelta(days=n),
        "w": relativedelta(weeks=n),
        "m": relativedelta(months=n),
        "y": relativedelta(years=n),
    }[unit]


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    return first, first + relativedelta(months=1, days=-1)


def _quarter_span(year: int, q: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * q - 2, 1)
    return first, first + relativedelta(months=3, days=-1)


def _relative(rule: str, anchor: dt.date) -> tuple[dt.date, dt.date, str]:
    """Dates of a phrase that depends on the anchor."""
    name, *args = rule.split(":")
    if name == "holiday":
        return _named_days(args, anchor)
    a = [int(x) for x in args]
    if name == "weekday":  # a[0] weekday, a[1] -1: strictly before the anchor, 0: on or before
        back = (anchor.weekday() - a[0]) % 7 or (7 if a[1] < 0 else 0)
        day = anchor - dt.timedelta(days=back)
        return day, day, f"{_WEEKDAYS[a[0]].title()} {day.isoformat()}"
    if name == "daysago":
        day = anchor - _delta(MONTH_UNIT.get(a[1], "d"), a[0])
        return day, day, day.isoformat()
    if name == "daymonth":  # the latest such day on or before the anchor
        year = anchor.year if (a[1], a[0]) <= (anchor.month, anchor.day) else anchor.year - 1
        day = dt.date(year, a[1], a[0])
        return day, day, day.isoformat()
    if name == "month":
        year = anchor.year if a[0] <= anchor.month else anchor.year - 1
        s, e = _month_span(year, a[0])
        return s, e, f"{MONTHS[a[0] - 1].title()} {year}"
    if name == "quarter":
        year = anchor.year if 3 * a[0] - 2 <= anchor.month else anchor.year - 1
        s, e = _quarter_span(year, a[0])
        return s, e, f"Q{a[0]} {year}"
    if name == "lastmonth":
        s, e = _month_span(*(lambda d: (d.year, d.month))(anchor - relativedelta(months=1)))
        return s, e, f"{MONTHS[s.month - 1].title()} {s.year}"
    if name == "year":  # a[0] years back from the anchor's year
        year = anchor.year - a[0]
        return dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)
    if name == "edge":  # a[0] unit (UNIT_EDGE), a[1] how many back, a[2] 1: its last day
        s, e = _unit_span(a[0], a[1], anchor)
        day = e if a[2] else s
        return day, day, f"the {'end' if a[2] else 'start'} of {_unit_words(a[0], a[1], s)}"
    if name == "range":  # months a[0]..a[1] of the latest year in which they have ended
        year = anchor.year if a[0] <= a[1] <= anchor.month else anchor.year - 1
        s = _month_span(year, a[0])[0]
        e = _month_span(year + (a[1] < a[0]), a[1])[1]
        return s, e, f"{MONTHS[a[0] - 1].title()} to {MONTHS[a[1] - 1].title()} {e.year}"
    raise ValueError(rule)


MONTH_UNIT = {0: "d", 1: "w", 2: "m", 3: "y"}
UNIT_EDGE = {"w": 0, "m": 1, "q": 2, "y": 3}


def _unit_span(unit: int, back: int, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar week, month, quarter or year containing the anchor, ``back`` units before."""
    if unit == 0:
        monday = anchor - dt.timedelta(days=anchor.weekday() + 7 * back)
        return monday, monday + dt.timedelta(days=6)
    if unit == 1:
        return _month_span(*(lambda d: (d.year, d.month))(anchor - relativedelta(months=back)))
    if unit == 2:
        d = anchor - relativedelta(months=3 * back)
        return _quarter_span(d.year, (d.month - 1) // 3 + 1)
    y = anchor.year - back
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def _unit_words(unit: int, back: int, start: dt.date) -> str:
    if unit == 0:
        return f"the week of {start}"
    if unit == 1:
        return f"{MONTHS[start.month - 1].title()} {start.year}"
    if unit == 2:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)


UNIT_CODE = {"d": 0, "w": 1, "m": 2, "y": 3}


def _named_days(specs: list[str], anchor: dt.date) -> tuple[dt.date, dt.date, str]:
    """A named day ("Christmas Day, 2025-12-25"), a week beside one, or a range of two (the
    first one on or before the second)."""
    from assistant.offline.holidays import days_of

    start, end, words = days_of(specs[-1], anchor)
    if len(specs) == 1:
        if start == end:
            return start, end, f"{words}, {start.isoformat()}"
        return start, end, f"{words} ({start} to {end})"
    first, _, first_words = days_of(specs[0], start)
    return first, end, f"{first_words} ({first}) to {words} ({end})"
