"""What the app needs outside Streamlit: a turn as shown and stored (``turn``), the data status
and refresh (``status``), and saving uploads (``uploads``)."""
