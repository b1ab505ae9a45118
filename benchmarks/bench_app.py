"""The chat app: first render, a chat turn and a rerun, each against a baseline from the same run.

Issue 6's budgets, on the synthetic demo data with the offline analyst:

- first page render, from server start until the chat input is in the browser: <= 4 s
  (baseline: a bare "hello" Streamlit page, started and loaded the same way);
- a chat turn, from submit until the final answer is on screen: <= 1.5 s
  (baseline: ``Assistant.ask`` in process, warm);
- a rerun with nothing changed: <= 150 ms of server time, measured as an AppTest run
  (baseline: an AppTest run of a one-line page).

The browser rows use Debian's Chromium through Playwright and are left out, with a note on
stderr, when it is missing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Row, measure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(
    0, str(ROOT / "tests")
)  # the server and browser helpers shared with the browser test

from app_browser import app_server, ask, chromium, chromium_missing_reason, open_app  # noqa: E402

RENDER_BUDGET = 4.0
TURN_BUDGET = 1.5
RERUN_BUDGET = 0.150
QUESTIONS = (
    "Is silver breaking out?",
    "How much is gold?",
    "Does bitcoin follow silver with a lag?",
    "Has silver outperformed gold over the last three months?",
    "How much is bitcoin?",
)


class _Env:
    """Demo data in a throwaway data directory for the in-process measurements."""

    def __init__(self, home: Path):
        self.values = {"MARKET_ASSISTANT_DATA": "demo", "MARKET_ASSISTANT_HOME": str(home)}

    def __enter__(self):
        self.saved = {
            k: os.environ.get(k) for k in (*self.values, "OPENAI_API_KEY", "MARKET_ASSISTANT_MODEL")
        }
        os.environ.update(self.values)
        os.environ.pop("OPENAI_API_KEY", None)
        os.environ.pop("MARKET_ASSISTANT_MODEL", None)

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _first_render(browser, script: Path, home: Path, ready) -> float:
    with app_server(home, script=script) as server:
        page = browser.new_page()
        page.goto(server.url)
        ready(page)
        elapsed = time.perf_counter() - server.started
        page.close()
    return elapsed


def _render_rows(browser, root: Path) -> list[Row]:
    hello = root / "hello_app.py"
    hello.write_text('import streamlit as st\n\nst.write("hello")\n')
    app_times, hello_times = [], []
    for i in range(3):
        hello_times.append(
            _first_render(
                browser,
                hello,
                root / f"hello-{i}",
                lambda page: page.get_by_text("hello").wait_for(timeout=30_000),
            )
        )
        app_times.append(
            _first_render(
                browser,
                ROOT / "streamlit_app.py",
                root / f"app-{i}",
                lambda page: page.get_by_test_id("stChatInputTextArea").wait_for(timeout=30_000),
            )
        )
    return [
        Row(
            name="app: first render (server start -> chat input)",
            seconds=statistics.median(app_times),
            baseline="bare 'hello' page, same way",
            baseline_seconds=statistics.median(hello_times),
            budget_seconds=RENDER_BUDGET,
            note="median of 3 fresh servers, each with an empty data directory",
        )
    ]


def _turn_rows(browser, root: Path) -> list[Row]:
    from assistant.config import Settings
    from assistant.runtime import make_assistant

    with _Env(root / "inproc"):
        bot = make_assistant(Settings.from_env())
        baseline = measure(lambda: bot.ask("Is silver breaking out?"), repeat=5)

    with app_server(root / "turns") as server:
        page = open_app(browser, server.url)
        badges = page.get_by_text("All figures from tools")
        ask(page, "How much is silver?")  # the first turn of a fresh server also loads the data
        badges.nth(0).wait_for(timeout=30_000)
        times = []
        for n, question in enumerate(QUESTIONS, start=1):
            started = time.perf_counter()
            ask(page, question)
            badges.nth(n).wait_for(timeout=30_000)  # drawn after the final answer and its charts
            times.append(time.perf_counter() - started)
        page.close()
    return [
        Row(
            name="app: chat turn, offline (submit -> answer shown)",
            seconds=statistics.median(times),
            baseline="Assistant.ask in process, warm",
            baseline_seconds=baseline,
            budget_seconds=TURN_BUDGET,
            note=(
                f"median of {len(times)} questions in one conversation; slowest"
                f" {max(times) * 1000:.0f} ms"
            ),
        )
    ]


def _rerun_rows(root: Path) -> list[Row]:
    from streamlit.testing.v1 import AppTest

    with _Env(root / "rerun"):
        bare = AppTest.from_string(
            'import streamlit as st\n\nst.write("hello")\n', default_timeout=60
        ).run()
        baseline = measure(bare.run, repeat=15)
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
        empty = measure(at.run, repeat=15)
        at.chat_input(key="question").set_value("Is silver breaking out?").run()
        at.chat_input(key="question").set_value("Does bitcoin follow silver with a lag?").run()
        assert not at.exception and len(at.get("plotly_chart")) == 2
        with_turns = measure(at.run, repeat=15)
    return [
        Row(
            name="app: rerun, nothing changed (empty chat)",
            seconds=empty,
            baseline="AppTest run of a one-line page",
            baseline_seconds=baseline,
            budget_seconds=RERUN_BUDGET,
        ),
        Row(
            name="app: rerun, nothing changed (2 turns, 2 charts)",
            seconds=with_turns,
            baseline="AppTest run of a one-line page",
            baseline_seconds=baseline,
            budget_seconds=RERUN_BUDGET,
            note="AppTest time includes compiling the scripts and parsing the element tree",
        ),
    ]


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        root = Path(tmp)
        rows = _rerun_rows(root)
        reason = chromium_missing_reason()
        if reason:
            print(f"bench_app: browser rows skipped: {reason}", file=sys.stderr)
            return rows
        with chromium() as browser:
            rows = _render_rows(browser, root) + _turn_rows(browser, root) + rows
        return rows
