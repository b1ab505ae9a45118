"""``market-assistant ask`` and ``market-assistant chat``.

In a terminal the answer streams as the model writes it, with a line per tool call on stderr;
piped to a file or another program, the finished answer is printed once, with the line
"Unverified: ..." at its top when it states figures (or names sources) the tools did not give.
``--strict`` exits 3 for such an answer, as ``brief --strict`` does for a briefing.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.cli.output import EXIT_FAILURE, EXIT_INPUT, EXIT_STRICT
from assistant.safety import terminal_text

MODEL_HELP = (
    "offline, openai:MODEL or provider:MODEL (env MARKET_ASSISTANT_MODEL). With OPENAI_BASE_URL"
    " set and no model named, the model the server serves."
)
STRICT_HELP = (
    "Exit 3 when the answer states figures, or names sources, that this turn's tools did not"
    " give (the answer is still printed)."
)


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("chat")(chat)


def _assistant(ctx: typer.Context, model: str | None, persistent: bool):
    from dataclasses import replace

    from assistant.models import resolve
    from assistant.runtime import make_assistant

    settings = ctx.obj
    if model:
        settings = replace(settings, model=model)
    settings, note = resolve(settings)
    if note:
        typer.echo(note, err=True)
    store = None
    if persistent:
        from assistant.memory import open_store
        from assistant.memory_base import ConversationStoreError

        try:
            store = open_store(settings)  # PostgreSQL with MARKET_ASSISTANT_DATABASE_URL
        except ConversationStoreError as exc:
            typer.echo(f"Error: {exc.user_message}", err=True)
            raise typer.Exit(1) from None
        if store.notice:  # a damaged file was kept aside: say so, naming it
            typer.echo(f"Note: {store.notice}", err=True)
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
    strict: Annotated[bool, typer.Option("--strict", help=STRICT_HELP)] = False,
) -> None:
    """Ask one question; the answer streams with a line per tool call."""
    assistant, store = _assistant(ctx, model, persistent=thread is not None)
    reply = _run_turn(assistant, question, thread, quiet=as_json, stream=sys.stdout.isatty())
    if store is not None and not reply.error:
        store.touch(reply.thread_id, question)
    if store is not None and store.notice:  # on stderr already; --json carries it too
        reply.notices.insert(0, store.notice)
    if as_json:
        from assistant.cli.output import emit_json

        emit_json(reply.to_dict())
    if reply.error:
        raise typer.Exit(EXIT_INPUT if reply.error_kind == "input" else EXIT_FAILURE)
    if strict and not reply.grounding.ok:
        raise typer.Exit(EXIT_STRICT)


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
        reply = _run_turn(assistant, question, thread_id, quiet=False, stream=True)
        if store is not None and not reply.error:
            store.touch(thread_id, question)


def _run_turn(assistant, question: str, thread_id: str | None, quiet: bool, stream: bool):
    """Run a turn, printing it: streamed (a terminal) or once finished (a pipe)."""
    from assistant.events import Finished, TextDelta

    out = sys.stdout
    reply = None
    streamed = False
    for event in assistant.stream(question, thread_id):
        if isinstance(event, Finished):
            reply = event.reply
        elif quiet:
            continue
        elif isinstance(event, TextDelta):
            if stream:
                out.write(terminal_text(_readable(event.text, out), lines=True))
                out.flush()
                streamed = True
        else:
            _side_line(event, streamed, live=stream)
    if reply is not None and not quiet:
        _finish(reply, streamed)
    return reply


def _side_line(event, streamed: bool, live: bool) -> None:
    """Print what is not answer text (stderr); the sources and the grounding line here only
    when the answer streamed (``live``), else with the finished answer."""
    from assistant.events import (
        Failed,
        GroundingChecked,
        Notice,
        Rechecking,
        ToolFinished,
        ToolStarted,
    )

    if isinstance(event, ToolStarted):
        args = ", ".join(f"{k}={v}" for k, v in event.args.items())
        typer.echo(f"· {event.name}({args})", err=True)
    elif isinstance(event, ToolFinished) and event.error:
        typer.echo(f"  ! {event.name}: {event.summary[:160]}", err=True)
    elif isinstance(event, Rechecking):
        listed = ", ".join([*event.ungrounded, *event.unsupported])
        typer.echo(
            f"\n[not from the tools: {listed}; asking the model to rewrite the answer]", err=True
        )
    elif isinstance(event, Notice):
        typer.echo(f"Note: {event.message}", err=True)
    elif isinstance(event, GroundingChecked) and live:
        typer.echo(f"\n[grounding: {event.report.badge()}]", err=True)
    elif isinstance(event, Failed):
        typer.echo(f"Error: {terminal_text(event.message)}", err=True)


def _finish(reply, streamed: bool) -> None:
    out = sys.stdout
    if streamed:
        out.write("\n")
        if reply.warning:
            typer.echo(f"\n{reply.warning}", err=True)
        out.write(_sources(reply))
        return
    answer = "" if reply.error and reply.answer == reply.error else reply.answer
    if answer:
        out.write(f"{reply.warning}\n\n" if reply.warning else "")
        out.write(terminal_text(_readable(answer.rstrip(), out), lines=True) + "\n")
    out.write(_sources(reply))
    typer.echo(f"\n[grounding: {reply.grounding.badge()}]", err=True)


def _sources(reply) -> str:
    """Only the documents the answer cites, each once, numbered as its [n] markers."""
    from assistant.sources import format_sources

    listed = format_sources(reply.answer, reply.sources)
    return "\nSources:\n" + terminal_text(listed, lines=True) if listed else ""


def _readable(text: str, out) -> str:
    """Verdict badges (the app's markup) as plain text; on a terminal also the answer's Markdown
    escapes ("data\\:"); piped elsewhere, the rest of the Markdown is kept."""
    from assistant.claims.render import plain_badges, terminal_markdown

    if not getattr(out, "isatty", lambda: False)():
        return plain_badges(text)
    return terminal_markdown(text)
