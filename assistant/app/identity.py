"""Who a browser is, for keeping its conversations private, and which conversation a link names.

A browser gets a random owner id the first time it opens the app; the app keeps it in a cookie
(``COOKIE``) and scopes every conversation-store call to it, so another browser can neither
list, open nor delete those conversations. Anything that does not look exactly like an id the
app made is refused, never trusted: an empty or forged cookie gets a fresh id.
"""

from __future__ import annotations

import re
import secrets

COOKIE = "market_assistant_owner"
QUERY_KEY = "c"  # ?c=THREAD_ID: the conversation a reload continues
COOKIE_DAYS = 400  # browsers cap cookie lifetimes at about 400 days
_OWNER = re.compile(r"[0-9a-f]{32}")
_THREAD = re.compile(r"[0-9a-f]{16}")


def new_owner() -> str:
    return secrets.token_hex(16)


def valid_owner(value: object) -> str | None:
    """``value`` when it is an owner id this app could have made, else None."""
    return value if isinstance(value, str) and _OWNER.fullmatch(value) else None


def new_thread() -> str:
    return secrets.token_hex(8)


def valid_thread(value: object) -> str | None:
    """``value`` when it is a conversation id this app makes (16 hex digits), else None."""
    if isinstance(value, list):  # a repeated query parameter: the last one counts
        value = value[-1] if value else None
    return value if isinstance(value, str) and _THREAD.fullmatch(value) else None
