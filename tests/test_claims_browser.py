"""The claim check in a real browser: "check this: ..." in the chat answers with the verdict
table, whose verdicts render as coloured badges (not as ":green-badge[...]" text) and whose
escaped colons read as plain colons. Skipped when Chromium is missing, except in CI."""

from __future__ import annotations

import pytest
from app_browser import ARTIFACTS, app_server, ask, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = (
    "Check this: Bitcoin follows silver with a lag of about four weeks. Gold leads the S&P 500 "
    "by a month. Bitcoin trails silver by about four weeks."
)


def test_the_verdict_list_renders_with_badges_and_fits_the_chat_column(browser, tmp_path):
    with app_server(tmp_path / "home") as server:
        page = open_app(browser, server.url)
        ask(page, QUESTION)
        message = page.get_by_test_id("stChatMessage").last
        verdicts = message.locator("ol").filter(visible=True).first
        try:
            verdicts.wait_for(timeout=60_000)
            page.get_by_text("All figures from tools").wait_for(timeout=10_000)
        finally:
            page.set_viewport_size({"width": 1360, "height": 1400})
            page.screenshot(path=str(ARTIFACTS / "claims-table.png"), full_page=True)
        text = verdicts.inner_text()
        assert "-badge[" not in text and "\\:" not in text
        badges = verdicts.locator('[data-testid="stMarkdownBadge"], .stMarkdownBadge')
        labels = [badges.nth(i).inner_text().strip() for i in range(badges.count())]
        assert labels == ["Supported", "Not supported", "Supported"], labels
        colours = {badges.nth(i).evaluate("e => getComputedStyle(e).color") for i in range(3)}
        assert len(colours) == 2  # green and gray are drawn differently
        assert "Same test as claim 1." in text and "lead/lag" in text
        summary = message.get_by_text("Of 3 testable claims").first.inner_text()
        assert "held up" in summary and "\\" not in summary
        assert not page.get_by_test_id("stException").count()
        _fits_the_chat_column(page, message, verdicts)


def _fits_the_chat_column(page, message, verdicts):
    """At desktop width each claim's reason and "since publication" are inside the chat column
    and the viewport: nothing is cut off at the right."""
    page.set_viewport_size({"width": 1360, "height": 900})
    column = message.bounding_box()
    for i in range(verdicts.locator("li").count()):
        item = verdicts.locator("li").nth(i)
        item.scroll_into_view_if_needed()
        box, column = item.bounding_box(), message.bounding_box()
        assert "Since publication" in item.inner_text()
        assert box["width"] > 300  # the text wraps inside a readable width
        assert box["x"] + box["width"] <= column["x"] + column["width"] + 1, (box, column)
        assert box["x"] + box["width"] <= 1360
    why = verdicts.get_by_text("no significant lead").first
    box = why.bounding_box()
    assert box["x"] >= column["x"] and box["x"] + box["width"] <= column["x"] + column["width"] + 1
