"""The headline written by a language model over the computed facts, checked for grounding.

The model sees only the facts (the ranked headline candidates and the tools' summaries) and
is asked to copy figures exactly. Its paragraph is checked with :func:`assistant.grounding.check`;
when figures are ungrounded it gets one chance to rewrite, after which the remaining ones are
returned for the briefing to flag. A model that fails outright (network, key, rate limit)
leaves the template headline in place, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import grounding
from assistant.briefing.facts import Facts
from assistant.briefing.headline import Candidate
from assistant.safety import plain_text

MAX_CHARS = 1500  # a headline paragraph, not an essay
SYSTEM = (
    "You write the headline paragraph of a daily market briefing. Use only the facts given by the"
    " user: they were computed by analysis tools. Copy every figure (price, percentage, date,"
    " count) exactly as it is written in the facts, and write no other figures. Cover the three"
    " most notable facts (the list is ranked, most notable first) in three or four sentences of"
    " plain prose: no headings, no lists, no commentary or opinions, no forecasts and no investment"
    " advice. When a lead/lag is not significant, say plainly that the data does not support it."
)


@dataclass
class Narration:
    """The model's paragraph (None when it failed), what stayed ungrounded, and any failure."""

    text: str | None
    ungrounded: list[str] = field(default_factory=list)
    attempts: int = 0
    error: str | None = None


def facts_prompt(facts: Facts, chosen: list[Candidate]) -> str:
    """The user message: ranked facts, then every tool summary."""
    lines = [f"Briefing as of {facts.as_of}.", "", "Most notable facts, best first:"]
    lines += [f"{i}. {c.text.replace('**', '')}" for i, c in enumerate(chosen, 1)]
    lines += ["", "Tool results:"]
    for a in facts.assets:
        lines += [f"- {a.price.summary()}", f"- {a.records.summary()}"]
    for r in facts.ratios:
        lines.append(f"- {r.comparison.summary()}")
    for p in facts.pairs:
        if p.result is not None:
            lines.append(f"- {p.result.summary()}")
    return "\n".join(lines)


def clean(text: object) -> str:
    """One paragraph: control characters and line breaks collapsed, leading heading marks,
    Markdown images and link targets gone."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text or "")).split())
    return plain_text(flat).lstrip("#").strip()[:MAX_CHARS]  # no image or link from the model


def narrate(
    model, facts: Facts, chosen: list[Candidate], evidence: list, model_id: str = ""
) -> Narration:
    """Ask ``model`` for the headline; rewrite once if figures are ungrounded."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    from assistant.failures import describe

    messages = [SystemMessage(SYSTEM), HumanMessage(facts_prompt(facts, chosen))]
    text, report, attempts = None, None, 0
    try:
        for _ in range(2):
            attempts += 1
            text = clean(model.invoke(messages).text)
            report = grounding.check(text, evidence)
            if report.ok and text:
                break
            messages += [AIMessage(text), HumanMessage(_retry_message(report.ungrounded, text))]
    except Exception as exc:  # noqa: BLE001 - any model failure leaves the template headline
        return Narration(None, [], attempts, describe(exc, model_id)[1])
    if not text:
        return Narration(None, [], attempts, "the model returned an empty headline")
    return Narration(text, list(report.ungrounded), attempts)


def _retry_message(ungrounded: list[str], text: str) -> str:
    if not text:
        return "Your reply was empty. Write the headline paragraph."
    return (
        f"These figures are not in the facts: {', '.join(ungrounded)}. Rewrite the paragraph using"
        " only figures that appear in the facts, copied exactly."
    )
