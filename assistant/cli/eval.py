"""``market-assistant eval``: run a question table against a model and score it.

Any model id works: ``offline``, ``openai:MODEL`` against OpenAI or any base URL, another
``provider:MODEL``. A line per question goes to stderr as it is scored; the summary (or, with
``--json``, every score) goes to stdout, and the run's row is added to the "Model runs" section
of ``docs/evaluation.md`` (``--doc`` to choose another file, ``--no-doc`` to skip).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_DOC = Path("docs/evaluation.md")


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)


def evaluate(
    ctx: typer.Context,
    model: Annotated[
        str | None,
        typer.Option("--model", help="offline, openai:MODEL or provider:MODEL (default: as ask)."),
    ] = None,
    questions: Annotated[
        str | None,
        typer.Option(
            "--questions",
            help="A question table (.yaml/.json) or a folder of them (default: the bundled table).",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first N questions.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every score as JSON.")] = False,
    doc: Annotated[
        Path | None,
        typer.Option("--doc", help="The Markdown file whose 'Model runs' section gets the row."),
    ] = None,
    no_doc: Annotated[
        bool, typer.Option("--no-doc", help="Do not write the row to any file.")
    ] = False,
) -> None:
    """Run the question table against a model; score tools, arguments, figures and grounding."""
    from dataclasses import replace

    from assistant.evaluation import questions as qs
    from assistant.evaluation.report import add_run
    from assistant.evaluation.runner import run
    from assistant.models import resolve
    from assistant.runtime import make_assistant

    table = qs.load(questions)[:limit] if limit else qs.load(questions)
    settings = replace(ctx.obj, model=model) if model else ctx.obj
    settings, note = resolve(settings)
    if note:
        typer.echo(note, err=True)
    assistant = make_assistant(settings)
    typer.echo(f"Evaluating {settings.model} on {len(table)} questions…", err=True)

    def progress(score) -> None:
        verdict = "pass" if score.passed else "FAIL"
        why = f" ({'; '.join(score.problems)[:160]})" if score.problems else ""
        typer.echo(f"  {verdict} {score.id} [{score.seconds:.1f} s]{why}", err=True)

    result = run(assistant, table, on_score=progress)
    summary = result.summary()
    target = None if no_doc else (doc or (DEFAULT_DOC if DEFAULT_DOC.parent.is_dir() else None))
    if target is not None:
        add_run(target, summary)
        typer.echo(f"Added the run to {target}.", err=True)
    _print(result, summary, as_json)


def _print(result, summary: dict, as_json: bool) -> None:
    from assistant.cli.output import emit_json
    from assistant.evaluation.report import question_table

    if as_json:
        emit_json(result.to_dict())
        return
    typer.echo(question_table(result.to_dict()))
    typer.echo(
        f"\n{summary['model']}: {summary['passed']:.0%} passed of {summary['questions']} · tools"
        f" {summary['tools']:.0%} · args {summary['args']:.0%} · grounded"
        f" {summary['grounded']:.0%} · citations {summary['citations']:.0%} · median"
        f" {summary['median_s']} s"
    )
