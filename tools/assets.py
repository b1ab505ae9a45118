"""The asset registry: keys, names, Yahoo symbols, aliases, calendars and units.

Resolution ignores case, spaces and punctuation, so "S&P 500", "s&p500" and "SPX" all find
the S&P 500. With the live source any other Yahoo ticker is accepted as written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from tools.errors import UnknownAssetError, closest

CRYPTO = "24/7"
EXCHANGE = "exchange"


@dataclass(frozen=True)
class Asset:
    key: str
    name: str
    symbol: str
    aliases: tuple[str, ...] = ()
    calendar: str = EXCHANGE  # "24/7" or "exchange"
    unit: str = "USD"
    group: str = "other"
    registered: bool = True

    @property
    def is_crypto(self) -> bool:
        return self.calendar == CRYPTO

    def to_dict(self) -> dict:
        d = asdict(self)
        d["aliases"] = list(self.aliases)
        return d


ASSETS: tuple[Asset, ...] = (
    Asset(
        "gold",
        "Gold",
        "GC=F",
        ("xau", "xauusd", "gold futures", "comex gold", "bullion", "yellow metal"),
        unit="USD/oz",
        group="metals",
    ),
    Asset(
        "silver",
        "Silver",
        "SI=F",
        ("xag", "xagusd", "silver futures", "comex silver", "white metal"),
        unit="USD/oz",
        group="metals",
    ),
    Asset(
        "bitcoin",
        "Bitcoin",
        "BTC-USD",
        ("btc", "xbt", "btcusd", "btc usd"),
        calendar=CRYPTO,
        unit="USD",
        group="crypto",
    ),
    Asset(
        "ethereum",
        "Ethereum",
        "ETH-USD",
        ("eth", "ether", "ethusd", "eth usd"),
        calendar=CRYPTO,
        unit="USD",
        group="crypto",
    ),
    Asset(
        "sp500",
        "S&P 500",
        "^GSPC",
        (
            "s&p 500",
            "s&p",
            "spx",
            "sp 500",
            "gspc",
            "snp",
            "snp500",
            "the s&p",
            "s and p 500",
            "us stocks",
            "stocks",
        ),
        unit="index points",
        group="equities",
    ),
    Asset(
        "nasdaq",
        "Nasdaq Composite",
        "^IXIC",
        ("ixic", "nasdaq composite", "the nasdaq", "comp"),
        unit="index points",
        group="equities",
    ),
    Asset(
        "dxy",
        "US Dollar Index",
        "DX-Y.NYB",
        (
            "dollar",
            "the dollar",
            "usd",
            "dollar index",
            "us dollar",
            "us dollar index",
            "dx",
            "dxy index",
            "greenback",
        ),
        unit="index points",
        group="fx",
    ),
    Asset(
        "copper",
        "Copper",
        "HG=F",
        ("hg", "copper futures", "dr copper"),
        unit="USD/lb",
        group="metals",
    ),
    Asset(
        "crude",
        "Crude Oil (WTI)",
        "CL=F",
        ("oil", "crude oil", "wti", "cl", "crude futures", "us oil"),
        unit="USD/bbl",
        group="energy",
    ),
    Asset(
        "platinum",
        "Platinum",
        "PL=F",
        ("xpt", "xptusd", "platinum futures"),
        unit="USD/oz",
        group="metals",
    ),
    Asset(
        "us10y",
        "US 10-Year Treasury Yield",
        "^TNX",
        (
            "10y",
            "10 year",
            "10-year",
            "tnx",
            "ten year",
            "10 year yield",
            "10y yield",
            "us 10y",
            "treasury yield",
            "10 year treasury",
            "us10y yield",
        ),
        unit="percent",
        group="rates",
    ),
)

_BY_KEY = {a.key: a for a in ASSETS}
# Tickers: letters, digits and the punctuation Yahoo uses (^ = - .), at most 15 characters.
_TICKER = re.compile(r"^\^?[A-Za-z0-9][A-Za-z0-9.=\-]{0,14}$")


def normalise(name: str) -> str:
    """Lower case with every character that is not a letter or digit removed ("S&P 500" ->
    "sp500")."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower().replace("&", ""))


def _index() -> dict[str, Asset]:
    idx: dict[str, Asset] = {}
    for a in ASSETS:
        for label in (a.key, a.name, a.symbol, *a.aliases):
            idx.setdefault(normalise(label), a)
    return idx


_INDEX = _index()


def keys() -> list[str]:
    return [a.key for a in ASSETS]


def get(key: str) -> Asset:
    return _BY_KEY[key]


def lookup(name: str) -> Asset | None:
    """The registry asset for a key, name, alias or symbol, or None."""
    norm = normalise(name)
    if not norm:
        return None
    hit = _INDEX.get(norm)
    if hit is None and norm.startswith("the"):
        hit = _INDEX.get(norm[3:])
    return hit


FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0-100) a misspelling must reach


def _fuzzy_labels() -> dict[str, Asset]:
    """Normalised one-word labels (keys, names, aliases) of at least four letters."""
    out: dict[str, Asset] = {}
    for a in ASSETS:
        for label in (a.key, a.name, *a.aliases):
            norm = normalise(label)
            if len(norm) >= 4 and norm.isalpha() and " " not in label.strip():
                out.setdefault(norm, a)
    return out


_FUZZY = _fuzzy_labels()


def fuzzy_lookup(word: str, cutoff: float = FUZZY_CUTOFF) -> tuple[Asset, float] | None:
    """The registry asset a misspelt name most likely means ("slver" -> silver), with the score.

    Only words of four or more letters are tried, against labels with the same first letter
    (people rarely mistype the first letter), so short or unrelated words find nothing (see
    :func:`one_edit_lookup` for short names).

    Args:
        word: one word as the user typed it.
        cutoff: the lowest rapidfuzz ratio (0-100) accepted.
    """
    from rapidfuzz import fuzz, process

    norm = normalise(word)
    if len(norm) < 4 or not norm.isalpha() or norm in _INDEX:
        return None
    labels = [label for label in _FUZZY if label[0] == norm[0]]
    best = process.extractOne(norm, labels, scorer=fuzz.ratio, score_cutoff=cutoff)
    if best is None:
        return None
    return _FUZZY[best[0]], float(best[1])


def one_edit_lookup(word: str) -> tuple[Asset, float] | None:
    """A short name one edit away ("gpld", "glod" -> gold), with a score as fuzzy_lookup's.

    A ratio is too coarse for four to six letters, so one insertion, deletion, substitution or
    swap of neighbours is accepted when it points at a single asset. Many English words are one
    edit from a short name ("good", "hold"), so callers try only words that are not English.
    """
    from rapidfuzz.distance import DamerauLevenshtein

    norm = normalise(word)
    if not 4 <= len(norm) <= 6 or not norm.isalpha() or norm in _INDEX:
        return None
    near = {
        _FUZZY[label].key: label
        for label in _FUZZY
        if abs(len(label) - len(norm)) <= 1 and DamerauLevenshtein.distance(norm, label) == 1
    }
    if len(near) != 1:
        return None
    label = next(iter(near.values()))
    return _FUZZY[label], round(100.0 * (1 - 1 / max(len(label), len(norm))), 1)


def resolve(name: str, allow_ticker: bool = False) -> Asset:
    """The asset a user means by ``name``.

    Args:
        name: a key ("silver"), display name, alias ("xag", "the dollar") or Yahoo symbol.
        allow_ticker: accept any other Yahoo ticker as written (only the live source can serve it).

    Raises:
        UnknownAssetError: naming the closest registry assets.
    """
    text = str(name or "").strip()
    hit = lookup(text)
    if hit is not None:
        return hit
    if allow_ticker and _TICKER.match(text) and text.upper() == text:
        return Asset(
            key=text,
            name=text,
            symbol=text,
            registered=False,
            calendar=CRYPTO if text.endswith("-USD") else EXCHANGE,
        )
    labels = sorted({label for a in ASSETS for label in (a.key, *a.aliases)})
    near = closest(normalise(text), [normalise(x) for x in labels], n=6)
    suggestions: list[str] = []
    for n in near:
        k = _INDEX[n].key
        if k not in suggestions:
            suggestions.append(k)
    shown = printable(text)
    hint = f" Did you mean {', '.join(suggestions[:3])}?" if suggestions else ""
    extra = (
        " With the live Yahoo source, any Yahoo ticker in capitals (e.g. AAPL) also works."
        if not allow_ticker
        else ""
    )
    raise UnknownAssetError(
        f"Unknown asset '{shown}'.{hint} Known assets: {', '.join(keys())}.{extra}",
        options=suggestions or keys(),
    )


def printable(text: str, limit: int = 40) -> str:
    """A short, single-line, control-free rendering of user text for error messages."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
