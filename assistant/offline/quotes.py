"""Quoting commentary with numbered citations.

Passages are numbered as the turn's sources are (``Reply.sources``): every passage of every
successful commentary search of the turn, in order, each chunk once. An answer quotes only the
passages that fit the question (a relevance threshold on the retrieval score, and close to the
best one), never commentary published after the as-of date, and labels background notes as
background.
"""

from __future__ import annotations

import datetime as dt

from assistant import registry
from knowledge.retrieval import Passage

MIN_SCORE = 0.40  # cosine similarity below which a passage does not answer the question
BEST_GAP = 0.15  # and a passage this far below the best one adds nothing
QUOTE_CHARS = 420
AFTERWARDS = 31  # days after a period in which commentary may still be about it


def numbered(results: list) -> list[tuple[int, Passage]]:
    """(n, passage) for the turn's commentary results, numbered as ``Reply.sources`` is."""
    out: list[tuple[int, Passage]] = []
    seen: set[str] = set()
    for r in results:
        if not isinstance(r, registry.Commentary):
            continue
        for p in r.passages:
            key = p.chunk_id or p.text[:80]
            if key not in seen:
                seen.add(key)
                out.append((len(out) + 1, p))
    return out


def published_after(p: Passage, as_of: dt.date | None) -> bool:
    """Dated commentary published after the as-of date (background notes are timeless)."""
    if as_of is None or p.kind == "background" or not p.published:
        return False
    return p.published[: len("YYYY-MM-DD")] > as_of.isoformat()[: len(p.published)]


def chosen(
    results: list, as_of: dt.date | None, limit: int = 3, prefer: str | None = None
) -> tuple[list, int]:
    """The passages worth quoting, best first, and how many were left out as too late.

    Args:
        prefer: a passage kind to put first ("commentary" when the question asks about "the
            article"), as long as its passages are relevant at all.
    """
    fits = []
    late = 0
    for n, p in numbered(results):
        if published_after(p, as_of):
            late += 1
            continue
        if p.score >= MIN_SCORE:
            fits.append((n, p))
    if fits:
        top = max(p.score for _, p in fits)
        fits = [(n, p) for n, p in fits if p.score >= top - BEST_GAP or p.kind == prefer]
    fits.sort(key=lambda np_: (prefer is not None and np_[1].kind != prefer, -np_[1].score))
    return fits[:limit], late


def written_during(p: Passage, start: dt.date, end: dt.date) -> bool:
    """Dated commentary written on or after ``start`` and at most a month after ``end``: what
    can be about that day or period. A date given only to the month or year counts from its
    first day, so a piece from "2026-01" is not taken to be about 30 January 2026."""
    first = _first_day(p)
    return first is not None and start <= first <= end + dt.timedelta(days=AFTERWARDS)


def _first_day(p: Passage) -> dt.date | None:
    """The earliest day dated commentary can have been published (None for background)."""
    if p.kind == "background" or not p.published:
        return None
    parts = [int(x) for x in str(p.published)[: len("YYYY-MM-DD")].split("-") if x.isdigit()]
    try:
        return dt.date(parts[0], *(parts[1:3] + [1, 1])[:2])
    except (IndexError, ValueError):
        return None


def dated_section(
    results: list, as_of: dt.date | None, heading: str, window: tuple, subject: str
) -> str:
    """For "why did X fall on DATE": only commentary written on or soon after that day (or
    period) explains it; say so plainly when none was, and label background notes as general."""
    if not any(isinstance(r, registry.Commentary) for r in results):
        return ""
    start, end, label = window
    when = (
        f"on {start}"
        if start == end
        else (label if label.startswith(("since", "the ")) else f"in {label}")
    )
    picked, _ = chosen(results, as_of)
    about = [(n, p) for n, p in picked if written_during(p, start, end)]
    earlier = not about and any(_first_day(p) and _first_day(p) < start for _, p in picked)
    background = [(n, p) for n, p in picked if p.kind == "background"][:2]
    out = []
    if about:
        out.append(heading)
        out.extend(_quote(n, p) for n, p in about)
    else:
        why = " (the commentary it holds on this was written before then)" if earlier else ""
        out.append(f"Nothing in the library explains {subject}'s move {when}{why}.")
    if background:
        span = "that day" if start == end else "that period"
        out.append(f"**Background notes** (general explanations, not about {span}):")
        out.extend(_quote(n, p) for n, p in background)
    return "\n\n".join(out)


def _quote(n: int, p: Passage) -> str:
    label = "background note" if p.kind == "background" else "commentary"
    return f"> {_trim(p.text)} [{n}]\n>\n> — {citation(p)} ({label})"


def section(results: list, as_of: dt.date | None, heading: str, prefer: str | None = None) -> str:
    """The quoted passages with their [n] markers, or a plain "nothing fits" sentence."""
    if not any(isinstance(r, registry.Commentary) for r in results):
        return ""
    picked, late = chosen(results, as_of, prefer=prefer)
    if not picked:
        why = (
            " (what it holds was published after the as-of date)"
            if late
            else " (no passage is close enough to the question)"
        )
        return f"The commentary library has nothing that answers this{why}."
    out = [heading]
    out.extend(_quote(n, p) for n, p in picked)
    if late:
        out.append("Commentary published after the as-of date is left out.")
    return "\n\n".join(out)


def citation(p: Passage) -> str:
    """*Title*, source, date: the source is left out when it only repeats the title."""
    title, source = p.title or "untitled", p.source or ""
    parts = [f"*{title}*"] + ([source] if source and not source.startswith(title) else [])
    if source.startswith(title) and source != title:
        parts = [f"*{title}*{source[len(title) :]}"]
    return ", ".join(parts + [str(p.published or "undated")])


def _trim(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("; "))
    return cut[: stop + 1] if stop > limit // 2 else cut.rstrip() + "…"
