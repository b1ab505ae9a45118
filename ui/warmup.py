"""Preparing the commentary library in the background when the app starts, and saying so.

The first run of the app starts a thread that opens the library (built from the shipped vectors
the first time, see ``knowledge/prebuilt.py``) and runs one search, which loads the embedding
model. The first question then does not wait for either. The welcome screen shows a line that
says whether the library is ready, polled while it is prepared.
"""

from __future__ import annotations

import threading
import time

import streamlit as st


class LibraryWarmUp:
    """The background preparation of one library; ``ready`` and ``error`` say how it went."""

    def __init__(self, handle):
        self.handle = handle
        self.error: str | None = None
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._work, name="library-warm-up", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        try:
            self.handle().search("warm up", k=1)
        except Exception as exc:  # noqa: BLE001 - the Knowledge page says what failed
            self.error = str(exc)

    @property
    def ready(self) -> bool:
        return not self.thread.is_alive()


@st.cache_resource(show_spinner=False)
def start(home: str, host: str | None, port: int | None, _handle) -> LibraryWarmUp:
    """Once per library (data directory or server), for every user."""
    return LibraryWarmUp(_handle)


@st.fragment(run_every=0.5)
def _poll(warm: LibraryWarmUp, others_ready) -> None:
    if warm.ready and others_ready():
        st.rerun()  # the whole page: it draws the finished state and stops polling
    what = "the commentary library" if not warm.ready else "the analyst"
    st.caption(
        f":material/hourglass_top: Preparing {what} ({time.monotonic() - warm.started:.0f} s)…"
    )


def progress(warm: LibraryWarmUp, others_ready=lambda: True) -> None:
    """A line saying whether the commentary library is ready (polled while it, and whatever
    ``others_ready`` waits for, is prepared)."""
    if not warm.ready or not others_ready():
        _poll(warm, others_ready)
    elif warm.error:
        st.caption(
            ":orange[:material/warning:] The commentary library is not available; "
            "the Knowledge page says why."
        )
    else:
        st.caption(":green[:material/check_circle:] Commentary library ready.")
