"""Market briefings: facts computed with the tools, written up, checked, with their provenance.

    from assistant.briefing.pipeline import generate
    b = generate(Settings.from_env(data="demo"))            # the default watchlist
    b.markdown                                              # reproducible Markdown
    b.to_dict()                                             # JSON-ready facts and metadata

Steps: resolve the watchlist; compute the facts (:mod:`assistant.briefing.facts`); rank the
headline facts (:mod:`assistant.briefing.headline`); retrieve commentary for them
(:mod:`assistant.briefing.commentary`); write the sections from templates
(:mod:`assistant.briefing.text`, :mod:`~assistant.briefing.watch`,
:mod:`~assistant.briefing.provenance`), with the headline narrated by a language model when one
is configured (:mod:`assistant.briefing.narrate`); check every figure of the Markdown against the
facts and the quoted passages; end with the grounding result. With the offline model the same
data and as-of always give byte-identical Markdown: the wall-clock time of generation appears
only in :meth:`Briefing.to_dict`, the HTML page's footer and file names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant import grounding
from assistant.briefing import claims as bcl
from assistant.briefing import commentary as bc
from assistant.briefing import provenance as bp
from assistant.briefing import text as bt
from assistant.briefing import watchlists as wl
from assistant.briefing.doc import Block, Document, to_markdown
from assistant.briefing.facts import Facts, Progress, compute
from assistant.briefing.headline import Candidate, headline_facts, headline_section
from assistant.briefing.watch import watch_section
from assistant.config import Settings
from tools.errors import InputError
from tools.results import compose, jsonable

SUMMARY_CHARS = 1500


@dataclass
class Briefing:
    """A generated briefing. ``markdown`` is the document; the rest is for JSON, HTML and the UI."""

    markdown: str
    document: Document
    facts: Facts
    headline: list[Candidate]
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
        return jsonable(
            {
                "kind": "briefing",
                "as_of": self.as_of.isoformat(),
                "watchlist": self.watchlist,
                "assets": self.assets,
                "skipped": [{"asset": n, "reason": r} for n, r in self.facts.skipped],
                "model": self.model,
                "synthetic": self.synthetic,
                "generated_at": self.generated_at.isoformat(timespec="seconds"),
                "grounding": {**self.grounding.to_dict(), "flagged": list(self.flagged)},
                "model_error": self.model_error,
                "headline": [
                    {
                        "subject": c.subject,
                        "kind": c.kind,
                        "score": round(float(c.score), 3),
                        "text": c.text.replace("**", ""),
                    }
                    for c in self.headline
                ],
                "sections": [{"key": s.key, "title": s.title} for s in self.document.sections],
                "commentary": {"status": self.commentary, "passages": self.passages},
                "facts": self.facts.to_dict(),
                "markdown": self.markdown,
            }
        )

    def summary(self, limit: int = SUMMARY_CHARS) -> str:
        """A compact text for a model: the headline facts, the records, the lead/lag verdicts."""
        head = (
            f"Market briefing as of {self.as_of} for {', '.join(a.name for a in self.facts.assets)}"
            f"{' (synthetic demo data)' if self.synthetic else ''}."
        )
        facts = [c.text.replace("**", "") for c in self.headline]
        extra = [p.result.verdict for p in self.facts.pairs if p.result is not None]
        extra += [f"Skipped {n}." for n, _ in self.facts.skipped]
        closing = f"Grounding: {self.grounding.badge()}."
        return compose([head, *facts[:1]], [*facts[1:], *extra], closing, limit=limit)


def generate(
    settings: Settings | None = None,
    assets: Sequence[str] | str | None = None,
    *,
    watchlist: str | None = None,
    pairs: Sequence[tuple[str, str]] | str | None = None,
    model=None,
    market=None,
    knowledge: Any = None,
    commentary: bool = True,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    claims: bool = False,
) -> Briefing:
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
        claims: add "Claims in the commentary, checked" for the commentary published in the
            31 days to the as-of date (:mod:`assistant.briefing.claims`).

    Raises:
        InputError: both assets and a watchlist, an unknown watchlist, an empty list, no asset
            that can be loaded, an as-of date before the data, or a model that is misconfigured.
    """
    settings = settings or Settings.from_env()
    step = progress or (lambda _s, _f: None)
    names, name, saved_pairs = _resolve(settings, assets, watchlist)
    chosen_pairs = wl.parse_pairs(pairs) if pairs is not None else (saved_pairs or None)
    model, model_id = _model(settings, model)
    market = market or settings.market()
    facts = compute(market, names, chosen_pairs, progress=step)
    chosen = headline_facts(facts)
    step("Commentary", 0.7)
    passages, status = (
        bc.retrieve(settings, knowledge, facts, chosen) if commentary else ([], "off")
    )
    checked = bcl.check_recent(settings, knowledge, facts.as_of, market) if claims else None
    step("Writing", 0.85)
    briefing = _write(
        settings, facts, chosen, passages, status, name, model, model_id, now, checked
    )
    step("Done", 1.0)
    return briefing


def _model(settings: Settings, model) -> tuple[Any, str]:
    """(the model to narrate the headline, or None for templates only; the model's id). A model
    of the settings is made here, so a missing key fails before any work. ``openai:auto`` is
    named as the model the server serves, as ``ask`` names it."""
    from assistant.models import is_offline, make_model, resolve

    offline = model is None and is_offline(settings.model)
    if model is None and not offline:
        settings, _ = resolve(settings)
        model = make_model(settings)
    return (None if offline else model), _model_id(settings, model, offline)


def _model_id(settings: Settings, model, offline: bool) -> str:
    """The model named in the briefing: the settings' id, or an injected model's own name."""
    from assistant.models import is_offline

    if offline:
        return "offline"
    if not is_offline(settings.model):
        return settings.model
    return str(
        getattr(model, "model_name", None)
        or getattr(model, "_llm_type", None)
        or type(model).__name__
    )


def _resolve(
    settings: Settings, assets, watchlist: str | None
) -> tuple[tuple[str, ...], str | None, tuple]:
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
        raise InputError(
            f"The watchlist '{found.name}' is empty; add assets with "
            f"'market-assistant watchlist save {found.name} gold,silver'."
        )
    return found.assets, found.name, found.pairs


# --- the document -----------------------------------------------------------------------------


def _write(
    settings: Settings,
    facts: Facts,
    chosen: list[Candidate],
    passages: list[dict],
    status: str,
    name: str | None,
    model,
    model_id: str,
    now: dt.datetime | None,
    checked: tuple[list, str] | None = None,
) -> Briefing:
    """The briefing's document, its headline narrated by ``model`` unless that is None, with
    every figure checked against the facts and the passages (and the claim checks, if any)."""
    evidence = [
        facts.to_dict(),
        *passages,
        *bcl.evidence(checked[0] if checked else [], facts.as_of),
    ]
    narration = None
    if model is not None:
        from assistant.briefing.narrate import narrate

        narration = narrate(model, facts, chosen, evidence, model_id)
    doc = _document(facts, chosen, passages, status, name, model_id, narration, settings)
    if checked is not None:
        section = bcl.claims_section(checked[0], checked[1], facts.as_of)
        doc = replace(doc, sections=_after(doc.sections, "context", section))
    # Checked before the flag and the grounding line are added: they quote the figures they report.
    # The provenance says where figures came from (model id, paths): it states none of its own.
    checked = replace(doc, sections=tuple(s for s in doc.sections if s.key != "provenance"))
    report = grounding.check(to_markdown(checked), evidence)
    if narration and narration.text and narration.ungrounded:
        doc = doc.with_blocks("headline", bp.ungrounded_warning(narration.ungrounded))
    doc = doc.with_blocks("provenance", Block("para", bp.grounding_line(report)))
    return Briefing(
        to_markdown(doc),
        doc,
        facts,
        chosen,
        passages,
        status,
        report,
        model_id,
        name,
        now or dt.datetime.now(dt.UTC),
        list(narration.ungrounded) if narration else [],
        narration.error if narration else None,
    )


def _document(
    facts: Facts, chosen, passages, status, name, model_id, narration, settings
) -> Document:
    headline = headline_section(chosen, narration.text if narration and narration.text else None)
    until = facts.requested_as_of.isoformat() if facts.requested_as_of else None
    sections = (
        headline,
        bt.moves_section(facts),
        bt.records_section(facts),
        bt.relationships_section(facts),
        bc.context_section(passages, status, until),
        watch_section(facts),
        bp.provenance_section(facts, model_id, narration, settings),
    )
    title = f"Market briefing — {facts.as_of.isoformat()}"
    return Document(title, bp.lead(facts, name), sections)


def _after(sections: tuple, key: str, new) -> tuple:
    """``sections`` with ``new`` inserted after the one keyed ``key`` (at the end if absent)."""
    keys = [s.key for s in sections]
    at = keys.index(key) + 1 if key in keys else len(sections)
    return (*sections[:at], new, *sections[at:])
