"""Deciding what a question asks from the meaning-based guess and the rules that are certain,
and filling a follow-up from the question before it.

The guess (nearest labelled examples) names the intent; rules override it where a parameter
settles the matter: a price level with an asset is a level question, "A vs B" a comparison, a
question with only parameters ("and gold?", "weekly?") a follow-up. When neither the guess nor
a rule is clear, the question is marked unsure and the analyst asks back.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.offline import cues
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
from assistant.offline.intents import MIN_SCORE
from assistant.offline.question import Reading

_DOC = re.compile(
    r"\b(article|articles|notes?|library|document|documents|docs?|piece|commentary|report|"
    r"reports|sources?|paper|essay|uploads?|uploaded|pdf|author|writer)\b"
)
_CLAIM = re.compile(r"\b(fact[- ]?check\w*|true|false|verify|accurate|correct|right|check)\b")
# Asking whether a document is right: a check of its claims, not a quote from it.
_CHECK_DOC = re.compile(
    r"\b(?:fact[- ]?check\w*|verify\w*|double[- ]check\w*|check(?:s|ing)?|audit\w*|"
    r"scrutini[sz]\w*)\b(?!\s+(?:what|whether|if)\b)|"
    r"\b(?:claims?|figures?|numbers?|facts?|statements?|assertions?|stats?|statistics)\b.*\b(?:"
    r"correct|accurate|right|true|wrong|false|hold\s+up|stand\s+up|check\s+out|add\s+up|"
    r"supported|backed)\b|\b(?:how|is|are)\s+(?:\w+\s+){0,6}?(?:accurate|reliable|correct)\b"
)
_WHEN_RECORD = re.compile(r"^\s*(?:and\s+)?(?:when|what\s+(?:day|date)|on\s+what\s+(?:day|date))\b")
_VS = re.compile(r"\b(vs\.?|versus)\b|\bagainst\b|\bcompared? (to|with)\b|\bor\b|\brelative to\b")
_ASK_WHY = re.compile(
    r"^\s*(and\s+)?(why|how come|why so|why is that|what caused (it|that))\s*\??\s*$"
)
_LEAD_WORDS = re.compile(
    r"\b(lead|leads|leading|lag|lags|lagging|follow\w*|trail\w*|correlat\w*|together|track\w*|"
    r"echo\w*|react\w*|delay\w*|indicator|catch\w* up)\b"
)
_SCOPE = (FORECAST, ADVICE, CLAIM, OTHER)
_NEAR = {PRICE: CHANGE, CHANGE: PRICE}
FIRM = 0.6  # a guess this alike its examples is taken even with a small margin


def decide(r: Reading, low: str, masked: str = "") -> Reading:
    """``r`` with its intents (and leader/follower) decided; ``masked`` is the question with
    its assets as X, Y, Z and its date phrase as "then"."""
    if r.claim_text:
        return replace(r, kinds=(CLAIM,))
    if r.elliptic:
        return r  # the conversation decides; alone it is a price question if it names an asset
    kinds, unsure = _kinds(r, low, masked or low)
    leader = follower = None
    if kinds and kinds[0] in (LEADLAG, CLAIM) and len(r.assets) >= 2:
        leader, follower = lead_order(r, low, masked)
    return replace(r, kinds=kinds, leader=leader, follower=follower, unsure=unsure)


def _kinds(r: Reading, low: str, masked: str) -> tuple[tuple[str, ...], bool]:
    g, n = r.guess, len(r.assets)
    if g is None:
        return ((PRICE,) if n else ()), False
    top, runner = g.intent, g.runner_up
    if _ASK_WHY.match(low):
        return (WHY,), False  # "why?" after a question: the why of that question
    if _DOC.search(low) and _CHECK_DOC.search(low):
        return (CLAIM,), False  # "are the figures in the gold note right?": check that document
    if _DOC.search(low) and not (top == CLAIM and g.certain) and top != BRIEFING:
        return (DOCUMENT,), False  # the question names the library: answer from it
    if top == DOCUMENT and not _DOC.search(low):
        top, runner = runner, top
    if top == CLAIM and not (_CLAIM.search(low) or _DOC.search(low)):
        top, runner = runner, top
    if (
        (top == LEVEL and r.level is None)
        or (top == FORECAST and not cues.future(masked) and cues.past(masked))
        or (top == BREAKOUT and not cues.record(low) and (r.horizon or r.when))
    ):  # a level question needs a level, a forecast looks ahead, and a move over a window
        # ("down year to date") is a change unless a record is named
        top, runner = runner, top
    if n and _WHEN_RECORD.search(low) and cues.record(low) and not cues.future(masked):
        return (BREAKOUT,), False  # "when did silver last set a record?": the record's date
    settled = _by_cues(r, low, masked, top, runner, g.score) if n else None
    if settled:
        return settled, False
    if top in _SCOPE and g.score >= MIN_SCORE:
        return _scope(top, r, low), False
    if r.level is not None and n:
        return (LEVEL,), False
    lead_words = top == LEADLAG and _LEAD_WORDS.search(low)
    if n >= 2 and _VS.search(low) and top not in (WHY, DOCUMENT) and not lead_words:
        return (COMPARE,), False
    clear = g.score >= MIN_SCORE and (
        g.margin >= 0.03 or g.score >= FIRM or _NEAR.get(top) == runner
    )
    if not clear:
        if n and top in (PRICE, CHANGE) and g.score >= MIN_SCORE - 0.1:
            return (top,), False
        if not n and top in (PRICE, CHANGE, BREAKOUT, WHY) and g.score >= MIN_SCORE - 0.15:
            return (top,), False  # a clear kind of question without its asset: ask which
        return (), True
    if top == COMPARE and n < 2:
        top = CHANGE
    if top == CHANGE and n >= 2:
        top = COMPARE
    if top == OTHER:
        return ((PRICE,) if n else ()), not n
    return (top,), False


def _by_cues(
    r: Reading, low: str, masked: str, top: str, runner: str, score: float
) -> tuple[str, ...] | None:
    """The kind the sentence's shape settles, where it does: a causal link between two assets
    is a lead/lag question, a question about causes a why, one that looks ahead a forecast,
    a yes/no question about a direction a check of that move."""
    if top == CLAIM and score >= MIN_SCORE:
        return None  # "is it true that ...": the claim decides
    link, cause = cues.causal_link(masked), cues.asks_cause(low)
    if link and len(r.assets) >= 2 and not cause:
        return (LEADLAG,)
    if len(r.assets) >= 2 and (cues.ratio(low) or cues.ranking(low)) and not cause:
        return (COMPARE,)  # "the gold/silver ratio", "which of them did best"
    if cues.advice(low) and ADVICE in (top, runner):
        return (ADVICE, PRICE)
    if cause and top != ADVICE:
        return (WHY,)
    if cues.future(masked) and top != ADVICE:
        return (FORECAST,)
    if link == "follows" and top != ADVICE:
        return (WHY,)  # "is gold driven by real yields?": what moves it
    if cues.yes_no(low) and r.direction and r.level is None and top != LEADLAG:
        return (CHANGE,) if len(r.assets) == 1 else None
    return None


def _scope(top: str, r: Reading, low: str) -> tuple[str, ...]:
    if top == OTHER:
        return (PRICE,) if r.assets and len(low.split()) <= 3 else ()
    if top == CLAIM and len(r.assets) >= 2 and not _DOC.search(low):
        return (CLAIM, LEADLAG)  # "is the claim that bitcoin lags silver true?"
    if top == ADVICE:
        return (ADVICE, PRICE)
    return (top,)


_FOLLOWER_FIRST = re.compile(
    r"\b(follow(s|ing|ed)?|lag(s|ging|ged)?( behind)?|trail(s|ing)?|react(s)? to|"
    r"respond(s)? to|catch(es)? up (with|to)|behind|echo(es)?|track(s)?)\b"
)


def lead_order(r: Reading, low: str, masked: str = "") -> tuple[str, str]:
    """(leader, follower) from the phrasing: "does A follow B" and "is A driven by B" mean B
    leads."""
    first, second = r.assets[0], r.assets[1]
    if re.search(r"\bbetween\b", low):
        return first, second  # "a lag between A and B": in the order named
    if re.match(r"^\s*(?:if|when|whenever|once|after)\b", low):
        return first, second  # "if gold jumps, does silver follow?": the condition leads
    link = cues.causal_link(masked or low)
    if link:
        return (second, first) if link == "follows" else (first, second)
    if _FOLLOWER_FIRST.search(low):
        return second, first
    if re.search(r"\bafter\b", low):
        return second, first  # "does bitcoin rally after silver breakouts?"
    return first, second


def inherit(current: Reading, previous: Reading) -> Reading:
    """A follow-up completed from the previous question: its intent, assets and parameters."""
    if current.when is not None and current.when.label == "earlier" and previous.when is not None:
        current = replace(current, when=previous.when)  # "that month": the one asked about
    if not current.elliptic and (
        (current.kinds and current.assets)
        or current.primary in (BRIEFING, DOCUMENT, CLAIM)
        or (current.unsure and current.assets)
        or (not current.kinds and current.guess is not None and current.guess.intent == OTHER)
    ):
        return current  # a question of its own
    kinds = current.kinds or previous.kinds
    assets = current.assets or previous.assets
    if current.versus and current.assets and previous.assets:
        kinds = (COMPARE,)
        assets = tuple(dict.fromkeys(previous.assets[:1] + current.assets))
    own = not current.elliptic
    leader, follower = current.leader, current.follower
    if kinds and kinds[0] == LEADLAG and (leader is None or follower is None):
        leader, follower = _lead_follow_up(current, previous)
    return replace(
        current,
        kinds=kinds,
        assets=assets,
        topic=f"{previous.topic} {current.topic}" if current.elliptic else current.topic,
        horizon=current.horizon or (None if own else previous.horizon),
        when=current.when or (None if own or current.horizon else previous.when),
        leader=leader,
        follower=follower,
        freq=current.freq if current.freq_given else previous.freq,
        level=current.level if current.level is not None else (current.number or previous.level),
        direction=current.direction or previous.direction,
        unsure=False,
    )


def _lead_follow_up(current: Reading, previous: Reading) -> tuple[str | None, str | None]:
    if len(current.assets) == 1 and previous.leader and previous.follower:
        # "and gold?" after "does bitcoin follow silver?": gold replaces the leader
        return current.assets[0], previous.follower
    if not current.assets:
        return previous.leader, previous.follower
    if len(current.assets) >= 2:
        return current.assets[0], current.assets[1]
    return None, None


def standalone(r: Reading) -> Reading:
    """An elliptic question with nothing before it: "ETH?" asks the price, "gold vs silver"
    compares."""
    if len(r.assets) >= 2 and _VS.search(r.topic.lower()):
        return replace(r, kinds=(COMPARE,))
    return replace(r, kinds=(PRICE,) if r.assets else ())
