"""A new turn, drawn as it happens: the question at once, the tools with a spinner while they run
(a check mark only when every one has finished), the answer streaming in, then the rest.

The events are drawn as they come and not kept: the assistant folds them into the reply, and
the turn that is stored (and redrawn on later runs) is built from that reply, in the same
places on the page, so nothing jumps when the run ends.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from assistant.app import labels
from assistant.app.turn import Turn, turn_charts
from assistant.events import Finished, TextDelta, ToolFinished, ToolStarted
from assistant.streaming import Pacer
from ui import turn_view
from ui.common import safe_markdown

REDRAW_EVERY = 0.04  # seconds between redraws of a streaming answer (each one is a message)
CURSOR = " ▌"


class _Activity:
    """The live status box: its label names what runs now, its rows what has been done."""

    def __init__(self, slot):
        self.slot = slot
        self.box = None
        self.calls: dict[str, dict] = {}
        self.rows: dict[str, object] = {}

    def thinking(self) -> None:
        self.box = self.slot.status("Thinking…", state="running", expanded=False)

    def clear(self) -> None:
        """No tools ran (yet): the answer text itself is the progress."""
        if self.box is not None and not self.calls:
            self.slot.empty()
            self.box = None

    def started(self, event: ToolStarted) -> None:
        if self.box is None:
            self.thinking()
        call = {"name": event.name, "args": dict(event.args), "done": False}
        self.calls[event.call_id] = call
        with self.box:
            self.rows[event.call_id] = st.empty()
        self._row(event.call_id)
        self._label()

    def finished(self, event: ToolFinished) -> None:
        call = self.calls.get(event.call_id)
        if call is None:
            return
        call.update(done=True, error=event.error, artifact=event.artifact)
        self._row(event.call_id)
        self._label()

    def _row(self, call_id: str) -> None:
        c = self.calls[call_id]
        p = labels.phrase(c["name"], c["args"], c.get("artifact"))
        if not c["done"]:
            text = f":gray[:material/hourglass_top:] {labels.sentence([(p, 'running')])}…"
        elif c.get("error"):
            text = f":orange[:material/warning:] {labels.sentence([(p, 'failed')])}"
        else:
            text = f":green[:material/check_circle:] {labels.sentence([(p, 'done')])}"
        self.rows[call_id].markdown(safe_markdown(text))

    def _label(self) -> None:
        label, state = labels.status_label(list(self.calls.values()))
        self.box.update(label=label, state=state)


def ask(get_bot, question: str, thread_id: str, key: str, asked: list[str]) -> tuple[Turn, object]:
    """Run one turn, drawing it as the events arrive; returns the finished turn and an empty
    place at the end of its answer (for the follow-ups, drawn once the turn is kept).
    ``get_bot`` gives the assistant: called once the question is on screen (the first question
    of a fresh app may wait for the assistant's background preparation)."""
    with st.chat_message("user", avatar=turn_view.AVATARS["user"]):
        st.markdown(safe_markdown(question))
    with st.chat_message("assistant", avatar=turn_view.AVATARS["assistant"]):
        activity = _Activity(st.empty())
        activity.thinking()
        answer = st.empty()
        bot = get_bot()
        started = time.perf_counter()
        pacer, drawn, reply = Pacer(), 0.0, None
        for event in bot.stream(question, thread_id):
            if isinstance(event, ToolStarted):
                pacer = Pacer()  # text before a tool call is the model thinking aloud
                answer.empty()
                activity.started(event)
            elif isinstance(event, ToolFinished):
                activity.finished(event)
            elif isinstance(event, TextDelta):
                pacer.feed(event.text)
                activity.clear()
                if time.perf_counter() - drawn >= REDRAW_EVERY:
                    answer.markdown(safe_markdown(pacer.visible()) + CURSOR)
                    drawn = time.perf_counter()
            elif isinstance(event, Finished):
                reply = event.reply
        while not pacer.caught_up:
            answer.markdown(safe_markdown(pacer.visible()) + CURSOR)
            time.sleep(REDRAW_EVERY)
        turn = _finish(bot, question, reply, time.perf_counter() - started, asked)
        activity.slot.empty()  # the live rows go; the finished turn's line takes their place
        answer.empty()
        with activity.slot.container():
            if turn.tools:
                turn_view.tool_activity(turn, key)
        with answer.container():
            turn_view.answer_and_charts(turn, key, inline=True)
        turn_view.after_answer(turn, key, inline=True)
        end = st.container()
    return turn, end


def _finish(bot, question: str, reply, seconds: float, asked: list[str]) -> Turn:
    try:
        charts = turn_charts(reply, bot.market)
    except Exception:  # noqa: BLE001 - a chart must never cost the user the answer
        charts = []
    return Turn.from_reply(question, reply, charts, seconds, asked=asked, today=dt.date.today())
