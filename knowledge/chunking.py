"""Split a document into passages that respect its headings and paragraphs.

Size: about 800 characters (``CHUNK_CHARS``) with up to 160 characters of overlap. Why,
measured with the offline MiniLM tokenizer and the retrieval-quality questions of
tests/test_knowledge_retrieval.py over the bundled corpus:

- Length: prose here runs at 4.0-5.9 characters per token (the January 2026 article: 4.0-4.9;
  the bundled notes: about 5.9), so 800 characters is at most about 200 tokens and, with the
  title and section line embedded alongside, stays under the model's 256-token cut. At 1,200
  characters, dense text would be truncated and its end never embedded.
- Quality (top-1 / top-3 hits of 15 questions): 400 chars 10/13, 600 chars 12/15, 800 chars
  12/15, 1,200 chars 12/15 (the notes' sections are shorter than 1,200 characters, so the
  headings, not the size, bound those chunks). At 400 a mechanism and its consequence fall
  into different chunks; 800 ties 600 with fewer chunks (faster ingestion) and gives passages
  long enough to quote and cite whole.

Overlap carries the last sentence(s) of a chunk into the next one within the same section,
so a claim that straddles a boundary is still found. Sections never share a chunk.

Text written without spaces (Chinese, Japanese) is split after its own sentence marks
(。！？) and, where a run is still too long, by characters: no text is ever dropped, and
``chunk_text`` checks that every character of the body reaches some chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHUNK_CHARS = 800
OVERLAP_CHARS = 160
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# A sentence ends at . ! ? … (and a closing quote or bracket) before a capital or a digit, or
# at the full-width marks 。！？； of text written without spaces.
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)]))\s+(?=[\"'“‘(\[]?[A-Z0-9])"
    r"|(?:(?<=[。！？；])|(?<=[。！？；][」』”’）]))\s*(?![」』”’）])"
)


@dataclass(frozen=True)
class Chunk:
    """One passage: its text, the heading it sits under and its index in the document."""

    text: str
    section: str
    position: int


def chunk_text(text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[Chunk]:
    """Passages of at most about ``size`` characters, in document order.

    Paragraphs are kept whole when they fit; longer ones are split at sentence ends, and a
    sentence longer than ``size`` at word boundaries. ``overlap`` must be below ``size / 2``.
    """
    if size < 100 or not 0 <= overlap < size // 2:
        raise ValueError("need size >= 100 and 0 <= overlap < size / 2")
    chunks: list[Chunk] = []
    sections = _sections(text)
    for section, paragraphs in sections:
        for body in _pack(paragraphs, size, overlap):
            chunks.append(Chunk(body, section, len(chunks)))
    _check_nothing_dropped(sections, chunks)
    return chunks


def _check_nothing_dropped(sections: list[tuple[str, list[str]]], chunks: list[Chunk]) -> None:
    """Every non-space character of the body must reach a chunk (overlap only adds)."""
    body = sum(len("".join(p.split())) for _, paras in sections for p in paras)
    stored = sum(len("".join(c.text.split())) for c in chunks)
    if stored < body:
        raise ValueError(f"chunking lost {body - stored} of {body} characters")


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading path, paragraphs) in order; text before any heading has the path ''."""
    path: list[tuple[int, str]] = []
    out: list[tuple[str, list[str]]] = [("", [])]
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        first, _, rest = block.partition("\n")
        match = _HEADING.match(first)
        if match:
            level = len(match.group(1))
            path = [(lv, name) for lv, name in path if lv < level] + [(level, match.group(2))]
            out.append((" > ".join(name for _, name in path), []))
            block = rest.strip()
        if block:
            out[-1][1].append(" ".join(block.split()))
    return [(name, paras) for name, paras in out if paras]


def _pack(paragraphs: list[str], size: int, overlap: int) -> list[str]:
    """Greedy packing of paragraphs (or their sentences) into bodies of at most ``size``."""
    bodies: list[str] = []
    current: list[tuple[str, bool]] = []
    for unit in _units(paragraphs, size):
        if current and len(_join(current + [unit])) > size:
            bodies.append(_join(current))
            current = _tail(current, overlap)
            if len(_join(current + [unit])) > size:
                current = []
        current.append(unit)
    if current:  # it always ends with a unit not yet in a body (even if repetitive text makes
        bodies.append(_join(current))  # it read the same as the body before)
    return bodies


def _units(paragraphs: list[str], size: int) -> list[tuple[str, bool]]:
    """(text, starts a paragraph): whole paragraphs, or sentence runs of the long ones."""
    units: list[tuple[str, bool]] = []
    for para in paragraphs:
        if len(para) <= size:
            units.append((para, True))
            continue
        pieces: list[str] = []
        for sentence in _SENTENCE_END.split(para):
            pieces.extend(_hard_split(sentence, size) if len(sentence) > size else [sentence])
        units.extend((piece, i == 0) for i, piece in enumerate(pieces))
    return units


def _hard_split(sentence: str, size: int) -> list[str]:
    """``sentence`` in pieces of at most ``size`` characters: at spaces where there are any,
    by characters inside a longer run (text without spaces, a long address)."""
    pieces, current = [], ""
    for word in sentence.split():
        runs = [word[i : i + size] for i in range(0, len(word), size)]
        for run in runs:
            if current and len(current) + 1 + len(run) > size:
                pieces.append(current)
                current = ""
            current = f"{current} {run}".strip()
    return pieces + ([current] if current else [])


def _tail(units: list[tuple[str, bool]], overlap: int) -> list[tuple[str, bool]]:
    """The trailing sentences of ``units`` that fit in ``overlap`` characters, as one unit;
    none when that would repeat the whole chunk."""
    if overlap <= 0 or not units:
        return []
    sentences = [s for text, _ in units for s in _SENTENCE_END.split(text)]
    kept: list[str] = []
    for sentence in reversed(sentences):
        if len(" ".join([sentence] + kept)) > overlap:
            break
        kept.insert(0, sentence)
    return [(" ".join(kept), True)] if kept and len(kept) < len(sentences) else []


def _join(units: list[tuple[str, bool]]) -> str:
    out = ""
    for text, new_paragraph in units:
        out = text if not out else out + ("\n\n" if new_paragraph else " ") + text
    return out
