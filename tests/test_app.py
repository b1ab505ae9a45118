"""The Streamlit app, headless through AppTest: welcome, a streamed turn with tools, chart, sources
and grounding, memory, friendly errors, persistence across restarts, export, and uploads.

Every test runs on the synthetic demo data in its own data directory (conftest). The tests that
need the commentary library share one directory, so the bundled notes are embedded only once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from openai_stub import StubOpenAI
from streamlit.testing.v1 import AppTest

from assistant.app import turn as session

APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"
SECRET = "sk-test-SECRET-0123456789abcdef"


@pytest.fixture(autouse=True)
def demo_data(monkeypatch):
    monkeypatch.setenv("MARKET_ASSISTANT_DATA", "demo")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()  # close nothing by hand: each test owns its own data directory


@pytest.fixture(scope="module")
def library_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("library-home")


@pytest.fixture
def with_library(library_home, monkeypatch) -> Path:
    """Point the app at a data directory whose commentary library the module builds once."""
    monkeypatch.setenv("MARKET_ASSISTANT_HOME", str(library_home))
    return library_home


def start() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    return at.run()


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question)
    return at.run()


def texts(at: AppTest) -> list[str]:
    """Every piece of text on the page (main area and sidebar)."""
    out = (
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [w.value for w in at.warning]
    )
    out += [e.value for e in at.error] + [s.value for s in at.success] + [c.value for c in at.code]
    return (
        out
        + [b.label for b in at.button]
        + [e.label for e in at.expander]
        + [s.label for s in at.status]
    )


def joined(at: AppTest) -> str:
    return "\n".join(texts(at))


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# -- first visit ---------------------------------------------------------------------------------
def test_first_visit_shows_welcome_examples_model_and_data():
    at = start()
    assert_clean(at)
    examples = [at.button(key=f"example-{i}").label for i in range(4)]
    assert sorted(examples) == sorted(session.EXAMPLES)
    page = joined(at)
    assert "Model: Offline analyst" in page and "synthetic demo data" in page
    assert "Synthetic demo data" in page  # the freshness badge
    assert "need no refresh" in page and at.button(key="refresh").disabled
    assert not at.chat_message and not charts(at)


# -- a turn ----------------------------------------------------------------------------------------
def test_clicking_an_example_answers_with_tools_chart_and_grounding():
    at = start()
    at.button(key="example-0").click().run()  # "Is silver breaking out?"
    assert_clean(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert [s.label for s in at.status] == [
        "Used 3 tools: find_breakouts, get_price, search_commentary"
    ]
    assert at.status[0].state == "complete"
    page = joined(at)
    assert "Breakouts in silver (all-time closing records)" in page and "Price of silver" in page
    assert "Silver is not breaking out" in page
    assert "All figures from tools" in page
    assert len(charts(at)) == 1
    assert [e.label for e in at.expander].count("Full result") == 3
    heading = [m.value for m in at.markdown if "**Sources (" in m.value]
    assert heading and "Sources (0)" not in heading[0]  # what breakouts mean, cited
    assert "example-0" not in [b.key for b in at.button]  # the welcome is gone


def test_typed_why_question_lists_sources(with_library):
    at = ask(start(), "Why is silver rising?")
    assert_clean(at)
    heading = [m.value for m in at.markdown if "**Sources (" in m.value]
    assert heading and "Sources (0)" not in heading[0], joined(at)
    assert "search_commentary" in at.status[0].label
    assert "Silver" in joined(at)  # a cited title from the bundled notes


def test_follow_up_uses_the_conversation():
    at = ask(start(), "How much is silver?")
    at = ask(at, "and gold?")
    assert_clean(at)
    assert (
        len(at.status) == 1
    )  # the finished turn shows its tools in an expander, the live one in a status
    page = joined(at)
    assert "Price of silver" in page and "Price of gold" in page
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 2


def test_rerun_keeps_the_conversation_without_asking_again():
    at = ask(start(), "Is silver breaking out?")
    before = joined(at)
    at.run()
    assert_clean(at)
    assert len(charts(at)) == 1 and "Silver is not breaking out" in joined(at)
    assert joined(at).count("Price of silver") == before.count("Price of silver")


# -- errors ----------------------------------------------------------------------------------------
def use_openai(at: AppTest, base_url: str = "", key: str = "") -> AppTest:
    at.radio(key="model_mode").set_value("OpenAI-compatible API").run()
    at.text_input(key="base_url").input(base_url)
    at.text_input(key="api_key").input(key)
    return at.run()


def test_missing_api_key_is_a_plain_message_and_offline_still_works():
    at = use_openai(start())
    at = ask(at, "Is silver breaking out?")
    assert_clean(at)
    assert any("OPENAI_API_KEY" in w.value for w in at.warning)
    at.radio(key="model_mode").set_value("Offline analyst").run()
    at = ask(at, "Is silver breaking out?")
    assert_clean(at)
    assert "Silver is not breaking out" in joined(at) and len(charts(at)) == 1


def test_model_error_is_friendly_and_the_next_question_works(isolated_home):
    with StubOpenAI(
        [
            {"status": 401},
            {"tool_calls": [{"name": "get_price", "args": {"asset": "silver"}}]},
            {"text": "Silver closed at 88.49 on 2026-10-30."},
        ]
    ) as stub:
        at = use_openai(start(), stub.base_url, SECRET)
        at = ask(at, "How much is silver?")
        assert_clean(at)
        warnings = [w.value for w in at.warning]
        assert any("rejected the API key (401)" in w for w in warnings), warnings
        at = ask(at, "How much is silver?")
        assert_clean(at)
        assert "Silver closed at 88.49 on 2026-10-30." in joined(at)
        assert "Price of silver" in joined(at) and len(charts(at)) == 1
        assert "All figures from tools" in joined(at)
        assert stub.headers[0]["authorization"] == f"Bearer {SECRET}"
    # The key is used, never shown and never stored.
    assert SECRET not in joined(at)
    for path in isolated_home.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


def test_bad_csv_folder_is_explained_in_the_chat(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKET_ASSISTANT_CSV_ROOT", str(tmp_path))  # the app reads CSVs under it
    at = start()
    at.selectbox(key="data_source").set_value("csv").run()
    at.text_input(key="csv_dir").input(str(tmp_path / "missing")).run()
    at = ask(at, "How much is silver?")
    assert_clean(at)
    assert any("does not exist" in w.value for w in at.warning)
    assert "No data" in joined(at)  # the freshness badge


def test_model_and_document_text_is_never_html():
    at = ask(start(), "<script>alert('x')</script> <b>bold</b> How much is silver?")
    assert_clean(at)
    question = at.chat_message[0].markdown[0].value
    assert "<script>" not in question and "&lt;script&gt;" in question and "&lt;b&gt;" in question
    assert not at.get("html")


# -- persistence -----------------------------------------------------------------------------------
def test_conversation_resumes_after_a_restart_and_can_be_deleted(isolated_home):
    first = ask(start(), "Is silver breaking out?")
    first = ask(first, "and gold?")
    thread = first.session_state["thread_id"]
    # a restart: no resource survives, only the files in the data directory
    st.cache_resource.clear()

    at = start()
    assert not at.chat_message  # a new session starts with a new chat
    at.button(key=f"open-{thread}").click().run()
    assert_clean(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant"] * 2
    page = joined(at)
    assert "Silver is not breaking out" in page and "Price of gold" in page
    assert len(charts(at)) == 2
    assert "All figures from tools" in page
    # The model remembers it too: a follow-up in the resumed thread continues from gold.
    at = ask(at, "and bitcoin?")
    assert "Price of bitcoin" in joined(at)

    at.button(key=f"delete-{thread}").click().run()
    assert_clean(at)
    assert f"open-{thread}" not in [b.key for b in at.button] and not at.chat_message
    with sqlite3.connect(isolated_home / "conversations.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0


def test_new_chat_and_export():
    at = start()
    assert at.get("download_button")[0].proto.disabled  # nothing to export yet
    at = ask(at, "Is silver breaking out?")
    export = at.get("download_button")[0]
    assert not export.proto.disabled and export.proto.label == "Export chat as Markdown"
    at.button(key="new_chat").click().run()
    assert not at.chat_message and at.button(key="example-0")


# -- knowledge page --------------------------------------------------------------------------------
def test_upload_ingests_a_file_and_it_can_be_removed(with_library):
    at = start()
    at.switch_page("ui/knowledge.py").run()
    assert_clean(at)
    note = (
        b"---\ntitle: Copper and the grid\npublished: 2026-10-01\n---\n\n# Copper and the"
        b" grid\n\nGrid investment keeps copper demand high. <script>alert(1)</script>\n"
    )
    at.file_uploader[0].set_value(("copper-notes.md", note, "text/markdown")).run()
    at.button(key="ingest").click().run()
    assert_clean(at)
    assert any(s.value.startswith("Added 1, replaced 0") for s in at.success), joined(at)
    table = at.dataframe[0].value
    assert "Copper and the grid" in list(table["Title"])
    assert list((with_library / "uploads").glob("*/copper-notes.md"))  # under its digest

    doc_id = table.loc[table["Title"] == "Copper and the grid", "Id"].iloc[0]
    at.selectbox(key="remove_doc").set_value(doc_id)
    at.button(key="remove").click().run()
    assert_clean(at)
    assert "Copper and the grid" not in list(at.dataframe[0].value["Title"])


def test_settings_survive_a_page_switch(with_library):
    at = start()
    at.radio(key="model_mode").set_value("OpenAI-compatible API").run()
    at.switch_page("ui/knowledge.py").run()
    at.switch_page("ui/chat.py").run()
    assert at.radio(key="model_mode").value == "OpenAI-compatible API"
