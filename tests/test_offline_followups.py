"""Follow-ups that survive a restart: each turn of a conversation in a fresh process (the CLI's
``ask --thread``), an app conversation resumed by a new process on the same SQLite file, and
short elliptic follow-ups ("over 6 months?", "weekly?", "vs copper?").

Message and tool-call ids must be unique across processes: a new process that numbered them
from 1 again would overwrite the stored turns and come back with an empty answer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.agent import Assistant
from assistant.config import Settings
from assistant.offline.analyst import OfflineAnalyst
from tools import formatting as f
from tools.data import DemoSource, Market

BIN = Path(sys.executable).parent / "market-assistant"
ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARKET_ASSISTANT", "OPENAI"))}
    return {**env, "MARKET_ASSISTANT_HOME": str(home), "MARKET_ASSISTANT_DATA": "demo"}


def ask_in_new_process(home: Path, question: str, thread: str) -> dict:
    done = subprocess.run(
        [str(BIN), "ask", question, "--thread", thread, "--json"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def demo_close(asset: str) -> str:
    return f.price(float(Market(DemoSource()).series(asset).close.iloc[-1]))


@pytest.mark.slow
def test_each_turn_of_a_conversation_in_a_fresh_process(tmp_path):
    first = ask_in_new_process(tmp_path, "How much is gold?", "t1")
    second = ask_in_new_process(tmp_path, "and silver?", "t1")
    third = ask_in_new_process(tmp_path, "over 6 months?", "t1")
    assert first["answer"] and demo_close("gold") in first["answer"]
    assert second["tool_calls"] == [{"name": "get_price", "args": {"asset": "silver"}}]
    assert second["answer"].strip() and demo_close("silver") in second["answer"]
    assert second["grounding"]["ok"] and third["grounding"]["ok"]
    names = [c["name"] for c in third["tool_calls"]]
    assert "period_change" in names and "the past 6 months" in third["answer"]
    assert all(c["args"]["asset"] == "silver" for c in third["tool_calls"])


RESUME = textwrap.dedent(
    """
    import json, sys
    from assistant.config import Settings
    from assistant.memory import ConversationStore
    from assistant.runtime import make_assistant

    settings = Settings(data="demo", home=sys.argv[1])
    store = ConversationStore(settings.home / "conversations.sqlite")
    assistant = make_assistant(settings, checkpointer=store.checkpointer)
    reply = assistant.ask(sys.argv[2], thread_id="app-thread")
    store.touch("app-thread", sys.argv[2], owner="browser-1")
    print(json.dumps({"answer": reply.answer, "history": assistant.history("app-thread"),
                      "calls": reply.tool_calls, "grounded": reply.grounding.ok}))
    """
)


def resume(home: Path, question: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", RESUME, str(home), question],
        env=_env(home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_an_app_conversation_resumed_after_a_restart(tmp_path):
    first = resume(tmp_path, "Is silver breaking out?")
    again = resume(tmp_path, "what about gold?")
    assert first["answer"] and again["answer"].strip()
    assert [c["args"].get("asset") for c in again["calls"] if c["name"] == "find_breakouts"] == [
        "gold"
    ]
    history = again["history"]
    assert [h["role"] for h in history] == ["user", "assistant", "user", "assistant"]
    assert history[1]["content"] == first["answer"]  # the first turn was not overwritten
    assert again["grounded"]


@pytest.fixture(scope="module")
def assistant():
    return Assistant(Settings(data="demo"), knowledge=None)


@pytest.mark.parametrize(
    "turns, tool, args",
    [
        (["How has gold done this year?", "over 6 months?"], "period_change", {"asset": "gold"}),
        (["Does bitcoin follow silver?", "weekly?"], "lead_lag", {"freq": "weekly"}),
        (["Does bitcoin follow silver?", "daily?"], "lead_lag", {"freq": "daily"}),
        (["How much is silver?", "vs copper?"], "compare_assets", {"assets": ["silver", "copper"]}),
        (["gold in 2024", "and platinum?"], "period_change", {"asset": "platinum"}),
        (["How much is gold?", "last Friday?"], "get_price", {"asset": "gold"}),
    ],
)
def test_elliptic_follow_ups_without_and(assistant, turns, tool, args, request):
    for q in turns:
        reply = assistant.ask(q, thread_id=request.node.name)
    assert reply.answer.strip() and reply.grounding.ok and reply.error is None
    calls = [c for c in reply.tool_calls if c["name"] == tool]
    assert calls and all(calls[-1]["args"].get(k) == v for k, v in args.items()), reply.tool_calls


def test_message_and_call_ids_are_random_not_counted():
    messages = [SystemMessage("Today is 2026-12-01."), HumanMessage("How much is gold?")]
    one = OfflineAnalyst().bind_tools([{"name": "get_price"}]).respond(messages)
    two = OfflineAnalyst().bind_tools([{"name": "get_price"}]).respond(messages)
    ids = [one.id, two.id, one.tool_calls[0]["id"], two.tool_calls[0]["id"]]
    assert len(set(ids)) == 4
    assert all(re.search(r"[0-9a-f]{32}", i) for i in ids)
