"""Running a question table against one model and summing it up.

Every question is asked in a fresh conversation (or, with ``follows``, in the conversation of
the question it follows), timed from the question to the finished reply, and scored against the
truth computed from the same data the assistant used.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.evaluation.questions import Question
from assistant.evaluation.score import Score, score
from assistant.evaluation.truth import Truth, compute
from tools.errors import InputError


@dataclass
class Run:
    """One model run over a question table."""

    model: str
    data: str
    as_of: str | None
    started: str  # ISO timestamp
    scores: list[Score] = field(default_factory=list)
    text_tool_calls: int = 0

    def summary(self) -> dict:
        s = self.scores
        n = len(s)

        def share(pred) -> float | None:
            return round(sum(1 for x in s if pred(x)) / n, 3) if n else None

        with_truth = [x.figures for x in s if x.figures is not None]
        return {
            "model": self.model,
            "date": self.started[:10],
            "data": self.data,
            "as_of": self.as_of,
            "questions": n,
            "passed": share(lambda x: x.passed),
            "tools": share(lambda x: x.tools_ok),
            "args": share(lambda x: x.args_ok),
            "figures": round(statistics.fmean(with_truth), 3) if with_truth else None,
            "grounded": share(lambda x: x.grounded),
            "citations": share(lambda x: x.citations_ok),
            "flagged": sum(1 for x in s if x.warning),
            "errors": sum(1 for x in s if x.error),
            "median_s": round(statistics.median([x.seconds for x in s]), 2) if n else None,
            "tokens_in": round(statistics.fmean([x.input_tokens for x in s])) if n else None,
            "tokens_out": round(statistics.fmean([x.output_tokens for x in s])) if n else None,
            "model_calls": round(statistics.fmean([x.model_calls for x in s]), 2) if n else None,
            "text_tool_calls": self.text_tool_calls,
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "questions": [x.to_dict() for x in self.scores]}


def run(
    assistant, questions: list[Question], on_score: Callable[[Score], None] | None = None
) -> Run:
    """Ask every question of ``assistant`` and score the replies."""
    settings = assistant.settings
    result = Run(
        model=assistant.model_id,
        data=settings.data,
        as_of=settings.as_of.isoformat() if settings.as_of else None,
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    threads: dict[str, str] = {}
    for q in questions:
        thread = threads[q.follows] if q.follows in threads else f"eval-{uuid.uuid4().hex[:10]}"
        threads[q.id] = thread
        truths = truths_for(q, assistant.market)
        started = time.perf_counter()
        reply = assistant.ask(q.question, thread)
        elapsed = time.perf_counter() - started
        result.model = reply.model or result.model  # the model the server turned out to serve
        result.text_tool_calls += sum(1 for c in reply.tool_calls if c["id"].startswith("text_"))
        item = score(q, reply, truths, elapsed)
        result.scores.append(item)
        if on_score is not None:
            on_score(item)
    return result


def truths_for(question: Question, market) -> list[Truth]:
    """The question's true figures; a truth the data cannot give is a table error."""
    out = []
    for spec in question.truth:
        try:
            out.append(compute(spec, market))
        except (KeyError, IndexError, ValueError) as exc:
            raise InputError(
                f"Question '{question.id}': the truth {spec} cannot be computed from this data"
                f" ({type(exc).__name__}: {exc})."
            ) from None
    return out
