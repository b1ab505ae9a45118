"""Small pieces of wording the answers share: moves without double negatives, ages in words,
the record line, and the stale-data sentence. Every figure goes through tools.formatting."""

from __future__ import annotations

import datetime as dt

from tools import formatting as f

WINDOW = {
    "1d": "the last trading day",
    "1w": "the past week",
    "1m": "the past month",
    "3m": "the past 3 months",
    "ytd": "the year to date",
    "1y": "the past year",
}
_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
STALE_DAYS = 5  # a series ending more than this many days before the reference date is stale


def words(n: int) -> str:
    """A small count in words ("eight"), so an age is not mistaken for a figure to check."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def moved(
    pct: float | None, verbs: tuple[str, str, str] = ("rose", "fell", "was unchanged")
) -> str:
    """ "rose 3.21%" / "fell 13.47%" / "was unchanged": the sign is in the verb, never twice."""
    if pct is None:
        return "has no figure"
    if f.pct(pct, signed=False) == "0.00%":
        return verbs[2]
    return f"{verbs[0] if pct > 0 else verbs[1]} {f.pct(abs(pct), signed=False)}"


def updown(pct: float | None) -> str:
    """ "up 3.21%" / "down 13.47%" / "unchanged"."""
    return moved(pct, ("up", "down", "unchanged"))


def age(then: dt.date, ref: dt.date) -> str:
    """How long before ``ref`` a date is, in words: "eight months", "three weeks"."""
    days = (ref - then).days
    if days < 14:
        return f"{words(days)} day{'s' if days != 1 else ''}"
    if days < 60:
        weeks = days // 7
        return f"{words(weeks)} weeks"
    months = (ref.year - then.year) * 12 + ref.month - then.month - (ref.day < then.day)
    if months < 24:
        return f"{words(max(months, 2))} months"
    return f"{words(months // 12)} years"


def stale_note(last: dt.date, today: dt.date, as_of: dt.date | None, name: str = "") -> str:
    """ "The data ends 2026-03-30, eight months before today (2026-12-01)." or ""."""
    return stale_line([(name, last)], today, as_of)


def stale_line(ends: list[tuple[str, dt.date]], today: dt.date, as_of: dt.date | None) -> str:
    """One sentence per last date that lies well before today (or the as-of date):
    "Gold's and silver's data end 2026-03-30, eight months before today (2026-12-01)."

    Args:
        ends: (asset name, its series' last date) for every series an answer used; the name
            may be "" when a result does not say whose series it is.
    """
    ref = as_of or today
    what = "the as-of date" if as_of else "today"
    by_date: dict[dt.date, list[str]] = {}
    for name, last in ends:
        if (ref - last).days > STALE_DAYS and name not in by_date.setdefault(last, []):
            by_date[last].append(name)
    groups: dict[str, list[str]] = {}  # age in words -> "Gold's 2026-03-30" clauses
    for last in sorted(by_date, reverse=True):
        names = [n for n in by_date[last] if n]
        owned = and_list([f"{n}'s" for n in names]) if names else "the"
        groups.setdefault(age(last, ref), []).append(f"{owned} {last}")
    if not groups:
        return ""
    out = []
    for i, (ago, clauses) in enumerate(groups.items()):
        first, *rest = clauses
        whose, last = first.rsplit(" ", 1)
        verb = "end" if " and " in whose or ", " in whose else "ends"
        if i == 0:
            head = f"{whose[0].upper()}{whose[1:]} data {verb} {last}"
        else:
            head = f"{whose} data {verb} {last}"
        out.append(" and ".join([head, *rest]) + f", {ago} before {what}")
    return "; ".join(out) + f" ({ref})."


def and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 2 else items)


def day_unit(crypto: bool) -> str:
    return "days" if crypto else "trading days"


def record_line(
    below_pct: float, ath: float, ath_date: dt.date, since: int | None, crypto: bool
) -> str:
    """ "It is at its record close." only when the last close is the record; otherwise how far
    below it, and since when. ``below_pct`` is the tool's distance from the record (<= 0)."""
    if f.pct(below_pct, signed=False) in ("0.00%", "-0.00%"):
        return f"That close is its record (its highest close), {f.price(ath)}."
    when = f"set on {ath_date}"
    if since is not None:
        when += f", {f.count(since)} {day_unit(crypto)} earlier"
    return (
        f"It is {f.pct(abs(below_pct), signed=False)} below its record close of {f.price(ath)},"
        f" {when}."
    )


_CALENDAR = (  # periods named by the calendar, relative to today (or the as-of date)
    (r"\btoday\b|\bthis (?:morning|afternoon|session)\b", "today"),
    (r"\bthis week\b|\bso far this week\b", "this week"),
    (r"\blast week\b|\bthe previous week\b", "last week"),
    (r"\bthis month\b|\bso far this month\b|\bmonth to date\b|\bmtd\b", "this month"),
    (r"\bthis year\b|\bso far this year\b|\byear to date\b|\bytd\b", "this year"),
)


def calendar_gap(low: str, last: dt.date, anchor: dt.date) -> str | None:
    """The calendar period a question names ("this month", "last week", "today") when the data,
    ending on ``last``, has no close in it as of ``anchor``; None when it has (or none is named).
    """
    import re

    for pattern, words_ in _CALENDAR:
        if not re.search(pattern, low):
            continue
        monday = anchor - dt.timedelta(days=anchor.weekday())
        start = {
            "today": anchor,
            "this week": monday,
            "last week": monday - dt.timedelta(days=7),
            "this month": anchor.replace(day=1),
            "this year": anchor.replace(month=1, day=1),
        }[words_]
        return words_ if last < start else None
    return None
