"""Run the real app and drive it in Debian's Chromium: shared by the browser test and the benchmark.

``app_server`` starts ``streamlit run`` on a free loopback port with its own data directory;
``chromium`` launches headless Chromium through Playwright; ``ask`` types a question into the
chat input the way a person does.
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
