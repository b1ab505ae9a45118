"""Conversation memory: LangGraph checkpoints, in memory for a session or in SQLite to persist.

The SQLite file (``<home>/conversations.sqlite``) holds LangGraph's checkpoints and a small
index of conversations (title, times) so the UI can list, resume and delete them. The app also
keeps what it showed for each turn (tool results, sources, grounding, charts) in a ``turns``
table, because the checkpoints hold only what the model saw and a resumed chat should look
the same as when it was written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Conversation:
    thread_id: str
    title: str
    created_at: str
    updated_at: str
    owner: str = ""


COLUMNS = "thread_id, title, created_at, updated_at, owner"


def in_memory():
    """A checkpointer for one UI session or CLI run (nothing written to disk)."""
    from langgraph.checkpoint.memory import InMemorySaver

    return InMemorySaver()


class ConversationStore:
    """Persistent conversations in one SQLite file.

    Each conversation has an owner (an id for a browser, a user or "" for the command line).
    Methods that take ``owner`` see only that owner's conversations; ``owner=None`` means
    unscoped (the command line and maintenance), so another owner can neither list, read nor
    delete a conversation.
    """

    def __init__(self, path: Path | str):
        from langgraph.checkpoint.sqlite import SqliteSaver

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self.checkpointer = SqliteSaver(self._conn)
        self.checkpointer.setup()
        with self._lock, self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS conversations (thread_id TEXT PRIMARY KEY, "
                "title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
                "owner TEXT NOT NULL DEFAULT '')"
            )
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(conversations)")}
            if "owner" not in columns:  # a store written before conversations had owners
                self._conn.execute(
                    "ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT ''"
                )
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS turns (thread_id TEXT NOT NULL, seq INTEGER NOT NULL, "
                "created_at TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (thread_id, seq))"
            )

    def touch(self, thread_id: str, first_question: str, owner: str = "") -> None:
        """Record activity on a thread; its title is the first question (shortened).

        A thread belongs to whoever touched it first; activity by another owner changes nothing.
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        title = " ".join(first_question.split())[:80] or "(untitled)"
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO conversations (thread_id, title, created_at, updated_at, owner) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(thread_id) DO UPDATE SET "
                "updated_at = excluded.updated_at WHERE conversations.owner = excluded.owner",
                (thread_id, title, now, now, owner),
            )

    def list(self, limit: int = 50, owner: str | None = None) -> list[Conversation]:
        """Conversations, most recently active first (only ``owner``'s when given)."""
        where, args = ("WHERE owner = ? ", (owner,)) if owner is not None else ("", ())
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {COLUMNS} FROM conversations {where}"
                "ORDER BY updated_at DESC, created_at DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        return [Conversation(*row) for row in rows]

    def get(self, thread_id: str, owner: str | None = None) -> Conversation | None:
        """One conversation, or None when there is none (or it is someone else's)."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {COLUMNS} FROM conversations WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        found = Conversation(*row) if row else None
        if found is not None and owner is not None and found.owner != owner:
            return None
        return found

    def add_turn(self, thread_id: str, record: dict) -> None:
        """Append one displayed turn (a JSON-able dict) to a conversation."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        payload = json.dumps(record, default=str)
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO turns (thread_id, seq, created_at, record) VALUES (?, "
                "(SELECT COALESCE(MAX(seq), -1) + 1 FROM turns WHERE thread_id = ?), ?, ?)",
                (thread_id, thread_id, now, payload),
            )

    def turns(self, thread_id: str, owner: str | None = None) -> list[dict]:
        """The displayed turns of a conversation, oldest first ([] for someone else's)."""
        if owner is not None and self._other_owner(thread_id, owner):
            return []
        with self._lock:
            rows = self._conn.execute(
                "SELECT record FROM turns WHERE thread_id = ? ORDER BY seq", (thread_id,)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def delete(self, thread_id: str, owner: str | None = None) -> bool:
        """Delete a conversation with its checkpoints; False (and nothing deleted) when it is
        someone else's."""
        if owner is not None and self._other_owner(thread_id, owner):
            return False
        self.checkpointer.delete_thread(thread_id)
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM conversations WHERE thread_id = ?", (thread_id,))
            self._conn.execute("DELETE FROM turns WHERE thread_id = ?", (thread_id,))
        return True

    def _other_owner(self, thread_id: str, owner: str) -> bool:
        found = self.get(thread_id)
        return found is not None and found.owner != owner

    def close(self) -> None:
        self._conn.close()
