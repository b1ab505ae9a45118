"""Text hygiene shared by the loaders and by quoting: what is removed from other people's text.

- Control characters (C0 except tab and newline, DEL, C1) and the bidirectional embedding,
  override and isolate characters, which can make a passage display differently from what it
  says.
- Invisible format characters: the Unicode tag characters (U+E0000 to U+E007F, which can spell
  out hidden instructions), zero-width spaces, word joiners, the byte-order mark, soft hyphens,
  Hangul fillers, the variation-selector supplement and the other default-ignorable code points.
  Kept: the zero-width joiner and non-joiner (needed by emoji and by Persian and Indic scripts)
  and one variation selector after a character (emoji presentation); a run of them is cut.
- Markdown images (also with nested or escaped brackets) and link targets: a link keeps its
  text, an image disappears, so no stored passage can make a reader fetch or open an address.
"""

from __future__ import annotations

import re

_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = (
    "\u00ad\u034f\u061c\u17b4\u17b5\u180e\u200b\u200e\u200f\u2060-\u206f\u3164\ufeff\uffa0"
    "\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_STRIP = re.compile(f"[{_CONTROL}{_INVISIBLE}]+")
_SELECTOR_RUN = re.compile("([\ufe00-\ufe0f])[\ufe00-\ufe0f]+")
# "![alt](target)" or "![alt][ref]", where alt may hold escaped or nested brackets (2 levels).
_BRACKETS = r"\[(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*\])*\]"
_TARGET = r"\((?:[^()\\\s]|\\.|\s|\((?:[^()\\]|\\.)*\))*\)"
_IMAGE = re.compile(rf"!{_BRACKETS}(?:{_TARGET}|\[[^\]\n]*\])?")
_LINK = re.compile(rf"({_BRACKETS}){_TARGET}")
# A link reference definition: "[label]: target" and an optional quoted title, alone on a line.
_REFERENCE = re.compile(
    r"(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<[^>\n]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"
)


def strip_invisible(text: str) -> str:
    """``text`` without control, direction and invisible format characters (see the module)."""
    return _SELECTOR_RUN.sub(r"\1", _STRIP.sub("", text))


def one_line(value: object, limit: int = 300) -> str:
    """A metadata value (title, source, author) as one clean line: no control, direction or
    invisible characters, single spaces, at most ``limit`` characters."""
    text = " ".join(strip_invisible(" ".join(str(value).splitlines())).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def drop_markdown_media(text: str) -> str:
    """Markdown images removed, links reduced to their text, reference definitions dropped."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: _unbracket(m.group(1)), text)
    return _REFERENCE.sub("", text)


def _unbracket(label: str) -> str:
    inner = label[1:-1]
    return drop_markdown_media(inner) if "[" in inner else inner
