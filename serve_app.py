"""The app as ``make run`` serves it: ``streamlit_app.py`` behind the security headers.

``streamlit run serve_app.py`` finds :data:`app` (an ``st.App``) and serves it with uvicorn:
the same pages as ``streamlit run streamlit_app.py``, with every response carrying the
Content Security Policy and the framing headers of ``assistant.app.headers``, because Streamlit
has no setting for response headers; and with pages that open cleanly by their own address
(``/briefing``: see ``DirectLinks``). It also starts importing the agent libraries in the
background as soon as the server starts, before anyone opens the page.
"""

import threading
from pathlib import Path

import streamlit as st

from assistant.app.headers import middleware


def _preload() -> None:
    """Import the agent libraries and draw one plotly figure while the server starts and waits
    for its first visitor: seconds on a loaded machine that the first question then saves."""
    try:
        import plotly.graph_objects as go

        import assistant.runtime  # noqa: F401 - langchain and langgraph

        go.Figure(go.Scatter(x=[0], y=[0])).add_hline(y=0).to_json()
    except Exception:  # noqa: BLE001 - the app imports them itself and reports any problem
        pass


threading.Thread(target=_preload, name="market-assistant-preload", daemon=True).start()

app = st.App(
    Path(__file__).resolve().with_name("streamlit_app.py"),
    middleware=middleware(st.get_option("server.baseUrlPath") or ""),
)
