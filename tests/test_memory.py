"""The conversation store: owners, older stores, the store for the settings, no lost turns on one
conversation (threads and processes), and a damaged file kept aside."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from assistant.memory import ConversationStore


def test_an_owner_neither_lists_reads_nor_deletes_another_owners_conversation(tmp_path):
    store = ConversationStore(tmp_path / "conversations.sqlite")
    store.touch("a1", "How much is silver?", owner="alice")
    store.add_turn("a1", {"question": "How much is silver?"})
    store.touch("b1", "How much is gold?", owner="bob")
    assert [c.thread_id for c in store.list(owner="alice")] == ["a1"]
    assert store.get("a1", owner="bob") is None and store.turns("a1", owner="bob") == []
    assert store.delete("a1", owner="bob") is False
    assert store.turns("a1", owner="alice") == [{"question": "How much is silver?"}]
    store.touch("a1", "hijack", owner="bob")  # activity by another owner changes nothing
    assert store.get("a1").owner == "alice" and store.get("a1").title == "How much is silver?"
    assert {c.thread_id for c in store.list()} == {"a1", "b1"}  # unscoped: the command line
    assert store.delete("a1", owner="alice") is True and store.get("a1") is None


def test_a_store_written_before_owners_existed_opens_and_keeps_its_conversations(tmp_path):
    path = tmp_path / "conversations.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE conversations (thread_id TEXT PRIMARY KEY, title TEXT NOT NULL, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
        )
        conn.execute("INSERT INTO conversations VALUES ('old', 'Old chat', 't0', 't0')")
    store = ConversationStore(path)
    assert [(c.thread_id, c.owner) for c in store.list()] == [("old", "")]
    assert store.get("old", owner="") is not None


# -- the store for the settings ------------------------------------------------------------------
def test_the_settings_pick_the_store_and_never_show_the_database_password(tmp_path):
    import dataclasses

    from assistant.config import Settings
    from assistant.memory import open_store
    from tools.errors import InputError

    store = open_store(Settings(home=tmp_path))
    assert isinstance(store, ConversationStore) and store.path == tmp_path / "conversations.sqlite"
    url = "postgresql://desk:s3cret-pw@db.internal:5432/market"
    settings = Settings.from_env(
        {"MARKET_ASSISTANT_DATABASE_URL": url, "MARKET_ASSISTANT_HOME": "x"}
    )
    assert settings.database_url == url and "s3cret-pw" not in repr(settings)
    assert "s3cret-pw" not in repr(dataclasses.replace(settings, model="offline"))
    for bad in ("sqlite:///tmp/c.db", "db.internal:5432", "mysql://u:p@h/d"):
        with pytest.raises(InputError, match="MARKET_ASSISTANT_DATABASE_URL must be a postgresql"):
            Settings.from_env({"MARKET_ASSISTANT_DATABASE_URL": bad})


# -- no lost turns on one conversation -----------------------------------------------------------
QUESTIONS = [
    f"How much is {name}?"
    for name in (
        "silver", "gold", "bitcoin", "ethereum", "copper", "crude", "platinum", "nasdaq", "dxy",
        "sp500",
    )
]  # fmt: skip


def asked(store, thread: str) -> list[str]:
    """The questions in a conversation's checkpoints (the model's memory), oldest first."""
    from assistant.agent import Assistant
    from assistant.config import Settings

    bot = Assistant(Settings(data="demo"), checkpointer=store.checkpointer)
    return [m["content"] for m in bot.history(thread) if m["role"] == "user"]


def concurrent_turns(checkpointer, thread: str) -> list:
    """Ten turns on one conversation at once, from ten threads; their replies."""
    import threading

    from assistant.agent import Assistant
    from assistant.config import Settings

    bot = Assistant(Settings(data="demo"), checkpointer=checkpointer)
    bot.ask("How much is silver?", "warm-up")
    barrier = threading.Barrier(len(QUESTIONS))
    replies = []

    def turn(question: str) -> None:
        barrier.wait()
        replies.append(bot.ask(question, thread))

    threads = [threading.Thread(target=turn, args=(q,)) for q in QUESTIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return replies


def test_ten_turns_at_once_on_one_conversation_are_all_kept(tmp_path):
    from assistant.memory import in_memory

    store = ConversationStore(tmp_path / "conversations.sqlite")
    for checkpointer, label in ((store.checkpointer, "sqlite"), (in_memory(), "memory")):
        replies = concurrent_turns(checkpointer, f"shared-{label}")
        assert len(replies) == 10 and all(r.error is None for r in replies)
        if label == "sqlite":
            assert sorted(asked(store, "shared-sqlite")) == sorted(QUESTIONS)


PRELOAD = [
    "langchain.agents",
    "langchain.agents.middleware",
    "assistant.cli.main",
    "assistant.cli.ask",
    "assistant.agent",
    "assistant.lc_tools",
    "assistant.models",
    "assistant.offline.analyst",
    "assistant.prompts",
    "assistant.memory",
    "filelock",
    "test_memory",
]


def cli_in_process(argv: list[str], home: str) -> tuple[int, str, str]:
    """The command line's ``main`` in this (child) process, its output captured."""
    import contextlib
    import io

    from assistant.cli.main import main

    os.environ["MARKET_ASSISTANT_HOME"] = home
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_ten_ask_processes_on_one_thread_keep_all_ten_questions(tmp_path):
    """Ten concurrent ``ask ... --thread shared`` runs, each its own process (forked from a
    server that has already imported the assistant, so the test spends no time on imports):
    every question stays in the thread, and every run answers its own question."""
    import multiprocessing

    from tools import assets

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    runs = [(["--data", "demo", "ask", q, "--thread", "shared"], str(tmp_path)) for q in QUESTIONS]
    with ctx.Pool(len(runs)) as pool:
        outcomes = pool.starmap(cli_in_process, runs, chunksize=1)
    assert [code for code, _, _ in outcomes] == [0] * 10, outcomes
    for question, (_, out, _) in zip(QUESTIONS, outcomes, strict=True):
        name = assets.get(question.removeprefix("How much is ").rstrip("?")).name
        assert f"**{name}**" in out and "closed at" in out, (question, out[:200])  # its own answer
    store = ConversationStore(tmp_path / "conversations.sqlite")
    assert sorted(asked(store, "shared")) == sorted(QUESTIONS)
    assert [c.thread_id for c in store.list()] == ["shared"]


# -- a damaged file --------------------------------------------------------------------------
def _damage(path: Path, how: str) -> bytes:
    if how == "garbage":
        path.write_bytes(b"this is not a database at all\n" * 500)
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:  # pages overwritten in the middle, the header intact
        data = bytearray(path.read_bytes())
        data[4096:] = bytes(range(256)) * ((len(data) - 4096) // 256 + 1)
        path.write_bytes(bytes(data[: len(path.read_bytes())]))
    return path.read_bytes()


def _filled(path: Path) -> None:
    from assistant.agent import Assistant
    from assistant.config import Settings

    store = ConversationStore(path)
    bot = Assistant(Settings(data="demo"), checkpointer=store.checkpointer)
    for i in range(6):
        bot.ask("How much is silver?", f"old-{i}")
        store.touch(f"old-{i}", "How much is silver?")
        store.add_turn(f"old-{i}", {"question": "How much is silver?", "pad": "x" * 3000})
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


@pytest.mark.parametrize("how", ["garbage", "truncated", "pages"])
def test_a_damaged_store_is_kept_aside_and_a_fresh_one_started(tmp_path, how):
    path = tmp_path / "conversations.sqlite"
    _filled(path)
    damaged = _damage(path, how)
    store = ConversationStore(path)
    kept = sorted(tmp_path.glob("conversations.sqlite.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # kept as it was, byte for byte
    assert re.fullmatch(r"conversations\.sqlite\.damaged-\d{8}-\d{6}", kept[0].name)
    assert str(path) in store.notice and kept[0].name in store.notice
    assert store.list() == []  # a fresh store, which works
    store.touch("new", "How much is gold?")
    assert [c.thread_id for c in ConversationStore(path).list()] == ["new"]
    assert ConversationStore(path).notice is None  # said once, not on every start


def test_the_command_line_names_the_kept_file_and_answers(tmp_path, capsys):
    from reliability_support import run_cli

    path = tmp_path / "conversations.sqlite"
    _filled(path)
    _damage(path, "garbage")
    code, out, err = run_cli(
        capsys,
        "--home",
        str(tmp_path),
        "--data",
        "demo",
        "ask",
        "How much is gold?",
        "--thread",
        "t",
    )
    kept = next(tmp_path.glob("conversations.sqlite.damaged-*"))
    assert code == 0 and "Gold" in out
    assert "Note: The conversation store" in err and kept.name in err
    assert "unexpected failure" not in err and "DatabaseError" not in err


def test_damage_found_while_running_is_reported_then_the_chat_goes_on(tmp_path):
    """The file is damaged under a running app: that turn says so (naming the kept file), the
    store starts afresh, and the next turn works."""
    from assistant.agent import Assistant
    from assistant.config import Settings

    path = tmp_path / "conversations.sqlite"
    _filled(path)
    store = ConversationStore(path)
    bot = Assistant(Settings(data="demo"), checkpointer=store.checkpointer)
    assert bot.ask("How much is gold?", "live").error is None
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store._conn.execute("PRAGMA cache_size = 1")  # reads reach the disk, as in a large store
    _damage(path, "pages")
    reply = bot.ask("and over 3 months?", "old-1")
    assert reply.error, reply.answer
    kept = next(p for p in tmp_path.glob("conversations.sqlite.damaged-*") if p.name[-1].isdigit())
    assert reply.error_kind == "store" and kept.name in reply.error and "ask again" in reply.error
    after = bot.ask("How much is copper?", "after")
    assert after.error is None and asked(store, "after") == ["How much is copper?"]
    assert store.list() == [] and store.notice and kept.name in store.notice
