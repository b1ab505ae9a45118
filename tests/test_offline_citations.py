"""The sources listed under an answer: only those its [n] markers cite, each document once,
numbered as the markers (assistant.sources, used by the CLI and the app)."""

from __future__ import annotations

import re

from assistant.cli.main import main
from assistant.sources import cited_numbers, cited_sources, format_sources


def passage(doc: str, n: int, title: str) -> dict:
    return {"chunk_id": f"{doc}:{n}:abc", "doc_id": doc, "title": title, "source": "Desk",
            "published": "2026-01", "text": f"{title} passage {n}"}  # fmt: skip


SOURCES = [
    passage("rally", 0, "Silver rally"),
    passage("ratio", 2, "Gold/silver ratio"),
    passage("rally", 3, "Silver rally"),
    passage("yields", 1, "Real yields"),
]


def test_only_cited_documents_are_listed_once_each_in_marker_order():
    answer = "Quote [3] and another [1], then [3] again; [9] points nowhere."
    cited = cited_sources(answer, SOURCES)
    assert [c.numbers for c in cited] == [(1, 3)]  # two passages of one document: one entry
    assert cited[0].markers == "[1] [3]" and cited[0].label() == "Silver rally, Desk, 2026-01"
    assert [p["chunk_id"] for p in cited[0].passages] == ["rally:0:abc", "rally:3:abc"]
    later = cited_sources("See [4] and [2].", SOURCES)
    assert [c.numbers for c in later] == [(2,), (4,)]
    assert cited_sources("no markers here", SOURCES) == [] and format_sources("none", SOURCES) == ""
    assert format_sources(answer, SOURCES) == "  [1] [3] Silver rally, Desk, 2026-01\n"
    assert cited_numbers("[0] [5] [2]", 4) == [2]


def test_the_cli_lists_only_the_cited_sources(capsys):
    code = main(["ask", "What does the article say about bitcoin?", "--data", "demo"])
    out, _ = capsys.readouterr()
    assert code == 0
    answer, _, listed = out.partition("\nSources:\n")
    used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer)})
    assert used, answer
    rows = [re.match(r"((?:\[\d+\] )+)(.+)", line.strip()) for line in listed.strip().splitlines()]
    assert all(rows), listed
    listed_numbers = sorted(int(n) for row in rows for n in re.findall(r"\d+", row.group(1)))
    assert listed_numbers == used  # every cited marker, once, and nothing uncited
    titles = [row.group(2).split(",")[0] for row in rows]
    assert len(titles) == len(set(titles))  # each document once
