"""Assets named in a question: registry names and aliases, groups ("the metals"), misspellings
("slver", matched with rapidfuzz and said out loud), tickers as written (AAPL) and names the
registry does not know ("Tesla"), which the data source then resolves or explains.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from tools import assets

GROUPS = {
    "precious metals": ("gold", "silver"),
    "the metals": ("gold", "silver"),
    "metals": ("gold", "silver"),
    "precious metal": ("gold", "silver"),
    "which metal": ("gold", "silver"),
    "crypto": ("bitcoin", "ethereum"),
    "cryptos": ("bitcoin", "ethereum"),
    "cryptocurrencies": ("bitcoin", "ethereum"),
}
MAX_ASSETS = 4
_TICKER = re.compile(
    r"(?<![\w^])(\^?[A-Z][A-Z0-9]{1,5}(?:[.=-][A-Z]{1,3})?|\^[A-Z0-9]{2,6})(?![\w])"
)
_NOT_TICKERS = set(
    "ATH YTD USD ETF ETFS CEO FED US UK EU GDP CPI PCE AI OK PM AM THE AND OR VS EV EVS ETH BTC "
    "SPX DXY XAG XAU WTI FOMC ECB BOJ NFP IMF SEC IPO PE EPS USA NYSE LBMA COMEX OPEC QE QT FAQ "
    "PDF CSV TLDR ASAP FYI IMO BTW LOL YOY MOM QOQ ATL HODL FX RSI MACD SMA EMA".split()
)
_STOP_NAMES = set(
    "i what why how when where which who whose is are was were do does did can could will would "
    "should has have had the a an and or vs versus compare tell give show please thanks hi hello "
    "fed powell trump biden yellen january february march april may june july august september "
    "october november december monday tuesday wednesday thursday friday saturday sunday q1 q2 q3 "
    "q4 article notes library market markets commentary background wall street china america us "
    "europe bloomberg reuters any ok yes no".split()
)
_SLOT = re.compile(
    r"\b(?:how much (?:is|are|was|were|does|did)|price of|value of|quote (?:for|of)|chart of|"
    r"how (?:is|are|was|did|has)|what about|how about|and)\s+(?:the\s+)?"
    r"(?P<name>[a-z][a-z0-9&.\-]{2,30})"
    r"(?:\s+(?:stock|shares|price|doing|trading|worth|cost|performing)\b[^?]*)?\s*[?.!]*\s*$",
    re.I,
)
_GENERIC = set(
    "it they them that this those these everything anything something stocks markets market "
    "things doing now today up down trading worth going daily weekly monthly yearly quarterly "
    "annually hourly ytd lately recently yesterday tomorrow then later earlier instead".split()
)
# Where a company or other name goes in a longer question: "what is Meta trading at",
# "how has Netflix done in 2025", "shares of Nvidia".
_NAME_SLOTS = (
    re.compile(
        r"\bwhat(?:'s|\s+is|\s+was|\s+are)\s+(?P<name>[A-Z][\w&.\-]{1,30})\s+(?:stock\s+|shares\s+)?"
        r"(?:trading|priced|worth|quoted|going\s+for|selling\s+for|at|doing)\b"
    ),
    re.compile(
        r"\bhow\s+(?:has|have|did|is|was|are)\s+(?P<name>[A-Z][\w&.\-]{1,30})\s+(?:stock\s+|shares\s+)?"
        r"(?:done|doing|performed|performing|fared|faring|moved|gone|been|traded)\b"
    ),
    re.compile(r"\b(?:shares|stock)\s+(?:of|in)\s+(?P<name>[A-Z][\w&.\-]{1,30})"),
)


@dataclass(frozen=True)
class Mention:
    """One asset named in a question."""

    key: str  # registry key, or the ticker / name as written
    text: str  # the words in the question
    start: int
    end: int
    how: str  # "name", "group", "typo", "ticker" or "unknown"
    score: float = 100.0


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole English words (the embedding model's vocabulary): never read as misspelt assets."""
    try:
        from knowledge.embeddings import model_files

        vocab = json.loads(model_files()[1].read_text(encoding="utf-8"))["model"]["vocab"]
    except Exception:  # noqa: BLE001 - without the file, fall back to the stop list alone
        return frozenset(_STOP_NAMES)
    return frozenset(w for w in vocab if w.isalpha()) | _STOP_NAMES


def _registry_hits(low: str) -> list[Mention]:
    hits: list[tuple[int, int, str]] = []
    for a in assets.ASSETS:
        for label in {a.key, a.name.lower(), a.symbol.lower(), *a.aliases}:
            for m in re.finditer(rf"(?<![0-9a-z]){re.escape(label.lower())}(?![0-9a-z])", low):
                hits.append((m.start(), -len(label), a.key))
    hits.sort()
    out: list[Mention] = []
    for start, neg, key in hits:
        end = start - neg
        if not any(m.start < end and start < m.end for m in out):
            out.append(Mention(key, low[start:end], start, end, "name"))
    for name, members in GROUPS.items():
        for m in re.finditer(rf"(?<![0-9a-z]){re.escape(name)}(?![0-9a-z])", low):
            if not any(x.start < m.end() and m.start() < x.end for x in out):
                out.extend(Mention(k, name, m.start(), m.end(), "group") for k in members)
    return out


def _typos(low: str, taken: list[Mention]) -> list[Mention]:
    out = []
    words = english_words()
    for m in re.finditer(r"[a-z]{4,}", low):
        word = m.group(0)
        if word in words or any(t.start < m.end() and m.start() < t.end for t in taken):
            continue
        hit = assets.fuzzy_lookup(word) or assets.one_edit_lookup(word)
        if hit is not None:
            out.append(Mention(hit[0].key, word, m.start(), m.end(), "typo", round(hit[1], 1)))
    return out


def _tickers(text: str, taken: list[Mention]) -> list[Mention]:
    words = re.findall(r"[A-Za-z]{2,}", text)
    if words and sum(w.isupper() for w in words) > len(words) / 2:
        return []  # a question in capitals: its words are not tickers
    out = []
    for m in _TICKER.finditer(text):
        sym = m.group(1)
        if sym.lstrip("^") in _NOT_TICKERS or re.fullmatch(r"[QH][1-4]", sym):
            continue
        if not any(t.start < m.end() and m.start() < t.end for t in taken):
            out.append(Mention(sym, sym, m.start(), m.end(), "ticker"))
    return out


_LEADING = re.compile(
    r"^\s*(?P<name>[A-Za-z][\w&.\-]{2,30})\s+(?:stock|shares|share price|price|quote|ytd)\b", re.I
)


def _unknown(text: str) -> list[Mention]:
    """Names the registry does not know, in the places a name goes ("how much is Tesla?")."""
    m = _SLOT.search(text) or _LEADING.search(text)
    m = m or next((x for p in _NAME_SLOTS if (x := p.search(text))), None)
    if m and m.group("name").lower() not in _GENERIC | _STOP_NAMES:
        name = m.group("name").strip(".-")
        return [Mention(name, name, m.start("name"), m.end("name"), "unknown")]
    if len(text.split()) > 4:
        return []  # in a longer question a capitalised word is more often a place or a person
    runs = re.finditer(r"(?<![\w'])([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?![\w'])", text)
    out = []
    for r in runs:
        name = r.group(1)
        first = (
            text[: r.start()].strip() in ("", "?", "!") or text[: r.start()].rstrip()[-1:] in ".?!"
        )
        if first and len(text.split()) > 1:
            continue
        if all(w.lower() in _STOP_NAMES for w in name.split()):
            continue
        out.append(Mention(name, name, r.start(), r.end(), "unknown"))
    return out[:1]


_PAIRED = re.compile(
    r"(?:\b(?:vs\.?|versus|against|with|and|or|than)\s+(?P<a>[A-Z][a-z]{2,})(?![\w'])|"
    r"(?<![\w'])(?P<b>[A-Z][a-z]{2,})\s+(?:vs\.?|versus|or|and)\b)"
)


def _paired(text: str) -> list[Mention]:
    """Unknown names next to a known asset in a comparison ("gold vs Tesla")."""
    out = []
    for m in _PAIRED.finditer(text):
        group = "a" if m.group("a") else "b"
        name = m.group(group)
        if name.lower() not in _STOP_NAMES and assets.lookup(name) is None:
            out.append(Mention(name, name, m.start(group), m.end(group), "unknown"))
    return out


def find_mentions(text: str) -> list[Mention]:
    """Every asset named in ``text``, in order of appearance."""
    low = text.lower()
    found = _registry_hits(low)
    found += _typos(low, found)
    found += _tickers(text, found)
    if not found:
        found = _unknown(text)
    else:
        found += [
            m for m in _paired(text) if not any(f.start < m.end and m.start < f.end for f in found)
        ]
    return sorted(found, key=lambda m: m.start)


def keys_of(mentions: list[Mention]) -> tuple[str, ...]:
    """Distinct asset keys in order of first mention (at most MAX_ASSETS)."""
    keys: list[str] = []
    for m in mentions:
        if m.key not in keys:
            keys.append(m.key)
    return tuple(keys[:MAX_ASSETS])
