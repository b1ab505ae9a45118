"""Bounded turns against the loopback OpenAI stub: the turn's wall-clock deadline (keep-alives
do not extend it; the stream is closed), the repetition guard on a recorded runaway reply,
max_tokens and a reply cut at finish_reason "length", Retry-After past the deadline, and the
request options every request carries."""

from __future__ import annotations

import time

import pytest
from conftest import SHARED
from openai_stub import StubOpenAI

from assistant.agent import Assistant
from assistant.config import Limits, RequestOptions, Settings
from assistant.events import TextDelta
from assistant.llm.guard import HoldBack, RepetitionGuard

RUNAWAY = SHARED / "llm-transcripts" / "resp-002.txt"
SLACK_S = 2.5  # a stop after the deadline: closing, folding, and a loaded 2-core machine


@pytest.fixture
def stub():
    with StubOpenAI() as server:
        yield server


def make(stub: StubOpenAI, turn_s: float = 30, retries: int = 0, **request) -> Assistant:
    settings = Settings(
        data="demo",
        model="openai:small-local-model",
        openai_base_url=stub.base_url,
        limits=Limits(retries=retries, timeout_s=20, turn_s=turn_s),
        request=RequestOptions(**request),
    )
    return Assistant(settings)


def wait_for(predicate, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def timed(assistant: Assistant, question: str):
    """The turn's events, reply and seconds (the agent is built first: once per assistant)."""
    assistant.graph()
    started = time.monotonic()
    events = list(assistant.stream(question))
    return events, events[-1].reply, time.monotonic() - started


def test_keep_alives_do_not_extend_the_deadline(stub):
    """A server reading a long prompt sends keep-alives: no read ever times out, yet the turn
    ends at its deadline and the connection is closed."""
    stub.push({"keepalive": 30, "every": 0.1, "text": "far too late"})
    _, reply, elapsed = timed(make(stub, turn_s=1.5), "How much is silver?")
    assert elapsed < 1.5 + SLACK_S, elapsed
    assert reply.stopped == "deadline" and reply.error_kind == "timeout"
    assert "1.5 s" in reply.error and "MARKET_ASSISTANT_TURN_TIMEOUT" in reply.error
    assert wait_for(lambda: stub.disconnects >= 1)  # the server saw the stream closed


def test_a_stream_gone_silent_is_cut_at_the_deadline_not_at_the_read_timeout(stub):
    """The read timeout (20 s) is fixed when the body starts; the turn has 1.5 s."""
    stub.push({"text": "Silver closed at", "stall": 30})
    _, reply, elapsed = timed(make(stub, turn_s=1.5), "How much is silver?")
    assert elapsed < 1.5 + SLACK_S, elapsed
    assert reply.stopped == "deadline" and reply.answer == "Silver"


def test_a_slow_stream_is_cut_at_the_deadline_and_keeps_what_arrived(stub):
    words = " ".join(f"word{i}" for i in range(400))
    stub.push({"text": words, "pace": 0.02})
    events, reply, elapsed = timed(make(stub, turn_s=1.5), "Tell me everything.")
    assert elapsed < 1.5 + SLACK_S, elapsed
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert reply.stopped == "deadline" and reply.answer and reply.answer == streamed.strip()
    assert words.startswith(reply.answer) and len(reply.answer) < len(words)
    assert wait_for(lambda: stub.disconnects >= 1)


def test_a_recorded_runaway_reply_is_stopped_by_the_repetition_guard(stub):
    if not RUNAWAY.is_file():
        pytest.skip("../shared/llm-transcripts is not present")
    stub.push({"replay": RUNAWAY, "pace": 0.001})
    events, reply, elapsed = timed(make(stub), "Is silver breaking out?")
    assert reply.stopped == "repetition" and reply.error_kind == "model"
    assert "repeating itself" in reply.error
    loop = "Compare Silver with Ratio Gold in 1d/1w/1m"
    assert reply.answer.count(loop) <= 2  # one copy of the loop is kept, not fifty
    assert reply.answer.startswith("Let's break it down")
    assert wait_for(lambda: stub.disconnects >= 1)  # the stream was closed, not read to the end


def test_a_reply_cut_at_max_tokens_is_reported_as_cut_short(stub):
    stub.push({"text": "Silver is trading", "finish_reason": "length"})
    reply = make(stub, max_tokens=64).ask("How much is silver?")
    assert reply.stopped == "length" and reply.answer == "Silver is trading"
    assert "64 tokens" in reply.error and "MARKET_ASSISTANT_MAX_TOKENS" in reply.error


def test_retry_after_longer_than_the_turn_ends_it_now(stub):
    stub.push({"status": 429, "headers": {"Retry-After": "30"}}, {"text": "Hello."})
    _, reply, elapsed = timed(make(stub, turn_s=5, retries=2), "hi")
    assert elapsed < 2.0, elapsed  # no sleeping 30 s past a 5 s turn
    assert reply.stopped == "deadline" and "Retry-After" not in (reply.error or "")
    assert "retry after 30 s" in reply.error and len(stub.requests) == 1


def test_retry_after_within_the_turn_is_honoured(stub):
    stub.push({"status": 503, "headers": {"Retry-After": "0.2"}}, {"text": "Hello."})
    reply = make(stub, turn_s=20, retries=2).ask("hi")
    assert reply.error is None and reply.answer == "Hello." and len(stub.requests) == 2


def test_every_request_carries_the_request_options(stub):
    stub.push({"tool_calls": [{"name": "get_price", "args": {"asset": "gold"}}]}, {"text": "ok"})
    make(
        stub, temperature=0.3, max_tokens=333, tool_choice="required", parallel_tool_calls=False
    ).ask("gold?")
    first, second = stub.requests
    assert first["temperature"] == 0.3 and first["max_tokens"] == 333
    assert "max_completion_tokens" not in first  # local servers read max_tokens
    assert first["stream_options"] == {"include_usage": True}
    assert first["tool_choice"] == "required" and first["parallel_tool_calls"] is False
    assert second.get("tool_choice", "auto") == "auto"  # required on the first call only
    assert second["parallel_tool_calls"] is False


def test_defaults_send_temperature_zero_and_a_token_limit(stub):
    stub.push({"text": "ok"})
    reply = make(stub).ask("hi")
    body = stub.requests[0]
    assert body["temperature"] == 0 and body["max_tokens"] == RequestOptions().max_tokens
    assert "tool_choice" not in body and "parallel_tool_calls" not in body
    assert reply.usage == {"input_tokens": 10, "output_tokens": 5, "model_calls": 1}


def test_openai_itself_gets_max_completion_tokens(monkeypatch):
    from assistant.models import make_model

    settings = Settings(model="openai:gpt-4.1-mini", openai_api_key="sk-test-0000000000")
    model = make_model(settings)
    payload = model._get_request_payload([("user", "hi")])
    assert payload["max_completion_tokens"] == 1024 and "max_tokens" not in payload
    assert payload["temperature"] == 0


# --- the guards alone ---------------------------------------------------------------------------

ORDINARY = [
    # tables and lists whose rows share a shape must not count as a loop
    "| Asset | Close | 1m |\n|---|---|---|\n"
    + "".join(f"| {a} | {i}.00 | +{i}.5% |\n" for i, a in enumerate(["Gold", "Silver", "BTC"], 1)),
    "".join(
        f"- {a} closed at {i}.5 on 2026-01-2{i}. Source: CSV; data to 2026-01-23.\n"
        for i, a in enumerate(["Gold", "Silver", "Bitcoin", "S&P 500", "Dollar"], 1)
    ),
    "Yes. Yes. Yes. Yes. Yes. No.",  # short sentences may repeat
    # rows that differ only in their dates and figures are distinct rows, not a loop
    "Silver's records since October:\n\n"
    + "".join(
        f"- 2025-{m:02d}-{d:02d}: a record close of {c:.2f} USD/oz\n"
        for m, d, c in [
            (10, 8, 50.1),
            (10, 14, 52.3),
            (10, 17, 53.9),
            (11, 12, 54.2),
            (12, 3, 58.7),
        ]
    )
    + "\nThe latest is the highest.",
    "| Asset | Close | Change | Date |\n|---|---|---|---|\n"
    + "".join(
        f"| Asset{i} | {100 + i * 3.17:.2f} | +{i * 0.71:.2f}% | 2026-10-{i + 1:02d} |\n"
        for i in range(14)
    ),
    "".join(
        f"{i + 1}. Silver set a record close of {50 + i * 1.3:.2f} USD on 2025-10-{i + 8:02d}, "
        f"{i + 2} trading days after the previous record.\n"
        for i in range(15)
    ),
]

LOOPS = [
    " ".join(["Silver keeps rising and rising."] * 400),
    # a small model's loop in prose, a figure counting up (Qwen2.5-Coder-1.5B on llama.cpp)
    "Gold is not at a record. "
    + "".join(
        f"The price has been falling for the past {d} days, and it has not reached a new high "
        "since the last close. The claim holds. "
        for d in range(5, 130, 5)
    ),
    "| Gold | 4,120.50 | +1.25% | 2026-01-23 |\n" * 40,  # the same row, figures and all
    "".join(f"{i}. Gold closed at 4,120.50 USD on 2026-01-23, a record.\n" for i in range(1, 30)),
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_answers_are_not_loops(text):
    guard = RepetitionGuard()
    for i in range(0, len(text), 7):
        guard.feed(text[i : i + 7])
    assert not guard.looping


@pytest.mark.parametrize("text", LOOPS)
def test_the_same_text_with_the_same_figures_over_and_over_is_a_loop(text):
    guard = RepetitionGuard()
    for i in range(0, len(text), 7):
        if guard.feed(text[i : i + 7]):
            break
    assert guard.looping and len(guard.kept()) < 200


def test_a_list_of_distinct_records_streams_to_the_end(stub):
    text = ORDINARY[3]
    stub.push({"text": text, "pace": 0.001})
    reply = make(stub, recheck=False).ask("When did silver set records?")
    assert reply.stopped is None and reply.error is None
    assert reply.answer == text.strip()


def test_a_numbered_loop_and_a_run_without_breaks_are_loops():
    numbered = "".join(
        f"{i}. **Compare silver with gold**: we will find breakouts of silver. We set a window.\n"
        for i in range(1, 12)
    )
    guard = RepetitionGuard()
    for i in range(0, len(numbered), 5):
        if guard.feed(numbered[i : i + 5]):
            break
    assert guard.looping and guard.kept().count("Compare silver with gold") <= 2
    run = RepetitionGuard()
    for _ in range(300):
        if run.feed("gold "):
            break
    assert run.looping and len(run.kept()) < 20


def test_holdback_shows_prose_at_once_and_holds_a_call():
    hold = HoldBack()
    shown = "".join(hold.feed(p) for p in ["Let me check. ", "<to", "ols>", '{"name": "x"}'])
    assert shown == "Let me check. " and hold.finish(was_call=True) == ""
    hold = HoldBack()
    shown = "".join(hold.feed(p) for p in ["Use `get", "_price` for a < b", "\n{x}", " end"])
    assert shown == "Use `get_price` for a < b\n" and hold.finish(was_call=False) == "{x} end"


class SlowMarket:
    """Prices that take longer to read than the turn may last."""

    def __init__(self, seconds: float):
        from assistant.config import Settings as S

        self.inner = S(data="demo").market()
        self.source = self.inner.source
        self.seconds = seconds

    def series(self, name, refresh=False):
        time.sleep(self.seconds)
        return self.inner.series(name, refresh)

    def resolve(self, name):
        return self.inner.resolve(name)


def test_a_tool_still_running_at_the_deadline_is_not_waited_for():
    from fakes import ScriptedChatModel, tool_call
    from langchain_core.messages import AIMessage

    model = ScriptedChatModel(
        [AIMessage(content="", tool_calls=[tool_call("get_price", {"asset": "silver"})]), "done"]
    )
    settings = Settings(data="demo", limits=Limits(turn_s=1.0))
    assistant = Assistant(settings, model=model, market=SlowMarket(20))
    events, reply, elapsed = timed(assistant, "How much is silver?")
    assert elapsed < 1.0 + SLACK_S, elapsed
    assert reply.stopped == "deadline" and [c["name"] for c in reply.tool_calls] == ["get_price"]
    assert reply.tool_results == [] and len(model.calls) == 1


def test_a_repetition_stop_shows_only_the_product_s_message(stub, caplog):
    """LangChain logs every exception a callback raises; the guard's planned stop is not an
    error to show, so nothing but the reply's own message reaches the user."""
    stub.push({"text": LOOPS[0], "pace": 0.0005})
    with caplog.at_level("DEBUG"):
        reply = make(stub).ask("Is silver rising?")
    assert reply.stopped == "repetition" and "repeating itself" in reply.error
    logged = [r.getMessage() for r in caplog.records if r.levelno >= 30]
    assert not [m for m in logged if "callback" in m or "RepetitionStopped" in m], logged


def test_a_turn_stopped_at_its_call_limit_fails_and_counts_every_text_call(
    stub, capsys, monkeypatch
):
    """A model that calls a tool (written as text) on every call until the limit: the turn is a
    failure to answer fully (exit 1, one clear line), the limit's own figures are not checked
    as the answer's, and the notice counts every call that ran."""
    import json

    from assistant.cli.main import main

    call = '<tool_call>{"name": "get_price", "arguments": {"asset": "gold"}}</tool_call>'
    for _ in range(6):
        stub.push({"text": call})
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("MARKET_ASSISTANT_MODEL_CALLS", "3")
    monkeypatch.setenv("MARKET_ASSISTANT_TOOL_CALLS", "12")
    code = main(["--data", "demo", "ask", "gold?", "--model", "openai:m", "--json"])
    out, err = capsys.readouterr()
    reply = json.loads(out)
    assert code == 1 and len(stub.requests) == 3 and len(reply["tool_calls"]) == 3
    assert "per-turn limit (3 model calls, 12 tool calls)" in reply["error"]
    assert reply["grounding"]["checked"] == 0 and reply["grounding"]["ok"]
    assert any("wrote 3 tool calls as text" in n for n in reply["notices"]), reply["notices"]
    assert not any("1 tool call " in n for n in reply["notices"])
