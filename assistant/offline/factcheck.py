"""The offline analyst's route to the claim check: "fact-check the silver article", "check this:
<paragraph>", "is the claim that bitcoin lags silver true?" call ``check_claims``, and the answer
is the verdict table with its two-line summary (:mod:`assistant.claims.render`).

Kept apart from the question reader so that it stays small and self-contained.
"""

from __future__ import annotations

import itertools
import re

from assistant.registry import Kind, ToolFailure, ToolName, kind_of, read

_ids = itertools.count(1)
_ASK = re.compile(
    r"\b(fact[- ]?check\w*|check (?:this|these|that|the claims?|its claims|the (?:article|piece|"
    r"note|post|document|commentary))|verify (?:this|that|the (?:article|claims?|piece))|"
    r"is (?:it true|the claim) that|true that)\b",
    re.I,
)
_PASTED = re.compile(
    r"\b(?:check|verify|fact[- ]?check)\s+(?:this|these|that)\s*:\s*(.+)$", re.I | re.S
)
_CLAIM = re.compile(
    r"\b(?:is (?:it true|the claim)|true) that\s+(.+?)(?:\s+(?:true|correct|right))?\s*\??\s*$",
    re.I | re.S,
)
_COMMAND = re.compile(
    r"\b(please|can you|could you|fact[- ]?check\w*|check|verify|the claims? (?:in|of)|claims in|"
    r"for me|against the data)\b|[?.!]",
    re.I,
)


def calls(question: str, available: list[str]) -> list[dict]:
    """The claim-check call a fact-check question asks for, or [] for any other question."""
    if ToolName.CHECK_CLAIMS not in available or not _ASK.search(question):
        return []
    pasted = _PASTED.search(question) or _CLAIM.search(question)
    if pasted:
        args = {"text": pasted.group(1).strip()}
    else:
        words = " ".join(_COMMAND.sub(" ", question).split())
        if not words:
            return []
        args = {"source": words}
    return [
        {
            "name": ToolName.CHECK_CLAIMS.value,
            "args": args,
            "id": f"offline_check_{next(_ids)}",
            "type": "tool_call",
        }
    ]


def answer(results) -> str | None:
    """The answer to a fact-check turn from its tool messages, or None if it was not one."""
    from assistant.claims.render import answer_markdown

    for message in results:
        artifact = getattr(message, "artifact", None)
        if message.name != ToolName.CHECK_CLAIMS or kind_of(artifact) is None:
            continue
        result = read(artifact)
        if isinstance(result, ToolFailure):
            return f"I could not check that: {result.error}"
        if kind_of(artifact) == Kind.CLAIMS:
            return answer_markdown(result)
    return None
