"""``market-assistant brief`` and ``watchlist`` through the real entry point: outputs, files,
exit codes and one-line errors (cron needs all of them to be dependable)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main

EXE = Path(sys.executable).with_name("market-assistant")
FAST = ("--data", "demo", "--no-commentary", "--as-of", "2025-06-30")
DATED = re.compile(r"briefing-\d{4}-\d{2}-\d{2}-asof-2025-06-30(-\d+)?\.(md|html|json)$")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["brief", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_markdown_to_stdout(capsys):
    code, out, err = run(capsys, *FAST)
    assert code == 0, err
    assert out.startswith("# Market briefing — 2025-06-30") and "## Provenance" in out
    assert "**Grounding**: all" in out and err == ""


@pytest.mark.parametrize(
    "flag", [("--json",), ("--format", "json")], ids=["json-flag", "format-json"]
)
def test_json_output(capsys, flag):
    code, out, _ = run(capsys, *FAST, *flag)
    data = json.loads(out)
    assert code == 0 and data["kind"] == "briefing" and data["as_of"] == "2025-06-30"
    assert data["grounding"]["ok"] is True and data["facts"]["assets"][0]["asset"] == "gold"


def test_out_infers_html_and_prints_the_path(capsys, tmp_path):
    target = tmp_path / "today.html"
    code, out, _ = run(capsys, *FAST, "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_out_dir_writes_dated_files_without_overwriting(capsys, tmp_path):
    folder = tmp_path / "briefings" / "daily"  # created when missing
    names = []
    for _ in range(3):
        code, out, _ = run(capsys, *FAST, "--out-dir", str(folder), "--format", "md", "--quiet")
        assert code == 0 and out == ""
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3 and all(DATED.match(n) for n in names)
    assert {n.rsplit("-asof-", 1)[1] for n in names} == {
        "2025-06-30.md",
        "2025-06-30-2.md",
        "2025-06-30-3.md",
    }


def test_watchlist_commands_and_a_brief_from_one(capsys, isolated_home):
    assert (
        main(["watchlist", "save", "metals", "gold,silver,zinc-ore", "--pairs", "gold>silver"]) == 0
    )
    saved = capsys.readouterr()
    assert "Saved watchlist metals" in saved.out and "zinc-ore" in saved.err
    assert main(["watchlist", "list", "--json"]) == 0
    lists = {w["name"]: w for w in json.loads(capsys.readouterr().out)}
    assert (
        lists["metals"]["assets"] == ["gold", "silver", "zinc-ore"] and lists["default"]["builtin"]
    )
    code, out, _ = run(capsys, *FAST, "--watchlist", "metals")
    assert code == 0 and "Watchlist **metals**" in out and "skipped 'zinc-ore'" in out
    assert "**Gold → Silver**" in out
    assert main(["watchlist", "remove", "metals"]) == 0
    assert "Removed watchlist metals" in capsys.readouterr().out
    assert main(["watchlist", "list"]) == 0 and "metals" not in capsys.readouterr().out


def test_unknown_asset_is_skipped_and_the_exit_code_is_zero(capsys):
    code, out, _ = run(capsys, *FAST, "--assets", "gold,unobtainium")
    assert code == 0 and "skipped 'unobtainium'" in out and "| **Gold** |" in out


BAD_INPUT = [
    ("empty-assets", ("--assets", ""), "empty"),
    ("unknown-watchlist", ("--watchlist", "nope"), "No watchlist named 'nope'"),
    ("assets-and-watchlist", ("--assets", "gold", "--watchlist", "default"), "not both"),
    ("out-and-out-dir", ("--out", "a.md", "--out-dir", "b"), "not both"),
    ("bad-format", ("--format", "pdf"), "Unknown format 'pdf'"),
    ("bad-pair", ("--pairs", "gold"), "leader>follower"),
    ("model-without-key", ("--model", "openai:gpt-4.1-mini"), "OPENAI_API_KEY"),
]


@pytest.mark.parametrize("case,args,message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(capsys, case, args, message):
    code, out, err = run(capsys, *FAST, *args)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_as_of_before_the_data_exits_2(capsys):
    code, _, err = run(capsys, "--data", "demo", "--no-commentary", "--as-of", "2001-01-01")
    assert code == 2 and "before the data starts" in err and err.count("\n") == 1


@pytest.mark.parametrize("where", ["file-as-folder", "out-is-a-folder"])
def test_unwritable_output_exits_2_before_any_work(capsys, tmp_path, where):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    args = (
        ("--out", str(blocker / "b.md")) if where == "file-as-folder" else ("--out", str(tmp_path))
    )
    code, out, err = run(capsys, *FAST, *args)
    assert code == 2 and out == "" and err.startswith("Error: ") and err.count("\n") == 1
    code, _, err = run(capsys, *FAST, "--out-dir", str(blocker))
    assert code == 2 and "not a folder" in err


def test_help_documents_exit_codes_and_cron():
    result = subprocess.run(
        [str(EXE), "brief", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    text = " ".join(result.stdout.split())
    assert result.returncode == 0 and "Exit codes: 0" in text and "0 7 * * 1-5" in text


def test_the_installed_command_writes_a_dated_file(tmp_path, isolated_home):
    result = subprocess.run(
        [str(EXE), "brief", *FAST, "--out-dir", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written.parent == tmp_path and DATED.match(written.name)
    assert json.loads(written.read_text())["markdown"].startswith("# Market briefing")
