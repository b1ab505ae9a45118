"""Two or three natural next questions after an answer, from the typed results of its tools.

Each suggestion is a short button label ("Compare with gold") and the full question it asks
("Compare silver with gold"), so the question reads on its own in the conversation. Questions
already asked in the conversation are not suggested again. The fact-check suggestion appears
only when the claim-check tool exists (``ToolName.CHECK_CLAIMS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant import registry
from assistant.app import typed
from assistant.app.labels import asset_name, spoken
from assistant.registry import ToolName

MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    label: str
    question: str


def _results(tool_results: list[dict]) -> list:
    out = []
    for r in tool_results or []:
        if r.get("error"):
            continue
        result = typed.read(r.get("artifact"))
        if result is not None and not isinstance(result, registry.ToolFailure):
            out.append(result)
    return out


def _of(results: list, kind: registry.Kind) -> list:
    return [r for r in results if isinstance(r, registry.RESULT_TYPES[kind])]


def _asset_ideas(key: str, name: str, results: list) -> list[Suggestion]:
    """Next questions about one asset that the turn looked at."""
    a = spoken(name)
    has_records = any(r.asset == key for r in _of(results, registry.Kind.BREAKOUTS))
    prices = [r for r in _of(results, registry.Kind.PRICE) if r.asset == key]
    ideas = []
    if not has_records:
        ideas.append(Suggestion("Show its records", f"Is {a} breaking out?"))
    other = "silver" if key == "gold" else "gold"
    ideas.append(Suggestion(f"Compare with {other}", f"Compare {a} with {other}"))
    if key == "bitcoin":
        ideas.append(Suggestion("Does it follow gold?", "Does bitcoin follow gold with a lag?"))
    else:
        ideas.append(Suggestion("Does bitcoin follow it?", f"Does bitcoin follow {a} with a lag?"))
    if not any(isinstance(r, registry.Commentary) for r in results):
        change = prices[0].change_pct.get("1m") if prices else None
        moving = "falling" if change is not None and change < 0 else "rising"
        ideas.insert(1, Suggestion(f"Why is it {moving}?", f"Why is {a} {moving}?"))
    return ideas


def _leadlag_ideas(r) -> list[Suggestion]:
    lead, fol = spoken(r.leader_name), spoken(r.follower_name)
    return [
        Suggestion(f"Does {lead} follow {fol}?", f"Does {lead} follow {fol} with a lag?"),
        Suggestion(f"Show {fol}'s records", f"Is {fol} breaking out?"),
        Suggestion(f"Why is {fol} moving?", f"Why is {fol} moving?"),
    ]


def _subject(results: list) -> tuple[str, str] | None:
    """The (key, name) of the first single asset the turn looked at."""
    for r in results:
        key = getattr(r, "asset", None)
        if isinstance(key, str) and "/" not in key and getattr(r, "name", None):
            return key, r.name
    return None


def _fact_check(results: list) -> list[Suggestion]:
    if getattr(ToolName, "CHECK_CLAIMS", None) is None:
        return []
    for r in results:
        if isinstance(r, registry.Commentary):
            found = next((p for p in r.passages if p.kind != "background"), None)
            if found is not None:
                return [
                    Suggestion(
                        "Fact-check the commentary", f"Fact-check the article “{found.title}”"
                    )
                ]
    return []


# Questions every data source answers: they fill up the suggestions of an answer that gives few
# ideas of its own, and they show a failed question a way of asking that works.
GENERAL = (
    Suggestion("How much is gold?", "How much is gold?"),
    Suggestion("Is silver breaking out?", "Is silver breaking out?"),
    Suggestion("Does bitcoin follow gold?", "Does bitcoin follow gold with a lag?"),
)


def _failure_ideas(tool_results: list[dict]) -> list[Suggestion]:
    """After an error: the question asked again with a valid choice the tool offered."""
    ideas = []
    for r in tool_results or []:
        failure = typed.read(r.get("artifact"))
        if isinstance(failure, registry.ToolFailure):
            for option in failure.options[:2]:
                name = asset_name(option)
                ideas.append(Suggestion(f"How much is {name}?", f"How much is {name}?"))
    return ideas


def _claims_ideas(results: list) -> list[Suggestion]:
    """After a claim check: the prices behind the claims of its first asset."""
    for r in _of(results, registry.Kind.CLAIMS):
        for check in r.checks:
            key = getattr(check.claim, "subject", None)
            if isinstance(key, str) and key and "/" not in key:
                a = spoken(asset_name(key))
                return [
                    Suggestion(f"Show {a}'s records", f"Is {a} breaking out?"),
                    Suggestion(f"How much is {a}?", f"How much is {a}?"),
                ]
    return []


def suggest(tool_results: list[dict], asked: list[str] | None = None) -> list[Suggestion]:
    """Two or three suggestions for the turn whose tool results are ``tool_results``; after a
    question a tool could not answer (an unknown market), the question asked in a way that
    works first."""
    results = _results(tool_results)
    ideas: list[Suggestion] = _failure_ideas(tool_results) if not results else []
    ideas += _fact_check(results) + _claims_ideas(results)
    for r in _of(results, registry.Kind.LEADLAG)[:1]:
        ideas += _leadlag_ideas(r)
    comparisons = _of(results, registry.Kind.COMPARE)
    if comparisons and len(comparisons[0].rows) >= 2:
        first, second = (spoken(row.name) for row in comparisons[0].rows[:2])
        ideas.append(
            Suggestion(
                f"Does {second} follow {first}?", f"Does {second} follow {first} with a lag?"
            )
        )
        ideas.append(Suggestion(f"Show {first}'s records", f"Is {first} breaking out?"))
        ideas.append(Suggestion(f"Why is {second} moving?", f"Why is {second} moving?"))
    subject = _subject(results)
    if subject is not None:
        ideas += _asset_ideas(*subject, results)
    for digest in (r for r in results if isinstance(r, registry.BriefingDigest)):
        for name in (asset_name(key) for key in digest.assets[:2]):
            ideas.append(Suggestion(f"Is {name} breaking out?", f"Is {name} breaking out?"))
    return _unasked([*ideas, *GENERAL], asked)


def _unasked(ideas: list[Suggestion], asked: list[str] | None) -> list[Suggestion]:
    """The ideas not asked yet in the conversation, each once, at most three."""
    seen = {" ".join(q.lower().split()) for q in asked or []}
    out: list[Suggestion] = []
    for idea in ideas:
        norm = " ".join(idea.question.lower().split())
        if norm not in seen:
            seen.add(norm)
            out.append(idea)
    return out[:MAX_SUGGESTIONS]
