"""A claim check from start to end: read the document, find its claims (offline rules, or a
model's proposals), work out the date it speaks from, test every claim, and check that every
figure in the verdicts comes from the analyses.

    from assistant.claims.check import check_document
    report = check_document(document, settings.market())       # a tools.claims.ClaimReport
    report.public_dict()                                        # the JSON of `check --json`

The model never decides a verdict: with ``model`` it only proposes the claims
(:mod:`assistant.claims.llm`), and the testers of :mod:`tools.claimcheck` decide them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from assistant import grounding
from assistant.claims.extract import extract, present_date
from assistant.claims.source import Source, from_text, resolve
from assistant.claims.text import sentences
from knowledge.loaders import Document
from tools.claimcheck import check_claims
from tools.claimdates import document_span
from tools.claims import ClaimReport, DocumentMeta
from tools.data import Market
from tools.errors import InputError

GROUNDING_SCOPE = "reasons, since and dates; quotes are the document's own words"


def check_document(
    doc: Document,
    market: Market,
    *,
    as_of: dt.date | None = None,
    model=None,
    model_id: str | None = None,
    doc_id: str | None = None,
    classifier=None,
    today: dt.date | None = None,
) -> ClaimReport:
    """Check every claim of ``doc`` against ``market``.

    Args:
        as_of: test the claims as of this date instead of the document's own.
        model: a chat model to propose the claims (None: the offline rules and embedder).
        model_id: the model's name, for the report.
        doc_id: the library id of the document, if it is one.
        classifier: passed to :func:`assistant.claims.extract.extract`.
        today: the date "the latest data" is looked for up to (default: today).
    """
    if not doc.text.strip():
        raise InputError("The document has no text to check.")
    if model is None:
        found = extract(doc.text, doc.title, classifier)
        claims, present, notes, how = found.claims, found.present, [], "rules"
    else:
        from assistant.claims.llm import propose

        claims, notes = propose(model, doc.title, doc.text)
        present, how = present_date(sentences(doc.text)), f"model:{model_id or 'chat model'}"
    span = document_span(
        doc.published,
        doc.published_precision,
        as_of,
        present,
        today or dt.date.today(),
        cut=getattr(market, "as_of", None),  # a market cut at a global as-of date
    )
    report = check_claims(claims, market, span, _meta(doc, doc_id), how, notes)
    return ground(report, span)


def check_source(
    ref: str | None,
    market: Market,
    *,
    text: str | None = None,
    library=None,
    stdin=None,
    files: bool = True,
    **options,
) -> ClaimReport:
    """Check a file, stdin ("-"), a library document (id or title) or pasted ``text``.

    ``files=False`` (the chat tool) looks ``ref`` up in the library only: never a path.
    """
    if text is not None and str(text).strip():
        source = Source(from_text(text))
    elif ref:
        source = resolve(ref, library, stdin, files=files)
    else:
        raise InputError("Give the text to check, or name a library document.")
    return check_document(source.document, market, doc_id=source.doc_id, **options)


def _meta(doc: Document, doc_id: str | None) -> DocumentMeta:
    published = None
    if doc.published is not None:
        published = {
            "year": f"{doc.published.year:04d}",
            "month": doc.published.strftime("%Y-%m"),
        }.get(doc.published_precision, doc.published.isoformat())
    return DocumentMeta(
        title=doc.title,
        source=doc.source,
        published=published,
        doc_id=doc_id,
        path=doc.path or None,
        words=len(doc.text.split()),
    )


def statements(report: ClaimReport) -> str:
    """The text the verdicts state (not the quotes): what the grounding check reads."""
    lines = [f"Tested at {report.tested_at}: {report.tested_note}"]
    for c in report.checks:
        lines += [c.reason, c.brief or "", c.since or "", c.since_brief or ""]
    return "\n".join(line for line in lines if line)


def evidence(report: ClaimReport, span=None) -> list[Any]:
    """The structured results the verdicts rest on: every figure, call argument and lead/lag
    result, and the dates the check used; never the verdict sentences themselves."""
    items: list[Any] = [report.tested_at, report.latest]
    if span is not None:
        items += [span.start, span.end]
    for c in report.checks:
        items.extend([c.figures, c.since_figures, c.tested_at])
        items.extend(call.args for call in c.calls)
        items.extend(r.to_dict() for r in c.leadlag)
        claim = c.claim
        items.append([claim.level, claim.lag_min, claim.lag_max])
    return items


def ground(report: ClaimReport, span) -> ClaimReport:
    """The report with its grounding result: the figures of the verdicts that no analysis
    produced (there should be none)."""
    result = grounding.check(statements(report), evidence(report, span))
    return replace(report, grounding={**result.to_dict(), "scope": GROUNDING_SCOPE})
