"""The LangChain tools run alone, through the registry: typed results read back from artifacts,
and the briefing tool naming the data source the session really uses."""

from __future__ import annotations

import pytest

from assistant.agent import Assistant
from assistant.config import Settings
from assistant.lc_tools import ALL_TOOLS, ToolContext, run_tool, tools_for
from assistant.registry import RESULT_TYPES, Kind, ToolFailure, ToolName, kind_of, read
from tools.breakouts import BreakoutResult
from tools.data import Market, make_source
from tools.leadlag import LeadLagResult
from tools.prices import CloseOn, LevelCross, PriceLookup
from tools.relative import Comparison


@pytest.fixture(scope="module")
def ctx() -> ToolContext:
    return ToolContext(market=Market(make_source("demo")), settings=Settings(data="demo"))


@pytest.mark.parametrize(
    ("name", "args", "kind", "typed"),
    [
        (ToolName.PRICE, {"asset": "silver"}, Kind.PRICE, PriceLookup),
        (ToolName.PRICE, {"asset": "gold", "on": "2024-03-01"}, Kind.CLOSE_ON, CloseOn),
        (ToolName.COMPARE, {"assets": ["silver", "gold"]}, Kind.COMPARE, Comparison),
        (ToolName.BREAKOUTS, {"asset": "silver"}, Kind.BREAKOUTS, BreakoutResult),
        (
            ToolName.LEAD_LAG,
            {"leader": "silver", "follower": "bitcoin"},
            Kind.LEADLAG,
            LeadLagResult,
        ),
        (ToolName.LEVEL, {"asset": "silver", "level": 30}, Kind.LEVEL, LevelCross),
    ],
)
def test_each_tool_runs_alone_and_its_artifact_reads_back_typed(ctx, name, args, kind, typed):
    message = run_tool(name, args, ctx)
    assert kind_of(message.artifact) == kind and RESULT_TYPES[kind] is typed
    result = read(message.artifact)
    assert isinstance(result, typed)
    # the typed result is the same result: it serialises back to the very artifact
    assert {"kind": kind.value, **result.to_dict()} == message.artifact


def test_an_input_error_reads_back_as_a_tool_failure_with_options(ctx):
    message = run_tool(ToolName.PRICE, {"asset": "slvr"}, ctx)
    failure = read(message.artifact)
    assert isinstance(failure, ToolFailure) and "silver" in failure.error + " ".join(
        failure.options
    )
    assert message.content.startswith("Input error:")


def test_unknown_artifacts_read_as_nothing():
    assert read(None) is None and read({"kind": "nonsense"}) is None and read("text") is None


def test_the_registry_names_every_tool_and_no_other(ctx):
    built = {t.name for t in ALL_TOOLS}
    # The claim checker's name is agreed before its tool lands; every other name has its tool.
    assert built == {n.value for n in ToolName} - ({ToolName.CHECK_CLAIMS.value} - built)
    assert ToolName.COMMENTARY not in {t.name for t in tools_for(ctx)}  # no library in ctx


def test_a_chat_briefing_names_the_data_source_of_the_session():
    """The briefing tool takes the session's settings: under demo data it says demo, not auto."""
    reply = Assistant(Settings(data="demo"), knowledge=None).ask("Write a market briefing")
    assert reply.data_source == "demo"
    assert [c["name"] for c in reply.tool_calls] == [ToolName.BRIEFING]
    markdown = reply.tool_results[0]["artifact"]["markdown"]
    assert "**Data source**: demo." in markdown and "**Data source**: auto" not in markdown
