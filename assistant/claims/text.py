"""Reading commentary text: sentences and their clauses, asset names, price levels, lag ranges,
windows and the dates a text speaks of. Pure functions over strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from assistant.offline.dates import find_when
from tools import assets

# --- sentences and clauses -----------------------------------------------------------------

_ABBREVIATIONS = ("U.S.", "U.K.", "e.g.", "i.e.", "vs.", "etc.", "Mr.", "Ms.", "Dr.", "Inc.", "St.")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(\[]?[A-Z0-9$])")
_CLAUSE = re.compile(
    r"\s*[—–]\s*|[;:]\s+|,\s+(?=(?:which|while|whereas|but|really|setting|sending|taking|"
    r"leaving|even|though|although|so)\b)|,?\s+(?=(?:because|due to|thanks to|amid|on the back "
    r"of|as (?:investors|traders|markets|money))\b)|\s+(?=after a (?:climb|rally|run|rise|advance|"
    r"surge)\b)|\s+and\s+(?=(?:sped|speeded|accelerated|picked up|gathered)\b)",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    paragraph: int
    clauses: tuple[tuple[int, int], ...]  # (start, end) offsets of each clause in ``text``

    def clause_at(self, pos: int) -> str:
        for start, end in self.clauses:
            if start <= pos < end:
                return self.text[start:end].strip()
        return self.text


def plain(text: str) -> str:
    """Typographic quotes and dashes made plain, one character for one, so offsets still hold."""
    return text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}))


def sentences(text: str) -> list[Sentence]:
    """The sentences of a document, in order; headings, list markers and image links dropped."""
    out: list[Sentence] = []
    for p, block in enumerate(re.split(r"\n\s*\n", text)):
        lines = [ln for ln in block.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        body = " ".join(re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", ln).strip() for ln in lines)
        body = re.sub(r"!\[[^\]]*\]\([^)]*\)|!\[\]\(?\)?", "", body).strip()
        for piece in _split(body):
            if re.search(r"[A-Za-z]{2}", piece):
                out.append(Sentence(len(out), piece, p, _clauses(piece)))
    return out


def _split(body: str) -> list[str]:
    parts: list[str] = []
    for piece in _SENTENCE_END.split(body):
        if parts and parts[-1].endswith(_ABBREVIATIONS):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def _clauses(text: str) -> tuple[tuple[int, int], ...]:
    spans, start = [], 0
    for m in _CLAUSE.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return tuple(spans)


# --- assets -------------------------------------------------------------------------------

# Words that name registry assets in prose. Bare tickers and short aliases that are ordinary
# words or units ("usd", "comp", "cl") are left out; "the dollar" and yields are macro proxies.
_SKIP_LABELS = {"usd", "comp", "cl", "hg", "dx", "m", "snp", "stocks", "us stocks", "oil", "10y"}
GROUPS = {
    "gold and silver": ("gold", "silver"),
    "silver and gold": ("silver", "gold"),
    "precious metals": ("gold", "silver"),
    "the metals": ("gold", "silver"),
    "metals": ("gold", "silver"),
    "crypto": ("bitcoin",),
    "cryptocurrencies": ("bitcoin",),
    "us stocks": ("sp500",),
    "stocks": ("sp500",),
    "equities": ("sp500",),
    "oil": ("crude",),
    "treasury yields": ("us10y",),
    "real yields": ("us10y",),
    "bond yields": ("us10y",),
    "yields": ("us10y",),
}


def _asset_pattern() -> re.Pattern:
    labels: dict[str, tuple[str, ...]] = dict(GROUPS)
    for a in assets.ASSETS:
        for label in (a.key, a.name, *a.aliases):
            low = label.lower()
            if low not in _SKIP_LABELS and len(low) >= 3 and low not in labels:
                labels[low] = (a.key,)
    ordered = sorted(labels, key=len, reverse=True)  # longest first: "gold and silver" wins
    body = "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in ordered)
    return re.compile(rf"(?<![\w^])(?P<name>{body})(?:'s|s')?(?![\w])", re.I), labels


_ASSETS, _LABELS = _asset_pattern()


@dataclass(frozen=True)
class Mention:
    keys: tuple[str, ...]  # registry keys (a group names several)
    start: int
    end: int
    text: str


def mentions(text: str) -> list[Mention]:
    """Every asset named in ``text``, in order ("gold and silver" is one mention of two)."""
    return list(_mentions(text))


@functools.lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[Mention, ...]:
    # A sentence is read several times (its clauses, the context, the main asset): once here.
    found = []
    for m in _ASSETS.finditer(plain(text)):
        label = " ".join(m["name"].lower().split())
        found.append(Mention(_LABELS[label], m.start(), m.end(), m[0]))
    return tuple(found)


def keys_in(found: list[Mention]) -> list[str]:
    """The distinct asset keys of some mentions, in order."""
    out: list[str] = []
    for m in found:
        out.extend(k for k in m.keys if k not in out)
    return out


# --- levels, windows, lags, dates ----------------------------------------------------------

_LEVEL = re.compile(
    r"(?P<cur>\$|usd\s?|us\$)\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<k>\s?(?:k|thousand)\b)?|(?P<num2>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<k2>k)?\s?(?:dollars|usd)\b",
    re.I,
)


def levels(text: str) -> list[tuple[float, int]]:
    """Price levels written in ``text`` ("$101", "$4,000", "$100k", "120 dollars") with
    their offsets."""
    out = []
    for m in _LEVEL.finditer(text):
        raw = m["num"] or m["num2"]
        value = float(raw.replace(",", ""))
        if m["k"] or m["k2"]:
            value *= 1000
        out.append((value, m.start()))
    return out


_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTH_YEAR = re.compile(
    r"\b(?P<m>january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+(?:(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+)?(?P<y>(?:19|20)\d{2})\b",
    re.I,
)
_ISO = re.compile(r"\b(20\d{2}|19\d{2})-(\d{2})-(\d{2})\b")


def dates_in(text: str) -> list[tuple[dt.date, str, str, int]]:
    """(date, precision, phrase, offset) for each month-year or full date in ``text``."""
    out = []
    for m in _MONTH_YEAR.finditer(text):
        month = MONTHS[m["m"].lower()]
        try:
            day = dt.date(int(m["y"]), month, int(m["d"] or 1))
        except ValueError:
            continue
        out.append((day, "day" if m["d"] else "month", m[0], m.start()))
    for m in _ISO.finditer(text):
        try:
            out.append((dt.date(int(m[1]), int(m[2]), int(m[3])), "day", m[0], m.start()))
        except ValueError:
            continue
    return out


_WINDOWS = (
    (r"\b(this|so far this|the) year\b|\byear[- ]to[- ]date\b|\bytd\b", "ytd"),
    (r"\b(past|last|over the) (12 months|year)\b|\bthis past year\b", "1y"),
    (r"\b(past|last) (six|6) months\b", "6m"),
    (r"\b(past|last) (three|3) months\b|\bthis quarter\b|\bthe quarter\b", "3m"),
    (r"\b(past|last|this) month\b", "1m"),
    (r"\b(past|last|this) week\b|\btoday\b", "1w"),
    (r"\bfor (many |several )?months\b|\bmonths-long\b|\bfor a few months\b", "months"),
    (r"\bfor (many |several |a few )?weeks\b", "weeks"),
    (r"\brecently\b|\blately\b|\bof late\b|\bin recent (weeks|months)\b", "recent"),
    (r"\bhistorically\b|\bover (the )?(long run|decades|years)\b", "history"),
)


def window_in(text: str) -> str | None:
    """The window a clause names: "recently", "this year", "for months", or a calendar period
    ("in January 2026", "in 2024", "in Q1 2025", "during the first half of 2025", "last
    year"), read with the offline analyst's date grammar (:mod:`assistant.offline.dates`)."""
    return _window_in(plain(text).lower())


@functools.lru_cache(maxsize=4096)
def _window_in(low: str) -> str | None:
    period = calendar_period(low)
    if period is not None:
        return period
    for day, precision, _, _ in dates_in(low):
        if precision == "month" and re.search(r"\b(in|during|since|through)\s+\w+\s+\d{4}", low):
            return f"month:{day.strftime('%Y-%m')}"
    for pattern, window in _WINDOWS:
        if re.search(pattern, low):
            return window
    return None


# A period phrase counts as the claim's window after one of these words ("in 2024", "during the
# first quarter of 2025", "over H1 2025"); a bare year ("the 2011 peak") does not.
_PERIOD_LEAD = re.compile(
    r"\b(?:in|during|over|through|throughout|across|for|within)\s+(?:the\s+(?:whole\s+|full\s+)?)?$"
)


def calendar_period(low: str) -> str | None:
    """A calendar period named in a lower-cased clause as a window: "month:YYYY-MM",
    "year:YYYY", "period:YYYY-MM-DD..YYYY-MM-DD" or "year:last"; None for anything else (a
    trailing span such as "the past 3 months", a single day, "since 2020")."""
    skip = [m.span() for m in _LEVEL.finditer(low)]  # "$2,024" is a price, not a year
    when = find_when(low, skip)
    if when is None or when.kind != "period":
        return None
    if when.rule == "year:1":
        return "year:last"  # "last year": the calendar year before the text's "today"
    if when.relative or when.start is None or when.end is None:
        return None
    at = low.find(when.text)
    if not when.text.startswith(("from", "between")) and not _PERIOD_LEAD.search(low[:at]):
        return None
    first, last = when.start, when.end
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return f"year:{first.year}"
    if first.day == 1 and first.month == last.month and first.year == last.year:
        return f"month:{first.strftime('%Y-%m')}"
    return f"period:{first}..{last}"


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_LAG = re.compile(
    r"(?:(?P<a>\d+|a|an|one|two|three|four|five|six|a few|few|several)\s+)?(?P<u1>day|week|month)s?"
    r"(?:\s+(?:to|or|-|–)\s+(?:(?P<b>\d+|two|three|four|five|six|a few|several)\s+)?"
    r"(?P<u2>day|week|month)s?)?",
    re.I,
)


_SPAN = re.compile(
    r"\s*(?:about |roughly |around |some )?(?P<a>\d+|one|two|three|four|five|six)\s*"
    r"(?:to|-|–|or)\s*(?P<b>\d+|two|three|four|five|six)\s+(?P<u>day|week|month)s?\b"
)


def lag_range(text: str) -> tuple[int, int, str] | None:
    """(min, max, freq) of a lag the text names ("a lag of weeks to months": 1..26 weekly;
    "four weeks": 3..5 weekly; "a few days": 1..10 daily), or None."""
    low = plain(text).lower()
    anchor = re.search(r"\blag(?:ged|s)?\s+(?:of|by)\b|\bby\b|\bwith a delay of\b", low)
    later = re.search(r"\b((?:\w+\s+){1,3})later\b", low)
    if anchor and (span := _SPAN.match(low, anchor.end())):  # "a lag of 10 to 20 weeks"
        a, b, unit = _count(span["a"]) or 1, _count(span["b"]) or 1, span["u"]
        lo, hi = sorted((a, b))
        if unit == "day":
            return lo, hi, "daily"
        per = 4 if unit == "month" else 1
        return max(1, lo * per), hi * per + (per > 1), "weekly"
    if anchor:
        m = _LAG.search(low, anchor.end())
        if m and m.start() - anchor.end() > 12:
            m = None
    elif later:  # "a few days later", "four weeks later"
        m = _LAG.fullmatch(later.group(1).strip())
    else:
        return None
    if not m:
        return None
    lo_unit, hi_unit = m["u1"], m["u2"] or m["u1"]
    if lo_unit == "day" and hi_unit == "day":
        n = _count(m["a"])
        return (max(1, n - 2), n + 2, "daily") if n else (1, 10, "daily")
    lo, hi = _weeks(m["a"], lo_unit, low=True), _weeks(m["b"] or m["a"], hi_unit, low=False)
    return min(lo, hi), max(lo, hi), "weekly"


def _count(word: str | None) -> int | None:
    if not word or word in ("a few", "few", "several"):
        return None
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def _weeks(word: str | None, unit: str, low: bool) -> int:
    """A lag bound in weeks: a counted unit is N (±1); a bare plural spans the unit's range."""
    n = _count(word)
    per = 4 if unit == "month" else 1
    if n is not None:
        return max(1, n * per - 1) if low else n * per + 1
    if word in ("a few", "few", "several"):
        return 2 * per if low else 6 * per
    if unit == "month":
        return 4 if low else 26
    return 1 if low else 8
