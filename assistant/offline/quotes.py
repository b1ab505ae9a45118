"""Quoting commentary with numbered citations.

Passages are numbered as the turn's sources are (``Reply.sources``): every passage of every
successful commentary search of the turn, in order, each chunk once. An answer quotes only the
passages that fit the question (a relevance threshold on the retrieval score, and close to the
best one), never commentary published after the as-of date, and labels background notes as
background.

Passages are ranked by what they are about as well as by the embedding's score: a note on the
asset asked about (its title or section names it) and one whose heading or text holds the
question's own words come first, and a passage that only talks about its document (who wrote
it, how it restates an article) is never quoted as content. A quote keeps the passage's
sentences that match the question, so an answer stays short.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from assistant import registry
from knowledge.retrieval import Passage

MIN_SCORE = 0.40  # cosine similarity below which a passage does not answer the question
BEST_GAP = 0.15  # and a passage this far below the best one adds nothing
QUOTE_CHARS = 400
LIMIT = 2  # quotes in an answer whose main part is data; a question about the library gets 3


@dataclass(frozen=True)
class Ask:
    """What a quote must be about: the assets asked (names as written in notes) and the
    question's own content words."""

    names: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


_META = re.compile(
    r"\b(?:this|the\s+present)\s+(?:note|summary|page|document)\b|\bcredited\b|"
    r"\bown\s+words\b|\bno\s+named\s+author\b|\brestates?\b|\bnot\s+established\s+facts\b|"
    r"\bthe\s+assistant'?s\s+tools\b|\btestable\s+statements\b|\bsee\s+the\s+notes?\b"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_ASSET_WORDS = ("gold", "silver", "bitcoin", "dollar", "s&p", "stocks", "copper", "crypto")
_COMMON = set(
    "what which when where why who how does did do is are was were has have had been be the a an"
    " of on in at to for from by with about and or not no its it this that these those there"
    " say says said tell me us you your my our any some much many more most so very come came"
    " commentary article articles note notes library document documents piece summarise"
    " summarize summary explain according think view views talk talks mention mentions lately"
    " recently now today still really been being price prices market markets".split()
) | set("january february march april june july august september october november december".split())


def ask_of(names: list[str], topic: str) -> Ask:
    """The names and content words a quote should match, from the question."""
    low_names = tuple(dict.fromkeys(n.lower() for n in names if n))
    skip = set(w for n in low_names for w in re.findall(r"[a-z0-9&]+", n))
    words = [
        w
        for w in re.findall(r"[a-z][a-z'-]+", topic.lower().replace("'s", ""))
        if len(w) > 3 and w not in _COMMON and w not in skip
    ]
    return Ask(low_names, tuple(dict.fromkeys(words)))


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


def _has(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(_stem(word))}", text) is not None


def about_document(p: Passage) -> bool:
    """A passage that only talks about its document (credits, how a note restates an article,
    pointers to other notes): never quoted as content."""
    sentences = [s for s in _SENTENCE.split(" ".join(p.text.split())) if s]
    meta = sum(bool(_META.search(s.lower())) for s in sentences)
    return bool(sentences) and meta * 2 > len(sentences)


def relevance(p: Passage, ask: Ask) -> float:
    """The retrieval score, raised for a passage about the asset and the words asked about."""
    title, head, text = p.title.lower(), p.section.lower(), p.text.lower()
    bonus = 0.0
    if ask.names:
        if any(n in title for n in ask.names):
            others = [a for a in _ASSET_WORDS if a in title and not any(a in n for n in ask.names)]
            bonus += 0.03 if others else 0.10
        elif any(n in head for n in ask.names):
            bonus += 0.04
        elif not any(n in text for n in ask.names):
            bonus -= 0.05
        first = min(((text.find(a), a) for a in _ASSET_WORDS if a in text), default=None)
        if first is not None and not any(first[1] in n for n in ask.names):
            bonus -= 0.04  # the passage is mainly about another asset
    hits_head = sum(_has(head, w) for w in ask.words)
    hits_text = sum(_has(text, w) for w in ask.words)
    bonus += min(0.12, 0.05 * hits_head + 0.02 * hits_text)
    return p.score + bonus


AFTERWARDS = 31  # days after a period in which commentary may still be about it


def numbered(results: list) -> list[tuple[int, Passage]]:
    """(n, passage) for the turn's commentary results, numbered as ``Reply.sources`` is."""
    out: list[tuple[int, Passage]] = []
    seen: set[str] = set()
    for r in results:
        if not isinstance(r, registry.Commentary):
            continue
        for p in r.passages:
            key = p.chunk_id or p.text[:80]
            if key not in seen:
                seen.add(key)
                out.append((len(out) + 1, p))
    return out


def published_after(p: Passage, as_of: dt.date | None) -> bool:
    """Dated commentary published after the as-of date (background notes are timeless)."""
    if as_of is None or p.kind == "background" or not p.published:
        return False
    return p.published[: len("YYYY-MM-DD")] > as_of.isoformat()[: len(p.published)]


def chosen(
    results: list,
    as_of: dt.date | None,
    limit: int = LIMIT,
    prefer: str | None = None,
    ask: Ask = Ask(),
) -> tuple[list, int]:
    """The passages worth quoting, best first, and how many were left out as too late.

    Args:
        prefer: a passage kind to put first ("commentary" when the question asks about "the
            article"), as long as its passages are relevant at all.
        ask: the assets and words the question is about (ranks passages about them first).
    """
    fits = []
    late = 0
    for n, p in numbered(results):
        if published_after(p, as_of):
            late += 1
            continue
        if p.score >= MIN_SCORE and not about_document(p):
            fits.append((n, p, relevance(p, ask)))
    if fits:
        top = max(r for _, _, r in fits)
        fits = [f for f in fits if f[2] >= top - BEST_GAP or f[1].kind == prefer]
    fits.sort(key=lambda f: (prefer is not None and f[1].kind != prefer, -f[2]))
    return [(n, p) for n, p, _ in fits[:limit]], late


def written_during(p: Passage, start: dt.date, end: dt.date) -> bool:
    """Dated commentary written on or after ``start`` and at most a month after ``end``: what
    can be about that day or period. A date given only to the month or year counts from its
    first day, so a piece from "2026-01" is not taken to be about 30 January 2026."""
    first = _first_day(p)
    return first is not None and start <= first <= end + dt.timedelta(days=AFTERWARDS)


def _first_day(p: Passage) -> dt.date | None:
    """The earliest day dated commentary can have been published (None for background)."""
    if p.kind == "background" or not p.published:
        return None
    parts = [int(x) for x in str(p.published)[: len("YYYY-MM-DD")].split("-") if x.isdigit()]
    try:
        return dt.date(parts[0], *(parts[1:3] + [1, 1])[:2])
    except (IndexError, ValueError):
        return None


def dated_section(
    results: list, as_of: dt.date | None, heading: str, window: tuple, subject: str, ask=Ask()
) -> str:
    """For "why did X fall on DATE": only commentary written on or soon after that day (or
    period) explains it; say so plainly when none was, and label background notes as general."""
    if not any(isinstance(r, registry.Commentary) for r in results):
        return ""
    start, end, label = window
    when = (
        f"on {start}"
        if start == end
        else (label if label.startswith(("since", "the ")) else f"in {label}")
    )
    picked, _ = chosen(results, as_of, limit=4, ask=ask)
    about = [(n, p) for n, p in picked if written_during(p, start, end)][:LIMIT]
    earlier = not about and any(_first_day(p) and _first_day(p) < start for _, p in picked)
    background = [(n, p) for n, p in picked if p.kind == "background"][: LIMIT - len(about)]
    out = []
    if about:
        out.append(heading)
        out.extend(_quote(n, p, ask) for n, p in about)
    else:
        why = " (the commentary it holds on this was written before then)" if earlier else ""
        out.append(f"Nothing in the library explains {mid(subject)}'s move {when}{why}.")
    if background:
        span = "that day" if start == end else "that period"
        out.append(f"**Background notes** (general explanations, not about {span}):")
        out.extend(_quote(n, p, ask) for n, p in background)
    return "\n\n".join(out)


def mid(name: str) -> str:
    """An asset's name inside a sentence: "silver's move", but "S&P 500" and "US Dollar Index"
    as they are."""
    if name[:1].isupper() and name[1:].islower() and name.isalpha() and name.lower() in _PLAIN:
        return name.lower()
    return name


_PLAIN = {"gold", "silver", "bitcoin", "ethereum", "copper", "platinum", "palladium", "crude"}


def _quote(n: int, p: Passage, ask: Ask = Ask()) -> str:
    label = "background note" if p.kind == "background" else "commentary"
    return f"> {_trim(p.text, ask)} [{n}]\n>\n> — {citation(p)} ({label})"


def section(
    results: list,
    as_of: dt.date | None,
    heading: str,
    prefer: str | None = None,
    ask: Ask = Ask(),
    limit: int = LIMIT,
) -> str:
    """The quoted passages with their [n] markers, or a plain "nothing fits" sentence."""
    if not any(isinstance(r, registry.Commentary) for r in results):
        return ""
    picked, late = chosen(results, as_of, limit, prefer, ask)
    if not picked:
        why = (
            " (what it holds was published after the as-of date)"
            if late
            else " (no passage is close enough to the question)"
        )
        return f"The commentary library has nothing that answers this{why}."
    out = [heading]
    out.extend(_quote(n, p, ask) for n, p in picked)
    if late:
        out.append("Commentary published after the as-of date is left out.")
    return "\n\n".join(out)


def citation(p: Passage) -> str:
    """*Title*, source, date: the source is left out when it only repeats the title."""
    title, source = p.title or "untitled", p.source or ""
    parts = [f"*{title}*"] + ([source] if source and not source.startswith(title) else [])
    if source.startswith(title) and source != title:
        parts = [f"*{title}*{source[len(title) :]}"]
    return ", ".join(parts + [str(p.published or "undated")])


def _trim(text: str, ask: Ask = Ask(), limit: int = QUOTE_CHARS) -> str:
    """The passage's sentences that match the question (its assets or words), in order, within
    ``limit`` characters; gaps are marked with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentences = [s for s in _SENTENCE.split(text) if s]

    def hits(s: str) -> int:
        low = s.lower()
        return 2 * sum(_has(low, k) for k in ask.words) + any(_has(low, n) for n in ask.names)

    order = sorted(range(len(sentences)), key=lambda i: (-hits(sentences[i]), i))
    keep: list[int] = []
    for i in order:
        if sum(len(sentences[j]) + 1 for j in keep) + len(sentences[i]) > limit and keep:
            continue
        keep.append(i)
    keep.sort()
    out, last = "", -1
    for i in keep:
        out += ("" if not out else " … " if i != last + 1 else " ") + sentences[i]
        last = i
    return _cut(out, limit) if len(out) > limit + 60 else out


def _cut(text: str, limit: int) -> str:
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("; "))
    return cut[: stop + 1] if stop > limit // 2 else cut.rstrip() + "…"
