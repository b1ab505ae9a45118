"""Two app replicas (two processes) on one PostgreSQL and one Chroma server, as behind a load
balancer without sticky sessions: conversations follow the user to either replica, documents
ingested through one are found through the other, a load of 20 conversations spread over both
loses and mixes nothing, and a replica killed mid-turn costs no completed turn.

The servers are real (``chroma run`` and a throw-away PostgreSQL cluster, see
tests/server_support.py); each replica is tests/replica_worker.py, the assistant's Python API
wired as the app wires it.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
import uuid

import pytest
import server_support
from server_support import Replica, create_database, drop_database, replica_env, wait_until
from test_load import ASSETS, CONVERSATIONS, duration, percentile, run_workers

pytestmark = [pytest.mark.postgres, pytest.mark.chroma, pytest.mark.slow]
pg_server = server_support.pg_server  # fixtures
chroma_address = server_support.chroma_address
LOCK_SECONDS = 30  # a lock left behind by a dead replica would show as a "busy" error


@pytest.fixture(scope="module")
def pair(pg_server, chroma_address, tmp_path_factory):
    """Replicas A and B sharing a fresh database and the Chroma server."""
    url = create_database(pg_server)
    env = replica_env(url, chroma_address, REPLICA_LOCK_SECONDS=LOCK_SECONDS)
    root = tmp_path_factory.mktemp("replicas")
    replicas = {name: Replica(name, root / name, env) for name in ("a", "b")}
    try:
        for r in replicas.values():
            r.launch()
        for r in replicas.values():
            r.wait_ready()
        yield replicas
    finally:
        for r in replicas.values():
            r.stop()
        drop_database(url)


def user_questions(history: list[dict]) -> list[str]:
    return [m["content"] for m in history if m["role"] == "user"]


def test_a_conversation_started_on_one_replica_continues_on_the_other(pair):
    a, b = pair["a"], pair["b"]
    thread = uuid.uuid4().hex[:16]
    first = a.ask("How much is silver?", thread, owner="alice")
    second = b.ask("and gold?", thread, owner="alice")
    third = a.ask("and over 3 months?", thread, owner="alice")  # needs the memory: gold
    assert first["pid"] != second["pid"]
    assert [first["error"], second["error"], third["error"]] == [None, None, None]
    assert (first["assets"], second["assets"], third["assets"]) == (["silver"], ["gold"], ["gold"])
    assert "**Silver**" in first["answer"] and "**Gold**" in second["answer"]
    assert "Gold" in third["answer"] and ("3m" in third["answer"] or "3 months" in third["answer"])
    # ?c=THREAD on either replica: the index entry, the turns as shown, the model's memory
    for replica in (a, b):
        seen = replica.conversation(thread, owner="alice")
        assert seen["conversation"]["title"] == "How much is silver?"
        assert [t["question"] for t in seen["turns"]] == [
            "How much is silver?",
            "and gold?",
            "and over 3 months?",
        ]
        assert user_questions(seen["history"]) == [t["question"] for t in seen["turns"]]
        assert seen["turns"][1]["answer"] == second["answer"]
    other = b.conversation(thread, owner="mallory")  # another browser cannot open it
    assert other["conversation"] is None and other["turns"] == []


def _note(path, title: str, body: str) -> None:
    path.write_text(
        f"---\ntitle: {title}\nsource: Desk notes\npublished: 2026-11-20\nassets: [copper]\n---\n"
        f"# {title}\n\n{body}\n",
        encoding="utf-8",
    )


def _chunks(chroma_address, doc_id: str, home) -> dict:
    """The stored chunks of one document, read straight from the shared collection."""
    from knowledge.base import open_knowledge_base

    kb = open_knowledge_base(home, *chroma_address, auto_ingest=False, check_model=False)
    return kb.store.get({"doc_id": doc_id})


def test_a_document_ingested_through_one_replica_is_found_and_replaced_through_the_other(
    pair, chroma_address, tmp_path
):
    """The replicas share one data volume in deploy.md, so an upload has one path for both."""
    a, b = pair["a"], pair["b"]
    token = uuid.uuid4().hex[:8]
    doc = tmp_path / f"smelter-note-{token}.md"
    doc_id = f"smelter-note-{token}"
    _note(doc, "Zinc smelter outage", "A zinc smelter outage in Yunnan tightened concentrate. " * 8)
    assert a.post("/ingest", {"paths": [str(doc)]})["added"] == [doc_id]
    hits = b.post("/search", {"query": "zinc smelter outage Yunnan", "k": 3})["passages"]
    assert hits and hits[0]["doc_id"] == doc_id and "Yunnan" in hits[0]["text"]

    _note(doc, "Nickel glut", "Indonesian nickel pig iron output keeps growing. " * 8)
    assert b.post("/ingest", {"paths": [str(doc)]})["replaced"] == [doc_id]
    hits = a.post("/search", {"query": "Indonesian nickel pig iron", "k": 3})["passages"]
    assert hits[0]["doc_id"] == doc_id and "nickel" in hits[0]["text"]
    stored = _chunks(chroma_address, doc_id, tmp_path)
    assert stored and all("Yunnan" not in m.get("title", "") for m in stored.values())
    assert {m["title"] for m in stored.values()} == {"Nickel glut"}
    assert len(stored) == next(iter(stored.values()))["n_chunks"]
    again = a.post("/ingest", {"paths": [str(doc)]})
    assert again["skipped"] == [doc_id] and again["chunks_written"] == 0


def test_two_replicas_ingesting_at_once_store_every_chunk_once(pair, chroma_address, tmp_path):
    token = uuid.uuid4().hex[:8]
    folder = tmp_path / "batch"
    folder.mkdir()
    ids = []
    for i in range(4):
        body = "\n\n".join(f"Copper note {i}, part {k}: stocks fell again. " * 20 for k in range(2))
        _note(folder / f"batch-{token}-{i}.md", f"Batch note {i}", body)
        ids.append(f"batch-{token}-{i}")
    results: dict[str, dict] = {}

    def ingest(name, replica):
        results[name] = replica.post("/ingest", {"paths": [str(folder)]})

    threads = [threading.Thread(target=ingest, args=(n, pair[n])) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert all(not r["failed"] for r in results.values()), results
    for doc_id in ids:
        stored = _chunks(chroma_address, doc_id, tmp_path)
        metas = list(stored.values())
        assert metas and len(stored) == metas[0]["n_chunks"] > 1, doc_id
        assert len({m["position"] for m in metas}) == len(metas)  # no position twice
    listed = {d["doc_id"]: d["chunks"] for d in pair["a"].post("/documents", {})["documents"]}
    assert all(listed[i] == len(_chunks(chroma_address, i, tmp_path)) for i in ids)


def test_two_replicas_writing_one_document_name_at_once_leave_whole_versions(
    pair, chroma_address, tmp_path
):
    """Two different files with one name, ingested at the same moment on two replicas: each
    stored document is one whole version, never a mix of both."""
    from knowledge.base import open_knowledge_base

    a, b = pair["a"], pair["b"]
    for rnd in range(2):
        name = f"race-note-{uuid.uuid4().hex[:8]}"
        sources = {}
        for replica, metal in ((a, "Tin"), (b, "Cobalt")):
            folder = tmp_path / f"{replica.name}-{rnd}"
            folder.mkdir()
            sources[replica.name] = folder / f"{name}.md"
            body = "\n\n".join(f"{metal} supply is tight ({k}). " * 20 for k in range(3))
            _note(sources[replica.name], f"{metal} view", body)
        barrier = threading.Barrier(2)
        results = {}

        def ingest(replica, barrier=barrier, results=results, sources=sources):
            barrier.wait()
            results[replica.name] = replica.post("/ingest", {"paths": [str(sources[replica.name])]})

        threads = [threading.Thread(target=ingest, args=(r,)) for r in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert all(not r["failed"] for r in results.values()), results
        kb = open_knowledge_base(
            tmp_path / "reader", *chroma_address, auto_ingest=False, check_model=False
        )
        docs = [d for d in kb.documents() if d.doc_id.startswith(name)]
        assert sorted(d.title for d in docs) == ["Cobalt view", "Tin view"]  # both files kept
        for doc in docs:
            stored = kb.store.get({"doc_id": doc.doc_id})
            titles = {m["title"] for m in stored.values()}
            shas = {m["doc_sha"] for m in stored.values()}
            assert len(titles) == 1 and len(shas) == 1, (doc.doc_id, titles)
            assert len(stored) == next(iter(stored.values()))["n_chunks"]


@pytest.mark.timeout(900)
def test_twenty_conversations_spread_over_two_replicas_lose_and_mix_nothing(pair):
    """Each turn goes to a random replica (no sticky sessions): zero errors, zero cross-talk
    (every answer is about its own conversation's asset), zero lost turns (the store holds
    every completed turn of every conversation, in order, and so does the model's memory)."""
    from tools import assets

    replicas = [pair["a"], pair["b"]]
    seconds = duration()
    stop = threading.Event()
    errors: list[str] = []
    latencies: list[float] = []
    asked: dict[str, list[str]] = {}  # thread -> completed questions, in order
    owners: dict[str, str] = {}
    lock = threading.Lock()

    def fail(text: str) -> None:
        with lock:
            errors.append(text)
        stop.set()

    def conversation(n: int) -> None:
        rng = random.Random(n)
        key = ASSETS[n % len(ASSETS)]
        name = assets.get(key).name
        owner = f"user-{n}"
        round_ = 0
        while not stop.is_set():
            thread = f"load-{n}-{round_}-{uuid.uuid4().hex[:6]}"
            with lock:
                owners[thread], asked[thread] = owner, []
            for question, horizon in ((f"How much is {name}?", None), ("and over 3 months?", "3m")):
                replica = rng.choice(replicas)
                started = time.perf_counter()
                try:
                    reply = replica.ask(question, thread, owner=owner)
                except Exception as exc:  # noqa: BLE001 - reported by the main thread
                    return fail(f"{thread} on {replica.name}: {type(exc).__name__}: {exc}")
                elapsed = time.perf_counter() - started
                if reply["error"] or not reply["grounded"]:
                    return fail(f"{thread} {question!r} on {replica.name}: {reply}")
                if reply["assets"] != [key] or name not in reply["answer"]:
                    return fail(f"{thread} {question!r}: about {reply['assets']}, not {key}")
                if horizon and "3m" not in reply["answer"] and "3 months" not in reply["answer"]:
                    return fail(f"{thread} {question!r}: no 3-month figure")
                with lock:
                    asked[thread].append(question)
                    latencies.append(elapsed)
            round_ += 1

    workers = [threading.Thread(target=conversation, args=(n,)) for n in range(CONVERSATIONS)]
    wall, hung = run_workers(workers, stop, seconds, 300)
    assert not hung, "a conversation hung"
    assert not errors, errors[:3]
    assert len(latencies) >= CONVERSATIONS * 2

    lost = []
    for thread, questions in asked.items():
        seen = replicas[hash(thread) % 2].conversation(thread, owner=owners[thread])
        if [t["question"] for t in seen["turns"]] != questions:
            lost.append((thread, questions, [t["question"] for t in seen["turns"]]))
        elif user_questions(seen["history"]) != questions:
            lost.append((thread, questions, user_questions(seen["history"])))
    assert not lost, lost[:3]
    print(
        f"\n{len(latencies)} answers over 2 replicas in {wall:.1f} s: "
        f"{len(latencies) / wall:.1f} answers/s, p50 {statistics.median(latencies) * 1000:.0f} ms,"
        f" p95 {percentile(latencies, 0.95) * 1000:.0f} ms; "
        f"{len(asked)} conversations, 0 errors, 0 lost turns"
    )


@pytest.mark.timeout(600)
def test_a_replica_killed_mid_turn_costs_no_completed_turn(pair):
    """SIGKILL replica A inside a turn; the conversation continues on B at once, with every
    completed turn (A's lock on the conversation died with its connection)."""
    a, b = pair["a"], pair["b"]
    thread = uuid.uuid4().hex[:16]
    assert a.ask("How much is silver?", thread, owner="carol")["error"] is None
    assert b.ask("and gold?", thread, owner="carol")["error"] is None
    outcome: dict[str, object] = {}

    def doomed():
        try:
            outcome["reply"] = a.ask("and over 1 year?", thread, owner="carol", slow=120)
        except Exception as exc:  # noqa: BLE001 - the connection dies with the replica
            outcome["error"] = exc

    turn = threading.Thread(target=doomed)
    turn.start()
    wait_until(lambda: (a.home / "slow-started").exists(), 120, "A to be inside the turn")
    a.kill()
    turn.join(60)
    assert "error" in outcome and "reply" not in outcome

    started = time.monotonic()
    after = b.ask("and over 3 months?", thread, owner="carol")
    assert after["error"] is None, after["error"]
    assert time.monotonic() - started < LOCK_SECONDS  # nobody waited for the dead replica
    assert after["assets"] == ["gold"] and "Gold" in after["answer"]
    seen = b.conversation(thread, owner="carol")
    assert [t["question"] for t in seen["turns"]] == [
        "How much is silver?",
        "and gold?",
        "and over 3 months?",
    ]
    # the unfinished turn left nothing behind: checkpoints are written when a turn ends
    assert user_questions(seen["history"]) == [t["question"] for t in seen["turns"]]
