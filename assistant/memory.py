"""Conversation memory: LangGraph checkpoints in memory, in SQLite, or in PostgreSQL.

:func:`open_store` picks the store from the settings: PostgreSQL
(:mod:`assistant.memory_pg`) when ``MARKET_ASSISTANT_DATABASE_URL`` is set, so that several app
replicas share every conversation, else the embedded SQLite file
``<home>/conversations.sqlite`` (:class:`ConversationStore`, below).

Either store holds LangGraph's checkpoints (what the model saw), a small index of
conversations (title, owner, times) so the UI can list, resume and delete them, and the turns
as the app showed them (tool results, sources, grounding, charts), so a resumed chat looks the
same as when it was written. API keys are never stored: they live in the model client, never
in a message, a checkpoint or a turn.

A damaged SQLite file (a crash, a full disk, a bad copy) does not stop the chat: it is moved
aside under a dated name, a fresh store is started, and :attr:`ConversationStore.notice` says
so, naming both files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from langgraph.checkpoint.sqlite import SqliteSaver

from assistant.memory_base import (
    TURN_LOCK_SECONDS,
    Conversation,
    ConversationBusy,
    StoreDamaged,
    busy_message,
    lock_bucket,
    now_text,
    title_of,
    turn_lock,
)

if TYPE_CHECKING:
    from assistant.config import Settings

__all__ = ["Conversation", "ConversationStore", "in_memory", "open_store", "turn_lock"]

FILE_NAME = "conversations.sqlite"
COLUMNS = "thread_id, title, created_at, updated_at, owner"
DAMAGE_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024  # larger files are checked as they are read
T = TypeVar("T")


def in_memory():
    """A checkpointer for one UI session or CLI run (nothing written to disk)."""
    from langgraph.checkpoint.memory import InMemorySaver

    return InMemorySaver()


def open_store(settings: Settings, **options):
    """The conversation store for ``settings``: PostgreSQL when a database URL is set (shared
    by every replica), else the SQLite file in the data directory."""
    if settings.database_url:
        from assistant.memory_pg import PgConversationStore

        return PgConversationStore(settings.database_url, **options)
    return ConversationStore(settings.home / FILE_NAME, **options)


def is_damage(exc: BaseException) -> bool:
    """A SQLite error that means the file is damaged (not locked, missing or read-only)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return getattr(exc, "sqlite_errorname", "") in DAMAGE_CODES or (
        "malformed" in text or "not a database" in text
    )


class _Saver(SqliteSaver):
    """LangGraph's SQLite checkpointer, with the store's turn lock and damage handling."""

    def __init__(self, conn: sqlite3.Connection, store: ConversationStore):
        super().__init__(conn)
        self.store = store

    def turn_lock(self, thread_id: str):
        return self.store.turn_lock(thread_id)

    @contextlib.contextmanager
    def cursor(self, transaction: bool = True) -> Iterator[sqlite3.Cursor]:
        try:
            with super().cursor(transaction) as cur:
                yield cur
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            raise self.store.recover(exc) from None


class ConversationStore:
    """Persistent conversations in one SQLite file.

    Each conversation has an owner (an id for a browser, a user or "" for the command line).
    Methods that take ``owner`` see only that owner's conversations; ``owner=None`` means
    unscoped (the command line and maintenance), so another owner can neither list, read nor
    delete a conversation.
    """

    def __init__(self, path: Path | str, lock_timeout: float = TURN_LOCK_SECONDS):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.location = str(self.path)
        self.lock_timeout = lock_timeout
        self.notice: str | None = None  # set when a damaged file was kept aside
        self._locks = self.path.parent / "locks"
        self._lock = threading.Lock()
        self._conn = self._open()
        self.checkpointer = _Saver(self._conn, self)
        self.checkpointer.setup()

    # -- opening, and recovering from a damaged file ----------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            size = self.path.stat().st_size if self.path.exists() else 0
            if size <= QUICK_CHECK_MAX_BYTES:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise sqlite3.DatabaseError(f"database disk image is malformed ({result})")
            _create_index(conn)
        except BaseException:
            conn.close()
            raise
        self._inode = self.path.stat().st_ino
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            return self._set_aside(exc, self.path.stat().st_ino)

    def _set_aside(self, exc: BaseException, inode: int) -> sqlite3.Connection:
        """Move the damaged file (the one with ``inode``) aside and open a fresh store; one
        process at a time, and only once when several find the damage together."""
        from filelock import FileLock

        self._locks.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self._locks / "conversations-recovery.lock"), timeout=120):
            current = self.path.stat().st_ino if self.path.exists() else None
            if current == inode:
                aside = _aside_name(self.path)
                os.replace(self.path, aside)
                for suffix in ("-wal", "-shm", "-journal"):
                    extra = Path(f"{self.path}{suffix}")
                    if extra.exists():
                        os.replace(extra, Path(f"{aside}{suffix}"))
                self.notice = (
                    f"The conversation store {self.path} was damaged ({_reason(exc)}). It was kept"
                    f" as {aside.name} in the same folder and a new, empty store was started;"
                    " earlier conversations are in the kept file."
                )
            return self._connect()

    def recover(self, exc: BaseException) -> StoreDamaged:
        """After a damage error while running: keep the file aside, continue on a fresh one, and
        return the error that tells the user (the current turn could not be saved)."""
        with self._lock:
            old = self._conn
            self._conn = self._set_aside(exc, self._inode)
            self.checkpointer.conn = self._conn
            self.checkpointer.is_setup = False
            with contextlib.suppress(sqlite3.Error):
                old.close()
        message = self.notice or (
            f"The conversation store {self.path} was found damaged and replaced by a fresh one."
        )
        return StoreDamaged(message + " This answer could not be saved; ask again.")

    def _index(self, work: Callable[[sqlite3.Connection], T], write: bool = False) -> T:
        """Run ``work`` on the index; on a damaged file, recover and run it on the fresh one."""
        for attempt in (1, 2):
            try:
                with self._lock:
                    if not write:
                        return work(self._conn)
                    with self._conn:
                        return work(self._conn)
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or not is_damage(exc):
                    raise
                self.recover(exc)
        raise AssertionError("unreachable")

    # -- one turn at a time per conversation ----------------------------------------------------
    @contextlib.contextmanager
    def turn_lock(self, thread_id: str) -> Iterator[None]:
        """Held for a whole turn: another process (or thread) answering on the same
        conversation waits, so both turns are kept (a file lock per bucket of ids)."""
        from filelock import FileLock, Timeout

        self._locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self._locks / f"conversation-{lock_bucket(thread_id):04d}.lock"))
        try:
            lock.acquire(timeout=self.lock_timeout)
        except Timeout:
            raise ConversationBusy(busy_message(self.lock_timeout)) from None
        try:
            yield
        finally:
            lock.release()

    # -- the index --------------------------------------------------------------------------------
    def touch(self, thread_id: str, first_question: str, owner: str = "") -> None:
        """Record activity on a thread; its title is the first question (shortened).

        A thread belongs to whoever touched it first; activity by another owner changes nothing.
        """
        now = now_text()
        self._index(
            lambda c: c.execute(
                "INSERT INTO conversations (thread_id, title, created_at, updated_at, owner) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(thread_id) DO UPDATE SET "
                "updated_at = excluded.updated_at WHERE conversations.owner = excluded.owner",
                (thread_id, title_of(first_question), now, now, owner),
            ),
            write=True,
        )

    def list(self, limit: int = 50, owner: str | None = None) -> list[Conversation]:
        """Conversations, most recently active first (only ``owner``'s when given)."""
        where, args = ("WHERE owner = ? ", (owner,)) if owner is not None else ("", ())
        rows = self._index(
            lambda c: c.execute(
                f"SELECT {COLUMNS} FROM conversations {where}"
                "ORDER BY updated_at DESC, created_at DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        )
        return [Conversation(*row) for row in rows]

    def get(self, thread_id: str, owner: str | None = None) -> Conversation | None:
        """One conversation, or None when there is none (or it is someone else's)."""
        row = self._index(
            lambda c: c.execute(
                f"SELECT {COLUMNS} FROM conversations WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        )
        found = Conversation(*row) if row else None
        if found is not None and owner is not None and found.owner != owner:
            return None
        return found

    def add_turn(self, thread_id: str, record: dict) -> None:
        """Append one displayed turn (a JSON-able dict) to a conversation."""
        payload = json.dumps(record, default=str)
        now = now_text()
        self._index(
            lambda c: c.execute(
                "INSERT INTO turns (thread_id, seq, created_at, record) VALUES (?, "
                "(SELECT COALESCE(MAX(seq), -1) + 1 FROM turns WHERE thread_id = ?), ?, ?)",
                (thread_id, thread_id, now, payload),
            ),
            write=True,
        )

    def turns(self, thread_id: str, owner: str | None = None) -> list[dict]:
        """The displayed turns of a conversation, oldest first ([] for someone else's)."""
        if owner is not None and self._other_owner(thread_id, owner):
            return []
        rows = self._index(
            lambda c: c.execute(
                "SELECT record FROM turns WHERE thread_id = ? ORDER BY seq", (thread_id,)
            ).fetchall()
        )
        return [json.loads(row[0]) for row in rows]

    def delete(self, thread_id: str, owner: str | None = None) -> bool:
        """Delete a conversation with its checkpoints; False (and nothing deleted) when it is
        someone else's."""
        if owner is not None and self._other_owner(thread_id, owner):
            return False
        self.checkpointer.delete_thread(thread_id)

        def work(c: sqlite3.Connection) -> None:
            c.execute("DELETE FROM conversations WHERE thread_id = ?", (thread_id,))
            c.execute("DELETE FROM turns WHERE thread_id = ?", (thread_id,))

        self._index(work, write=True)
        return True

    def _other_owner(self, thread_id: str, owner: str) -> bool:
        found = self.get(thread_id)
        return found is not None and found.owner != owner

    def close(self) -> None:
        self._conn.close()


def _create_index(conn: sqlite3.Connection) -> None:
    with conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS conversations (thread_id TEXT PRIMARY KEY, "
            "title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "owner TEXT NOT NULL DEFAULT '')"
        )
        columns = {row[1] for row in conn.execute("PRAGMA table_info(conversations)")}
        if "owner" not in columns:  # a store written before conversations had owners
            conn.execute("ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS turns (thread_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            "created_at TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (thread_id, seq))"
        )


def _aside_name(path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    return aside


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
