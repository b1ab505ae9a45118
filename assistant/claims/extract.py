"""Offline extraction: a document's text in, its claims out, sentence by sentence, in order.

The rules (:mod:`assistant.claims.rules`) read every clause; the few clauses that name an asset
in wording the rules do not know are labelled by the shipped MiniLM embedder
(:mod:`assistant.claims.semantic`). Deterministic: the same text gives the same claims.

    found = extract(document.text, document.title)
    found.claims        # [Claim(quote=..., kind="level", subject="silver", level=101.0, ...), ...]
    found.present       # (date, "month", "January 2026"): the text's own "now", if it names one
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from assistant.claims import cues, rules
from assistant.claims.detect import Context
from assistant.claims.text import Sentence, dates_in, keys_in, mentions, plain, sentences, window_in
from tools.claims import Claim, ClaimKind

MACRO_KEYS = ("dxy", "us10y")


@dataclass(frozen=True)
class Extraction:
    claims: list[Claim]
    present: tuple[dt.date, str, str] | None  # the latest date the text speaks of as now
    sentences: int
    embedded: int  # clauses labelled by the embedder


def extract(text: str, title: str = "", classifier=None) -> Extraction:
    """The claims of ``text``.

    Args:
        text: the document's text (Markdown or plain).
        title: its title; the asset it names counts towards the document's main asset.
        classifier: a :class:`assistant.claims.semantic.Classifier` for undecided clauses;
            None uses the shared one (loading the embedder on first use); False skips them.
    """
    found = sentences(text)
    ctx = Context(focus=focus_asset(title, found))
    claims: list[Claim] = []
    pending: list[tuple[Sentence, str]] = []
    for s in found:
        ctx = rules.enter(ctx, s)
        reading = rules.read(s, ctx)
        claims.extend(reading.claims)
        pending.extend((s, clause) for clause in reading.undecided)
        ctx = rules.advance(ctx, s, reading.claims)
    if pending and classifier is not False:
        claims.extend(_labelled(pending, classifier))
        claims.sort(key=lambda c: c.sentence)
    return Extraction(claims, present_date(found), len(found), len(pending))


def _labelled(pending: list[tuple[Sentence, str]], classifier) -> list[Claim]:
    from assistant.claims import semantic

    model = classifier or semantic.shared_classifier()
    out: list[Claim] = []
    for (s, clause), (label, _) in zip(pending, model.labels([c for _, c in pending]), strict=True):
        keys = keys_in(mentions(plain(clause)))
        subject = next((k for k in keys if k not in MACRO_KEYS), keys[0] if keys else None)
        quote = s.text.strip() if len(s.clauses) == 1 else clause
        if label in ("up", "down") and subject:
            out.append(
                Claim(
                    quote,
                    ClaimKind.MOVE.value,
                    subject,
                    direction=label,
                    window=window_in(clause),
                    sentence=s.index,
                    origin="embedder",
                )
            )
        elif (reason := semantic.reason_of(label)) is not None:
            out.append(
                Claim(
                    quote,
                    ClaimKind.NOT_TESTABLE.value,
                    subject,
                    reason=reason,
                    sentence=s.index,
                    origin="embedder",
                )
            )
    return out


def focus_asset(title: str, found: list[Sentence]) -> str | None:
    """The document's main asset: the one named most (the title counts twice), macro proxies
    only when nothing else is named."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for weight, text in [(2, title), *((1, s.text) for s in found)]:
        for key in keys_in(mentions(plain(text))):
            counts[key] += weight
            first.setdefault(key, len(first))
    ranked = sorted(counts, key=lambda k: (k in MACRO_KEYS, -counts[k], first[k]))
    return ranked[0] if ranked else None


def present_date(found: list[Sentence]) -> tuple[dt.date, str, str] | None:
    """The latest month or day the text names outside forecasts ("accelerating in January
    2026", "right now in January 2026"): the text's own present, for an undated document."""
    best = None
    for s in found:
        text = plain(s.text)
        if cues.FORECAST.search(text.lower()):
            continue
        for day, precision, phrase, _ in dates_in(text):
            if best is None or day > best[0]:
                best = (day, precision, phrase)
    return best
