"""Checking a document's claims: each claim goes to the tester of its kind, against one market
and one date span, and the checks come back as a :class:`~tools.claims.ClaimReport`.

    span = document_span(published, "month")            # tools.claimdates
    report = check_claims(claims, market, span, DocumentMeta("Silver's Defensive Rally"))

A claim the data cannot test (an asset the source does not have, a date before its history)
is listed as not testable with that reason; nothing here raises for a single claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from tools import claimlags, claimlevels, claimpairs, claimprices
from tools.claimdates import DateSpan, tested_note
from tools.claimlab import Lab
from tools.claims import Claim, ClaimCheck, ClaimKind, ClaimReport, DocumentMeta, untestable
from tools.data import Market
from tools.errors import DataUnavailableError, InputError

TESTERS: dict[str, Callable[[Claim, Lab], ClaimCheck]] = {
    ClaimKind.LEVEL: claimlevels.level,
    ClaimKind.MOVE: claimprices.move,
    ClaimKind.MACRO: claimprices.macro,
    ClaimKind.RELATIVE: claimpairs.relative,
    ClaimKind.DIVERGENCE: claimpairs.divergence,
    ClaimKind.FREQUENCY: claimpairs.frequency,
    ClaimKind.LEAD_LAG: claimlags.lead_lag,
}
NEEDS_REFERENCE = (
    ClaimKind.RELATIVE,
    ClaimKind.DIVERGENCE,
    ClaimKind.FREQUENCY,
    ClaimKind.LEAD_LAG,
)


def check_claims(
    claims: Sequence[Claim],
    market: Market,
    span: DateSpan,
    document: DocumentMeta,
    extraction: str = "rules",
    notes: Sequence[str] = (),
) -> ClaimReport:
    """Test every claim and collect the checks, the date tested at and the provenance.

    Args:
        claims: in document order.
        market: the prices; its last bars are the "latest data" that "since" runs to.
        span: when the document's "today" falls (:func:`tools.claimdates.document_span`).
        document: what is checked (title, published date, id).
        extraction: how the claims were found ("rules" or "model:<id>").
        notes: remarks to carry (e.g. model proposals that were dropped).
    """
    lab = Lab(market, span)
    checks = [check_one(c, lab) for c in claims]
    tested_at, latest = _dates(lab, checks)
    return ClaimReport(
        document=document,
        tested_at=tested_at,
        tested_note=tested_note(span, tested_at, latest),
        latest=latest,
        checks=checks,
        extraction=extraction,
        notes=list(notes),
        provenance=list(lab.provenance.values()),
    )


def check_one(claim: Claim, lab: Lab) -> ClaimCheck:
    """The check of one claim; input problems become "not testable" with the reason."""
    if not claim.testable:
        return untestable(claim)
    tester = TESTERS.get(claim.kind)
    if tester is None or not claim.subject:
        return untestable(claim, "it names no asset that price data covers")
    if claim.kind in NEEDS_REFERENCE and not claim.reference:
        return untestable(claim, "it does not say which asset it is compared with")
    try:
        return tester(claim, lab)
    except DataUnavailableError:
        return untestable(claim, _no_data(claim, lab))
    except InputError as exc:
        return untestable(claim, f"the data cannot test it here ({str(exc).rstrip('.')})")


def _no_data(claim: Claim, lab: Lab) -> str:
    """Why a claim could not be tested: which of its assets this data source lacks."""
    missing = []
    for key in claim.assets:
        try:
            lab.full(key)
        except InputError:
            missing.append(key)
    what = "its proxy" if claim.kind == ClaimKind.MACRO else "price data for"
    names = ", ".join(missing) or ", ".join(claim.assets)
    return f"this data source ({lab.market.source.name}) has no {what} {names}".replace(
        "no its proxy", "no data for its proxy,"
    )


def _dates(lab: Lab, checks: list[ClaimCheck]):
    """The document's tested date (the last bar at or before the span's end of its most
    discussed asset) and the latest bar of the data behind the checks."""
    subjects = Counter(c.claim.subject for c in checks if c.tested_at and c.claim.subject)
    tested = [c.tested_at for c in checks if c.tested_at]
    tested_at = lab.span.end
    for key, _ in subjects.most_common():
        try:
            tested_at = lab.last_bar([key])
            break
        except InputError:
            continue
    else:
        tested_at = max(tested) if tested else min(lab.span.end, _latest_any(lab))
    keys = list(lab.provenance)
    latest = max(lab.full(k).last_date for k in keys) if keys else None
    return tested_at, latest


def _latest_any(lab: Lab):
    """The last bar of the market's main assets, for a document with nothing testable."""
    for key in ("silver", "gold", "sp500", "bitcoin"):
        try:
            return lab.full(key).last_date
        except InputError:
            continue
    return lab.span.end
