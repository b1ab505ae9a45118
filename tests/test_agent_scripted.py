"""The agent graph driven by a scripted chat model: tools, errors, limits, memory, event order."""

from __future__ import annotations

import re

import pytest
from fakes import ScriptedChatModel, tool_call
from langchain_core.messages import AIMessage, ToolMessage

from assistant.agent import Assistant
from assistant.config import Limits, Settings
from assistant.events import (
    Failed,
    Finished,
    GroundingChecked,
    TextDelta,
    ToolFinished,
    ToolStarted,
)


def settings(**kw) -> Settings:
    return Settings(data="demo", **kw)


def tool_results(messages) -> list[ToolMessage]:
    return [m for m in messages if isinstance(m, ToolMessage)]


def close_from(messages) -> str:
    """The close the price tool reported (as the model saw it in the summary)."""
    text = tool_results(messages)[-1].content
    return re.search(r"closed at ([\d,]+\.\d+)", text).group(1)


def test_one_tool_call_then_answer_is_grounded():
    model = ScriptedChatModel(
        [
            AIMessage("", tool_calls=[tool_call("get_price", {"asset": "silver"})]),
            lambda msgs: f"Silver closed at {close_from(msgs)}.",
        ]
    )
    reply = Assistant(settings(), model=model).ask("How much is silver?")
    assert [c["name"] for c in reply.tool_calls] == ["get_price"]
    assert reply.tool_calls[0]["args"] == {"asset": "silver"}
    assert reply.grounding.ok and reply.grounding.checked == 1
    assert reply.tool_results[0]["artifact"]["kind"] == "price"
    assert reply.tool_results[0]["artifact"]["provenance"]["synthetic"] is True
    assert "synthetic demo data" in reply.tool_results[0]["summary"]


def test_parallel_tool_calls_run_in_one_step():
    model = ScriptedChatModel(
        [
            AIMessage(
                "",
                tool_calls=[
                    tool_call("get_price", {"asset": "gold"}),
                    tool_call("find_breakouts", {"asset": "silver"}),
                ],
            ),
            "Done.",
        ]
    )
    events = list(Assistant(settings(), model=model).stream("gold and silver?"))
    kinds = [type(e).__name__ for e in events]
    # both calls start before either result arrives: they were issued in one model step
    assert kinds.index("ToolFinished") > max(i for i, k in enumerate(kinds) if k == "ToolStarted")
    assert {e.name for e in events if isinstance(e, ToolFinished)} == {
        "get_price",
        "find_breakouts",
    }
    assert len(model.calls) == 2


def test_tool_input_error_lets_the_model_correct_itself():
    def correct(msgs):
        error = tool_results(msgs)[-1]
        assert error.content.startswith("Input error: Unknown asset 'silverr'")
        assert "silver" in error.content
        return AIMessage("", tool_calls=[tool_call("get_price", {"asset": "silver"})])

    model = ScriptedChatModel(
        [
            AIMessage("", tool_calls=[tool_call("get_price", {"asset": "silverr"})]),
            correct,
            lambda msgs: f"Silver closed at {close_from(msgs)}.",
        ]
    )
    reply = Assistant(settings(), model=model).ask("price of silverr")
    assert [r["error"] for r in reply.tool_results] == [True, False]
    assert reply.tool_results[0]["artifact"]["options"][0] == "silver"
    assert reply.grounding.ok and not reply.error


def test_model_that_keeps_calling_tools_is_stopped_at_the_limit():
    looping = [
        AIMessage("", tool_calls=[tool_call("get_price", {"asset": "gold"})]) for _ in range(20)
    ]
    model = ScriptedChatModel(looping)
    reply = Assistant(settings(limits=Limits(model_calls=3, tool_calls=10)), model=model).ask(
        "loop"
    )
    assert len(model.calls) == 3
    assert "per-turn limit" in reply.answer
    assert reply.stopped == "limit" and reply.error == reply.answer  # stopped short: a failure


def test_tool_call_limit_stops_the_turn():
    calls = [tool_call("get_price", {"asset": a}) for a in ("gold", "silver", "bitcoin", "dxy")]
    model = ScriptedChatModel([AIMessage("", tool_calls=calls), "never reached"])
    reply = Assistant(settings(limits=Limits(model_calls=5, tool_calls=2)), model=model).ask("all")
    assert "per-turn limit" in reply.answer
    assert sum(1 for r in reply.tool_results if not r["error"]) <= 2


def test_unknown_tool_and_bad_arguments_come_back_as_errors():
    model = ScriptedChatModel(
        [
            AIMessage(
                "",
                tool_calls=[
                    tool_call("delete_everything", {"path": "/"}),
                    tool_call("find_breakouts", {"asset": "silver", "window": "huge"}),
                ],
            ),
            "I could not do that.",
        ]
    )
    reply = Assistant(settings(), model=model).ask("do something bad")
    assert all(r["error"] for r in reply.tool_results)
    assert len(reply.tool_results) == 2
    assert reply.answer == "I could not do that."


def test_follow_up_sees_the_earlier_turn():
    model = ScriptedChatModel(
        [
            AIMessage("", tool_calls=[tool_call("get_price", {"asset": "silver"})]),
            lambda msgs: f"Silver closed at {close_from(msgs)}.",
            lambda msgs: (
                AIMessage("", tool_calls=[tool_call("get_price", {"asset": "gold"})])
                if any("silver" in str(m.content).lower() for m in msgs[:-1])
                else "no memory"
            ),
            lambda msgs: f"Gold closed at {close_from(msgs)}.",
        ]
    )
    assistant = Assistant(settings(), model=model)
    first = assistant.ask("How much is silver?", thread_id="t1")
    second = assistant.ask("and gold?", thread_id="t1")
    assert first.grounding.ok and second.grounding.ok
    assert second.tool_calls[0]["args"] == {"asset": "gold"}
    # the follow-up's model call received the whole conversation
    texts = [str(m.content) for m in model.calls[2]]
    assert "How much is silver?" in texts and "and gold?" in texts
    history = assistant.history("t1")
    assert [h["role"] for h in history] == ["user", "assistant", "user", "assistant"]


def test_threads_do_not_share_memory():
    model = ScriptedChatModel(["one", "two"])
    assistant = Assistant(settings(), model=model)
    assistant.ask("first thread question", thread_id="a")
    assistant.ask("second thread question", thread_id="b")
    assert "first thread question" not in [str(m.content) for m in model.calls[1]]


def test_event_stream_order():
    model = ScriptedChatModel(
        [
            AIMessage("", tool_calls=[tool_call("get_price", {"asset": "silver"})]),
            lambda msgs: f"Silver closed at {close_from(msgs)} today.",
        ]
    )
    events = list(Assistant(settings(), model=model).stream("silver?"))
    names = [type(e).__name__ for e in events]
    assert names[0] == "ToolStarted" and names[1] == "ToolFinished"
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 3 and "".join(d.text for d in deltas).startswith("Silver closed at")
    assert names.index("GroundingChecked") > names.index("TextDelta")
    assert names[-1] == "Finished"
    started = next(e for e in events if isinstance(e, ToolStarted))
    assert started.args == {"asset": "silver"}
    grounding = next(e for e in events if isinstance(e, GroundingChecked))
    assert grounding.report.ok


def test_ungrounded_figure_is_reported():
    model = ScriptedChatModel(
        [
            AIMessage("", tool_calls=[tool_call("get_price", {"asset": "silver"})]),
            "Silver will reach 1234.56 soon.",
        ]
    )
    reply = Assistant(settings(), model=model).ask("silver?")
    assert reply.grounding.ungrounded == ["1234.56"]


@pytest.mark.parametrize(
    "question,fragment",
    [("", "empty"), ("   \x00\x07  ", "empty"), ("x" * 100_000, "100,000 characters")],
)
def test_bad_questions_get_a_clear_message(question, fragment):
    model = ScriptedChatModel(["unused"])
    events = list(Assistant(settings(), model=model).stream(question))
    failed = [e for e in events if isinstance(e, Failed)]
    assert failed and fragment in failed[0].message and failed[0].kind == "input"
    assert isinstance(events[-1], Finished) and events[-1].reply.error
    assert model.calls == []


def test_model_exception_becomes_a_message_and_the_chat_goes_on():
    def boom(msgs):
        raise RuntimeError("kaput")

    model = ScriptedChatModel([boom, "fine again"])
    assistant = Assistant(settings(), model=model)
    bad = assistant.ask("first", thread_id="x")
    assert bad.error and "kaput" in bad.error and "Traceback" not in bad.error
    good = assistant.ask("second", thread_id="x")
    assert good.answer == "fine again" and good.error is None
