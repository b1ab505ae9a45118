"""Run a question table through an assistant and score it per category."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from tests.questions.expect import check

TODAY = dt.date(2026, 12, 1)


@dataclass
class Outcome:
    category: str
    turns: list[str]
    problems: list[str]
    answer: str

    @property
    def ok(self) -> bool:
        return not self.problems


def make_assistant(data_dir, knowledge, as_of=None, tools=None):
    from assistant.agent import Assistant
    from assistant.config import Settings

    settings = Settings(data=f"csv:{data_dir}", model="offline", as_of=as_of)
    return Assistant(settings, knowledge=lambda: knowledge, today=TODAY, tools=tools)


def run(assistant, table, prefix: str = "q") -> list[Outcome]:
    outcomes = []
    for i, (category, turns, build) in enumerate(table):
        thread = f"{prefix}-{i}"
        for question in turns:
            reply = assistant.ask(question, thread_id=thread)
        outcomes.append(Outcome(category, turns, check(reply, build()), reply.answer))
    return outcomes


def scores(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """category -> (right, asked), with "overall" last."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        out[o.category][0] += o.ok
        out[o.category][1] += 1
    total = [sum(v[0] for v in out.values()), sum(v[1] for v in out.values())]
    return {**{k: tuple(v) for k, v in out.items()}, "overall": tuple(total)}


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if not o.ok:
            lines.append(f"[{o.category}] {' / '.join(o.turns)}: {'; '.join(o.problems)[:400]}")
    return "\n".join(lines)
