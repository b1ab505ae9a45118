"""End to end in a real browser: ``streamlit run`` on loopback, Debian's Chromium through
Playwright.

Asks "Is silver breaking out?" and waits for the answer, the tool status, the grounding badge and
a chart drawn by plotly.js; screenshots go to test-artifacts/. Skipped when Chromium is missing,
except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os

import pytest
from app_browser import (
    ARTIFACTS,
    CHART,
    app_server,
    ask,
    chromium,
    chromium_missing_reason,
    open_app,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI, but {reason}")
        pytest.skip(reason)
    with chromium() as b:
        yield b


def answer(page, text: str):
    """The visible answer paragraph containing ``text`` (hidden copies sit in the tool details)."""
    return page.get_by_test_id("stChatMessage").get_by_text(text).filter(visible=True).first


def test_chat_answers_with_tools_chart_and_grounding(browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    with app_server(tmp_path / "home") as server:
        page = open_app(browser, server.url)
        page.get_by_text("Try one of these").wait_for()
        page.screenshot(path=str(ARTIFACTS / "chat-welcome.png"), full_page=True)

        ask(page, "Is silver breaking out?")
        try:
            answer(page, "Silver is not breaking out").wait_for(timeout=30_000)
            page.locator(CHART).first.wait_for(timeout=30_000)
            page.get_by_text("All figures from tools").wait_for(timeout=10_000)
        finally:
            page.set_viewport_size({"width": 1360, "height": 1700})  # the whole turn in one picture
            page.screenshot(path=str(ARTIFACTS / "chat-answer.png"))
        assert (
            page.get_by_text("Used 3 tools: find_breakouts, get_price, search_commentary").count()
            == 1
        )
        assert page.get_by_test_id("stPlotlyChart").count() == 1
        assert not page.get_by_test_id("stException").count()


def test_html_in_a_question_shows_as_text(browser, tmp_path):
    with app_server(tmp_path / "home") as server:
        page = open_app(browser, server.url)
        ask(
            page,
            "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'> How much is"
            " silver?",
        )
        answer(page, "closed at").wait_for(timeout=30_000)
        page.get_by_text("All figures from tools").wait_for(timeout=10_000)
        user = page.get_by_test_id("stChatMessage").first
        assert "<script>window.pwned = 1</script>" in user.inner_text()
        assert page.evaluate("window.pwned") is None
        assert not user.locator("img").count()
