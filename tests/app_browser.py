"""Run the real app and drive it in Debian's Chromium: shared by the browser tests and the
benchmark.

``app_server`` starts ``streamlit run`` on a free loopback port with its own data directory;
``chromium`` launches headless Chromium through Playwright; ``visit`` opens the app in a fresh
browser context (its own cookies, so its own conversations) and records console errors and
every request that leaves the server; ``ask`` types a question the way a person does and
``answered`` waits for the n-th answer to be complete. Waits are on page state, never on time.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHAT_INPUT = "stChatInputTextArea"  # Streamlit's data-testid for the chat input's text area
CHART = '[data-testid="stPlotlyChart"] .main-svg'  # drawn by plotly.js, not just a placeholder
FOOTER = "Offline analyst ·"  # the last line of a finished answer
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def chromium_missing_reason() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    started: float  # time.perf_counter() just before the process was started
    log: Path


@contextlib.contextmanager
def app_server(
    home: Path, data: str = "demo", script: Path = ROOT / "streamlit_app.py", timeout: float = 30.0
) -> Iterator[Server]:
    """``streamlit run`` headless on loopback; stopped (by its own pid) on exit."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "MARKET_ASSISTANT_MODEL",
            "MARKET_ASSISTANT_AS_OF",
        )
    }
    env.update(MARKET_ASSISTANT_DATA=data, MARKET_ASSISTANT_HOME=str(home), PYTHONUNBUFFERED="1")
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"streamlit-{script.stem}-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, started, log)
    try:
        _wait_healthy(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited early; see {server.log}:\n{server.log.read_text()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"streamlit did not answer within {timeout:g} s; see {server.log}")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Debian's) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(browser, url: str, timeout_ms: float = 30_000):
    """A page showing the app, once its chat input is on screen."""
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    page.goto(url)
    page.get_by_test_id(CHAT_INPUT).wait_for(timeout=timeout_ms)
    return page


def ask(page, question: str) -> None:
    box = page.get_by_test_id(CHAT_INPUT)
    box.fill(question)
    box.press("Enter")


@dataclass
class Visit:
    """A page in its own browser context, with what it logged and fetched."""

    page: object
    context: object
    server: str
    errors: list[str]
    requests: list[str]

    def outside(self) -> list[str]:
        """Requests that went anywhere but the app's own server."""
        return [u for u in self.requests if not u.startswith((self.server, *LOCAL_SCHEMES))]

    def close(self) -> None:
        self.context.close()


def visit(
    browser,
    url: str,
    width: int = 1360,
    height: int = 1000,
    path: str = "",
    ready: str = CHAT_INPUT,
) -> Visit:
    """Open the app (``path``: a page's address) in a new browser context once the element with
    the test id ``ready`` (the chat input by default) is on screen."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    found = Visit(page, context, url, [], [])
    page.on("console", lambda m: found.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: found.errors.append(str(e)))
    page.on("request", lambda r: found.requests.append(r.url))
    page.goto(url + path)
    page.get_by_test_id(ready).first.wait_for(timeout=60_000)
    return found


def answered(page, n: int, timeout_ms: float = 60_000, footer=FOOTER):
    """The n-th answer (0-based) once it is complete (its footer is shown); returns its chat
    message. ``footer`` is the offline analyst's by default; pass another model's label."""
    message = page.get_by_test_id("stChatMessage").nth(2 * n + 1)
    message.get_by_text(footer).wait_for(timeout=timeout_ms)
    return message


def idle(page, timeout_ms: float = 60_000) -> None:
    """Wait until the app's script has finished running (its status widget is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )
