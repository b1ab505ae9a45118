"""``market-assistant ask`` and ``market-assistant chat``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.safety import terminal_text

MODEL_HELP = "offline, openai:MODEL or provider:MODEL (env MARKET_ASSISTANT_MODEL)."


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("chat")(chat)


def _assistant(ctx: typer.Context, model: str | None, persistent: bool):
    from dataclasses import replace

    from assistant.runtime import make_assistant

    settings = ctx.obj
    if model:
        settings = replace(settings, model=model)
    store = None
    if persistent:
        from assistant.memory import ConversationStore

        store = ConversationStore(settings.home / "conversations.sqlite")
    return make_assistant(settings, checkpointer=store.checkpointer if store else None), store


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    model: Annotated[str | None, typer.Option("--model", help=MODEL_HELP)] = None,
    thread: Annotated[
        str | None,
        typer.Option(
            "--thread",
            help="Conversation id; reuse it for follow-ups (stored in the data directory).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Ask one question; the answer streams with a line per tool call."""
    assistant, store = _assistant(ctx, model, persistent=thread is not None)
    reply = _run_turn(assistant, question, thread, quiet=as_json)
    if store is not None and not reply.error:
        store.touch(reply.thread_id, question)
    if as_json:
        from assistant.cli.output import emit_json

        emit_json(reply.to_dict())
    if reply.error:
        raise typer.Exit(2 if reply.error_kind == "input" else 1)


def chat(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option("--model", help=MODEL_HELP)] = None,
    thread: Annotated[
        str | None, typer.Option("--thread", help="Resume this conversation.")
    ] = None,
) -> None:
    """An interactive conversation with memory (empty line or Ctrl-D to quit)."""
    import uuid

    assistant, store = _assistant(ctx, model, persistent=True)
    thread_id = thread or uuid.uuid4().hex[:12]
    typer.echo(
        f"Market Assistant ({assistant.model_id}, data: {assistant.source_label()}). "
        f"Conversation {thread_id}. Empty line to quit."
    )
    while True:
        try:
            question = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        reply = _run_turn(assistant, question, thread_id, quiet=False)
        if store is not None and not reply.error:
            store.touch(thread_id, question)


def _run_turn(assistant, question: str, thread_id: str | None, quiet: bool):
    from assistant.events import (
        Failed,
        Finished,
        GroundingChecked,
        SourcesFound,
        TextDelta,
        ToolFinished,
        ToolStarted,
    )

    out = sys.stdout
    reply = None
    streamed = False
    for event in assistant.stream(question, thread_id):
        if isinstance(event, Finished):
            reply = event.reply
        if quiet:
            continue
        if isinstance(event, TextDelta):
            out.write(terminal_text(_readable(event.text, out), lines=True))
            out.flush()
            streamed = True
        elif isinstance(event, ToolStarted):
            args = ", ".join(f"{k}={v}" for k, v in event.args.items())
            typer.echo(f"· {event.name}({args})", err=True)
        elif isinstance(event, ToolFinished) and event.error:
            typer.echo(f"  ! {event.name}: {event.summary[:160]}", err=True)
        elif isinstance(event, SourcesFound):
            out.write("\n\nSources:\n" if streamed else "Sources:\n")
            for s in event.sources:
                out.write(
                    terminal_text(
                        f"  - {s.get('title')} ({s.get('source')}, "
                        f"{s.get('published') or 'undated'})"
                    )
                    + "\n"
                )
        elif isinstance(event, GroundingChecked):
            typer.echo(f"\n[grounding: {event.report.badge()}]", err=True)
        elif isinstance(event, Failed):
            typer.echo(f"Error: {terminal_text(event.message)}", err=True)
    if streamed and not quiet:
        out.write("\n")
    return reply


def _readable(text: str, out) -> str:
    """On a terminal, the answer's Markdown escapes ("data\\:") and verdict badges read as
    plain text; piped elsewhere, the Markdown is kept."""
    if not getattr(out, "isatty", lambda: False)():
        return text
    from assistant.claims.render import terminal_markdown

    return terminal_markdown(text)
