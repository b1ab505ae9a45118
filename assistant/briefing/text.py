"""The briefing's templates: every sentence is written from the facts, every figure formatted by
:mod:`assistant.formatting`, so the offline briefing is fully grounded and reproducible.

The headline picks the three most notable facts by a fixed scoring (:func:`candidates`), with
at most one fact per subject (an asset, a ratio or a lead/lag pair).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.briefing.doc import SECTION_TITLES, Block, Chart, Section, plain
from assistant.briefing.facts import HIGHS_WINDOW, AssetFacts, Facts, PairFacts, RatioFacts
from tools import formatting as f
from tools.results import ordinal

HEADLINE_FACTS = 3
P, PCT = f.price, f.pct


@dataclass(frozen=True)
class Candidate:
    """A fact that could make the headline."""

    subject: str  # asset key, "num/den" or "leader>follower": one headline fact per subject
    kind: str
    score: float
    text: str
    query: str  # what to search the commentary for
    assets: tuple[str, ...]


# --- headline ---------------------------------------------------------------------------------
# Scores put facts of different kinds on one scale (higher = more notable). A record close
# outranks everything (100+); a ratio at an all-time record scores 95, a new 52-week low 80, a
# significant lead/lag 75, a 252-day high 70+. A move scores 25 per "typical move" it spans
# (the asset's daily volatility over the last year, scaled by the square root of the bars in
# the window), so 3% in a day counts for much more in the dollar index than in bitcoin; a
# ratio move scores 1.2 per percent over 3 months; both are capped below the records. A
# lead/lag that is not significant still scores 35: the data refuting a popular claim is news.


def candidates(facts: Facts) -> list[Candidate]:
    """Every headline candidate, best first (ties keep watchlist order)."""
    found: list[Candidate] = []
    for a in facts.assets:
        found.extend(_asset_candidates(a))
    for r in facts.ratios:
        found.extend(_ratio_candidates(r))
    for p in facts.pairs:
        found.extend(_pair_candidates(p))
    return sorted(found, key=lambda c: -c.score)


def headline_facts(facts: Facts, n: int = HEADLINE_FACTS) -> list[Candidate]:
    """The ``n`` best candidates: one per subject, and at most one lead/lag finding (pairs
    sharing a follower tend to say the same thing twice)."""
    chosen: list[Candidate] = []
    for c in candidates(facts):
        repeat = c.kind == "leadlag" and any(x.kind == "leadlag" for x in chosen)
        if not repeat and all(c.subject != x.subject for x in chosen):
            chosen.append(c)
        if len(chosen) == n:
            break
    return chosen


def _asset_candidates(a: AssetFacts) -> list[Candidate]:
    ch, name, out = a.price.change_pct, a.name, []
    m1 = abs(ch.get("1m") or 0.0)
    r = a.records
    if r.breaking_out and r.last_record is not None:
        ep = r.episodes[-1]
        when = (f"closed at a record **{P(r.last_record.close)}** on {r.last_record.date}" if
                r.bars_since_last_record == 0 else
                f"made a new all-time closing high of **{P(r.last_record.close)}** on {r.last_record.date}")
        text = (f"**{name}** {when} ({PCT(ch.get('1m'))} in a month), in a run of records that began on "
                f"{ep.start} by breaking the prior record of {P(ep.prior_record)} set on {ep.prior_record_date}.")
        score = 100 + min(m1, 50) / 2 - 2 * (r.bars_since_last_record or 0)
        out.append(Candidate(a.key, "record", score, text, f"{name} record high breakout", (a.key,)))
    elif a.highs is not None and a.highs.breaking_out and a.highs.last_record is not None:
        h = a.highs
        text = (f"**{name}** made a new {HIGHS_WINDOW}-day closing high of **{P(h.last_record.close)}** on "
                f"{h.last_record.date} ({PCT(ch.get('1m'))} in a month).")
        out.append(Candidate(a.key, "high", 70 + m1 / 2, text, f"{name} breakout new high", (a.key,)))
    if a.levels["at_low_52w"]:
        text = f"**{name}** closed at a 52-week low of **{P(a.price.close)}** on {a.price.as_of}."
        out.append(Candidate(a.key, "low", 80.0, text, f"why is {name} falling", (a.key,)))
    elif a.levels["near_low_52w"]:
        text = (f"**{name}** closed at {P(a.price.close)}, {PCT(a.levels['from_low_52w_pct'])} above its "
                f"52-week low of {P(a.price.low_52w.close)} ({a.price.low_52w.date}).")
        out.append(Candidate(a.key, "low", 45.0, text, f"why is {name} falling", (a.key,)))
    move = _move_candidate(a)
    if move is not None:
        out.append(move)
    dd = a.price.drawdown_from_ath_pct
    if dd <= -20:
        ath = a.price.all_time_high
        text = (f"**{name}** is {PCT(dd)} from its all-time closing high of {P(ath.close)} ({ath.date}), "
                f"at {P(a.price.close)}.")
        out.append(Candidate(a.key, "drawdown", min(60.0, abs(dd)), text, f"why is {name} falling", (a.key,)))
    return out


# Bars in each window: exchange-traded assets trade 5 days a week, 24/7 assets every day.
_MOVE_WINDOWS = (("1d", 1, 1, "in a day"), ("1w", 5, 7, "in a week"), ("1m", 21, 30, "in a month"))
MOVE_POINTS = 25.0  # score per typical move


def _move_candidate(a: AssetFacts) -> Candidate | None:
    ch, vol = a.price.change_pct, a.levels.get("daily_vol_pct")
    if not vol:
        return None
    crypto = a.series.asset.is_crypto
    scored = [(abs(ch.get(w) or 0.0) / (vol * (b24 if crypto else bx) ** 0.5) * MOVE_POINTS, w, words)
              for w, bx, b24, words in _MOVE_WINDOWS]
    score, window, words = max(scored, key=lambda s: s[0])
    change = ch.get(window) or 0.0
    verb = "rose" if change > 0 else "fell" if change < 0 else "was unchanged"
    text = f"**{a.name}** {verb} {PCT(change)} {words} to {P(a.price.close)} ({a.price.as_of})."
    query = f"why is {a.name} {'rising' if change >= 0 else 'falling'}"
    return Candidate(a.key, "move", float(min(85.0, score)), text, query, (a.key,))


def _ratio_candidates(r: RatioFacts) -> list[Candidate]:
    num, den, ratio = r.numerator.name, r.denominator.name, r.comparison.ratio
    subject, keys = f"{r.numerator.key}/{r.denominator.key}", (r.numerator.key, r.denominator.key)
    query = f"{num} outperforming {den} {ratio.name} ratio"
    out = []
    move = ratio.change_pct.get("3m")
    if move is not None:
        out.append(Candidate(subject, "ratio_move", min(90.0, abs(move) * 1.2), ratio_move_sentence(r), query, keys))
    for result, kind, score in ((r.records, "all-time", 95.0), (r.highs, f"{HIGHS_WINDOW}-day", 65.0)):
        if result is not None and result.breaking_out and result.last_record is not None:
            text = (f"The **{ratio.name} ratio** made a new {kind} high of {P(result.last_record.close)} on "
                    f"{result.last_record.date}: {num} is outperforming {den}.")
            out.append(Candidate(subject, "ratio_record", score, text, query, keys))
            break
    return out


def _pair_candidates(p: PairFacts) -> list[Candidate]:
    if p.result is None:
        return []
    r, b = p.result, p.result.best_lag
    subject = f"{r.leader}>{r.follower}"
    query = f"does {r.follower_name} follow {r.leader_name} with a lag"
    text = f"**{r.leader_name} → {r.follower_name}** ({r.freq}): {r.verdict}"
    return [Candidate(subject, "leadlag", 75.0 if b.significant else 35.0, text, query, (r.leader, r.follower))]


RATIO_WINDOWS = (("3m", "3 months"), ("1m", "1 month"), ("1w", "1 week"))  # longest first


def ratio_move_sentence(r: RatioFacts) -> str:
    """e.g. "Silver outperformed Gold over 3 months: +108.22% against +20.64% ..." (over a
    shorter window when the shared history is too short for 3 months)."""
    num, den, ratio = r.numerator.name, r.denominator.name, r.comparison.ratio
    rows = {row.asset: row for row in r.comparison.rows}
    a, b = rows[r.numerator.key].change_pct, rows[r.denominator.key].change_pct
    level = (f"the {ratio.name} ratio is {P(ratio.ratio)}, the {ordinal(ratio.percentile)} percentile of its "
             f"history since {ratio.first_date}")
    window = ratio_window(r)
    if window is None:
        return f"**{num} against {den}**: too little shared history for a change yet; {level}."
    move, words = ratio.change_pct[window], dict(RATIO_WINDOWS)[window]
    verb = "outperformed" if move > 0 else "underperformed" if move < 0 else "kept pace with"
    return (f"**{num} {verb} {den} over {words}**: {PCT(a[window])} against {PCT(b[window])}; {level}, "
            f"after a move of {PCT(move)}.")


def ratio_window(r: RatioFacts) -> str | None:
    """The longest window over which the ratio and both assets have a change."""
    rows = [row.change_pct for row in r.comparison.rows]
    for window, _ in RATIO_WINDOWS:
        if r.comparison.ratio.change_pct.get(window) is not None and all(c.get(window) is not None for c in rows):
            return window
    return None


def headline_section(chosen: list[Candidate], narration: str | None = None) -> Section:
    text = narration if narration is not None else " ".join(c.text for c in chosen)
    if not text:
        text = "Nothing notable: no records, breakouts or large moves in this watchlist."
    return Section("headline", SECTION_TITLES["headline"], (Block("para", text),))


# --- moves ------------------------------------------------------------------------------------


def moves_section(facts: Facts) -> Section:
    dates = {a.price.as_of for a in facts.assets}
    header = ["Asset", "Close", "1d", "1w", "1m", "YTD", "From ATH"]
    if len(dates) > 1:  # a 24/7 asset's last bar can be later than the exchanges'
        header.insert(2, "Last bar")
    rows = []
    for a in facts.assets:
        ch = a.price.change_pct
        row = [f"**{a.name}**", P(a.price.close), PCT(ch["1d"]), PCT(ch["1w"]), PCT(ch["1m"]), PCT(ch["ytd"]),
               PCT(a.price.drawdown_from_ath_pct)]
        if len(dates) > 1:
            row.insert(2, a.price.as_of.isoformat())
        rows.append(tuple(row))
    note = ("Daily closes; changes compare the last close with the close 1 day, 1 week and 1 month before, "
            "and with the last close of the previous year (YTD). From ATH is the distance from the all-time "
            "closing high.")
    blocks = (Block("table", header=tuple(header), rows=tuple(rows), align="l" + "r" * (len(header) - 1)),
              Block("para", note))
    charts = (Chart("relative", tuple(a.key for a in facts.assets), "Relative performance, last year"),)
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
        blocks.append(Block("para", f"No new {HIGHS_WINDOW}-day closing highs (a close above the highest of "
                                    f"the prior {HIGHS_WINDOW} closes) lately for: {', '.join(quiet)}."))
    charts = tuple(Chart("price", (a.key,), f"{a.name}: closes, records and 52-week range") for a in facts.assets)
    return Section("records", SECTION_TITLES["records"], tuple(blocks), charts)


def _record_line(a: AssetFacts) -> str:
    r = a.records
    if r.last_record is None:
        return f"**{a.name}**: no all-time closing high in this history."
    if r.breaking_out:
        ep = r.episodes[-1]
        return (f"**{a.name}**: new all-time closing high {P(r.last_record.close)} on {r.last_record.date}; "
                f"the run began on {ep.start} by breaking the prior record of {P(ep.prior_record)} set on "
                f"{ep.prior_record_date}, and has {f.count(ep.record_closes)} record closes so far.")
    return (f"**{a.name}**: no new all-time high; the record close is {P(r.last_record.close)} on "
            f"{r.last_record.date}, {f.count(r.bars_since_last_record)} bars ago, and the last close is "
            f"{PCT(r.distance_from_record_pct)} from it.")


def _high_line(a: AssetFacts) -> str | None:
    h = a.highs
    if h is None or not h.breaking_out or a.records.breaking_out or h.last_record is None:
        return None
    ep = h.episodes[-1]
    return (f"**{a.name}**: new {HIGHS_WINDOW}-day closing high {P(h.last_record.close)} on {h.last_record.date}; "
            f"the run began on {ep.start} by breaking {P(ep.prior_record)} set on {ep.prior_record_date}.")


def _ratio_record_line(r: RatioFacts) -> str:
    num, den, name = r.numerator.name, r.denominator.name, r.comparison.ratio.name
    for result, kind in ((r.records, "all-time"), (r.highs, f"{HIGHS_WINDOW}-day")):
        if result is not None and result.breaking_out and result.last_record is not None:
            ep = result.episodes[-1]
            return (f"**{name} ratio** ({num} outperforming {den}): new {kind} high {P(result.last_record.close)} "
                    f"on {result.last_record.date}; the run began on {ep.start} by breaking "
                    f"{P(ep.prior_record)} set on {ep.prior_record_date}.")
    best = r.highs if (r.highs is not None and r.highs.last_record is not None) else r.records
    if best.last_record is None:
        return f"**{name} ratio**: no ratio breakout in this history."
    kind = "all-time" if best.window is None else f"{HIGHS_WINDOW}-day"
    return (f"**{name} ratio**: no ratio breakout now; its last {kind} high was {P(best.last_record.close)} on "
            f"{best.last_record.date}, and the ratio is {PCT(best.distance_from_record_pct)} from it.")


# --- relationships ----------------------------------------------------------------------------


def relationships_section(facts: Facts) -> Section:
    blocks: list[Block] = []
    ratios = sorted(facts.ratios, key=lambda r: -abs(r.comparison.ratio.change_pct.get("3m") or 0.0))
    if ratios:
        blocks.append(Block("bullets", items=tuple(ratio_move_sentence(r) + _ratio_more(r) for r in ratios)))
    for p in facts.pairs:
        blocks.append(Block("para", _pair_text(p)))
    if not blocks:
        blocks.append(Block("para", "No ratios or lead/lag pairs apply to this watchlist."))
    charts = [Chart("relative", (r.numerator.key, r.denominator.key),
                    f"{r.numerator.name} against {r.denominator.name}, with their ratio") for r in ratios]
    charts += [Chart("correlogram", (p.leader, p.follower), f"Lead/lag: {p.leader} → {p.follower}")
               for p in facts.pairs if p.result is not None]
    return Section("relationships", SECTION_TITLES["relationships"], tuple(blocks), tuple(charts))


def _ratio_more(r: RatioFacts) -> str:
    ch, used = r.comparison.ratio.change_pct, ratio_window(r)
    parts = [f"{PCT(ch[w])} {words}" for w, words in (("1m", "over 1 month"), ("ytd", "this year"))
             if ch.get(w) is not None and w != used]
    return f" The ratio moved {' and '.join(parts)}." if parts else ""


def _pair_text(p: PairFacts) -> str:
    if p.result is None:
        return f"**{_display(p.leader)} → {_display(p.follower)}**: not computed: {plain(p.error)}"
    r = p.result
    head = (f"**{r.leader_name} → {r.follower_name}** ({r.freq} log returns, {r.start} to {r.end}, "
            f"{f.count(r.n_obs)} weeks, lags up to {r.max_lag} weeks): {r.verdict}")
    return f"{head} {plain_words(p)}"


def _display(name: str) -> str:
    """The registry's name for an asset key or alias, else the text as given (made safe)."""
    from tools import assets

    hit = assets.lookup(name)
    return hit.name if hit is not None else plain(name)


def plain_words(p: PairFacts) -> str:
    """What the lead/lag finding means, without statistics."""
    r, b = p.result, p.result.best_lag
    lead, fol = r.leader_name, r.follower_name
    if not b.significant:
        return (f"In plain words: a correlation this size is what chance alone often produces when every lag "
                f"is tried, so this is no evidence that {fol} follows {lead}.")
    if b.lag > 0:
        return (f"In plain words: {lead}'s weekly moves have tended to show up in {fol} about {b.lag} weeks "
                "later; a statistical tendency in past data, not a rule.")
    if b.lag < 0:
        return f"In plain words: it is {fol} that has tended to move first, not {lead}."
    return f"In plain words: {lead} and {fol} tend to move in the same week, with no lead either way."


# --- what to watch ----------------------------------------------------------------------------


def watch_section(facts: Facts) -> Section:
    levels = tuple(_levels_line(a) for a in facts.assets)
    signals = pending_signals(facts) or [
        "No pending signals: no breakout is in progress and no asset is close to a record or to its 52-week low."]
    blocks = (Block("para", "**Levels from the data**"), Block("bullets", items=levels),
              Block("para", "**Pending signals**"), Block("bullets", items=tuple(signals)))
    return Section("watch", SECTION_TITLES["watch"], blocks)


def _levels_line(a: AssetFacts) -> str:
    lv, p = a.levels, a.price
    if a.records.breaking_out:
        record = (f"at its record: a close above {P(lv['record_to_beat'])} extends it; the run started by "
                  f"breaking {P(lv['prior_record'])} ({lv['prior_record_date']})")
    else:
        record = (f"record to beat {P(lv['record_to_beat'])} ({p.all_time_high.date}), "
                  f"{PCT(lv['to_record_pct'])} above the last close")
    return (f"**{a.name}**: {record}; 52-week range {P(p.low_52w.close)} ({p.low_52w.date}) to "
            f"{P(p.high_52w.close)} ({p.high_52w.date}).")


def pending_signals(facts: Facts) -> list[str]:
    """Breakouts in progress and levels close at hand, in watchlist order."""
    out: list[str] = []
    for a in facts.assets:
        out.extend(_asset_signals(a))
    for r in facts.ratios:
        for result, kind in ((r.records, "all-time"), (r.highs, f"{HIGHS_WINDOW}-day")):
            if result is not None and result.breaking_out and result.last_record is not None:
                out.append(f"The **{r.comparison.ratio.name} ratio** is breaking out to {kind} highs (latest "
                           f"on {result.last_record.date}): {r.numerator.name} is outperforming {r.denominator.name}.")
                break
    out.extend(_lag_signals(facts))
    return out


def _asset_signals(a: AssetFacts) -> list[str]:
    lv, out = a.levels, []
    if a.records.breaking_out:
        out.append(f"**{a.name}** is in an all-time-high breakout (latest record close on "
                   f"{a.records.last_record.date}).")
    elif a.highs is not None and a.highs.breaking_out:
        out.append(f"**{a.name}** is making new {HIGHS_WINDOW}-day highs (latest on {a.highs.last_record.date}).")
    elif lv["near_record"]:
        out.append(f"**{a.name}** needs {PCT(lv['to_record_pct'])} to close above its all-time closing high "
                   f"of {P(lv['record_to_beat'])}.")
    if lv["near_low_52w"]:
        out.append(f"**{a.name}** is {PCT(lv['from_low_52w_pct'])} from its 52-week low of "
                   f"{P(a.price.low_52w.close)} ({a.price.low_52w.date}).")
    return out


def _lag_signals(facts: Facts) -> list[str]:
    out = []
    for p in facts.pairs:
        r = p.result
        leader = facts.asset(p.leader)
        if r is None or not r.best_lag.significant or r.best_lag.lag <= 0 or leader is None:
            continue
        if leader.records.breaking_out or (leader.highs is not None and leader.highs.breaking_out):
            out.append(f"**{r.follower_name}**: {r.leader_name} leads it by {r.best_lag.lag} weeks (significant) "
                       f"and is breaking out, so if the pattern holds it would show in {r.follower_name} "
                       f"within {r.best_lag.lag} weeks.")
    return out


# --- context ----------------------------------------------------------------------------------

EXCERPT_CHARS = 420


def context_section(passages: list[dict], status: str, until: str | None) -> Section:
    """Quoted commentary. ``status`` is "ok", "off" or a reason the library is unavailable."""
    if status == "off":
        return Section("context", SECTION_TITLES["context"],
                       (Block("para", "Commentary was not requested for this briefing."),))
    if status != "ok":
        return Section("context", SECTION_TITLES["context"],
                       (Block("para", f"The commentary library is not available: {plain(status)}"),))
    intro = ("Quoted third-party commentary, retrieved for the facts above: the authors' views, not "
             "computed from the data and not checked by the tools.")
    if until:
        intro += f" Only commentary published on or before {until} is included."
    blocks = [Block("para", intro)]
    if not passages:
        blocks.append(Block("para", "No commentary in the library matched these facts."))
    blocks.extend(Block("quote", text=excerpt(p.get("text", "")), cite=citation(p)) for p in passages)
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
        return cut[:stop + 1]
    return cut[:cut.rfind(" ")].rstrip(",;:") + " …"


def citation(p: dict) -> str:
    """'Title — source, date' (the source left out when it repeats the title)."""
    title, source = plain(p.get("title") or "untitled"), plain(p.get("source") or "")
    if source.startswith(title):  # "Title (market commentary, January 2026)" says both
        title, source = source, ""
    credit = f" — {source}" if source else ""
    when = f", {plain(p['published'])}" if p.get("published") else ", undated"
    return f"{title}{credit}{when}"
