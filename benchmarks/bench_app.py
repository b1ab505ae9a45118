"""The chat app in a real browser, each figure against a baseline from the same run.

On the synthetic demo data with the offline analyst, in Debian's Chromium through Playwright:

- first page render, from server start until the chat input is in the browser: <= 4 s
  (baseline: a bare "hello" Streamlit page, started and loaded the same way);
- the first answer on a fresh install, from the loaded page to the finished answer of a question
  that needs the commentary library: <= 3 s (baseline: the same question on a warm server);
- turn 20 against turn 1: the same three questions asked at turns 1-3 and 18-20 of one
  conversation: <= 1.2x (a person reads each answer, so every question waits for the page to be
  idle);
- time to the first word of an answer, against the time to the whole answer;
- a chat turn, submit to the finished answer: <= 1.5 s (baseline: ``Assistant.ask`` in process);
- a rerun with nothing changed: <= 150 ms of server time, as an AppTest run (baseline: an
  AppTest run of a one-line page).

The browser rows are left out, with a note on stderr, when Chromium is missing.
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
sys.path.insert(0, str(ROOT / "tests"))  # the server and browser helpers shared with the tests

import app_browser as browsing  # noqa: E402
from app_browser import answered, app_server, ask, idle, visit  # noqa: E402

RENDER_BUDGET = 4.0
FIRST_ANSWER_BUDGET = 3.0
TURN_BUDGET = 1.5
TURN20_RATIO = 1.2
RERUN_BUDGET = 0.150
LIBRARY_QUESTION = "Why is silver rising?"
REPEATED = ("Is silver breaking out?", "How much is gold?", "Compare silver and gold")
FILLER = (
    "Does bitcoin follow silver with a lag?",
    "How much is bitcoin?",
    "Is gold breaking out?",
    "How much is silver?",
    "Has silver outperformed gold over the last three months?",
    "Why is silver rising?",
    "How much is copper?",
)
TIMING_JS = """n => {
    if (window.__timing) window.__timing.disconnect();
    window.__firstWord = null; window.__whole = null; window.__asked = null;
    const t0 = performance.now();
    const seen = () => {
        const all = document.querySelectorAll('[data-testid="stChatMessage"]');
        if (window.__asked === null && all[n * 2]) window.__asked = (performance.now() - t0) / 1000;
        const answer = all[n * 2 + 1];
        if (!answer) return;
        if (window.__firstWord === null) {
            const words = Array.from(answer.querySelectorAll('[data-testid="stMarkdownContainer"]'))
                .filter(e => !e.closest('[data-testid="stExpander"]') && e.innerText.trim());
            if (words.length) window.__firstWord = (performance.now() - t0) / 1000;
        }
        if (window.__whole === null && answer.innerText.includes('Offline analyst ·')) {
            window.__whole = (performance.now() - t0) / 1000;
        }
    };
    window.__timing = new MutationObserver(seen);
    window.__timing.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


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


def timed_turn(page, n: int, question: str) -> tuple[float, float]:
    """Ask the n-th question (0-based) of the page's conversation once the page is idle;
    (seconds to its first word, seconds to the whole answer), measured in the browser."""
    idle(page)
    page.evaluate(TIMING_JS, n)
    ask(page, question)
    answered(page, n)
    page.wait_for_function("() => window.__whole !== null && window.__firstWord !== null")
    return page.evaluate("() => [window.__firstWord, window.__whole]")


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


def _first_answer_rows(browser, root: Path) -> list[Row]:
    fresh, warm, shown, loads = [], [], [], []
    for i in range(3):
        # Served as ``make run`` serves it (serve_app.py preloads the agent libraries).
        with app_server(root / f"fresh-{i}", script=ROOT / "serve_app.py") as server:
            opened = time.perf_counter()
            v = visit(browser, server.url)  # returns once the chat input is on screen
            loads.append(time.perf_counter() - opened)
            v.page.evaluate(TIMING_JS, 0)  # asked at once: the first script run may be busy
            ask(v.page, LIBRARY_QUESTION)
            answered(v.page, 0)
            v.page.wait_for_function("() => window.__whole !== null && window.__asked !== null")
            asked, whole = v.page.evaluate("() => [window.__asked, window.__whole]")
            fresh.append(whole)
            shown.append(asked)
            v.close()
            again = visit(browser, server.url)
            warm.append(timed_turn(again.page, 0, LIBRARY_QUESTION)[1])
            again.close()
    return [
        Row(
            name="app: first answer, fresh install (page -> answer)",
            seconds=statistics.median(fresh),
            baseline="same question, warm server",
            baseline_seconds=statistics.median(warm),
            budget_seconds=FIRST_ANSWER_BUDGET,
            note=(
                f"'{LIBRARY_QUESTION}' (searches the commentary library) asked as soon as the "
                f"chat input shows; median of 3 fresh servers, slowest {max(fresh):.2f} s; "
                f"page load to chat input {statistics.median(loads):.2f} s"
            ),
        ),
        Row(
            name="app: fresh install, question shown (Enter -> question bubble)",
            seconds=statistics.median(shown),
            baseline="the whole first answer",
            baseline_seconds=statistics.median(fresh),
            note=f"median of 3 fresh servers, slowest {max(shown):.2f} s",
        ),
    ]


def _conversation_rows(browser, root: Path) -> list[Row]:
    from assistant.config import Settings
    from assistant.runtime import make_assistant

    with _Env(root / "inproc"):
        bot = make_assistant(Settings.from_env())
        baseline = measure(lambda: bot.ask("Is silver breaking out?"), repeat=5)

    questions = [*REPEATED, *(FILLER * 2)[:14], *REPEATED]
    early, late, first_words, wholes = [], [], [], []
    with app_server(root / "turns") as server:
        warm = visit(browser, server.url)
        timed_turn(warm.page, 0, "How much is silver?")  # loads the data and the library
        warm.close()
        for _ in range(2):
            v = visit(browser, server.url)
            times = [timed_turn(v.page, n, q) for n, q in enumerate(questions)]
            v.close()
            early += [w for _, w in times[:3]]
            late += [w for _, w in times[-3:]]
            first_words += [f for f, _ in times]
            wholes += [w for _, w in times]
    return [
        Row(
            name="app: turn 18-20 against turn 1-3 (browser)",
            seconds=statistics.median(late),
            baseline="the same questions at turns 1-3",
            baseline_seconds=statistics.median(early),
            max_ratio=TURN20_RATIO,
            note="median of 2 conversations x 3 questions; each asked once the page is idle",
        ),
        Row(
            name="app: time to first word (browser)",
            seconds=statistics.median(first_words),
            baseline="time to the whole answer",
            baseline_seconds=statistics.median(wholes),
            note=f"median over {len(first_words)} turns of 2 conversations",
        ),
        Row(
            name="app: chat turn, offline (submit -> answer shown)",
            seconds=statistics.median(wholes),
            baseline="Assistant.ask in process, warm",
            baseline_seconds=baseline,
            budget_seconds=TURN_BUDGET,
            note=f"median of {len(wholes)} turns; slowest {max(wholes):.2f} s",
        ),
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
        reason = browsing.chromium_missing_reason()
        if reason:
            print(f"bench_app: browser rows skipped: {reason}", file=sys.stderr)
            return rows
        with browsing.chromium() as browser:
            rows = (
                _render_rows(browser, root)
                + _first_answer_rows(browser, root)
                + _conversation_rows(browser, root)
                + rows
            )
        return rows
