"""Request options and limits from the environment, the server's one model, ``ask --strict``
and the warning at the top, the one rewrite of an answer with invented figures, and the as-of
date given to the model as today."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fakes import ScriptedChatModel
from openai_stub import StubOpenAI

from assistant.agent import Assistant
from assistant.cli.main import main
from assistant.config import AUTO_MODEL, Limits, RequestOptions, Settings
from assistant.events import Rechecking
from assistant.models import resolve
from tools.errors import InputError


@pytest.fixture
def stub():
    with StubOpenAI() as server:
        yield server


def test_every_option_and_limit_comes_from_the_environment():
    env = {
        "MARKET_ASSISTANT_TEMPERATURE": "0.7",
        "MARKET_ASSISTANT_MAX_TOKENS": "300",
        "MARKET_ASSISTANT_TOOL_CHOICE": "Required",
        "MARKET_ASSISTANT_PARALLEL_TOOL_CALLS": "false",
        "MARKET_ASSISTANT_RECHECK": "no",
        "MARKET_ASSISTANT_TIMEOUT": "15",
        "MARKET_ASSISTANT_TURN_TIMEOUT": "90",
        "MARKET_ASSISTANT_RETRIES": "0",
        "MARKET_ASSISTANT_MODEL_CALLS": "4",
        "MARKET_ASSISTANT_TOOL_CALLS": "9",
    }
    s = Settings.from_env(env)
    assert s.request == RequestOptions(0.7, 300, "required", False, False)
    assert (s.limits.timeout_s, s.limits.turn_s, s.limits.retries) == (15, 90, 0)
    assert (s.limits.model_calls, s.limits.tool_calls) == (4, 9)
    defaults = Settings.from_env({})
    assert defaults.request.temperature == 0 and defaults.request.max_tokens == 1024
    assert defaults.limits == Limits()


@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("MARKET_ASSISTANT_MAX_TOKENS", "lots", "whole number from 16"),
        ("MARKET_ASSISTANT_TEMPERATURE", "3", "from 0 to 2"),
        ("MARKET_ASSISTANT_TOOL_CHOICE", "always", "auto, required, none"),
        ("MARKET_ASSISTANT_PARALLEL_TOOL_CALLS", "maybe", "true or false"),
        ("MARKET_ASSISTANT_TURN_TIMEOUT", "nan", "a number from 5"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_is_valid(var, value, says):
    with pytest.raises(InputError) as err:
        Settings.from_env({var: value})
    assert var in str(err.value) and says in str(err.value)


def test_a_base_url_without_a_model_uses_the_servers_one_model(stub):
    stub.models = ["qwen2.5-coder-1.5b"]
    settings = Settings.from_env({"OPENAI_BASE_URL": stub.base_url})
    assert settings.model == AUTO_MODEL  # no longer quietly the offline analyst
    chosen, note = resolve(settings)
    assert chosen.model == "openai:qwen2.5-coder-1.5b"
    assert note == f"Model: openai:qwen2.5-coder-1.5b (the model served at {stub.base_url})."
    named = Settings.from_env({"OPENAI_BASE_URL": stub.base_url, "MARKET_ASSISTANT_MODEL": "x:y"})
    assert resolve(named) == (named, None)


def test_several_or_no_served_models_say_what_to_do(stub):
    stub.models = ["llama3.2", "qwen2.5"]
    with pytest.raises(InputError) as err:
        resolve(Settings(model=AUTO_MODEL, openai_base_url=stub.base_url))
    assert "serves 2 models" in str(err.value) and "openai:llama3.2, openai:qwen2.5" in str(
        err.value
    )
    with pytest.raises(InputError) as err:
        resolve(Settings(model=AUTO_MODEL, openai_base_url="http://127.0.0.1:9/v1"))
    assert "could not be read" in str(err.value) and "--model" in str(err.value)


def test_ask_names_the_model_it_found(stub, capsys, monkeypatch):
    stub.models = ["tiny"]
    stub.push({"text": "Hello."})
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    code = main(["ask", "hi", "--data", "demo", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "Model: openai:tiny" in err
    assert json.loads(out)["model"] == "openai:tiny" and stub.requests[0]["model"] == "tiny"


def invented(body: dict) -> dict:
    return {"text": "Silver is at 12,295.00 USD, up 8% this year."}


def test_strict_exits_3_and_the_warning_heads_the_answer(stub, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("MARKET_ASSISTANT_RECHECK", "0")
    stub.push(invented, invented)
    plain = main(["ask", "How much is silver?", "--data", "demo", "--model", "openai:m"])
    out, err = capsys.readouterr()
    assert plain == 0
    assert out.startswith(
        "Unverified: 2 figures in this answer were not found in the tool results (12,295.00, 8%)"
    )
    assert "12,295.00 USD" in out.split("\n\n", 1)[1]
    strict = main(
        ["ask", "How much is silver?", "--data", "demo", "--model", "openai:m", "--strict"]
    )
    capsys.readouterr()
    assert strict == 3


def test_strict_passes_a_grounded_answer(capsys):
    code = main(["ask", "How much is silver?", "--data", "demo", "--strict"])
    assert code == 0 and not capsys.readouterr().out.startswith("Unverified")


def grounded(body: dict) -> dict:
    tool = [m for m in body["messages"] if m["role"] == "tool"]
    if not tool:
        return {"tool_calls": [{"name": "get_price", "args": {"asset": "silver"}}]}
    close = tool[-1]["content"].split("closed at ")[1].split(" ")[0]
    return {"text": f"Silver closed at {close}."}


def test_an_answer_with_invented_figures_is_rewritten_once(stub):
    stub.push(invented, grounded, grounded)
    settings = Settings(data="demo", model="openai:m", openai_base_url=stub.base_url)
    assistant = Assistant(settings)
    events = list(assistant.stream("How much is silver?", "t1"))
    reply = events[-1].reply
    rechecks = [e for e in events if isinstance(e, Rechecking)]
    assert [r.ungrounded for r in rechecks] == [["12,295.00", "8%"]]
    assert reply.rechecked and reply.grounding.ok and reply.answer.startswith("Silver closed at")
    ask_again = stub.requests[1]["messages"][-1]
    assert ask_again["role"] == "user" and "12,295.00, 8%" in ask_again["content"]
    assert len(stub.requests) == 3
    # The request for a rewrite is not part of the conversation the user sees, nor is the
    # answer it replaced.
    assert assistant.history("t1") == [
        {"role": "user", "content": "How much is silver?"},
        {"role": "assistant", "content": reply.answer},
    ]


def test_a_rewrite_that_still_invents_stays_flagged(stub):
    stub.push(invented, invented)
    settings = Settings(data="demo", model="openai:m", openai_base_url=stub.base_url)
    reply = Assistant(settings).ask("How much is silver?")
    assert reply.rechecked and not reply.grounding.ok and reply.warning.startswith("Unverified")
    assert len(stub.requests) == 2  # once, not again and again


def test_the_offline_analyst_is_never_rewritten():
    model = ScriptedChatModel(["Silver is at 12,295.00."])
    reply = Assistant(Settings(data="demo"), model=model).ask("silver?")
    assert not reply.rechecked and len(model.calls) == 1 and reply.warning


def test_the_as_of_date_is_today_for_the_model(stub):
    stub.push({"text": "ok"})
    settings = Settings(
        data="demo", as_of="2026-01-23", model="openai:m", openai_base_url=stub.base_url
    )
    Assistant(settings, today=dt.date(2026, 12, 1)).ask("What is the date?")
    system = stub.requests[0]["messages"][0]["content"]
    assert "Today is 2026-01-23" in system and "2026-12-01" not in system


def test_the_sidebar_sets_the_request_options(monkeypatch):
    """The app's model controls: the options chosen in the sidebar reach the model server."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MARKET_ASSISTANT_DATA", "demo")
    st.cache_resource.clear()
    app = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
    with StubOpenAI([{"text": "Hello."}]) as stub:
        at = AppTest.from_file(app, default_timeout=90).run()
        at.radio(key="model_mode").set_value("OpenAI-compatible API").run()
        at.text_input(key="model_id").input("openai:tiny")
        at.text_input(key="base_url").input(stub.base_url).run()
        inputs = {w.label: w for w in at.number_input}
        inputs["Temperature"].set_value(0.4)
        inputs["Max tokens per call"].set_value(200)
        inputs["Turn time limit (s)"].set_value(45.0)
        {w.label: w for w in at.selectbox}["Parallel tool calls"].set_value("off").run()
        at.chat_input(key="question").set_value("hi").run()
        assert not at.exception, [e.value for e in at.exception]
        body = stub.requests[0]
    st.cache_resource.clear()
    assert body["model"] == "tiny" and body["temperature"] == 0.4 and body["max_tokens"] == 200
    assert at.session_state["settings"].limits.turn_s == 45.0


def test_a_briefing_names_the_served_model_as_ask_does(stub, capsys, monkeypatch, tmp_path):
    stub.models = ["qwen2.5-coder-1.5b"]
    for _ in range(3):
        stub.push({"text": "Silver and gold both set records, and bitcoin lagged the metals."})
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.delenv("MARKET_ASSISTANT_MODEL", raising=False)
    out = tmp_path / "brief.md"
    code = main(["--data", "demo", "brief", "--assets", "gold,silver", "--out", str(out)])
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert code == 0 and "openai:auto" not in text
    assert "narrated by openai:qwen2.5-coder-1.5b" in text
    assert stub.requests and stub.requests[-1]["model"] == "qwen2.5-coder-1.5b"
