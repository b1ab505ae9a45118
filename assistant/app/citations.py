"""Which sources an answer cites, each listed once, and the answer's Markdown made fit for a
chat message.

The citation contract: an inline marker ``[n]`` in the answer is the n-th entry of
``Reply.sources`` (1-based). The list under the answer holds only what the answer cites, one
entry per document (its markers and passages together), in the order of first citation. An
answer without markers (an older model or template) lists the sources whose text it quotes, or,
when it quotes none word for word, every source once per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r"\[(\d{1,3})\](?![(:])")
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

    def label(self) -> str:
        """'Title · publication · 2026-01' (the publication left out when it repeats the title)."""
        pub = self.publication
        if pub.startswith(self.title) and pub != self.title:  # "Title (publication, month)"
            head = pub
        else:
            head = self.title + (f" · {pub}" if pub and pub != self.title else "")
        return f"{head} · {self.published or 'undated'}"

    def to_dict(self) -> dict:
        return dict(vars(self))


def markers(answer: str, count: int) -> list[int]:
    """The source numbers the answer cites, in order of first citation (only 1..count)."""
    seen: dict[int, None] = {}
    for match in MARKER.finditer(answer or ""):
        n = int(match.group(1))
        if 1 <= n <= count:
            seen.setdefault(n, None)
    return list(seen)


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[*_>`“”\"']", " ", str(text or "")).split()).lower()


def quoted(answer: str, source: dict) -> bool:
    """The answer quotes the passage (a stretch of its opening words appears verbatim)."""
    text = _squash(source.get("text", ""))
    probe = text[:_QUOTE_PROBE].rsplit(" ", 1)[0] if len(text) > _QUOTE_PROBE else text
    return bool(probe) and probe in _squash(answer)


def _document(source: dict) -> str:
    return str(source.get("doc_id") or source.get("title") or source.get("chunk_id") or "")


def cited_sources(answer: str, sources: list[dict]) -> list[Cited]:
    """The sources list for an answer: see the module docstring."""
    numbers = markers(answer, len(sources))
    if numbers:
        picked = [(n, sources[n - 1]) for n in numbers]
    else:
        quoting = [s for s in sources if quoted(answer, s)]
        picked = [(0, s) for s in (quoting or sources)]
    by_doc: dict[str, Cited] = {}
    for n, source in picked:
        key = _document(source)
        entry = by_doc.get(key)
        if entry is None:
            entry = by_doc[key] = Cited(
                numbers=[],
                title=str(source.get("title") or "Untitled"),
                publication=str(source.get("source") or ""),
                published=source.get("published") or None,
                url=source.get("url") or None,
                mine=source.get("origin") == "user",
            )
        if n:
            entry.numbers.append(n)
        text = " ".join(str(source.get("text") or "").split())
        if text and text not in entry.passages:
            entry.passages.append(text)
    return list(by_doc.values())


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
