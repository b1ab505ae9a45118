"""The metadata fields of a document, read from front matter and checked against their limits.

Metadata goes to every stored passage, so it is kept small and plain: one-line strings of at
most 300 characters, an http(s) url, a date, and at most ``MAX_LIST_ITEMS`` assets and tags
of at most ``MAX_KEY_CHARS`` characters each. A value outside these bounds refuses the file
with a ``LoadError`` that names the field and the fix (a note that tags itself with 20,000
assets is a mistake or an attack, not commentary).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from knowledge.errors import LoadError
from knowledge.text import drop_markdown_media, one_line, strip_invisible

MAX_LIST_ITEMS = 32  # assets or tags in one note's front matter
MAX_KEY_CHARS = 40  # one asset or tag
MAX_URL_CHARS = 2000
KINDS = ("commentary", "background")
_KEY = re.compile(r"^[^\s,]+(?: [^\s,]+)*$")


def kind(path: Path, value: object) -> str:
    """``kind`` from the front matter: commentary (the default) or background."""
    if value is None or str(value).strip() == "":
        return "commentary"
    name = str(value).strip().lower()
    if name not in KINDS:
        raise LoadError(path, f"front matter 'kind: {name[:30]}' is not one of {', '.join(KINDS)}")
    return name


def optional(value: object) -> str | None:
    text = line(value) if value is not None else ""
    return text or None


def line(value: object, limit: int = 300) -> str:
    """A metadata value (title, source, author) as one clean line of at most ``limit``
    characters, without Markdown images or link targets."""
    return one_line(drop_markdown_media(str(value)), limit)


def url(path: Path, value: object) -> str | None:
    """A web address for citations; anything but http(s) (javascript:, data:, file:) is dropped,
    because the app turns the url into a link."""
    text = optional(value) if value is None or len(str(value)) <= MAX_URL_CHARS else None
    if text and not re.match(r"^https?://[^\s<>\"'…]+$", text, re.I):
        return None
    return text


def date(path: Path, value: object) -> tuple[dt.date | None, str]:
    """(date, precision) from front matter: a YAML date, YYYY-MM-DD, YYYY-MM or YYYY.

    A partial date is stored as its first day, with the precision saying how much is known.
    """
    if value is None or value == "":
        return None, "day"
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    text = str(value).strip()
    for fmt, precision in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            return dt.datetime.strptime(text, fmt).date(), precision
        except ValueError:
            continue
    raise LoadError(path, f"front matter 'published: {text[:40]}' is not a date; use YYYY-MM-DD")


def keys(path: Path, value: object, what: str) -> tuple[str, ...]:
    """A list (or comma-separated string) of lower-case keys: at most MAX_LIST_ITEMS, each a
    plain word or phrase of at most MAX_KEY_CHARS characters."""
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise LoadError(path, f"front matter '{what}' must be a list, e.g. [gold, silver]")
    if len(items) > MAX_LIST_ITEMS:
        raise LoadError(
            path,
            f"front matter '{what}' has {len(items):,} items, over the limit of "
            f"{MAX_LIST_ITEMS}; keep the few that the note is about",
        )
    keys = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise LoadError(
                path, f"front matter '{what}' must be a flat list of names, e.g. [gold, silver]"
            )
        key = " ".join(strip_invisible(str(item)).split()).lower()
        if not key:
            continue
        if len(key) > MAX_KEY_CHARS or not _KEY.match(key):
            raise LoadError(
                path,
                f"front matter '{what}' item '{key[:30]}' is not a short name (at most "
                f"{MAX_KEY_CHARS} characters, no commas); e.g. [gold, silver]",
            )
        keys.append(key)
    return tuple(dict.fromkeys(keys))
