"""The offline reader: a document's sentences, clause by clause, into claims.

Each clause is tried in order: a forecast or condition ("could", "if") is not testable; then the
testable kinds (:mod:`assistant.claims.detect`); then the wording of what prices cannot test
(opinions, policy, supply and demand, flows and sentiment, causes, market phases); then a move.
A clause that names an asset but matches nothing is "undecided" and goes to the embedder
(:mod:`assistant.claims.semantic`). Subjects carry over: "it", "the rally" and a clause without an
asset refer to the asset talked about last; "that gap" to the pair compared last.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.claims import cues, detect
from assistant.claims.detect import Clause, Context
from assistant.claims.text import Sentence, keys_in, mentions, plain
from tools.claims import Claim, ClaimKind

# Why price data cannot test a statement, by the wording that gives it away (in this order).
NOT_TESTABLE = (
    (cues.OPINION, "an opinion or impression, not a statement about prices"),
    (cues.POLICY, "it is about policy or official action (or expectations of it)"),
    (cues.SUPPLY, "it is about supply and demand fundamentals, which no price series measures"),
    (cues.CAUSAL_SUBJECT, "it explains a cause; price data can show a move, not why it happened"),
    (cues.FLOWS, "it is about investor flows, positioning or sentiment, not prices"),
    (cues.REGIME, "it depends on a market phase or narrative that prices do not label"),
    (cues.CHARACTER, "it characterises an asset rather than stating a price fact"),
)
FORECAST_REASON = "a forecast or condition about the future"


@dataclass(frozen=True)
class Reading:
    claims: list[Claim]
    undecided: list[str]  # clauses naming an asset that no wording matched


def read(sentence: Sentence, ctx: Context) -> Reading:
    """The claims of one sentence (updating nothing: see :func:`advance`)."""
    text = plain(sentence.text)
    if cues.QUESTION.search(text) or cues.DISCOURSE.search(text.lower()):
        return Reading([], [])
    named = keys_in(mentions(text))
    why = remark(text.lower(), bool(named))
    if why is not None:
        quote = sentence.text.strip()
        return Reading([Claim(quote, ClaimKind.NOT_TESTABLE.value, reason=why,
                              sentence=sentence.index)], [])  # fmt: skip
    claims: list[Claim] = []
    undecided: list[str] = []
    inherited: str | None = None
    pair = ctx.pair
    for start, end in sentence.clauses:
        clause = Clause(
            text[start:end].strip(),
            sentence.text[start:end].strip(),
            sentence.index,
            ctx,
            inherited,
            named,
        )
        if not clause.text:
            continue
        found = read_clause(clause, pair)
        if found is None:
            undecided.append(clause.quote)
            continue
        claims.extend(found)
        for c in found:
            if c.testable:
                inherited = c.subject
                pair = winner_loser(c) or pair
        inherited = inherited or (clause.keys[-1] if clause.keys else None)
    if any(not c.testable for c in claims):
        undecided = []  # the sentence is already listed as not testable
    return Reading(merge(claims, sentence), undecided)


def read_clause(c: Clause, pair: tuple[str, str] | None) -> list[Claim] | None:
    """The claims of one clause; None when it names an asset but no wording matched."""
    vocab = bool(c.keys) or bool(cues.MARKET_WORDS.search(c.low))
    if cues.FORECAST.search(c.low):
        return [untested(c, FORECAST_REASON)] if vocab else []
    for found in (
        detect.lead_lag(c),
        detect.frequency(c, pair),
        detect.level(c),
        detect.relative(c),
        detect.divergence(c),
        detect.macro(c),
    ):
        if found:
            return found
    for pattern, reason in NOT_TESTABLE:
        if pattern.search(c.low):
            # Supply, policy and flows are market statements in themselves; the rest only count
            # when they speak of a market.
            listed = vocab or pattern in (cues.POLICY, cues.SUPPLY, cues.FLOWS)
            return [untested(c, reason)] if listed else []
    found = detect.move(c)
    if found and cues.HABIT.search(c.low) and found[0].direction != "accelerate":
        return [c.claim(ClaimKind.NOT_TESTABLE, found[0].subject, reason=cues.HABIT_REASON)]
    if found:
        return found
    return None if c.keys else []


def untested(c: Clause, reason: str) -> Claim:
    """A statement price data cannot test, tagged with every asset the clause names."""
    subject = c.keys[0] if c.keys else None
    return c.claim(ClaimKind.NOT_TESTABLE, subject, reference=c.keys[1:], reason=reason)


def remark(low: str, names_asset: bool) -> str | None:
    """Why a sentence is a remark about the claims, the document or the reader rather than a
    claim about markets ("the lag claim is the weakest", "see the notes on breakouts"), or
    None."""
    if cues.REMARK_DOCUMENT.search(low):
        return cues.REMARK_DOCUMENT_REASON
    if cues.REMARK_CLAIM.search(low) or cues.REMARK_CAUTION.search(low):
        return cues.REMARK_CLAIM_REASON
    if cues.REMARK_POINTER.search(low) or (not names_asset and cues.REMARK_ADVICE.search(low)):
        return cues.REMARK_ADVICE_REASON
    return None


def winner_loser(claim: Claim) -> tuple[str, str] | None:
    """The pair a later "that gap" or "which is rare" refers to: (who did better, who worse)."""
    if not claim.reference or not claim.subject:
        return None
    if claim.kind == ClaimKind.RELATIVE:
        if claim.direction == "underperform":
            return claim.reference[0], claim.subject
        return claim.subject, claim.reference[0]
    if claim.kind == ClaimKind.DIVERGENCE:
        return claim.reference[0], claim.subject
    return None


def merge(claims: list[Claim], sentence: Sentence) -> list[Claim]:
    """One claim per level-and-record on the same asset, one not-testable entry per sentence, and
    the whole sentence as the quote when the sentence holds one claim."""
    out: list[Claim] = []
    for c in claims:
        twin = next((o for o in out if _mergeable(o, c)), None)
        if twin is None:
            out.append(c)
            continue
        # One not-testable entry per sentence: the first reason, unless a later clause shows
        # the sentence explains how a driver works in general.
        general = twin.kind == ClaimKind.NOT_TESTABLE and c.reason == cues.MECHANISM_REASON
        joined = replace(
            twin,
            quote=_span(sentence.text, twin.quote, c.quote),
            level=twin.level if twin.level is not None else c.level,
            record=twin.record or c.record,
            reference=_more(twin, c),
            reason=c.reason if general else twin.reason,
        )
        out[out.index(twin)] = joined
    if len(out) == 1:
        out = [replace(out[0], quote=sentence.text.strip())]
    return out


def _more(first: Claim, second: Claim) -> list[str]:
    """The reference of a merged claim: a not-testable entry keeps every asset either names."""
    if first.kind != ClaimKind.NOT_TESTABLE:
        return first.reference
    names = [k for k in [*first.assets, *second.assets] if k != first.subject]
    return list(dict.fromkeys(names))


def _mergeable(a: Claim, b: Claim) -> bool:
    if a.kind == b.kind == ClaimKind.LEVEL:
        return a.subject == b.subject
    return a.kind == b.kind == ClaimKind.NOT_TESTABLE  # one entry per sentence, the first reason


def _span(text: str, first: str, second: str) -> str:
    """The stretch of ``text`` from the start of one quote to the end of the other."""
    a, b = text.find(first), text.find(second)
    if a < 0 or b < 0:
        return text.strip()
    start, end = min(a, b), max(a + len(first), b + len(second))
    return text[start:end].strip()


def advance(ctx: Context, sentence: Sentence, claims: list[Claim]) -> Context:
    """The context the next sentence reads with: this sentence's assets, its subject (the first
    asset it names, else the subject of its claims) and its compared pair; the assets said to move
    "first" carry on to the end of the paragraph."""
    text = plain(sentence.text)
    named = keys_in(mentions(text))
    main = [k for k in named if k not in detect.MACRO_KEYS]
    subject, pair = None, None
    for c in claims:
        if c.testable and c.subject:
            subject = c.subject
        pair = winner_loser(c) or pair
    if main:
        subject = main[0]  # the first asset named: usually the sentence's grammatical subject
    first = main if main and cues.FIRST.search(text.lower()) else ctx.first
    return Context(ctx.focus, sentence.paragraph, named, subject, pair, first)


def enter(ctx: Context, sentence: Sentence) -> Context:
    """The context at the start of ``sentence``: a new paragraph keeps only the main asset."""
    if sentence.paragraph == ctx.paragraph:
        return ctx
    return Context(focus=ctx.focus, paragraph=sentence.paragraph)


def named_near(found: list[Sentence], index: int) -> set[str]:
    """The assets a claim in sentence ``index`` may use: those it names, those of the sentence
    before it in the same paragraph, and those the paragraph said move "first" before it."""
    here = found[index]
    keys = set(keys_in(mentions(plain(here.text))))
    for s in found[:index]:
        if s.paragraph != here.paragraph:
            continue
        text = plain(s.text)
        if s.index == index - 1 or cues.FIRST.search(text.lower()):
            keys |= set(keys_in(mentions(text)))
    return keys
