"""Text from elsewhere made harmless where it is shown: Markdown in the app, lines on a terminal.

Model answers and quoted commentary are other people's words. Shown as Markdown they could
carry an image (``![](https://host/?q=the question)``: the browser fetches it the moment the
answer is drawn, sending the user's words to that host) or a link dressed up as something
else. :func:`inert_markdown` makes every such construct plain text before rendering: brackets
and backslashes are escaped, so no image, link or reference definition can form, however the
brackets are nested or escaped, and web and mail addresses get an invisible break (a zero-width
space after ``https:``, ``www`` or ``@``) so they are not turned into links automatically.
Code spans are left as they are unless they hold any of that, because a span the renderer does
not read as code (one left open across a paragraph) would be live Markdown. What the reader
sees is the text as written. Addresses on an allow-list (none by default) are the only
exception: a Markdown link to such a host stays a link.

:func:`plain_text` removes images and keeps only the words of links, for model text that goes
into a document (a briefing's headline). :func:`terminal_text` does the same for a terminal:
escape sequences, control characters and direction overrides are shown as visible escapes, so
a file name cannot clear the screen or print a line of its own (a newline in a name cannot
forge a second ``Error:`` line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# "[text](https://host/...)" with plain text: what an allowed link looks like.
_LINK = re.compile(r"\[([^\[\]\\\n]{1,200})\]\((https://[^\s()<>\\]{1,500})\)")
_AUTOLINK = re.compile(
    r"(?i)\b(?:https?|ftp|file):(?=//)|\b(?:mailto|xmpp):(?=\S)|\bwww(?=\.)"
    r"|(?<=\w)@(?=[\w-]+\.\w)"
)
_ZWSP = "\u200b"
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)  # as ui/common.py splits code from prose
_RISKY = re.compile(
    r"[\[\]\\@]|(?i:https?|ftp|mailto|file|data|javascript|xmpp):|(?i:www)\.|\n\s*\n"
)
_ESCAPES = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]"})
# A Streamlit badge with a plain label, ":green-badge[Supported]" (the claim check's verdicts),
# stays a badge: its label holds no link or image, and one followed by "(" or "[" (a link's
# text) is escaped like any other bracket.
_BADGE = re.compile(
    r"(?<![\w\\:]):(?:green|orange|red|blue|violet|gray|grey|primary)-badge"
    r"\[[A-Za-z][A-Za-z ]{0,40}\](?![\[(])"
)
_TERMINAL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029"
    r"\U000e0000-\U000e007f]"
)


def inert_markdown(text: str, allow: Iterable[str] = ()) -> str:
    """``text`` with its Markdown images, links and bare addresses turned into plain text.

    Args:
        text: Markdown from a model or a document.
        allow: host names whose https links may stay links (exact host or a subdomain of it).
    """
    hosts = tuple(h.lower().lstrip(".") for h in allow if h)
    kept: list[str] = []

    def park(match: re.Match) -> str:
        if not _allowed(match.group(2), hosts):
            return match.group(0)
        kept.append(f"[{_inert(match.group(1))}]({match.group(2)})")
        return f"\x00{len(kept) - 1}\x00"

    def badge(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = str(text or "").replace("\x00", "")
    text = _BADGE.sub(badge, text)
    text = _LINK.sub(park, text) if hosts else text
    parts = _CODE.split(text)
    for i, part in enumerate(parts):
        # Code shows its content literally, so it is left alone, unless it holds what could
        # become a link should the renderer not read it as code (an unclosed span).
        if i % 2 == 0 or _RISKY.search(part):
            parts[i] = _inert(part)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], "".join(parts))


def _inert(text: str) -> str:
    text = text.translate(_ESCAPES)
    # A zero-width space after "https:", "www" or the "@" of an address: the text reads the same,
    # but a renderer that turns addresses in plain text into links (GFM) no longer sees one.
    # (A backslash escape is not enough: the linking runs on the text after escapes are read.)
    return _AUTOLINK.sub(lambda m: m.group(0) + _ZWSP, text)


def _allowed(url: str, hosts: tuple[str, ...]) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return bool(host) and any(host == h or host.endswith("." + h) for h in hosts)


def plain_text(text: str) -> str:
    """``text`` with Markdown images removed and links reduced to their words: for model output
    that is stored or rendered elsewhere as Markdown (a briefing's headline)."""
    from knowledge.text import drop_markdown_media

    return drop_markdown_media(str(text or ""))


def terminal_text(text: object, lines: bool = False) -> str:
    """``text`` safe to print on one terminal line: control characters, escape sequences,
    line breaks and direction overrides shown as visible escapes (``\\n``, ``\\x1b``). With
    ``lines`` (an answer several lines long), line breaks and tabs are kept as they are."""
    if lines:
        return "\n".join(
            _TERMINAL.sub(lambda m: _visible(m.group(0)), part)
            for part in str(text).replace("\t", "    ").split("\n")
        )
    return _TERMINAL.sub(lambda m: _visible(m.group(0)), str(text))


def _visible(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": " "}
    if ch in named:
        return named[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else "?"
