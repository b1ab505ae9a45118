"""The Briefing and Knowledge pages, and a briefing asked in the chat, in a real browser.

Briefing page: one date control (the sidebar's), no asset picker while a watchlist is chosen,
the new briefing shown once (the earlier ones wait in a list), distinct chart titles, dates that
do not wrap, headings below the page title. Chat: a briefing's headings are smaller than the
app's title and its charts sit under their sections. Knowledge page: an upload is named in the
message and its document shows at once. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_browser import ARTIFACTS, answered, app_server, ask, idle, visit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTE = """---
title: Copper and the grid
published: 2026-10-01
---

# Copper and the grid

Grid investment keeps copper demand high.
"""


FITS = """() => {
    const chart = document.querySelector('.st-key-briefing [data-testid="stPlotlyChart"]');
    const title = chart && chart.querySelector('.gtitle');
    if (!title) return false;
    const box = chart.getBoundingClientRect(), t = title.getBoundingClientRect();
    return box.width < 400 && t.left >= box.left - 1 && t.right <= box.right + 1;
}"""


def font_size(locator) -> float:
    return float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def briefing_page(page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Briefing").click()
    generate = page.get_by_role("button", name="Generate briefing")
    generate.wait_for()
    idle(page)
    assert page.get_by_test_id("stDateInput").count() == 1  # the sidebar's, the one date
    assert page.get_by_text("Assets: Gold, Silver, Bitcoin").is_visible()
    pickers = page.get_by_test_id("stMultiSelect").filter(visible=True)
    assert not pickers.count()  # no asset picker while a watchlist is chosen
    # An earlier briefing, listed by when it was written, its as-of and assets, opened...
    earlier = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Open", exact=True))
    earlier.click()
    option = page.get_by_role("option").filter(has_text="data as of 2026-11-27 · metals: Gold")
    option.click()
    page.locator(".st-key-earlier-briefing").get_by_text("An earlier note").wait_for()
    generate.click()  # ...closes when a new briefing is generated: each briefing shows once
    page.get_by_text("Briefing ready").wait_for(timeout=120_000)
    shown = page.locator(".st-key-briefing")
    shown.locator(".main-svg").nth(10).wait_for(timeout=60_000)  # all eleven charts drawn
    idle(page)
    assert page.get_by_role("heading", name="Market briefing — ").count() == 1
    assert page.get_by_text("Choose an earlier briefing…").count() <= 1
    assert not page.locator(".st-key-earlier-briefing").count()  # nothing opened twice
    titles = shown.locator(".gtitle").evaluate_all("all => all.map(e => e.textContent)")
    assert len(titles) == 11 and len(set(titles)) == 11, titles
    cell = shown.locator("td").first
    assert cell.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    title = page.locator("h1").first
    assert font_size(shown.locator("h3").first) < font_size(title)
    page.set_viewport_size({"width": 1360, "height": 5200})
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "briefing-page.png"))
    # On a phone the briefing's heading stays below the page title and chart titles fit.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(FITS, timeout=30_000)
    assert font_size(shown.locator("h2").first) < font_size(title)
    page.set_viewport_size({"width": 1360, "height": 1000})


def knowledge_page(page, note: Path) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Knowledge").click()
    page.locator('input[type="file"]').set_input_files(str(note))
    page.get_by_role("button", name="Add to the library").click()
    page.get_by_text("Added copper-notes.md.").wait_for(timeout=60_000)
    tables = page.get_by_test_id("stDataFrame")
    tables.nth(1).wait_for()  # both drawn: the new document's table, then the library's
    table = tables.first
    idle(page)
    found = table.bounding_box()
    assert found and found["y"] + found["height"] <= 1000  # the new document is in view
    page.screenshot(path=str(ARTIFACTS / "knowledge-page.png"))


def briefing_in_chat(page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
    ask(page, "Write a market briefing")
    answer = answered(page, 0, timeout_ms=120_000)
    idle(page)
    app_title = page.locator("h1").first
    headings = answer.locator("h4, h5")
    assert headings.count() >= 5 and not answer.locator("h1, h2, h3").count()
    assert font_size(headings.first) < font_size(app_title)
    # The Moves chart sits between its heading and the next section's.
    order = answer.evaluate(
        """m => Array.from(m.querySelectorAll('h5, [data-testid="stPlotlyChart"]'))
              .map(e => e.tagName === 'H5' ? e.innerText.trim() : 'chart')"""
    )
    moves = order.index("Moves")
    assert order[moves + 1] == "chart" and order[moves + 2] == "Records and breakouts", order


def test_briefing_and_knowledge_pages_and_a_briefing_in_the_chat(browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    archive = tmp_path / "home" / "briefings"
    archive.mkdir(parents=True)
    earlier = archive / "briefing-2026-11-30-asof-2026-11-27-metals"
    earlier.with_suffix(".md").write_text("# Market briefing\n\nAn earlier note.\n")
    earlier.with_suffix(".json").write_text(
        '{"as_of": "2026-11-27", "watchlist": "metals", "assets": ["gold", "silver"]}'
    )
    note = tmp_path / "copper-notes.md"
    note.write_text(NOTE, encoding="utf-8")
    with app_server(tmp_path / "home") as server:
        v = visit(browser, server.url)
        briefing_page(v.page)
        knowledge_page(v.page, note)
        briefing_in_chat(v.page)
        assert v.errors == [] and v.outside() == []
        v.close()
