"""The chat page: ask, watch the tools run, read a grounded answer with its charts and sources.

Reads top to bottom: the question (typed, an example or a follow-up), the title and the demo
banner, the welcome (cleared the moment a question is asked), the conversation so far, the new
turn streamed live, then this page's sidebar (conversations and export). Every turn becomes an
``assistant.app.turn.Turn`` (from the assistant's reply) and is saved for this browser only.
"""

from __future__ import annotations

import streamlit as st

from assistant.app.turn import EXAMPLES, model_label
from ui import browser, common, conversations, live, turn_view, warmup

INLINE_TURNS = 2  # the newest turns draw their charts; older ones open them on demand


def _ask(question: str) -> None:
    st.session_state.pending_question = question


def welcome() -> None:
    st.markdown(
        "Ask about **prices and changes**, **records and breakouts**, whether one market **follows"
        " another**, or **why** a market moves. Every figure comes from a tool run over daily"
        " prices, explanations are quoted from a commentary library with their sources, and each"
        " answer is checked for figures that did not come from a tool."
    )
    # From the settings and the data, not the assistant: this run does not wait for it to be built.
    status = common.freshness()
    st.caption(safe(f"Model: {model_label(common.settings().model)} · Data: {status.detail}"))
    st.markdown("**Try one of these**")
    columns = st.columns(2)
    for i, example in enumerate(EXAMPLES):
        columns[i % 2].button(
            example,
            key=f"example-{i}",
            on_click=_ask,
            args=(example,),
            icon=":material/arrow_outward:",
            width="stretch",
        )
    warmup.progress(common.library(), common.assistant_ready())


def safe(text: str) -> str:
    return common.safe_markdown(text)


def banner(slot) -> None:
    """A demo-data banner at the top of the chat (filled last: reading the data may take time)."""
    status = common.freshness()
    if status is not None and status.freshness == "synthetic":
        slot.info(
            "**Demo data.** The prices are synthetic, generated for trying the assistant out: "
            "they describe no real market. "
            + (
                safe(status.notice) if status.notice else "Pick another data source in the sidebar."
            ),
            icon=":material/science:",
        )


# -- the page --------------------------------------------------------------------------------------
# The input and the title go first: they are what a visitor sees while the rest loads.
question = st.chat_input(
    "Ask about prices, breakouts, lead/lag or why a market moves…", key="question"
)
question = question or st.session_state.pop("pending_question", None)
st.title(":material/monitoring: Market Assistant", anchor=False)
common.warm_up()  # the input is on screen: start preparing what the first question needs
banner_slot = st.empty()

store = common.conversation_store(str(common.settings().home))
state = conversations.start(store)
if notice := state.pop("notice", None):
    st.info(notice, icon=":material/lock:")
welcome_slot = st.empty()  # the same place on every run: a question clears it at once
if not state.turns and not question:
    with welcome_slot.container():
        welcome()

# Every turn keeps one place on the page. The new turn is drawn first, so its question shows
# at once and its answer streams however long the conversation is; the earlier turns stay on
# screen meanwhile and are redrawn after it (their places exist already, so nothing moves).
with st.container(key="history"):
    places = [st.container() for _ in state.turns]
    live_place = st.container()
past = list(state.turns)
count = len(past)
land = "" if past or question else f"top-{state.thread_id}"
if question:
    key = f"{state.thread_id}-{count}"
    with live_place:
        asked = [t.question for t in past]
        new_turn, end = live.ask(common.assistant, question, state.thread_id, key, asked)
        # Kept at once: a question asked while the earlier turns are redrawn stops this run.
        state.turns.append(new_turn)
        conversations.save(store, state.thread_id, new_turn)
        with end:  # inside the answer, lined up with its text
            turn_view.follow_ups(new_turn, key, _ask)
    land = f"answer-{key}"
newest = count - (INLINE_TURNS - 1 if question else INLINE_TURNS)
for index, (place, past_turn) in enumerate(zip(places, past, strict=True)):
    key = f"{state.thread_id}-{index}"
    with place:
        last = index == count - 1 and not question
        turn_view.render(past_turn, key, inline=index >= newest, ask=_ask if last else None)

banner(banner_slot)
browser.helper(land=land, **conversations.cookie_to_write())
with common.page_sidebar():
    conversations.sidebar(store)
