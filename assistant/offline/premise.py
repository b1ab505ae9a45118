"""A why-question's premise checked against the data before any commentary: "Silver is not
rising: it is down 24.12% over the past month ...". A premise about a lasting move ("has been
strong", "keeps falling") is checked over the past year and the past month, and a mixed picture
is said as such ("Partly: gold is up ... over the past year, but down ... over the past month").
"""

from __future__ import annotations

import re

from assistant.offline import quotes, sections
from assistant.offline import wording as w
from assistant.offline.question import Reading
from tools import assets
from tools import formatting as f
from tools.prices import PriceLookup

_SUSTAINED = re.compile(
    r"\b(?:has|have|had|hasn't|haven't)\s+(?:[\w&']+\s+){0,3}?(?:been|\w+ed)\b|'s\s+been\b|\bkeeps?\b|"
    r"\bkept\b|\bcontinu\w*|\blately\b|\brecently\b|\bso\s+(?:strong|weak|well|badly)\b|"
    r"\ball\s+(?:year|along)\b|\bfor\s+(?:months|weeks|a\s+while)\b|\bon\s+a\s+(?:tear|roll)\b|"
    r"\bsustained\b|\brelentless\w*"
)
SUSTAINED_HORIZONS = ("1y", "1m")  # a move said to last: the past year and the past month


def check(r: Reading, p: PriceLookup) -> str:
    """The data first: "Silver is not rising: it is down 24.10% over the past month ...". A
    premise about a lasting move ("has been strong") is checked over the past year and the
    past month, and a mixed picture said as such ("Partly: ...")."""
    said = {"up": "rising", "down": "falling"}.get(r.direction or "")
    if said and own_subject(r.topic):  # "why are silver vault inventories falling?"
        said = (
            None  # the move asked about is not the price's: the price neither confirms nor denies
        )
    spans = [
        h for h in SUSTAINED_HORIZONS if p.change_pct.get(h) is not None and p.change_from.get(h)
    ]
    if said and r.horizon is None and _SUSTAINED.search(r.topic.lower()) and len(spans) == 2:
        return _lasting(r, p, spans, said)
    h = r.horizon if p.change_pct.get(r.horizon or "") is not None else "1m"
    change, ref = p.change_pct.get(h), p.change_from.get(h)
    if change is None or ref is None:
        return sections.price(p, None, brief=True)
    wrong = said and ((r.direction == "up") != (change > 0))
    head = (
        f"**{p.name} is not {said}**: it"
        if wrong
        else f"**{p.name}** closed at {_px(p)} on {p.as_of}; it"
    )
    record = sections.w.record_line(
        p.drawdown_from_ath_pct, p.all_time_high.close, p.all_time_high.date, None, False
    )
    move = (
        f"is {w.updown(change)} over {w.WINDOW[h]} (from {_px_mark(ref)} to {_px(p)} on {p.as_of})"
    )
    return f"{head} {move}. {record}"


_MOVE = re.compile(
    r"^(?:ris|rose|fall|fell|drop|crash|rall|surg|soar|slump|tank|plung|climb|gain|los|jump|spik|"
    r"tumbl|sink|sank|slid|declin|collaps|strong|weak|up$|down$)"
)
_AUX = {"are", "is", "were", "was", "have", "has", "had", "been", "be", "keep", "kept", "still"}
_NOT_A_SUBJECT = {
    "price",
    "prices",
    "priced",
    "spot",
    "futures",
    "itself",
    "it",
    "they",
    "so",
    "that",
    "this",
    "metals",
    "stocks",
    "equities",
    "shares",
    "markets",
    "market",
    "crypto",
    "coins",
    "index",
}


def own_subject(topic: str) -> bool:
    """The move is of something the asset names rather than of its price: "why are silver vault
    inventories falling?", "why are gold miners' margins rising?". The word right before the move
    (past "are", "has been") is then neither an asset nor a word for its price."""
    words = re.findall(r"[a-z][a-z&']*", topic.lower())
    for i, word in enumerate(words):
        if i == 0 or not _MOVE.match(word):
            continue
        j = i - 1
        while j > 0 and words[j] in _AUX:
            j -= 1
        before = words[j].removesuffix("'s").removesuffix("'")
        if j == i - 1 and words[j] in _AUX:
            return False
        return (
            before not in _NOT_A_SUBJECT
            and before not in _AUX
            and len(before) > 3
            and before.endswith("s")
            and assets.lookup(before) is None
        )
    return False


def _lasting(r: Reading, p: PriceLookup, spans: list[str], said: str) -> str:
    moves = [
        f"{w.updown(p.change_pct[h])} over {w.WINDOW[h]} (from {_px_mark(p.change_from[h])})"
        for h in spans
    ]
    agree = [(r.direction == "up") == (p.change_pct[h] > 0) for h in spans]
    to = f"to {_px(p)} on {p.as_of}"
    record = sections.w.record_line(
        p.drawdown_from_ath_pct, p.all_time_high.close, p.all_time_high.date, None, False
    )
    if all(agree):
        head = f"**{p.name} has been {said}**: it is {moves[0]} and {moves[1]}, {to}."
    elif not any(agree):
        head = f"**{p.name} is not {said}**: it is {moves[0]} and {moves[1]}, {to}."
    else:
        first, second = (0, 1) if agree[0] else (1, 0)  # the move that fits the premise first
        name = quotes.mid(p.name)
        head = f"**Partly: {name} is {moves[first]}, but {moves[second]}**, {to}."
    return f"{head} {record}"


def _px(p: PriceLookup) -> str:
    return f.price(p.close)


def _px_mark(mark) -> str:
    return f"{f.price(mark.close)} on {mark.date}"
