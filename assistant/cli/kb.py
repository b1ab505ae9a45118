"""``market-assistant kb``: ingest, list, remove, rebuild and search the commentary knowledge base.

The library is the one of the settings (the data directory, or the Chroma server named by
CHROMA_HOST / CHROMA_PORT); every ``KnowledgeError`` becomes an ``InputError`` (one line, exit 2).
The knowledge package, chromadb and the model load inside the commands, not at import.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import typer

from assistant.library import Library
from assistant.safety import terminal_text
from tools.errors import InputError

app = typer.Typer(no_args_is_help=True)


def register(main_app: typer.Typer) -> None:
    """Add the ``kb`` group to the main command line."""
    main_app.add_typer(
        app, name="kb", help="Commentary knowledge base: ingest, list, remove, rebuild and search."
    )


@contextlib.contextmanager
def knowledge_errors() -> Iterator[None]:
    """Knowledge errors become input errors: one line, exit code 2, no traceback."""
    from knowledge.errors import KnowledgeError

    try:
        yield
    except KnowledgeError as exc:
        raise InputError(str(exc)) from exc


def open_kb(ctx: typer.Context, **options):
    """The knowledge base of the settings in ``ctx.obj`` (data directory or Chroma server)."""
    with knowledge_errors():
        return Library.from_settings(ctx.obj, **options)()


def _asset_keys(names: list[str] | None) -> list[str]:
    from tools import assets

    return [assets.resolve(n).key for n in names or []]


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Files or folders (.md, .txt, .html, .pdf).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Add or update documents; unchanged files are skipped. Exits 1 if any file failed."""
    from assistant.cli.output import emit_json
    from knowledge.loaders import collect

    kb = open_kb(ctx)
    files, refused = collect(paths)
    if not files and not refused:
        shown = terminal_text(", ".join(paths))
        raise InputError(f"No supported files in {shown}; use .md, .txt, .html or .pdf.")
    with (
        knowledge_errors(),
        typer.progressbar(
            length=len(files) + len(refused),
            label="Ingesting",
            show_pos=True,
            file=None if not as_json else _Null(),
        ) as bar,
    ):
        report = kb.ingest(paths, progress=lambda _path, _status: bar.update(1))
    if as_json:
        emit_json(report.to_dict())
    else:
        typer.echo(f"Ingested {len(files) + len(refused)} file(s): {report.summary()}.")
    report_failures(report.failed, "ingest")


def report_failures(failed: list[tuple[str, str]], command: str) -> None:
    """Files that failed, then one "Error:" line that says what to do; exit 1 when any failed.

    One failure is reported on the Error line itself; several are listed above it.
    """
    if not failed:
        return
    if len(failed) == 1:
        path, reason = failed[0]
        typer.echo(
            f"Error: could not {command} {terminal_text(path)}: {terminal_text(reason)}", err=True
        )
    else:
        for path, reason in failed:
            typer.echo(f"  failed  {terminal_text(path)}: {terminal_text(reason)}", err=True)
        typer.echo(
            f"Error: {len(failed)} files failed (listed above); fix them and run "
            f"'market-assistant kb {command}' again. Everything else was kept.",
            err=True,
        )
    raise typer.Exit(1)


class _Null:
    """A sink for the progress bar when stdout carries JSON."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@app.command("list")
def list_documents(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List the stored documents with their ids, chunk counts and sources."""
    from assistant.cli.output import emit_json

    kb = open_kb(ctx)
    with knowledge_errors():
        docs = kb.documents()
    if as_json:
        emit_json([d.to_dict() for d in docs])
        return
    typer.echo(f"{len(docs)} document(s) in {terminal_text(kb.location)}:")
    for d in docs:
        when = terminal_text(d.published or "undated")
        typer.echo(
            f"  {d.doc_id:<34} {d.chunks:>3} chunks  {d.origin:<7} {when:<10}  "
            f"{terminal_text(d.title)}"
        )


@app.command("remove")
def remove(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="A document id from 'kb list'.")],
) -> None:
    """Delete a document and all its chunks."""
    kb = open_kb(ctx, auto_ingest=False)
    with knowledge_errors():
        n = kb.remove(doc_id)
    typer.echo(f"Removed '{doc_id}' ({n} chunks).")


@app.command("rebuild")
def rebuild(ctx: typer.Context) -> None:
    """Re-create the store with the current embedding model: the bundled corpus plus every
    ingested file that still exists. Also repairs a store that cannot be opened or read."""
    from knowledge.recovery import rebuild_knowledge_base

    settings = ctx.obj
    typer.echo("Re-embedding the bundled corpus and the ingested documents...")
    with knowledge_errors():
        done = rebuild_knowledge_base(settings.home, settings.chroma_host, settings.chroma_port)
    if done.note:
        typer.echo(f"Note: {terminal_text(done.note)}.")
    typer.echo(
        f"Rebuilt {terminal_text(done.kb.location)} with {done.kb.embedder.model_id}: "
        f"{done.report.summary()}; {done.kb.count()} chunks."
    )
    report_failures(done.report.failed, "rebuild")


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A question or key words.")],
    k: Annotated[int, typer.Option("--k", help="How many passages (1-50).")] = 4,
    asset: Annotated[
        list[str] | None,
        typer.Option("--asset", help="Only documents about this asset (repeatable), e.g. silver."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Published on or after YYYY-MM-DD.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find cited passages for a question."""
    from assistant.cli.output import emit_json
    from tools.data import parse_date

    keys = _asset_keys(asset)
    day = parse_date(since, "since date")
    kb = open_kb(ctx)
    with knowledge_errors():
        passages = kb.search(query, k=k, assets=keys, since=day)
    if as_json:
        emit_json([p.to_dict() for p in passages])
        return
    if not passages:
        typer.echo("No passages matched" + (" the filters." if keys or day else "."))
        return
    for n, p in enumerate(passages, 1):
        typer.echo(f"[{n}] {terminal_text(p.citation())}  (score {p.score:.3f}, {p.chunk_id})")
        for line in p.text.split("\n"):
            typer.echo(f"    {terminal_text(line)}" if line else "")
        typer.echo("")
