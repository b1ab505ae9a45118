"""Market Assistant in the browser: ``streamlit run streamlit_app.py``.

The entry script draws what every page shares (navigation, the model and data settings, the
freshness badge) and runs the chosen page from ``ui/``. The Briefing page joins the menu when
``ui/briefing.py`` exists.
"""

from pathlib import Path

import streamlit as st

from ui import browser, common

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Market Assistant",
    page_icon=browser.ICON,  # a local file: no icon is fetched from a font host
    layout="centered",
    menu_items={
        "About": "Market Assistant: grounded answers about prices, breakouts and "
        "lead/lag, with cited commentary. Runs offline."
    },
)

pages = [st.Page("ui/chat.py", title="Chat", icon=":material/chat:", default=True)]
if (HERE / "ui" / "briefing.py").exists():
    pages.append(st.Page("ui/briefing.py", title="Briefing", icon=":material/summarize:"))
pages.append(st.Page("ui/knowledge.py", title="Knowledge", icon=":material/library_books:"))
page = st.navigation(pages)

browser.style()
common.start_run()
page.run()
common.finish_run()
