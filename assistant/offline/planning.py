"""Planning the offline analyst's tool calls from a reading and the results so far.

A turn runs in steps: when a date phrase depends on the anchor ("last Friday", "over 6 months")
and no as-of date is set, the latest prices come first (their last bar is the anchor); then the
calls that answer the question; for a comparison over a calendar period whose assets end on
different days, one more round ends them all on the same day. An empty plan means: answer now.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from assistant.briefing.watchlists import DEFAULT_ASSETS
from assistant.offline import question as q
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
    PRICE,
    WHY,
)
from assistant.registry import ToolName as T
from tools.periods import PeriodChange
from tools.prices import CloseOn, PriceLookup

MAX_ASSETS = 5
_DATED = (PRICE, CHANGE, COMPARE, WHY, BREAKOUT, None)  # kinds whose answer depends on a date


@dataclass(frozen=True)
class Anchor:
    """The dates a question is read against: today, and the as-of date when one is set."""

    today: dt.date
    as_of: dt.date | None = None

    def date(self, prices: list[PriceLookup]) -> dt.date | None:
        """The as-of date, else the latest last bar among the prices fetched so far."""
        if self.as_of is not None:
            return self.as_of
        return max((p.as_of for p in prices), default=None)


def call(name: T, **args: Any) -> dict:
    return {
        "name": name.value,
        "args": {k: v for k, v in args.items() if v is not None},
        "id": f"call_{uuid.uuid4().hex}",
        "type": "tool_call",
    }


def lead_lag_pairs(r: q.Reading, limit: int = 3) -> list[tuple[str, str]]:
    """(leader, follower) pairs: "is bitcoin lagging the metals?" tests gold and silver against
    bitcoin."""
    keys = list(r.assets)
    if len(keys) <= 2 or not r.leader:
        return [(r.leader, r.follower)]
    if r.follower_first:
        return [(k, keys[0]) for k in keys[1:]][:limit]
    return [(keys[0], k) for k in keys[1:]][:limit]


def dates_of(r: q.Reading, anchor: dt.date | None) -> tuple[dt.date, dt.date, str] | None:
    """The reading's date or period as (start, end, label), or None when there is none."""
    w = r.when
    if w is None or w.kind == "unclear" or (w.relative and anchor is None):
        return None
    return w.resolve(anchor) if anchor is not None else w.resolve(dt.date.max)


def adjust(r: q.Reading, anchor: Anchor) -> q.Reading:
    """What the dates settle: a "forecast" about a day already past is a price question."""
    if r.primary == FORECAST and r.when is not None and not r.when.relative:
        end = r.when.end or r.when.start
        if end is not None and end <= anchor.today:
            return q.replace(r, kinds=(PRICE,))
    return r


def plan(r: q.Reading, question: str, available: list[str], done: list, anchor: Anchor) -> list:
    """The next tool calls for ``r`` given the typed results ``done`` so far; [] to answer."""
    prices = [x for x in done if isinstance(x, PriceLookup)]
    periods = [x for x in done if isinstance(x, PeriodChange)]
    keys = list(r.assets[:MAX_ASSETS])
    needs_anchor = r.when is not None and r.when.relative and anchor.as_of is None
    if needs_anchor and not done and keys:
        return [call(T.PRICE, asset=k) for k in keys[:2]]
    if r.primary == COMPARE and len(periods) == len(keys) >= 2:
        return _align(periods)  # a second round only when the periods end on different days
    first_round = needs_anchor and len(done) == len(prices) == len(keys[:2])
    rest = _known_rest(r, done, keys)
    if rest is not None:  # "compare copper and gold" with no copper: gold alone, said so
        return rest
    if not periods and period_end(r) and any(isinstance(x, CloseOn) for x in done):
        return _day_moves(done)  # "at the end of January": that day's move, on its last close
    if done and not first_round:
        return []
    if r.when is not None and r.when.kind == "unclear" and r.primary in _DATED:
        return []  # the answer asks which date is meant
    when = dates_of(r, anchor.date(prices))
    return _main(r, question, available, keys, when)


def _known_rest(r: q.Reading, done: list, keys: list[str]) -> list[dict] | None:
    """After a comparison failed on an asset the source lacks, the calls for the assets it has
    (None when that is not the case)."""
    from assistant.registry import ToolFailure

    if r.primary != COMPARE or len(done) != 1 or not isinstance(done[0], ToolFailure):
        return None
    found = re.search(r"Assets found there:\s*(?P<a>[\w, ]+)", done[0].error)
    options = done[0].options or (re.split(r",\s*", found.group("a").strip()) if found else [])
    have = [k for k in keys if k in options]
    if not have or len(have) == len(keys):
        return None
    if len(have) == 1:
        return [call(T.PRICE, asset=have[0])]
    return [call(T.COMPARE, assets=have)]


def period_end(r: q.Reading) -> bool:
    """ "at the end of January 2026": the last trading day of a period, for a question about
    that day's move (its calendar end may be a weekend or a holiday)."""
    w = r.when
    return (
        r.primary in (WHY, CHANGE)
        and w is not None
        and w.kind == "day"
        and w.label.startswith(("the end of", "the close of", "the last", "the final"))
    )


def _day_moves(done: list) -> list[dict]:
    return [
        call(T.PERIOD, asset=c.asset, start=c.date.isoformat(), end=c.date.isoformat())
        for c in done
        if isinstance(c, CloseOn)
    ]


def _align(periods: list[PeriodChange]) -> list[dict]:
    end = min(p.last.date for p in periods)
    if all(p.last.date == end for p in periods):
        return []
    return [
        call(T.PERIOD, asset=p.asset, start=p.start.isoformat(), end=end.isoformat(), label=p.label)
        for p in periods
    ]


def _main(r, question, available, keys, when) -> list[dict]:
    kind = r.primary
    if kind == BRIEFING:
        if T.BRIEFING in available:
            return [call(T.BRIEFING, assets=list(r.assets) or None)]
        return [call(T.PRICE, asset=k) for k in (keys or DEFAULT_ASSETS)]
    if kind == CLAIM:
        return _claim(r, question, available, keys)
    if kind == DOCUMENT:
        if T.COMMENTARY not in available:
            return []
        asset = keys[0] if len(keys) == 1 else None
        return [call(T.COMMENTARY, query=r.topic, asset=asset, k=6)]
    if kind == LEADLAG:
        return _lead_lag(r, question, available)
    if kind == WHY:
        return _why(r, question, available, keys, when)
    if not keys:
        return []
    if kind == LEVEL and r.level is None:
        kind = PRICE  # a level question whose level was not understood
    if kind == LEVEL:
        return [
            c
            for k in keys[:2]
            for c in (call(T.LEVEL, asset=k, level=r.level), call(T.PRICE, asset=k))
        ]
    if kind == BREAKOUT:
        calls = [c for k in keys for c in (call(T.BREAKOUTS, asset=k), call(T.PRICE, asset=k))]
        if T.COMMENTARY in available:  # what a record does and does not mean
            calls.append(call(T.COMMENTARY, query=question, asset=keys[0], k=2))
        return calls
    if kind in (FORECAST, ADVICE):
        return [call(T.PRICE, asset=k) for k in keys[:2]]
    if kind == COMPARE and len(keys) >= 2:
        if when is not None and r.when.kind != "day":
            return [_period(k, when, r.when.kind) for k in keys]
        return [call(T.COMPARE, assets=keys)]
    return _price_or_change(r, keys, when, kind)


def _period(key: str, when: tuple[dt.date, dt.date, str], kind: str = "period") -> dict:
    start, end, label = when
    last = None if kind == "since" else end.isoformat()  # "since": to the last close
    return call(T.PERIOD, asset=key, start=start.isoformat(), end=last, label=label)


def _price_or_change(r: q.Reading, keys: list[str], when, kind: str) -> list[dict]:
    if when is None:
        return [call(T.PRICE, asset=k) for k in keys]
    if r.when.kind != "day":
        return [_period(k, when, r.when.kind) for k in keys]
    closes = [call(T.PRICE, asset=k, on=when[0].isoformat()) for k in keys]
    if kind == CHANGE and period_end(r):
        return closes  # the move follows on the last close found
    if kind == CHANGE:  # "how did gold do on 3 March?": the close and that day's move
        return closes + [_period(k, when) for k in keys if _may_trade(k, when[0])]
    return closes


def _may_trade(key: str, day: dt.date) -> bool:
    """False for a weekend day of an asset that trades on an exchange (no move to look up)."""
    from tools import assets

    asset = assets.lookup(key)
    return day.weekday() < 5 or asset is None or asset.calendar != "exchange"


def _lead_lag(r: q.Reading, question: str, available: list[str]) -> list[dict]:
    if not (r.leader and r.follower):
        return []  # a lead/lag needs two assets: the answer asks for the second
    events = bool(re.search(r"\b(after|event|breakouts?)\b", question.lower())) or None
    calls = [
        call(T.LEAD_LAG, leader=a, follower=b, freq=r.freq, events=events)
        for a, b in lead_lag_pairs(r)
    ]
    if T.COMMENTARY in available:  # the claim, next to the test of it
        calls.append(call(T.COMMENTARY, query=question, k=2))
    return calls


def _why(r: q.Reading, question: str, available: list[str], keys: list[str], when) -> list[dict]:
    calls = []
    if T.COMMENTARY in available:
        asset = keys[0] if len(keys) == 1 else None  # a group ("the metals") searches all notes
        query = r.topic if when is not None else _why_query(r, asset)  # a day: its own words
        calls.append(call(T.COMMENTARY, query=query, asset=asset, k=6))
    if when is not None and period_end(r):  # its last close first, then that day's move
        return calls + [call(T.PRICE, asset=k, on=when[0].isoformat()) for k in keys[:2]]
    if when is not None:  # "why did silver drop on 30 January?": that day's move first
        return calls + [_period(k, when, r.when.kind) for k in keys[:2]]
    return calls + [call(T.PRICE, asset=k) for k in keys[:2]]


def _why_query(r: q.Reading, asset: str | None) -> str:
    """What to search the library with for a why-question about one asset: the question itself
    when it names a subject ("industrial demand", "miners short of supply"), else what drives
    the asset; the bare wording of a move ("how come ... has been so strong") would find
    passages that merely share its phrasing."""
    if asset is None:
        return r.topic
    from assistant.offline import quotes
    from tools import assets

    found = assets.lookup(asset)
    name = quotes.mid(found.name if found else asset)
    words = [w for w in quotes.ask_of([name, asset], r.topic).words if not _MOVE_WORDS.match(w)]
    if words:  # a subject of its own ("why are silver miners short of supply?")
        return r.topic
    return f"Why does the price of {name} rise or fall? What drives {name}?"


_MOVE_WORDS = re.compile(
    r"^(?:strong|weak|ris|rose|fall|fell|drop|crash|rall|surg|soar|slump|tank|plung|climb|gain|"
    r"los|keep|kept|hard|sharp|fast|big|huge|steep|massive|tear|roll|streak|jump|spik|tumbl|sink|sank|slid|declin|collaps|caus|driv|behind|move|moving|happen|"
    r"going|doing|reason)"
)


def _claim(r: q.Reading, question: str, available: list[str], keys: list[str]) -> list[dict]:
    if T.CHECK_CLAIMS in available:
        if r.claim_text:
            return [call(T.CHECK_CLAIMS, text=r.claim_text)]
        if LEADLAG in r.kinds:  # "is the claim that bitcoin lags silver true?"
            return [call(T.CHECK_CLAIMS, text=_claim_words(question))]
        return [call(T.CHECK_CLAIMS, source=_source_words(question))]
    if LEADLAG in r.kinds:
        return _lead_lag(r, question, available)
    if T.COMMENTARY in available:
        return [call(T.COMMENTARY, query=r.claim_text or question, k=3)]
    return [call(T.PRICE, asset=k) for k in keys[:2]]


def _claim_words(question: str) -> str:
    """The claim inside a question about it: "is it true that bitcoin follows gold?" -> "bitcoin
    follows gold"."""
    m = re.search(
        r"\b(?:claim|true|correct|right|the case)\s+that\s+(?P<c>.+?)"
        r"(?:\s+(?:is\s+)?(?:true|right|correct))?\s*\??$",
        question,
        re.I,
    )
    return (m.group("c") if m else question).strip()


def _source_words(question: str) -> str | None:
    """The document a question names ("fact-check the silver article" -> "silver")."""
    low = question.lower()
    m = re.search(
        r"\bthe\s+(?P<s>(?:(?!the\b)[\w'-]+\s+){0,4}(?!the\b)[\w'-]+)\s+"
        r"(?:article|note|piece|report|document|commentary|essay|post)s?\b",
        low,
    )
    if m:
        return m.group("s").strip()
    m = re.search(r"[\"“](?P<s>[^\"”]{3,120})[\"”]", question)
    return m.group("s") if m else None


__all__ = ["Anchor", "call", "plan", "lead_lag_pairs", "dates_of", "PRICE"]
