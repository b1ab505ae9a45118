"""What every page shares: the settings sidebar, the cached resources and the rendering helpers.

``streamlit_app.py`` calls :func:`start_run` before the page and :func:`finish_run` after it.
Widgets drawn there belong to the entry script, so their values survive page switches.
Pages read the result through :func:`settings`, :func:`assistant` and :func:`page_sidebar`.

Caching: everything that is the same for every user (conversation store, knowledge base,
market data, the offline assistant) is a global ``st.cache_resource``. An assistant for a
model that needs an API key is cached per session only, so no key ever sits in a shared cache.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import streamlit as st

from assistant.app import status as data_status
from assistant.config import Settings
from assistant.library import Library
from assistant.models import is_offline
from ui import sidebar
from ui.text import safe_markdown  # noqa: F401 - the pages call common.safe_markdown

BADGE_COLORS = {
    "live": "green",
    "cached": "blue",
    "stale": "orange",
    "csv": "violet",
    "synthetic": "orange",
    "unavailable": "red",
}
_run = threading.local()  # this script run's settings, assistant and sidebar slots


# -- cached resources -------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def conversation_store(home: str):
    from assistant.memory import open_store

    # PostgreSQL when MARKET_ASSISTANT_DATABASE_URL is set (replicas share it), else SQLite.
    return open_store(dataclasses.replace(Settings.from_env(), home=Path(home)))


@st.cache_resource(show_spinner=False)
def knowledge(home: str, host: str | None, port: int | None) -> Library:
    """The commentary library of a data directory (or server), opened once for every user."""
    return Library(home, host, port)


@st.cache_resource(show_spinner=False)
def market(data: str, as_of: dt.date | None, home: str):
    """Prices for one (source, as-of): loaded once, shared by every user and model."""
    return Settings(data=data, as_of=as_of, home=Path(home)).market()


def _shared_parts(s: Settings) -> dict:
    home = str(s.home)
    try:
        prices = market(s.data, s.as_of, home)
    except Exception:  # noqa: BLE001 - a bad source is reported by the assistant, in the chat
        prices = None
    return {
        "market": prices,
        "knowledge": knowledge(home, s.chroma_host, s.chroma_port),
        "checkpointer": conversation_store(home).checkpointer,
    }


@st.cache_resource(show_spinner=False)
def offline_assistant(data: str, as_of: dt.date | None, home: str):
    from assistant.runtime import make_assistant

    s = dataclasses.replace(
        Settings.from_env(),
        data=data,
        as_of=as_of,
        home=Path(home),
        model="offline",
        openai_api_key=None,
        openai_base_url=None,
    )
    return make_assistant(s, **_shared_parts(s))


@st.cache_resource(show_spinner=False, scope="session")
def model_assistant(
    model: str,
    base_url: str | None,
    api_key: str | None,
    data: str,
    as_of: dt.date | None,
    home: str,
    options: tuple = (),  # (RequestOptions, Limits) from the sidebar; () keeps the environment's
):
    """An assistant for an API model; per session, because it holds this user's key."""
    from assistant.runtime import make_assistant

    s = dataclasses.replace(
        Settings.from_env(),
        data=data,
        as_of=as_of,
        home=Path(home),
        model=model,
        openai_api_key=api_key,
        openai_base_url=base_url,
    )
    if options:
        s = dataclasses.replace(s, request=options[0], limits=options[1])
    return make_assistant(s, **_shared_parts(s))


@st.cache_resource(show_spinner=False)
def _warm_up(data: str, as_of: dt.date | None, home: str) -> threading.Thread:
    """Once per offline assistant, when the app starts: build the assistant (importing the agent
    libraries takes seconds on a loaded machine) and its graph, and load plotly, in the
    background, next to the library's preparation. The script run that starts it ends at once,
    so a question asked straight away is shown straight away."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    def work() -> None:
        try:
            offline_assistant(data, as_of, home).graph()
            import plotly.graph_objects as go  # plotly loads its validators on the first figure

            go.Figure(go.Scatter(x=[0], y=[0])).add_hline(y=0).to_json()
        except Exception:  # noqa: BLE001 - the real call reports any problem, in the chat
            pass

    thread = threading.Thread(target=work, name="market-assistant-warm-up", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx())  # the shared caches, without warnings
    thread.start()
    return thread


# -- one script run -----------------------------------------------------------------------------
def start_run() -> Settings:
    """Draw the sidebar's settings, below a slot for the page's own controls."""
    _run.page_slot = st.sidebar.container()
    s = sidebar.settings_sidebar(_run)
    _run.settings = s
    _run.status = None
    # The Briefing page (ui/briefing.py) reads the sidebar's choices from here. Session state is
    # this browser session's own memory, like the password field that holds the key anyway.
    st.session_state["settings"] = s
    return s


def settings() -> Settings:
    return _run.settings


def library():
    """The commentary library's warm-up (started by the first run; see ``ui/warmup.py``)."""
    from ui import warmup

    s = _run.settings
    handle = knowledge(str(s.home), s.chroma_host, s.chroma_port)
    return warmup.start(str(s.home), s.chroma_host, s.chroma_port, handle)


def assistant():
    """The assistant for the sidebar's settings (built on first use, then cached)."""
    s = _run.settings
    if is_offline(s.model):
        return offline_assistant(s.data, s.as_of, str(s.home))
    return model_assistant(
        s.model,
        s.openai_base_url,
        s.openai_api_key,
        s.data,
        s.as_of,
        str(s.home),
        (s.request, s.limits),
    )


def assistant_ready():
    """A check (callable from any thread, e.g. a fragment's rerun) that the assistant can be had
    without waiting (an API model's is built on first use)."""
    s = _run.settings
    if not is_offline(s.model):
        return lambda: True
    thread = _warm_up(s.data, s.as_of, str(s.home))
    return lambda: not thread.is_alive()


def warm_up() -> None:
    """Start preparing, in the background, what the first question needs: the commentary
    library and, for the offline analyst, the agent graph and plotly (once per app; the chat
    page calls this as soon as its input is on screen, every page after it is drawn)."""
    s = _run.settings
    library()
    if is_offline(s.model):
        _warm_up(s.data, s.as_of, str(s.home))


def page_sidebar():
    """The sidebar area above the settings, for the current page's own controls."""
    return getattr(_run, "page_slot", None) or st.sidebar


def freshness() -> data_status.DataStatus | None:
    """The freshness of the sidebar's data (read once per run); None when there is none."""
    if getattr(_run, "status", None) is None:
        s = _run.settings
        try:
            prices = market(s.data, s.as_of, str(s.home))
        except Exception as exc:  # noqa: BLE001 - shown as a plain message
            _run.status = data_status.DataStatus("unavailable", "No data", str(exc))
        else:
            _run.status = data_status.data_status(prices)
    return _run.status


def finish_run() -> None:
    """After the page: fill in the freshness badge and run a requested refresh.

    Done last because reading the data can mean a download, and the page should not wait.
    """
    s = _run.settings
    warm_up()
    with _run.status_slot.container():
        if _run.refresh_clicked:
            _refresh(market(s.data, s.as_of, str(s.home)))
        status = freshness()
        st.badge(
            status.badge,
            icon=":material/database:",
            color=BADGE_COLORS.get(status.freshness, "gray"),
        )
        st.caption(safe_markdown(status.detail))
        if status.notice:
            st.caption(safe_markdown(status.notice))
        if not status.refreshable and status.freshness != "unavailable":
            st.caption("Demo and CSV data are read from disk and need no refresh.")


def _refresh(prices) -> None:
    bar = st.progress(0.0, text="Refreshing prices…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / total, text=f"Refreshing {name}…" if done < total else "Done")

    report = data_status.refresh_prices(prices, progress)
    bar.empty()
    _run.status = None  # read again: the refresh changed it
    st.toast(report.summary(), icon=":material/sync:")
