"""The sidebar's settings: the model (with its request options and key), the data source and
the as-of date. Drawn by :func:`ui.common.start_run` on every page; the choices come back as one
:class:`~assistant.config.Settings`."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from assistant.app.folders import app_csv_folder
from assistant.config import Settings
from assistant.failures import InputError
from assistant.models import is_offline
from ui.text import safe_markdown

DATA_CHOICES = {
    "auto": "Yahoo Finance (demo data when offline)",
    "yfinance": "Yahoo Finance only",
    "demo": "Synthetic demo data",
    "csv": "My CSV folder",
}
MODEL_CHOICES = ("Offline analyst", "OpenAI-compatible API")


def settings_sidebar(run) -> Settings:
    """Draw the settings; ``run`` (this script run's state) gets the status slot and the
    refresh button's click."""
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
    run.status_slot = bar.container()
    refreshable = data in ("auto", "yfinance")
    run.refresh_clicked = bar.button(
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
