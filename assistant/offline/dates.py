"""The small grammar of date and period phrases: which phrase a question holds, as a
:class:`~assistant.offline.when.When`.

Rules are tried from the most to the least specific (a range before its months, "since 2020"
before "2020"); the first that matches wins. Day phrases are read by python-dateutil.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from dateutil import parser as dateparser

from assistant.offline import holidays
from assistant.offline.when import _MON, _NUM, _ORD, _YEAR, MONTHS, UNIT_CODE, UNIT_EDGE, When
from assistant.offline.when import _month_span as month_span
from assistant.offline.when import _quarter_span as quarter_span

_DAYN = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_WD = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri)"
)
_WEEKDAY = {w[:3]: i for i, w in enumerate("mon tue wed thu fri sat sun".split())}
_QWORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_N = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen)"
_UNITS = r"(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)"


def _month(word: str) -> int:
    w = word.lower().rstrip(".")[:3]
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(w))


def _int(word: str) -> int:
    return int(word) if word.isdigit() else _NUM[word]


def _unit(word: str) -> str:
    return word[0] if word[0] in "dwy" else "m"


def _day(text: str) -> dt.date | None:
    """A full date read by dateutil ("3 March 2025", "March 3rd, 2025"); None if it is not one."""
    iso = re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip())
    try:
        if iso:
            return dt.date.fromisoformat(iso.group(0))
        return dateparser.parse(text, dayfirst=True, default=dt.datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError):
        return None


def _span_of(piece: str, year: int | None) -> tuple[dt.date, dt.date, str] | None:
    """A month, "month year" or year as a period (a range's ends)."""
    m = re.fullmatch(rf"({_MON})(?:\s+({_YEAR}))?|({_YEAR})", piece.strip())
    if not m:
        return None
    if m.group(3):
        y = int(m.group(3))
        return dt.date(y, 1, 1), dt.date(y, 12, 31), str(y)
    y = int(m.group(2)) if m.group(2) else year
    if y is None:
        return None
    s, e = month_span(y, _month(m.group(1)))
    return s, e, f"{MONTHS[s.month - 1].title()} {y}"


def _range(m: re.Match) -> When | None:
    a, b = m.group("a"), m.group("b")
    yb = re.search(_YEAR, b)
    end = _span_of(b, None)
    if end is None:
        return None
    start = _span_of(a, int(yb.group(0)) if yb else None)
    if start is None:
        return None
    if start[0] > end[0] and not re.search(_YEAR, a):  # "from November to February 2025"
        start = _span_of(a, end[0].year - 1)
    return When("period", m.group(0), start[0], end[1], label=f"{start[2]} to {end[2]}")


def _range_relative(m: re.Match) -> When:
    a, b = _month(m.group("a")), _month(m.group("b"))
    return When("period", m.group(0), rule=f"range:{a}:{b}")


def _since(m: re.Match) -> When | None:
    piece = m.group("x")
    day = _full_day(piece)
    if day is not None:
        return When("since", m.group(0), day, None, label=f"since {day}")
    span = _span_of(piece, None)
    if span is not None:
        return When("since", m.group(0), span[0], None, label=f"since {span[2]}")
    month = re.fullmatch(_MON, piece)
    if month:
        return When("since", m.group(0), rule=f"month:{_month(piece)}", label="")
    return None


def _edge(m: re.Match) -> When | None:
    """ "at the end of 2024", "start of March 2025", "end of Q3 2025", "the last trading day of
    2025": one day."""
    piece, end = m.group("x"), m.group("edge").startswith(("end", "close", "last", "final"))
    q = re.fullmatch(rf"q([1-4])\s*({_YEAR})", piece)
    span = quarter_span(int(q.group(2)), int(q.group(1))) if q else _span_of(piece, None)
    if span is None:
        return None
    day = span[1] if end else span[0]
    words = f"Q{q.group(1)} {q.group(2)}" if q else span[2]
    return When("day", m.group(0), day, day, label=f"the {m.group('edge')} of {words}")


def _quarter(m: re.Match) -> When:
    q = m.group("q") or m.group("q2") or str(_ORD[m.group("qw")])
    year = m.group("y") or m.group("y2")
    if year:
        y = int(year) if len(year) == 4 else 2000 + int(year)
        s, e = quarter_span(y, int(q))
        return When("period", m.group(0), s, e, label=f"Q{q} {y}")
    return When("period", m.group(0), rule=f"quarter:{q}")


def _full_day(text: str) -> dt.date | None:
    if not re.search(_YEAR, text) or not (re.search(_MON, text) or "-" in text):
        return None
    return _day(text)


def _on_day(m: re.Match) -> When | None:
    day = _full_day(m.group(0))
    return When("day", m.group(0), day, day, label=day.isoformat()) if day else None


def _numeric(m: re.Match) -> When | None:
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    y = y + 2000 if y < 100 else y
    readings = []
    for d, mo in ((a, b), (b, a)):
        try:
            readings.append(dt.date(y, mo, d))
        except ValueError:
            pass
    readings = sorted(set(readings))
    if len(readings) == 1:
        return When("day", m.group(0), readings[0], readings[0], label=readings[0].isoformat())
    if not readings:
        return None
    return When("unclear", m.group(0), options=tuple(d.isoformat() for d in readings))


def _day_month(m: re.Match) -> When | None:
    day = int(re.match(r"\d+", m.group("d")).group(0))
    month = _month(m.group("m"))
    try:
        dt.date(2000, month, day)
    except ValueError:
        return None
    return When("day", m.group(0), rule=f"daymonth:{day}:{month}")


def _month_year(m: re.Match) -> When:
    s, e, label = _span_of(f"{m.group('m')} {m.group('y')}", None)
    return When("period", m.group(0), s, e, label=label)


def _named(m: re.Match) -> When:
    word = m.group(0).lower()
    if "month" in word:
        return When("period", m.group(0), rule="lastmonth")
    return When("period", m.group(0), rule="year:1")


def _weekday(m: re.Match) -> When:
    wd = _WEEKDAY[m.group("w")[:3]]
    strictly = m.group("p") in ("last", "previous")
    return When("day", m.group(0), rule=f"weekday:{wd}:{-1 if strictly else 0}")


def _ago(m: re.Match) -> When:
    n = 1 if m.group("n") is None else _int(m.group("n"))
    unit = "d" if m.group(0).startswith("yesterday") else _unit(m.group("u"))
    return When("day", m.group(0), rule=f"daysago:{n}:{UNIT_CODE[unit]}")


def _trailing(m: re.Match) -> When:
    n, unit = _int(m.group("n")), _unit(m.group("u"))
    return When("trailing", m.group(0), n=n, unit=unit)


def _year(m: re.Match) -> When:
    y = int(m.group("y"))
    return When("period", m.group(0), dt.date(y, 1, 1), dt.date(y, 12, 31), label=str(y))


def _vague_day(m: re.Match) -> When:
    return When("unclear", m.group(0), options=())


_RULES: list[tuple[re.Pattern, Callable[[re.Match], When | None]]] = [
    (
        re.compile(
            rf"\b(?:from|between)\s+(?P<a>{_MON}(?:\s+{_YEAR})?|{_YEAR})\s+(?:to|and|until|till|"
            rf"through|-|–)\s+(?P<b>{_MON}(?:\s+{_YEAR})?|{_YEAR})\b"
        ),
        _range,
    ),
    (re.compile(rf"\b(?P<a>{_MON})\s*(?:to|through|-|–)\s*(?P<b>{_MON}\s+{_YEAR})\b"), _range),
    (
        re.compile(
            rf"\b(?:from|between)\s+(?P<a>{_MON})\s+(?:to|and|until|through)\s+(?P<b>{_MON})"
        ),
        _range_relative,
    ),
    (
        re.compile(
            rf"\bsince\s+(?:the\s+start\s+of\s+|the\s+beginning\s+of\s+|early\s+)?"
            rf"(?P<x>{_DAYN}\s+(?:of\s+)?{_MON},?\s+{_YEAR}|{_MON}\s+{_DAYN},?\s+{_YEAR}|"
            rf"\d{{4}}-\d\d-\d\d|{_MON}(?:\s+{_YEAR})?|{_YEAR})\b"
        ),
        _since,
    ),
    (
        re.compile(
            r"\b(?P<since>since\s+)?(?:at\s+|by\s+|on\s+)?(?:the\s+)?(?P<edge>end|close|start|"
            r"beginning|(?:last|final)\s+(?:trading\s+)?day|first\s+day)\s+of\s+(?:the\s+)?"
            r"(?P<rel>this|current|last|previous|past)?\s*(?P<u>year|month|quarter|week)\b"
        ),
        lambda m: _edge_relative(m),
    ),
    (
        re.compile(
            rf"\b(?:at\s+)?(?:the\s+)?(?P<edge>end|close|start|beginning|(?:last|final)\s+"
            rf"(?:trading\s+)?day|first\s+day)\s+of\s+"
            rf"(?P<x>q[1-4]\s*{_YEAR}|{_MON}\s+{_YEAR}|{_YEAR})\b"
        ),
        _edge,
    ),
    (
        re.compile(
            rf"\b(?:q(?P<q>[1-4])(?:\s*'?\s*(?P<y>{_YEAR}|\d\d)\b)?|(?P<q2>[1-4])q(?P<y2>\d\d)\b|"
            rf"(?:the\s+)?(?P<qw>{_QWORD})\s+quarter(?:\s+of\s+(?P<y3>{_YEAR}))?)"
        ),
        lambda m: _quarter(m) if not m.group("y3") else _quarter_y3(m),
    ),
    (
        re.compile(
            rf"\b(?:h(?P<h>[12])\s*|(?:the\s+)?(?P<hw>first|second)\s+half\s+of\s+)(?P<y>{_YEAR})"
        ),
        lambda m: _half_named(m),
    ),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), _on_day),
    (
        re.compile(rf"\b{_DAYN}\s+(?:of\s+)?{_MON},?\s+{_YEAR}\b|\b{_MON}\s+{_DAYN},?\s+{_YEAR}\b"),
        _on_day,
    ),
    (re.compile(r"\b([0-3]?\d)[/.]([01]?\d)[/.](\d{4}|\d{2})\b"), _numeric),
    (re.compile(rf"\b(?P<d>{_DAYN})\s+(?:of\s+)?(?P<m>{_MON})(?![a-z])"), _day_month),
    (re.compile(rf"\b(?P<m>{_MON})\s+(?P<d>{_DAYN})(?![\d,.])(?!\s*(?:%|k\b))"), _day_month),
    (re.compile(rf"\b(?P<m>{_MON})\s+(?P<y>{_YEAR})\b"), _month_year),
    (
        re.compile(rf"\b(?:in|during|for|through|throughout|over|of)\s+(?P<m>{_MON})(?![a-z])"),
        lambda m: When("period", m.group(0), rule=f"month:{_month(m.group('m'))}"),
    ),
    (
        re.compile(
            r"\b(?:(?:over|in|during|for|within)\s+)?(?:the\s+)?(?:(?<=the )last|past|previous)\s+"
            r"(?P<u>year|month|week|quarter)\b"
        ),
        lambda m: When(
            "trailing",
            m.group(0),
            n=3 if m.group("u") == "quarter" else 1,
            unit="m" if m.group("u") == "quarter" else m.group("u")[0],
        ),
    ),
    (re.compile(r"\blast\s+(?:month|year)\b"), _named),
    (re.compile(rf"\b(?:(?P<p>last|previous|this|on|past)\s+)?(?P<w>{_WD})\b"), _weekday),
    (re.compile(rf"\byesterday\b|\b(?P<n>{_N})\s+(?P<u>{_UNITS})\s+ago\b"), _ago),
    (
        re.compile(
            rf"\b(?:(?:over|in|during|for|within)\s+)?(?:the\s+)?(?:(?:last|past|previous)\s+)?"
            rf"(?P<n>{_N})[\s-]?(?P<u>{_UNITS})\b(?!\s+ago)"
        ),
        _trailing,
    ),
    (re.compile(r"\b(?:(?:over|in|for)\s+)?(?P<n>\d{1,2})\s?(?P<u>y|yr|m|mo|w|d)\b"), _trailing),
    (re.compile(rf"(?<![$€£\d,.])\b(?P<y>{_YEAR})\b(?!\s*(?:%|k\b|[.,]\d|\d))"), _year),
    (re.compile(r"\bon\s+the\s+\d{1,2}(?:st|nd|rd|th)\b"), _vague_day),
]


def _edge_relative(m: re.Match) -> When:
    """ "the start of the year", "the end of last month", "since the start of the quarter"."""
    end = m.group("edge").startswith(("end", "close", "last", "final"))
    back = 1 if m.group("rel") in ("last", "previous", "past") else 0
    unit = {"year": "y", "month": "m", "quarter": "q", "week": "w"}[m.group("u")]
    rule = f"edge:{UNIT_EDGE[unit]}:{back}:{int(end)}"
    if m.group("since"):
        return When("since", m.group(0), rule=rule)
    return When("day", m.group(0), rule=rule)


def _quarter_y3(m: re.Match) -> When:
    q, y = _ORD[m.group("qw")], int(m.group("y3"))
    s, e = quarter_span(y, q)
    return When("period", m.group(0), s, e, label=f"Q{q} {y}")


def _half_named(m: re.Match) -> When:
    h = m.group("h") or ("1" if m.group("hw") == "first" else "2")
    y = int(m.group("y"))
    s = dt.date(y, 1 if h == "1" else 7, 1)
    e = dt.date(y, 6, 30) if h == "1" else dt.date(y, 12, 31)
    return When("period", m.group(0), s, e, label=f"H{h} {y}")


def find_when(text: str, skip: list[tuple[int, int]] = ()) -> When | None:
    """The date or period phrase in ``text`` (lower-cased inside), or None.

    A date-like phrase that names no day the reader knows ("on election day") makes the
    phrase unclear, whatever else the question holds, so the analyst asks which date is meant.

    Args:
        skip: character spans not to read as dates (a price level such as "above 2000").
    """
    low = text.lower()
    named = [h for h in holidays.find(low) if not any(s < h[1] and h[0] < e for s, e in skip)]
    vague = holidays.unresolved(low, named)
    if vague is not None:
        exact = _grammar(low, skip)  # "on my birthday, 14 July 2025": the date itself wins
        if exact is not None and exact.kind == "day" and not exact.relative:
            if exact.text not in vague:
                return exact
        return When("unclear", vague, named=True)
    if named:
        return _named_day(low, named)
    found = _grammar(low, skip)
    earlier = holidays.anaphora(low) if found is None else None
    if earlier is not None:  # "that month": the conversation may say which
        return When("unclear", earlier, named=True, label="earlier")
    return found


def _grammar(low: str, skip: list[tuple[int, int]]) -> When | None:
    for pattern, build in _RULES:
        for m in pattern.finditer(low):
            if any(s < m.end() and m.start() < e for s, e in skip):
                continue
            when = build(m)
            if when is not None:
                return when
    return None


_VAGUE_SPAN = re.compile(
    r"\b(?:run-?up|lead-?up|build-?up)\s+to$|\b(?:aftermath|wake)\s+of$|"
    r"\b(?:days|weeks|months)\s+(?:before|after|around|following|leading\s+up\s+to)$"
)
_RANGE_GLUE = re.compile(r"^\s*(?:to|and|until|till|through|-|–)\s*(?:the\s+)?$")


def _named_day(low: str, named: list[tuple[int, int, str]]) -> When:
    """A named day ("last christmas"), a range of two ("from Christmas to New Year's Day") or
    the start of an open period ("since Easter")."""
    (s1, e1, spec), rest = named[0], named[1:]
    before = re.sub(r"\s*\bthe$", "", low[:s1].rstrip())
    if rest and _RANGE_GLUE.match(low[e1 : rest[0][0]]) and before.endswith(("from", "between")):
        s2, e2, spec2 = rest[0]
        return _holiday_when("period", low[before.rfind(" ") + 1 : e2], f"{spec}:{spec2}")
    vague = _VAGUE_SPAN.search(before)
    if spec.endswith(("|x1", "|x-1")) or vague:  # "the weekend after", "the run-up to": which days?
        return When("unclear", low[vague.start() if vague else s1 : e1], named=True)
    if before.endswith(("since", "from", "after")):
        return _holiday_when("since", low[before.rfind(" ") + 1 : e1], spec)
    return _holiday_when("period" if "|w" in spec else "day", low[s1:e1], spec)


def _holiday_when(kind: str, text: str, specs: str) -> When:
    if all(part.split("|")[1] != "0" for part in specs.split(":")):  # every year given
        start, end, label = When(kind, text, rule=f"holiday:{specs}").resolve(dt.date.max)
        end = None if kind == "since" else end
        return When(kind, text, start, end, label=label, named=True)
    return When(kind, text, rule=f"holiday:{specs}", named=True)
