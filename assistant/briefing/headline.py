"""The briefing's headline: every fact that could make it (:func:`candidates`), ranked by a fixed
scoring, and the three most notable (:func:`headline_facts`), with at most one fact per subject
(an asset, a ratio or a lead/lag pair) and at most one lead/lag finding; then the Headline
section, from their sentences or from a model's narration of them.

Like every template, each sentence is written from the facts and each figure formatted by
:mod:`tools.formatting`; the candidates' queries are what the commentary is searched for.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.briefing.doc import SECTION_TITLES, Block, Section
from assistant.briefing.facts import HIGHS_WINDOW, AssetFacts, Facts, PairFacts, RatioFacts
from assistant.briefing.text import ratio_move_sentence
from tools import formatting as f

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
        when = (
            f"closed at a record **{P(r.last_record.close)}** on {r.last_record.date}"
            if r.bars_since_last_record == 0
            else (
                f"made a new all-time closing high of **{P(r.last_record.close)}** on"
                f" {r.last_record.date}"
            )
        )
        text = (
            f"**{name}** {when} ({PCT(ch.get('1m'))} in a month), in a run of records that began on"
            f" {ep.start} by breaking the prior record of {P(ep.prior_record)} set on"
            f" {ep.prior_record_date}."
        )
        score = 100 + min(m1, 50) / 2 - 2 * (r.bars_since_last_record or 0)
        out.append(
            Candidate(a.key, "record", score, text, f"{name} record high breakout", (a.key,))
        )
    elif a.highs is not None and a.highs.breaking_out and a.highs.last_record is not None:
        h = a.highs
        text = (
            f"**{name}** made a new {HIGHS_WINDOW}-day closing high of **{P(h.last_record.close)}**"
            f" on {h.last_record.date} ({PCT(ch.get('1m'))} in a month)."
        )
        out.append(
            Candidate(a.key, "high", 70 + m1 / 2, text, f"{name} breakout new high", (a.key,))
        )
    if a.levels["at_low_52w"]:
        text = f"**{name}** closed at a 52-week low of **{P(a.price.close)}** on {a.price.as_of}."
        out.append(Candidate(a.key, "low", 80.0, text, f"why is {name} falling", (a.key,)))
    elif a.levels["near_low_52w"]:
        text = (
            f"**{name}** closed at {P(a.price.close)}, {PCT(a.levels['from_low_52w_pct'])} above"
            f" its 52-week low of {P(a.price.low_52w.close)} ({a.price.low_52w.date})."
        )
        out.append(Candidate(a.key, "low", 45.0, text, f"why is {name} falling", (a.key,)))
    move = _move_candidate(a)
    if move is not None:
        out.append(move)
    dd = a.price.drawdown_from_ath_pct
    if dd <= -20:
        ath = a.price.all_time_high
        text = (
            f"**{name}** is {PCT(dd)} from its all-time closing high of {P(ath.close)}"
            f" ({ath.date}), at {P(a.price.close)}."
        )
        out.append(
            Candidate(
                a.key, "drawdown", min(60.0, abs(dd)), text, f"why is {name} falling", (a.key,)
            )
        )
    return out


# Bars in each window: exchange-traded assets trade 5 days a week, 24/7 assets every day.
_MOVE_WINDOWS = (("1d", 1, 1, "in a day"), ("1w", 5, 7, "in a week"), ("1m", 21, 30, "in a month"))
MOVE_POINTS = 25.0  # score per typical move


def _move_candidate(a: AssetFacts) -> Candidate | None:
    ch, vol = a.price.change_pct, a.levels.get("daily_vol_pct")
    if not vol:
        return None
    crypto = a.series.asset.is_crypto
    scored = [
        (abs(ch.get(w) or 0.0) / (vol * (b24 if crypto else bx) ** 0.5) * MOVE_POINTS, w, words)
        for w, bx, b24, words in _MOVE_WINDOWS
    ]
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
        out.append(
            Candidate(
                subject,
                "ratio_move",
                min(90.0, abs(move) * 1.2),
                ratio_move_sentence(r),
                query,
                keys,
            )
        )
    for result, kind, score in (
        (r.records, "all-time", 95.0),
        (r.highs, f"{HIGHS_WINDOW}-day", 65.0),
    ):
        if result is not None and result.breaking_out and result.last_record is not None:
            text = (
                f"The **{ratio.name} ratio** made a new {kind} high of"
                f" {P(result.last_record.close)} on {result.last_record.date}: {num} is"
                f" outperforming {den}."
            )
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
    return [
        Candidate(
            subject, "leadlag", 75.0 if b.significant else 35.0, text, query, (r.leader, r.follower)
        )
    ]


def headline_section(chosen: list[Candidate], narration: str | None = None) -> Section:
    """The chosen facts' sentences, or the model's narration of them when it has one."""
    text = narration if narration is not None else " ".join(c.text for c in chosen)
    if not text:
        text = "Nothing notable: no records, breakouts or large moves in this watchlist."
    return Section("headline", SECTION_TITLES["headline"], (Block("para", text),))
