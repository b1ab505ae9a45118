"""``market-assistant check``: the JSON object, Markdown and HTML, stdin, HTML and PDF input
through the same loaders as ``kb ingest``, library documents by id or title, ``--as-of``, and
the exit codes (0 done, 2 bad input)."""

from __future__ import annotations

import io
import json
import sys

import pytest
from reliability_support import error_lines, run_cli
from test_knowledge_support import make_pdf, seed_home

NOTE = """---
title: Demo metals note
published: 2026-09-15
---
Bitcoin follows silver with a lag of about four weeks. Gold leads the S&P 500 by a month.
Silver's been in a structural deficit for years.
"""
CLAIM_KEYS = {
    "calls",
    "quote",
    "kind",
    "assets",
    "verdict",
    "reason",
    "figures",
    "tested_at",
    "since",
}


@pytest.fixture
def note(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(NOTE, encoding="utf-8")
    return path


def check(capsys, *args: str):
    return run_cli(capsys, "--data", "demo", "check", *args)


def test_json_is_exactly_the_documented_object(capsys, note):
    code, out, err = check(capsys, str(note), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"document", "tested_at", "claims", "grounding"}
    assert data["document"]["title"] == "Demo metals note"
    assert data["document"]["published"] == "2026-09-15"
    assert data["tested_at"] == "2026-09-15"
    assert [set(c) for c in data["claims"]] == [CLAIM_KEYS] * 3
    assert [(c["kind"], c["assets"], c["verdict"]) for c in data["claims"]] == [
        ("lead_lag", ["bitcoin", "silver"], "supported"),  # the demo's planted four-week lag
        ("lead_lag", ["sp500", "gold"], "not supported"),
        ("not_testable", ["silver"], "not testable"),
    ]
    assert data["claims"][0]["figures"]["silver_bitcoin_best_lag"] == 4
    assert data["grounding"]["ok"] is True and data["grounding"]["checked"] > 0
    assert data["claims"][2]["since"] is None


def test_the_terminal_gets_plain_text_without_markdown(capsys, note):
    code, out, _ = check(capsys, str(note))
    assert code == 0
    assert out.startswith("Claim check: Demo metals note\n")
    assert "\\" not in out and "**" not in out and "|" not in out and "-badge[" not in out
    assert " 1. [Supported] lead/lag" in out and " 2. [Not supported] lead/lag" in out
    assert "Of 2 testable claims, 1 held up and 1 was not supported by the data;" in out
    assert "Why: Claimed: Silver first, Bitcoin 3 to 5 weeks later." in out.replace("\n    ", " ")
    assert "Tested with: leadlag.lead_lag(leader=silver, follower=bitcoin" in out
    assert "Not testable with price data (1)" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_markdown_and_html_show_the_table_with_the_calls(capsys, note):
    code, out, _ = check(capsys, str(note), "--format", "md")
    assert code == 0
    assert "| # | Claim | Kind | Verdict | Why | Since publication |" in out
    assert "**Supported**" in out and "**Not supported**" in out
    assert "leadlag.lead\\_lag(leader=silver, follower=bitcoin" in out
    assert "Not testable with price data (1)" in out
    code, page, _ = check(capsys, str(note), "--format", "html")
    assert code == 0 and page.startswith("<!doctype html>") and "<script" not in page
    assert 'class="badge"' in page and "Supported</span>" in page


def test_as_of_overrides_the_document_date(capsys, note):
    code, out, _ = run_cli(capsys, "--data", "demo", "check", str(note), "--as-of", "2024-03-01")
    assert code == 0
    assert (
        json.loads(check(capsys, str(note), "--json", "--as-of", "2024-03-01")[1])["tested_at"]
        == "2024-03-01"
    )


def test_html_on_stdin_goes_through_the_html_loader(capsys, monkeypatch):
    page = (
        b"<html><head><title>Evening wrap</title><script>alert('x')</script></head><body>"
        b"<p>Silver's been in a structural deficit for years.</p>"
        b"<p>Bitcoin follows silver with a lag of about four weeks.</p></body></html>"
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page)))
    code, out, err = check(capsys, "-", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["document"]["title"] == "Evening wrap"
    assert [c["verdict"] for c in data["claims"]] == ["not testable", "supported"]
    assert "alert" not in out


def test_a_pdf_is_read_like_kb_ingest_reads_it(capsys, tmp_path):
    pdf = tmp_path / "wrap.pdf"
    pdf.write_bytes(make_pdf(["Bitcoin follows silver with a lag of about four weeks."], "Wrap"))
    code, out, err = check(capsys, str(pdf), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["document"]["title"] == "Wrap"
    assert [c["verdict"] for c in data["claims"]] == ["supported"]


@pytest.mark.parametrize(
    ("make", "args", "words"),
    [
        (None, [], "no such file"),
        ("note.docx", [], "unsupported file type"),
        ("empty.md", [], "empty"),
        ("note.md", ["--format", "pdf"], "Unknown format"),
        ("note.md", ["--as-of", "2026-13-45"], "YYYY-MM-DD"),
        ("note.md", ["--as-of", "2999-01-01"], "in the future"),
        ("binary.txt", [], "binary"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, make, args, words):
    path = tmp_path / (make or "missing.md")
    if make == "note.docx" or make == "note.md":
        path.write_text(NOTE, encoding="utf-8")
    elif make == "binary.txt":
        path.write_bytes(b"\x00\x01binary")
    elif make == "empty.md":
        path.write_bytes(b"")
    code, out, err = check(capsys, str(path), *args)
    assert code == 2 and out == ""
    assert len(error_lines(err)) == 1 and words in err and "Traceback" not in err


def test_a_file_over_the_ingest_limit_is_refused_on_stdin_too(capsys, monkeypatch):
    from knowledge.loaders import MAX_BYTES

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * (MAX_BYTES + 1))))
    code, _, err = check(capsys, "-")
    assert code == 2 and "limit" in err


@pytest.mark.slow
def test_library_documents_by_id_and_by_title_words(capsys, isolated_home):
    seed_home(isolated_home)
    code, out, err = check(capsys, "the silver article", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["document"]["title"] == "Silver's Defensive Rally"
    assert data["document"]["doc_id"] == "silvers-defensive-rally"
    assert data["document"]["published"] == "2026-01" and data["tested_at"] == "2026-01-30"
    code, out, _ = check(capsys, "silvers-defensive-rally", "--json")
    assert code == 0 and json.loads(out)["document"]["title"] == "Silver's Defensive Rally"
    code, _, err = check(capsys, "the copper chronicle")
    assert code == 2 and "No file or library document matches" in err


def test_ask_prints_the_table_as_plain_text_on_a_terminal(monkeypatch):
    """On a terminal, ``ask`` shows verdicts as "[Supported]" and no Markdown escapes; piped,
    it keeps the Markdown."""
    from assistant.agent import Assistant
    from assistant.cli.ask import _run_turn
    from assistant.config import Settings

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    question = (
        "Check this: Bitcoin follows silver with a lag of about four weeks. Gold leads the S&P "
        "500 by a month."
    )
    bot = Assistant(Settings(data="demo"), knowledge=None)
    for out, tty in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stdout", out)
        _run_turn(bot, question, None, quiet=False, stream=tty)  # as ask decides
        text = out.getvalue()
        assert "Of 2 testable claims, 1 held up and 1 was not supported by the data." in text
        # a two-word label arrives word by word and still reads as one; piped or not, no
        # Streamlit markup reaches the terminal
        assert "1. [Supported] “" in text and "2. [Not supported] “" in text
        assert "-badge[" not in text
        if tty:
            assert "\\" not in text


def test_json_gives_each_claim_the_calls_behind_its_figures(capsys, note):
    code, out, _ = check(capsys, str(note), "--json")
    claims = json.loads(out)["claims"]
    code_md, md, _ = check(capsys, str(note), "--format", "md")
    assert code == code_md == 0
    for c in claims:
        if c["verdict"] == "not testable":
            assert c["calls"] == []
            continue
        assert c["calls"], c["quote"]
        for call in c["calls"]:
            assert set(call) == {"tool", "args"}
            assert call["tool"].replace("_", "\\_") in md  # as the Markdown lists them
        leadlag = next(x for x in c["calls"] if x["tool"] == "leadlag.lead_lag")
        assert leadlag["args"]["follower"] == c["assets"][0]
        assert leadlag["args"]["leader"] in c["assets"][1:]


def test_help_names_the_global_options_and_a_folder_gets_one_clear_line(capsys, tmp_path):
    code, out, _ = check(capsys, "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "--as-of YYYY-MM-DD" in flat and "--data SOURCE" in flat
    (tmp_path / "notes").mkdir()
    code, out, err = check(capsys, str(tmp_path / "notes"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "is a folder; name one document in it" in err and "not a regular file" not in err
