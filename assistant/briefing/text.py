"""The briefing's section templates for Moves, Records and breakouts and Relationships: every
sentence is written from the facts, every figure formatted by :mod:`tools.formatting`, so the
offline briefing is fully grounded and reproducible.

The other sections have modules of their own: the headline (:mod:`assistant.briefing.headline`,
which reuses :func:`ratio_move_sentence`), the quoted commentary
(:mod:`assistant.briefing.commentary`), what to watch (:mod:`assistant.briefing.watch`) and the
provenance (:mod:`assistant.briefing.provenance`).
"""

from __future__ import annotations

from assistant.briefing.doc import SECTION_TITLES, Block, Chart, Section, one_line
from assistant.briefing.facts import HIGHS_WINDOW, AssetFacts, Facts, PairFacts, RatioFacts
from tools import formatting as f
from tools.results import ordinal

P, PCT = f.price, f.pct

# --- ratio moves (also a headline candidate) --------------------------------------------------

RATIO_WINDOWS = (("3m", "3 months"), ("1m", "1 month"), ("1w", "1 week"))  # longest first


def ratio_move_sentence(r: RatioFacts) -> str:
    """e.g. "Silver outperformed Gold over 3 months: +108.22% against +20.64% ..." (over a
    shorter window when the shared history is too short for 3 months)."""
    num, den, ratio = r.numerator.name, r.denominator.name, r.comparison.ratio
    rows = {row.asset: row for row in r.comparison.rows}
    a, b = rows[r.numerator.key].change_pct, rows[r.denominator.key].change_pct
    level = (
        f"the {ratio.name} ratio is {P(ratio.ratio)}, the {ordinal(ratio.percentile)} percentile of"
        f" its history since {ratio.first_date}"
    )
    window = ratio_window(r)
    if window is None:
        return f"**{num} against {den}**: too little shared history for a change yet; {level}."
    move, words = ratio.change_pct[window], dict(RATIO_WINDOWS)[window]
    verb = "outperformed" if move > 0 else "underperformed" if move < 0 else "kept pace with"
    return (
        f"**{num} {verb} {den} over {words}**: {PCT(a[window])} against {PCT(b[window])}; {level}, "
        f"after a move of {PCT(move)}."
    )


def ratio_window(r: RatioFacts) -> str | None:
    """The longest window over which the ratio and both assets have a change."""
    rows = [row.change_pct for row in r.comparison.rows]
    for window, _ in RATIO_WINDOWS:
        if r.comparison.ratio.change_pct.get(window) is not None and all(
            c.get(window) is not None for c in rows
        ):
            return window
    return None


# --- moves ------------------------------------------------------------------------------------


def moves_section(facts: Facts) -> Section:
    dates = {a.price.as_of for a in facts.assets}
    header = ["Asset", "Close", "1d", "1w", "1m", "YTD", "From ATH"]
    if len(dates) > 1:  # a 24/7 asset's last bar can be later than the exchanges'
        header.insert(2, "Last bar")
    rows = []
    for a in facts.assets:
        ch = a.price.change_pct
        row = [
            f"**{a.name}**",
            P(a.price.close),
            PCT(ch["1d"]),
            PCT(ch["1w"]),
            PCT(ch["1m"]),
            PCT(ch["ytd"]),
            PCT(a.price.drawdown_from_ath_pct),
        ]
        if len(dates) > 1:
            row.insert(2, a.price.as_of.isoformat())
        rows.append(tuple(row))
    note = (
        "Daily closes; changes compare the last close with the close 1 day, 1 week and 1 month"
        " before, and with the last close of the previous year (YTD). From ATH is the distance from"
        " the all-time closing high."
    )
    blocks = (
        Block("table", header=tuple(header), rows=tuple(rows), align="l" + "r" * (len(header) - 1)),
        Block("para", note),
    )
    charts = (
        Chart("relative", tuple(a.key for a in facts.assets), "Relative performance, last year"),
    )
    return Section("moves", SECTION_TITLES["moves"], blocks, charts)


# --- records and breakouts --------------------------------------------------------------------


def records_section(facts: Facts) -> Section:
    items = [_record_line(a) for a in facts.assets]
    quiet = []
    for a in facts.assets:
        line = _high_line(a)
        if line:
            items.append(line)
        elif not a.records.breaking_out:
            quiet.append(a.name)
    items.extend(_ratio_record_line(r) for r in facts.ratios)
    blocks = [Block("bullets", items=tuple(items))]
    if quiet:
        blocks.append(
            Block(
                "para",
                f"No new {HIGHS_WINDOW}-day closing highs (a close above the highest of "
                f"the prior {HIGHS_WINDOW} closes) lately for: {', '.join(quiet)}.",
            )
        )
    charts = tuple(
        Chart("price", (a.key,), f"{a.name}: closes, records and 52-week range")
        for a in facts.assets
    )
    return Section("records", SECTION_TITLES["records"], tuple(blocks), charts)


def _record_line(a: AssetFacts) -> str:
    r = a.records
    if r.last_record is None:
        return f"**{a.name}**: no all-time closing high in this history."
    if r.breaking_out:
        ep = r.episodes[-1]
        return (
            f"**{a.name}**: new all-time closing high {P(r.last_record.close)} on"
            f" {r.last_record.date}; the run began on {ep.start} by breaking the prior record of"
            f" {P(ep.prior_record)} set on {ep.prior_record_date}, and has"
            f" {f.count(ep.record_closes)} record closes so far."
        )
    return (
        f"**{a.name}**: no new all-time high; the record close is {P(r.last_record.close)} on"
        f" {r.last_record.date}, {f.count(r.bars_since_last_record)} bars ago, and the last close"
        f" is {PCT(r.distance_from_record_pct)} from it."
    )


def _high_line(a: AssetFacts) -> str | None:
    h = a.highs
    if h is None or not h.breaking_out or a.records.breaking_out or h.last_record is None:
        return None
    ep = h.episodes[-1]
    return (
        f"**{a.name}**: new {HIGHS_WINDOW}-day closing high {P(h.last_record.close)} on"
        f" {h.last_record.date}; the run began on {ep.start} by breaking {P(ep.prior_record)} set"
        f" on {ep.prior_record_date}."
    )


def _ratio_record_line(r: RatioFacts) -> str:
    num, den, name = r.numerator.name, r.denominator.name, r.comparison.ratio.name
    for result, kind in ((r.records, "all-time"), (r.highs, f"{HIGHS_WINDOW}-day")):
        if result is not None and result.breaking_out and result.last_record is not None:
            ep = result.episodes[-1]
            return (
                f"**{name} ratio** ({num} outperforming {den}): new {kind} high"
                f" {P(result.last_record.close)} on {result.last_record.date}; the run began on"
                f" {ep.start} by breaking {P(ep.prior_record)} set on {ep.prior_record_date}."
            )
    best = r.highs if (r.highs is not None and r.highs.last_record is not None) else r.records
    if best.last_record is None:
        return f"**{name} ratio**: no ratio breakout in this history."
    kind = "all-time" if best.window is None else f"{HIGHS_WINDOW}-day"
    return (
        f"**{name} ratio**: no ratio breakout now; its last {kind} high was"
        f" {P(best.last_record.close)} on {best.last_record.date}, and the ratio is"
        f" {PCT(best.distance_from_record_pct)} from it."
    )


# --- relationships ----------------------------------------------------------------------------


def relationships_section(facts: Facts) -> Section:
    blocks: list[Block] = []
    ratios = sorted(
        facts.ratios, key=lambda r: -abs(r.comparison.ratio.change_pct.get("3m") or 0.0)
    )
    if ratios:
        blocks.append(
            Block("bullets", items=tuple(ratio_move_sentence(r) + _ratio_more(r) for r in ratios))
        )
    for p in facts.pairs:
        blocks.append(Block("para", _pair_text(p)))
    if not blocks:
        blocks.append(Block("para", "No ratios or lead/lag pairs apply to this watchlist."))
    charts = [
        Chart(
            "relative",
            (r.numerator.key, r.denominator.key),
            f"{r.numerator.name} against {r.denominator.name}, with their ratio",
        )
        for r in ratios
    ]
    charts += [
        Chart("correlogram", (p.leader, p.follower), f"Lead/lag: {p.leader} → {p.follower}")
        for p in facts.pairs
        if p.result is not None
    ]
    return Section("relationships", SECTION_TITLES["relationships"], tuple(blocks), tuple(charts))


def _ratio_more(r: RatioFacts) -> str:
    ch, used = r.comparison.ratio.change_pct, ratio_window(r)
    parts = [
        f"{PCT(ch[w])} {words}"
        for w, words in (("1m", "over 1 month"), ("ytd", "this year"))
        if ch.get(w) is not None and w != used
    ]
    return f" The ratio moved {' and '.join(parts)}." if parts else ""


def _pair_text(p: PairFacts) -> str:
    if p.result is None:
        return (
            f"**{_display(p.leader)} → {_display(p.follower)}**: not computed: {one_line(p.error)}"
        )
    r = p.result
    head = (
        f"**{r.leader_name} → {r.follower_name}** ({r.freq} log returns, {r.start} to {r.end}, "
        f"{f.count(r.n_obs)} weeks, lags up to {r.max_lag} weeks): {r.verdict}"
    )
    return f"{head} {plain_words(p)}"


def _display(name: str) -> str:
    """The registry's name for an asset key or alias, else the text as given (made safe)."""
    from tools import assets

    hit = assets.lookup(name)
    return hit.name if hit is not None else one_line(name)


def plain_words(p: PairFacts) -> str:
    """What the lead/lag finding means, without statistics."""
    r, b = p.result, p.result.best_lag
    lead, fol = r.leader_name, r.follower_name
    if not b.significant:
        return (
            "In plain words: a correlation this size is what chance alone often produces when"
            f" every lag is tried, so this is no evidence that {fol} follows {lead}."
        )
    if b.lag > 0:
        return (
            f"In plain words: {lead}'s weekly moves have tended to show up in {fol} about {b.lag}"
            " weeks later; a statistical tendency in past data, not a rule."
        )
    if b.lag < 0:
        return f"In plain words: it is {fol} that has tended to move first, not {lead}."
    return (
        f"In plain words: {lead} and {fol} tend to move in the same week, with no lead either way."
    )
