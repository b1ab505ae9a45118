"""Tool calls written as text: the parser on named cases, and the real exchanges with a small
local model (../shared/llm-transcripts) replayed through the loopback OpenAI stub."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SHARED
from openai_stub import StubOpenAI

from assistant.agent import Assistant
from assistant.config import Limits, Settings
from assistant.events import Notice, TextDelta, ToolFinished, ToolStarted
from assistant.lc_tools import ALL_TOOLS
from assistant.llm.middleware import validated
from assistant.llm.textcalls import parse

TRANSCRIPTS = SHARED / "llm-transcripts"
KNOWN = {t.name for t in ALL_TOOLS}

# (name, text, expected calls as (name, args), looked like a call)
CASES = [
    (
        "hermes",
        '<tool_call>\n{"name": "get_price", "arguments": {"asset": "gold"}}\n</tool_call>',
        [("get_price", {"asset": "gold"})],
        True,
    ),
    (
        "hermes unclosed",
        '<tool_call>{"name": "get_price", "arguments": {"asset": "gold"}}',
        [("get_price", {"asset": "gold"})],
        True,
    ),
    (
        "tools tag",
        '<tools>\n  {"name": "lead_lag", "arguments": {"leader": "silver", "follower": "btc"}}\n'
        "</tools>",
        [("lead_lag", {"leader": "silver", "follower": "btc"})],
        True,
    ),
    (
        "fenced json",
        '```json\n{\n  "name": "get_price",\n  "arguments": {"asset": "silver"}\n}\n```',
        [("get_price", {"asset": "silver"})],
        True,
    ),
    (
        "bare object with prose",
        'I will look it up. {"name": "get_price", "arguments": {"asset": "silver"}} Done.',
        [("get_price", {"asset": "silver"})],
        True,
    ),
    (
        "doubled braces",
        '{{"name": "get_price", "arguments": {"asset": "silver", "on": ""}}}',
        [("get_price", {"asset": "silver", "on": ""})],
        True,
    ),
    (
        "doubled braces on both levels",
        '{{"name": "lead_lag", "arguments": {{"leader": "gold", "follower": "bitcoin"}}}}',
        [("lead_lag", {"leader": "gold", "follower": "bitcoin"})],
        True,
    ),
    (
        "two calls in a list",
        '[{"name": "get_price", "arguments": {"asset": "gold"}},'
        ' {"name": "get_price", "arguments": {"asset": "silver"}}]',
        [("get_price", {"asset": "gold"}), ("get_price", {"asset": "silver"})],
        True,
    ),
    (
        "openai shape, arguments as a string",
        '{"type": "function", "function": {"name": "get_price", "arguments": "{\\"asset\\": '
        '\\"dxy\\"}"}}',
        [("get_price", {"asset": "dxy"})],
        True,
    ),
    (
        "parameters key",
        '{"name": "first_close_above", "parameters": {"asset": "silver", "level": 50}}',
        [("first_close_above", {"asset": "silver", "level": 50})],
        True,
    ),
    (
        "function tag with JSON",
        '<function=get_price>{"asset": "gold"}</function>',
        [("get_price", {"asset": "gold"})],
        True,
    ),
    (
        "function tag with parameters",
        '<tool_call><function=compare_assets><parameter=assets>["gold", "silver"]'
        "</parameter></function></tool_call>",
        [("compare_assets", {"assets": ["gold", "silver"]})],
        True,
    ),
    (
        "python-style call on its own line",
        'get_price(asset="silver", on="2025-01-02")',
        [("get_price", {"asset": "silver", "on": "2025-01-02"})],
        True,
    ),
    ("a plain answer", "Silver closed at 100.93 on 2026-01-23.", [], False),
    ("JSON that is not a call", 'The fields are {"silver": 100, "gold": 4000}.', [], False),
    ("a tool named in prose", "I would use `get_price` for that.", [], False),
    ("a fenced non-call", '```json\n{"close": 100.93}\n```', [], False),
]


@pytest.mark.parametrize(
    ("text", "calls", "looked"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_parser_cases(text, calls, looked):
    found = parse(text, KNOWN)
    assert [(c.name, c.args) for c in found.calls] == calls
    assert found.looked_like_calls is looked
    if calls:
        assert "{" not in found.prose and "<tool" not in found.prose


def test_unreadable_calls_say_why():
    unknown = parse('<tool_call>{"name": "get_prices", "arguments": {}}</tool_call>', KNOWN)
    assert unknown.looked_like_calls and not unknown.calls
    assert any("get_prices" in p and "does not exist" in p for p in unknown.problems)
    broken = parse('<tool_call>{"name": "get_price", "arguments": {"asset": </tool_call>', KNOWN)
    assert broken.looked_like_calls and not broken.calls
    assert any("could not be read" in p for p in broken.problems)


def test_arguments_are_checked_against_the_schema():
    tool = next(t for t in ALL_TOOLS if t.name == "get_price")
    args, issues = validated(tool, {"asset": "silver", "on": None, "date": "x"})
    assert args == {"asset": "silver", "date": "x"}  # an unknown argument is named, not dropped
    assert issues == ["get_price: unknown argument 'date' (it takes asset, on)"]
    args, issues = validated(tool, {"asset": 5})
    assert args == {"asset": 5}
    assert issues == ["get_price: asset: Input should be a valid string (got 5)"]
    _, issues = validated(tool, {})
    assert any("asset" in i and "required" in i.lower() for i in issues)


# --- the real exchanges, replayed --------------------------------------------------------------


@pytest.fixture
def transcripts():
    if not (TRANSCRIPTS / "resp-003.txt").is_file():
        pytest.skip("../shared/llm-transcripts is not present")
    return TRANSCRIPTS


@pytest.fixture
def stub():
    with StubOpenAI() as server:
        yield server


def make(stub: StubOpenAI, **limits) -> Assistant:
    settings = Settings(
        data="demo",
        model="openai:qwen2.5-coder-1.5b",
        openai_base_url=stub.base_url,
        limits=Limits(retries=0, timeout_s=10, **limits),
    )
    return Assistant(settings)


def echo_tool_result(body: dict) -> dict:
    """The answer a good model gives: the close the tool reported, copied."""
    tool = [m for m in body["messages"] if m["role"] == "tool"][-1]["content"]
    name, close = re.search(r"^(.+?) \(.+?\) closed at ([\d,]+\.\d+)", tool).groups()
    return {"text": f"{name} closed at {close} according to the tool."}


@pytest.mark.parametrize(
    ("recording", "asset"),
    [("resp-003.txt", "gold"), ("resp-005.txt", "silver"), ("resp-006.txt", "silver")],
)
def test_recorded_text_calls_run_as_real_calls(stub, transcripts, recording, asset):
    stub.push({"replay": transcripts / recording}, echo_tool_result)
    events = list(make(stub).stream(f"How much is {asset}?"))
    reply = events[-1].reply
    assert reply.error is None, reply.error
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("get_price", {"asset": asset})]
    assert not reply.tool_results[0]["error"]
    assert reply.answer.startswith(asset.capitalize()) and reply.grounding.ok
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "{" not in streamed and "<tools>" not in streamed  # the call never showed as text
    assert any(isinstance(e, Notice) and "as text" in e.message for e in events)
    # The model's next request carries a structured call and the tool's result.
    second = stub.requests[1]["messages"]
    call = next(m for m in second if m["role"] == "assistant")
    assert call["tool_calls"][0]["function"]["name"] == "get_price"
    assert json.loads(call["tool_calls"][0]["function"]["arguments"]) == {"asset": asset}
    assert any(m["role"] == "tool" and "closed at" in m["content"] for m in second)


def test_prose_around_a_fenced_call_is_not_the_answer(stub, transcripts):
    """resp-007: prose, a fenced call, then an invented price (12,295.00)."""
    stub.push({"replay": transcripts / "resp-007.txt"}, echo_tool_result)
    events = list(make(stub).stream("Given all that, how much is silver now?"))
    reply = events[-1].reply
    assert [c["name"] for c in reply.tool_calls] == ["get_price"]
    assert "12,295" not in reply.answer and reply.grounding.ok
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "12,295" not in streamed and "```" not in streamed


def test_doubled_braces_from_a_real_reply(stub, transcripts):
    body = json.loads((transcripts / "curl_ls_tools_auto.json").read_text())
    stub.push({"text": body["choices"][0]["message"]["content"]}, echo_tool_result)
    reply = make(stub).ask("How much is silver?")
    assert reply.error is None and [c["args"] for c in reply.tool_calls] == [
        {"asset": "silver", "on": ""}
    ]
    assert reply.grounding.ok


def test_a_call_that_cannot_be_read_says_how_to_enable_tool_calls(stub):
    stub.push({"text": '<tool_call>{"name": "get_prices", "arguments": {"asset": "gold"}}'})
    events = list(make(stub).stream("How much is gold?"))
    reply = events[-1].reply
    assert reply.error_kind == "model" and not reply.tool_calls
    for needle in ("no structured tool calls", "--jinja", "--enable-auto-tool-choice", "Ollama"):
        assert needle in reply.error
    assert "get_prices" in reply.error  # what was wrong
    assert "<tool_call>" not in reply.answer
    assert not any(isinstance(e, ToolStarted) for e in events)


def test_wrong_argument_types_reach_the_model_as_a_tool_error(stub):
    stub.push(
        {"text": '{"name": "first_close_above", "arguments": {"asset": "silver", "level": "x"}}'},
        {"text": "I could not read the level."},
    )
    reply = make(stub).ask("When did silver first close above x?")
    assert [c["name"] for c in reply.tool_calls] == ["first_close_above"]
    tool_msg = [m for m in stub.requests[1]["messages"] if m["role"] == "tool"][0]
    assert "level" in tool_msg["content"] and "error" in tool_msg["content"].lower()


def test_the_cli_exit_code_when_no_call_can_be_read(stub, capsys, monkeypatch):
    from assistant.cli.main import main

    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("MARKET_ASSISTANT_RETRIES", "0")
    stub.push({"text": "<tools>not a call</tools>"})
    code = main(["ask", "How much is gold?", "--data", "demo", "--model", "openai:m"])
    out, err = capsys.readouterr()
    assert code == 1 and "no structured tool calls" in err and "<tools>" not in out


def test_chat_template_markup_is_taken_out_of_an_answer(stub):
    """A recorded reply ended with '</tool_response>' after its answer."""
    stub.push({"text": "Bitcoin closed higher.\n</tool_response>"})
    reply = make(stub).ask("bitcoin?")
    assert reply.answer == "Bitcoin closed higher." and len(stub.requests) == 1


def test_the_recorded_briefing_narration_is_not_flagged_for_its_model_id(
    stub, transcripts, market_data
):
    """resp-009: the model narrated a briefing's headline; the only flag on it was "1.5", from
    the model id openai:qwen2.5-coder-1.5b in the provenance."""
    from assistant.briefing.pipeline import generate
    from assistant.models import make_model

    stub.push(*[{"replay": transcripts / "resp-009.txt"}] * 2)  # the rewrite gets the same text
    settings = Settings(
        data=f"csv:{market_data}",
        as_of="2026-01-23",
        model="openai:qwen2.5-coder-1.5b",
        openai_base_url=stub.base_url,
        limits=Limits(retries=0),
    )
    briefing = generate(settings, model=make_model(settings), commentary=False)
    assert "narrated by openai:qwen2.5-coder-1.5b" in briefing.markdown
    assert "Silver reached a new record of 100.93 on 2026-01-23" in briefing.markdown
    assert briefing.grounding.ok and briefing.flagged == [], briefing.grounding.ungrounded
    assert len(stub.requests) == 1  # nothing to rewrite


@pytest.mark.parametrize("as_text", [True, False], ids=["text-call", "structured-call"])
def test_a_call_with_bad_arguments_is_not_run_and_says_why(stub, as_text):
    """{"asset": 5, "bogus": true}: the tool is not run; the model and the user's tool line get
    one message naming the tool and both bad arguments, and the model may correct the call."""
    bad = {"asset": 5, "bogus": True}
    if as_text:
        first = {
            "text": json.dumps({"name": "get_price", "arguments": bad}).join(
                ["<tool_call>", "</tool_call>"]
            )
        }
    else:
        first = {"tool_calls": [{"name": "get_price", "args": bad}]}
    stub.push(first, {"tool_calls": [{"name": "get_price", "args": {"asset": "silver"}}]})
    stub.push(echo_tool_result)
    events = list(make(stub).stream("How much is silver?"))
    reply = events[-1].reply
    refused, ran = reply.tool_results
    assert refused["error"] and refused["summary"].startswith("Input error: get_price was not run")
    assert "unknown argument 'bogus'" in refused["summary"]
    assert "asset: Input should be a valid string (got 5)" in refused["summary"]
    assert "Error invoking tool" not in refused["summary"]
    lines = [e.summary for e in events if isinstance(e, ToolFinished) and e.error]
    assert lines == [refused["summary"]]
    told = [m for m in stub.requests[1]["messages"] if m["role"] == "tool"]
    assert told and told[-1]["content"] == refused["summary"]
    assert not ran["error"] and reply.error is None and reply.grounding.ok
