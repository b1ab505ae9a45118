"""The Streamlit app, headless through AppTest: welcome, a streamed turn with tools in plain words,
chart, cited sources, freshness, follow-ups and grounding, memory, friendly errors, conversations
private to their browser and resumed across restarts, export, uploads and the briefing form.

Every test runs on the synthetic demo data in its own data directory (conftest). The tests that
need the commentary library share one directory, so the bundled notes are embedded only once.
"""

from __future__ import annotations

import re
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
def test_first_visit_shows_welcome_examples_model_data_and_the_demo_banner():
    at = start()
    assert_clean(at)
    examples = [at.button(key=f"example-{i}").label for i in range(4)]
    assert sorted(examples) == sorted(session.EXAMPLES)
    page = joined(at)
    assert "Model: Offline analyst · Data: Synthetic demo prices (not real markets) to " in page
    assert "Synthetic demo data" in page  # the freshness badge
    assert "need no refresh" in page and at.button(key="refresh").disabled
    assert [i.value for i in at.info if i.value.startswith("**Demo data.**")]  # the banner
    assert not at.chat_message and not charts(at)


# -- a turn ----------------------------------------------------------------------------------------
CODE_NAMES = ("find_breakouts", "get_price", "search_commentary", "QUOTED COMMENTARY", "<<<")


def test_clicking_an_example_answers_with_plain_tools_chart_sources_and_follow_ups():
    at = start()
    at.button(key="example-0").click().run()  # "Is silver breaking out?"
    assert_clean(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    tools = "Found silver's records · looked up its price · searched the commentary"
    assert tools in [e.label for e in at.expander]
    page = joined(at)
    assert not [name for name in CODE_NAMES if name in page]
    assert "Silver is not breaking out" in page and "All figures from tools" in page
    assert len(charts(at)) == 1
    assert ":material/menu_book: **Sources**" in page
    entry = re.compile(r"^(:blue-badge\[\d+\] ?)*\*\*[^*]+ · [^*]+\*\*")  # [n] **title · date**
    cited = [entry.match(m.value).group(0) for m in at.markdown if entry.match(m.value)]
    assert cited and len(cited) == len(set(cited))  # each document once
    last = at.get("plotly_chart")[0].proto.spec
    assert "all-time closing high" in last and "52-week range" in last
    assert any(c.value.startswith("Data as of 2026-") for c in at.caption)
    follow = [b for b in at.button if (b.key or "").count("-follow-")]
    assert 2 <= len(follow) <= 3
    assert "example-0" not in [b.key for b in at.button]  # the welcome is gone


def test_a_follow_up_button_asks_its_question():
    at = ask(start(), "How much is silver?")
    button = next(b for b in at.button if "-follow-" in (b.key or ""))
    question = button.proto.help
    button.click().run()
    assert_clean(at)
    asked = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert asked == ["How much is silver?", question]


def test_typed_why_question_lists_its_sources(with_library):
    at = ask(start(), "Why is silver rising?")
    assert_clean(at)
    assert ":material/menu_book: **Sources**" in joined(at), joined(at)
    assert any("searched the commentary" in e.label.lower() for e in at.expander)
    assert "Silver" in joined(at)  # a cited title from the bundled notes


def test_a_models_citation_markers_list_only_what_it_cites(with_library):
    with StubOpenAI(
        [
            {"tool_calls": [{"name": "search_commentary", "args": {"query": "silver rally"}}]},
            {"text": "Silver rose as investors sought safety [2]."},
        ]
    ) as stub:
        at = use_openai(start(), stub.base_url, SECRET)
        at = ask(at, "Why is silver rising?")
    assert_clean(at)
    turn = at.session_state["turns"][0]
    assert len(turn.sources) >= 2  # the search found several passages ...
    answer = [m.value for m in at.markdown if "investors sought safety" in m.value]
    assert answer == ["Silver rose as investors sought safety :blue-badge[2]."]
    cited = [m.value for m in at.markdown if m.value.startswith(":blue-badge[2] **")]
    assert len(cited) == 1 and turn.sources[1]["title"] in cited[0]  # ... it cited one
    assert not [m.value for m in at.markdown if m.value.startswith(":blue-badge[1] **")]


def test_follow_up_uses_the_conversation():
    at = ask(start(), "How much is silver?")
    at = ask(at, "and gold?")
    assert_clean(at)
    labels = [e.label for e in at.expander]
    assert "Looked up silver's price" in labels and "Looked up gold's price" in labels
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 2


def test_rerun_keeps_the_conversation_without_asking_again():
    at = ask(start(), "Is silver breaking out?")
    before = [m.name for m in at.chat_message]
    at.run()
    assert_clean(at)
    assert len(charts(at)) == 1 and "Silver is not breaking out" in joined(at)
    assert [m.name for m in at.chat_message] == before


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
        assert "Looked up silver's price" in joined(at) and len(charts(at)) == 1
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
    own = ("<style>", "<script>\n(function (d) {")  # the app's style sheet and browser helper
    assert all(h.proto.body.strip().startswith(own) for h in at.get("html"))
    assert not [h for h in at.get("html") if "alert" in h.proto.body]


# -- persistence and privacy ---------------------------------------------------------------------
def start_as(owner: str, **query) -> AppTest:
    """A new browser session whose cookie names ``owner`` (AppTest has no cookies)."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.session_state["owner"] = owner
    at.session_state["owner_saved"] = True
    at.query_params.update(query)
    return at.run()


def test_conversation_resumes_after_a_restart_and_can_be_deleted(isolated_home):
    owner = "0123456789abcdef0123456789abcdef"
    first = ask(start_as(owner), "Is silver breaking out?")
    first = ask(first, "and gold?")
    thread = first.session_state["thread_id"]
    assert first.query_params["c"] == thread  # the address names the conversation
    # a restart: no resource survives, only the files in the data directory
    st.cache_resource.clear()

    at = start_as(owner)
    assert not at.chat_message  # a new session starts with a new chat
    at.button(key=f"open-{thread}").click().run()
    assert_clean(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant"] * 2
    page = joined(at)
    assert "Silver is not breaking out" in page
    assert any(e.label.startswith("Found gold's records") for e in at.expander)
    assert len(charts(at)) == 2
    assert "All figures from tools" in page
    # The model remembers it too: a follow-up in the resumed thread continues from gold.
    at = ask(at, "and bitcoin?")
    assert any(e.label.startswith("Found bitcoin's records") for e in at.expander)

    at.button(key=f"delete-{thread}").click().run()
    assert_clean(at)
    assert f"open-{thread}" not in [b.key for b in at.button] and not at.chat_message
    with sqlite3.connect(isolated_home / "conversations.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0


def test_a_link_reopens_a_conversation_for_its_owner_only():
    mine, other = "a" * 32, "b" * 32
    at = ask(start_as(mine), "How much is silver?")
    thread = at.session_state["thread_id"]

    again = start_as(mine, c=thread)  # a reload of the same address
    assert_clean(again)
    assert [m.name for m in again.chat_message] == ["user", "assistant"]

    theirs = start_as(other, c=thread)
    assert_clean(theirs)
    assert not theirs.chat_message
    assert any("not available in this browser" in i.value for i in theirs.info)
    assert f"open-{thread}" not in [b.key for b in theirs.button]
    assert f"delete-{thread}" not in [b.key for b in theirs.button]


def test_a_new_browser_gets_its_own_owner_id():
    at = start()
    owner = at.session_state["owner"]
    assert len(owner) == 32 and owner != start().session_state["owner"]


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
    assert any(s.value == "Added copper-notes.md." for s in at.success), joined(at)
    table = at.dataframe[0].value
    assert "Copper and the grid" in list(table["Title"])
    assert list((with_library / "uploads").glob("*/copper-notes.md"))  # under its digest

    doc_id = table.loc[table["Title"] == "Copper and the grid", "Id"].iloc[0]
    at.selectbox(key="remove_doc").set_value(doc_id)
    at.button(key="remove").click().run()
    assert_clean(at)
    assert "Copper and the grid" not in list(at.dataframe[0].value["Title"])


def test_the_briefing_form_has_one_date_and_asks_for_assets_only_when_choosing_them():
    at = start()
    at.switch_page("ui/briefing.py").run()
    assert_clean(at)
    assert [d.key for d in at.date_input] == ["as_of"]  # the sidebar's, the app's one date
    assert not [m for m in at.multiselect if m.key == "bp_assets"]
    assert any(c.value.startswith("Assets: Gold, Silver") for c in at.caption)
    at.selectbox(key="bp_watchlist").set_value("Choose assets…").run()
    picker = at.multiselect(key="bp_assets")
    assert picker.value == [] and at.button(key="bp_generate").disabled


def test_settings_survive_a_page_switch(with_library):
    at = start()
    at.radio(key="model_mode").set_value("OpenAI-compatible API").run()
    at.switch_page("ui/knowledge.py").run()
    at.switch_page("ui/chat.py").run()
    assert at.radio(key="model_mode").value == "OpenAI-compatible API"
