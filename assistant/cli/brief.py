"""``market-assistant brief`` and ``market-assistant watchlist``: briefings from the command line.

Made for cron: no prompts, nothing on stdout but the briefing (or the paths written), and exit
codes a scheduler can act on (see :data:`EXIT_CODES`). Module-level imports stay light so the
command starts fast; the analysis is imported when it runs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

EXIT_STRICT = 3
EXIT_CODES = (
    "Exit codes: 0 the briefing was written; 1 unexpected failure; 2 bad input: unknown or empty"
    " watchlist, unknown option value, bad or too early --as-of date, unwritable output path, a"
    " model that is not configured; 3 (only with --strict) the briefing was written but has"
    " ungrounded figures or the model failed."
)
CRON_EXAMPLE = (
    "Cron example (weekdays at 07:00, one dated HTML file a day): "
    "0 7 * * 1-5 cd /path/to/market-assistant && .venv/bin/market-assistant brief "
    "--out-dir ~/briefings --format html"
)

watchlist_app = typer.Typer(
    no_args_is_help=True,
    help=(
        "Named watchlists for 'brief --watchlist NAME', kept in watchlists.toml in the data"
        " directory. The built-in 'default' is gold, silver, bitcoin, sp500 and dxy."
    ),
)


def register(app: typer.Typer) -> None:
    """Add ``brief`` and the ``watchlist`` group to the ``market-assistant`` app."""
    app.command("brief", epilog=f"{EXIT_CODES}\n\n{CRON_EXAMPLE}")(brief)
    app.add_typer(watchlist_app, name="watchlist")


def _input_error(message: str):
    from tools.errors import InputError

    return InputError(message)


def _format(fmt: str | None, as_json: bool, out: str | None) -> str:
    """The output format: --json, else --format, else the --out extension, else Markdown."""
    from assistant.briefing.render import FORMATS

    if as_json:
        return "json"
    if fmt:
        fmt = fmt.strip().lower().lstrip(".").replace("markdown", "md")
        if fmt not in FORMATS:
            raise _input_error(f"Unknown format '{fmt[:20]}'; use md, html or json.")
        return fmt
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    return suffix if suffix in FORMATS else "md"


def _prepare_output(out: str | None, out_dir: str | None) -> None:
    """Fail before any work when the output cannot be written."""
    from assistant.briefing.render import OutputError, check_target, check_writable

    if out and out_dir:
        raise _input_error("Give either --out or --out-dir, not both.")
    target = (
        Path(out_dir).expanduser() if out_dir else (Path(out).expanduser().parent if out else None)
    )
    if target is None:
        return
    if out and Path(out).expanduser().is_dir():
        raise _input_error(f"--out {out} is a folder; give a file name, or use --out-dir.")
    try:
        if out:
            check_target(Path(out))
        check_writable(target)
    except OutputError as exc:
        raise _input_error(f"{exc}; choose a writable path with --out or --out-dir.") from exc


def _write(text: str, fmt: str, briefing, out: str | None, out_dir: str | None) -> Path | None:
    from assistant.briefing.render import OutputError, dated_stem, write_file, write_new

    try:
        if out:
            return write_file(Path(out), text)
        if out_dir:
            return write_new(Path(out_dir), dated_stem(briefing), fmt, text)
    except OutputError as exc:
        raise _input_error(f"{exc}; choose a writable path with --out or --out-dir.") from exc
    typer.echo(text, nl=False)
    return None


# The options of ``brief``.
AssetsOpt = Annotated[
    str | None,
    typer.Option(
        "--assets", help="Comma-separated assets, e.g. gold,silver,btc (instead of a watchlist)."
    ),
]
WatchlistOpt = Annotated[
    str | None, typer.Option("--watchlist", "-w", help="A saved watchlist (default: 'default').")
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="md, html (self-contained, with charts) or json (facts and metadata); default from"
        " the --out extension, else md.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
OutOpt = Annotated[
    str | None, typer.Option("--out", "-o", help="Write to this file (replaced atomically).")
]
OutDirOpt = Annotated[
    str | None,
    typer.Option(
        "--out-dir",
        help="Write a dated file into this folder (created if needed), never overwriting:"
        " briefing-DAY-asof-DATE[-2].EXT.",
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="offline (templates) or a model id such as openai:gpt-4.1-mini to narrate the"
        " headline.",
    ),
]
PairsOpt = Annotated[
    str | None,
    typer.Option(
        "--pairs",
        help="Lead/lag pairs leader>follower, comma-separated (default"
        " silver>bitcoin,gold>bitcoin).",
    ),
]
NoCommentaryOpt = Annotated[
    bool,
    typer.Option(
        "--no-commentary", help="Leave out the quoted commentary (the library is not opened)."
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit 3 when figures are ungrounded or the model failed (the briefing is still"
        " written).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing when writing a file.")]
ClaimsOpt = Annotated[
    bool,
    typer.Option(
        "--claims",
        help="Add 'Claims in the commentary, checked' for the commentary published in the 31"
        " days to the as-of date.",
    ),
]


def brief(
    ctx: typer.Context,
    assets: AssetsOpt = None,
    watchlist: WatchlistOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    out_dir: OutDirOpt = None,
    model: ModelOpt = None,
    pairs: PairsOpt = None,
    no_commentary: NoCommentaryOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    claims: ClaimsOpt = False,
) -> None:
    """Write a market briefing: headline, moves, records, relationships, commentary, levels.

    Global options such as --data and --as-of YYYY-MM-DD may be given here too.

    Without --out or --out-dir the briefing goes to stdout; with them, the path written is printed.
    """
    from assistant.briefing.pipeline import generate
    from assistant.briefing.render import render

    form = _format(fmt, as_json, out)
    _prepare_output(out, out_dir)
    settings = replace(ctx.obj, model=model.strip()) if model else ctx.obj
    briefing = generate(
        settings,
        assets=assets,
        watchlist=watchlist,
        pairs=pairs,
        commentary=not no_commentary,
        claims=claims,
    )
    path = _write(render(briefing, form), form, briefing, out, out_dir)
    if path is not None and not quiet:
        typer.echo(str(path))
    problems = _problems(briefing)
    for line in problems:
        typer.echo(f"Warning: {line}", err=True)
    if strict and problems:
        raise typer.Exit(EXIT_STRICT)


def _problems(briefing) -> list[str]:
    out = []
    if not briefing.grounding.ok:
        from assistant.grounding import plural

        n = len(briefing.grounding.ungrounded)
        out.append(
            f"{plural(n, 'figure')} {'is' if n == 1 else 'are'} not grounded in the tool results: "
            f"{', '.join(briefing.grounding.ungrounded)}."
        )
    if briefing.model_error:
        out.append(
            f"the model {briefing.model} could not write the headline ({briefing.model_error}); "
            "the template headline is used."
        )
    return out


# --- watchlists -------------------------------------------------------------------------------


@watchlist_app.command("save")
def save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Letters, digits, - and _, e.g. metals.")],
    assets: Annotated[
        str, typer.Argument(help="Comma-separated assets, e.g. gold,silver,platinum.")
    ],
    pairs: Annotated[
        str | None, typer.Option("--pairs", help="Lead/lag pairs leader>follower, comma-separated.")
    ] = None,
) -> None:
    """Create or replace a watchlist."""
    from assistant.briefing import watchlists as watchlists
    from tools import assets as registry

    saved = watchlists.save(ctx.obj.home, name, assets, pairs)
    unknown = [a for a in saved.assets if registry.lookup(a) is None]
    typer.echo(
        f"Saved watchlist {saved.name}: {', '.join(saved.assets)} ({watchlists.path(ctx.obj.home)})"
    )
    if unknown:
        typer.echo(
            f"Note: not in the asset registry: {', '.join(unknown)}; briefings skip them unless the"
            " data source has them (the live Yahoo source accepts tickers such as AAPL).",
            err=True,
        )


@watchlist_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the watchlists as JSON.")] = False,
) -> None:
    """Show every watchlist (the built-in default included)."""
    from assistant.briefing import watchlists as watchlists

    lists = watchlists.load(ctx.obj.home)
    if as_json:
        from assistant.cli.output import emit_json

        emit_json([w.to_dict() for w in lists.values()])
        return
    for w in lists.values():
        extra = f"  pairs: {', '.join(f'{a}>{b}' for a, b in w.pairs)}" if w.pairs else ""
        typer.echo(f"{w.name}{' (built-in)' if w.builtin else ''}: {', '.join(w.assets)}{extra}")


@watchlist_app.command("remove")
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The watchlist to delete.")]
) -> None:
    """Delete a saved watchlist (removing a saved 'default' restores the built-in one)."""
    from assistant.briefing import watchlists as watchlists

    gone = watchlists.remove(ctx.obj.home, name)
    typer.echo(f"Removed watchlist {gone.name}.")
