"""The Briefing page: choose a watchlist (or assets), generate with progress, read the briefing
section by section with its charts, download it as Markdown, HTML or JSON, and open earlier ones.

The page only displays what :mod:`assistant.briefing.pipeline` computes. The as-of date is the
sidebar's, the one date control of the app. Briefings are archived in the data directory
(``briefings/``); the list of earlier ones leaves out the one on screen, so each briefing shows
once. Text reaches the page only through ``st.markdown`` without HTML (the briefing's Markdown
escapes quoted commentary).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import streamlit as st

from assistant.app.citations import demote_headings
from assistant.app.labels import asset_title
from assistant.briefing import render as br
from assistant.briefing import watchlists
from assistant.briefing.doc import block_markdown, section_markdown
from assistant.briefing.pipeline import generate
from assistant.config import Settings
from assistant.failures import InputError
from ui import common

CUSTOM = "Choose assets…"
STEM = re.compile(r"briefing-\d{4}-\d{2}-\d{2}-asof-(\d{4}-\d{2}-\d{2})")
STATE = "briefing_page"


def current_settings() -> Settings:
    """The app's settings when the sidebar has stored them, else the environment's."""
    found = st.session_state.get("settings")
    return found if isinstance(found, Settings) else Settings.from_env()


def choose(settings: Settings) -> dict | None:
    """The choices; returns the request when Generate is pressed."""
    try:
        lists = watchlists.load(settings.home)
    except InputError as exc:
        st.error(str(exc))
        lists = {watchlists.DEFAULT_NAME: watchlists.builtin_default()}
    name = st.selectbox(
        "Watchlist",
        [*lists, CUSTOM],
        key="bp_watchlist",
        help="Saved in watchlists.toml in the data directory.",
    )
    custom = name == CUSTOM
    if custom:
        picked = st.multiselect(
            "Assets",
            watchlists.asset_choices(),
            key="bp_assets",
            placeholder="Choose one or more assets",
        )
    else:
        picked = []
        st.caption(f"Assets: {', '.join(asset_title(a) for a in lists[name].assets)}")
    when = settings.as_of.isoformat() if settings.as_of else "the latest data"
    st.caption(f"As of {when} (set in the sidebar).")
    quotes = st.checkbox("Quote commentary", value=True, key="bp_quotes")
    pressed = st.button(
        "Generate briefing", type="primary", key="bp_generate", disabled=custom and not picked
    )
    if not pressed:
        return None
    return {
        "watchlist": None if custom else name,
        "assets": picked if custom else None,
        "commentary": quotes,
    }


def run(settings: Settings, request: dict) -> None:
    """Generate with a progress bar; keep the result (and its HTML) in the session; archive it."""
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
        stem = br.dated_stem(briefing)
        try:
            stem = br.archive(briefing, settings.home)["md"].stem
        except br.OutputError as exc:
            st.warning(f"Not archived: {exc}")
        status.update(label="Briefing ready", state="complete", expanded=False)
    st.session_state[STATE] = {"briefing": briefing, "figures": figs, "html": page, "stem": stem}


def wrap_title(fig, width: int = 38) -> None:
    """A long chart title on two lines, so a phone's narrow chart does not cut it off."""
    text = fig.layout.title.text or ""
    if len(text) <= width or "<br>" in text:
        return
    cut = text.rfind(" ", 0, width)
    if cut > 0:
        fig.update_layout(title_text=text[:cut] + "<br>" + text[cut + 1 :], margin_t=80)


def show(entry: dict) -> None:
    """The briefing, section by section, with its charts under each section."""
    briefing, figs = entry["briefing"], entry["figures"]
    doc = briefing.document
    with st.container(key="briefing"):
        st.header(doc.title, anchor=False)
        for block in doc.lead:
            st.markdown(block_markdown(block))
        for section in doc.sections:
            st.markdown(section_markdown(section, level=3))
            for i, (key, title, fig) in enumerate(figs):
                if key == section.key:
                    wrap_title(fig)
                    st.plotly_chart(fig, key=f"bp_chart_{i}", config={"displaylogo": False})
                    st.caption(title)
    stem = br.dated_stem(briefing)
    cols = st.columns(3)
    cols[0].download_button("Download Markdown", briefing.markdown, f"{stem}.md", "text/markdown")
    cols[1].download_button("Download HTML", entry["html"], f"{stem}.html", "text/html")
    cols[2].download_button(
        "Download JSON", br.to_json(briefing), f"{stem}.json", "application/json"
    )


def saved_label(item) -> str:
    """'Dec 2, 03:19 · data as of 2026-08-21 · default: Gold, Silver, Bitcoin' for the list."""
    written = dt.datetime.fromtimestamp(item.markdown.stat().st_mtime)
    parts = [f"{written:%b} {written.day}, {written:%H:%M}"]
    try:
        data = json.loads(item.json.read_text(encoding="utf-8")) if item.json else {}
    except (OSError, ValueError):
        data = {}
    match = STEM.match(item.stem)
    as_of = data.get("as_of") or (match.group(1) if match else None)
    if as_of:
        parts.append(f"data as of {as_of}")
    assets = ", ".join(asset_title(a) for a in data.get("assets") or [])
    if data.get("watchlist") and assets:
        parts.append(f"{data['watchlist']}: {assets}")
    elif assets or data.get("watchlist"):
        parts.append(assets or str(data["watchlist"]))
    return " · ".join(parts)


def browse(settings: Settings, showing: str | None) -> None:
    """Earlier briefings from the archive, newest first (not the one shown above)."""
    items = [s for s in br.saved(settings.home) if s.stem != showing]
    st.subheader("Earlier briefings", anchor=False)
    if not items:
        st.caption(
            "None before this one: each briefing you generate is kept in the data directory "
            "and listed here."
            if showing
            else "None yet: generated briefings are kept in the data directory."
        )
        return
    labels = {s.stem: saved_label(s) for s in items}
    stem = st.selectbox(
        "Open",
        list(labels),
        format_func=labels.get,
        index=None,
        placeholder="Choose an earlier briefing…",
        key="bp_saved",
    )
    item = next((s for s in items if s.stem == stem), None)
    if item is None:
        return
    with st.container(key="earlier-briefing", border=True):
        st.markdown(demote_headings(item.markdown.read_text(encoding="utf-8"), top=3))
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
st.title(":material/summarize: Market briefing", anchor=False)
st.caption(
    f"Data source: {settings.data} · model: {settings.model} · every figure comes from the "
    "analysis tools and is checked for grounding."
)
request = choose(settings)
if request is not None:
    st.session_state.pop("bp_saved", None)  # the new briefing replaces an opened earlier one
    run(settings, request)
entry = st.session_state.get(STATE)
if entry:
    show(entry)
save_watchlist(settings)
browse(settings, entry["stem"] if entry else None)
