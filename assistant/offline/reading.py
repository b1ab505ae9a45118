"""Reading a question for the offline analyst: what it asks (from its meaning) and its
parameters (from rules that are certain: assets, dates and periods, levels, leader and
follower, frequency, the direction a "why" question takes for granted).

:func:`parse` reads one question on its own; :func:`follow_up` fills what a follow-up leaves
out ("and gold?", "over 6 months?", "vs copper?") from the question before it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from assistant.briefing.watchlists import DEFAULT_ASSETS
from assistant.offline import bank, cues, dates, names
from assistant.offline.bank import (
    ADVICE,
    BREAKOUT,
    BRIEFING,
    CHANGE,
    CLAIM,
    COMPARE,
    DOCUMENT,
    FORECAST,
    LEADLAG,
    LEVEL,
    OTHER,
    PRICE,
    WHY,
)
from assistant.offline.decide import decide, inherit, standalone
from assistant.offline.intents import reader
from assistant.offline.names import Mention
from assistant.offline.question import Reading
from assistant.offline.when import When

__all__ = [
    "ADVICE", "BREAKOUT", "BRIEFING", "CHANGE", "CLAIM", "COMPARE", "DOCUMENT", "FORECAST",
    "LEADLAG", "LEVEL", "OTHER", "PRICE", "WHY", "Reading", "parse", "follow_up", "bank",
]  # fmt: skip

_LEVEL = re.compile(
    r"\b(hit|hits|reach(ed|es)?|cross(ed|es)?|top(ped)?|break|broke|above|over|past|beyond|"
    r"through|exceed(ed|s)?|surpass(ed|es)?|breach(ed|es)?|clear(ed|s)?|crack(ed|s)?|"
    r"north of|higher than|greater than|close[ds]? (at or )?above|to)\s+(the\s+)?\$?\s?"
    r"(?P<level>\d[\d,]*+(\.\d+)?+)(?P<k>\s?k\b)?"
    r"(?!\s*(%|percent|pp\b|[dwmy]\b|yrs?\b|mos?\b|days?|weeks?|months?|years?|bars?|sessions?))",
    re.I,
)
_HORIZONS = [
    (r"\b(ytd|year[- ]to[- ]date|this year|so far this year|since january)\b", "ytd"),
    (r"\b(today|1d|one day|overnight|daily move|on the day)\b", "1d"),
    (r"\b(this week|last week|1w|a week|on the week)\b", "1w"),
    (r"\b(this month|1m|a month)\b", "1m"),
    (r"\b(3m|this quarter|a quarter)\b", "3m"),
    (r"\b(1y|12 months|52 weeks)\b", "1y"),
]
_FREQ = [  # a horizon in days ("the next day") asks about daily moves, in weeks weekly ones
    (
        r"\b(daily|day[- ]by[- ]day|day to day|days|(next|following|same|subsequent|prior|"
        r"previous) (trading )?(day|session)|(a|one|1) (trading )?day (later|after|before)|"
        r"day after|(one|1)[- ]day|each day|every day|overnight|intraday)\b",
        "daily",
    ),
    (
        r"\b(weekly|week[- ]by[- ]week|weeks|(next|following|same|subsequent) week|"
        r"(a|one|1) week (later|after)|week after)\b",
        "weekly",
    ),
    (r"\b(monthly|month[- ]by[- ]month)\b", "monthly"),
]
_FOLLOWER_FIRST = re.compile(
    r"\b(follow(s|ing|ed)?|lag(s|ging|ged)?( behind)?|trail(s|ing)?|react(s)? to|"
    r"respond(s)? to|catch(es)? up (with|to)|behind|echo(es)?|track(s)?)\b"
)
_UP = re.compile(
    r"\b(ris(e|es|ing|en)|rose|up|rall(y|ies|ied|ying)|gain(s|ed|ing)?|soar(s|ed|ing)?|"
    r"climb(s|ed|ing)?|surg(e|es|ed|ing)|jump(s|ed|ing)?|higher|strong(er)?|pump(ing|ed)?|"
    r"spik(e|ed|ing)|rocket(ing|ed)?|bull(ish)?|boom(ing)?|strength(en\w*)?|firm(er|ing)?|"
    r"rebound(s|ed|ing)?|bounc(e|es|ed|ing)|recover(y|s|ed|ing)|upswing|upturn|advanc(e|es|ed|ing)|"
    r"propp(ed|ing) up|lift(s|ed|ing)?|boost(s|ed|ing)?|on (a|such a) (tear|roll)|"
    r"(hot|winning) streak)\b"
)
_DOWN = re.compile(
    r"\b(fall(s|ing|en)?|fell|drop(s|ped|ping)?|down|crash(es|ed|ing)?|slump(s|ed|ing)?|"
    r"sell[- ]?off|sold off|selling off|weak(er|ness|ening)?|declin(e|es|ed|ing)|"
    r"tumbl(e|es|ed|ing)|plung(e|es|ed|ing)|lower|sink(s|ing)?|sank|slid(e|es|ing)?|"
    r"dump(s|ed|ing)?|tank(s|ed|ing)?|bear(ish)?|weigh(s|ed|ing)? on|loss(es)?|los(e|es|ing)|lost|"
    r"rout|correction|downturn|retreat(s|ed|ing)?|pull(ed|ing)? ?back|collaps(e|es|ed|ing)|"
    r"slip(s|ped|ping)?|sag(s|ged|ging)?|dip(s|ped|ping)?|knock(s|ed|ing)?|hammer(ed|ing)?|"
    r"sliding|plummet(s|ed|ing)?)\b"
)
_DOC_WORDS = re.compile(
    r"\b(article|articles|notes?|library|document|documents|docs?|piece|commentary|report|"
    r"reports|sources?|paper|essay|uploads?|uploaded|pdf)\b",
    re.I,
)
_CLAIM_TEXT = re.compile(
    r"^\s*(?:please\s+)?(?:fact[- ]?check|check|verify)\s+(?:this|these)\s*:\s*(?P<t>.+)$",
    re.I | re.S,
)
_FILLER = set(
    "and also then same for again too please ok so but or the a an of on in about over during "
    "since to vs versus against compared with than it its instead now just only".split()
)


def _level(text: str) -> tuple[float | None, tuple[int, int] | None]:
    m = _LEVEL.search(text)
    if not m:
        return None, None
    value = float(m.group("level").replace(",", ""))
    if m.group(1).lower() == "to" and not m.group("k") and "$" not in m.group(0):
        if 1900 <= value <= 2100 or "," in m.group("level"):
            return None, None  # "to 2024" is a date more often than a price
    return (value * 1000 if m.group("k") else value), m.span("level")


_ABBREVIATIONS = [
    (re.compile(r"\bath\b", re.I), "all-time high"),
    (re.compile(r"\bytd\b", re.I), "then"),
]
_NUMBER = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)(\s?k\b)?(?![\w%])")


def _masked(text: str, mentions: list[Mention], when: When | None) -> str:
    """The question with assets as X, Y, Z and the date phrase as "then" (what the bank holds)."""
    spans: list[tuple[int, int, str]] = []
    letters: dict[str, str] = {}
    for m in mentions:
        if m.how == "group":
            letter = letters.setdefault(m.text, "XYZ"[min(len(set(letters.values())), 2)])
        else:
            letter = letters.setdefault(m.key, "XYZ"[min(len(set(letters.values())), 2)])
        if not any(s < m.end and m.start < e for s, e, _ in spans):
            spans.append((m.start, m.end, letter))
    low = text.lower()
    ahead = (
        when is not None
        and when.kind == "trailing"
        and re.match(r"in (a|an|\d|one|two)", when.text)
    )
    phrases = [when.text] if when is not None and not ahead else []  # "in a year" may look ahead
    phrases += [m.group(0) for p, _ in _HORIZONS for m in re.finditer(p, low)]
    for phrase in phrases:
        i = low.find(phrase)
        if i >= 0 and not any(s < i + len(phrase) and i < e for s, e, _ in spans):
            spans.append((i, i + len(phrase), "then"))
    out = text
    for s, e, word in sorted(spans, reverse=True):
        out = out[:s] + word + out[e:]
    for pattern, words in _ABBREVIATIONS:
        out = pattern.sub(words, out)
    return " ".join(out.split())


def _is_elliptic(masked: str) -> bool:
    """Only parameters and glue words: "and X?", "how about then?", "vs X?", "weekly?"."""
    low = re.sub(r"^\W*(and\s+)?(what|how)\s+about\b", " ", masked.lower())
    words = re.findall(r"[a-z']+", low)
    content = [w for w in words if w not in _FILLER and w not in ("x", "y", "z", "then")]
    return len(content) == 0 or (
        len(words) <= 3 and content in (["weekly"], ["daily"], ["monthly"])
    )


@functools.lru_cache(maxsize=1024)
def parse(question: str) -> Reading:
    """The reading of one question on its own (no conversation context)."""
    text = " ".join(question.strip().split())
    low = text.lower()
    claim = _CLAIM_TEXT.match(text)
    mentions = names.find_mentions(claim.group("t") if claim else text)
    if claim:
        mentions = []
    level, level_span = _level(text)
    skip = [(m.start, m.end) for m in mentions] + ([level_span] if level_span else [])
    when = dates.find_when(text, skip=skip)
    keys = names.keys_of(mentions)
    if not keys and cues.ranking(low):
        keys = DEFAULT_ASSETS  # "best performing asset this year?": rank the usual ones
    masked = _masked(text, mentions, when)
    if len(keys) == 2 and cues.per(masked):
        keys = (keys[1], keys[0])  # how many ounces of silver one ounce of gold buys: gold/silver
    horizon = when.horizon if when is not None else None
    horizon = horizon or next((h for p, h in _HORIZONS if re.search(p, low)), None)
    freq = next((f for p, f in _FREQ if re.search(p, low)), None)
    guess = reader().guess(masked) if masked.strip(" ?!.") else None
    if guess is not None and any(m.how == "unknown" for m in mentions):
        # A name the registry does not know may be no asset at all ("the weather in Paris").
        plain = reader().guess(_masked(text, [m for m in mentions if m.how != "unknown"], when))
        if plain.intent == bank.OTHER and plain.certain:
            guess, keys, mentions = plain, (), []
    reading = Reading(
        assets=keys,
        mentions=tuple(mentions),
        horizon=horizon,
        when=None if when is not None and when.horizon else when,
        freq=freq or "weekly",
        freq_given=freq is not None,
        follower_first=bool(_FOLLOWER_FIRST.search(low) or cues.FOLLOWS.search(low)),
        level=level if keys else None,
        direction=_direction(low),
        guess=guess,
        elliptic=_is_elliptic(masked),
        versus=bool(re.match(r"^\s*(vs\.?|versus|against|compared? (to|with))\b", low)),
        claim_text=claim.group("t").strip() if claim else None,
        number=_bare_number(text, when),
        topic=text,
        notes=tuple(n for n in [cues.unsupported(low)] if n),
    )
    return decide(reading, low, masked)


def _bare_number(text: str, when: When | None) -> float | None:
    """A number standing alone ("and gold 5000?"), not part of a date phrase."""
    if when is not None and re.search(r"\d", when.text):
        return None
    m = _NUMBER.search(text)
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    return value * 1000 if m.group(2) else value


def _direction(low: str) -> str | None:
    up, down = bool(_UP.search(low)), bool(_DOWN.search(low))
    if up == down:
        return None
    return "up" if up else "down"


def is_follow_up(question: str) -> bool:
    """A question that only makes sense with the one before ("and gold?", "over 6 months?")."""
    r = parse(question)
    return r.elliptic or not r.kinds


def follow_up(current: Reading, previous: Reading | None) -> Reading:
    """Fill what a follow-up leaves out from the previous question."""
    return current if previous is None else inherit(current, previous)


__all__ += ["is_follow_up", "replace", "standalone"]
