"""Which sources an answer cites, each listed once, and the answer's Markdown made fit for a
chat message.

The citation contract: an inline marker ``[n]`` in the answer is the n-th entry of
``Reply.sources`` (1-based). The list under the answer holds only what the answer cites, one
entry per document with its markers and passages (:func:`assistant.sources.cited_sources`, the
same list the command line prints). An answer without markers (an older model or template)
lists the sources whose text it quotes, or, when it quotes none word for word, every source
once per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.sources import cited_sources as sources_cited
from assistant.sources import document_key

# A marker in text already made inert for display, where brackets are escaped: \[1\].
SHOWN_MARKER = re.compile(r"\\?\[(\d{1,3})\\?\](?![(:])")
_QUOTE_PROBE = 60  # characters of a passage that must appear in the answer to count as quoted


@dataclass
class Cited:
    """One document in the sources list."""

    numbers: list[int]  # the answer's markers that point at it ([] when it has none)
    title: str
    publication: str
    published: str | None
    url: str | None
    mine: bool  # the user's own upload
    passages: list[str] = field(default_factory=list)
    kind: str = "commentary"  # "background": one of the app's explanatory notes

    def label(self) -> str:
        """'Title · publication · 2026-01'; the publication left out when it repeats the title
        ("Title (market commentary, January 2026)") or only names the app's own notes."""
        return " · ".join([self.title, *self._publication(), self.published or "undated"])

    def _publication(self) -> list[str]:
        pub = self.publication.strip()
        if not pub or pub.startswith(self.title) or self.kind == "background" or self.mine:
            return []
        return [pub]

    @property
    def origin(self) -> str:
        """Where the document comes from, in words: the user's own, a note or commentary."""
        return origin_word(self.kind, self.mine)

    def to_dict(self) -> dict:
        return dict(vars(self))


def origin_word(kind: str | None, mine: bool) -> str:
    if mine:
        return "Your document"
    return "Background note" if kind == "background" else "Market commentary"


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[*_>`“”\"']", " ", str(text or "")).split()).lower()


def quoted(answer: str, source: dict) -> bool:
    """The answer quotes the passage (a stretch of its opening words appears verbatim)."""
    text = _squash(source.get("text", ""))
    probe = text[:_QUOTE_PROBE].rsplit(" ", 1)[0] if len(text) > _QUOTE_PROBE else text
    return bool(probe) and probe in _squash(answer)


def cited_sources(answer: str, sources: list[dict]) -> list[Cited]:
    """The sources list for an answer: see the module docstring."""
    by_markers = sources_cited(answer, sources)
    if by_markers:
        return [_cited(c.source, list(c.numbers), c.passages) for c in by_markers]
    quoting = [s for s in sources if quoted(answer, s)]
    out: dict[str, Cited] = {}
    for source in quoting or sources:  # no markers: what it quotes, else everything once
        entry = out.setdefault(document_key(source), _cited(source, [], []))
        text = " ".join(str(source.get("text") or "").split())
        if text and text not in entry.passages:
            entry.passages.append(text)
    return list(out.values())


def _cited(source: dict, numbers: list[int], passages: list[dict]) -> Cited:
    texts = list(dict.fromkeys(" ".join(str(p.get("text") or "").split()) for p in passages))
    return Cited(
        numbers=numbers,
        title=str(source.get("title") or "Untitled"),
        publication=str(source.get("source") or ""),
        published=source.get("published") or None,
        url=source.get("url") or None,
        mine=source.get("origin") == "user",
        passages=[t for t in texts if t],
        kind=str(source.get("kind") or "commentary"),
    )


# -- the answer's Markdown inside a chat message -----------------------------------------------
_HEADING = re.compile(r"(?m)^(#{1,6})[ \t]+")


def demote_headings(markdown: str, top: int = 4) -> str:
    """Headings start at level ``top`` (#### by default), so none is larger than the page title."""

    def shift(match: re.Match) -> str:
        level = min(len(match.group(1)) + top - 1, 6)
        return "#" * level + " "

    return _HEADING.sub(shift, markdown or "")


def badge_markers(markdown: str, count: int) -> str:
    """Each valid marker ``[n]`` (or its escaped form ``\\[n\\]``) drawn as a small badge
    (Streamlit's ``:blue-badge[n]``)."""

    def badge(match: re.Match) -> str:
        n = int(match.group(1))
        return f":blue-badge[{n}]" if 1 <= n <= count else match.group(0)

    return SHOWN_MARKER.sub(badge, markdown or "")


def split_sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, Markdown) pieces at the second-level headings ("" for the text before the
    first); used to place a briefing's charts under their own sections."""
    pieces: list[tuple[str, str]] = []
    current, lines = "", []
    for line in (markdown or "").splitlines():
        match = re.match(r"^##[ \t]+(.+?)\s*$", line)
        if match:
            if current or any(x.strip() for x in lines):
                pieces.append((current, "\n".join(lines).strip("\n")))
            current, lines = match.group(1), [line]
        else:
            lines.append(line)
    if current or any(x.strip() for x in lines):
        pieces.append((current, "\n".join(lines).strip("\n")))
    return pieces
