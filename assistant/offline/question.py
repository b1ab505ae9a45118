"""The reading of a question: the intents it asks (most likely first), its assets and its
parameters. Built by :mod:`assistant.offline.reading`, used by the planner and the answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from assistant.offline.bank import ADVICE
from assistant.offline.intents import Guess
from assistant.offline.names import Mention
from assistant.offline.when import When

__all__ = ["Reading", "replace"]


@dataclass(frozen=True)
class Reading:
    """What a question asks: intents (most likely first), assets and parameters."""

    kinds: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()  # registry keys (or names as written) in order
    mentions: tuple[Mention, ...] = ()
    horizon: str | None = None  # 1d 1w 1m 3m ytd 1y
    when: When | None = None  # a date or period in words
    leader: str | None = None
    follower: str | None = None
    freq: str = "weekly"
    freq_given: bool = False
    follower_first: bool = False  # "does A follow B" names the follower first
    level: float | None = None
    number: float | None = None  # a bare number ("and gold 5000?"), a level for a follow-up
    direction: str | None = None  # "up" / "down": what a why-question takes for granted
    guess: Guess | None = None
    elliptic: bool = False  # only parameters: "and gold?", "over 6 months?", "weekly?"
    versus: bool = False  # "vs copper?"
    claim_text: str | None = None  # "check this: <text>"
    topic: str = ""  # the question, for a library search
    unsure: bool = False  # neither the meaning nor the rules are clear: ask back
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def primary(self) -> str | None:
        return self.kinds[0] if self.kinds else None

    @property
    def advice(self) -> bool:
        return ADVICE in self.kinds

    @property
    def on(self) -> dt.date | None:
        """A fixed single date ("on 2025-06-02"), or None."""
        w = self.when
        return w.start if w is not None and w.kind == "day" and not w.relative else None
