"""Reading a question (budget 20 ms warm, embedding included) and a warm offline answer (budget
150 ms), each next to a baseline measured in the same run; and the offline analyst's question
table, whose scores this benchmark writes to docs/evaluation.md.

python benchmarks/run.py reading
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Row, measure

ROOT = Path(__file__).resolve().parents[1]
EVALUATION = ROOT / "docs" / "evaluation.md"
SECTION = "## Offline analyst question table"
QUESTIONS = [
    "What was gold on 3 March 2025?",
    "how did silver do in Q3 2025",
    "golld vs slvr",
    "what's behind the bitcoin rally?",
    "which did better this year, gold or bitcoin?",
    "What does the article say about bitcoin?",
    "will silver hit 200?",
    "Does bitcoin follow silver with a lag?",
    "is the S&P at a record?",
    "why did silver drop on 30 January 2026?",
]
ANSWERED = [
    "How much was gold last Friday?",
    "how did gold do in 2024",
    "which did better in 2025, gold or silver?",
    "why did silver drop on 30 January 2026?",
    "Is silver breaking out?",
    "What does the article say about bitcoin?",
]


def _read_fresh(question: str):
    """One reading with nothing remembered (neither the reading nor the embedding)."""
    from assistant.offline import intents, reading

    reading.parse.cache_clear()
    intents._guess_cached.cache_clear()
    return reading.parse(question)


def _reading_rows() -> list[Row]:
    from assistant.offline.intents import reader

    embedder = reader().load().embedder
    for q in QUESTIONS:
        _read_fresh(q)  # warm: model loaded, bank vectors in memory
    per_question = measure(lambda: [_read_fresh(q) for q in QUESTIONS], repeat=7) / len(QUESTIONS)
    embed = measure(lambda: [embedder.embed([q]) for q in QUESTIONS], repeat=7) / len(QUESTIONS)
    return [
        Row(
            "read a question, warm (embedding included)",
            per_question,
            "embedding the question alone",
            embed,
            budget_seconds=0.020,
            note=f"median over {len(QUESTIONS)} questions, nothing cached between reads",
        )
    ]


def _answer_rows() -> list[Row]:
    from assistant.agent import Assistant
    from assistant.config import Settings
    from assistant.library import Library
    from tools import prices

    home = Path(tempfile.mkdtemp(prefix="bench-reading-"))
    settings = Settings(data="demo", home=home)
    assistant = Assistant(settings, knowledge=Library.from_settings(settings))
    series = assistant.market.series("gold")
    baseline = measure(lambda: prices.price_lookup(series), repeat=9, number=20)
    rows = []
    for q in ANSWERED:
        assistant.ask(q)
        seconds = measure(lambda q=q: assistant.ask(q), repeat=5)
        rows.append(
            Row(
                f"offline answer warm: {q[:34]}",
                seconds,
                "price_lookup (tool only)",
                baseline,
                budget_seconds=0.150,
            )  # fmt: skip
        )
    return rows


def _table_rows() -> list[Row]:
    from tests.conftest import MARKET_DATA

    if not (MARKET_DATA / "silver.csv").is_file():
        return [Row("question table (skipped: no ../shared/market-data)", 0.0)]
    from knowledge.base import open_knowledge_base
    from tests.questions import heldout, heldout2, heldout3, oracle, runner, table

    kb = open_knowledge_base(Path(tempfile.mkdtemp(prefix="bench-kb-")))
    assistant = runner.make_assistant(MARKET_DATA, kb)
    t0 = time.perf_counter()
    main = runner.scores(runner.run(assistant, table.TABLE))
    seconds = (time.perf_counter() - t0) / len(table.TABLE)
    held = runner.scores(runner.run(assistant, heldout.ROWS, prefix="held-out"))
    held2 = runner.scores(runner.run(assistant, heldout2.ROWS, prefix="held-out-2"))
    held3 = [0, 0]
    for as_of, rows in heldout3.GROUPS:
        a = assistant if as_of is None else runner.make_assistant(MARKET_DATA, kb, as_of)
        with oracle.as_of(as_of or "2100-01-01"):
            ok, n = runner.scores(runner.run(a, rows, prefix=f"held-out-3-{as_of}"))["overall"]
        held3 = [held3[0] + ok, held3[1] + n]
    write_evaluation(main, held, seconds, held2, tuple(held3))
    right, asked = main["overall"]
    h_right, h_asked = held["overall"]
    h2_right, h2_asked = held2["overall"]
    return [
        Row(
            "question table (score; time per question)",
            seconds,
            checks_ok=right / asked >= 0.97,
            note=f"{right}/{asked} right ({100 * right / asked:.1f}%, goal 97%); held-out"
            f" {h_right}/{h_asked}, second held-out {h2_right}/{h2_asked}, third (blind run)"
            f" {held3[0]}/{held3[1]}; written to"
            " docs/evaluation.md",
        )
    ]


# The second held-out set's score on its first run, before anything was tuned against it.
HELD_OUT_2_FIRST = (60, 84)


def write_evaluation(
    main: dict, held: dict, seconds: float, held2: dict | None = None, held3=None
) -> None:
    """Replace this benchmark's section of docs/evaluation.md, keeping every other section."""
    lines = [
        SECTION,
        "",
        f"Written by `python benchmarks/run.py reading` on {dt.date.today()}. The offline analyst"
        " answers every question of `tests/questions/table.py` on the real price files in"
        ' `../shared/market-data` (no as-of date; "today" is fixed at 2026-12-01) with the'
        " bundled commentary library. A question counts as right when the answer makes the"
        " expected tool calls, states the expected figures (computed with pandas from the CSVs"
        " in `tests/questions/oracle.py`), opens with the expected verdict, keeps to about 120"
        " words and is fully grounded. Conversations whose every turn runs in a new process"
        " (`market-assistant ask --thread`, and an app conversation resumed after a restart)"
        " are checked by `tests/test_offline_followups.py`.",
        "",
        "| category | right | asked | score |",
        "|---|---:|---:|---:|",
    ]
    for name, (ok, n) in main.items():
        label = f"**{name}**" if name == "overall" else name
        lines.append(f"| {label} | {ok} | {n} | {100 * ok / n:.1f}% |")
    h_ok, h_n = held["overall"]
    lines += [
        "",
        f"First held-out set (`tests/questions/heldout.py`, other wording; its misses were then"
        f" fixed by class, so it is no longer unseen): {h_ok}/{h_n} ({100 * h_ok / h_n:.1f}%)."
        f" Time per question in the table: {seconds * 1000:.0f} ms.",
    ]
    if held2 is not None:
        f_ok, f_n = HELD_OUT_2_FIRST
        ok2, n2 = held2["overall"]
        lines.append(
            f"Second held-out set (`tests/questions/heldout2.py`, written after the first was"
            f" seen, in yet other wording, every category plus holidays and dated why-questions):"
            f" first run before any tuning {f_ok}/{f_n} ({100 * f_ok / f_n:.1f}%); now"
            f" {ok2}/{n2} ({100 * ok2 / n2:.1f}%), after fixing the classes its misses stood for."
        )
    if held3 is not None:
        from tests.questions.heldout3 import FIRST_RUN

        f_ok, f_n = FIRST_RUN
        ok3, n3 = held3
        lines.append(
            f"Third held-out set (`tests/questions/heldout3.py`, a blind test run through the"
            f" command line, one process per question, mostly as of 2026-03-30): first run before"
            f" any change {f_ok}/{f_n} ({100 * f_ok / f_n:.1f}%, as the blind test judged it;"
            " the code of that run scores 50/71 against this file's stricter checks, and 2 of"
            f" the table's 22 rows written for these classes); now {ok3}/{n3}"
            f" ({100 * ok3 / n3:.1f}%), after fixing the classes behind its misses (lasting"
            " premises, the end of a period, quotes about what was asked, calendar periods with"
            " no data, next-day lead/lag, checking a named note, comparing the conversation's"
            " assets, record wording), with new rows in other words in the table."
        )
    lines.append("")
    text = EVALUATION.read_text(encoding="utf-8") if EVALUATION.is_file() else "# Evaluation\n\n"
    pattern = re.compile(rf"{re.escape(SECTION)}\n.*?(?=\n## |\Z)", re.S)
    block = "\n".join(lines)
    text = pattern.sub(lambda _: block.rstrip("\n") + "\n", text) if SECTION in text else (
        text.rstrip("\n") + "\n\n" + block)  # fmt: skip
    EVALUATION.write_text(text, encoding="utf-8")


def run() -> list[Row]:
    return _reading_rows() + _answer_rows() + _table_rows()
