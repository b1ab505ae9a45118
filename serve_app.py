"""The app as ``make run`` serves it: ``streamlit_app.py`` behind the security headers.

``streamlit run serve_app.py`` finds :data:`app` (an ``st.App``) and serves it with uvicorn:
the same pages as ``streamlit run streamlit_app.py``, with every response carrying the
Content Security Policy and the framing headers of ``assistant.app.headers``, because Streamlit
has no setting for response headers; and with pages that open cleanly by their own address
(``/briefing``: see ``DirectLinks``).
"""

from pathlib import Path

import streamlit as st

from assistant.app.headers import middleware

app = st.App(
    Path(__file__).resolve().with_name("streamlit_app.py"),
    middleware=middleware(st.get_option("server.baseUrlPath") or ""),
)
