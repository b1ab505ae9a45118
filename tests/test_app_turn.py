"""The app's helpers outside Streamlit: a turn built from the assistant's reply, plain-words tool
titles, the Markdown export, the stored turns of a conversation, the data status and uploads."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.app import status, uploads
from assistant.app import turn as session
from assistant.config import Settings
from assistant.events import Reply
from assistant.grounding import GroundingReport
from assistant.memory import ConversationStore

TITLES = [
    ("get_price", {"asset": "silver"}, "Price of silver"),
    ("get_price", {"asset": "gold", "on": "2026-01-02"}, "Price of gold on 2026-01-02"),
    (
        "compare_assets",
        {"assets": ["silver", "gold", "bitcoin"]},
        "Compare silver, gold and bitcoin",
    ),
    ("find_breakouts", {"asset": "silver"}, "Breakouts in silver (all-time closing records)"),
    (
        "find_breakouts",
        {"asset": "silver", "vs": "gold", "window": 252},
        "Breakouts in silver against gold (252-day highs)",
    ),
    (
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "freq": "weekly"},
        "Does bitcoin follow silver? (weekly)",
    ),
    (
        "lead_lag",
        {"leader": "gold", "follower": "bitcoin", "freq": "daily", "max_lag": 30, "events": True},
        "Does bitcoin follow gold? (daily, lags up to 30, with event study)",
    ),
    (
        "first_close_above",
        {"asset": "silver", "level": 100},
        "First close of silver at or above 100",
    ),
    (
        "search_commentary",
        {"query": "why is silver rising", "asset": "silver"},
        "Search commentary about silver for “why is silver rising”",
    ),
    ("market_briefing", {}, "Market briefing on the default watchlist"),
    ("market_briefing", {"assets": ["gold", "silver"]}, "Market briefing on gold and silver"),
    ("mystery_tool", {"x": 1}, "mystery_tool(x=1)"),
]


@pytest.mark.parametrize(("name", "args", "title"), TITLES)
def test_tool_calls_in_plain_words(name, args, title):
    assert session.describe_call(name, args) == title


def reply(answer="Silver closed at 88.49.", error=None) -> Reply:
    return Reply(
        answer=error or answer,
        sources=[{"title": "Note", "text": "Quoted."}],
        model="offline",
        tool_calls=[{"id": "c1", "name": "get_price", "args": {"asset": "silver"}}],
        tool_results=[
            {
                "id": "c1",
                "name": "get_price",
                "summary": "Silver closed at 88.49.",
                "artifact": {"kind": "price"},
                "error": False,
            }
        ],
        grounding=GroundingReport(1, [], ["88.49"]),
        data_source="demo",
        error=error,
        error_kind="model" if error else None,
    )


def test_turn_is_built_from_the_reply():
    turn = session.Turn.from_reply("How much is silver?", reply())
    assert turn.answer == "Silver closed at 88.49."
    assert [(c.name, c.title, c.done) for c in turn.tools] == [
        ("get_price", "Price of silver", True)
    ]
    assert turn.tools_label == "Used 1 tool: get_price"
    assert turn.grounding == {
        "checked": 1,
        "ungrounded": [],
        "ok": True,
        "badge": "all figures from tools (1 checked)",
    }
    assert turn.sources[0]["title"] == "Note" and turn.finished
    assert turn.footer.startswith("Offline analyst · data: demo · latest data")


def test_a_failed_turn_shows_its_error_once():
    turn = session.Turn.from_reply("q", reply(error="Cannot reach the model API."))
    assert turn.error == "Cannot reach the model API." and turn.answer == ""


def test_turn_round_trips_through_a_record(tmp_path):
    import plotly.graph_objects as go

    turn = session.Turn.from_reply("How much is silver?", reply())
    turn.charts = [("Silver price", go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))]
    store = ConversationStore(tmp_path / "conversations.sqlite")
    store.touch("t1", turn.question)
    store.add_turn("t1", turn.to_record())
    store.add_turn("t1", session.Turn("and gold?", answer="Gold…").to_record())
    back = [session.Turn.from_record(r) for r in store.turns("t1")]
    assert [t.question for t in back] == ["How much is silver?", "and gold?"]
    assert (
        back[0].answer == turn.answer
        and back[0].tools == turn.tools
        and back[0].grounding == turn.grounding
    )
    assert back[0].charts[0][0] == "Silver price" and list(back[0].charts[0][1].data[0].y) == [3, 4]
    assert store.get("t1").title == "How much is silver?"
    store.delete("t1")
    assert store.turns("t1") == [] and store.get("t1") is None


def test_markdown_export():
    turn = session.Turn.from_reply("How much is silver?", reply())
    text = session.conversation_markdown(
        "How much is silver?", [turn], now=dt.datetime(2026, 11, 24, 9, 30)
    )
    assert text.startswith(
        "# How much is silver?\n\n_Exported from Market Assistant on 2026-11-24 09:30._"
    )
    assert "## 1. How much is silver?" in text and "Silver closed at 88.49." in text
    assert "- Price of silver (`get_price`): Silver closed at 88.49." in text
    assert "- Note: “Quoted.”" in text and "_Grounding: all figures from tools (1 checked)." in text
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
