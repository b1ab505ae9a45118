"""Days named by holidays and events: "last christmas", "on thanksgiving 2025", "since Easter",
"the day after Black Friday", "the 2024 halving"; and date-like phrases that name no day the
reader knows ("on election day", "after the crash"), which the analyst asks about instead of
answering the latest close.

A named day without a year is the latest one on or before the anchor (the as-of date or the
data's last day); "last" takes the one before that when the anchor is the day itself, "next" the
first one after it. US holidays follow the US calendar (Thanksgiving is the fourth Thursday of
November, Labor Day the first Monday of September); Easter comes from ``dateutil.easter``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from dateutil.easter import easter
from dateutil.relativedelta import MO, TH, relativedelta

_YEAR = r"(?:19[5-9]\d|20\d\d)"


def _nth(month: int, weekday, n: int) -> Callable[[int], dt.date]:
    """The n-th given weekday of a month (n = -1: the last one)."""
    if n > 0:
        return lambda y: dt.date(y, month, 1) + relativedelta(weekday=weekday(n))
    return lambda y: dt.date(y, month, 1) + relativedelta(day=31, weekday=weekday(-1))


def _fixed(month: int, day: int) -> Callable[[int], dt.date]:
    return lambda y: dt.date(y, month, day)


_THANKSGIVING = _nth(11, TH, 4)
# name -> (pattern, the day in a given year, how it is said in an answer)
NAMED: dict[str, tuple[str, Callable[[int], dt.date], str]] = {
    "christmas eve": (r"(?:christmas|xmas|x-mas)\s+eve", _fixed(12, 24), "Christmas Eve"),
    "christmas": (r"(?:christmas|xmas|x-mas)(?:\s+day)?", _fixed(12, 25), "Christmas Day"),
    "boxing day": (r"boxing\s+day", _fixed(12, 26), "Boxing Day"),
    "new year's eve": (r"new\s+year'?s\s+eve|nye", _fixed(12, 31), "New Year's Eve"),
    "new year's day": (
        r"new\s+year'?s(?:\s+day)?|(?:(?<=on )|(?<=at )|(?<=since )|(?<=since the ))new\s+year",
        _fixed(1, 1),
        "New Year's Day",
    ),
    "thanksgiving": (r"thanksgiving(?:\s+day)?", _THANKSGIVING, "Thanksgiving"),
    "black friday": (
        r"black\s+friday",
        lambda y: _THANKSGIVING(y) + dt.timedelta(days=1),
        "Black Friday",
    ),
    "cyber monday": (
        r"cyber\s+monday",
        lambda y: _THANKSGIVING(y) + dt.timedelta(days=4),
        "Cyber Monday",
    ),
    "independence day": (
        r"independence\s+day|(?:the\s+)?(?:fourth|4th)\s+of\s+july",
        _fixed(7, 4),
        "Independence Day",
    ),
    "good friday": (r"good\s+friday", lambda y: easter(y) - dt.timedelta(days=2), "Good Friday"),
    "easter monday": (
        r"easter\s+monday",
        lambda y: easter(y) + dt.timedelta(days=1),
        "Easter Monday",
    ),
    "easter": (r"easter(?:\s+sunday)?", easter, "Easter Sunday"),
    "halloween": (r"hallowe'?en", _fixed(10, 31), "Halloween"),
    "valentine's day": (
        r"(?:st\.?\s+|saint\s+)?valentine'?s(?:\s+day)?",
        _fixed(2, 14),
        "Valentine's Day",
    ),
    "st patrick's day": (
        r"(?:st\.?|saint)\s+patrick'?s(?:\s+day)?|paddy'?s\s+day",
        _fixed(3, 17),
        "St Patrick's Day",
    ),
    "labor day": (r"labou?r\s+day", _nth(9, MO, 1), "Labor Day"),
    "memorial day": (r"memorial\s+day", _nth(5, MO, -1), "Memorial Day"),
    "juneteenth": (r"juneteenth", _fixed(6, 19), "Juneteenth"),
    "martin luther king day": (
        r"(?:martin\s+luther\s+king(?:\s+jr\.?)?|mlk)(?:'s)?\s+day",
        _nth(1, MO, 3),
        "Martin Luther King Day",
    ),
    "presidents' day": (r"presidents?'?\s+day", _nth(2, MO, 3), "Presidents' Day"),
}
# Bitcoin's halvings (block heights 210,000 apart), by the day the block was mined (UTC).
HALVINGS = (dt.date(2012, 11, 28), dt.date(2016, 7, 9), dt.date(2020, 5, 11), dt.date(2024, 4, 20))
_NAME = "|".join(f"(?P<n{i}>{p})" for i, (p, _, _) in enumerate(NAMED.values()))
_KEYS = list(NAMED)
_DAY_RE = re.compile(
    rf"(?:\b(?P<rel>the\s+day\s+(?:before|after)|the\s+(?:weekend|week)\s+(?:before|after))\s+)?"
    rf"(?:\b(?P<mod>last|this|next|previous|past)\s+)?(?:(?P<y1>{_YEAR})\s+)?"
    rf"\b(?:{_NAME})(?![a-z])(?:,?\s+(?:of\s+|in\s+)?(?P<y2>{_YEAR})\b)?"
)
_HALVING_RE = re.compile(
    rf"\b(?:the\s+)?(?:(?P<mod>last|latest|previous|most\s+recent|next)\s+)?(?:(?P<y1>{_YEAR})\s+)?"
    rf"(?:bitcoin\s+|btc\s+)?halving(?:\s+(?:of|in)\s+(?P<y2>{_YEAR}))?\b"
)


def days_of(spec: str, anchor: dt.date) -> tuple[dt.date, dt.date, str]:
    """The first and last date a named-day spec means against ``anchor``, and it in words.

    A spec is "name|year|mode|shift": a year (0 when none was given), a mode (-1 "last",
    0 the latest on or before the anchor, 1 "next") and a shift: "0", "d1"/"d-1" for the day
    after or before, "w1"/"w-1" for the week after or before."""
    name, year, mode, shift = spec.split("|")
    y, m = int(year), int(mode)
    if name == "halving":
        day = _halving(y, m, anchor)
        words = "the bitcoin halving"
    else:
        _, rule, words = NAMED[name]
        day = rule(y) if y else _latest(rule, m, anchor)
    if shift == "0":
        return day, day, words
    step = int(shift[1:])
    side = "after" if step > 0 else "before"
    if shift[0] == "d":
        day += dt.timedelta(days=step)
        return day, day, f"the day {side} {words}"
    start, end = (day + dt.timedelta(days=1), day + dt.timedelta(days=7))
    if step < 0:
        start, end = day - dt.timedelta(days=7), day - dt.timedelta(days=1)
    return start, end, f"the week {side} {words}"


def _latest(rule: Callable[[int], dt.date], mode: int, anchor: dt.date) -> dt.date:
    if mode > 0:
        day = rule(anchor.year)
        return day if day > anchor else rule(anchor.year + 1)
    day = rule(anchor.year)
    if day > anchor or (mode < 0 and day == anchor):
        day = rule(anchor.year - 1)
    return day


def _halving(year: int, mode: int, anchor: dt.date) -> dt.date:
    if year:
        return next((h for h in HALVINGS if h.year == year), HALVINGS[-1])
    past = [h for h in HALVINGS if h <= anchor] or [HALVINGS[0]]
    return past[-1]


def find(low: str) -> list[tuple[int, int, str]]:
    """Named days in ``low`` (lower-cased text) as (start, end, spec), in order."""
    out: list[tuple[int, int, str]] = []
    for m in _DAY_RE.finditer(low):
        key = next(_KEYS[int(g[1:])] for g, v in m.groupdict().items() if g[0] == "n" and v)
        out.append((m.start(), m.end(), _spec(key, m)))
    for m in _HALVING_RE.finditer(low):
        if m.group("mod") and m.group("mod").startswith("next"):
            continue  # the next halving is in the future: no price to look up
        if not any(s < m.end() and m.start() < e for s, e, _ in out):
            out.append((m.start(), m.end(), _spec("halving", m)))
    return sorted(out)


def _spec(key: str, m: re.Match) -> str:
    year = m.group("y1") or m.group("y2") or "0"
    mod = m.group("mod") or ""
    mode = -1 if mod in ("last", "previous", "past") else 1 if mod == "next" else 0
    rel = m.groupdict().get("rel") or ""
    shift = "0"
    if rel:
        unit = "x" if "weekend" in rel else rel.split()[1][0]  # "the day/week/weekend after"
        shift = f"{unit}{1 if rel.endswith('after') else -1}"
    return f"{key}|{year}|{mode}|{shift}"


_EVENT = (
    r"(?:(?:presidential\s+|us\s+|general\s+)?election(?:\s+(?:day|night))?|inauguration(?:\s+day)?|"
    r"brexit(?:\s+(?:vote|referendum|day))?|referendum|(?:the\s+)?(?:covid|corona(?:virus)?|"
    r"pandemic)(?:\s+(?:crash|low|selloff|sell-off|lows))?|lockdown|(?:flash\s+)?crash|"
    r"sell-?off|black\s+(?:monday|tuesday|wednesday|thursday)|lehman(?:\s+collapse)?|"
    r"ftx(?:\s+collapse)?|svb(?:\s+collapse)?|(?:lunar|chinese)\s+new\s+year|diwali|hanukkah|"
    r"chanukah|ramadan|eid|passover|yom\s+kippur|rosh\s+hashanah|mardi\s+gras|carnival|"
    r"golden\s+week|super\s+bowl|(?:my|our|his|her|the)\s+(?:birthday|wedding|anniversary)|"
    r"(?:the\s+)?holidays|(?:the\s+)?merge|(?:past\s+|last\s+)?weekend|(?:the\s+)?fed\s+(?:meeting|decision)|fomc(?:\s+meeting)?|"
    r"(?!(?:the|a|an|this|that|each|every|any|one|same)\s)[a-z]+(?:'s)?\s+(?:day|eve))"
)
_NOT_EVENTS = re.compile(
    r"\b(?:the|that|this|each|every|any|one|a|an|trading|same|last|past|previous|next|first|final|"
    r"single|given|whole|entire|other|which|what|business|working|calendar|week|month|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yester|to|to-|per|good|bad|big|"
    r"best|worst|down|up|green|red|record|all)\s+(?:day|eve)$"
)
_UNRESOLVED = re.compile(
    rf"\b(?P<p>on|at|around|during|since|before|after|over|from|until|till|through|by|"
    rf"the\s+day\s+of|the\s+week\s+of|the\s+day\s+(?:before|after)|the\s+eve\s+of|"
    rf"the\s+run-?up\s+to|the\s+aftermath\s+of|the\s+wake\s+of|last|this|that)\s+"
    rf"(?:the\s+)?(?P<e>(?:{_YEAR}\s+)?{_EVENT})(?:\s+(?:of\s+|in\s+)?{_YEAR})?(?![a-z])"
)


def unresolved(low: str, known: list[tuple[int, int, str]]) -> str | None:
    """A date-like phrase that names no day the reader knows ("on election day", "after the
    crash"), or None. ``known`` are the named days already found (never unresolved)."""
    for m in _UNRESOLVED.finditer(low):
        event = m.group("e")
        if _NOT_EVENTS.search(event) or any(s < m.end() and m.start() < e for s, e, _ in known):
            continue
        return m.group(0).strip()
    return None


_ANAPHORA = re.compile(
    r"\b(?:that|the\s+same|this\s+same)\s+(?:day|date|week|month|quarter|year|period|time|session)\b|"
    r"\bback\s+then\b|\bat\s+(?:that|the)\s+(?:time|point)\b|\bby\s+then\b"
)


def anaphora(low: str) -> str | None:
    """A phrase that points at a date named earlier ("that month", "back then"), or None."""
    m = _ANAPHORA.search(low)
    return m.group(0) if m else None
