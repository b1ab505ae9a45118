"""``market-assistant kb``: every command, JSON output, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_knowledge_support import free_port, seed_home, write

from assistant.cli.main import main


@pytest.fixture
def home(isolated_home):
    """A data directory that already holds the bundled corpus (copied, not re-embedded)."""
    return seed_home(isolated_home)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_has_the_cited_fields(home, capsys):
    code, out, err = run(capsys, "kb", "search", "why is silver rising?", "--k", "2", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 2
    for key in ("title", "source", "published", "chunk_id", "score", "text"):
        assert key in rows[0]
    assert rows[0]["title"] == "Silver's Defensive Rally" and rows[0]["published"] == "2026-01"


def test_search_text_filters_and_aliases(home, capsys):
    code, out, _ = run(
        capsys, "kb", "search", "what lifts prices", "--asset", "xag", "--since", "2026-01-01"
    )
    assert code == 0 and out.startswith("[1] ") and "score" in out
    code, out, _ = run(capsys, "kb", "search", "anything", "--since", "2031-01-01")
    assert code == 0 and "No passages matched the filters." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("kb", "search", "gold", "--asset", "unobtainium"), "Unknown asset 'unobtainium'"),
        (("kb", "search", "gold", "--since", "soon"), "Bad since date"),
        (("kb", "search", "gold", "--k", "0"), "k must be a whole number"),
        (("kb", "remove", "../../etc/passwd"), "is not a document id"),
        (("kb", "remove", "gold-real-yields"), "Did you mean gold-and-real-yields?"),
    ],
)
def test_input_errors_are_one_line_and_exit_2(home, capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and message in err
    assert err.startswith("Error: ") and err.count("\n") == 1 and "Traceback" not in err + out


def test_ingest_list_remove(home, tmp_path, capsys):
    write(tmp_path / "in" / "copper.md", "# Copper\n\nCopper follows factory output.")
    code, out, err = run(capsys, "kb", "ingest", str(tmp_path / "in"))
    assert code == 0, err
    assert "1 added, 0 replaced, 0 skipped, 0 failed" in out
    code, out, _ = run(capsys, "kb", "ingest", str(tmp_path / "in" / "copper.md"))
    assert "0 added, 0 replaced, 1 skipped, 0 failed" in out
    code, out, _ = run(capsys, "kb", "list", "--json")
    docs = {d["doc_id"]: d for d in json.loads(out)}
    assert (
        docs["copper"]["origin"] == "user"
        and docs["silvers-defensive-rally"]["origin"] == "bundled"
    )
    code, out, _ = run(capsys, "kb", "list")
    assert "copper" in out and "11 document(s)" in out
    code, out, _ = run(capsys, "kb", "remove", "copper")
    assert code == 0 and "Removed 'copper'" in out


def test_ingest_with_failures_exits_1_and_names_them(home, tmp_path, capsys):
    write(tmp_path / "ok.txt", "Platinum Notes\n\nPlatinum is used in catalytic converters.")
    write(tmp_path / "empty.md", "")
    code, out, err = run(
        capsys, "kb", "ingest", str(tmp_path / "ok.txt"), str(tmp_path / "empty.md")
    )
    assert code == 1
    assert "1 added, 0 replaced, 0 skipped, 1 failed" in out
    assert "empty.md: the file is empty" in err and "Traceback" not in err


def test_ingest_json_report(home, tmp_path, capsys):
    write(tmp_path / "a.md", "# A\n\nGold text.")
    code, out, _ = run(capsys, "kb", "ingest", str(tmp_path / "a.md"), "--json")
    assert code == 0 and json.loads(out)["added"] == ["a"]


def test_ingest_of_a_folder_without_documents(home, tmp_path, capsys):
    write(tmp_path / "x.csv", "a,b")
    code, _, err = run(capsys, "kb", "ingest", str(tmp_path))
    assert code == 2 and "No supported files" in err


def test_rebuild(home, capsys):
    code, out, err = run(capsys, "kb", "rebuild")
    assert code == 0, err
    assert "Rebuilt" in out and "all-MiniLM-L6-v2-onnx-int8" in out and "10 added" in out


def test_unreachable_server_is_one_line(isolated_home, capsys, monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(free_port()))
    code, out, err = run(capsys, "kb", "list")
    assert code == 2 and "the Chroma server does not answer" in err and err.count("\n") == 1


def test_bad_chroma_port(isolated_home, capsys, monkeypatch):
    monkeypatch.setenv("CHROMA_PORT", "eighty")
    code, _, err = run(capsys, "kb", "list")
    assert code == 2 and "CHROMA_PORT must be a port number" in err


def test_importing_the_cli_does_not_load_chromadb_or_onnxruntime():
    code = (
        "import sys, assistant.cli.kb, knowledge; "
        "print(sorted(m for m in ('chromadb', 'onnxruntime', 'tokenizers') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
