"""Drawing one finished turn: the question, the tool activity in plain words, the answer with
its citation markers, charts, the sources it cites, its freshness and grounding, follow-ups.

Old turns stay cheap to redraw: the tool details and the charts of older turns sit behind
expanders that draw their content only when opened, inside fragments, so opening one reruns
that fragment alone. The newest turns show their charts inline.
"""

from __future__ import annotations

import re
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
_NUMBER = re.compile(r"^[-+−]?[\d.,]+(%| \S+)?$|^[-+−]?[\d.,]+ (on|to) ")


def _numeric(table: results.Table, column: int) -> bool:
    """Figures (right-aligned) rather than words (left-aligned) fill this column."""
    cells = [row[column] for row in table.rows if column < len(row) and row[column]]
    return column > 0 and bool(cells) and all(_NUMBER.match(c) for c in cells)


def _table_markdown(table: results.Table) -> str:
    def cell(value: str) -> str:
        return safe_markdown(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in table.header) + " |",
        "| "
        + " | ".join("--:" if _numeric(table, i) else ":--" for i in range(len(table.header)))
        + " |",
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
            origin = (
                ":violet-badge[:material/person: Your document]"
                if c.mine
                else f":gray-badge[{c.origin}]"
            )
            st.markdown(f"{marks} **{safe_markdown(c.label())}** {origin}".strip())
            label = "Passage" if len(c.passages) == 1 else f"Passages ({len(c.passages)})"
            with st.expander(label, key=f"{key}-src-{i}", type="compact"):
                for passage in c.passages:
                    st.caption(f"“{safe_markdown(quote(passage, 900))}”")


def grounding_badge(g: dict | None) -> tuple[str, str, str, str] | None:
    """(short label, icon, colour, the whole check in words) for the grounding badge."""
    if not g:
        return None
    detail = g["badge"][:1].upper() + g["badge"][1:] + "."
    if not g["ok"]:
        n = len(g.get("ungrounded") or [])
        short = f"{n} figure{'s' if n != 1 else ''} not from tools" if n else "Sources unchecked"
        return short, ":material/report:", "orange", detail
    if g["checked"]:
        text = g["badge"]  # "all figures from tools (12 checked); 3 quoted from documents …"
        rest = text.split(")", 1)[1] if text.startswith("all figures from tools (") else ""
        n = g["checked"]
        detail = f"{n} figure{'s' if n != 1 else ''} checked against the tools' results{rest}."
        return "All figures from tools", ":material/verified:", "green", detail
    return "No figures to check", ":material/info:", "gray", detail


def footer(turn: Turn, key: str = "turn") -> None:
    """Data as of, a freshness badge when old or synthetic, grounding, model and time; the
    grounding check in full on a line of its own that wraps (a badge would cut it off)."""
    badge = grounding_badge(turn.grounding)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if badge:
            st.badge(badge[0], icon=badge[1], color=badge[2])
        fresh = turn.freshness
        if fresh is not None:
            st.caption(f"Data as of {fresh.as_of}", width="content", help=fresh.detail or None)
            if fresh.badge:
                st.badge(fresh.badge, icon=":material/schedule:", color="orange")
        if turn.finished:
            st.caption(safe_markdown(turn.footer), width="content")
    if badge and badge[3] != badge[0] + ".":
        with st.container(key=f"{key}-grounding-note"):
            st.caption(safe_markdown(badge[3]))


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
    footer(turn, key)


def render(
    turn: Turn, key: str, inline: bool = False, ask: Callable[[str], None] | None = None
) -> None:
    """A finished turn; ``ask`` given (the newest turn): its follow-ups inside the answer."""
    with st.chat_message("user", avatar=AVATARS["user"]):
        st.markdown(safe_markdown(turn.question))
    with st.chat_message("assistant", avatar=AVATARS["assistant"]):
        if turn.tools:
            tool_activity(turn, key)
        answer_and_charts(turn, key, inline)
        after_answer(turn, key, inline)
        if ask is not None:
            follow_ups(turn, key, ask)
