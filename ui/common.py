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
import re
import threading
from pathlib import Path

import streamlit as st

from assistant.app import status as data_status
from assistant.app.folders import app_csv_folder
from assistant.config import Settings
from assistant.failures import InputError
from assistant.library import Library
from assistant.models import is_offline
from assistant.safety import inert_markdown

DATA_CHOICES = {
    "auto": "Yahoo Finance (demo data when offline)",
    "yfinance": "Yahoo Finance only",
    "demo": "Synthetic demo data",
    "csv": "My CSV folder",
}
MODEL_CHOICES = ("Offline analyst", "OpenAI-compatible API")
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
    """Once per offline assistant, after the first page is drawn: build the agent graph, load
    plotly and open an existing commentary library in the background, so the first question
    does not wait for imports."""
    bot = offline_assistant(data, as_of, home)
    base = Settings.from_env()
    handle = knowledge(home, base.chroma_host, base.chroma_port)

    def work() -> None:
        try:
            bot.graph()
            import plotly.graph_objects as go  # plotly loads its validators on the first figure

            go.Figure(go.Scatter(x=[0], y=[0])).add_hline(y=0).to_json()
            if (Path(home) / "chroma").is_dir():  # a first-time build waits for a question
                handle()
        except Exception:  # noqa: BLE001 - the real call reports any problem, in the chat
            pass

    thread = threading.Thread(target=work, name="market-assistant-warm-up", daemon=True)
    thread.start()
    return thread


# -- one script run -----------------------------------------------------------------------------
def start_run() -> Settings:
    """Draw the sidebar's settings, below a slot for the page's own controls."""
    _run.page_slot = st.sidebar.container()
    s = _settings_sidebar()
    _run.settings = s
    # The Briefing page (ui/briefing.py) reads the sidebar's choices from here. Session state is
    # this browser session's own memory, like the password field that holds the key anyway.
    st.session_state["settings"] = s
    return s


def settings() -> Settings:
    return _run.settings


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


def page_sidebar():
    """The sidebar area above the settings, for the current page's own controls."""
    return getattr(_run, "page_slot", None) or st.sidebar


def finish_run() -> None:
    """After the page: fill in the freshness badge and run a requested refresh.

    Done last because reading the data can mean a download, and the page should not wait.
    """
    s = _run.settings
    if is_offline(s.model):
        _warm_up(s.data, s.as_of, str(s.home))
    with _run.status_slot.container():
        try:
            prices = market(s.data, s.as_of, str(s.home))
        except Exception as exc:  # noqa: BLE001 - shown as a plain message
            st.badge("No data", icon=":material/database:", color="red")
            st.caption(safe_markdown(str(exc)))
            return
        if _run.refresh_clicked:
            bar = st.progress(0.0, text="Refreshing prices…")

            def progress(done: int, total: int, name: str) -> None:
                bar.progress(done / total, text=f"Refreshing {name}…" if done < total else "Done")

            report = data_status.refresh_prices(prices, progress)
            bar.empty()
            st.toast(report.summary(), icon=":material/sync:")
        status = data_status.data_status(prices)
        st.badge(
            status.badge,
            icon=":material/database:",
            color=BADGE_COLORS.get(status.freshness, "gray"),
        )
        st.caption(safe_markdown(status.detail))
        if status.notice:
            st.caption(safe_markdown(status.notice))
        if not status.refreshable:
            st.caption("Demo and CSV data are read from disk and need no refresh.")


def _settings_sidebar() -> Settings:
    base = Settings.from_env()
    model, base_url, key, options = _model_choice(base)
    bar = st.sidebar
    bar.markdown("**Data**")
    data = _data_choice(base.data)
    as_of = bar.date_input(
        "As of",
        value=base.as_of,
        max_value=dt.date.today(),
        key="as_of",
        format="YYYY-MM-DD",
        help="Answer as it would have been answered on this day. Empty: the latest data.",
    )
    _run.status_slot = bar.container()
    refreshable = data in ("auto", "yfinance")
    _run.refresh_clicked = bar.button(
        "Refresh data",
        icon=":material/sync:",
        key="refresh",
        disabled=not refreshable,
        help="Download the latest prices from Yahoo Finance."
        if refreshable
        else "Demo and CSV data need no refresh.",
    )
    return dataclasses.replace(
        base,
        model=model,
        openai_base_url=base_url,
        openai_api_key=key,
        data=data,
        as_of=as_of if isinstance(as_of, dt.date) else None,
        **options,
    )


def _model_choice(base: Settings) -> tuple[str, str | None, str | None, dict]:
    """The sidebar's model controls: (model id, base URL, API key, request options)."""
    bar = st.sidebar
    bar.markdown("**Model**")
    mode = bar.radio(
        "Model",
        MODEL_CHOICES,
        index=0 if is_offline(base.model) else 1,
        key="model_mode",
        label_visibility="collapsed",
        help="The offline analyst answers from the tools with templates: no key, no network.",
    )
    if mode != MODEL_CHOICES[1]:
        return "offline", None, None, {}
    default_id = base.model if not is_offline(base.model) else "openai:gpt-4.1-mini"
    model = bar.text_input(
        "Model id",
        value=default_id,
        key="model_id",
        help="openai:MODEL, or provider:MODEL for another installed LangChain provider;"
        " openai:auto is the one model the server at the base URL serves.",
    )
    base_url = bar.text_input(
        "Base URL (optional)",
        value=base.openai_base_url or "",
        key="base_url",
        placeholder="http://localhost:11434/v1",
        help="An OpenAI-compatible server: Ollama, vLLM, llama.cpp, LM Studio.",
    )
    typed = bar.text_input(
        "API key",
        type="password",
        key="api_key",
        placeholder="sk-…",
        help="Kept in this browser session only: never written to disk or logs.",
    )
    key, origin = _api_key(typed.strip(), base.openai_api_key)
    bar.caption(origin)
    return model.strip() or default_id, base_url.strip() or None, key, _request_options(base)


def _request_options(base: Settings) -> dict:
    """What every request carries and the turn's limits (defaults from the environment)."""
    from assistant.config import TOOL_CHOICES, Limits, RequestOptions

    r, lim = base.request, base.limits
    box = st.sidebar.expander("Request options")
    parallel = {"server default": None, "on": True, "off": False}
    request = RequestOptions(
        temperature=box.number_input("Temperature", 0.0, 2.0, float(r.temperature or 0), 0.1),
        max_tokens=int(box.number_input("Max tokens per call", 16, 131072, r.max_tokens or 1024)),
        tool_choice=box.selectbox("Tool choice", TOOL_CHOICES, TOOL_CHOICES.index(r.tool_choice)),
        parallel_tool_calls=parallel[
            box.selectbox(
                "Parallel tool calls",
                list(parallel),
                list(parallel.values()).index(r.parallel_tool_calls),
            )
        ],
        recheck=box.checkbox("Ask once to rewrite figures no tool gave", r.recheck, key="recheck"),
    )
    limits = Limits(
        timeout_s=box.number_input("Request timeout (s)", 1.0, 3600.0, float(lim.timeout_s)),
        turn_s=box.number_input("Turn time limit (s)", 5.0, 7200.0, float(lim.turn_s)),
        retries=int(box.number_input("Retries", 0, 10, lim.retries)),
        model_calls=int(box.number_input("Model calls per turn", 1, 50, lim.model_calls)),
        tool_calls=int(box.number_input("Tool calls per turn", 1, 100, lim.tool_calls)),
        question_chars=lim.question_chars,
    )
    return {"request": request, "limits": limits}


def _api_key(typed: str, from_env: str | None) -> tuple[str | None, str]:
    """The key to use and a caption saying where it came from (never the key itself)."""
    if typed:
        return typed, "Using the key entered above (this session only)."
    try:
        secret = st.secrets.get("OPENAI_API_KEY")
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        secret = None
    if secret:
        return str(secret), "Using OPENAI_API_KEY from Streamlit secrets."
    if from_env:
        return from_env, "Using OPENAI_API_KEY from the environment."
    return None, "No API key: enter one, set OPENAI_API_KEY, or give a base URL for a local server."


def _data_choice(default: str) -> str:
    kind = "csv" if default.lower().startswith("csv:") else default.lower()
    kind = kind if kind in DATA_CHOICES else "auto"
    options = list(DATA_CHOICES)
    choice = st.sidebar.selectbox(
        "Data source",
        options,
        index=options.index(kind),
        key="data_source",
        format_func=DATA_CHOICES.get,
        label_visibility="collapsed",
    )
    if choice != "csv":
        return choice
    folder = st.sidebar.text_input(
        "CSV folder",
        value=default[4:] if kind == "csv" else "",
        key="csv_dir",
        placeholder="/path/to/prices",
        help="One CSV per asset, named after it: silver.csv, gold.csv, btc.csv …",
    )
    if not folder.strip():
        return "demo"
    try:  # only folders under the configured roots: a visitor cannot probe server paths
        return f"csv:{app_csv_folder(folder, Settings.from_env())}"
    except InputError as exc:
        st.sidebar.caption(safe_markdown(str(exc)))
        return "demo"


# -- rendering helpers --------------------------------------------------------------------------
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)


def safe_markdown(text: str) -> str:
    """Model or document text made safe for ``st.markdown``.

    Angle brackets become entities so no HTML tag is ever interpreted (``<script>`` shows as
    text), and dollar signs are escaped so "$100 … $4,000" is not typeset as LaTeX. Code spans
    are left alone: Markdown shows their content literally anyway.
    """
    parts = _CODE.split(inert_markdown(str(text or "")))  # no live image, link or address
    for i in range(0, len(parts), 2):
        parts[i] = (
            parts[i]
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("$", "\\$")
        )
        # A quoted line ("> ...") lost its marker above; give it back.
        parts[i] = re.sub(r"(?m)^(\s{0,3})&gt;", r"\1>", parts[i])
    return "".join(parts)
