"""Helpers shared by the reliability and security suites (no tests here).

- running the command line in process and splitting its output;
- snapshots of folder trees, to prove that nothing is written outside the data directory;
- calling a LangChain tool the way the agent does (a tool call with an id);
- a fake Yahoo Finance that refuses to touch the network;
- hostile files (YAML alias bombs, deep nesting, a PDF decompression bomb, a passage flood) and
  a child process run under a memory cap, to show that a bomb is refused within seconds;
- ``docs/reliability.md``: the report text is built from the suites' own case tables, so the
  figures in it cannot drift from what the tests run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "reliability.md"
POISONED = Path(__file__).resolve().parent / "data" / "poisoned"
CANARY = "sk-canary-7f3a9c1e5b2d4f60a8e1c3b5d7f9a2c4"
WRITE_REPORT = "MARKET_ASSISTANT_WRITE_REPORT"


# -- the command line ---------------------------------------------------------------------------
def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """``market-assistant ARGS`` in process: (exit code, stdout, stderr)."""
    from assistant.cli.main import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("Error: ")]


# -- file-system snapshots ------------------------------------------------------------------------
def snapshot(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """relative path -> (size, mtime in ns) for every file and folder under ``root``."""
    out: dict[str, tuple[int, int]] = {}
    if not root.exists():
        return out
    skipped = [s.resolve() for s in skip]
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if (here / d).resolve() not in skipped]
        for name in dirnames + filenames:
            path = here / name
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue
            out[str(path.relative_to(root))] = (
                st.st_size,
                st.st_mtime_ns if not path.is_dir() else 0,
            )
    return out


def changes(before: dict, after: dict) -> list[str]:
    """Paths added, removed or modified between two snapshots."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# -- tools -----------------------------------------------------------------------------------------
def invoke(name: str, args: dict, ctx):
    """Call a tool as the agent's ToolNode does, with ``ctx`` as its runtime context."""
    from assistant.lc_tools import run_tool

    return run_tool(name, args, ctx, call_id="call-x")


# -- Yahoo Finance without a network ---------------------------------------------------------------
def no_network_yahoo(monkeypatch):
    """A fake ``yfinance.download`` that always fails as yfinance does offline (and records
    calls)."""
    from yf_fakes import FakeYahoo, install

    return install(monkeypatch, FakeYahoo(default="dns"))


# -- the knowledge base ----------------------------------------------------------------------------
def seeded_home(home: Path) -> Path:
    """``home`` with a copy of a store that already holds the bundled corpus (fast)."""
    from test_knowledge_support import seed_home

    if not (home / "chroma").exists():
        seed_home(home)
    return home


# -- hostile files ---------------------------------------------------------------------------------
def alias_bomb(field: str = "assets", levels: int = 9) -> str:
    """A Markdown note whose front matter ``field`` is a "billion laughs": about 400 bytes that
    expand to 9**levels strings wherever the value is walked."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return (
        "---\n" + "\n".join(lines) + f"\n{field}: *a{levels - 1}\n---\n# Silver\n\nSilver rose.\n"
    )


def deep_yaml(depth: int = 5000) -> str:
    """A note whose front matter nests ``depth`` lists deep (a RecursionError for a naive
    parser)."""
    return "---\ntags: " + "[" * depth + "]" * depth + "\n---\n# Silver\n\nSilver rose.\n"


def pdf_bomb(pages: int = 499, content_bytes: int = 5_000_000) -> bytes:
    """A PDF of ``pages`` pages that all share one content stream of ``content_bytes`` text
    operators, compressed to a few kilobytes (about 90 KB for the defaults): hours of text
    extraction for a naive reader."""
    unit = b"BT /F1 1 Tf 0 0 Td (ab) Tj ET\n"
    packed = zlib.compress(unit * (content_bytes // len(unit)), 9)
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R"
        b" >> >> /Contents 4 0 R >>"
    ] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def passage_flood(sections: int = 10_000) -> str:
    """About 80 KB of Markdown that makes one passage per tiny section (10,000 by default)."""
    return "## a\nb\n\n" * sections


@dataclass(frozen=True)
class Capped:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_capped(code: str, *, memory_mb: int = 1024, timeout: float = 90.0) -> Capped:
    """Run ``code`` in a fresh Python whose address space is capped at ``memory_mb`` (RLIMIT_AS),
    with the repository and the tests folder importable; (exit code, output, seconds)."""
    import resource

    limit = memory_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    path = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
    )
    return Capped(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


# -- the report ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadFigures:
    measured_on: str
    seconds: float
    conversations: int
    answers: int
    throughput: float  # answers per second
    p50_ms: float
    p95_ms: float
    refreshes: int
    ingests: int
    errors: int

    def lines(self) -> list[str]:
        return [
            (
                f"- Measured on {self.measured_on} on this machine ({os.cpu_count()} cores):"
                f" {self.conversations} concurrent conversations for {self.seconds:.0f} s with the"
                " offline model, sharing one Market (one price cache) and one knowledge base,"
                " while one thread refreshed prices and another ingested documents."
            ),
            (
                f"- Answers: {self.answers}, throughput {self.throughput:.1f} answers/s, "
                f"latency p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms."
            ),
            (
                f"- Refreshes during the run: {self.refreshes}; documents ingested: {self.ingests};"
                f" errors: {self.errors}; answers that crossed into another conversation: 0;"
                " ungrounded answers: 0."
            ),
        ]


_LOAD_LINE = re.compile(
    r"^- Answers: (\d+), throughput ([\d.]+) answers/s, latency p50 (\d+) ms, p95 (\d+) ms\.$", re.M
)


def recorded_load_section(text: str) -> str | None:
    """The measured load lines in the current report (they vary by machine, so they are kept)."""
    match = re.search(r"<!-- load:begin -->\n(.*?)\n<!-- load:end -->", text, re.S)
    return match.group(1) if match and _LOAD_LINE.search(match.group(1)) else None


def _suite(name: str):
    if name in sys.modules:
        return sys.modules[name]
    return importlib.import_module(name)


def _documented_tests(module) -> list[tuple[str, str]]:
    """(test name, first docstring paragraph) of each test function in ``module``, in file order."""
    out = []
    for name, fn in vars(module).items():
        if name.startswith("test_") and callable(fn):
            first = (fn.__doc__ or "").strip().split("\n\n")[0]
            out.append((name, " ".join(first.split())))
    return out


def report_text(load_section: str) -> str:
    """docs/reliability.md as the suites define it; ``load_section`` holds the measured lines."""
    inputs = _suite("test_reliability_inputs")
    faults = _suite("test_reliability_faults")
    security = _suite("test_security")
    bombs = _suite("test_reliability_hostile")
    hostile = _documented_tests(bombs)
    browser = _documented_tests(_suite("test_security_browser"))
    load = _suite("test_load")
    groups: dict[str, int] = {}
    for case in inputs.CLI_CASES:
        groups[case.values[0]] = groups.get(case.values[0], 0) + 1
    n_cli, n_tool, n_ok = len(inputs.CLI_CASES), len(inputs.TOOL_CASES), len(inputs.ACCEPTED_CASES)
    fault_tests = _documented_tests(faults)
    security_tests = _documented_tests(security)
    poisoned = sorted(p.name for p in POISONED.iterdir() if p.is_file())
    lines = [
        "# Reliability report",
        "",
        (
            "This file is checked by `tests/test_load.py::test_reliability_report_is_current`:"
            " every count below"
        ),
        (
            "is computed from the suites' own case tables, so it cannot drift from what the tests"
            " run. Regenerate"
        ),
        (
            f"it with `{WRITE_REPORT}=1 .venv/bin/pytest tests/test_reliability_inputs.py "
            "tests/test_reliability_faults.py tests/test_reliability_hostile.py "
            "tests/test_security.py tests/test_security_browser.py tests/test_load.py`."
        ),
        "",
        "## Bad input (`tests/test_reliability_inputs.py`)",
        "",
        (
            f"{n_cli + n_tool + n_ok} cases tried: {n_cli} through the command line"
            f" (`assistant.cli.main.main`), {n_tool} through the agent's tools, and {n_ok} inputs"
            " that are odd but answerable."
        ),
        "",
        (
            "- Command line: each case exits non-zero with exactly one `Error: ...` line that names"
            " the fix, no traceback, within its stated timeout, and writes nothing outside the data"
            " directory (the test's folders, the working directory and the temporary directory are"
            " compared before and after)."
        ),
        (
            "- Tools: each case returns `Input error: ...` to the model and the artifact "
            '`{"kind": "error", "error": ..., "options": [...]}`.'
        ),
        (
            "- Odd but answerable (control characters, right-to-left text, SQL-looking words in a"
            " question, duplicate dates, a few non-numeric rows, Latin-1 and UTF-16 CSVs, day-first"
            " and month-first dates): answered or loaded, with a notice where rows were dropped,"
            " and nothing unprintable echoed."
        ),
        (
            "- The `hostile` group holds files made to hurt (a YAML alias bomb, deep nesting, a PDF"
            " decompression bomb, a passage flood, a link out of a folder, a newline in a file"
            " name, a pipe or link as `brief --out`, ambiguous and future CSV dates, a 100,001-row"
            " CSV, a hand-broken watchlist): each is refused by name in one line."
        ),
        "",
        "| group | command-line cases |",
        "|---|---|",
        *[f"| {group} | {count} |" for group, count in groups.items()],
        "",
        f"## Faults (`tests/test_reliability_faults.py`): {len(fault_tests)} survived",
        "",
        "| fault | stated outcome (asserted) |",
        "|---|---|",
        *[f"| `{name.removeprefix('test_')}` | {doc} |" for name, doc in fault_tests],
        "",
        (
            "## Prompt injection, excessive agency and secrets (`tests/test_security.py`):"
            f" {len(security_tests)} checks"
        ),
        "",
        f"{len(poisoned)} poisoned documents in `tests/data/poisoned/`: {', '.join(poisoned)}.",
        "",
        "| check | what it shows |",
        "|---|---|",
        *[f"| `{name.removeprefix('test_')}` | {doc} |" for name, doc in security_tests],
        "",
        (
            "That document and model HTML render as text in the app is shown by the app's own tests"
            " (the Streamlit engineer's suite); that Markdown images and links fetch nothing is"
            " shown below, in a real browser."
        ),
        "",
        (
            "## Hostile files and shared use (`tests/test_reliability_hostile.py`):"
            f" {len(hostile)} checks"
        ),
        "",
        (
            f"Bombs run in a child process capped at {bombs.MEMORY_MB} MB of address space"
            f" (`resource.setrlimit`) and must be refused within {bombs.BOMB_SECONDS} seconds,"
            " child start-up included, on a loaded two-core machine."
        ),
        "",
        "| check | stated outcome (asserted) |",
        "|---|---|",
        *[f"| `{name.removeprefix('test_')}` | {doc} |" for name, doc in hostile],
        "",
        f"## In the browser (`tests/test_security_browser.py`): {len(browser)} checks",
        "",
        (
            "The app as `make run` serves it (`serve_app.py`: Streamlit behind the security"
            " headers), driven in Debian's Chromium through Playwright; every request the page"
            " makes is recorded."
        ),
        "",
        "| check | stated outcome (asserted) |",
        "|---|---|",
        *[f"| `{name.removeprefix('test_')}` | {doc} |" for name, doc in browser],
        "",
        "## Load (`tests/test_load.py`)",
        "",
        (
            f"{load.CONVERSATIONS} concurrent conversations in one process, {load.DEFAULT_SECONDS}"
            f" s by default ({load.CI_SECONDS} s when CI=true; `{load.ENV_SECONDS}` overrides)."
            ' Each conversation asks about its own asset and then "and over 3 months?", which must'
            " stay on that asset; every answer must be fully grounded; any error fails the test."
            " After the run the cache and the store are reopened and checked: every cached series"
            " reads back, every ingested document is whole (nothing lost)."
        ),
        "",
        "<!-- load:begin -->",
        load_section,
        "<!-- load:end -->",
        "",
        "## What the suites found (and what was fixed)",
        "",
        *[f"- {line}" for line in FINDINGS],
        "",
    ]
    return "\n".join(lines)


FINDINGS = (
    (
        "`data show ASSET --start 2999-01-01` crashed with pandas' OutOfBoundsDatetime; a range"
        " outside the data is now the usual one-line error (`assistant/cli_data.py`)."
    ),
    (
        "The commentary tool cut its quoted block at 1,500 characters, leaving the last passage"
        " without its closing delimiter; passages are now shortened to fit and every one is closed"
        " (`knowledge/retrieval.py`, `assistant/adapters.py`)."
    ),
    (
        "A model API that echoes the key in an error body had the key written to"
        " `conversations.sqlite`, because LangGraph stores a failed node's exception; model errors"
        " are now scrubbed before they are stored (`assistant/agent.py`)."
    ),
    (
        "A stream cut off before its end was shown as a complete answer; it is now reported as cut"
        " off (`assistant/agent.py`), and a non-stream body is reported as a malformed response"
        " (`assistant/failures.py`)."
    ),
    (
        "A document cut short by a killed ingestion would have been skipped as unchanged on the"
        " next run; a document is now skipped only when all its chunks are stored"
        " (`knowledge/ingest.py`)."
    ),
    (
        "A `javascript:` url in front matter became a citation link, and direction overrides and"
        " control characters survived in titles; urls must be http(s), titles and sources are"
        " cleaned (`knowledge/loaders.py`)."
    ),
    (
        "`kb ingest` failures printed no `Error:` line and some reasons named no fix (empty,"
        " binary, UTF-16, bad YAML, broken PDF); UTF-16 text was called binary. Fixed in"
        " `assistant/cli_kb.py` and `knowledge/loaders.py`; UTF-16 CSVs are now read"
        " (`tools/csvfile.py`), and CSV errors say what to change."
    ),
    (
        '`--home` pointing at a file gave "unexpected failure (InternalError)"; it is now a'
        " one-line input error (`assistant/cli.py`, `knowledge/store.py`)."
    ),
    (
        "A minimum gap of 10**9 bars was accepted; gaps longer than the history are refused"
        " (`tools/breakouts.py`)."
    ),
    (
        "A search query made only of control characters searched for nothing; it is now an"
        " empty-query error, and terminal escape sequences are stripped from questions"
        " (`knowledge/base.py`, `assistant/agent.py`)."
    ),
    (
        "A note with 20,000 front-matter assets made Chroma fail to compact, and every later"
        " read of the store failed, `kb rebuild` included. Metadata is now bounded before it"
        " reaches Chroma (`knowledge/fields.py`, `knowledge/ingest.py`), a document's chunks are"
        " staged so a failed write is undone, and `kb rebuild` rebuilds a store Chroma cannot"
        " read from the files on disk, listed in `knowledge-sources.json`"
        " (`knowledge/recovery.py`, `knowledge/sources.py`)."
    ),
    (
        "A 400-byte YAML alias bomb in front matter grew to gigabytes; deep nesting raised a"
        " RecursionError that stopped the whole batch. Aliases are refused, size and depth capped"
        " (`knowledge/frontmatter.py`), and each file is isolated (`knowledge/ingest.py`)."
    ),
    (
        "A 90 KB PDF whose 499 pages share one 5 MB content stream needed hours of CPU; PDF"
        " text is now read in a child process with a deadline, a memory cap and content and text"
        " budgets (`knowledge/pdftext.py`)."
    ),
    (
        "Markdown images and links in quoted documents and model answers were live in the app (a"
        " beacon carrying the question to another host, a phishing link); they now render as"
        " text (`assistant/safety.py`, used by `ui/common.py::safe_markdown`, the conversation"
        " export and briefing headlines), and the app sends a Content Security Policy that allows"
        " images only from itself (`assistant/app/headers.py`, `serve_app.py`). The policy also"
        " stops the page icon being fetched from fonts.gstatic.com on every load."
    ),
    (
        "A Chinese document was stored as 2,400 of its 6,167 characters, and repetitive text or"
        " a closing quote after a full stop could lose words; chunking now splits text without"
        " spaces by characters and checks that no character is lost (`knowledge/chunking.py`)."
    ),
    (
        "A symbolic link in an ingested folder to /etc/shadow made its lines searchable; links"
        " out of the folder are refused (`knowledge/loaders.py`). Unicode tag characters carried"
        " hidden text into quotes; invisible format characters are stripped"
        " (`knowledge/text.py`). An 80 KB file made 10,000 passages; documents are capped at 2,000"
        " passages and one upload at 50 files and 50 MB (`assistant/app/uploads.py`)."
    ),
    (
        "`brief --out` replaced pipes, devices and links with files and made 0644 files 0600;"
        " it now refuses them (exit 2) and keeps a file's mode (`assistant/briefing/render.py`,"
        " `tools/files.py`). Uploads with the same cleaned name overwrote each other; each is"
        " kept under its content digest with its own name (`assistant/app/uploads.py`)."
    ),
    (
        "A dd/mm/yyyy CSV was read month-first and a row dated 9999-12-31 became the latest bar;"
        " the date order is read from the file (the order in which every date is real), files"
        " whose every date reads both ways and future rows are refused, and"
        " a file over 100,000 rows is refused before it is read whole (`tools/csvfile.py`)."
    ),
    (
        "Escapes and newlines in file names reached the terminal; a read-only home refused `kb"
        ' list` and `kb search`; a full disk said "ask again"; figures quoted from documents'
        " counted as the tools'; the app's CSV folder could name any server path; a hand-broken"
        ' watchlist crashed `brief` and parallel saves lost lists; `--home ""` used the current'
        " folder; 500 unknown assets gave a 100 KB error. All fixed (`assistant/safety.py`,"
        " `knowledge/store.py`, `assistant/failures.py`, `assistant/grounding.py`,"
        " `assistant/app/folders.py`, `assistant/briefing/watchlists.py`,"
        " `assistant/cli/main.py`)."
    ),
)


def today() -> str:
    return dt.date.today().isoformat()
