"""Where a briefing's figures came from and how they were checked: the warnings under the title
(synthetic data, skipped assets, stale series), the Provenance section (sources, as-of date,
method, who wrote it), the warning on a model's ungrounded headline figures, and the grounding
line that ends every briefing.

Source descriptions leave out file paths and cache ages, so the text stays reproducible.
"""

from __future__ import annotations

from pathlib import Path

from assistant import grounding
from assistant.briefing.doc import SECTION_TITLES, Block, Section, one_line
from assistant.briefing.facts import (
    HIGHS_WINDOW,
    LEADLAG_PERMUTATIONS,
    LEADLAG_SEED,
    MIN_GAP,
    Facts,
)
from assistant.config import Settings


def lead(facts: Facts, name: str | None) -> tuple[Block, ...]:
    """The lines under the title: what is briefed, to which date, and any data warnings."""
    listed = ", ".join(a.name for a in facts.assets)
    which = f"Watchlist **{one_line(name)}**" if name else "Assets"
    blocks = [Block("para", f"{which}: {listed} · data to {facts.as_of.isoformat()}.")]
    if facts.synthetic:
        blocks.append(
            Block(
                "warning",
                "this briefing uses **synthetic demo data**: generated prices for trying "
                "the assistant out, not real market history. Nothing in it describes real markets.",
            )
        )
    for asset, reason in facts.skipped:
        blocks.append(Block("warning", f"skipped '{one_line(asset)}': {one_line(reason)}"))
    for a in facts.assets:
        if a.series.provenance.stale:
            blocks.append(
                Block(
                    "warning", f"{a.name}: {one_line(a.series.provenance.notice or 'stale data')}"
                )
            )
    return tuple(blocks)


def source_words(p) -> str:
    """Where one series came from, without file paths or ages (so the text is reproducible)."""
    if p.synthetic:
        return "synthetic demo data (not real prices)"
    if p.source == "csv":
        return f"CSV file {Path(p.location or '').name}"
    fetched = f", fetched {p.fetched_at}" if p.fetched_at else ""
    return f"Yahoo Finance{fetched}{', STALE cache' if p.stale else ''}"


def provenance_section(facts: Facts, model_id: str, narration, settings: Settings) -> Section:
    """Sources, as-of date, notices, method and author (the grounding line is added last)."""
    sources = [
        f"{a.name}: {source_words(a.series.provenance)}, last bar {a.series.provenance.as_of} "
        f"({a.series.provenance.freshness})"
        for a in facts.assets
    ]
    if facts.requested_as_of:
        as_of = (
            f"**As of**: {facts.requested_as_of.isoformat()} (requested); the latest bar used is"
            f" {facts.as_of}."
        )
    else:
        as_of = f"**As of**: {facts.as_of} (the latest bar; no as-of date was set)."
    blocks = [
        Block("para", f"**Data source**: {one_line(settings.data)}."),
        Block("bullets", items=tuple(sources)),
        Block("para", as_of),
    ]
    notices = dict.fromkeys(
        a.series.provenance.notice for a in facts.assets if a.series.provenance.notice
    )
    if notices:
        blocks.append(Block("bullets", items=tuple(f"Notice: {one_line(n)}" for n in notices)))
    if facts.synthetic:
        blocks.append(
            Block("warning", "**synthetic demo data** were used; these are not real prices.")
        )
    blocks.append(Block("para", _method_line(facts)))
    blocks.append(Block("para", _written_by(model_id, narration)))
    if facts.skipped:
        blocks.append(
            Block(
                "para",
                "**Skipped**: "
                + "; ".join(f"'{one_line(n)}' ({one_line(r)})" for n, r in facts.skipped),
            )
        )
    return Section("provenance", SECTION_TITLES["provenance"], tuple(blocks))


def _method_line(facts: Facts) -> str:
    text = (
        f"**Method**: price lookups; all-time and {HIGHS_WINDOW}-day breakouts (a new episode after"
        f" {MIN_GAP} bars without a record); ratio breakouts"
    )
    done = [p.result for p in facts.pairs if p.result is not None]
    if done:
        text += (
            f"; weekly lead/lag with lags up to {done[0].max_lag} weeks, the best lag's p-value"
            f" adjusted for the search by {LEADLAG_PERMUTATIONS:,} block permutations (seed"
            f" {LEADLAG_SEED})"
        )
    return text + "."


def _written_by(model_id: str, narration) -> str:
    if narration is None:
        return (
            "**Written by**: the offline analyst, from templates over the computed facts (not a "
            "language model)."
        )
    if narration.text is None:
        return (
            f"**Written by**: templates over the computed facts; the model {one_line(model_id)}"
            f" could not write the headline ({one_line(narration.error)})."
        )
    return (
        f"**Written by**: the headline is narrated by {one_line(model_id)} over the computed facts"
        " and checked for grounding; every other section comes from templates."
    )


def grounding_line(report: grounding.GroundingReport) -> str:
    """The last line of every briefing."""
    if report.ok:
        return f"**Grounding**: all {report.checked} figures from tools and cited sources."
    return (
        f"**Grounding**: {len(report.ungrounded)} of {report.checked} figures not found in the tool"
        f" results: {', '.join(one_line(x) for x in dict.fromkeys(report.ungrounded))} (flagged"
        " above)."
    )


def ungrounded_warning(ungrounded: list[str]) -> Block:
    """The warning under a model's headline whose figures stayed ungrounded."""
    figures = ", ".join(one_line(x) for x in dict.fromkeys(ungrounded))
    return Block(
        "warning",
        f"the model's headline has figures not found in the computed facts: {figures}. "
        "Treat them as unverified; every other section is written from the tools' results.",
    )
