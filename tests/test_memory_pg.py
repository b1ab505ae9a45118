"""The PostgreSQL conversation store against a real server: the same behaviour as the SQLite
store, schema setup by several replicas at once, no lost turns on one conversation, no secret in
any table, and PostgreSQL stopped or restarted under a running assistant."""

from __future__ import annotations

import threading

import pytest
import server_support
from reliability_support import CANARY, run_cli
from test_memory import QUESTIONS, asked, concurrent_turns

from assistant.agent import Assistant
from assistant.config import Settings
from assistant.memory import open_store
from assistant.memory_base import StoreUnavailable
from assistant.memory_pg import PgConversationStore

pytestmark = pytest.mark.postgres
pg_server = server_support.pg_server  # fixtures
database_url = server_support.database_url
own_cluster = server_support.own_cluster


def test_owners_turns_and_deletion_behave_as_in_the_sqlite_store(database_url, tmp_path):
    store = open_store(Settings(home=tmp_path, database_url=database_url))
    assert isinstance(store, PgConversationStore)
    store.touch("a1", "How much is silver?", owner="alice")
    store.add_turn("a1", {"question": "How much is silver?", "nul": "a\x00b", "n": 1.5})
    store.add_turn("a1", {"question": "and gold?"})
    store.touch("b1", "  How much\nis   gold? " + "x" * 200, owner="bob")
    assert [c.thread_id for c in store.list(owner="alice")] == ["a1"]
    assert store.get("a1", owner="bob") is None and store.turns("a1", owner="bob") == []
    assert store.delete("a1", owner="bob") is False
    assert store.turns("a1", owner="alice") == [
        {"question": "How much is silver?", "nul": "a\x00b", "n": 1.5},
        {"question": "and gold?"},
    ]
    store.touch("a1", "hijack", owner="bob")  # activity by another owner changes nothing
    found = store.get("a1")
    assert found.owner == "alice" and found.title == "How much is silver?"
    assert store.get("b1").title == "How much is gold? " + "x" * 62  # one line, 80 characters
    assert found.created_at.endswith("+00:00") and found.updated_at >= found.created_at
    assert [c.thread_id for c in store.list()] == ["b1", "a1"]  # most recent first
    assert [c.thread_id for c in store.list(limit=1)] == ["b1"]
    bot = Assistant(Settings(data="demo"), checkpointer=store.checkpointer)
    assert bot.ask("How much is silver?", "a1").error is None
    assert store.delete("a1", owner="alice") is True
    assert store.get("a1") is None and store.turns("a1") == [] and bot.history("a1") == []
    store.close()


def test_replicas_starting_together_set_the_schema_up_once(database_url):
    stores, errors = [], []

    def start():
        try:
            stores.append(PgConversationStore(database_url, retry_seconds=30))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(stores) == 4
    stores.append(PgConversationStore(database_url))  # and again on a ready database
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        versions = conn.execute(
            "SELECT count(*), count(DISTINCT v) FROM checkpoint_migrations"
        ).fetchone()
    assert {"conversations", "conversation_turns", "checkpoints", "checkpoint_writes"} <= tables
    assert versions[0] == versions[1]  # every migration recorded once
    for store in stores:
        store.close()


def test_ten_turns_at_once_on_one_conversation_are_all_kept(database_url):
    store = PgConversationStore(database_url)
    replies = concurrent_turns(store.checkpointer, "shared")
    assert len(replies) == 10 and all(r.error is None for r in replies)
    assert sorted(asked(store, "shared")) == sorted(QUESTIONS)
    # two replicas (two stores, two pools) answering on one conversation at once
    other = PgConversationStore(database_url)
    bots = [Assistant(Settings(data="demo"), checkpointer=s.checkpointer) for s in (store, other)]
    threads = [
        threading.Thread(target=bots[i % 2].ask, args=(f"How much is gold? ({i})", "pair"))
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(asked(other, "pair")) == sorted(f"How much is gold? ({i})" for i in range(8))
    store.close()
    other.close()


def _every_value(url: str) -> list:
    """Every value in every column of every table of the database (bytes stay bytes)."""
    import psycopg

    values = []
    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                values.extend(row)
    return values


@pytest.mark.timeout(180)
def test_an_api_key_reaches_no_table(database_url, monkeypatch, capsys, tmp_path):
    """A canary key, used for real (the stub sees it) and echoed back in errors, appears in no
    value of any table: neither from the command line nor from a key typed in the app."""
    from openai_stub import StubOpenAI

    from assistant.app.turn import Turn

    echo = f"Incorrect API key provided: {CANARY}. Bearer {CANARY}"
    with StubOpenAI() as stub:
        stub.push(
            {"tool_calls": [{"name": "get_price", "args": {"asset": "silver"}}]},
            {"text": "Silver is shown above."},
            {"status": 401, "message": echo},
            {"tool_calls": [{"name": "get_price", "args": {"asset": "gold"}}]},
            {"text": "Gold is shown above."},
            {"status": 400, "message": echo},
        )
        monkeypatch.setenv("MARKET_ASSISTANT_DATABASE_URL", database_url)
        monkeypatch.setenv("OPENAI_API_KEY", CANARY)
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        for question in ("How much is silver?", "How much is gold?"):
            run_cli(capsys, "--data", "demo", "ask", question, "--model", "openai:gpt-test",
                    "--thread", "cli")  # fmt: skip
        monkeypatch.delenv("OPENAI_API_KEY")
        # the app: a key typed in the sidebar lives in the settings of this session's assistant
        store = open_store(Settings.from_env())
        typed = Settings(
            data="demo", model="openai:gpt-test", openai_api_key=CANARY,
            openai_base_url=stub.base_url, home=tmp_path,
        )  # fmt: skip
        bot = Assistant(typed, checkpointer=store.checkpointer)
        for question in ("How much is gold?", "and silver?"):
            reply = bot.ask(question, "app")
            store.touch("app", question, owner="browser-1")
            store.add_turn("app", Turn.from_reply(question, reply).to_record())
        assert stub.headers[-1]["authorization"] == f"Bearer {CANARY}"  # the key was in use
    values = _every_value(database_url)
    assert len(values) > 50  # checkpoints, writes, the index and the turns are all there
    leaks = [
        v[:120]
        for v in values
        if (isinstance(v, bytes) and CANARY.encode()[10:] in v)
        or (not isinstance(v, bytes) and CANARY[10:] in str(v))
    ]
    assert not leaks
    store.close()


def _restart_url(cluster) -> str:
    return server_support.create_database(cluster.url())


@pytest.mark.timeout(300)
def test_postgres_down_gives_a_clear_message_and_the_chat_resumes_when_it_is_back(
    own_cluster, capsys, monkeypatch
):
    url = _restart_url(own_cluster)
    store = PgConversationStore(url, retry_seconds=2)
    bot = Assistant(Settings(data="demo"), checkpointer=store.checkpointer)
    assert bot.ask("How much is silver?", "t").error is None
    own_cluster.stop()
    reply = bot.ask("and gold?", "t")
    where = f"postgresql://127.0.0.1:{own_cluster.port}/"
    assert reply.error_kind == "store" and where in reply.error, reply.error
    assert "PostgreSQL is running" in reply.error and "Completed turns are kept" in reply.error
    with pytest.raises(StoreUnavailable, match="does not answer"):
        store.touch("t", "How much is silver?")
    with pytest.raises(StoreUnavailable, match="does not answer"):
        PgConversationStore(url.replace("postgres@", "postgres:pw-secret@"), retry_seconds=1)
    monkeypatch.setenv("MARKET_ASSISTANT_DATABASE_URL", url)
    code, out, err = run_cli(capsys, "--data", "demo", "ask", "How much?", "--thread", "t")
    assert code == 1 and err.startswith("Error: The conversation database at " + where)
    assert "Traceback" not in err and "unexpected" not in err
    own_cluster.start()
    assert bot.ask("and gold?", "t").error is None  # the same store reconnects by itself
    assert asked(store, "t") == ["How much is silver?", "and gold?"]
    store.close()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_postgres_restarted_mid_run_loses_no_completed_turn(own_cluster):
    """Four conversations keep asking while PostgreSQL restarts twice: each turn either
    completes or says clearly that the database did not answer; every completed turn is kept."""
    url = _restart_url(own_cluster)
    store = PgConversationStore(url, retry_seconds=3)
    bot = Assistant(Settings(data="demo"), checkpointer=store.checkpointer)
    bot.ask("How much is silver?", "warm-up")
    stop = threading.Event()
    completed: dict[str, list[str]] = {f"c{n}": [] for n in range(4)}
    failures: list[str] = []
    unclear: list[str] = []

    def conversation(thread: str) -> None:
        i = 0
        while not stop.is_set():
            question = f"How much is gold? (turn {i})"
            reply = bot.ask(question, thread)
            if reply.error is None:
                completed[thread].append(question)
                try:
                    store.add_turn(thread, {"question": question})
                except StoreUnavailable:
                    completed[thread].pop()  # the turn is in the memory, not in the index
            elif reply.error_kind == "store" and "does not answer" in reply.error:
                failures.append(reply.error)
            else:
                unclear.append(reply.error)
            i += 1

    threads = [threading.Thread(target=conversation, args=(t,)) for t in completed]
    for t in threads:
        t.start()
    for _ in range(2):
        server_support.wait_until(lambda: sum(map(len, completed.values())) >= 8, 120, "turns")
        own_cluster.restart()
        before = sum(map(len, completed.values()))
        server_support.wait_until(
            lambda before=before: sum(map(len, completed.values())) >= before + 8, 120, "resumed"
        )
    stop.set()
    for t in threads:
        t.join(120)
    assert not unclear, unclear[:3]
    for thread, questions in completed.items():
        assert set(questions) <= set(asked(store, thread)), thread
        assert [t["question"] for t in store.turns(thread)] == questions
    store.close()
