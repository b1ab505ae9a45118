"""Scoring one answer against its question: tools, arguments, figures, grounding, citations.

- ``tools``: every expected tool was called (``a|b``: either);
- ``args``: no call was refused (an input error, or arguments a tool's schema rejected) and the
  expected argument values were used (asset names compared after resolution);
- ``figures``: the share of the question's true figures the answer states, each matched at the
  precision the answer wrote it with (sign ignored, as in the grounding check);
- ``grounded``: every figure in the answer came from a tool result;
- ``citations``: no citation outside the retrieved passages, and at least one valid citation
  when the question asks for commentary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from assistant.evaluation.questions import Question
from assistant.evaluation.truth import Truth
from assistant.events import Reply
from assistant.grounding import extract_figures
from tools import assets
from tools.errors import InputError


@dataclass
class Score:
    id: str
    question: str
    answer: str
    tools_called: list[str]
    tools_ok: bool
    args_ok: bool
    figures: float | None  # share of true figures stated; None: the question has none
    grounded: bool
    citations_ok: bool
    passed: bool
    seconds: float
    input_tokens: int
    output_tokens: int
    model_calls: int
    error: str | None = None
    stopped: str | None = None
    warning: str | None = None  # the answer's "Unverified: ..." line, when flagged
    rechecked: bool = False  # the model was asked once to rewrite invented figures
    problems: list[str] = field(default_factory=list)  # why a check failed, in words

    def to_dict(self) -> dict:
        return asdict(self)


def score(question: Question, reply: Reply, truths: list[Truth], seconds: float) -> Score:
    problems: list[str] = []
    called = [c["name"] for c in reply.tool_calls]
    tools_ok = _tools_ok(question.tools, called, problems)
    args_ok = _args_ok(question.args, reply, problems)
    figures = _figures(reply.answer, truths, problems)
    grounded = not reply.grounding.ungrounded
    if not grounded:
        problems.append(f"not from the tools: {', '.join(reply.grounding.ungrounded)}")
    citations_ok = not reply.grounding.unsupported
    if not citations_ok:
        problems.append(f"citations not retrieved: {', '.join(reply.grounding.unsupported)}")
    if question.cites and not _cited(reply):
        citations_ok = False
        problems.append("cites no retrieved passage")
    if reply.error:
        problems.append(f"error: {reply.error}")
    usage = reply.usage or {}
    return Score(
        id=question.id,
        question=question.question,
        answer=reply.answer,
        tools_called=called,
        tools_ok=tools_ok,
        args_ok=args_ok,
        figures=figures,
        grounded=grounded,
        citations_ok=citations_ok,
        passed=tools_ok
        and args_ok
        and figures in (None, 1.0)
        and grounded
        and citations_ok
        and not reply.error,
        seconds=seconds,
        input_tokens=int(usage.get("input_tokens") or 0),
        output_tokens=int(usage.get("output_tokens") or 0),
        model_calls=int(usage.get("model_calls") or 0),
        error=reply.error,
        stopped=reply.stopped,
        warning=reply.warning,
        rechecked=reply.rechecked,
        problems=problems,
    )


def _tools_ok(expected: tuple[str, ...], called: list[str], problems: list[str]) -> bool:
    missing = [e for e in expected if not set(e.split("|")) & set(called)]
    if missing:
        problems.append(f"did not call {', '.join(missing)}")
    return not missing


def _args_ok(expected: dict, reply: Reply, problems: list[str]) -> bool:
    ok = True
    for result in reply.tool_results:
        if result.get("error"):
            ok = False
            problems.append(f"{result.get('name')} refused: {str(result.get('summary'))[:120]}")
    for name, want in expected.items():
        calls = [c["args"] for c in reply.tool_calls if c["name"] == name]
        if calls and not any(_matches(want, args) for args in calls):
            ok = False
            problems.append(f"{name} called with {calls[0]}, expected {want}")
    return ok


def _matches(want: dict, args: dict) -> bool:
    return all(_same(key, value, args.get(key)) for key, value in want.items())


def _same(key: str, want, got) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and {_asset(w) for w in want} == {_asset(g) for g in got}
    if key in ("asset", "leader", "follower", "vs"):
        return got is not None and _asset(want) == _asset(got)
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return abs(float(got) - float(want)) < 1e-9
        except (TypeError, ValueError):
            return False
    return str(want).strip().lower() == str(got).strip().lower()


def _asset(name) -> str:
    try:
        return assets.resolve(str(name)).key
    except (InputError, LookupError):
        return str(name).strip().lower()


def _figures(answer: str, truths: list[Truth], problems: list[str]) -> float | None:
    if not truths:
        return None
    stated = extract_figures(answer)
    missing = [t for t in truths if not any(_states(f, t) for f in stated)]
    for t in missing:
        want = t.date.isoformat() if t.date else f"{t.value:,.4g}"
        problems.append(f"does not state the {t.label} ({want})")
    return (len(truths) - len(missing)) / len(truths)


def _states(fig, truth: Truth) -> bool:
    if truth.date is not None:
        return fig.date == truth.date
    if truth.value is None or fig.value is None or fig.kind not in ("number", "percent"):
        return False
    tol = fig.tolerance + 1e-9 * max(1.0, abs(truth.value))
    return abs(abs(fig.value) - abs(truth.value)) <= tol


def _cited(reply: Reply) -> bool:
    """At least one citation that points at a retrieved passage."""
    good = [c for c in reply.grounding.citations if c not in reply.grounding.unsupported]
    return bool(reply.sources) and bool(good)
