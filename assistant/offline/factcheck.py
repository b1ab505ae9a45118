"""The offline analyst's answer to a claim check: the planner (:mod:`assistant.offline.planning`)
routes "fact-check the silver article", "check this: <paragraph>" and "is the claim that bitcoin
lags silver true?" to ``check_claims``, and the answer is the verdict table with its two-line
summary (:mod:`assistant.claims.render`).
"""

from __future__ import annotations

from assistant.registry import Kind, ToolFailure, ToolName, kind_of, read


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
