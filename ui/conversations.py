"""Whose conversations these are, which one is open, and the sidebar that lists them.

Each browser has an owner id (kept in a cookie, see ``ui/browser.py``), and every call to the
conversation store is scoped to it: another browser can neither list, open nor delete this
browser's conversations. The open conversation is named in the address (``?c=…``), so a reload
continues it; an id that is not this browser's own opens nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import streamlit as st

from assistant.app import identity
from assistant.app.turn import Turn, conversation_markdown, export_name
from ui.common import safe_markdown

TITLE_CHARS = 34


# -- who, and which conversation ---------------------------------------------------------------
def owner() -> str:
    """This browser's owner id: the cookie's when it holds a valid one, else a new one."""
    if "owner" not in st.session_state:
        found = identity.valid_owner(st.context.cookies.get(identity.COOKIE))
        st.session_state.owner = found or identity.new_owner()
        st.session_state.owner_saved = found is not None
    return st.session_state.owner


def cookie_to_write() -> dict:
    """The browser helper's cookie arguments while this browser's cookie is not yet written."""
    if st.session_state.get("owner_saved"):
        return {}
    max_age = identity.COOKIE_DAYS * 86400
    return {"owner": owner(), "cookie": identity.COOKIE, "max_age": max_age}


def start(store) -> dict:
    """This session's conversation state; the first run opens the one named in ``?c=``."""
    state = st.session_state
    if "thread_id" not in state:
        named = st.query_params.get(identity.QUERY_KEY)
        wanted = identity.valid_thread(named)
        if wanted and store.get(wanted, owner=owner()) is not None:
            open_chat(store, wanted)
        else:
            new_chat()
            if named:
                state.notice = "That conversation is not available in this browser."
    return state


def new_chat() -> None:
    st.session_state.thread_id = identity.new_thread()
    st.session_state.turns = []
    st.query_params.pop(identity.QUERY_KEY, None)


# Callbacks run before the script, so they get the store as an argument.
def open_chat(store, thread_id: str) -> None:
    records = store.turns(thread_id, owner=owner())
    st.session_state.thread_id = thread_id
    st.session_state.turns = [Turn.from_record(r) for r in records]
    st.query_params[identity.QUERY_KEY] = thread_id


def delete_chat(store, thread_id: str) -> None:
    if not store.delete(thread_id, owner=owner()):
        st.toast("That conversation is not yours to delete.", icon=":material/block:")
        return
    if st.session_state.get("thread_id") == thread_id:
        new_chat()
    st.toast("Conversation deleted.", icon=":material/delete:")


def save(store, thread_id: str, turn: Turn) -> None:
    """Keep a finished turn and name the conversation in the address."""
    try:
        store.touch(thread_id, turn.question, owner=owner())
        store.add_turn(thread_id, turn.to_record())
    except Exception as exc:  # noqa: BLE001 - the answer is on screen; say that it was not kept
        st.toast(
            f"This answer could not be saved: {safe_markdown(str(exc))[:160]}",
            icon=":material/error:",
        )
        return
    st.query_params[identity.QUERY_KEY] = thread_id


# -- the sidebar ---------------------------------------------------------------------------------
def when(stamp: str, now: dt.datetime | None = None) -> str:
    """A conversation's last activity for the list: 'today 14:05', 'Nov 28', '2025-11-28'."""
    try:
        then = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return ""
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    try:
        zone = zoneinfo.ZoneInfo(st.context.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    then, now = then.astimezone(zone), (now or dt.datetime.now(dt.UTC)).astimezone(zone)
    if then.date() == now.date():
        return then.strftime("today %H:%M")
    if then.year == now.year:
        return then.strftime("%b %d").replace(" 0", " ")
    return then.date().isoformat()


def sidebar(store) -> None:
    st.button(
        "New chat",
        icon=":material/add:",
        on_click=new_chat,
        width="stretch",
        type="primary",
        key="new_chat",
    )
    past = store.list(limit=30, owner=owner())
    current = st.session_state.thread_id
    if past:
        st.caption("Recent conversations")
    with st.container(key="conversations", gap=None):
        for conv in past:
            _row(store, conv, conv.thread_id == current)
    _export(store, current)
    st.divider()


def _row(store, conv, is_open: bool) -> None:
    title = conv.title if len(conv.title) <= TITLE_CHARS else conv.title[: TITLE_CHARS - 1] + "…"
    stamp = when(conv.updated_at)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button(
            title,
            key=f"open-{conv.thread_id}",
            on_click=open_chat,
            args=(store, conv.thread_id),
            type="secondary" if is_open else "tertiary",
            width="stretch",
        )
        st.caption(stamp, width="content")
        st.button(
            "",
            icon=":material/delete:",
            key=f"delete-{conv.thread_id}",
            type="tertiary",
            on_click=delete_chat,
            args=(store, conv.thread_id),
            help="Delete this conversation",
        )


def _export(store, current: str) -> None:
    turns = st.session_state.turns
    conv = store.get(current, owner=owner())
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
