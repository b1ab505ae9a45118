"""The bad-input matrix: garbage through the command line and through the agent's tools.

Every command-line case must exit non-zero with exactly one ``Error: ...`` line that names the
fix (the ``hint`` column is a fragment of that fix), print no traceback, finish within its
stated timeout, and write nothing outside the data directory. Every tool case must come back
to the model as ``Input error: ...`` with a structured error artifact, so the model can correct
itself. A third table holds inputs that are odd but answerable: those must be answered (or
loaded) cleanly rather than refused.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from reliability_support import (
    alias_bomb,
    changes,
    deep_yaml,
    error_lines,
    invoke,
    no_network_yahoo,
    passage_flood,
    pdf_bomb,
    run_cli,
    seeded_home,
    snapshot,
)

SQL = "silver'; DROP TABLE prices;--"
TRAVERSAL = "../../etc/passwd"
LONG_QUESTION = "Is silver breaking out? " * 4200  # about 100,000 characters
CASE_TIMEOUT = 60  # seconds; the first knowledge-base case in a process loads the embedding model


def files(tmp: Path) -> Path:
    """Bad documents and CSV folders for the file cases, under ``tmp/files``."""
    root = tmp / "files"
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "empty.md").write_bytes(b"")
    (docs / "binary.md").write_bytes(bytes(range(256)) * 8)
    (docs / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (docs / "latin1.txt").write_bytes("Caf\u00e9 cr\u00e8me: silver rose.".encode("latin-1"))
    (docs / "utf16.md").write_bytes("# Silver\n\nSilver rose.".encode("utf-16"))
    with open(docs / "huge.md", "wb") as fh:  # sparse: over the size limit without using the disk
        fh.truncate(11 * 1024 * 1024)
    (docs / "notes.rtf").write_text("{\\rtf1 silver}")
    (docs / "badyaml.md").write_text("---\ntitle: [unclosed\n---\nSilver rose.\n")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (root / "nothing-here").mkdir()
    (root / "nothing-here" / "data.bin").write_bytes(b"\x00\x01")

    def csv(name: str, content: bytes | None, filename: str = "silver.csv") -> None:
        folder = root / f"csv-{name}"
        folder.mkdir()
        if content is not None:
            (folder / filename).write_bytes(content)

    csv("empty", b"")
    csv("binary", bytes(range(256)) * 8)
    csv("header-only", b"date,close\n")
    csv("no-close", b"date,open\n2024-01-02,3\n")
    csv("no-date", b"when,close\nx,3\n")
    csv("text-numbers", b"date,close\n2024-01-02,abc\n2024-01-03,n/a\n")
    csv("negative", b"date,close\n2024-01-02,30\n2024-01-03,-4\n")
    csv("zero", b"date,close\n2024-01-02,0\n")
    csv("negative-low", b"date,open,high,low,close\n2024-01-02,30,31,-1,30.5\n")
    csv("bad-dates", b"date,close\n2024-02-30,30\n2024-13-01,31\n")
    csv("other-asset", b"date,close\n2024-01-02,30\n", filename="gold.csv")
    csv("huge", None)
    with open(root / "csv-huge" / "silver.csv", "wb") as fh:
        fh.truncate(201 * 1024 * 1024)
    hostile_files(root)
    return root


def hostile_files(root: Path) -> None:
    """Files made to hurt: bombs, floods, links out, escapes in names, future and ambiguous dates,
    targets that are not files, a hand-broken watchlist."""
    bad = root / "hostile"
    bad.mkdir()
    (bad / "alias-bomb.md").write_text(alias_bomb())
    (bad / "deep.md").write_text(deep_yaml())
    (bad / "bomb.pdf").write_bytes(pdf_bomb())
    (bad / "flood.md").write_text(passage_flood())
    items = ", ".join(f"a{i}" for i in range(40))
    (bad / "forty-assets.md").write_text(f"---\nassets: [{items}]\n---\nGold rose.\n")
    (bad / "headings-only.md").write_text("# Silver\n\n## Outlook\n")
    (bad / "bad\nError: forged.md").write_text("---\ntitle: [unclosed\n---\nSilver.\n")
    (root / "secret.txt").write_text("root:CANARY:19000:0:99999\n")
    (root / "links").mkdir()
    (root / "links" / "shadow.txt").symlink_to(root / "secret.txt")
    os.mkfifo(root / "pipe.md")
    (root / "link.md").symlink_to(root / "secret.txt")
    (root / "wl-home").mkdir()
    (root / "wl-home" / "watchlists.toml").write_text('watchlists = ["metals"]\n')

    def csv(name: str, content: bytes) -> None:
        (root / f"csv-{name}").mkdir()
        (root / f"csv-{name}" / "silver.csv").write_bytes(content)

    csv("ambiguous", b"date,close\n03/02/2025,30\n")
    csv("future", b"date,close\n2025-01-02,30\n9999-12-31,31\n")
    csv("rows", b"date,close\n" + b"2024-01-02,30.5\n" * 100_001)


# (group, arguments, a fragment of the fix the one-line error must name). "{files}" is the folder
# made by ``files``; relative paths are resolved from a fresh, empty working directory.
CLI_CASES = [
    # unknown assets and typos
    pytest.param(
        "assets",
        ["--data", "demo", "data", "show", "silverr"],
        "Did you mean silver",
        id="typo-silverr",
    ),
    pytest.param(
        "assets", ["--data", "demo", "price", "golld"], "Did you mean gold", id="typo-golld"
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "compare", "silver", "gould"],
        "Did you mean gold",
        id="typo-in-compare",
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "breakouts", "bitcoinn"],
        "Did you mean bitcoin",
        id="typo-bitcoinn",
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "lag", "silver", "bitcon"],
        "Did you mean bitcoin",
        id="typo-in-lag",
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "breakouts", "silver", "--vs", "goldd"],
        "Did you mean gold",
        id="typo-in-vs",
    ),
    pytest.param(
        "assets", ["--data", "demo", "data", "show", ""], "Known assets", id="empty-asset"
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "data", "show", "x" * 10_000],
        "Known assets",
        id="10k-char-asset",
    ),
    pytest.param(
        "assets", ["--data", "demo", "price", "AAPL"], "any Yahoo ticker", id="ticker-on-demo"
    ),
    pytest.param(
        "assets", ["--data", "demo", "price", "dogecoin"], "Known assets", id="unknown-asset"
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "price", "\x1b[31msilver\x1b[0m"],
        "Known assets",
        id="ansi-asset",
    ),
    pytest.param(
        "assets",
        ["--data", "demo", "kb", "search", "silver", "--asset", "silverr"],
        "Did you mean silver",
        id="typo-kb-asset",
    ),
    # impossible dates, reversed ranges, future as-of
    pytest.param(
        "dates",
        ["--data", "demo", "data", "show", "silver", "--start", "2026-02-30"],
        "YYYY-MM-DD",
        id="feb-30-start",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "data", "show", "silver", "--end", "2025-13-01"],
        "YYYY-MM-DD",
        id="month-13-end",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "data", "show", "silver", "--start", "yesterday"],
        "YYYY-MM-DD",
        id="word-date",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "price", "silver", "--on", "2026-02-30"],
        "YYYY-MM-DD",
        id="feb-30-on",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "price", "silver", "--on", "1800-01-01"],
        "choose a date between",
        id="on-before-history",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "price", "silver", "--on", "2999-01-01"],
        "choose a date between",
        id="on-after-history",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "--as-of", "2026-02-30", "data", "show", "silver"],
        "YYYY-MM-DD",
        id="as-of-feb-30",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "--as-of", "2999-01-01", "data", "show", "silver"],
        "use a date on or before today",
        id="as-of-future",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "--as-of", "1900-01-01", "price", "silver"],
        "choose an as-of date on or after",
        id="as-of-before-history",
    ),
    pytest.param(
        "dates",
        [
            "--data",
            "demo",
            "data",
            "show",
            "silver",
            "--start",
            "2025-01-01",
            "--end",
            "2024-01-01",
        ],
        "swap them",
        id="reversed-show",
    ),
    pytest.param(
        "dates",
        [
            "--data",
            "demo",
            "lag",
            "silver",
            "bitcoin",
            "--start",
            "2025-01-01",
            "--end",
            "2024-01-01",
        ],
        "swap them",
        id="reversed-lag",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "lag", "silver", "bitcoin", "--start", "2999-01-01"],
        "they run from",
        id="lag-after-history",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "data", "show", "silver", "--start", "2999-01-01"],
        "the data runs from",
        id="show-after-history",
    ),
    pytest.param(
        "dates",
        ["--data", "demo", "kb", "search", "silver", "--since", "2026-02-30"],
        "YYYY-MM-DD",
        id="kb-since-feb-30",
    ),
    # absurd windows and lags
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--window", "0"],
        "at least 1",
        id="window-0",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--window", "-5"],
        "at least 1",
        id="window-neg",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--window", str(10**9)],
        "at most",
        id="window-1e9",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--window", "abc"],
        "--help",
        id="window-text",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--min-gap", "0"],
        "at least 1",
        id="min-gap-0",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--min-gap", "-5"],
        "at least 1",
        id="min-gap-neg",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "breakouts", "silver", "--min-gap", str(10**9)],
        "use 1 to",
        id="min-gap-1e9",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "bitcoin", "--max-lag", "0"],
        "at least 1",
        id="max-lag-0",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "bitcoin", "--max-lag", "-5"],
        "at least 1",
        id="max-lag-neg",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "bitcoin", "--max-lag", str(10**9)],
        "at most",
        id="max-lag-1e9",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "bitcoin", "--permutations", "-5"],
        "from 0",
        id="permutations-neg",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "bitcoin", "--permutations", str(10**9)],
        "to 100000",
        id="permutations-1e9",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "bitcoin", "--freq", "hourly"],
        "daily, weekly or monthly",
        id="freq-hourly",
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "lag", "silver", "silver"],
        "two different assets",
        id="lag-same",
    ),
    pytest.param(
        "windows", ["--data", "demo", "compare", "silver"], "at least two", id="compare-one"
    ),
    pytest.param(
        "windows", ["--data", "demo", "compare", "silver", "xag"], "once", id="compare-same-alias"
    ),
    pytest.param(
        "windows", ["--data", "demo", "kb", "search", "silver", "--k", "0"], "1 to 50", id="kb-k-0"
    ),
    pytest.param(
        "windows",
        ["--data", "demo", "kb", "search", "silver", "--k", str(10**9)],
        "1 to 50",
        id="kb-k-1e9",
    ),
    # empty, huge, binary and mis-encoded documents
    pytest.param(
        "documents",
        ["kb", "ingest", "{files}/docs/empty.md"],
        "add the commentary text",
        id="doc-empty",
    ),
    pytest.param(
        "documents", ["kb", "ingest", "{files}/docs/binary.md"], "ingest .md, .txt", id="doc-binary"
    ),
    pytest.param(
        "documents",
        ["kb", "ingest", "{files}/docs/image.txt"],
        "ingest .md, .txt",
        id="doc-png-as-txt",
    ),
    pytest.param(
        "documents",
        ["kb", "ingest", "{files}/docs/latin1.txt"],
        "re-save it as UTF-8",
        id="doc-latin1",
    ),
    pytest.param(
        "documents",
        ["kb", "ingest", "{files}/docs/utf16.md"],
        "re-save it as UTF-8",
        id="doc-utf16",
    ),
    pytest.param("documents", ["kb", "ingest", "{files}/docs/huge.md"], "split it", id="doc-huge"),
    pytest.param(
        "documents", ["kb", "ingest", "{files}/docs/notes.rtf"], "use one of", id="doc-unsupported"
    ),
    pytest.param(
        "documents", ["kb", "ingest", "{files}/docs/badyaml.md"], "fix the block", id="doc-bad-yaml"
    ),
    pytest.param(
        "documents",
        ["kb", "ingest", "{files}/docs/broken.pdf"],
        "ingest a text version",
        id="doc-bad-pdf",
    ),
    pytest.param("documents", ["kb", "ingest", "missing.md"], "check the path", id="doc-missing"),
    pytest.param("documents", ["kb", "ingest", TRAVERSAL], "check the path", id="doc-traversal"),
    pytest.param("documents", ["kb", "ingest", "/etc/passwd"], "use one of", id="doc-etc-passwd"),
    pytest.param(
        "documents",
        ["kb", "ingest", "{files}/nothing-here"],
        "use .md, .txt",
        id="doc-empty-folder",
    ),
    # CSV folders (--data csv:DIR)
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-empty", "data", "show", "silver"],
        "needs a header",
        id="csv-empty",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-binary", "data", "show", "silver"],
        "export the prices",
        id="csv-binary",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-huge", "data", "show", "silver"],
        "the limit",
        id="csv-huge",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-header-only", "price", "silver"],
        "add one row per day",
        id="csv-header-only",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-no-close", "data", "show", "silver"],
        "Add a 'close'",
        id="csv-no-close",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-no-date", "data", "show", "silver"],
        "Name the first column",
        id="csv-no-date",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-text-numbers", "data", "show", "silver"],
        "plain numbers",
        id="csv-text-in-numbers",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-bad-dates", "data", "show", "silver"],
        "2026-01-23",
        id="csv-impossible-dates",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-negative", "data", "show", "silver"],
        "Fix or remove that row",
        id="csv-negative-close",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-zero", "price", "silver"],
        "Fix or remove that row",
        id="csv-zero-close",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-negative-low", "price", "silver"],
        "Fix or remove that row",
        id="csv-negative-low",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{files}/csv-other-asset", "data", "show", "silver"],
        "name it silver.csv",
        id="csv-missing-asset",
    ),
    pytest.param(
        "csv",
        ["--data", f"csv:{TRAVERSAL}", "data", "show", "silver"],
        "pass --data csv:DIR",
        id="csv-dir-traversal",
    ),
    pytest.param(
        "csv",
        ["--data", f"csv:{SQL}", "data", "show", "silver"],
        "pass --data csv:DIR",
        id="csv-dir-sql",
    ),
    pytest.param("csv", ["--data", "csv:", "data", "show", "silver"], "csv:DIR", id="csv-no-dir"),
    pytest.param(
        "csv", ["--data", "bogus", "data", "show", "silver"], "csv:DIR", id="unknown-source"
    ),
    # questions
    pytest.param(
        "questions",
        ["--data", "demo", "ask", ""],
        "e.g. 'Is silver breaking out?'",
        id="question-empty",
    ),
    pytest.param(
        "questions",
        ["--data", "demo", "ask", "   \n\t  "],
        "e.g. 'Is silver breaking out?'",
        id="question-blank",
    ),
    pytest.param(
        "questions",
        ["--data", "demo", "ask", LONG_QUESTION],
        "Shorten it",
        id="question-100k-chars",
    ),
    pytest.param(
        "questions",
        ["--data", "demo", "ask", "\x00\x07\x1b[2J\x7f"],
        "e.g. 'Is silver breaking out?'",
        id="question-control-chars-only",
    ),
    pytest.param(
        "questions",
        ["--data", "demo", "ask", "\u202e\u202d\u2066\u200f"],
        "e.g. 'Is silver breaking out?'",
        id="question-direction-marks-only",
    ),
    pytest.param(
        "questions",
        ["--data", "demo", "ask", "hi", "--model", "nosuchprovider:model"],
        "offline",
        id="question-unknown-model",
    ),
    # SQL-looking and path-traversal names
    pytest.param(
        "names", ["--data", "demo", "data", "show", SQL], "Did you mean silver", id="sql-asset"
    ),
    pytest.param(
        "names", ["--data", "demo", "data", "show", TRAVERSAL], "Known assets", id="traversal-asset"
    ),
    pytest.param(
        "names",
        ["--data", "yfinance", "data", "show", TRAVERSAL],
        "Known assets",
        id="traversal-asset-live",
    ),
    pytest.param(
        "names",
        ["--data", "yfinance", "data", "refresh", TRAVERSAL],
        "Known assets",
        id="traversal-refresh",
    ),
    pytest.param(
        "names", ["--data", "yfinance", "data", "refresh", SQL], "Known assets", id="sql-refresh"
    ),
    pytest.param("names", ["kb", "remove", TRAVERSAL], "kb list", id="traversal-doc-id"),
    pytest.param("names", ["kb", "remove", SQL], "kb list", id="sql-doc-id"),
    pytest.param("names", ["kb", "remove", ""], "kb list", id="empty-doc-id"),
    pytest.param("names", ["kb", "remove", "no-such-document"], "kb list", id="unknown-doc-id"),
    pytest.param(
        "names", ["--home", "/etc/passwd", "data", "status"], "to a folder", id="home-is-a-file"
    ),
    pytest.param("names", ["--home", "", "data", "status"], "--home is empty", id="home-empty"),
    pytest.param(
        "names",
        ["--data", "demo", "brief", "--assets", ",".join(f"zz{i}" for i in range(500))],
        "at most 40 assets",
        id="500-unknown-assets",
    ),
    # hostile files: bombs, floods, links, escapes in names, targets that are not files
    pytest.param(
        "hostile",
        ["kb", "ingest", "{files}/hostile/alias-bomb.md"],
        "aliases",
        id="yaml-alias-bomb",
    ),
    pytest.param("hostile", ["kb", "ingest", "{files}/hostile/deep.md"], "nested", id="yaml-deep"),
    pytest.param(
        "hostile", ["kb", "ingest", "{files}/hostile/bomb.pdf"], "decompression bomb", id="pdf-bomb"
    ),
    pytest.param(
        "hostile",
        ["kb", "ingest", "{files}/hostile/flood.md"],
        "split it into smaller files",
        id="passage-flood",
    ),
    pytest.param(
        "hostile",
        ["kb", "ingest", "{files}/hostile/forty-assets.md"],
        "keep the few",
        id="forty-assets",
    ),
    pytest.param(
        "hostile",
        ["kb", "ingest", "{files}/hostile/headings-only.md"],
        "add the commentary",
        id="headings-only",
    ),
    pytest.param(
        "hostile",
        ["kb", "ingest", "{files}/hostile/bad\nError: forged.md"],
        "fix the block",
        id="newline-in-file-name",
    ),
    pytest.param("hostile", ["kb", "ingest", "{files}/links"], "not followed", id="link-out"),
    pytest.param(
        "hostile",
        ["--data", "demo", "brief", "--out", "{files}/pipe.md"],
        "not a regular file",
        id="brief-out-fifo",
    ),
    pytest.param(
        "hostile",
        ["--data", "demo", "brief", "--out", "{files}/link.md"],
        "not a regular file",
        id="brief-out-symlink",
    ),
    pytest.param(
        "hostile",
        ["--data", "csv:{files}/csv-ambiguous", "data", "show", "silver"],
        "YYYY-MM-DD",
        id="csv-ambiguous-dates",
    ),
    pytest.param(
        "hostile",
        ["--data", "csv:{files}/csv-future", "data", "show", "silver"],
        "is after today",
        id="csv-future-row",
    ),
    pytest.param(
        "hostile",
        ["--data", "csv:{files}/csv-rows", "data", "show", "silver"],
        "more than 100,000 rows",
        id="csv-too-many-rows",
    ),
    pytest.param(
        "hostile",
        ["--home", "{files}/wl-home", "--data", "demo", "brief", "--watchlist", "metals"],
        "fix or delete the file",
        id="watchlist-hand-broken",
    ),
]


@pytest.fixture
def workspace(tmp_path, monkeypatch, isolated_home):
    """Bad files, an empty working directory and a private temp dir; yields (files, check)."""
    from test_knowledge_support import seeded_store

    seeded_store()  # the test helper's own temp folder, made before temp files are watched
    root = files(tmp_path)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    spare = tmp_path / "tmpdir"
    spare.mkdir()
    # Anything made with tempfile during the case lands here, where it can be seen.
    monkeypatch.setenv("TMPDIR", str(spare))
    monkeypatch.setattr(tempfile, "tempdir", str(spare))
    no_network_yahoo(monkeypatch)
    before = snapshot(tmp_path)

    def nothing_written_outside_home() -> None:
        after = snapshot(tmp_path)
        assert not changes(before, after), (
            f"written outside the data directory: {changes(before, after)}"
        )

    return root, nothing_written_outside_home


def expand(args: list[str], root: Path) -> list[str]:
    return [a.replace("{files}", str(root)) for a in args]


@pytest.mark.timeout(CASE_TIMEOUT)
@pytest.mark.parametrize(("group", "args", "hint"), CLI_CASES)
def test_cli_rejects_bad_input_in_one_line(group, args, hint, workspace, isolated_home, capsys):
    root, nothing_written_outside_home = workspace
    if "kb" in args:
        seeded_home(isolated_home)
    home_before = set(snapshot(isolated_home))
    code, out, err = run_cli(capsys, *expand(args, root))
    assert code != 0, out
    errors = error_lines(err)
    assert len(errors) == 1, err
    assert hint in errors[0], errors[0]
    assert len(errors[0]) < 600 and "\x1b" not in errors[0]
    assert "Traceback" not in out + err
    nothing_written_outside_home()
    created = {Path(p).parts[0] for p in set(snapshot(isolated_home)) - home_before}
    assert created <= {"chroma", "prices", "yfinance-tz", "model-hashes.json"}, created


# -- the agent's tools -----------------------------------------------------------------------------
# (tool, arguments, a fragment of the message the model gets back)
TOOL_CASES = [
    pytest.param("get_price", {"asset": "silverr"}, "Did you mean silver", id="price-typo"),
    pytest.param("get_price", {"asset": TRAVERSAL}, "Known assets", id="price-traversal"),
    pytest.param("get_price", {"asset": SQL}, "Did you mean silver", id="price-sql"),
    pytest.param("get_price", {"asset": ""}, "Known assets", id="price-empty"),
    pytest.param("get_price", {"asset": "x" * 100_000}, "Known assets", id="price-100k-name"),
    # shows as "gold" on screen but is not: a spoofed name must not resolve
    pytest.param("get_price", {"asset": "\u202edlog"}, "Known assets", id="price-rtl-spoof"),
    pytest.param(
        "get_price", {"asset": "silver", "on": "2026-02-30"}, "YYYY-MM-DD", id="price-feb-30"
    ),
    pytest.param(
        "get_price",
        {"asset": "silver", "on": "2999-01-01"},
        "choose a date between",
        id="price-future",
    ),
    pytest.param(
        "get_price", {"asset": "silver", "on": "yesterday"}, "YYYY-MM-DD", id="price-word-date"
    ),
    pytest.param("compare_assets", {"assets": ["silver"]}, "2 to 6", id="compare-one"),
    pytest.param("compare_assets", {"assets": []}, "2 to 6", id="compare-none"),
    pytest.param("compare_assets", {"assets": ["silver"] * 7}, "2 to 6", id="compare-seven"),
    pytest.param("compare_assets", {"assets": ["silver", "xag"]}, "once", id="compare-same"),
    pytest.param(
        "compare_assets", {"assets": ["silver", TRAVERSAL]}, "Known assets", id="compare-traversal"
    ),
    pytest.param(
        "find_breakouts", {"asset": "silver", "window": 0}, "at least 1", id="breakouts-window-0"
    ),
    pytest.param(
        "find_breakouts", {"asset": "silver", "window": -5}, "at least 1", id="breakouts-window-neg"
    ),
    pytest.param(
        "find_breakouts", {"asset": "silver", "window": 10**9}, "at most", id="breakouts-window-1e9"
    ),
    pytest.param(
        "find_breakouts", {"asset": "silver", "min_gap": 0}, "at least 1", id="breakouts-gap-0"
    ),
    pytest.param(
        "find_breakouts", {"asset": "silver", "min_gap": 10**9}, "use 1 to", id="breakouts-gap-1e9"
    ),
    pytest.param(
        "find_breakouts",
        {"asset": "silver", "vs": "silver"},
        "two different assets",
        id="breakouts-vs-self",
    ),
    pytest.param(
        "find_breakouts",
        {"asset": "silver", "vs": SQL},
        "Did you mean silver",
        id="breakouts-vs-sql",
    ),
    pytest.param(
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "max_lag": 0},
        "at least 1",
        id="lag-0",
    ),
    pytest.param(
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "max_lag": -5},
        "at least 1",
        id="lag-neg",
    ),
    pytest.param(
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "max_lag": 10**9},
        "at most",
        id="lag-1e9",
    ),
    pytest.param(
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "start": "2025-01-01", "end": "2024-01-01"},
        "swap them",
        id="lag-reversed",
    ),
    pytest.param(
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "start": "2026-02-30"},
        "YYYY-MM-DD",
        id="lag-feb-30",
    ),
    pytest.param(
        "lead_lag",
        {"leader": "silver", "follower": "bitcoin", "start": "2999-01-01"},
        "they run from",
        id="lag-future",
    ),
    pytest.param(
        "lead_lag", {"leader": "silver", "follower": "xag"}, "two different assets", id="lag-same"
    ),
    pytest.param(
        "lead_lag", {"leader": TRAVERSAL, "follower": "bitcoin"}, "Known assets", id="lag-traversal"
    ),
    pytest.param(
        "first_close_above", {"asset": "silver", "level": -5}, "positive price", id="level-neg"
    ),
    pytest.param(
        "first_close_above", {"asset": "silver", "level": 0}, "positive price", id="level-0"
    ),
    pytest.param(
        "first_close_above",
        {"asset": "silver", "level": float("nan")},
        "positive price",
        id="level-nan",
    ),
    pytest.param(
        "first_close_above",
        {"asset": "silver", "level": float("inf")},
        "positive price",
        id="level-inf",
    ),
    pytest.param("search_commentary", {"query": ""}, "query is empty", id="search-empty"),
    pytest.param(
        "search_commentary",
        {"query": "\x00\x01\x1b\u202e"},
        "query is empty",
        id="search-control-only",
    ),
    pytest.param(
        "search_commentary", {"query": "why? " * 20_000}, "keep it under", id="search-100k"
    ),
    pytest.param(
        "search_commentary",
        {"query": "silver", "asset": TRAVERSAL},
        "Known assets",
        id="search-traversal",
    ),
    pytest.param("market_briefing", {"assets": []}, "1 to 12", id="briefing-empty-list"),
    pytest.param("market_briefing", {"assets": ["silver"] * 13}, "1 to 12", id="briefing-13"),
    pytest.param("market_briefing", {"assets": [SQL]}, "Did you mean silver", id="briefing-sql"),
]


@pytest.fixture(scope="module")
def tools(knowledge_base):
    from assistant.lc_tools import ToolContext
    from tools.data import Market, make_source

    return ToolContext(market=Market(make_source("demo")), knowledge=lambda: knowledge_base)


@pytest.mark.timeout(CASE_TIMEOUT)
@pytest.mark.parametrize(("name", "args", "hint"), TOOL_CASES)
def test_tool_returns_a_structured_error_to_the_model(name, args, hint, tools, workspace):
    _, nothing_written_outside_home = workspace
    message = invoke(name, args, tools)
    assert message.content.startswith("Input error: "), message.content[:200]
    assert hint in message.content and len(message.content) <= 1500
    artifact = message.artifact
    assert (
        artifact["kind"] == "error" and artifact["error"] and isinstance(artifact["options"], list)
    )
    assert "\n" not in message.content and "Traceback" not in message.content
    nothing_written_outside_home()


# -- odd but answerable ----------------------------------------------------------------------------
# (what, arguments, text the output must contain). These are not errors: refusing them would be
# wrong.
ACCEPTED_CASES = [
    pytest.param(
        "question",
        ["--data", "demo", "ask", "how much is \x00silver\x07 today?"],
        "Silver",
        id="control-chars-in-question",
    ),
    pytest.param(
        "question",
        ["--data", "demo", "ask", "\u202eprice of silver\u202c"],
        "Silver",
        id="rtl-override-in-question",
    ),
    pytest.param(
        "question", ["--data", "demo", "ask", f"price of {SQL}"], "Silver", id="sql-in-question"
    ),
    pytest.param(
        "question",
        ["--data", "demo", "ask", f"what is the price of {TRAVERSAL}"],
        "Which asset",
        id="traversal-in-question",
    ),
    pytest.param(
        "question",
        [
            "--data",
            "demo",
            "ask",
            "\u0645\u0627 \u0647\u0648 \u0633\u0639\u0631 \u0627\u0644\u0641\u0636\u0629\u061f",
        ],
        "offline analyst",
        id="arabic-question",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{dir}", "data", "show", "silver"],
        "duplicate dates (kept the last)",
        id="csv-duplicate-dates",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{dir}", "data", "show", "silver"],
        "rows without a numeric close dropped",
        id="csv-some-text-rows",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{dir}", "data", "show", "silver"],
        "last close  31.00",
        id="csv-latin1",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{dir}", "data", "show", "silver"],
        "last close  31.00",
        id="csv-utf16",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{dir}", "data", "show", "silver"],
        "from 2025-01-02 to 2025-03-13",
        id="csv-day-first",
    ),
    pytest.param(
        "csv",
        ["--data", "csv:{dir}", "data", "show", "silver"],
        "from 2025-01-02 to 2025-03-13",
        id="csv-month-first",
    ),
]
_ACCEPTED_CSV = {
    "csv-duplicate-dates": b"date,close\n2024-01-02,30\n2024-01-02,31\n2024-01-03,31\n",
    "csv-some-text-rows": b"date,close\n2024-01-02,30\n2024-01-03,abc\n2024-01-04,31\n",
    "csv-latin1": "date,close,note\n2024-01-02,30,caf\u00e9\n2024-01-03,31,cr\u00e8me\n".encode(
        "latin-1"
    ),
    "csv-utf16": "date,close\n2024-01-02,30\n2024-01-03,31\n".encode("utf-16"),
    "csv-day-first": b"date,close\n02/01/2025,30\n13/01/2025,31\n13/03/2025,32\n",
    "csv-month-first": b"date,close\n01/02/2025,30\n01/13/2025,31\n03/13/2025,32\n",
}


@pytest.mark.timeout(CASE_TIMEOUT)
@pytest.mark.parametrize(("what", "args", "expect"), ACCEPTED_CASES)
def test_odd_but_answerable_input_is_answered_cleanly(
    what, args, expect, request, workspace, tmp_path, capsys
):
    _, nothing_written_outside_home = workspace
    case = request.node.callspec.id
    folder = tmp_path / "accepted"
    if case in _ACCEPTED_CSV:
        folder.mkdir()
        (folder / "silver.csv").write_bytes(_ACCEPTED_CSV[case])
    code, out, err = run_cli(capsys, *[a.replace("{dir}", str(folder)) for a in args])
    assert code == 0, err
    assert expect in out
    assert "Traceback" not in out + err and not error_lines(err)
    assert not any(ch in out for ch in "\x00\x07\x1b\u202e"), "unprintable input echoed back"
    if what == "question" and "[grounding" in err:
        assert "ungrounded" not in err
    if case in _ACCEPTED_CSV:
        (folder / "silver.csv").unlink()
        folder.rmdir()
    nothing_written_outside_home()


def test_the_matrix_is_big_enough():
    """At least 60 command-line cases, each group of the issue present."""
    groups = {case.values[0] for case in CLI_CASES}
    assert len(CLI_CASES) >= 60
    assert groups == {
        "assets",
        "dates",
        "windows",
        "documents",
        "csv",
        "questions",
        "names",
        "hostile",
    }
    for table in (CLI_CASES, TOOL_CASES, ACCEPTED_CASES):
        assert len({case.id for case in table}) == len(table)
