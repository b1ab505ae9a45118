"""Ingestion and the store: idempotency, replacement, removal, model mismatch, bad input,
read-only folders, unreachable servers, safe ids, concurrency and a real Chroma server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from test_knowledge_support import (
    FakeEmbedder,
    embedder,
    free_port,
    make_immutable,
    make_pdf,
    seed_home,
    tiny_kb,
    write,
)

from knowledge.base import BUNDLED_CORPUS, open_knowledge_base
from knowledge.errors import DocumentIdError, ModelMismatchError, StoreError
from knowledge.ingest import check_doc_id, slug
from knowledge.loaders import load_file

NOTE = (
    "---\ntitle: Copper note\nsource: Desk\npublished: 2025-05-01\nassets:"
    " [copper]\n---\n\n{body}\n"
)


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    write(folder / "copper.md", NOTE.format(body="Copper tracks factory activity in China."))
    write(folder / "oil.txt", "Crude Supply\n\nOPEC decisions move crude oil prices.")
    return folder


def chunk_ids(kb, doc_id):
    return set(kb.store.get({"doc_id": doc_id}))


def test_ingesting_the_same_files_twice_adds_nothing(isolated_home, docs):
    kb = tiny_kb(isolated_home)
    first = kb.ingest([docs])
    assert (sorted(first.added), first.failed) == (["copper", "oil"], [])
    before = set(kb.store.get())
    second = kb.ingest([docs])
    assert (second.added, second.replaced, sorted(second.skipped)) == ([], [], ["copper", "oil"])
    assert set(kb.store.get()) == before


def test_a_changed_file_replaces_its_chunks(isolated_home, docs):
    kb = tiny_kb(isolated_home)
    kb.ingest([docs])
    old = chunk_ids(kb, "copper")
    write(
        docs / "copper.md",
        NOTE.format(body="Copper demand from grids and electric cars is rising."),
    )
    report = kb.ingest([docs / "copper.md"])
    assert report.replaced == ["copper"]
    new = chunk_ids(kb, "copper")
    assert new and not (old & new)
    texts = kb.store.collection().get(ids=list(new))["documents"]
    assert any("electric cars" in t for t in texts) and not any("factory" in t for t in texts)


def test_metadata_only_change_is_a_replacement(isolated_home, docs):
    kb = tiny_kb(isolated_home)
    kb.ingest([docs])
    write(
        docs / "copper.md",
        NOTE.format(body="Copper tracks factory activity in China.").replace(
            "Desk", "Research desk"
        ),
    )
    assert kb.ingest([docs / "copper.md"]).replaced == ["copper"]
    assert {m["source"] for m in kb.store.get({"doc_id": "copper"}).values()} == {"Research desk"}


def test_removed_document_leaves_no_chunks(isolated_home, docs):
    kb = tiny_kb(isolated_home)
    kb.ingest([docs])
    assert kb.remove("oil") >= 1
    assert chunk_ids(kb, "oil") == set()
    assert all(p.doc_id != "oil" for p in kb.search("OPEC crude oil", k=5))
    with pytest.raises(DocumentIdError, match="No document 'oil'"):
        kb.remove("oil")


@pytest.mark.parametrize(
    "bad", ["../../etc/passwd", "/etc/passwd", "a/b", "..", "", "A B", "x" * 200, "id\x00", "-lead"]
)
def test_unsafe_document_ids_are_refused_before_any_store_access(isolated_home, bad, monkeypatch):
    kb = tiny_kb(isolated_home)
    monkeypatch.setattr(kb.store, "get", lambda *a, **k: pytest.fail("store touched"))
    with pytest.raises(DocumentIdError, match="not a document id"):
        kb.remove(bad)


def test_file_names_become_safe_ids(isolated_home, tmp_path):
    assert slug("../../etc/passwd") == "etc-passwd" and check_doc_id(slug("..")) == "document"
    kb = tiny_kb(isolated_home)
    odd = write(tmp_path / "..%2F..%2Fetc%2Fpasswd.md", "# Odd name\n\nText about gold.")
    report = kb.ingest([odd])  # named directly: a folder walk skips dot files
    assert len(report.added) == 1 and check_doc_id(report.added[0])
    with pytest.raises(DocumentIdError):
        kb.ingestor.ingest_document(
            load_file(tmp_path / "..%2F..%2Fetc%2Fpasswd.md"), doc_id="../../etc/passwd"
        )


def test_same_file_name_in_two_folders_keeps_both(isolated_home, tmp_path):
    kb = tiny_kb(isolated_home)
    write(tmp_path / "a" / "note.md", "# A\n\nGold text.")
    write(tmp_path / "b" / "note.md", "# B\n\nSilver text.")
    report = kb.ingest([tmp_path / "a", tmp_path / "b"])
    assert report.added[0] == "note" and report.added[1].startswith("note-")
    assert {d.doc_id for d in kb.documents()} == set(report.added)


def test_bad_files_are_reported_and_the_rest_ingested(isolated_home, tmp_path, docs):
    kb = tiny_kb(isolated_home)
    kb.ingest([docs])
    before = set(kb.store.get())
    bad = tmp_path / "mixed"
    write(bad / "good.md", "# Good\n\nPlatinum is used in catalytic converters.")
    write(bad / "empty.md", "")
    write(bad / "binary.txt", b"\x00\x01\x02" * 100)
    write(bad / "broken.pdf", b"%PDF-1.7 not really")
    write(bad / "bad.md", "---\ntitle: [oops\n---\nx")
    write(bad / "latin.txt", "na\u00efve".encode("latin-1"))
    write(bad / "fine.pdf", make_pdf(["Platinum supply comes mostly from South Africa."]))
    write(bad / "notes.rtf", "{\\rtf1}")
    with open(bad / "huge.md", "wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    report = kb.ingest([bad, bad / "notes.rtf"])
    assert sorted(report.added) == ["fine", "good"]
    reasons = {Path(p).name: r for p, r in report.failed}
    assert set(reasons) == {
        "empty.md",
        "binary.txt",
        "broken.pdf",
        "bad.md",
        "latin.txt",
        "huge.md",
        "notes.rtf",
    }
    assert "over the" in reasons["huge.md"] and "unsupported" in reasons["notes.rtf"]
    assert before <= set(kb.store.get())  # nothing already ingested was lost


def test_bundled_corpus_is_ingested_once(isolated_home, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    for extra in corpus.glob("*.md"):
        if extra.stem not in ("gold-silver-ratio", "lead-lag-claims"):
            extra.unlink()
    fake = FakeEmbedder()
    kb = open_knowledge_base(isolated_home, embedder=fake, corpus_dir=corpus)
    assert {d.doc_id for d in kb.documents()} == {"gold-silver-ratio", "lead-lag-claims"}
    assert {d.origin for d in kb.documents()} == {"bundled"}
    assert kb.ensure_corpus() is None  # same corpus version: nothing to do
    kb.remove("lead-lag-claims")
    again = open_knowledge_base(isolated_home, embedder=fake, corpus_dir=corpus)
    assert {d.doc_id for d in again.documents()} == {"gold-silver-ratio"}  # a removal sticks
    (corpus / "gold-silver-ratio.md").unlink()
    write(corpus / "new-note.md", "---\ntitle: New\n---\nText.")
    report = open_knowledge_base(isolated_home, embedder=fake, corpus_dir=corpus).documents()
    assert {d.doc_id for d in report} == {"lead-lag-claims", "new-note"}


def test_model_mismatch_is_clear_and_rebuild_fixes_it(isolated_home, docs):
    old = FakeEmbedder("fake-old-model")
    kb = open_knowledge_base(isolated_home, embedder=old, corpus_dir=None)
    kb.ingest([docs])
    new = FakeEmbedder("fake-new-model")
    with pytest.raises(ModelMismatchError) as err:
        open_knowledge_base(isolated_home, embedder=new, corpus_dir=None)
    assert "fake-old-model" in str(err.value) and "market-assistant kb rebuild" in str(err.value)
    kb = open_knowledge_base(isolated_home, embedder=new, corpus_dir=None, check_model=False)
    (docs / "oil.txt").unlink()
    report = kb.rebuild()
    assert report.added == ["copper"] and [Path(p).name for p, _ in report.failed] == ["oil.txt"]
    reopened = open_knowledge_base(isolated_home, embedder=new, corpus_dir=None)
    assert reopened.embedding_model() == "fake-new-model"
    assert [d.doc_id for d in reopened.documents()] == ["copper"]


def test_read_only_store_keeps_its_data_and_says_so(isolated_home, docs, tmp_path):
    kb = tiny_kb(isolated_home)
    kb.ingest([docs / "copper.md"])
    folder = isolated_home / "chroma"
    if not make_immutable(folder, True):
        pytest.skip("chattr +i is not available to make a folder read-only for this user")
    try:
        ro = tiny_kb(isolated_home)
        assert ro.store.read_only
        assert ro.search("factory activity", k=1)[0].doc_id == "copper"
        report = ro.ingest([docs / "oil.txt"])
        assert report.failed and "read-only" in report.failed[0][1]
        with pytest.raises(StoreError, match="read-only"):
            ro.remove("copper")
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        make_immutable(fresh, True)
        try:
            with pytest.raises(StoreError, match="not writable"):
                tiny_kb(fresh)
        finally:
            make_immutable(fresh, False)
    finally:
        make_immutable(folder, False)
    assert chunk_ids(tiny_kb(isolated_home), "copper")


def test_unreachable_server_gives_a_clear_error(isolated_home):
    port = free_port()
    with pytest.raises(StoreError) as err:
        open_knowledge_base(isolated_home, "127.0.0.1", port, embedder=FakeEmbedder())
    message = str(err.value)
    assert (
        f"http://127.0.0.1:{port}" in message and "CHROMA_HOST" in message and "\n" not in message
    )


def test_search_while_ingesting_from_other_threads(isolated_home, tmp_path):
    kb = seed_home(isolated_home) and open_knowledge_base(isolated_home, embedder=embedder())
    folder = tmp_path / "many"
    for i in range(6):
        write(
            folder / f"note-{i}.md",
            f"# Note {i}\n\nCopper and crude oil note number {i} "
            "about factory demand and shipping.",
        )
    known = {d.doc_id for d in kb.documents()} | {f"note-{i}" for i in range(6)}
    errors: list[BaseException] = []
    done = threading.Event()
    counts = []

    def searcher():
        while not done.is_set():
            try:
                found = kb.search("why is silver rising?", k=3)
                counts.append(len(found))
                assert {p.doc_id for p in found} <= known
            except BaseException as exc:  # noqa: BLE001 - collected for the main thread
                errors.append(exc)
                return

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        report = kb.ingest([folder])
    finally:
        done.set()
        for t in threads:
            t.join(30)
    assert not errors, errors[0]
    assert len(report.added) == 6 and counts and set(counts) == {3}


@pytest.fixture
def chroma_server(tmp_path):
    """A real ``chroma run`` on loopback, stopped after the test."""
    exe = Path(sys.executable).parent / "chroma"
    if not exe.is_file():
        exe = shutil.which("chroma")
        if not exe:
            pytest.skip("the chroma command line (from the chromadb package) is not installed")
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")
    proc = subprocess.Popen(
        [
            str(exe),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-500:]}"
                    )
                time.sleep(0.1)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_client_server_mode_is_shared_by_two_instances(chroma_server, tmp_path, docs):
    proc, port = chroma_server
    first = open_knowledge_base(tmp_path / "app1", "127.0.0.1", port, embedder=embedder())
    assert first.location == f"http://127.0.0.1:{port}"
    first.ingest([docs])
    second = open_knowledge_base(tmp_path / "app2", "127.0.0.1", port, embedder=embedder())
    assert second.ensure_corpus() is None  # already ingested by the first instance
    assert {"copper", "oil", "silvers-defensive-rally"} <= {d.doc_id for d in second.documents()}
    top = second.search("why is silver rising?", k=1)[0]
    assert top.doc_id == "silvers-defensive-rally" and top.published == "2026-01"
    assert not (tmp_path / "app1" / "chroma").exists()  # nothing was written locally
    proc.terminate()
    proc.wait(10)
    with pytest.raises(StoreError, match="does not answer"):
        second.search("why is silver rising?")
