"""Reading a question for the offline analyst: assets, intents, horizon, dates, leader/follower.

This is deliberately a small rule-based reader: it recognises the questions the tools can
answer, and says so plainly when it cannot map one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from tools import assets

PRICE, CHANGE, BREAKOUT, COMPARE, LEADLAG, WHY, BRIEFING, LEVEL = (
    "price",
    "change",
    "breakout",
    "compare",
    "leadlag",
    "why",
    "briefing",
    "level",
)
_ADVICE = re.compile(
    r"\b(should i|buy|sell|short|invest|hold on to|price target|target price|go long|"
    r"allocate|put my money)\b",
    re.I,
)

# "Did silver hit $100?", "when did gold first close above 3000": a price level to check.
_LEVEL = re.compile(
    r"\b(hit|hits|reach(ed|es)?|cross(ed|es)?|top(ped)?|break|broke|above|over|past|"
    r"through|exceed(ed|s)?|close[ds]? (at or"
    r" )?above)\s+(the\s+)?\$?\s?(?P<level>\d[\d,]*+(\.\d+)?+)"
    r"(?P<k>\s?k\b)?(?!\s*(%|percent|pp\b|[dwmy]\b|days?|weeks?|months?|years?|bars?|sessions?))",
    re.I,
)
# Names for several registry assets at once.
_GROUPS = {
    "precious metals": ("gold", "silver"),
    "the metals": ("gold", "silver"),
    "metals": ("gold", "silver"),
    "bullion": ("gold", "silver"),
    "crypto": ("bitcoin", "ethereum"),
    "cryptos": ("bitcoin", "ethereum"),
    "cryptocurrencies": ("bitcoin", "ethereum"),
}
# Upper-case words that look like Yahoo tickers (AAPL, ^N225, MSFT); only the live source serves
# them.
_TICKER = re.compile(
    r"(?<![\w^])(\^?[A-Z][A-Z0-9]{1,5}(?:[.=-][A-Z]{1,3})?|\^[A-Z0-9]{2,6})(?![\w])"
)
_NOT_TICKERS = {
    "ATH",
    "YTD",
    "USD",
    "ETF",
    "CEO",
    "FED",
    "US",
    "UK",
    "EU",
    "GDP",
    "CPI",
    "AI",
    "OK",
    "PM",
    "AM",
    "I",
    "A",
    "THE",
    "AND",
    "OR",
    "VS",
    "EV",
    "EVS",
    "ETH",
    "BTC",
    "SPX",
    "DXY",
    "XAG",
    "XAU",
    "WTI",
}

_INTENT_WORDS: dict[str, tuple[str, ...]] = {
    BRIEFING: (
        r"\bbrief(ing)?\b",
        r"\bsummar(y|ise|ize)\b.*\bmarkets?\b",
        r"\bmarket (update|wrap|recap)\b",
        r"\bwhat happened\b",
        r"\bmorning note\b",
        r"\boverview\b",
    ),
    LEADLAG: (
        r"\bfollows?\b",
        r"\bfollowing\b",
        r"\blag(s|ged|ging)?\b",
        r"\blead(s|ing)?\b",
        r"\bled\b",
        r"\bprecede[sd]?\b",
        r"\btrail(s|ing)?\b",
        r"\bcorrelat",
        r"\bmove[s]? (together|with)\b",
        r"\bgranger\b",
        r"\bpredicts?\b",
        r"\bahead of\b",
        r"\bbehind\b",
        r"\bin tandem\b",
        r"\bcatch(es)? up\b",
        r"\bafter\b.*\b(rall|breakout|move)",
    ),
    WHY: (
        r"\bwhy\b",
        r"\bexplain\b",
        r"\bdrivers?\b",
        r"\bdriving\b",
        r"\breasons?\b",
        r"\bwhat('s| is) behind\b",
        r"\bcause[sd]?\b",
        r"\bbehind the (rally|move|drop)\b",
        r"\bwhat moves\b",
        r"\bnarrative\b",
        r"\bwhat does the commentary\b",
        r"\bthesis\b",
    ),
    BREAKOUT: (
        r"\bbreak(ing|s)? ?out\b",
        r"\bbreakouts?\b",
        r"\brecords?\b",
        r"\ball[- ]time high",
        r"\bath\b",
        r"\bnew highs?\b",
        r"\b52[- ]week high",
        r"\bpeak(ed)?\b",
        r"\btop(ped)?\b",
        r"\bhighest\b",
    ),
    COMPARE: (
        r"\boutperform",
        r"\bunderperform",
        r"\bbeat(en|ing|s)?\b",
        r"\bvs\.?\b",
        r"\bversus\b",
        r"\bcompared? (to|with)\b",
        r"\bcompare\b",
        r"\bratio\b",
        r"\bbetter than\b",
        r"\bworse than\b",
        r"\brelative\b",
        r"\bagainst\b",
    ),
    CHANGE: (
        r"\bchange[ds]?\b",
        r"\b(up|down)\b",
        r"\brise|rose|risen|rising|rall(y|ied)|gain",
        r"\bweak(en|ening|er)\b",
        r"\bstrong(er)?\b|\bstrengthen",
        r"\bdoing\b",
        r"\bfall|fell|fallen|drop|dropp|decline|slid|lost\b",
        r"\bperform(ed|ance)?\b",
        r"\bytd\b",
        r"\bthis (week|month|year)\b",
        r"\bmoved?\b",
        r"\breturns?\b",
    ),
    PRICE: (
        r"\bprice\b",
        r"\bhow much\b",
        r"\btrading at\b",
        r"\bquote\b",
        r"\blevel\b",
        r"\bworth\b",
        r"\bclose[ds]?\b",
        r"\bwhere is\b",
        r"\bwhat('s| is) .* at\b",
        r"\bcost\b",
        r"\bvalue\b",
    ),
}

_HORIZONS = [
    (r"\b(ytd|year[- ]to[- ]date|this year|since january|since the start of the year)\b", "ytd"),
    (r"\b(today|1d|one day|yesterday|overnight|daily move)\b", "1d"),
    (r"\b(this week|past week|last week|1w|one week|7 days|a week)\b", "1w"),
    (r"\b(this month|past month|last month|1m|one month|30 days|a month)\b", "1m"),
    (r"\b(3m|three months|3 months|quarter|last quarter|90 days)\b", "3m"),
    (r"\b(1y|1 year|one year|12 months|a year|past year|last year|52 weeks)\b", "1y"),
]
_FREQ = [
    (r"\b(daily|day[- ]by[- ]day|day to day)\b", "daily"),
    (r"\bweekly\b", "weekly"),
    (r"\bmonthly\b", "monthly"),
]
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
# Phrases that name a follower before its leader ("does bitcoin follow silver").
_FOLLOWER_FIRST = re.compile(
    r"\b(follow(s|ing|ed)?|lag(s|ging|ged)?( behind)?|trail(s|ing)?|react(s)? to|"
    r"respond(s)? to|catch(es)? up (with|to)|behind)\b"
)


@dataclass(frozen=True)
class Intent:
    """What a question asks: the intents found, the assets in order, and its parameters."""

    kinds: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()  # registry keys in the order they appear
    horizon: str | None = None  # 1d 1w 1m 3m ytd 1y
    on: dt.date | None = None  # "on 2026-01-23"
    leader: str | None = None
    follower: str | None = None
    freq: str = "weekly"
    follower_first: bool = False  # "does A follow B" names the follower first
    level: float | None = None  # a price level the question asks about
    advice: bool = False  # asks for a recommendation (answered with data, not advice)

    @property
    def primary(self) -> str | None:
        return self.kinds[0] if self.kinds else None


MAX_TICKERS = 4


def find_assets(text: str) -> list[str]:
    """Registry keys named in ``text``, in order of first mention (aliases and symbols included)."""
    low = " " + re.sub(r"[^0-9a-z&^=.\- ]", " ", text.lower()) + " "
    hits: list[tuple[int, int, str]] = []
    for a in assets.ASSETS:
        labels = {a.key, a.name.lower(), a.symbol.lower(), *a.aliases}
        for label in labels:
            for m in re.finditer(rf"(?<![0-9a-z]){re.escape(label.lower())}(?![0-9a-z])", low):
                hits.append((m.start(), -len(label), a.key))
    hits.sort()
    taken: list[tuple[int, int]] = []
    keys: list[str] = []
    for start, neg_len, key in hits:
        end = start - neg_len
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        if key not in keys:
            keys.append(key)
    for name, members in _GROUPS.items():
        m = re.search(rf"(?<![0-9a-z]){re.escape(name)}(?![0-9a-z])", low)
        if m and not any(s <= m.start() < e for s, e in taken):
            taken.append((m.start(), m.end()))
            keys.extend(k for k in members if k not in keys)
    if not keys:  # unknown to the registry: upper-case tickers, passed on as written
        keys = [t for t in _TICKER.findall(text) if t.lstrip("^") not in _NOT_TICKERS][:MAX_TICKERS]
    return keys


def parse(question: str) -> Intent:
    """The intent of one question, on its own (no conversation context)."""
    text = question.strip()
    low = text.lower()
    kinds = [k for k, patterns in _INTENT_WORDS.items() if any(re.search(p, low) for p in patterns)]
    keys = find_assets(text)
    horizon = next((h for p, h in _HORIZONS if re.search(p, low)), None)
    freq = next((f for p, f in _FREQ if re.search(p, low)), "weekly")
    date_match = _DATE.search(text)
    on = None
    if date_match:
        try:
            on = dt.date.fromisoformat(date_match.group(1))
        except ValueError:
            on = None
    level = _level(text)
    if level is not None and keys:
        kinds.insert(0, LEVEL)
    leader = follower = None
    follower_first = bool(_FOLLOWER_FIRST.search(low))
    if LEADLAG in kinds and len(keys) >= 2:
        leader, follower = _order(low, keys[0], keys[1])
        if re.search(r"\bafter\b", low) and not _FOLLOWER_FIRST.search(low):
            leader, follower = keys[1], keys[0]  # "does bitcoin rally after silver breakouts?"
    kinds = _prioritise(kinds, keys)
    return Intent(
        kinds=tuple(kinds),
        assets=tuple(keys),
        horizon=horizon,
        on=on,
        leader=leader,
        follower=follower,
        freq=freq,
        follower_first=follower_first,
        level=level,
        advice=bool(_ADVICE.search(low)),
    )


def _level(text: str) -> float | None:
    m = _LEVEL.search(text)
    if not m:
        return None
    value = float(m.group("level").replace(",", ""))
    return value * 1000 if m.group("k") else value


def _order(low: str, first: str, second: str) -> tuple[str, str]:
    """(leader, follower) from the phrasing: "does A follow B" means B leads, "does A lead B" means
    A leads."""
    if _FOLLOWER_FIRST.search(low):
        return second, first
    return first, second


def _prioritise(kinds: list[str], keys: list[str]) -> list[str]:
    """Order intents from most to least specific, and drop the ones a stronger intent covers."""
    order = [BRIEFING, LEVEL, LEADLAG, WHY, BREAKOUT, COMPARE, CHANGE, PRICE]
    found = [k for k in order if k in kinds]
    if LEADLAG in found and len(keys) < 2 and BREAKOUT in found:
        found.remove(LEADLAG)  # "did silver lead the rally to a record?" is about the record
    if COMPARE in found and len(keys) < 2:
        found.remove(COMPARE)
    if COMPARE in found and CHANGE in found:
        found.remove(CHANGE)
    return found


_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|same for|and what about|also|why( so| is that)?\??$|"
    r"over (the )?(last|past)|since|then)\b",
    re.I,
)


def is_follow_up(question: str) -> bool:
    """A question that only makes sense with the previous one ("and gold?", "why?", "over 3
    months?")."""
    return bool(_FOLLOW_UP.search(question))


def follow_up(current: Intent, previous: Intent | None) -> Intent:
    """Fill what a follow-up leaves out ("and gold?") from the previous question."""
    if previous is None:
        return current
    kinds = current.kinds or previous.kinds
    keys = current.assets or previous.assets
    horizon = current.horizon or (previous.horizon if not current.kinds else None)
    leader, follower = current.leader, current.follower
    if LEADLAG in kinds and (leader is None or follower is None):
        if len(current.assets) == 1 and previous.leader and previous.follower:
            # "and gold?" after "does bitcoin follow silver?": gold replaces the leader
            leader, follower = current.assets[0], previous.follower
        elif previous.leader and not current.assets:
            leader, follower = previous.leader, previous.follower
    return replace(
        current,
        kinds=kinds,
        assets=keys,
        horizon=horizon,
        leader=leader,
        follower=follower,
        freq=current.freq if current.freq != "weekly" else previous.freq,
    )
