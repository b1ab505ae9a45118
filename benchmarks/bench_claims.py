"""Claim check benchmarks, each next to a baseline measured in the same run.

Budgets (the claim-check issue): checking the seed article offline, warm (data read and the
embedder loaded once before), <= 2 s including the lead/lag permutation tests; extraction alone
<= 100 ms for a 1,000-word article, the embedder labelling the clauses the rules leave undecided
(nothing cached between runs). With ../shared present the seed article is checked on the real
data; without it, the library's restatement of the article on the demo data.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.harness import Row, measure

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = Path(__file__).resolve().parents[1] / "knowledge" / "corpus"


def _inputs():
    """(the document to check, its market, a label) on the real data when present."""
    from assistant.claims.source import from_file
    from tools.data import CsvSource, Market, make_source

    article = SHARED / "commentary" / "silvers-defensive-rally.txt"
    if article.is_file() and (SHARED / "market-data" / "silver.csv").is_file():
        return from_file(article), Market(CsvSource(SHARED / "market-data")), "real data"
    note = CORPUS / "silvers-defensive-rally.md"
    return from_file(note), Market(make_source("demo")), "demo data, the library's restatement"


def _article_1000_words() -> str:
    """About 1,100 words of commentary: the seed article (or its restatement) and the note."""
    parts = [(CORPUS / "silvers-defensive-rally.md").read_text(encoding="utf-8").split("---")[-1]]
    article = SHARED / "commentary" / "silvers-defensive-rally.txt"
    parts.append(
        article.read_text(encoding="utf-8")
        if article.is_file()
        else (CORPUS / "bitcoin-and-the-metals.md").read_text(encoding="utf-8").split("---")[-1]
    )
    return "\n\n".join(parts)


def run() -> list[Row]:
    from assistant.claims.check import check_document
    from assistant.claims.extract import extract
    from assistant.claims.semantic import shared_classifier
    from assistant.claims.text import sentences
    from tools.leadlag import lead_lag

    doc, market, label = _inputs()
    classifier = shared_classifier()
    report = check_document(doc, market, classifier=classifier)  # warm: data and model loaded
    tested = len(report.testable)
    seconds = measure(lambda: check_document(doc, market, classifier=classifier), repeat=5)
    silver, bitcoin = market.series("silver"), market.series("bitcoin")
    one_lag = measure(lambda: lead_lag(silver, bitcoin, "weekly", events=True), repeat=5)
    text = _article_1000_words()
    words = len(text.split())
    found = extract(text, classifier=classifier)
    extraction = measure(lambda: extract(text, classifier=classifier), repeat=7)
    split = measure(lambda: sentences(text), repeat=7)
    return [
        Row(
            name="check the seed article, offline, warm",
            seconds=seconds,
            baseline="one weekly lead/lag + event study",
            baseline_seconds=one_lag,
            budget_seconds=2.0,
            note=f"{label}: {len(report.checks)} claims, {tested} tested",
        ),
        Row(
            name=f"extract claims, {words}-word article",
            seconds=extraction,
            baseline="sentence splitting only",
            baseline_seconds=split,
            budget_seconds=0.1 * max(words, 1000) / 1000,
            note=f"{len(found.claims)} claims; {found.embedded} clauses labelled by the embedder",
        ),
    ]
