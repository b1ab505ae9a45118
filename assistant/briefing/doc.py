"""The briefing as a small document model, and its Markdown rendering.

Sections hold blocks (paragraphs, bullet lists, tables, quotes, warnings) and the charts that go
with them. Block text is plain text in which ``**`` marks bold and nothing else is markup:
:func:`to_markdown` escapes every other Markdown character, and the HTML renderer escapes
everything, so neither a passage of commentary nor a name typed by a user can inject markup
(links, images, raw HTML or LaTeX) into a briefing. Quotes carry third-party text verbatim and
are never parsed for bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

SECTION_TITLES = {
    "headline": "Headline",
    "moves": "Moves",
    "records": "Records and breakouts",
    "relationships": "Relationships",
    "context": "Context",
    "watch": "What to watch",
    "provenance": "Provenance",
}
# Characters that mean something to CommonMark or to Streamlit's Markdown ($ starts LaTeX).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#~])")


@dataclass(frozen=True)
class Block:
    """One block of a section. ``kind`` is para, bullets, table, quote or warning."""

    kind: str
    text: str = ""  # para, warning, quote (quote text is third-party and shown verbatim)
    items: tuple[str, ...] = ()  # bullets
    header: tuple[str, ...] = ()  # table
    rows: tuple[tuple[str, ...], ...] = ()
    align: str = ""  # table: one "l" or "r" per column
    cite: str = ""  # quote: "Title — source, date" (third-party, shown verbatim)


@dataclass(frozen=True)
class Chart:
    """A chart to draw with a section: kind is relative, price or correlogram."""

    kind: str
    keys: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    lead: tuple[Block, ...]  # the subtitle and warnings shown above the first section
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def with_blocks(self, key: str, *blocks: Block) -> Document:
        """A copy with ``blocks`` appended to section ``key``."""
        sections = tuple(
            replace(s, blocks=s.blocks + blocks) if s.key == key else s for s in self.sections
        )
        return replace(self, sections=sections)

    def with_section(self, new: Section) -> Document:
        return replace(self, sections=tuple(new if s.key == new.key else s for s in self.sections))


def one_line(text: object) -> str:
    """Untrusted text (a typed name, an error message) made safe for a block: one line, no
    control characters, and no ``**`` that could start bold."""
    line = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return line.replace("*", "\u2217")


def escape(text: str) -> str:
    """Markdown-escape everything in ``text``."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def inline(text: str) -> str:
    """Markdown for block text: ``**`` pairs kept as bold, everything else escaped."""
    parts = text.split("**")
    if len(parts) % 2 == 0:  # an unpaired marker is text, not bold
        return escape(text)
    return "**".join(escape(p) for p in parts)


def _table(block: Block) -> list[str]:
    align = block.align or "l" * len(block.header)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [
        "| " + " | ".join(inline(h) for h in block.header) + " |",
        "| " + " | ".join(rule) + " |",
    ]
    lines.extend("| " + " | ".join(inline(c) for c in row) + " |" for row in block.rows)
    return lines


def block_markdown(block: Block) -> str:
    if block.kind == "bullets":
        return "\n".join(f"- {inline(i)}" for i in block.items)
    if block.kind == "table":
        return "\n".join(_table(block))
    if block.kind == "quote":
        body = " ".join(block.text.split())
        return f"> {escape(body)}\n>\n> — {escape(block.cite)}"
    if block.kind == "warning":
        return f"> **Warning:** {inline(block.text)}"
    return inline(block.text)


def section_markdown(section: Section, level: int = 2) -> str:
    parts = [f"{'#' * level} {escape(section.title)}"]
    parts.extend(block_markdown(b) for b in section.blocks)
    return "\n\n".join(parts)


def to_markdown(doc: Document) -> str:
    """The whole document as Markdown, ending with one newline."""
    parts = [f"# {escape(doc.title)}"]
    parts.extend(block_markdown(b) for b in doc.lead)
    parts.extend(section_markdown(s) for s in doc.sections)
    return "\n\n".join(parts) + "\n"
