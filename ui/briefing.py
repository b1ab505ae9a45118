"""The Briefing page: choose a watchlist and an as-of date, generate with progress, read the
briefing with its charts, download it as Markdown, HTML or JSON, and browse earlier ones.

The page only displays what :mod:`assistant.briefing.pipeline` computes. Briefings are
archived in the data directory (``briefings/``), so earlier ones survive a restart. Text reaches
the page only through ``st.markdown`` without HTML (the briefing's Markdown escapes quoted
commentary).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from assistant.briefing import render as br
from assistant.briefing import watchlists
from assistant.briefing.doc import block_markdown, section_markdown
from assistant.briefing.pipeline import generate
from assistant.config import Settings
from assistant.failures import InputError
from ui import common

CUSTOM = "Choose assets…"
STATE = "briefing_page"


def current_settings() -> Settings:
    """The app's settings when the chat page has stored them, else the environment's."""
    found = st.session_state.get("settings")
    return found if isinstance(found, Settings) else Settings.from_env()


def choose(settings: Settings) -> dict | None:
    """The form; returns the request when Generate is pressed."""
    try:
        lists = watchlists.load(settings.home)
    except InputError as exc:
        st.error(str(exc))
        lists = {watchlists.DEFAULT_NAME: watchlists.builtin_default()}
    with st.form("briefing_form"):
        left, right = st.columns(2)
        name = left.selectbox(
            "Watchlist",
            [*lists, CUSTOM],
            key="bp_watchlist",
            help="Saved in watchlists.toml in the data directory.",
        )
        picked = left.multiselect(
            "Assets (for 'Choose assets…')",
            watchlists.asset_choices(),
            default=["gold", "silver"],
            key="bp_assets",
        )
        past = right.toggle(
            "As of a past date",
            key="bp_past",
            help="Reproduce the briefing as it would have been written on that day.",
        )
        day = right.date_input(
            "As-of date", value=dt.date.today(), max_value=dt.date.today(), key="bp_as_of"
        )
        quotes = right.checkbox("Quote commentary", value=True, key="bp_quotes")
        pressed = st.form_submit_button("Generate briefing", type="primary")
    if not pressed:
        return None
    custom = name == CUSTOM
    return {
        "watchlist": None if custom else name,
        "assets": picked if custom else None,
        "as_of": day if past else None,
        "commentary": quotes,
    }


def run(settings: Settings, request: dict) -> None:
    """Generate with a progress bar; keep the result (and its HTML) in the session; archive it."""
    if request["as_of"] is not None:
        settings = replace(settings, as_of=request["as_of"])
    with st.status("Writing the briefing…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")
        try:
            briefing = generate(
                settings,
                request["assets"],
                watchlist=request["watchlist"],
                commentary=request["commentary"],
                knowledge=common.knowledge(
                    str(settings.home), settings.chroma_host, settings.chroma_port
                ),
                progress=lambda step, done: bar.progress(min(done, 1.0), text=step),
            )
        except InputError as exc:
            status.update(label="The briefing could not be written", state="error")
            st.error(str(exc))
            return
        bar.progress(1.0, text="Drawing the charts")
        figs = br.figures(briefing)
        page = br.to_html(briefing, figs)
        try:
            br.archive(briefing, settings.home)
        except br.OutputError as exc:
            st.warning(f"Not archived: {exc}")
        status.update(label="Briefing ready", state="complete", expanded=False)
    st.session_state[STATE] = {"briefing": briefing, "figures": figs, "html": page}


def show(entry: dict) -> None:
    """The briefing, section by section, with its charts under each section."""
    briefing, figs = entry["briefing"], entry["figures"]
    doc = briefing.document
    st.markdown(f"## {doc.title}")
    for block in doc.lead:
        st.markdown(block_markdown(block))
    for section in doc.sections:
        st.markdown(section_markdown(section, level=3))
        for i, (key, title, fig) in enumerate(figs):
            if key == section.key:
                st.plotly_chart(fig, key=f"bp_chart_{i}", config={"displaylogo": False})
                st.caption(title)
    stem = br.dated_stem(briefing)
    cols = st.columns(3)
    cols[0].download_button("Download Markdown", briefing.markdown, f"{stem}.md", "text/markdown")
    cols[1].download_button("Download HTML", entry["html"], f"{stem}.html", "text/html")
    cols[2].download_button(
        "Download JSON", br.to_json(briefing), f"{stem}.json", "application/json"
    )


def browse(settings: Settings) -> None:
    """Earlier briefings from the archive, newest first."""
    items = br.saved(settings.home)
    st.subheader("Earlier briefings")
    if not items:
        st.caption("None yet: generated briefings are kept in the data directory.")
        return
    stem = st.selectbox("Open", [s.stem for s in items], key="bp_saved")
    item = next(s for s in items if s.stem == stem)
    st.markdown(item.markdown.read_text(encoding="utf-8"))
    cols = st.columns(3)
    cols[0].download_button(
        "Markdown", item.markdown.read_bytes(), item.markdown.name, "text/markdown", key="bp_old_md"
    )
    for col, path, mime, label in (
        (cols[1], item.html, "text/html", "HTML with charts"),
        (cols[2], item.json, "application/json", "JSON"),
    ):
        if path is not None:
            col.download_button(
                label, path.read_bytes(), path.name, mime, key=f"bp_old_{path.suffix}"
            )


def save_watchlist(settings: Settings) -> None:
    with st.expander("Save a watchlist"):
        with st.form("bp_save_form"):
            name = st.text_input("Name", placeholder="metals")
            chosen = st.multiselect("Assets", watchlists.asset_choices(), key="bp_save_assets")
            if st.form_submit_button("Save"):
                try:
                    saved = watchlists.save(settings.home, name, chosen)
                    st.success(f"Saved {saved.name}: {', '.join(saved.assets)}.")
                except InputError as exc:
                    st.error(str(exc))


settings = current_settings()
st.title("Market briefing")
st.caption(
    f"Data source: {settings.data} · model: {settings.model} · every figure comes from the "
    "analysis tools and is checked for grounding."
)
request = choose(settings)
if request is not None:
    run(settings, request)
entry = st.session_state.get(STATE)
if entry:
    show(entry)
save_watchlist(settings)
browse(settings)
