"""Tool calls in plain words: "Looked up silver's price · found its records · searched the
commentary", and "Looking up silver's price…" while the tool runs.

Labels come from the call's arguments, and from its typed result once there is one (so "btc"
reads "bitcoin"). Tool names never reach a person; a tool this module does not know (one added
by another part of the project) reads as its name in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant import registry
from assistant.app import typed
from assistant.registry import ToolName


@dataclass(frozen=True)
class Verb:
    base: str  # "look up": for "could not look up …"
    past: str  # "looked up"
    doing: str  # "looking up"


LOOK = Verb("look up", "looked up", "looking up")
FIND = Verb("find", "found", "finding")
COMPARE = Verb("compare", "compared", "comparing")
TEST = Verb("test", "tested", "testing")
SEARCH = Verb("search", "searched", "searching")
WRITE = Verb("write", "wrote", "writing")
CHECK = Verb("check", "checked", "checking")
USE = Verb("use", "used", "using")
KNOW = Verb("find a market called", "found a market called", "finding a market called")


def spoken(name: str) -> str:
    """An asset's name as said mid-sentence: "silver", "bitcoin", but "S&P 500"."""
    name = str(name or "").strip()
    if " " not in name and name[:1].isupper() and name[1:].islower():
        return name.lower()
    return name or "?"


def asset_name(value: object) -> str:
    """The registry's name for what the model typed ("btc" -> "bitcoin"), else the text."""
    from tools import assets

    text = str(value or "").strip()
    found = assets.lookup(text) if text else None
    return spoken(found.name) if found else text or "?"


def asset_title(value: object) -> str:
    """The registry's name as written in a list ("sp500" -> "S&P 500"), else the text."""
    from tools import assets

    text = str(value or "").strip()
    found = assets.lookup(text) if text else None
    return found.name if found else text


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def join_words(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items) or "?"
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Phrase:
    """One tool call as a verb and its object: "looked up" + "silver's price"."""

    verb: Verb
    obj: str
    subject: str = ""  # the asset the object is about, for "its" in the next phrase

    def text(self, state: str, subject_known: bool = False) -> str:
        obj = self.obj
        if subject_known and self.subject and obj.startswith(possessive(self.subject)):
            obj = "its" + obj[len(possessive(self.subject)) :]
        if state == "running":
            return f"{self.verb.doing} {obj}"
        if state == "failed":
            return f"could not {self.verb.base} {obj}"
        return f"{self.verb.past} {obj}"


def phrase(name: str, args: dict, artifact: dict | None = None) -> Phrase:
    """What a tool call does, in words."""
    a = {k: v for k, v in (args or {}).items() if v not in (None, "", [])}
    result = typed.read(artifact) if artifact else None
    named = getattr(result, "name", None)
    if name == ToolName.PRICE:
        who = spoken(named) if named else asset_name(a.get("asset"))
        if isinstance(result, registry.ToolFailure) and result.options:  # not a known market
            return Phrase(KNOW, f"“{who}”", who)
        what = f"close on {a['on']}" if "on" in a else "price"
        return Phrase(LOOK, f"{possessive(who)} {what}", who)
    if name == ToolName.COMPARE:
        return Phrase(COMPARE, join_words([asset_name(x) for x in a.get("assets", [])]))
    if name == ToolName.BREAKOUTS:
        return _breakouts(a)
    if name == ToolName.LEAD_LAG:
        leader, follower = asset_name(a.get("leader")), asset_name(a.get("follower"))
        return Phrase(TEST, f"whether {follower} follows {leader}", follower)
    if name == ToolName.LEVEL:
        who = asset_name(a.get("asset"))
        return Phrase(FIND, f"when {who} first closed at or above {a.get('level', '?')}", who)
    if name == ToolName.COMMENTARY:
        return Phrase(SEARCH, "the commentary")
    if name == ToolName.BRIEFING:
        assets = [asset_name(x) for x in a.get("assets", [])]
        return Phrase(WRITE, "a briefing" + (f" on {join_words(assets)}" if assets else ""))
    if name == getattr(ToolName, "PERIOD", None):
        who = spoken(named) if named else asset_name(a.get("asset"))
        when = a.get("label") or " to ".join(str(a[k]) for k in ("start", "end") if k in a)
        return Phrase(LOOK, f"{possessive(who)} change over {when or 'the period'}", who)
    if name == getattr(ToolName, "CHECK_CLAIMS", None):
        return Phrase(CHECK, "the claims " + _claims_document(a, result))
    return Phrase(USE, "the " + str(name).replace("_", " ") + " tool")


def _claims_document(a: dict, result) -> str:
    """The document whose claims are checked: its title once known, else what was asked for."""
    document = getattr(result, "document", None)
    if getattr(document, "title", None):
        return f"in “{document.title}”"
    if a.get("text"):
        return "in the pasted text"
    if a.get("source"):
        return f"in the article matching “{a['source']}”"
    return "in the article"


def _breakouts(a: dict) -> Phrase:
    who = asset_name(a.get("asset"))
    if "vs" in a:
        return Phrase(FIND, f"breakouts of {who} against {asset_name(a['vs'])}", who)
    what = f"{a['window']}-day highs" if "window" in a else "records"
    return Phrase(FIND, f"{possessive(who)} {what}", who)


def sentence(parts: list[tuple[Phrase, str]]) -> str:
    """Phrases joined with " · ", the first capitalised; "its" for a repeated subject."""
    out, previous = [], ""
    for p, state in parts:
        out.append(p.text(state, subject_known=bool(p.subject) and p.subject == previous))
        previous = p.subject or previous
    text = " · ".join(out)
    return text[:1].upper() + text[1:]


def call_title(name: str, args: dict, artifact: dict | None = None, error: bool = False) -> str:
    """One finished call as a title: "Looked up silver's price"."""
    return sentence([(phrase(name, args, artifact), "failed" if error else "done")])


def status_label(calls: list[dict]) -> tuple[str, str]:
    """The label and state ("running", "complete" or "error") of a turn's tool activity.

    ``calls`` hold ``name``, ``args`` and, once finished, ``done``, ``error`` and ``artifact``.
    While any call runs the label names what is running (with an ellipsis) and the state is
    "running"; a check mark ("complete") only once every call has finished.
    """
    if not calls:
        return "Thinking…", "running"
    parts = []
    for c in calls:
        state = "running" if not c.get("done") else "failed" if c.get("error") else "done"
        parts.append((phrase(c["name"], c.get("args") or {}, c.get("artifact")), state))
    running = [p for p in parts if p[1] == "running"]
    if running:
        return sentence(running) + "…", "running"
    failed = sum(1 for _, s in parts if s == "failed")
    return sentence(parts), "error" if failed == len(parts) else "complete"
