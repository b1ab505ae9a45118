"""The chat end to end in a real browser: ``streamlit run`` on loopback, Debian's Chromium through
Playwright, at desktop (1360 px) and phone (390 px) widths.

What a user sees: the welcome, the library prepared in the background, an answer with its tools
in plain words (details as tables, the raw result behind a toggle), its freshness, its sources
once, follow-ups that ask their question; on a phone the title clear of the header, the view
landing on the new answer, chart labels apart and each conversation on one row; conversations
private to their browser and a reload continuing one; no console errors and no request leaving
127.0.0.1. Screenshots go to test-artifacts/. Skipped when Chromium is missing, except in CI
(CI=true), where that is a failure.
"""

from __future__ import annotations

import time

import pytest
from app_browser import ARTIFACTS, CHART, ROOT, answered, app_server, ask, idle, visit
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CODE_NAMES = ("find_breakouts", "get_price", "search_commentary", "QUOTED COMMENTARY", "<<<")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One app on a fresh data directory (its first answer is a fresh install's), served as
    ``make run`` serves it: behind the Content Security Policy and framing headers."""
    ARTIFACTS.mkdir(exist_ok=True)
    root = tmp_path_factory.mktemp("browser")
    with app_server(root / "home", script=ROOT / "serve_app.py") as running:
        yield running.url


def open_expander(expander, deadline_s: float = 120) -> None:
    """Open an expander and wait until it is open: on a loaded machine a click that lands while
    the app is redrawing can be lost, so the state is checked and the click repeated."""
    details = expander.locator("details").first
    end = time.monotonic() + deadline_s
    while details.get_attribute("open") is None:
        assert time.monotonic() < end, "the expander did not open"
        details.locator("summary").first.click()
        try:
            expander.locator("details[open]").first.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            continue


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_first_answer_with_plain_tools_sources_freshness_and_follow_ups(browser, server):
    v = visit(browser, server)
    page = v.page
    page.get_by_text("Commentary library ready").wait_for(timeout=60_000)
    assert page.get_by_text("Demo data.").is_visible()  # the banner at the top of the chat
    page.screenshot(path=str(ARTIFACTS / "chat-welcome.png"))

    ask(page, "Why is silver rising?")
    answer = answered(page, 0)
    assert not page.get_by_text("Try one of these").count()  # the welcome went with the question
    tools = answer.get_by_test_id("stExpander").first.locator("summary")
    label = tools.inner_text()
    assert "earched the commentary" in label and " · " in label and "_" not in label, label
    assert answer.get_by_text("Data as of 2026-").is_visible()
    assert answer.locator(".stMarkdownBadge", has_text="Synthetic demo data").is_visible()
    sources = answer.get_by_test_id("stVerticalBlock").filter(has_text="Sources").last
    titles = sources.locator("strong").all_inner_texts()
    assert titles and len(titles) == len(set(titles)), titles  # each document once
    for label in titles:  # the title once, not again inside the publication
        assert label.count(label.split(" · ")[0]) == 1, label
    origins = sources.locator(".stMarkdownBadge").all_inner_texts()
    assert any(o in ("Market commentary", "Background note") for o in origins), origins
    # The grounding check is readable in full: a short badge, the details on a line that wraps.
    note = answer.locator("[class*='-grounding-note'] [data-testid='stCaptionContainer']")
    assert "checked" in note.inner_text()
    assert note.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    sources.get_by_test_id("stExpander").first.click()  # the passage behind its expander
    sources.get_by_test_id("stCaptionContainer").filter(has_text="“").first.wait_for()
    follow = page.get_by_test_id("stButton").filter(has_text="Compare with gold")
    follow.wait_for()
    idle(page)
    # The follow-ups sit inside the answer, lined up with its text.
    text_left = box(answer.get_by_test_id("stExpander").first)["x"]  # the answer's column
    buttons = answer.locator("[class*='-follow-'] button").filter(visible=True)
    assert 2 <= buttons.count() <= 3
    assert abs(box(buttons.first)["x"] - text_left) < 4
    page.set_viewport_size({"width": 1360, "height": 2700})  # the whole turn in one picture
    page.get_by_role("heading", name="Market Assistant").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"))
    page.set_viewport_size({"width": 1360, "height": 1000})

    # The details draw when opened: rounded figures, raw JSON on request.
    open_expander(answer.get_by_test_id("stExpander").first)
    answer.get_by_test_id("stExpander").first.locator("table").first.wait_for(timeout=60_000)
    answer.get_by_text("Raw result (JSON)").first.click()
    answer.get_by_test_id("stJson").first.wait_for()
    shown = page.get_by_test_id("stMainBlockContainer").inner_text()
    assert not [name for name in CODE_NAMES if name in shown]

    follow.click()
    answered(page, 1)
    assert (
        page.get_by_test_id("stChatMessage")
        .nth(2)
        .inner_text()
        .endswith("Compare silver with gold")
    )
    assert page.locator(CHART).count() >= 1
    assert v.errors == [] and v.outside() == []
    v.close()


def test_html_in_a_question_shows_as_text(browser, server):
    v = visit(browser, server)
    page = v.page
    ask(
        page,
        "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'> How much is"
        " silver?",
    )
    answered(page, 0)
    user = page.get_by_test_id("stChatMessage").first
    assert "<script>window.pwned = 1</script>" in user.inner_text()
    assert page.evaluate("window.pwned") is None
    assert not user.locator("img").count()
    v.close()


IN_PLACE = """(landed, selector) => {
    const flag = window.__marketAssistantLanded || "";
    const all = document.querySelectorAll(selector);
    const el = all[all.length - 1];
    const below = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect().bottom;
    const top = el ? el.getBoundingClientRect().top : -1;
    return flag.startsWith(landed) && top >= below - 2 && top <= below + 60;
}"""


def test_phone_layout(browser, server):
    v = visit(browser, server, width=390, height=844)
    page = v.page
    page.get_by_text("Try one of these").wait_for()
    # The page lands on its title, clear of the header (Streamlit first sticks a chat to its
    # bottom, which hid the title's first line under the header).
    page.wait_for_function(f"() => ({IN_PLACE})('top-', 'h1')")
    page.wait_for_timeout(1500)
    assert page.evaluate(f"() => ({IN_PLACE})('top-', 'h1')")

    ask(page, "Is silver breaking out?")
    answered(page, 0)
    idle(page)
    # The view lands on the start of the answer, below the header, not on its sources, and
    # stays there while the charts draw.
    last = '[data-testid="stChatMessage"]'
    page.wait_for_function(f"() => ({IN_PLACE})('answer-', '{last}')")
    page.wait_for_timeout(2500)
    assert page.evaluate(f"() => ({IN_PLACE})('answer-', '{last}')")
    page.screenshot(path=str(ARTIFACTS / "chat-phone.png"))

    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.locator(".legendtext").first.wait_for()
    high = box(chart.locator(".legendtext", has_text="all-time closing high"))
    band = box(chart.locator(".legendtext", has_text="52-week range"))
    assert not overlap(high, band)
    chart.screenshot(path=str(ARTIFACTS / "chart-phone.png"))

    page.get_by_test_id("stExpandSidebarButton").click()
    rows = page.locator(".st-key-conversations [data-testid='stHorizontalBlock']")
    rows.first.wait_for()
    page.wait_for_function(  # the sidebar has finished sliding in
        "() => document.querySelector('[data-testid=\"stSidebar\"]')"
        ".getBoundingClientRect().left >= 0"
    )
    row = rows.first
    title_button = box(row.locator("[class*='st-key-open-'] button").filter(visible=True).first)
    delete = box(row.locator("[class*='st-key-delete-'] button").filter(visible=True).first)
    middle = lambda b: b["y"] + b["height"] / 2  # noqa: E731
    assert abs(middle(title_button) - middle(delete)) < 6  # one row, not two
    assert row.get_by_test_id("stCaptionContainer").inner_text().startswith("today ")
    title_text = box(row.locator("[class*='st-key-open-'] button p").filter(visible=True).first)
    assert title_text["x"] - title_button["x"] < 16  # flush left, however short the title
    page.screenshot(path=str(ARTIFACTS / "chat-phone-sidebar.png"))
    assert v.errors == [] and v.outside() == []
    v.close()


def test_pages_open_by_their_address_without_console_errors(browser, server):
    for path, title in (("/briefing", "Market briefing"), ("/knowledge", "Knowledge")):
        v = visit(browser, server, path=path, ready="stHeading")
        v.page.get_by_role("heading", name=title).first.wait_for()
        idle(v.page)
        assert v.errors == [] and v.outside() == [], (path, v.errors)
        v.close()


def test_conversations_are_private_and_a_reload_continues_one(browser, server):
    mine = visit(browser, server)
    ask(mine.page, "How much is gold?")
    answered(mine.page, 0)
    idle(mine.page)
    mine.page.wait_for_url("**?c=*")
    link = mine.page.url
    mine.page.reload()
    answered(mine.page, 0)  # the reload shows the conversation again
    sidebar = mine.page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="How much is gold?").wait_for()  # listed for its owner

    theirs = visit(browser, server)
    theirs.page.get_by_text("Try one of these").wait_for()
    idle(theirs.page)
    listed = theirs.page.get_by_test_id("stSidebar").get_by_role("button", name="How much is gold?")
    assert not listed.count()
    theirs.page.goto(link)  # someone else's link opens nothing
    theirs.page.get_by_text("not available in this browser").wait_for()
    assert not theirs.page.get_by_test_id("stChatMessage").count()
    assert not listed.count()
    for v in (mine, theirs):
        assert v.errors == [] and v.outside() == []
        v.close()
