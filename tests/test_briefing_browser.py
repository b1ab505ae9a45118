"""The HTML briefing in a real headless Chromium: it opens from a file with no network, draws
every chart, and leaves a screenshot in test-artifacts/briefing.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.briefing import render as br
from assistant.briefing.pipeline import generate
from assistant.config import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("/usr/bin/chromium is required in CI (apt-get install chromium)")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def test_html_briefing_opens_offline_with_every_chart_drawn(chromium, tmp_path, kb):
    briefing = generate(Settings.from_env(data="demo", as_of="2025-06-30"), knowledge=kb)
    figs = br.figures(briefing)
    page_file = tmp_path / "briefing.html"
    page_file.write_text(br.to_html(briefing, figs), encoding="utf-8")

    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(page_file.as_uri())
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(figs)}",
        timeout=30_000,
    )

    plots = page.locator(".js-plotly-plot")
    assert plots.count() == len(figs) == 11
    for i in range(plots.count()):  # each chart drew its traces, not only an empty frame
        assert (
            plots.nth(i)
            .locator(".main-svg .scatterlayer .trace, .main-svg .barlayer .trace")
            .count()
            > 0
        )
    assert page.locator("h2").all_inner_texts()[0] == "Headline"
    assert page.locator(".warning").first.inner_text().startswith("Warning:")
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    assert problems == []

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "briefing.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    page.close()


@pytest.fixture(scope="session")
def kb(request, tmp_path_factory):
    try:
        return request.getfixturevalue("knowledge_base")
    except ImportError:
        from knowledge.base import open_knowledge_base

        return open_knowledge_base(tmp_path_factory.mktemp("briefing-browser-kb"))
