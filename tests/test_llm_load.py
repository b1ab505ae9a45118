"""Load on a language model: four conversations at once on one Assistant, each turn bounded by
its deadline, nothing lost and nothing crossing between conversations.

The test in the suite runs against the loopback stub, which answers like a tool-calling model
and, on every fourth request, reads its "prompt" with keep-alives for longer than a turn may
last. Set MARKET_ASSISTANT_LLM_URL (e.g. http://127.0.0.1:8080/v1 for llama-server) to run the
same load against a real server for MARKET_ASSISTANT_LLM_LOAD_SECONDS (60) with a turn deadline
of MARKET_ASSISTANT_LLM_TURN_S (90); it prints the figures.
"""

from __future__ import annotations

import itertools
import os
import statistics
import threading
import time

import pytest
from conftest import MARKET_DATA
from openai_stub import StubOpenAI

from assistant.agent import Assistant
from assistant.config import Limits, Settings

CONVERSATIONS = 4
ASSETS = ("silver", "gold", "bitcoin", "sp500")
NAMES = {"silver": "silver", "gold": "gold", "bitcoin": "bitcoin", "sp500": "the S&P 500"}
SLACK_S = 1.0  # closing a cancelled stream and folding the reply
_REQUESTS = itertools.count()


def conversation_load(assistant: Assistant, seconds: float) -> dict:
    """Run the conversations for ``seconds`` (turns in flight then finish); the figures."""
    stop = threading.Event()
    lock = threading.Lock()
    turns: list[dict] = []
    asked: dict[str, list[str]] = {}

    def converse(n: int) -> None:
        key, round_ = ASSETS[n], 0
        while not stop.is_set():
            thread = f"load-{n}-{round_}"
            for question in (f"How much is {NAMES[key]}?", "and over 3 months?"):
                with lock:
                    asked.setdefault(thread, []).append(question)
                started = time.monotonic()
                reply = assistant.ask(question, thread)
                elapsed = time.monotonic() - started
                assets = {c["args"].get("asset") for c in reply.tool_calls} - {None}
                with lock:
                    turns.append(
                        {
                            "thread": thread,
                            "key": key,
                            "seconds": elapsed,
                            "stopped": reply.stopped,
                            "error": reply.error_kind,
                            "assets": assets,
                            "answered": bool(reply.answer) and not reply.error,
                        }
                    )
                if stop.is_set():
                    break
            round_ += 1

    workers = [threading.Thread(target=converse, args=(n,)) for n in range(CONVERSATIONS)]
    started = time.monotonic()
    for w in workers:
        w.start()
    stop.wait(seconds)
    stop.set()
    for w in workers:
        w.join(assistant.settings.limits.turn_s * 2 + 30)
    hung = sum(w.is_alive() for w in workers)
    return {
        "wall_s": time.monotonic() - started,
        "hung": hung,
        "turns": turns,
        "asked": asked,
        "histories": {t: assistant.history(t) for t in asked},
    }


def check(figures: dict, turn_s: float) -> dict:
    """The load's guarantees; returns the summary figures."""
    turns = figures["turns"]
    assert figures["hung"] == 0, "a conversation never finished its turn"
    assert turns, "no turn finished"
    late = [t for t in turns if t["seconds"] > turn_s + SLACK_S]
    assert not late, f"{len(late)} turns ran past the {turn_s} s deadline: {late[:2]}"
    for thread, questions in figures["asked"].items():
        seen = [m["content"] for m in figures["histories"][thread] if m["role"] == "user"]
        assert seen == questions, f"{thread}: asked {questions}, the conversation holds {seen}"
    others = {t["thread"] for t in turns if t["assets"] and t["key"] not in _keys(t["assets"])}
    seconds = [t["seconds"] for t in turns]
    return {
        "turns": len(turns),
        "answered": sum(t["answered"] for t in turns),
        "deadline_stops": sum(t["stopped"] == "deadline" for t in turns),
        "other_stops": sum(t["stopped"] not in (None, "deadline") for t in turns),
        "errors": sum(bool(t["error"]) and t["stopped"] is None for t in turns),
        "p50_s": round(statistics.median(seconds), 1),
        "max_s": round(max(seconds), 1),
        "wrong_asset_threads": sorted(others),
    }


def _keys(names: set) -> set:
    from tools import assets

    out = set()
    for name in names:
        try:
            out.add(assets.resolve(str(name)).key)
        except Exception:  # noqa: BLE001 - a name the model made up
            out.add(str(name))
    return out


def tool_calling_model(body: dict) -> dict:
    """The stub as a model: call get_price for the asset asked about, then report the close."""
    messages = body["messages"]
    since_user = []
    for m in reversed(messages):
        if m["role"] == "user":
            break
        since_user.append(m)
    tool = [m for m in since_user if m["role"] == "tool"]
    if tool:
        close = tool[-1]["content"].split("closed at ")[1].split(" ")[0]
        return {"text": f"It closed at {close}."}
    users = " ".join(m["content"] for m in messages if m["role"] == "user").lower()
    key = next(k for k in reversed(ASSETS) if NAMES[k].lower() in users or k in users)
    step = {"tool_calls": [{"name": "get_price", "args": {"asset": key}}]}
    if next(_REQUESTS) % 5 == 4:  # now and then, a prompt read for longer than a turn lasts
        step.update(keepalive=30, every=0.1)
    return step


@pytest.mark.timeout(120)
def test_four_conversations_against_a_stub_model():
    turn_s = 2.0
    with StubOpenAI() as stub:
        stub.push(*[tool_calling_model] * 2000)
        settings = Settings(
            data="demo",
            model="openai:stub-model",
            openai_base_url=stub.base_url,
            limits=Limits(retries=0, timeout_s=20, turn_s=turn_s),
        )
        figures = check(conversation_load(Assistant(settings), 6.0), turn_s)
    assert figures["answered"] >= CONVERSATIONS and figures["deadline_stops"] >= 1
    assert figures["wrong_asset_threads"] == [] and figures["errors"] == 0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_four_conversations_against_a_real_server():
    url = os.environ.get("MARKET_ASSISTANT_LLM_URL")
    if not url:
        pytest.skip("set MARKET_ASSISTANT_LLM_URL to a running OpenAI-compatible server")
    seconds = float(os.environ.get("MARKET_ASSISTANT_LLM_LOAD_SECONDS", "60"))
    turn_s = float(os.environ.get("MARKET_ASSISTANT_LLM_TURN_S", "90"))
    from assistant.models import resolve

    data = f"csv:{MARKET_DATA}" if (MARKET_DATA / "silver.csv").is_file() else "demo"
    settings, _ = resolve(
        Settings(
            data=data,
            as_of="2026-01-23" if data != "demo" else None,
            model="openai:auto",
            openai_base_url=url,
            limits=Limits(turn_s=turn_s),
        )
    )
    figures = check(conversation_load(Assistant(settings), seconds), turn_s)
    print(f"\nreal server {settings.model}, {seconds:g} s, turn deadline {turn_s:g} s: {figures}")
