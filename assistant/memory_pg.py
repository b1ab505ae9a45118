"""Conversations in PostgreSQL, shared by every app replica.

LangGraph's own Postgres checkpointer (``langgraph-checkpoint-postgres`` on psycopg 3, with a
connection pool) holds the checkpoints; the conversation index and the displayed turns live in
two tables of the same database (``conversations``, ``conversation_turns``). Schema setup runs
at start, idempotent and one replica at a time (under an advisory lock), so any number of
replicas may start together against a new or an existing database.

A second, separate pool serves the *turn locks*: a session advisory lock per conversation,
held for the whole of a turn. A conversation answered on two replicas at once is answered one
turn after the other, both kept. If a replica dies mid-turn its connection closes and the
server releases the lock, so another replica can continue the conversation at once.

A dropped connection (PostgreSQL restarting, a network blip) is retried on a fresh connection
for up to ``retry_seconds``. Every write is idempotent (checkpoints by id, turns by a turn id
chosen before the first attempt), so a retry never duplicates anything. After that the store
raises :class:`~assistant.memory_base.StoreUnavailable`, whose message names the database
(never its password) and says what to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from assistant.memory_base import (
    TURN_LOCK_SECONDS,
    Conversation,
    ConversationBusy,
    StoreUnavailable,
    busy_message,
    lock_key,
    title_of,
)

# The pool logs every failed reconnection attempt; the store reports an outage itself, in one
# sentence, so without a logging set-up of the application's own these go nowhere.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())
T = TypeVar("T")
SETUP_LOCK = 0x4D41_5345_5455_5000  # advisory lock key for schema setup ("MASETUP")
SETUP_SECONDS = 120
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS conversations (thread_id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    " created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,"
    " owner TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS conversations_owner_updated"
    " ON conversations (owner, updated_at DESC)",
    "CREATE TABLE IF NOT EXISTS conversation_turns (thread_id TEXT NOT NULL,"
    " seq INTEGER NOT NULL, turn_id TEXT NOT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL,"
    " record TEXT NOT NULL, PRIMARY KEY (thread_id, seq))",
)
COLUMNS = "thread_id, title, created_at, updated_at, owner"


def describe_url(url: str) -> str:
    """``postgresql://host:port/database`` for messages: never the user name or password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unreadable URL)"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    return f"postgresql://{host}:{port}/{info.get('dbname') or ''}"


def _retryable(exc: BaseException) -> bool:
    """A lost or refused connection (worth a fresh one), not a lock wait that timed out."""
    return isinstance(exc, psycopg.OperationalError) and not isinstance(
        exc, psycopg.errors.LockNotAvailable
    )


class _Saver(PostgresSaver):
    """LangGraph's Postgres checkpointer, retried across reconnects, with the turn lock."""

    def __init__(self, pool: ConnectionPool, store: PgConversationStore):
        super().__init__(pool)
        self.store = store

    def turn_lock(self, thread_id: str):
        return self.store.turn_lock(thread_id)

    def get_tuple(self, config):
        return self.store.retry(lambda: PostgresSaver.get_tuple(self, config))

    def list(self, config, *, filter=None, before=None, limit=None):  # noqa: A002 - LangGraph's
        def read():
            rows = PostgresSaver.list(self, config, filter=filter, before=before, limit=limit)
            return [*rows]

        return iter(self.store.retry(read))

    def put(self, config, checkpoint, metadata, new_versions):
        return self.store.retry(
            lambda: PostgresSaver.put(self, config, checkpoint, metadata, new_versions)
        )

    def put_writes(self, config, writes: Sequence[tuple[str, Any]], task_id, task_path=""):
        return self.store.retry(
            lambda: PostgresSaver.put_writes(self, config, writes, task_id, task_path)
        )

    def delete_thread(self, thread_id: str) -> None:
        return self.store.retry(lambda: PostgresSaver.delete_thread(self, thread_id))


class PgConversationStore:
    """The conversation store of :mod:`assistant.memory`, in PostgreSQL (same methods).

    ``owner`` scoping is the same: a conversation belongs to whoever touched it first; methods
    given an owner see only that owner's conversations; ``owner=None`` is unscoped.
    """

    notice: str | None = None  # the SQLite store's "kept a damaged file aside"; never here

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 8,
        lock_pool_size: int = 32,
        retry_seconds: float = 10.0,
        connect_timeout: float = 5.0,
        lock_timeout: float = TURN_LOCK_SECONDS,
    ):
        self.location = describe_url(url)
        self.retry_seconds = retry_seconds
        self.lock_timeout = lock_timeout
        kwargs = {
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "connect_timeout": max(1, int(connect_timeout)),
            "application_name": "market-assistant",
        }
        # No check of a connection when it is taken from the pool (a round trip each time): a
        # connection broken by a restart fails its first statement, and ``retry`` runs the work
        # again on a fresh one.
        options = {
            "kwargs": kwargs,
            "open": False,
            # The pool's reconnection back-off doubles without bound; giving an attempt up after
            # ``retry_seconds`` lets the next request start afresh, so a database that is back
            # is used within seconds, not minutes.
            "reconnect_timeout": max(retry_seconds, 2.0),
        }
        self._pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, timeout=retry_seconds, **options
        )
        timeout_ms = int(lock_timeout * 1000)

        def lock_wait(conn) -> None:  # once per connection: how long a turn waits for another
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{timeout_ms}ms",))

        self._lock_pool = ConnectionPool(
            url, min_size=0, max_size=lock_pool_size, timeout=lock_timeout, configure=lock_wait,
            **options,
        )  # fmt: skip
        try:
            self._pool.open(wait=True, timeout=max(connect_timeout, retry_seconds))
        except psycopg.OperationalError as exc:
            self._pool.close()
            raise StoreUnavailable(self._down(exc)) from None
        self._lock_pool.open()
        self.checkpointer = _Saver(self._pool, self)
        self.retry(self._setup)

    # -- connections ----------------------------------------------------------------------------
    def retry(self, work: Callable[[], T]) -> T:
        """``work()``, retried on a lost connection for up to ``retry_seconds``; then
        StoreUnavailable with a message that names the database."""
        from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

        retrying = Retrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_delay(self.retry_seconds),
            wait=wait_exponential(multiplier=0.1, max=2.0),
            reraise=True,
        )
        try:
            return retrying(work)
        except psycopg.OperationalError as exc:
            if not _retryable(exc):
                raise
            raise StoreUnavailable(self._down(exc)) from None

    def _down(self, exc: BaseException) -> str:
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else "no answer"
        return (
            f"The conversation database at {self.location} does not answer ({reason}). "
            "Completed turns are kept in it; check that PostgreSQL is running and that "
            "MARKET_ASSISTANT_DATABASE_URL points at it, then ask again."
        )

    def _execute(self, sql: str, args: tuple = (), fetch: str = "") -> Any:
        def work():
            with self._pool.connection() as conn:
                cur = conn.execute(sql, args)
                if fetch == "one":
                    return cur.fetchone()
                return cur.fetchall() if fetch == "all" else None

        return self.retry(work)

    def _setup(self) -> None:
        """Create or migrate the tables, one replica at a time.

        The lock is polled with ``pg_try_advisory_lock``, not waited for in a statement: the
        checkpointer's migrations build indexes ``CONCURRENTLY``, which wait for every running
        statement, so a replica blocked inside ``pg_advisory_lock`` would wait for the replica
        that waits for it.
        """
        deadline = time.monotonic() + SETUP_SECONDS
        with self._pool.connection() as conn:
            while not conn.execute(
                "SELECT pg_try_advisory_lock(%s) AS ok", (SETUP_LOCK,)
            ).fetchone()["ok"]:
                if time.monotonic() > deadline:
                    raise StoreUnavailable(
                        f"The schema of the conversation database at {self.location} is being set"
                        f" up by another replica for over {SETUP_SECONDS} s; check that replica's"
                        " log, then start this one again."
                    )
                time.sleep(0.1)
            try:
                self.checkpointer.setup()
                for statement in SCHEMA:
                    conn.execute(statement)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))

    # -- one turn at a time per conversation ----------------------------------------------------
    @contextlib.contextmanager
    def turn_lock(self, thread_id: str) -> Iterator[None]:
        """A session advisory lock on the conversation, held for a whole turn on a connection
        of its own (released by the server if this process dies)."""
        key = lock_key(thread_id)

        def acquire():
            conn = self._lock_pool.getconn(timeout=self.retry_seconds)
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            except BaseException:
                self._lock_pool.putconn(conn)
                raise
            return conn

        try:
            conn = self.retry(acquire)
        except psycopg.errors.LockNotAvailable:
            raise ConversationBusy(busy_message(self.lock_timeout)) from None
        try:
            yield
        finally:
            with contextlib.suppress(psycopg.Error):  # a dead connection took the lock with it
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            self._lock_pool.putconn(conn)

    # -- the index --------------------------------------------------------------------------------
    def touch(self, thread_id: str, first_question: str, owner: str = "") -> None:
        """Record activity on a thread; its title is the first question (shortened)."""
        self._execute(
            "INSERT INTO conversations (thread_id, title, created_at, updated_at, owner) "
            "VALUES (%s, %s, now(), now(), %s) ON CONFLICT (thread_id) DO UPDATE SET "
            "updated_at = excluded.updated_at WHERE conversations.owner = excluded.owner",
            (thread_id, title_of(first_question), owner),
        )

    def list(self, limit: int = 50, owner: str | None = None) -> list[Conversation]:
        """Conversations, most recently active first (only ``owner``'s when given)."""
        where, args = ("WHERE owner = %s ", (owner,)) if owner is not None else ("", ())
        rows = self._execute(
            f"SELECT {COLUMNS} FROM conversations {where}"
            "ORDER BY updated_at DESC, created_at DESC LIMIT %s",
            (*args, limit),
            fetch="all",
        )
        return [_conversation(row) for row in rows]

    def get(self, thread_id: str, owner: str | None = None) -> Conversation | None:
        """One conversation, or None when there is none (or it is someone else's)."""
        row = self._execute(
            f"SELECT {COLUMNS} FROM conversations WHERE thread_id = %s", (thread_id,), fetch="one"
        )
        found = _conversation(row) if row else None
        if found is not None and owner is not None and found.owner != owner:
            return None
        return found

    def add_turn(self, thread_id: str, record: dict) -> None:
        """Append one displayed turn; a retry after a lost connection never adds it twice."""
        payload = json.dumps(record, default=str)
        turn_id = uuid.uuid4().hex
        order_key = lock_key(f"turns\x1f{thread_id}")

        def work():
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (order_key,))
                conn.execute(
                    "INSERT INTO conversation_turns (thread_id, seq, turn_id, created_at, record) "
                    "SELECT %s, COALESCE(MAX(seq), -1) + 1, %s, now(), %s "
                    "FROM conversation_turns WHERE thread_id = %s "
                    "ON CONFLICT (turn_id) DO NOTHING",
                    (thread_id, turn_id, payload, thread_id),
                )

        self.retry(work)

    def turns(self, thread_id: str, owner: str | None = None) -> list[dict]:
        """The displayed turns of a conversation, oldest first ([] for someone else's)."""
        if owner is not None and self._other_owner(thread_id, owner):
            return []
        rows = self._execute(
            "SELECT record FROM conversation_turns WHERE thread_id = %s ORDER BY seq",
            (thread_id,),
            fetch="all",
        )
        return [json.loads(row["record"]) for row in rows]

    def delete(self, thread_id: str, owner: str | None = None) -> bool:
        """Delete a conversation with its checkpoints; False (and nothing deleted) when it is
        someone else's."""
        if owner is not None and self._other_owner(thread_id, owner):
            return False
        self.checkpointer.delete_thread(thread_id)

        def work():
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("DELETE FROM conversations WHERE thread_id = %s", (thread_id,))
                conn.execute("DELETE FROM conversation_turns WHERE thread_id = %s", (thread_id,))

        self.retry(work)
        return True

    def _other_owner(self, thread_id: str, owner: str) -> bool:
        found = self.get(thread_id)
        return found is not None and found.owner != owner

    def close(self) -> None:
        self._lock_pool.close()
        self._pool.close()


def _conversation(row: dict) -> Conversation:
    def text(value) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat(timespec="seconds")
        return str(value)

    return Conversation(
        row["thread_id"],
        row["title"],
        text(row["created_at"]),
        text(row["updated_at"]),
        row["owner"],
    )
