"""The ``market-assistant`` command line.

Global options (``--data``, ``--as-of``, ``--home``) come before the command. Input errors
print one line and exit 2; an unexpected failure prints one line and exits 1; no traceback
reaches the terminal (set MARKET_ASSISTANT_DEBUG=1 to see it).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.cli import analysis, ask, brief, kb
from assistant.cli import check as check_command
from assistant.cli import data as data_commands
from assistant.cli import eval as eval_command
from assistant.cli.output import EXIT_FAILURE, EXIT_INPUT
from assistant.config import Settings, debug_enabled
from assistant.failures import disk_full

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Market Assistant: prices, breakouts, lead/lag statistics and cited commentary.",
)


@app.callback()
def _global(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option("--data", help="auto, yfinance, demo or csv:DIR (env MARKET_ASSISTANT_DATA)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Answer as of YYYY-MM-DD (env MARKET_ASSISTANT_AS_OF)."),
    ] = None,
    home: Annotated[
        str | None, typer.Option("--home", help="Data directory (env MARKET_ASSISTANT_HOME).")
    ] = None,
) -> None:
    if home is not None and not home.strip():
        from tools.errors import InputError

        raise InputError(
            "--home is empty; give the data directory, e.g. --home ~/.market-assistant, or leave "
            "the option out to use MARKET_ASSISTANT_HOME or ~/.market-assistant."
        )
    settings = Settings.from_env(data=data, as_of=as_of, home=home)
    check_home(settings.home)
    ctx.obj = settings


def check_home(home) -> None:
    """The data directory must be a folder (or not exist yet): everything is written inside it."""
    from tools.errors import InputError

    if home.exists() and not home.is_dir():
        raise InputError(
            f"The data directory {home} is a file, not a folder; pass --home DIR or set "
            "MARKET_ASSISTANT_HOME to a folder (it is created if missing)."
        )


# Every command group, registered here so that a reader can follow each one from this file.
app.add_typer(data_commands.app, name="data", help="Price data: status, refresh and inspection.")
analysis.register(app)
kb.register(app)
ask.register(app)
brief.register(app)
check_command.register(app)
eval_command.register(app)


GLOBAL_OPTIONS = ("--data", "--as-of", "--home")


def hoist_globals(argv: list[str]) -> list[str]:
    """Move global options given after a command (``data show silver --data demo``) to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(argv[i : i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and turns every failure into one line and an exit code."""
    from typer.exceptions import Abort, Exit, TyperException

    from tools.errors import InputError

    args = hoist_globals(list(sys.argv[1:] if argv is None else argv))
    try:
        code = app(args=args, prog_name="market-assistant", standalone_mode=False)
    except InputError as exc:
        typer.echo(f"Error: {one_line(exc)}", err=True)
        return EXIT_INPUT
    except Exit as exc:
        return exc.exit_code
    except Abort:
        typer.echo("Aborted.", err=True)
        return 130
    except TyperException as exc:
        typer.echo(f"Error: {exc.format_message()} Try 'market-assistant --help'.", err=True)
        return EXIT_INPUT
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if debug_enabled():
            raise
        if (full := disk_full(exc)) is not None:
            typer.echo(f"Error: {full}", err=True)
            return EXIT_FAILURE
        typer.echo(
            f"Error: unexpected failure ({type(exc).__name__}: {one_line(exc, 200)}). "
            "Set MARKET_ASSISTANT_DEBUG=1 for details.",
            err=True,
        )
        return EXIT_FAILURE
    return code if isinstance(code, int) else 0


MAX_ERROR_CHARS = 600


def one_line(message: object, limit: int = MAX_ERROR_CHARS) -> str:
    """An error message as one printable line of at most ``limit`` characters: escapes and line
    breaks in it (a file name, say) are shown, never acted on, and cannot start a line."""
    from assistant.safety import terminal_text

    text = terminal_text(message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
