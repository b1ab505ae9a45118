"""The app as an ASGI application with its security headers: what ``make run`` serves.

``streamlit run ui/server.py`` finds :data:`app` and serves it with uvicorn: the same pages as
``streamlit run streamlit_app.py``, with every response carrying the Content Security Policy
and framing headers of ``assistant.app.headers`` (Streamlit has no setting for headers).
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from assistant.app.headers import SecurityHeaders

app = st.App(
    Path(__file__).resolve().parents[1] / "streamlit_app.py",
    middleware=[Middleware(SecurityHeaders)],
)
