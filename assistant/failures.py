"""Turning failures into one plain sentence that says what to do (never a traceback)."""

from __future__ import annotations

import json
import re

from tools.errors import InputError

__all__ = ["InputError", "describe", "redact"]  # InputError is re-exported for the UI

_KEY_LIKE = re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_\-*]{6,}|\bBearer\s+[A-Za-z0-9._\-]+", re.I)


def redact(text: str, secrets: tuple[str | None, ...] = ()) -> str:
    """``text`` with API keys (the configured ones and anything key-shaped) replaced by
    [redacted]."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _KEY_LIKE.sub("[redacted]", text)


def describe(
    exc: BaseException,
    model_id: str = "",
    base_url: str | None = None,
    timeout_s: float | None = None,
) -> tuple[str, str]:
    """(kind, message) for an exception raised during a turn."""
    if isinstance(exc, InputError):
        return "input", str(exc)
    told = getattr(exc, "user_message", None)  # e.g. the conversation store's own sentence
    if isinstance(told, str) and told:
        return str(getattr(exc, "kind", "error")), redact(told)
    if (full := disk_full(exc)) is not None:
        return "disk", full
    where = f" at {base_url}" if base_url else ""
    return _api_failure(exc, model_id, where) or _other_failure(exc, where, timeout_s)


def _api_failure(exc: BaseException, model_id: str, where: str) -> tuple[str, str] | None:
    """What an HTTP status (or the client's error class for it) means for the user."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if name == "AuthenticationError" or status == 401:
        return "auth", (
            f"The model API{where} rejected the API key (401). Set OPENAI_API_KEY to a valid key "
            "(or enter one in the sidebar), or switch to the offline analyst."
        )
    if name == "PermissionDeniedError" or status == 403:
        return "auth", (
            f"The API key is not allowed to use {model_id} (403). Check the key's project and"
            " model access."
        )
    if name == "RateLimitError" or status == 429:
        return "rate_limit", (
            "The model API is rate-limiting requests (429) and the retries ran out. "
            "Wait a minute and ask again, or switch to the offline analyst."
        )
    if name == "NotFoundError" or status == 404:
        return "model", f"The model '{model_id}' was not found{where} (404). Check the model id."
    return None


def _other_failure(exc: BaseException, where: str, timeout_s: float | None) -> tuple[str, str]:
    """Timeouts, lost connections, server errors, malformed bodies and runaway graphs."""
    name = type(exc).__name__
    lineage = " ".join(cls.__name__ for cls in type(exc).__mro__)
    status = getattr(exc, "status_code", None)
    if "Timeout" in lineage:
        secs = f" within {timeout_s:g} s" if timeout_s else ""
        return "timeout", f"The model did not answer{secs}. Try again, or try a smaller model."
    if (
        "ConnectionError" in lineage
        or "ConnectError" in lineage
        or isinstance(exc, ConnectionError)
    ):
        return "network", (
            f"Cannot reach the model API{where}. Check the network connection and OPENAI_BASE_URL, "
            "or switch to the offline analyst."
        )
    if status is not None and int(status) >= 500:
        return "model", (
            f"The model API failed ({status}) after retries. Try again in a moment, "
            "or switch to the offline analyst."
        )
    # A body that is not the stream the client asked for ends as "No generations found in stream".
    if (
        isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError))
        or name in ("APIResponseValidationError", "OutputParserException")
        or "no generations found" in str(exc).lower()
    ):
        return "model", "The model returned a malformed response. Ask again, or switch models."
    if name == "BadRequestError" or status == 400:
        return "model", f"The model API refused the request (400): {_short(exc)}"
    if name == "GraphRecursionError":
        return (
            "limit",
            "The assistant took too many steps without finishing. Try a narrower question.",
        )
    return "error", (
        f"Something went wrong while answering ({name}: {_short(exc)}). The chat still works;"
        " ask again."
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return redact(text[:200])


_DISK = ("database or disk is full", "no space left on device", "disk i/o error", "disk full")


def disk_full(exc: BaseException) -> str | None:
    """A sentence for a write that failed because the disk is full or failing; None otherwise.

    SQLite reports a full disk as "database or disk is full" or, for its journal, as "disk I/O
    error"; the operating system as ENOSPC (28) or EDQUOT (122, over quota).
    """
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for err in chain:
        text = str(err).lower()
        if getattr(err, "errno", None) in (28, 122) or any(s in text for s in _DISK):
            return (
                "The disk holding the data directory is full or failing, so nothing could be "
                f"saved ({_short(err)}). Free some space (or set MARKET_ASSISTANT_HOME to "
                "another disk) and run the command again."
            )
    return None
