"""The testable kinds, one detector each, run on one clause: lead/lag, frequency, level or record,
relative performance, divergence, macro driver and move. A detector returns the claims it finds
(most return one or none); roles come from word order: the asset before the verb is the
subject ("bitcoin follows gold": bitcoin follows), the assets after it the other side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.claims import cues
from assistant.claims.text import Mention, keys_in, lag_range, levels, mentions, plain, window_in
from tools.claims import Claim, ClaimKind

MACRO_KEYS = ("dxy", "us10y")


@dataclass
class Context:
    """What the previous sentence established, when it is in the same paragraph: the assets it
    named, its subject and the pair it compared (for "it", "that gap"), and the assets this
    paragraph said move "first" (for "bitcoin follows later"). A new paragraph starts afresh but
    for the document's main asset (``focus``, the title's), which only "the rally", "the move"
    and a divergence with no mover named can refer to."""

    focus: str | None = None
    paragraph: int = -1
    previous: list[str] = field(default_factory=list)
    subject: str | None = None
    pair: tuple[str, str] | None = None
    first: list[str] = field(default_factory=list)


@dataclass
class Clause:
    text: str  # plain text of the clause
    quote: str  # the clause as written in the document
    sentence: int
    ctx: Context
    inherited: str | None = None  # a subject named earlier in the same sentence
    sentence_keys: list[str] = field(default_factory=list)  # every asset the sentence names
    found: list[Mention] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.low = self.text.lower()
        self.found = mentions(self.text)

    @property
    def keys(self) -> list[str]:
        return keys_in(self.found)

    def before(self, pos: int) -> list[str]:
        return keys_in([m for m in self.found if m.end <= pos])

    def after(self, pos: int) -> list[str]:
        return keys_in([m for m in self.found if m.start >= pos])

    def subject(self, pos: int | None = None) -> str | None:
        """The asset the clause is about: the nearest one named before ``pos``, else one named
        earlier in the sentence, else, for "it" or "the rally", the previous sentence's subject
        (or, for "the rally", the document's main asset). None when nothing names it."""
        named = self.before(pos) if pos is not None else self.keys[:1]
        if named:
            return named[-1]
        if self.inherited:
            return self.inherited
        if cues.ANAPHOR.search(self.low):
            noun = cues.NOUN_ANAPHOR.search(self.low)
            return self.ctx.subject or (self.ctx.focus if noun else None)
        return None

    def others(self, subject: str | None, first: bool = False) -> list[str]:
        """The other side of a comparison the clause does not name: another asset of the same
        sentence, else of the previous sentence (same paragraph), else (``first``) the assets
        this paragraph said move first."""
        pool = [*self.sentence_keys, *self.ctx.previous, *(self.ctx.first if first else [])]
        return [k for k in dict.fromkeys(pool) if k != subject and k not in MACRO_KEYS]

    def claim(self, kind: ClaimKind, subject: str | None, **fields) -> Claim:
        return Claim(self.quote, kind.value, subject, sentence=self.sentence, **fields)


GATES = {
    "lead_lag": ("follow", "lag", "trail", "preced", "lead", "led", "later", "first", "echo",
                 "mirror", "front", "anticipat", "foreshadow", "after", "earlier", "before"),
    "level": ("$", "dollar", "usd", "record", "high", "ath"),
    "relative": ("outperform", "outpac", "beat", "better", "ahead", "worse", "underperform",
                 "behind", "more than", "outr", "outsh", "trail", "lag"),
    "divergence": ("follow", "join", "pace", "diverg", "decoupl", "left behind", "sat out",
                   "missed", "lag", "trail", "track", "match", "particip", "respond", "react",
                   "along"),
    "frequency": ("rare", "unusual", "uncommon", "often", "happen", "occur", "common", "normal",
                  "typical", "unprecedented", "exceptional", "norm", "new", "seldom"),
    "macro": ("dollar", "greenback", "dxy", "yield"),
}  # fmt: skip


def gated(kind: str, low: str) -> bool:
    """Whether a clause has any word a detector could match (a cheap test before its regexes)."""
    return any(word in low for word in GATES[kind])


def lead_lag(c: Clause) -> list[Claim]:
    if not gated("lead_lag", c.low):
        return []
    follow, lead = cues.FOLLOW_VERB.search(c.low), cues.LEAD_VERB.search(c.low)
    if follow and re.search(cues.NEG + r"\s+(?:\w+\s+)?$", c.low[: follow.start()]):
        return []  # "hasn't followed": a divergence
    if follow and performance_lag(c):
        return []  # "has lagged", "lagged silver in 2025": performance, not timing
    if follow and (cues.LAG_WORDING.search(c.low) or lag_range(c.low)):
        follower = c.subject(follow.start())
        leaders = [k for k in c.after(follow.end()) if k != follower]
        leaders = leaders or c.others(follower, first=True)[:2]
    elif lead:
        leaders = c.before(lead.start()) or ([c.subject()] if c.subject() else [])
        after = [k for k in c.after(lead.end()) if k not in leaders]
        follower = after[0] if after else None
    else:
        return []
    if not follower or not leaders:
        return []
    lo, hi, freq = lag_range(c.low) or (None, None, "weekly")
    return [
        c.claim(
            ClaimKind.LEAD_LAG, follower, reference=leaders[:3], lag_min=lo, lag_max=hi, freq=freq
        )
    ]


def performance_lag(c: Clause) -> re.Match | None:
    """The "lagged" of "X has lagged Y" or "X lagged Y in 2025" when it means X did worse than Y:
    in the perfect or progressive tense, or with a period, and with no wording about timing
    ("with a lag", "follows", "weeks later", "tends to lag")."""
    m = cues.LAG_VERB.search(c.low)
    if not m or cues.TIMING.search(c.low) or lag_range(c.low):
        return None
    if cues.PERFORMANCE_LAG.search(c.low) or window_in(c.text) not in (None, "history"):
        return m
    return None


def frequency(c: Clause, pair: tuple[str, str] | None) -> list[Claim]:
    if not gated("frequency", c.low):
        return []
    if cues.COMMON.search(c.low):
        polarity = "common"
    elif cues.RARE.search(c.low):
        polarity = "rare"
    else:
        return []
    own = relative(c) or divergence(c)  # "silver beating gold is rare": the event is here
    asserted: list[Claim] = []
    if own:
        event = own[0]
        if event.kind == ClaimKind.DIVERGENCE or event.direction == "underperform":
            pair = (event.reference[0], event.subject)
        else:
            pair = (event.subject, event.reference[0])
        cue = cues.OUTPERFORM.search(c.low) or cues.UNDERPERFORM.search(c.low)
        if cue and not (cue[0].endswith("ing") or c.low[: cue.start()].endswith("to ")):
            asserted = own  # "silver outperformed gold, a rare feat": it happened, and is rare
    if pair is None:
        return []
    freq = c.claim(ClaimKind.FREQUENCY, pair[0], reference=[pair[1]], direction=polarity)
    return [*asserted, freq]


def level(c: Clause) -> list[Claim]:
    if not gated("level", c.low):
        return []
    record = cues.RECORD.search(c.low)
    found = [
        (v, pos)
        for v, pos in levels(c.text)
        if cues.LEVEL_VERB.search(c.low[max(0, pos - 14) : pos]) and not _percent_after(c, pos)
    ]
    if not found and not record:
        return []
    pos = found[0][1] if found else record.start()
    subject = c.subject(pos)
    if subject is None:
        return []
    below = bool(found) and bool(cues.BELOW.search(c.low[max(0, pos - 14) : pos]))
    negated = bool(found) and bool(cues.LEVEL_NEGATION.search(c.low[:pos]))
    return [
        c.claim(
            ClaimKind.LEVEL,
            subject,
            level=found[0][0] if found else None,
            record=bool(record),
            direction="below" if below else "above",
            window=window_in(c.text) if window_in(c.text) not in ("1w", "recent") else None,
            negated=negated,
        )
    ]


def _percent_after(c: Clause, pos: int) -> bool:
    return bool(re.match(r"\$?\s?[\d,.]+\s?(%|percent)", c.text[pos:]))


def relative(c: Clause) -> list[Claim]:
    if not gated("relative", c.low):
        return []
    out, under = cues.OUTPERFORM.search(c.low), cues.UNDERPERFORM.search(c.low)
    under = under or (None if out else performance_lag(c))
    cue = out or under
    if not cue:
        return []
    subject = c.subject(cue.start())
    others = [k for k in c.after(cue.end()) if k != subject]
    if not subject or not others:
        return []
    negated = re.search(cues.NEG + r"\s+(?:\w+\s+)?$", c.low[: cue.start()])
    direction = "underperform" if bool(under) != bool(negated) else "outperform"
    return [
        c.claim(
            ClaimKind.RELATIVE,
            subject,
            reference=[others[0]],
            direction=direction,
            window=window_in(c.text),
        )
    ]


def divergence(c: Clause) -> list[Claim]:
    if not gated("divergence", c.low):
        return []
    cue = cues.DIVERGE.search(c.low)
    if not cue:
        return []
    subject = c.subject(cue.start())
    mover = [k for k in c.after(cue.end()) if k != subject]
    if not mover and cues.NOUN_ANAPHOR.search(c.low, cue.end()):
        # "bitcoin did not join the move": the move of the asset the previous sentence was about
        mover = [k for k in (c.ctx.subject, c.ctx.focus) if k and k != subject][:1]
    mover = mover or c.others(subject)
    if not mover and c.ctx.focus and c.ctx.focus != subject:
        mover = [c.ctx.focus]  # "bitcoin hasn't followed along": the document's own rally
    if not subject or not mover:
        return []
    return [c.claim(ClaimKind.DIVERGENCE, subject, reference=[mover[0]], window=window_in(c.text))]


def macro(c: Clause) -> list[Claim]:
    if not gated("macro", c.low):
        return []
    found: list[tuple[int, int, Claim]] = []
    general = False
    for pattern, direction in ((cues.MACRO_DOWN, "down"), (cues.MACRO_UP, "up")):
        for m in pattern.finditer(c.low):
            proxy = "us10y" if "yield" in m[0] else "dxy"
            if cues.MECHANISM.match(c.low[m.end() :].lstrip()):
                general = True  # "a softer dollar makes metal cheaper": how it works, not news
                continue
            if any(x.subject == proxy for _, _, x in found):
                continue
            driver = (
                "the dollar" if proxy == "dxy" else "real yields" if "real" in m[0] else "yields"
            )
            window = window_in(c.text)
            claim = c.claim(
                ClaimKind.MACRO, proxy, direction=direction, driver=driver, window=window
            )
            found.append((m.start(), m.end(), claim))
    if general and not found:
        return [c.claim(ClaimKind.NOT_TESTABLE, None, reason=cues.MECHANISM_REASON)]
    if len(found) > 1 and len(c.low) == len(c.quote):  # each in its own words
        return [replace(claim, quote=c.quote[a:b]) for a, b, claim in sorted(found)]
    return [claim for _, _, claim in found]


def move(c: Clause) -> list[Claim]:
    accel = cues.ACCELERATE.search(c.low)
    up, down, flat = (p.search(c.low) for p in (cues.MOVE_UP, cues.MOVE_DOWN, cues.MOVE_FLAT))
    cue = accel or flat or down or up
    if not cue:
        return []
    subject = c.subject(cue.start())
    if not subject:
        return []
    strong = bool(cues.STRONG.search(c.low))
    if accel and not (down and not up):
        direction = "accelerate"
    elif flat:
        direction = "flat"
    elif down and (not up or down.start() < up.start()):
        direction = "down"
    else:
        direction = "up"
    if accel and direction == "down":
        strong = True
    window = window_in(c.text)
    return [c.claim(ClaimKind.MOVE, subject, direction=direction, strong=strong, window=window)]


def quote_of(text: str) -> str:
    return plain(text).strip()
