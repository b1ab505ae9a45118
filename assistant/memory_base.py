"""What both conversation stores share: the index record, titles, errors and turn locks.

The embedded store (:mod:`assistant.memory`, SQLite) and the shared one
(:mod:`assistant.memory_pg`, PostgreSQL) keep the same things: LangGraph's checkpoints, an
index of conversations (title, owner, times) and the turns as the app showed them. Both hand
out a per-conversation *turn lock*, held by the assistant for a whole turn, so that two
processes answering on one conversation at once cannot both build on the same checkpoint and
lose one of the turns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

# How long a turn waits for another turn on the same conversation to finish.
TURN_LOCK_SECONDS = 300.0
_BUCKETS = 1024  # in-process turn locks, by a hash of the conversation id


@dataclass(frozen=True)
class Conversation:
    thread_id: str
    title: str
    created_at: str
    updated_at: str
    owner: str = ""


class ConversationStoreError(RuntimeError):
    """A failure of the conversation store, with the one sentence a user should read.

    ``user_message`` is what the assistant shows instead of a generic failure (see
    ``assistant.failures.describe``); ``kind`` classifies it for exit codes and badges.
    """

    kind = "store"

    def __init__(self, user_message: str):
        super().__init__(user_message)
        self.user_message = user_message


class StoreUnavailable(ConversationStoreError):
    """The database does not answer (down, restarting, unreachable), after retries."""


class StoreDamaged(ConversationStoreError):
    """The SQLite file was damaged; it has been kept aside and a fresh store started."""


class ConversationBusy(ConversationStoreError):
    """Another turn on the same conversation held its lock for too long."""

    kind = "busy"


def busy_message(seconds: float) -> str:
    return (
        f"Another answer on this conversation has been running for over {seconds:g} s, so this "
        "question was not asked. Wait for it to finish, then ask again."
    )


def now_text() -> str:
    """The current UTC time as the index stores it (ISO 8601, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def title_of(first_question: str) -> str:
    """A conversation's title: its first question on one line, at most 80 characters."""
    return " ".join(first_question.split())[:80] or "(untitled)"


def lock_key(thread_id: str) -> int:
    """A signed 64-bit key for a conversation id (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.sha256(thread_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_bucket(thread_id: str, buckets: int = _BUCKETS) -> int:
    return lock_key(thread_id) % buckets


_local_locks = [threading.Lock() for _ in range(_BUCKETS)]


@contextlib.contextmanager
def local_turn_lock(thread_id: str, timeout: float = TURN_LOCK_SECONDS) -> Iterator[None]:
    """One turn at a time per conversation within this process (for the in-memory saver)."""
    lock = _local_locks[lock_bucket(thread_id)]
    if not lock.acquire(timeout=timeout):
        raise ConversationBusy(busy_message(timeout))
    try:
        yield
    finally:
        lock.release()


def turn_lock(checkpointer, thread_id: str):
    """The lock a turn holds on ``thread_id``: the store's own (across processes) when the
    checkpointer comes from a conversation store, else one for this process."""
    store_lock = getattr(checkpointer, "turn_lock", None)
    if callable(store_lock):
        return store_lock(thread_id)
    return local_turn_lock(thread_id)
