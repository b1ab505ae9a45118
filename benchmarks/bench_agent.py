"""Agent economy and speed: offline ask warm, CLI cold start, model calls, content and prompt
size."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Row, measure

QUESTIONS = [
    "How much is silver?",
    "Is silver breaking out?",
    "Does bitcoin follow silver?",
    "Has silver outperformed gold over the last three months?",
    "Why is silver rising?",
]


def _cli(args: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - t0


def _counting_analyst():
    """The offline analyst, counting its model calls (one per respond())."""
    from assistant.offline.analyst import OfflineAnalyst

    class CountingAnalyst(OfflineAnalyst):
        calls: list[int] = []

        def respond(self, messages):
            self.calls.append(len(messages))
            return super().respond(messages)

    return CountingAnalyst()


def run() -> list[Row]:
    from assistant.agent import Assistant
    from assistant.config import Settings
    from assistant.library import Library
    from benchmarks.economy import count_tokens, prompt_and_schema_text
    from tools import prices

    home = Path(tempfile.mkdtemp(prefix="bench-agent-"))
    settings = Settings(data="demo", home=home)
    model = _counting_analyst()
    assistant = Assistant(settings, model=model, knowledge=Library.from_settings(settings))
    rows: list[Row] = []
    series = assistant.market.series("silver")
    baseline = measure(lambda: prices.price_lookup(series), repeat=9, number=20)
    for question in QUESTIONS:
        assistant.ask(question)  # warm: model, graph, knowledge base and series loaded
        model.calls.clear()
        reply = assistant.ask(question)
        calls = len(model.calls)
        content = max((len(r["summary"]) for r in reply.tool_results), default=0)
        seconds = measure(lambda q=question: assistant.ask(q), repeat=7)
        rows.append(
            Row(
                f"offline ask warm: {question[:30]}",
                seconds,
                "price_lookup (tool only)",
                baseline,
                budget_seconds=0.150,
                checks_ok=calls <= 2 and content <= 1500,
                note=(
                    f"model calls {calls} (budget 2), largest tool content {content} chars (budget"
                    f" 1500), grounded {reply.grounding.ok}"
                ),
            )
        )
    tokens = count_tokens(prompt_and_schema_text(assistant))
    rows.append(
        Row(
            "system prompt + tool schemas (tokens, not time)",
            0.0,
            checks_ok=tokens <= 2500,
            note=f"{tokens} tokens in cl100k_base (budget 2500)",
        )
    )
    env = {**os.environ, "MARKET_ASSISTANT_HOME": str(home), "MARKET_ASSISTANT_DATA": "demo"}
    exe = str(Path(sys.executable).parent / "market-assistant")
    base_cold = min(_cli([sys.executable, "-c", "import typer, pandas"], env) for _ in range(3))
    cold = min(_cli([exe, "ask", "How much is silver?"], env) for _ in range(3))
    rows.append(
        Row(
            "market-assistant ask, cold process",
            cold,
            "python -c 'import typer, pandas'",
            base_cold,
            budget_seconds=4.0,
        )
    )
    return rows
