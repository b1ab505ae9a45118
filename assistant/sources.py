"""The sources an answer cites, for the lists under it (the CLI's and the app's).

An answer cites passages with inline markers [1] [2] ...: [n] is the n-th entry of the turn's
sources (``Reply.sources``, 1-based). A turn retrieves more passages than it quotes, and often
several passages of one document; the list under an answer shows only the documents the answer
cites, each once with the markers that point at it, in the order of those markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r"\[(\d{1,3})\](?![(:])")  # not a link's [text](url) or a [1]: note


@dataclass(frozen=True)
class CitedSource:
    """One cited document: the answer's markers that point at it and its passages."""

    numbers: tuple[int, ...]  # the [n] markers, ascending
    source: dict  # the first cited passage (title, source, published, url, text, ...)
    passages: list[dict] = field(default_factory=list)  # every cited passage, by marker

    @property
    def markers(self) -> str:
        """ "[1] [3]" """
        return " ".join(f"[{n}]" for n in self.numbers)

    def label(self) -> str:
        """ "Title, publication, 2026-01" (the publication left out when it repeats the title)."""
        title = str(self.source.get("title") or "Untitled")
        credit = str(self.source.get("source") or "")
        text = credit if credit.startswith(title) else ", ".join(x for x in (title, credit) if x)
        when = self.source.get("published")
        return text + (f", {when}" if when else "")


def cited_numbers(answer: str, count: int) -> list[int]:
    """The marker numbers ``answer`` uses that point at one of ``count`` sources, ascending."""
    found = {int(m.group(1)) for m in MARKER.finditer(answer or "")}
    return sorted(n for n in found if 1 <= n <= count)


def cited_sources(answer: str, sources: list[dict]) -> list[CitedSource]:
    """The documents ``answer`` cites, each once, in the order of their first marker.

    Passages the answer never cites are left out; two cited passages of one document are one
    entry with both markers.
    """
    by_document: dict[str, list[int]] = {}
    for n in cited_numbers(answer, len(sources)):
        by_document.setdefault(document_key(sources[n - 1]), []).append(n)
    return [
        CitedSource(tuple(numbers), sources[numbers[0] - 1], [sources[n - 1] for n in numbers])
        for numbers in by_document.values()
    ]


def format_sources(answer: str, sources: list[dict]) -> str:
    """The lines of a plain-text sources list: "  [1] [3] Title, publication, 2026-01" per
    cited document ("" when the answer cites none)."""
    return "".join(f"  {c.markers} {c.label()}\n" for c in cited_sources(answer, sources))


def document_key(source: dict) -> str:
    """What makes two passages the same document."""
    doc = source.get("doc_id") or str(source.get("chunk_id") or "").split(":")[0]
    if doc:
        return str(doc)
    return f"{source.get('title')}|{source.get('source')}|{source.get('published')}"
