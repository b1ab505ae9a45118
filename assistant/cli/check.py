"""``market-assistant check SOURCE``: the claims of a piece of commentary, tested against the data.

SOURCE is a file (.md, .txt, .html, .pdf), ``-`` for stdin, or a library document id or title.
``--as-of`` (a global option, also accepted here) sets the date the claims are tested at instead
of the document's own; "since publication" always runs to the latest data. Exit codes follow
``brief``: 0 done, 2 bad input, 1 failure.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from typing import Annotated

import typer

EXIT_CODES = (
    "Exit codes: 0 the claims were checked; 1 unexpected failure; 2 bad input: a missing, empty,"
    " too large or unreadable file, an unknown library document, an unknown format, a bad"
    " --as-of date, a model that is not configured."
)
FORMATS = ("text", "md", "html")
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="text (default: plain text for a terminal), md (the Markdown table) or html (a"
        " self-contained page).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``check`` to the ``market-assistant`` app."""
    app.command("check", epilog=EXIT_CODES)(check)


def check(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A file (.md .txt .html .pdf), - for stdin, or a library document id or title."
        ),
    ],
    fmt: FormatOption = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdicts as JSON.")] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="offline (default: rules and the offline embedder) or a model id such as"
            " openai:gpt-4.1-mini to propose the claims (the verdicts never come from it).",
        ),
    ] = None,
) -> None:
    """Check the claims of a piece of market commentary against the price data.

    Each claim gets a verdict (supported, partly supported, not supported, contradicted or not
    testable) with its figures, the date it was tested at (the document's date; --as-of
    YYYY-MM-DD overrides it) and how it has held up since.

    The global options --as-of YYYY-MM-DD and --data SOURCE (demo, csv:FOLDER, yahoo, auto) may
    also be given after the command: check note.md --as-of 2026-01-23.
    """
    from assistant.claims.check import check_source
    from assistant.cli.kb import knowledge_errors
    from assistant.library import Library
    from tools.data import Market
    from tools.errors import DateRangeError, InputError

    form = fmt.strip().lower().lstrip(".").replace("markdown", "md").replace("txt", "text")
    if not as_json and form not in FORMATS:
        raise InputError(f"Unknown format '{form[:20]}'; use text, md or html (or --json).")
    settings = ctx.obj
    today = dt.date.today()
    if settings.as_of and settings.as_of > today:
        raise DateRangeError(
            f"The as-of date {settings.as_of} is in the future; use a date on or before today "
            f"({today})."
        )
    chat_model, model_id = _model(settings, model)
    with knowledge_errors():
        report = check_source(
            source,
            Market(settings.source()),  # untruncated: "since publication" runs to the latest bar
            library=Library.from_settings(settings),
            stdin=sys.stdin.buffer,
            as_of=settings.as_of,
            model=chat_model,
            model_id=model_id,
        )
    _print(report, "json" if as_json else form)


def _print(report, form: str) -> None:
    from assistant.claims.render import verdict_html, verdict_markdown, verdict_text
    from assistant.cli.output import emit_json
    from assistant.safety import terminal_text

    if form == "json":
        emit_json(report.public_dict())
    elif form == "html":
        typer.echo(verdict_html(report), nl=False)
    elif form == "md":
        typer.echo(verdict_markdown(report, badges=False, calls=True), nl=False)
    else:
        typer.echo(terminal_text(verdict_text(report), lines=True), nl=False)


def _model(settings, model: str | None):
    """(chat model or None, its id) for ``--model``; offline means the rules."""
    from assistant.models import is_offline, make_model

    if not model or is_offline(model):
        return None, None
    return make_model(replace(settings, model=model.strip())), model.strip()
