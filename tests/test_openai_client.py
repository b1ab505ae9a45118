"""The real langchain-openai client against a local OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import re

import pytest
from openai_stub import StubOpenAI

from assistant.agent import Assistant
from assistant.config import Limits, Settings
from assistant.events import TextDelta
from assistant.library import Library

KEY = "sk-test-canary-0123456789"


@pytest.fixture
def stub():
    with StubOpenAI() as server:
        yield server


def make(stub: StubOpenAI, retries: int = 2, timeout: float = 5.0) -> Assistant:
    settings = Settings(
        data="demo",
        model="openai:gpt-test",
        openai_api_key=KEY,
        openai_base_url=stub.base_url,
        limits=Limits(retries=retries, timeout_s=timeout),
    )
    return Assistant(settings, knowledge=Library.from_settings(settings))  # opened only if searched


def echo_close(body: dict) -> dict:
    """Answer with the close the tool result (the last tool message) reported."""
    tool_text = [m for m in body["messages"] if m["role"] == "tool"][-1]["content"]
    close = re.search(r"closed at ([\d,]+\.\d+)", tool_text).group(1)
    return {"text": f"Silver closed at {close} according to the tool."}


def test_whole_turn_with_tool_calls_and_streaming(stub):
    stub.push({"tool_calls": [{"name": "get_price", "args": {"asset": "silver"}}]}, echo_close)
    events = list(make(stub).stream("How much is silver?"))
    reply = events[-1].reply
    assert reply.error is None, reply.error
    assert [c["name"] for c in reply.tool_calls] == ["get_price"]
    assert reply.grounding.ok and reply.grounding.checked == 1
    assert sum(isinstance(e, TextDelta) for e in events) > 3  # streamed word by word
    first = stub.requests[0]
    assert first["stream"] is True and first["model"] == "gpt-test"
    assert {t["function"]["name"] for t in first["tools"]} >= {
        "get_price",
        "lead_lag",
        "search_commentary",
    }
    assert (
        first["messages"][0]["role"] == "system"
        and "Every figure" in first["messages"][0]["content"]
    )
    assert stub.headers[0]["authorization"] == f"Bearer {KEY}"
    # the second request carries the tool result: the compact summary, not the full artifact
    tool_msg = [m for m in stub.requests[1]["messages"] if m["role"] == "tool"][0]
    assert "synthetic demo data" in tool_msg["content"] and len(tool_msg["content"]) <= 1500


def test_401_names_the_variable_to_set(stub):
    stub.push({"status": 401, "message": f"Incorrect API key provided: {KEY}"})
    reply = make(stub).ask("silver?")
    assert reply.error_kind == "auth" and "OPENAI_API_KEY" in reply.error
    assert KEY not in reply.error and KEY not in reply.answer


def test_429_is_retried_then_succeeds(stub):
    stub.push({"status": 429, "headers": {"Retry-After": "0"}}, {"text": "Hello."})
    reply = make(stub).ask("hi")
    assert reply.error is None and reply.answer == "Hello."
    assert len(stub.requests) == 2


def test_500_is_retried_then_reported(stub):
    stub.push(*[{"status": 500} for _ in range(5)])
    reply = make(stub, retries=2).ask("hi")
    assert reply.error_kind == "model" and "500" in reply.error
    assert len(stub.requests) == 3  # the first try and two retries


def test_timeout_is_reported(stub):
    stub.push({"delay": 2.0, "text": "too late"})
    reply = make(stub, retries=0, timeout=0.5).ask("hi")
    assert reply.error_kind == "timeout" and "did not answer" in reply.error


def test_malformed_response_is_reported(stub):
    stub.push({"raw": "this is not json"})
    reply = make(stub, retries=0).ask("hi")
    assert reply.error and "Traceback" not in reply.error


def test_missing_key_names_the_variable():
    settings = Settings(data="demo", model="openai:gpt-test", openai_api_key=None)
    reply = Assistant(settings).ask("hi")
    assert reply.error_kind == "input" and "OPENAI_API_KEY" in reply.error


def test_unreachable_server_is_a_network_error():
    settings = Settings(
        data="demo",
        model="openai:gpt-test",
        openai_api_key=KEY,
        openai_base_url="http://127.0.0.1:9/v1",
        limits=Limits(retries=0, timeout_s=2),
    )
    reply = Assistant(settings).ask("hi")
    assert reply.error_kind == "network" and "127.0.0.1:9" in reply.error


def test_reply_json_shape(stub):
    stub.push({"text": "No figures here."})
    data = make(stub).ask("hi").to_dict()
    json.dumps(data)
    assert set(data) >= {
        "answer",
        "tool_calls",
        "sources",
        "grounding",
        "model",
        "data_source",
        "as_of",
    }
    assert data["grounding"] == {"checked": 0, "ungrounded": [], "ok": True}
