"""The app's helpers outside Streamlit: a turn built from the assistant's reply, the Markdown
export, the stored turns of a conversation (also those stored before the turn record's second
version), the data status and uploads."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.app import status, uploads
from assistant.app import turn as session
from assistant.config import Settings
from assistant.events import Reply
from assistant.grounding import GroundingReport
from assistant.memory import ConversationStore


def reply(answer="Silver closed at 88.49 [1].", error=None, artifact=None) -> Reply:
    return Reply(
        answer=error or answer,
        sources=[{"title": "Note", "source": "Desk", "text": "Quoted.", "doc_id": "note"}],
        model="offline",
        tool_calls=[{"id": "c1", "name": "get_price", "args": {"asset": "silver"}}],
        tool_results=[
            {
                "id": "c1",
                "name": "get_price",
                "summary": "Silver closed at 88.49.",
                "artifact": artifact or {"kind": "price"},
                "error": False,
            }
        ],
        grounding=GroundingReport(1, [], ["88.49"]),
        data_source="demo",
        error=error,
        error_kind="model" if error else None,
    )


@pytest.fixture(scope="module")
def price_artifact(tmp_path_factory) -> dict:
    from assistant.lc_tools import ToolContext, run_tool

    market = Settings(data="demo", home=tmp_path_factory.mktemp("turn")).market()
    return run_tool("get_price", {"asset": "silver"}, ToolContext(market)).artifact


def test_turn_is_built_from_the_reply(price_artifact):
    turn = session.Turn.from_reply(
        "How much is silver?", reply(artifact=price_artifact), today=dt.date(2026, 12, 1)
    )
    assert turn.answer == "Silver closed at 88.49 [1]."
    assert [(c.name, c.title, c.done) for c in turn.tools] == [
        ("get_price", "Looked up silver's price", True)
    ]
    assert turn.tools_label == "Looked up silver's price"
    assert turn.grounding == {
        "checked": 1,
        "ungrounded": [],
        "ok": True,
        "badge": "all figures from tools (1 checked)",
    }
    assert [(c.title, c.numbers) for c in turn.cited] == [("Note", [1])] and turn.finished
    assert turn.freshness.badge == "Synthetic demo data"
    assert turn.followups and "How much is silver?" not in [f.question for f in turn.followups]
    assert turn.footer == "Offline analyst"


def test_a_failed_turn_shows_its_error_once_and_suggests_nothing():
    turn = session.Turn.from_reply("q", reply(error="Cannot reach the model API."))
    assert turn.error == "Cannot reach the model API." and turn.answer == ""
    assert turn.followups == []


def test_turn_round_trips_through_a_record(tmp_path, price_artifact):
    import plotly.graph_objects as go

    turn = session.Turn.from_reply("How much is silver?", reply(artifact=price_artifact))
    turn.charts = [session.TurnChart("Silver price", go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))]
    store = ConversationStore(tmp_path / "conversations.sqlite")
    store.touch("t1", turn.question)
    store.add_turn("t1", turn.to_record())
    store.add_turn("t1", session.Turn("and gold?", answer="Gold…").to_record())
    back = [session.Turn.from_record(r) for r in store.turns("t1")]
    assert [t.question for t in back] == ["How much is silver?", "and gold?"]
    first = back[0]
    assert (first.answer, first.tools, first.grounding) == (turn.answer, turn.tools, turn.grounding)
    assert (first.cited, first.followups, first.freshness) == (
        turn.cited,
        turn.followups,
        turn.freshness,
    )
    assert first.charts[0].title == "Silver price"
    assert list(first.charts[0].figure.data[0].y) == [3, 4]  # rebuilt when first shown
    assert store.get("t1").title == "How much is silver?"
    store.delete("t1")
    assert store.turns("t1") == [] and store.get("t1") is None


def test_a_turn_stored_by_the_first_version_still_reads():
    record = {
        "version": 1,
        "question": "Why is silver rising?",
        "answer": "> Silver reached a record above 100 dollars an ounce in January\n> — *Rally*",
        "tools": [{"id": "c1", "name": "search_commentary", "args": {"query": "q"}, "done": True}],
        "sources": [
            {
                "title": "Rally",
                "doc_id": "r",
                "text": "Silver reached a record above 100 "
                "dollars an ounce in January, a new all-time high after a long climb.",
            },
            {"title": "Other", "doc_id": "o", "text": "Something the answer does not quote."},
        ],
        "charts": [{"title": "Broken", "figure": 42}],
    }
    turn = session.Turn.from_record(record)
    assert [c.title for c in turn.cited] == ["Rally"] and turn.charts == []
    assert turn.freshness is None and turn.followups == []


def test_a_briefing_answer_puts_its_charts_under_its_sections():
    import plotly.graph_objects as go

    fig = go.Figure()
    turn = session.Turn(
        "Write a market briefing",
        answer="# Market briefing\n\nLead.\n\n## Moves\n\nTable.\n\n## Relationships\n\nText.",
        charts=[
            session.TurnChart("Lead/lag", fig, "relationships"),
            session.TurnChart("Relative", fig, "moves"),
        ],
    )
    pieces = [(text.splitlines()[0], [c.title for c in charts]) for text, charts in turn.pieces()]
    assert pieces == [
        ("# Market briefing", []),
        ("## Moves", ["Relative"]),
        ("## Relationships", ["Lead/lag"]),
    ]


def test_markdown_export(price_artifact):
    turn = session.Turn.from_reply("How much is silver?", reply(artifact=price_artifact))
    text = session.conversation_markdown(
        "How much is silver?", [turn], now=dt.datetime(2026, 11, 24, 9, 30)
    )
    assert text.startswith(
        "# How much is silver?\n\n_Exported from Market Assistant on 2026-11-24 09:30._"
    )
    assert "## 1. How much is silver?" in text and "Silver closed at 88.49" in text
    assert "- Looked up silver's price" in text and "get_price" not in text
    assert "] Note · Desk · undated" in text  # "[1]", escaped where exports are made inert
    assert "_Grounding: all figures from tools (1 checked). Data as of 2026-" in text
    assert (
        session.export_name("Is silver breaking out?", "abcdef123456")
        == "market-assistant-is-silver-breaking-out-abcdef12.md"
    )


def test_data_status_for_demo_and_csv(tmp_path, market_data):
    demo = status.data_status(Settings(data="demo", home=tmp_path).market())
    assert (demo.freshness, demo.badge, demo.refreshable) == (
        "synthetic",
        "Synthetic demo data",
        False,
    )
    csv = status.data_status(Settings(data=f"csv:{market_data}", home=tmp_path).market())
    assert csv.freshness == "csv" and str(market_data) in csv.detail and not csv.refreshable


def test_data_status_when_the_source_fails(tmp_path):
    shown = status.data_status(Settings(data=f"csv:{tmp_path}", home=tmp_path).market())
    assert shown.freshness == "unavailable" and "No CSV for Silver" in shown.detail


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("notes.md", "notes.md"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.PDF", "report.pdf"),
        (".hidden.txt", "hidden.txt"),
        ("weird <name>.html", "weird -name.html"),
        ("", "upload"),
    ],
)
def test_upload_names_are_plain(name, safe):
    assert uploads.safe_filename(name) == safe


def test_save_uploads_writes_into_the_folder(tmp_path):
    paths = uploads.save_uploads(tmp_path / "uploads", [("../a.md", b"# A"), ("b.txt", b"B")])
    assert [p.name for p in paths] == ["a.md", "b.txt"] and all(
        p.parent.parent == tmp_path / "uploads" for p in paths
    )
    assert paths[0].read_bytes() == b"# A"
