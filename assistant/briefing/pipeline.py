"""Market briefings: facts computed with the tools, written up, checked, with their provenance.

    from assistant.briefing.pipeline import generate
    b = generate(Settings.from_env(data="demo"))            # the default watchlist
    b.markdown                                              # reproducible Markdown
    b.to_dict()                                             # JSON-ready facts and metadata

Steps: resolve the watchlist; compute the facts (:mod:`assistant.briefing.facts`); rank the
headline facts; retrieve commentary for them; write the sections from templates
(:mod:`assistant.briefing.text`), with the headline narrated by a language model when one is
configured (:mod:`assistant.briefing.narrate`); check every figure of the Markdown against the
facts and the quoted passages; end with the grounding result. With the offline model the same
data and as-of always give byte-identical Markdown: the wall-clock time of generation appears
only in :meth:`Briefing.to_dict`, the HTML page's footer and file names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import grounding
from assistant.briefing import text as bt
from assistant.briefing import watchlists as wl
from assistant.briefing.doc import SECTION_TITLES, Block, Document, Section, plain, to_markdown
from assistant.briefing.facts import (
    HIGHS_WINDOW,
    LEADLAG_PERMUTATIONS,
    LEADLAG_SEED,
    MIN_GAP,
    Facts,
    Progress,
    compute,
)
from assistant.config import Settings
from tools.errors import InputError
from tools.results import compose, jsonable

MAX_PASSAGES = 4
PER_QUERY = 4  # passages asked for per query, before the as-of and duplicate filters
SUMMARY_CHARS = 1500


@dataclass
class Briefing:
    """A generated briefing. ``markdown`` is the document; the rest is for JSON, HTML and the UI."""

    markdown: str
    document: Document
    facts: Facts
    headline: list[bt.Candidate]
    passages: list[dict]
    commentary: str  # "ok", "off", or why the library was unavailable
    grounding: grounding.GroundingReport
    model: str
    watchlist: str | None  # None for an ad-hoc list of assets
    generated_at: dt.datetime
    flagged: list[str] = field(default_factory=list)  # model figures that stayed ungrounded
    model_error: str | None = None  # why the model could not write the headline

    @property
    def as_of(self) -> dt.date:
        return self.facts.as_of

    @property
    def synthetic(self) -> bool:
        return self.facts.synthetic

    @property
    def assets(self) -> list[str]:
        return [a.key for a in self.facts.assets]

    def to_dict(self) -> dict:
        """Everything as JSON-ready data: metadata, the facts, the passages and the Markdown."""
        return jsonable({
            "kind": "briefing", "as_of": self.as_of.isoformat(), "watchlist": self.watchlist,
            "assets": self.assets, "skipped": [{"asset": n, "reason": r} for n, r in self.facts.skipped],
            "model": self.model, "synthetic": self.synthetic,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "grounding": {**self.grounding.to_dict(), "flagged": list(self.flagged)},
            "model_error": self.model_error,
            "headline": [{"subject": c.subject, "kind": c.kind, "score": round(float(c.score), 3),
                          "text": c.text.replace("**", "")} for c in self.headline],
            "sections": [{"key": s.key, "title": s.title} for s in self.document.sections],
            "commentary": {"status": self.commentary, "passages": self.passages},
            "facts": self.facts.to_dict(), "markdown": self.markdown,
        })

    def summary(self, limit: int = SUMMARY_CHARS) -> str:
        """A compact text for a model: the headline facts, the records, the lead/lag verdicts."""
        head = (f"Market briefing as of {self.as_of} for {', '.join(a.name for a in self.facts.assets)}"
                f"{' (synthetic demo data)' if self.synthetic else ''}.")
        facts = [c.text.replace("**", "") for c in self.headline]
        extra = [p.result.verdict for p in self.facts.pairs if p.result is not None]
        extra += [f"Skipped {n}." for n, _ in self.facts.skipped]
        closing = f"Grounding: {self.grounding.badge()}."
        return compose([head, *facts[:1]], [*facts[1:], *extra], closing, limit=limit)


def generate(settings: Settings | None = None, assets: Sequence[str] | str | None = None, *,
             watchlist: str | None = None, pairs: Sequence[tuple[str, str]] | str | None = None,
             model=None, market=None, knowledge: Any = None, commentary: bool = True,
             progress: Progress | None = None, now: dt.datetime | None = None) -> Briefing:
    """Write a briefing.

    Args:
        settings: data source, as-of date, data directory and model id (default: the environment).
        assets: names, aliases or tickers (a list or "gold,silver"); excludes ``watchlist``.
        watchlist: a saved watchlist name; with neither, the "default" watchlist.
        pairs: lead/lag pairs (leader, follower) or "silver>bitcoin,..."; default: the
            watchlist's pairs, else silver→bitcoin and gold→bitcoin when both are briefed.
        model: a chat model to narrate the headline; default: built from ``settings.model``,
            where "offline" means templates only.
        market: a :class:`tools.data.Market` to reuse (default: ``settings.market()``).
        knowledge: a knowledge base, or a function returning one (default: the local one).
        commentary: False leaves out the Context quotes (and never opens the library).
        progress: called with (step, fraction done) as the work proceeds.
        now: the generation time recorded in the JSON (default: the current UTC time).

    Raises:
        InputError: both assets and a watchlist, an unknown watchlist, an empty list, no asset
            that can be loaded, an as-of date before the data, or a model that is misconfigured.
    """
    from assistant.models import is_offline, make_model

    settings = settings or Settings.from_env()
    step = progress or (lambda _s, _f: None)
    names, name, saved_pairs = _resolve(settings, assets, watchlist)
    chosen_pairs = wl.parse_pairs(pairs) if pairs is not None else (saved_pairs or None)
    offline = model is None and is_offline(settings.model)
    if model is None and not offline:
        model = make_model(settings)  # fails here, before any work, when the key is missing
    model_id = _model_id(settings, model, offline)
    market = market or settings.market()
    facts = compute(market, names, chosen_pairs, progress=step)
    chosen = bt.headline_facts(facts)
    step("Commentary", 0.7)
    passages, status = _commentary(settings, knowledge, facts, chosen) if commentary else ([], "off")
    evidence = [facts.to_dict(), *passages]
    step("Writing", 0.85)
    narration = None
    if not offline:
        from assistant.briefing.narrate import narrate

        narration = narrate(model, facts, chosen, evidence, model_id)
    doc = _document(facts, chosen, passages, status, name, model_id, narration, settings)
    # Checked before the flag and the grounding line are added: they quote the figures they report.
    report = grounding.check(to_markdown(doc), evidence)
    if narration and narration.text and narration.ungrounded:
        doc = doc.with_blocks("headline", _flag(narration.ungrounded))
    doc = doc.with_blocks("provenance", Block("para", grounding_line(report)))
    step("Done", 1.0)
    return Briefing(to_markdown(doc), doc, facts, chosen, passages, status, report, model_id, name,
                    now or dt.datetime.now(dt.UTC), list(narration.ungrounded) if narration else [],
                    narration.error if narration else None)


def _model_id(settings: Settings, model, offline: bool) -> str:
    """The model named in the briefing: the settings' id, or an injected model's own name."""
    from assistant.models import is_offline

    if offline:
        return "offline"
    if not is_offline(settings.model):
        return settings.model
    return str(getattr(model, "model_name", None) or getattr(model, "_llm_type", None) or type(model).__name__)


def _resolve(settings: Settings, assets, watchlist: str | None) -> tuple[tuple[str, ...], str | None, tuple]:
    """(asset names, watchlist name or None, saved pairs) from the arguments."""
    if assets is not None and watchlist:
        raise InputError("Give either assets or a watchlist, not both.")
    if assets is not None:
        names = wl.parse_assets(assets)
        if not names:
            raise InputError("The list of assets is empty; name at least one, e.g. gold,silver.")
        return names, None, ()
    found = wl.get(settings.home, watchlist)
    if not found.assets:
        raise InputError(f"The watchlist '{found.name}' is empty; add assets with "
                         f"'market-assistant watchlist save {found.name} gold,silver'.")
    return found.assets, found.name, found.pairs


# --- commentary -------------------------------------------------------------------------------


def _commentary(settings: Settings, knowledge, facts: Facts, chosen: list[bt.Candidate]) -> tuple[list[dict], str]:
    """Passages for the headline facts (then the other subjects), at most one per query."""
    from knowledge.errors import KnowledgeError

    try:
        kb = _open(settings, knowledge)
        queries = _queries(facts, chosen)
        until = facts.requested_as_of.isoformat() if facts.requested_as_of else None
        return _retrieve(kb, queries, until), "ok"
    except KnowledgeError as exc:
        return [], str(exc)


def _open(settings: Settings, knowledge):
    """The library passed in (a knowledge base or an opener), else the one of ``settings``."""
    from assistant.library import Library, resolve

    return resolve(knowledge) if knowledge is not None else Library.from_settings(settings)()


def _queries(facts: Facts, chosen: list[bt.Candidate]) -> list[tuple[str, tuple[str, ...]]]:
    """Search queries: the headline facts first, then the best fact of each other subject."""
    seen = {c.subject for c in chosen}
    rest = []
    for c in bt.candidates(facts):
        if c.subject not in seen:
            seen.add(c.subject)
            rest.append(c)
    return [(c.query, c.assets) for c in [*chosen, *rest]]


def _retrieve(kb, queries: list[tuple[str, tuple[str, ...]]], until: str | None) -> list[dict]:
    picked: list[dict] = []
    for query, keys in queries:
        if len(picked) >= MAX_PASSAGES:
            break
        found = [p.to_dict() for p in kb.search(query, k=PER_QUERY, assets=list(keys) or None)]
        fresh = [p for p in found if _published_by(p.get("published"), until)
                 and all(p["chunk_id"] != q["chunk_id"] for q in picked)]
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
    return str(published) <= until[:len(str(published))]


# --- the document -----------------------------------------------------------------------------


def _document(facts: Facts, chosen, passages, status, name, model_id, narration, settings) -> Document:
    headline = bt.headline_section(chosen, narration.text if narration and narration.text else None)
    until = facts.requested_as_of.isoformat() if facts.requested_as_of else None
    sections = (headline, bt.moves_section(facts), bt.records_section(facts), bt.relationships_section(facts),
                bt.context_section(passages, status, until), bt.watch_section(facts),
                _provenance(facts, model_id, narration, settings))
    title = f"Market briefing — {facts.as_of.isoformat()}"
    return Document(title, _lead(facts, name), sections)


def _flag(ungrounded: list[str]) -> Block:
    figures = ", ".join(plain(x) for x in dict.fromkeys(ungrounded))
    return Block("warning", f"the model's headline has figures not found in the computed facts: {figures}. "
                            "Treat them as unverified; every other section is written from the tools' results.")


def _lead(facts: Facts, name: str | None) -> tuple[Block, ...]:
    listed = ", ".join(a.name for a in facts.assets)
    which = f"Watchlist **{plain(name)}**" if name else "Assets"
    blocks = [Block("para", f"{which}: {listed} · data to {facts.as_of.isoformat()}.")]
    if facts.synthetic:
        blocks.append(Block("warning", "this briefing uses **synthetic demo data**: generated prices for trying "
                                       "the assistant out, not real market history. Nothing in it describes real markets."))
    for asset, reason in facts.skipped:
        blocks.append(Block("warning", f"skipped '{plain(asset)}': {plain(reason)}"))
    for a in facts.assets:
        if a.series.provenance.stale:
            blocks.append(Block("warning", f"{a.name}: {plain(a.series.provenance.notice or 'stale data')}"))
    return tuple(blocks)


def source_words(p) -> str:
    """Where one series came from, without file paths or ages (so the text is reproducible)."""
    if p.synthetic:
        return "synthetic demo data (not real prices)"
    if p.source == "csv":
        return f"CSV file {Path(p.location or '').name}"
    fetched = f", fetched {p.fetched_at}" if p.fetched_at else ""
    return f"Yahoo Finance{fetched}{', STALE cache' if p.stale else ''}"


def _provenance(facts: Facts, model_id: str, narration, settings: Settings) -> Section:
    sources = [f"{a.name}: {source_words(a.series.provenance)}, last bar {a.series.provenance.as_of} "
               f"({a.series.provenance.freshness})" for a in facts.assets]
    if facts.requested_as_of:
        as_of = f"**As of**: {facts.requested_as_of.isoformat()} (requested); the latest bar used is {facts.as_of}."
    else:
        as_of = f"**As of**: {facts.as_of} (the latest bar; no as-of date was set)."
    blocks = [Block("para", f"**Data source**: {plain(settings.data)}."), Block("bullets", items=tuple(sources)),
              Block("para", as_of)]
    notices = dict.fromkeys(a.series.provenance.notice for a in facts.assets if a.series.provenance.notice)
    if notices:
        blocks.append(Block("bullets", items=tuple(f"Notice: {plain(n)}" for n in notices)))
    if facts.synthetic:
        blocks.append(Block("warning", "**synthetic demo data** were used; these are not real prices."))
    blocks.append(Block("para", _method_line(facts)))
    blocks.append(Block("para", _written_by(model_id, narration)))
    if facts.skipped:
        blocks.append(Block("para", "**Skipped**: " + "; ".join(f"'{plain(n)}' ({plain(r)})" for n, r in facts.skipped)))
    return Section("provenance", SECTION_TITLES["provenance"], tuple(blocks))


def _method_line(facts: Facts) -> str:
    text = (f"**Method**: price lookups; all-time and {HIGHS_WINDOW}-day breakouts (a new episode after "
            f"{MIN_GAP} bars without a record); ratio breakouts")
    done = [p.result for p in facts.pairs if p.result is not None]
    if done:
        text += (f"; weekly lead/lag with lags up to {done[0].max_lag} weeks, the best lag's p-value adjusted "
                 f"for the search by {LEADLAG_PERMUTATIONS:,} block permutations (seed {LEADLAG_SEED})")
    return text + "."


def _written_by(model_id: str, narration) -> str:
    if narration is None:
        return ("**Written by**: the offline analyst, from templates over the computed facts (not a "
                "language model).")
    if narration.text is None:
        return (f"**Written by**: templates over the computed facts; the model {plain(model_id)} could not "
                f"write the headline ({plain(narration.error)}).")
    return (f"**Written by**: the headline is narrated by {plain(model_id)} over the computed facts and "
            "checked for grounding; every other section comes from templates.")


def grounding_line(report: grounding.GroundingReport) -> str:
    """The last line of every briefing."""
    if report.ok:
        return f"**Grounding**: all {report.checked} figures from tools and cited sources."
    return (f"**Grounding**: {len(report.ungrounded)} of {report.checked} figures not found in the tool "
            f"results: {', '.join(plain(x) for x in dict.fromkeys(report.ungrounded))} (flagged above).")

