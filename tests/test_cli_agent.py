"""``market-assistant ask`` and ``chat`` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.cli.main import main

BIN = Path(sys.executable).parent / "market-assistant"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_shape(capsys):
    code, out, _ = run(capsys, "ask", "How much is silver?", "--data", "demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {
        "answer",
        "tool_calls",
        "sources",
        "grounding",
        "model",
        "data_source",
        "as_of",
    }
    assert data["tool_calls"] == [{"name": "get_price", "args": {"asset": "silver"}}]
    assert data["grounding"]["ungrounded"] == [] and data["grounding"]["checked"] > 0
    assert data["model"] == "offline" and data["data_source"] == "demo"


def test_ask_streams_with_a_line_per_tool_call(capsys):
    code, out, err = run(capsys, "ask", "Is silver breaking out?", "--data", "demo")
    assert code == 0
    assert "· find_breakouts(asset=silver)" in err and "· get_price(asset=silver)" in err
    assert "below its record close" in out and "grounding: all figures from tools" in err


def test_ask_as_of_is_reported(capsys):
    code, out, _ = run(
        capsys, "--as-of", "2020-03-02", "ask", "gold price", "--data", "demo", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2020-03-02"
    assert "2020-03-02" in data["answer"]


def test_thread_gives_follow_ups_memory(capsys):
    run(capsys, "ask", "Does bitcoin follow silver?", "--data", "demo", "--thread", "t1", "--json")
    code, out, _ = run(capsys, "ask", "and gold?", "--data", "demo", "--thread", "t1", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["tool_calls"][0]["name"] == "lead_lag"
    assert data["tool_calls"][0]["args"]["leader"] == "gold"


def test_missing_key_exits_with_a_message(capsys):
    code, out, err = run(
        capsys, "ask", "silver?", "--data", "demo", "--model", "openai:gpt-4.1-mini"
    )
    assert code == 2
    assert "OPENAI_API_KEY" in err and "Traceback" not in err + out


def test_unknown_provider_exits_with_a_message(capsys):
    code, _, err = run(
        capsys, "ask", "silver?", "--data", "demo", "--model", "nosuchprovider:model-x"
    )
    assert code == 2 and "nosuchprovider" in err


def test_too_long_question(capsys):
    code, _, err = run(capsys, "ask", "x" * 100_000, "--data", "demo")
    assert code == 2 and "limit is" in err


def test_chat_loop_with_memory_in_a_subprocess(tmp_path):
    env = {**os.environ, "MARKET_ASSISTANT_HOME": str(tmp_path), "MARKET_ASSISTANT_DATA": "demo"}
    proc = subprocess.run(
        [str(BIN), "chat", "--thread", "c1"],
        input="How much is silver?\nand gold?\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Silver" in proc.stdout and "Gold" in proc.stdout
    assert "get_price(asset=gold)" in proc.stderr
    assert (tmp_path / "conversations.sqlite").exists()
