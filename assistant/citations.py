"""The citation half of the grounding check: every source an answer names must be one of the
passages this turn retrieved.

An answer cites in three ways, and each is checked:

- markers ``[1]``, ``[2, 3]``: the n-th entry of the turn's sources (1-based; the citation
  contract of ``Reply.sources``). A marker past the end, or any marker when nothing was
  retrieved, is unsupported;
- a title: ``(source: "Title")``, ``Sources: A, B``, ``titled "Title"``, a quote's attribution
  line ``— *Title* (source)``. It must match the title (or source name) of a retrieved passage;
- a publication, research house or bank by name ("The Economist, WSJ and CNBC", "according to
  Goldman Sachs"). The name must appear in what was retrieved (a passage's title, source,
  author, link or text) or in the turn's tool results.

Names are compared without case, punctuation or a leading "The"; titles also match when one
contains the other or they are nearly the same string (a model shortens or retypes titles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

# Canonical name -> other ways of writing it. Matched as written (proper nouns: "an economist"
# is not The Economist), word-bounded; "The" is optional.
PUBLICATIONS: dict[str, tuple[str, ...]] = {
    "Reuters": (),
    "Bloomberg": (),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "Financial Times": ("FT",),
    "The Economist": ("Economist",),
    "CNBC": (),
    "MarketWatch": ("Market Watch",),
    "Barron's": ("Barrons",),
    "Forbes": (),
    "Kitco": (),
    "Seeking Alpha": (),
    "Yahoo Finance": (),
    "CNN": (),
    "BBC": (),
    "The New York Times": ("New York Times", "NYT"),
    "Business Insider": (),
    "Investing.com": (),
    "Fox Business": (),
    "Zero Hedge": ("ZeroHedge",),
    "Morningstar": (),
    "The Motley Fool": ("Motley Fool",),
    "Axios": (),
    "The Guardian": (),
    "Associated Press": (),
    "CoinDesk": (),
    "Cointelegraph": (),
    "Mining.com": (),
    "The Silver Institute": ("Silver Institute",),
    "World Gold Council": ("WGC",),
    "Goldman Sachs": ("Goldman",),
    "JPMorgan": ("J.P. Morgan", "JP Morgan"),
    "Morgan Stanley": (),
    "Citigroup": ("Citi",),
    "UBS": (),
    "Bank of America": ("BofA",),
    "HSBC": (),
    "Deutsche Bank": (),
    "Saxo Bank": ("Saxo",),
}
_MARKER = re.compile(r"\[(\d{1,2}(?:\s*[,–-]\s*\d{1,2})*)\](?!\()")
_SOURCE_LABEL = re.compile(
    r"(?im)\b(?:sources?|cited|via)\s*:\s*(?P<body>[^\n)\]]{2,200})|"
    r"\btitled\s+[\"“'](?P<titled>[^\"”'\n]{3,160})[\"”']|"
    # a quote's attribution line: "— *Title* (source), date"
    r"^[>\s]*[—–]\s*[*_](?P<attributed>[^*_\n]{3,160})[*_]"
)
_QUOTED = re.compile(r"^\s*[\"“'*_]+(.+?)[\"”'*_]+\s*$")
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*")


def marker_pattern() -> re.Pattern:
    """The citation markers, so that the figure check does not read them as figures."""
    return _MARKER


def check_citations(
    answer: str, sources: list[dict], evidence_texts: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """(cited, unsupported): every citation the answer makes, and those not supported."""
    haystack = _normal(" ".join(_source_texts(sources)) + " " + " ".join(evidence_texts))
    cited: list[str] = []
    unsupported: list[str] = []

    def note(label: str, ok: bool) -> None:
        if label not in cited:
            cited.append(label)
            if not ok:
                unsupported.append(label)

    for m in _MARKER.finditer(answer):
        for n in _marker_numbers(m.group(1)):
            note(f"[{n}]", 1 <= n <= len(sources))
    named = set()
    for canonical, spelled in _publications_in(answer):
        named.add(canonical)
        names = (canonical, *PUBLICATIONS[canonical])
        note(spelled, any(_has_name(haystack, n) for n in names))
    for title in _titles_in(answer):
        if _publication_of(title) in named or _NOT_A_TITLE.search(title):
            continue  # "Sources: Reuters" is the publication, already checked
        note(title, _title_known(title, sources) or _has_name(haystack, title))
    return cited, unsupported


def _source_texts(sources: list[dict]) -> list[str]:
    keys = ("title", "source", "author", "url", "text")
    return [str(s.get(k) or "") for s in sources for k in keys]


def _marker_numbers(body: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", body):
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x.strip().isdigit()]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= 20:
            numbers.extend(range(ends[0], ends[1] + 1))
        else:
            numbers.extend(ends)
    return numbers


def _name_pattern(name: str) -> re.Pattern:
    bare = name[4:] if name.startswith("The ") else name
    return re.compile(rf"(?<![\w.])(?:[Tt]he\s+)?{re.escape(bare)}(?![\w])")


_PATTERNS = {
    canonical: [_name_pattern(n) for n in (canonical, *aliases)]
    for canonical, aliases in PUBLICATIONS.items()
}
# Labels that point at the tools or the data, not at a publication: "(source: get_price)".
_NOT_A_TITLE = re.compile(r"(?i)\b(tools?|data|calculations?|computed|analysis|results?)\b")


def _publications_in(answer: str) -> list[tuple[str, str]]:
    """(canonical name, as written) of each publication the answer names, in order."""
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    ranked = sorted(
        ((p, c) for c, ps in _PATTERNS.items() for p in ps), key=lambda pc: -len(pc[0].pattern)
    )
    for pattern, canonical in ranked:  # longest first: "Wall Street Journal" before "WSJ"
        for m in pattern.finditer(answer):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            found.append((m.start(), canonical, m.group(0)))
    return [(c, w) for _, c, w in sorted(found)]


def _publication_of(text: str) -> str | None:
    for canonical, patterns in _PATTERNS.items():
        if any(p.fullmatch(text.strip()) for p in patterns):
            return canonical
    return None


def _titles_in(answer: str) -> list[str]:
    titles: list[str] = []
    for m in _SOURCE_LABEL.finditer(answer):
        if m.group("titled") or m.group("attributed"):
            titles.append((m.group("titled") or m.group("attributed")).strip())
            continue
        for part in _SPLIT.split(m.group("body")):
            part = _QUOTED.sub(r"\1", part).strip(" .\"“”'*_")
            if len(part) >= 3 and not re.fullmatch(r"[\d\s\[\],–-]+", part):
                titles.append(part)
    return titles


def _title_known(title: str, sources: list[dict]) -> bool:
    want = _normal(title)
    for s in sources:
        for key in ("title", "source"):
            have = _normal(str(s.get(key) or ""))
            if not have:
                continue
            if want == have or (len(want) >= 8 and (want in have or have in want)):
                return True
            if SequenceMatcher(None, want, have).ratio() >= 0.85:
                return True
    return False


def _has_name(haystack: str, name: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(_normal(name))}(?!\w)", haystack))


def _normal(text: str) -> str:
    text = re.sub(r"[^\w\s.&]", " ", text.lower())
    text = re.sub(r"\bthe\s+", "", text)
    return " ".join(text.split())
