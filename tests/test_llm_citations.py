"""Citations in the grounding check: a source the answer names must be among the passages the
turn retrieved; provenance (a model id) is not a figure; counts are worded in the singular."""

from __future__ import annotations

import pytest
from fakes import ScriptedChatModel, tool_call

from assistant import grounding
from assistant.agent import Assistant
from assistant.config import Settings

PASSAGES = [
    {
        "title": "Silver's Defensive Rally",
        "source": "Kitco",
        "author": "A. Writer",
        "url": "https://example.org/silver",
        "text": "Analysts at Goldman Sachs pointed to a supply deficit.",
    },
    {"title": "The gold/silver ratio", "source": "Market Assistant explanatory notes", "text": ""},
]

# (name, answer, passages given, unsupported citations)
CASES = [
    (
        "invented publications, nothing retrieved",
        "The Economist, WSJ and CNBC say so.",
        [],
        ["The Economist", "WSJ", "CNBC"],
    ),
    (
        "invented publications next to real ones",
        "Per Kitco and Reuters, silver rose.",
        PASSAGES,
        ["Reuters"],
    ),
    ("a name found in a passage's text", "Goldman Sachs sees a deficit [1].", PASSAGES, []),
    ("markers within the sources", "A deficit [1]; the ratio falls [2].", PASSAGES, []),
    ("a marker past the end", "A deficit [1], demand [3].", PASSAGES, ["[3]"]),
    ("a marker with nothing retrieved", "Silver rose [1].", [], ["[1]"]),
    ("a title cited as asked", '(source: "Silver\'s defensive rally")', PASSAGES, []),
    ("an invented title", '(source: "Silver Outlook 2027")', PASSAGES, ["Silver Outlook 2027"]),
    ("an attribution line", "> quoted\n>\n> — *Silver's Defensive Rally* (Kitco)", PASSAGES, []),
    ("the data is not a publication", "Source: get_price tool results.", [], []),
    ("a common noun is not a publication", "An economist at a bank said so.", [], []),
]


@pytest.mark.parametrize(
    ("answer", "passages", "unsupported"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_citation_table(answer, passages, unsupported):
    report = grounding.check(answer, [], sources=passages)
    assert report.unsupported == unsupported
    assert report.ok is (not unsupported)


def test_markers_are_not_figures():
    report = grounding.check("Silver rose 5% [1] [2, 3].", ["up 5%"])
    assert report.checked == 1 and report.ok


def test_a_model_id_and_links_are_not_figures():
    text = (
        "The headline is narrated by openai:qwen2.5-coder-1.5b from csv:../data/2024 "
        "(https://example.org/2025/10/silver)."
    )
    report = grounding.check(text, [])
    assert report.checked == 0 and report.ok


def test_one_figure_is_singular():
    report = grounding.check("Silver is at 12,295.00.", ["Silver closed at 100.93."])
    assert report.warning() == (
        "Unverified: 1 figure in this answer was not found in the tool results (12,295.00)."
        " Treat it as unconfirmed."
    )
    assert "1 of 1 figure not found" in report.badge()
    two = grounding.check("Up 8% to 12,295.00.", [])
    assert "2 figures in this answer were not found" in two.warning()


def test_a_turn_with_invented_sources_is_flagged_and_says_so_at_the_top():
    model = ScriptedChatModel(["Silver is rising, as The Economist, WSJ and CNBC report."])
    reply = Assistant(Settings(data="demo"), model=model).ask("Why is silver rising?")
    assert not reply.grounding.ok and reply.grounding.unsupported == [
        "The Economist",
        "WSJ",
        "CNBC",
    ]
    assert reply.warning.startswith("Unverified: 3 sources it names are not among the passages")
    assert reply.to_dict()["warning"] == reply.warning
    assert list(reply.to_dict())[0] == "warning"


def test_a_turn_citing_what_it_retrieved_passes(knowledge_base):
    def answer(messages):
        return "Silver rose on a supply deficit [1]."

    model = ScriptedChatModel(
        [tool_call_message("search_commentary", {"query": "why is silver rising"}), answer]
    )
    reply = Assistant(Settings(data="demo"), model=model, knowledge=lambda: knowledge_base).ask(
        "Why is silver rising?"
    )
    assert reply.sources and reply.grounding.citations == ["[1]"] and reply.grounding.ok


def tool_call_message(name: str, args: dict):
    from langchain_core.messages import AIMessage

    return AIMessage(content="", tool_calls=[tool_call(name, args)])


def test_the_briefing_provenance_is_not_checked():
    """The narrated briefing names its model, openai:qwen2.5-coder-1.5b: "1.5" was flagged."""
    from assistant.briefing.pipeline import generate

    headline = ScriptedChatModel(["Markets moved."] * 2)
    settings = Settings(data="demo", as_of="2026-01-23", model="openai:qwen2.5-coder-1.5b")
    briefing = generate(settings, ["gold", "silver"], model=headline, commentary=False)
    assert "narrated by openai:qwen2.5-coder-1.5b" in briefing.markdown
    assert briefing.grounding.ok, briefing.grounding.ungrounded
    assert "1.5" not in briefing.grounding.ungrounded
