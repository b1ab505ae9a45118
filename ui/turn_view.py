"""Drawing one finished turn: the question, the tool activity in plain words, the answer with
its citation markers, charts, the sources it cites, its freshness and grounding, follow-ups.

Old turns stay cheap to redraw: the tool details and the charts of older turns sit behind
expanders that draw their content only when opened, inside fragments, so opening one reruns
that fragment alone. The newest turns show their charts inline.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from assistant.app import citations, results
from assistant.app.turn import ToolCall, Turn, TurnChart, quote
from ui.common import safe_markdown

AVATARS = {"user": ":material/person:", "assistant": ":material/monitoring:"}
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
INLINE_CHARTS = 2  # a briefing section shows this many charts; the rest open on demand


def answer_markdown(turn: Turn, text: str | None = None) -> str:
    """The answer as chat-message Markdown: safe, headings below the page title, [n] badges."""
    body = safe_markdown(turn.answer if text is None else text)
    return citations.badge_markers(citations.demote_headings(body), len(turn.sources))


# -- tool activity ---------------------------------------------------------------------------
def _table_markdown(table: results.Table) -> str:
    def cell(value: str) -> str:
        return safe_markdown(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in table.header) + " |",
        "| " + " | ".join(":--" if i == 0 else "--:" for i in range(len(table.header))) + " |",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    return "\n".join(lines)


def tool_detail(call: ToolCall, key: str) -> None:
    """One call: its plain title, its result as rounded figures, the raw result on request."""
    mark = ":orange[:material/warning:]" if call.error else ":green[:material/check_circle:]"
    if not call.done:
        mark = ":gray[:material/hourglass_top:]"
    st.markdown(f"{mark} **{safe_markdown(call.title)}**")
    for table in results.tables(call.artifact):
        if table.caption:
            st.caption(safe_markdown(table.caption))
        if table.rows:
            st.markdown(_table_markdown(table))
    if call.artifact and st.toggle("Raw result (JSON)", key=f"{key}-raw-{call.id}"):
        st.json(call.artifact, expanded=1)


@st.fragment
def tool_activity(turn: Turn, key: str) -> None:
    """The turn's tool calls in one line; their results when opened (drawn only then)."""
    icon = ":material/error:" if turn.tools_failed else ":material/check:"
    box = st.expander(turn.tools_label, icon=icon, key=f"{key}-tools", on_change="rerun")
    if box.open:
        with box:
            for call in turn.tools:
                tool_detail(call, key)


# -- charts ------------------------------------------------------------------------------------
def draw_charts(charts: list[TurnChart], key: str, start: int = 0) -> None:
    for i, chart in enumerate(charts, start):
        st.plotly_chart(
            chart.figure,
            key=f"{key}-chart-{i}",
            config=PLOTLY_CONFIG,
            alt=chart.title,
            width="stretch",
        )


@st.fragment
def charts_on_demand(charts: list[TurnChart], key: str, label: str, start: int) -> None:
    box = st.expander(label, icon=":material/show_chart:", key=f"{key}-more", on_change="rerun")
    if box.open:
        with box:
            draw_charts(charts, key, start)


def charts_block(charts: list[TurnChart], key: str, inline: int) -> None:
    """``inline`` charts drawn, the rest behind an expander that draws them when opened."""
    if not charts:
        return
    draw_charts(charts[:inline], key)
    rest = charts[inline:]
    if rest:
        word = "chart" if len(rest) == 1 else "charts"
        more = "More " if inline else ""
        charts_on_demand(rest, key, f"{more}{word}: {len(rest)}".capitalize(), inline)


# -- sources, freshness, follow-ups ------------------------------------------------------------
def sources_list(turn: Turn, key: str) -> None:
    """The documents the answer cites, each once: markers, title, publication, date, passage."""
    if not turn.cited:
        return
    with st.container(border=True, gap="small", key=f"{key}-sources"):
        st.markdown(":material/menu_book: **Sources**")
        for i, c in enumerate(turn.cited):
            marks = " ".join(f":blue-badge[{n}]" for n in c.numbers)
            mine = " :violet-badge[:material/person: Your document]" if c.mine else ""
            st.markdown(f"{marks} **{safe_markdown(c.label())}**{mine}".strip())
            label = "Passage" if len(c.passages) == 1 else f"Passages ({len(c.passages)})"
            with st.expander(label, key=f"{key}-src-{i}", type="compact"):
                for passage in c.passages:
                    st.caption(f"“{safe_markdown(quote(passage, 900))}”")


def footer(turn: Turn) -> None:
    """Data as of, a freshness badge when old or synthetic, grounding, model and time."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        g = turn.grounding
        if g and not g["ok"]:
            label = g["badge"].replace("[", "(").replace("]", ")").replace("$", "\\$")
            st.badge(label[:1].upper() + label[1:], icon=":material/report:", color="orange")
        elif g and g["checked"]:
            checked = g["badge"].removeprefix("all figures from tools")
            st.badge("All figures from tools" + checked, icon=":material/verified:", color="green")
        elif g:
            st.badge("No figures to check", icon=":material/info:", color="gray")
        fresh = turn.freshness
        if fresh is not None:
            st.caption(f"Data as of {fresh.as_of}", width="content")
            if fresh.badge:
                st.badge(fresh.badge, icon=":material/schedule:", color="orange")
        if turn.finished:
            st.caption(safe_markdown(turn.footer), width="content")


def follow_ups(turn: Turn, key: str, ask: Callable[[str], None]) -> None:
    if not turn.followups:
        return
    with st.container(horizontal=True, gap="small", key=f"{key}-followups"):
        for i, s in enumerate(turn.followups):
            st.button(
                s.label,
                key=f"{key}-follow-{i}",
                on_click=ask,
                args=(s.question,),
                icon=":material/subdirectory_arrow_right:",
                help=s.question,
            )


# -- a whole turn ------------------------------------------------------------------------------
def answer_and_charts(turn: Turn, key: str, inline: bool) -> None:
    """The answer; a briefing's charts go under their own sections."""
    for n, (text, charts) in enumerate(turn.pieces()):
        if text.strip():
            st.markdown(answer_markdown(turn, text))
        shown = (INLINE_CHARTS if turn.briefing() else len(charts)) if inline else 0
        charts_block(charts, f"{key}-{n}", shown)


def after_answer(turn: Turn, key: str, inline: bool) -> None:
    if turn.error:
        st.warning(safe_markdown(turn.error), icon=":material/error:")
    sources_list(turn, key)
    footer(turn)


def render(turn: Turn, key: str, inline: bool = False) -> None:
    with st.chat_message("user", avatar=AVATARS["user"]):
        st.markdown(safe_markdown(turn.question))
    with st.chat_message("assistant", avatar=AVATARS["assistant"]):
        if turn.tools:
            tool_activity(turn, key)
        answer_and_charts(turn, key, inline)
        after_answer(turn, key, inline)
