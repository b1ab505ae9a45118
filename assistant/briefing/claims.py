"""The optional briefing section "Claims in the commentary, checked": the commentary documents of
the library published in the briefing's window (the 31 days to its as-of date), each with its
claims tested at its own date by :mod:`assistant.claims`, and "since" running to the as-of date.

Off by default (``generate(..., claims=True)``, ``brief --claims``), so the default briefing is
unchanged and stays byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt

from assistant.briefing.doc import Block, Section, one_line
from assistant.config import Settings

TITLE = "Claims in the commentary, checked"  # not in SECTION_TITLES: the section is optional
WINDOW_DAYS = 31
MAX_DOCUMENTS = 3
QUOTE_CHARS = 120


def in_window(published: str | None, start: dt.date, end: dt.date) -> bool:
    """Whether a document dated ``published`` (YYYY-MM-DD or YYYY-MM) falls in [start, end];
    a month counts when any of its days does. Undated and year-only documents do not."""
    if not published or len(published) < 7:
        return False
    if len(published) == 7:
        first = dt.date.fromisoformat(f"{published}-01")
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first <= end and nxt - dt.timedelta(days=1) >= start
    day = dt.date.fromisoformat(published[:10])
    return start <= day <= end


def check_recent(settings: Settings, knowledge, as_of: dt.date, market) -> tuple[list, str]:
    """(claim reports, status) for the commentary published in the window ending ``as_of``;
    status is "ok" or why the library could not be read."""
    from assistant.briefing.commentary import _open
    from assistant.claims.check import check_source
    from knowledge.errors import KnowledgeError
    from tools.errors import InputError

    start, _ = window(as_of)
    try:
        kb = _open(settings, knowledge)
        kinds = {str(m.get("doc_id")): m.get("kind") for m in kb.store.get().values()}
        docs = [
            d
            for d in kb.documents()
            if kinds.get(d.doc_id) != "background" and in_window(d.published, start, as_of)
        ]
    except KnowledgeError as exc:
        return [], str(exc)
    docs.sort(key=lambda d: (d.published or "", d.doc_id), reverse=True)
    reports = []
    for d in docs[:MAX_DOCUMENTS]:
        try:
            reports.append(check_source(d.doc_id, market, library=kb, files=False))
        except (InputError, KnowledgeError):
            continue  # an unreadable document is left out, not the briefing
    return reports, "ok"


def window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the briefing's commentary window."""
    return as_of - dt.timedelta(days=WINDOW_DAYS - 1), as_of


def evidence(reports: list, as_of: dt.date | None = None) -> list:
    """What the section's figures rest on, for the briefing's grounding check: the claim checks
    and the window the documents were chosen from."""
    from assistant.claims.check import evidence as claim_evidence

    items: list = [{"window": window(as_of)}] if as_of is not None else []
    for r in reports:
        items += claim_evidence(r)
        items += [r.counts(), len(r.checks), r.document.title, r.document.published]
        items += [c.claim.quote for c in r.checks]  # quoted, like the Context passages
    return items


def claims_section(reports: list, status: str, as_of: dt.date) -> Section:
    """The section: per document its tally and a table of the tested claims (short reasons; a
    claim tested like an earlier one points at it)."""
    from assistant.claims.render import rows as table_rows

    title = TITLE
    if status != "ok":
        text = f"The commentary library is not available: {one_line(status)}"
        return Section("claims", title, (Block("para", text),))
    start, _ = window(as_of)
    blocks = [
        Block(
            "para",
            f"Claims made in commentary published from {start} to {as_of}, each tested with the"
            f" tools at its document's own date; since publication runs to {as_of}.",
        )
    ]
    if not reports:
        blocks.append(Block("para", "No commentary in the library was published in this window."))
    for r in reports:
        when = f", {r.document.published}" if r.document.published else ""
        blocks.append(Block("para", f"**{one_line(r.document.title)}**{when}: {r.tally()}."))
        rows = tuple(
            (
                str(row.number),
                one_line(_short(row.check.claim.quote)),
                row.check.verdict,
                one_line(row.why),
                one_line(row.since),
            )
            for row in table_rows(r)
        )
        if rows:
            blocks.append(
                Block(
                    "table",
                    header=("#", "Claim", "Verdict", "Why", "Since"),
                    rows=rows,
                    align="rllll",
                )
            )
    return Section("claims", title, tuple(blocks))


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
