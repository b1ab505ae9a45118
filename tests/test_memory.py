"""The conversation store: owners see only their own conversations; older stores migrate."""

from __future__ import annotations

import sqlite3

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
