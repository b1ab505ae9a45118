"""Third-party commentary in a briefing: the passages retrieved for its facts and the Context
section that quotes them.

The library is searched with the headline facts' queries first, then the best fact of each other
subject (:mod:`assistant.briefing.headline`), keeping at most one passage per query, preferring a
document not quoted yet, and, for a briefing as of a past date, only what had been published by
then. Quotes are excerpts of the passages verbatim, each with its citation.
"""

from __future__ import annotations

from assistant.briefing.doc import SECTION_TITLES, Block, Section, one_line
from assistant.briefing.facts import Facts
from assistant.briefing.headline import Candidate, candidates
from assistant.config import Settings

MAX_PASSAGES = 4
PER_QUERY = 4  # passages asked for per query, before the as-of and duplicate filters
EXCERPT_CHARS = 420


# --- retrieval --------------------------------------------------------------------------------


def retrieve(
    settings: Settings, knowledge, facts: Facts, chosen: list[Candidate]
) -> tuple[list[dict], str]:
    """Passages for the headline facts (then the other subjects), at most one per query, and
    the status: "ok", or why the library is unavailable."""
    from knowledge.errors import KnowledgeError

    try:
        kb = _open(settings, knowledge)
        queries = _queries(facts, chosen)
        until = facts.requested_as_of.isoformat() if facts.requested_as_of else None
        return _pick(kb, queries, until), "ok"
    except KnowledgeError as exc:
        return [], str(exc)


def _open(settings: Settings, knowledge):
    """The library passed in (a knowledge base or an opener), else the one of ``settings``."""
    from assistant.library import Library, resolve

    return resolve(knowledge) if knowledge is not None else Library.from_settings(settings)()


def _queries(facts: Facts, chosen: list[Candidate]) -> list[tuple[str, tuple[str, ...]]]:
    """Search queries: the headline facts first, then the best fact of each other subject."""
    seen = {c.subject for c in chosen}
    rest = []
    for c in candidates(facts):
        if c.subject not in seen:
            seen.add(c.subject)
            rest.append(c)
    return [(c.query, c.assets) for c in [*chosen, *rest]]


def _pick(kb, queries: list[tuple[str, tuple[str, ...]]], until: str | None) -> list[dict]:
    picked: list[dict] = []
    for query, keys in queries:
        if len(picked) >= MAX_PASSAGES:
            break
        found = [p.to_dict() for p in kb.search(query, k=PER_QUERY, assets=list(keys) or None)]
        fresh = [
            p
            for p in found
            if _published_by(p.get("published"), until)
            and all(p["chunk_id"] != q["chunk_id"] for q in picked)
        ]
        # Prefer a document not quoted yet, so the section is not four excerpts of one note.
        other = [p for p in fresh if all(p.get("doc_id") != q.get("doc_id") for q in picked)]
        if other or fresh:
            picked.append((other or fresh)[0])
    return picked


def _published_by(published: str | None, until: str | None) -> bool:
    """Whether a passage dated ``published`` (YYYY, YYYY-MM or YYYY-MM-DD) existed by ``until``.

    A briefing as of a past date quotes only what had been published by then; undated notes are
    kept, and a month-only date counts as soon as that month has begun.
    """
    if not until or not published:
        return True
    return str(published) <= until[: len(str(published))]


# --- the Context section ---------------------------------------------------------------------


def context_section(passages: list[dict], status: str, until: str | None) -> Section:
    """Quoted commentary. ``status`` is "ok", "off" or a reason the library is unavailable."""
    if status == "off":
        return Section(
            "context",
            SECTION_TITLES["context"],
            (Block("para", "Commentary was not requested for this briefing."),),
        )
    if status != "ok":
        return Section(
            "context",
            SECTION_TITLES["context"],
            (Block("para", f"The commentary library is not available: {one_line(status)}"),),
        )
    intro = (
        "Quoted third-party commentary, retrieved for the facts above: the authors' views, not "
        "computed from the data and not checked by the tools."
    )
    if until:
        intro += f" Only commentary published on or before {until} is included."
    blocks = [Block("para", intro)]
    if not passages:
        blocks.append(Block("para", "No commentary in the library matched these facts."))
    blocks.extend(
        Block("quote", text=excerpt(p.get("text", "")), cite=citation(p)) for p in passages
    )
    return Section("context", SECTION_TITLES["context"], tuple(blocks))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The passage's first sentences, up to about ``limit`` characters, cut at a word boundary."""
    lines = [ln.lstrip("#").strip() for ln in str(text).splitlines()]
    flat = " ".join(" ".join(ln for ln in lines if ln).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    stop = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if stop >= limit // 2:
        return cut[: stop + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + " …"


def citation(p: dict) -> str:
    """'Title — source, date' (the source left out when it repeats the title)."""
    title, source = one_line(p.get("title") or "untitled"), one_line(p.get("source") or "")
    if source.startswith(title):  # "Title (market commentary, January 2026)" says both
        title, source = source, ""
    credit = f" — {source}" if source else ""
    when = f", {one_line(p['published'])}" if p.get("published") else ", undated"
    return f"{title}{credit}{when}"
