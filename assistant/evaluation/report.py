"""The evaluation's Markdown: one row per model run in the section "Model runs" of
``docs/evaluation.md``, and the per-question table of a run.

Only that section is touched: other sections of the file (the offline analyst's question table)
are kept byte for byte. Rows accumulate, newest last; the section's heading and column header
are written when missing. The file is replaced atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

from tools.files import write_text

SECTION = "## Model runs"
INTRO = """\
Each row is one run of `market-assistant eval` over a question table (the bundled one is
`assistant/evaluation/questions.yaml`): the share of questions that passed every check, whose
expected tools were called (tools), whose tool arguments were valid and as expected (args), the
mean share of true figures stated (figures, computed from the data with pandas), the share whose
figures all came from tool results (grounded) and whose citations were all retrieved passages
(citations); answers flagged "Unverified", errors, the median seconds per question, the mean
tokens in and out and model calls per question, and the tool calls the model wrote as text."""
COLUMNS = (
    ("date", "date"),
    ("model", "model"),
    ("data", "data"),
    ("questions", "questions"),
    ("passed", "passed"),
    ("tools", "tools"),
    ("args", "args"),
    ("figures", "figures"),
    ("grounded", "grounded"),
    ("citations", "citations"),
    ("flagged", "flagged"),
    ("errors", "errors"),
    ("median_s", "median s"),
    ("tokens_in", "tokens in"),
    ("tokens_out", "tokens out"),
    ("model_calls", "model calls"),
    ("text_tool_calls", "text calls"),
)


def row(summary: dict) -> str:
    cells = []
    for key, _ in COLUMNS:
        value = summary.get(key)
        if key == "data":
            value = _data_label(str(value or ""), summary.get("as_of"))
        if isinstance(value, float) and key in (
            "passed",
            "tools",
            "args",
            "figures",
            "grounded",
            "citations",
        ):
            value = f"{value:.0%}"
        cells.append("" if value is None else str(value).replace("|", "\\|"))
    return "| " + " | ".join(cells) + " |"


def _data_label(data: str, as_of: str | None) -> str:
    """``csv:market-data to 2026-01-23``: a CSV folder by its name, not the whole path."""
    if data.lower().startswith("csv:"):
        data = "csv:" + Path(data[4:].rstrip("/")).name
    return f"{data} to {as_of}" if as_of else data


def header() -> str:
    names = [label for _, label in COLUMNS]
    return "| " + " | ".join(names) + " |\n|" + "|".join("---" for _ in names) + "|"


def add_run(path: Path, summary: dict) -> None:
    """Append the run's row to the "Model runs" section of ``path`` (created when missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Evaluation\n"
    start = text.find(f"\n{SECTION}\n")
    if start < 0:
        section = f"{SECTION}\n\n{INTRO}\n\n{header()}\n{row(summary)}\n"
        new = text.rstrip("\n") + "\n\n" + section
    else:
        body_start = start + 1
        nxt = re.search(r"\n## ", text[body_start + len(SECTION) :])
        end = body_start + len(SECTION) + nxt.start() + 1 if nxt else len(text)
        section = text[body_start:end].rstrip("\n")
        if "| date |" not in section:
            section += f"\n\n{header()}"
        section += f"\n{row(summary)}\n"
        new = text[:body_start] + section + ("\n" + text[end:] if end < len(text) else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, new)


def question_table(run_dict: dict) -> str:
    """The per-question Markdown table of one run (for the report or a terminal)."""
    lines = [
        "| id | tools called | tools | args | figures | grounded | citations | s | problems |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for q in run_dict["questions"]:
        figures = "" if q["figures"] is None else f"{q['figures']:.0%}"
        problems = "; ".join(q["problems"])[:300].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {q['id']} | {', '.join(q['tools_called']) or '—'} | {_mark(q['tools_ok'])} | "
            f"{_mark(q['args_ok'])} | {figures} | {_mark(q['grounded'])} | "
            f"{_mark(q['citations_ok'])} | {q['seconds']:.0f} | {problems} |"
        )
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"
