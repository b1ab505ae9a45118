"""The chat page: ask, watch the tools run, read a grounded answer with its charts and sources.

Reads top to bottom: the question (typed or an example), the page header, the conversation so
far, the new turn streamed live, then this page's sidebar (conversations and export). Every
turn becomes an ``assistant.app.turn.Turn`` (from the assistant's reply) and is saved, so a
resumed chat looks the same.
"""

from __future__ import annotations

import time
import uuid

import streamlit as st

from assistant.app.turn import (
    EXAMPLES,
    ToolCall,
    Turn,
    conversation_markdown,
    describe_call,
    export_name,
    model_label,
    quote,
    source_citation,
)
from assistant.events import Finished, TextDelta, ToolFinished, ToolStarted
from ui import common

AVATARS = {"user": ":material/person:", "assistant": ":material/monitoring:"}
STREAM_EVERY = 0.05  # seconds between redraws of a streaming answer (each redraw is a message)
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# -- conversation state (per browser session) ------------------------------------------------
def _state() -> dict:
    if "thread_id" not in st.session_state:
        _new_chat()
    return st.session_state


def _new_chat() -> None:
    st.session_state.thread_id = uuid.uuid4().hex[:16]
    st.session_state.turns = []


# Callbacks run before the script, so they get the store as an argument.
def _open_chat(store, thread_id: str) -> None:
    st.session_state.thread_id = thread_id
    st.session_state.turns = [Turn.from_record(r) for r in store.turns(thread_id)]


def _delete_chat(store, thread_id: str) -> None:
    store.delete(thread_id)
    if st.session_state.get("thread_id") == thread_id:
        _new_chat()
    st.toast("Conversation deleted.", icon=":material/delete:")


def _ask_example(question: str) -> None:
    st.session_state.pending_question = question


# -- rendering one turn ------------------------------------------------------------------------
def tool_row(call: ToolCall, key: str) -> None:
    """One tool call: what it does in plain words, then its compact and its full result."""
    if not call.done:
        st.markdown(f":blue[:material/pending:] **{common.safe_markdown(call.title)}** · running…")
        return
    mark = ":orange[:material/warning:]" if call.error else ":green[:material/check_circle:]"
    st.markdown(f"{mark} **{common.safe_markdown(call.title)}**")
    st.caption(common.safe_markdown(quote(call.summary, 320)))
    with st.expander("Full result", icon=":material/data_object:"):
        st.caption(f"`{call.name}` · what the model saw:")
        st.code(call.summary, language=None, wrap_lines=True)
        if call.artifact:
            st.json(call.artifact, expanded=1)


def grounding_badge(turn: Turn) -> None:
    g = turn.grounding
    if not g:
        return
    label = g["badge"].replace("[", "(").replace("]", ")").replace("$", "\\$")
    if not g["ok"]:
        st.badge(label[:1].upper() + label[1:], icon=":material/report:", color="orange")
    elif g["checked"]:
        st.badge(
            "All figures from tools" + label.removeprefix("all figures from tools"),
            icon=":material/verified:",
            color="green",
        )
    else:
        st.badge("No figures to check", icon=":material/info:", color="gray")


def sources_list(sources: list[dict]) -> None:
    """Numbered sources under the answer: citation, then the start of the quoted passage."""
    with st.container(border=True, gap="small"):
        st.markdown(f":material/menu_book: **Sources ({len(sources)})**")
        for n, source in enumerate(sources, 1):
            st.markdown(f"**{n}. {common.safe_markdown(source_citation(source))}**")
            st.caption(f"“{common.safe_markdown(quote(source.get('text', ''), 240))}”")


def answer_body(turn: Turn, key: str, answer_slot=None) -> None:
    """The answer, any error, the charts, the sources and the footer, in reading order."""
    if turn.answer:
        (answer_slot or st).markdown(common.safe_markdown(turn.answer))
    elif answer_slot is not None:
        answer_slot.empty()
    if turn.error:
        st.warning(common.safe_markdown(turn.error), icon=":material/error:")
    for i, (title, figure) in enumerate(turn.charts):
        st.plotly_chart(figure, key=f"{key}-chart-{i}", config=PLOTLY_CONFIG, alt=title)
    if turn.sources:
        sources_list(turn.sources)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        grounding_badge(turn)
        if turn.finished:
            st.caption(common.safe_markdown(turn.footer))


def render_turn(turn: Turn, key: str) -> None:
    with st.chat_message("user", avatar=AVATARS["user"]):
        st.markdown(common.safe_markdown(turn.question))
    with st.chat_message("assistant", avatar=AVATARS["assistant"]):
        if turn.tools:
            # An expander dressed as a finished st.status: st.status pauses 50 ms on creation to let
            # the browser catch up with live updates, which a finished turn does not need.
            failed = all(c.error for c in turn.tools)
            with st.expander(
                turn.tools_label, icon=":material/error:" if failed else ":material/check:"
            ):
                for call in turn.tools:
                    tool_row(call, key)
        answer_body(turn, key)


# -- a new turn, streamed ------------------------------------------------------------------------
def ask(bot, question: str, thread_id: str, key: str) -> Turn:
    """Run one turn, drawing tool calls and answer text as the events arrive.

    The events are drawn as they come and not kept: the assistant folds them into the reply,
    and the stored turn is built from that reply.
    """
    with st.chat_message("user", avatar=AVATARS["user"]):
        st.markdown(common.safe_markdown(question))
    with st.chat_message("assistant", avatar=AVATARS["assistant"]):
        status_slot = st.empty()
        status = status_slot.status("Thinking…", expanded=False)
        rows: dict[str, tuple[object, ToolCall]] = {}
        answer = st.empty()
        started, drawn, text, reply = time.perf_counter(), 0.0, "", None
        for event in bot.stream(question, thread_id):
            if isinstance(event, ToolStarted):
                text = ""  # text before a tool call is the model thinking aloud
                call = ToolCall(
                    event.call_id,
                    event.name,
                    dict(event.args),
                    describe_call(event.name, event.args),
                )
                status.update(label=f"{call.title}…", state="running")
                with status:
                    rows[call.id] = (st.empty(), call)
                answer.empty()
            elif isinstance(event, ToolFinished) and event.call_id in rows:
                call = rows[event.call_id][1]
                call.summary, call.artifact, call.error, call.done = (
                    event.summary,
                    event.artifact,
                    event.error,
                    True,
                )
            elif isinstance(event, TextDelta):
                text += event.text
                if time.perf_counter() - drawn >= STREAM_EVERY:
                    answer.markdown(common.safe_markdown(text) + " ▌")
                    drawn = time.perf_counter()
            elif isinstance(event, Finished):
                reply = event.reply
            if isinstance(event, (ToolStarted, ToolFinished)) and event.call_id in rows:
                slot, call = rows[event.call_id]
                with slot.container():
                    tool_row(call, key)
        turn = Turn.from_reply(question, reply, _charts(bot, reply), time.perf_counter() - started)
        if turn.tools:
            status.update(
                label=turn.tools_label,
                state="error" if all(c.error for c in turn.tools) else "complete",
            )
        else:
            status_slot.empty()
        answer_body(turn, key, answer_slot=answer)
    return turn


def _charts(bot, reply) -> list:
    if reply is None or reply.error:
        return []
    try:
        return bot.charts(reply)
    except Exception:  # noqa: BLE001 - a chart must never cost the user the answer
        return []


def _save(store, thread_id: str, turn: Turn) -> None:
    try:
        store.touch(thread_id, turn.question)
        store.add_turn(thread_id, turn.to_record())
    except Exception as exc:  # noqa: BLE001 - the answer is on screen; say that it was not kept
        st.toast(
            f"This answer could not be saved: {common.safe_markdown(str(exc))[:160]}",
            icon=":material/error:",
        )


# -- page pieces -----------------------------------------------------------------------------------
def welcome(bot) -> None:
    st.markdown(
        "Ask about **prices and changes**, **records and breakouts**, whether one market **follows"
        " another**, or **why** a market moves. Every figure comes from a tool run over daily"
        " prices, explanations are quoted from a commentary library with their sources, and each"
        " answer is checked for figures that did not come from a tool."
    )
    try:
        data = bot.source_label()
    except Exception as exc:  # noqa: BLE001 - e.g. a CSV folder that does not exist: say so
        data = f"not available ({exc})"
    st.caption(common.safe_markdown(f"Model: {model_label(bot.model_id)} · Data: {data}"))
    st.markdown("**Try one of these**")
    columns = st.columns(2)
    for i, example in enumerate(EXAMPLES):
        columns[i % 2].button(
            example,
            key=f"example-{i}",
            on_click=_ask_example,
            args=(example,),
            icon=":material/arrow_outward:",
            width="stretch",
        )


def conversations_sidebar(store) -> None:
    st.button(
        "New chat",
        icon=":material/add:",
        on_click=_new_chat,
        width="stretch",
        type="primary",
        key="new_chat",
    )
    past = store.list(limit=30)
    if past:
        st.caption("Recent conversations")
    current = st.session_state.thread_id
    for conv in past:
        left, right = st.columns([0.84, 0.16], vertical_alignment="center", gap="small")
        title = conv.title if len(conv.title) <= 38 else conv.title[:37] + "…"
        left.button(
            title,
            key=f"open-{conv.thread_id}",
            on_click=_open_chat,
            args=(store, conv.thread_id),
            type="secondary" if conv.thread_id == current else "tertiary",
            width="stretch",
            help=f"{conv.title} · last active {conv.updated_at[:16].replace('T', ' ')} UTC",
        )
        right.button(
            "",
            icon=":material/delete:",
            key=f"delete-{conv.thread_id}",
            type="tertiary",
            on_click=_delete_chat,
            args=(store, conv.thread_id),
            help="Delete this conversation",
        )
    turns = st.session_state.turns
    conv = store.get(current)
    title = conv.title if conv else (turns[0].question if turns else "")
    st.download_button(
        "Export chat as Markdown",
        data=conversation_markdown(title, turns),
        file_name=export_name(title, current),
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        disabled=not turns,
        width="stretch",
        key="export",
    )
    st.divider()


# -- the page --------------------------------------------------------------------------------------
# The input and the title go first: they are what a visitor sees while the rest loads.
question = st.chat_input(
    "Ask about prices, breakouts, lead/lag or why a market moves…", key="question"
)
question = question or st.session_state.pop("pending_question", None)
st.title(":material/monitoring: Market Assistant", anchor=False)

state = _state()
bot = common.assistant()
store = common.conversation_store(str(common.settings().home))
if not state.turns and not question:
    welcome(bot)
for index, past_turn in enumerate(state.turns):
    render_turn(past_turn, key=f"{state.thread_id}-{index}")
if question:
    new_turn = ask(bot, question, state.thread_id, key=f"{state.thread_id}-{len(state.turns)}")
    state.turns.append(new_turn)
    _save(store, state.thread_id, new_turn)

with common.page_sidebar():
    conversations_sidebar(store)
