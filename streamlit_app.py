"""Market Assistant in the browser (placeholder page: data status)."""

import streamlit as st

from assistant.config import Settings

st.set_page_config(page_title="Market Assistant", page_icon="📈")
st.title("Market Assistant")
settings = Settings.from_env()
st.caption(f"Data source: {settings.data} · data directory: {settings.home}")
