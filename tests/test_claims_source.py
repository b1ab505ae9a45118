"""What a claim check reads: pasted bytes sniffed for the right loader, library documents by id,
exact title or title words, and a library document whose file is gone, rebuilt from its stored
passages without the overlap between them."""

from __future__ import annotations

import pytest
from test_knowledge_support import make_pdf, tiny_kb

from assistant.claims.check import check_source
from assistant.claims.source import from_bytes, rebuild, resolve, sniff
from knowledge.chunking import chunk_text
from tools.data import Market, make_source
from tools.errors import InputError

LONG = "\n\n".join(
    f"Paragraph {i}. Bitcoin follows silver with a lag of about four weeks. "
    + " ".join(f"Filler sentence number {i}-{j} about nothing in particular." for j in range(12))
    for i in range(6)
)


def test_pasted_bytes_go_to_the_loader_of_their_type():
    assert sniff(b"%PDF-1.4 ...") == ".pdf"
    assert sniff(b"  <!DOCTYPE html><html>") == ".html" and sniff(b"<p>hi</p>") == ".html"
    assert sniff(b"# Title\n\nSilver rose.") == ".md"
    doc = from_bytes(make_pdf(["Silver hit $101 today."], "Desk note"))
    assert doc.title == "Desk note" and "Silver hit $101 today." in doc.text
    assert from_bytes(b"Silver rose.").title == "Pasted text"
    with pytest.raises(InputError, match="cannot be read"):
        from_bytes(b"\x00\x01\x02 binary")


def test_passages_rebuild_the_text_without_their_overlap():
    chunks = chunk_text(LONG)
    assert len(chunks) > 3
    rows = [(c.text, {"position": c.position}) for c in reversed(chunks)]
    text = rebuild(rows)
    assert " ".join(text.split()) == " ".join(LONG.split())


@pytest.fixture
def library(tmp_path):
    kb = tiny_kb(tmp_path / "home")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gold-silver.md").write_text(
        "---\ntitle: Gold/silver desk notes\npublished: 2026-10\n---\n\n" + LONG, encoding="utf-8"
    )
    (folder / "copper.md").write_text(
        "---\ntitle: Copper outlook\n---\n\nCopper rallied for months.\n", encoding="utf-8"
    )
    assert not kb.ingest([folder]).failed
    return kb, folder


def test_library_documents_by_id_title_and_words(library):
    kb, _ = library
    assert resolve("gold-silver", kb).doc_id == "gold-silver"
    assert resolve("Gold/silver desk notes", kb).doc_id == "gold-silver"
    assert resolve("the copper outlook piece", kb, files=False).doc_id == "copper"
    with pytest.raises(InputError, match="No file or library document matches"):
        resolve("platinum memo", kb)
    with pytest.raises(InputError, match="no such file"):
        resolve("missing.md", kb)  # a path is read as a file, never looked up


def test_a_document_whose_file_is_gone_is_rebuilt_from_the_library(library):
    kb, folder = library
    (folder / "gold-silver.md").unlink()
    report = check_source("gold-silver", Market(make_source("demo")), library=kb, files=False)
    assert report.document.published == "2026-10"
    assert [c.claim.kind for c in report.checks] == ["lead_lag"] * 6
    assert {c.verdict for c in report.checks} == {"supported"}
