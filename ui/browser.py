"""What the app does in the browser beyond Streamlit's widgets: its style sheet, the page icon,
the owner cookie and landing the view on a new answer.

One small inline script (``st.html`` with JavaScript allowed: the app's own constant code and
JSON data it writes itself, never user text; an inline script is what the app's Content Security
Policy permits, unlike the blob-loaded modules of ``st.components.v2``) does the two browser
jobs: it writes the owner id into a cookie that ``st.context.cookies`` reads back on the next
visit, and after an answer it scrolls the view to the start of that answer (Streamlit keeps a
chat stuck to its bottom, which would land a long answer's reader on its sources). It stops at
once when the reader scrolls or types. The script runs again only when its data changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

CSS = """
<style>
/* The new answer lands below the fixed header, not under it. */
[data-testid="stChatMessage"], [data-testid="stHeading"] { scroll-margin-top: 4.25rem; }
/* Phone widths: the page title clears the header. */
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 4.5rem; }
  h1 { font-size: 2rem !important; }
  h2 { font-size: 1.5rem !important; }  /* a briefing's heading stays below the page title */
}
/* Conversations in the sidebar: one row each (title, date, delete icon), titles flush left. */
.st-key-conversations .stHorizontalBlock { flex-wrap: nowrap; }
.st-key-conversations [class*="st-key-open-"] { flex: 1 1 0; min-width: 0; }
.st-key-conversations [class*="st-key-open-"] .stButton,
.st-key-conversations [class*="st-key-open-"] button { width: 100%; }
.st-key-conversations [class*="st-key-open-"] button {
  justify-content: flex-start; padding-left: 0.5rem; }
.st-key-conversations [class*="st-key-open-"] button > div,
.st-key-conversations [class*="st-key-open-"] button [data-testid="stMarkdownContainer"] {
  justify-content: flex-start; flex: 1 1 auto; min-width: 0; text-align: left; }
.st-key-conversations [class*="st-key-open-"] button p {
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: left; }
.st-key-conversations [data-testid="stCaptionContainer"] { white-space: nowrap; }
/* Tables of figures: dates and numbers never wrap inside a cell. */
[data-testid="stMarkdownContainer"] td, [data-testid="stTable"] td { white-space: nowrap; }
[data-testid="stMarkdownContainer"] table { display: block; overflow-x: auto; }
/* Earlier turns stay crisp while a new answer streams (they are redrawn after it, unchanged);
   their follow-up buttons go at once: a new question makes them out of date. */
.st-key-history [data-stale="true"] { opacity: 1 !important; }
.st-key-history [class*="-followups"] [data-stale="true"] { display: none; }
/* The grounding line wraps rather than being cut off. */
[class*="-grounding-note"] [data-testid="stCaptionContainer"] { white-space: normal; }
/* The browser helper draws nothing. */
.st-key-browser-helper { display: none; }
</style>
"""

JS = """
(function (d) {
  // Bring the target (the newest answer, or the page title) to the top of the view once the
  // page has stopped growing, and keep it there. Streamlit sticks a chat to its bottom while
  // content grows (charts draw late); a scroll made while nothing grows releases it, so this
  // waits for the height to hold still, scrolls, then nudges by a pixel. Stops once the target
  // has stayed in place for a second and a half, after 15 s at most, when a newer landing
  // starts, or at once when the reader scrolls, touches or types.
  function land(id, where) {
    const started = Date.now();
    let moved = false, settled = 0, still = started, height = -1;
    const stop = () => { moved = true; };
    for (const name of ["wheel", "touchmove", "keydown", "mousedown"]) {
      window.addEventListener(name, stop, { once: true, capture: true, passive: true });
    }
    const target = () => {
      if (where === "top") return document.querySelector('[data-testid="stHeading"]');
      const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
      return messages[messages.length - 1];
    };
    const tick = () => {
      const now = Date.now();
      if (moved || now - started > 15000 || window.__marketAssistantLanded !== id) return;
      const box = document.querySelector('[data-testid="stAppScrollToBottomContainer"]');
      const busy = document.querySelector('[data-testid="stStatusWidget"]');
      const grown = box ? box.scrollHeight : 0;
      if (grown !== height || busy) { height = grown; still = now; }
      const el = target();
      if (el && now - still >= 300) {
        const header = document.querySelector('[data-testid="stHeader"]');
        const below = header ? header.getBoundingClientRect().bottom : 0;
        const top = el.getBoundingClientRect().top;
        if (top < below - 2 || top > below + 48) {
          el.scrollIntoView({ block: "start" });
          if (box) setTimeout(() => { box.scrollBy(0, 1); box.scrollBy(0, -1); }, 60);
          settled = 0;
        } else {
          settled = settled || now;
          if (now - settled > 1500) return;
        }
      }
      setTimeout(tick, 100);
    };
    requestAnimationFrame(tick);
  }

  if (d.owner) {
    const pair = `${d.cookie}=${d.owner}`;
    if (!document.cookie.split("; ").includes(pair)) {
      document.cookie = `${pair}; path=/; max-age=${d.max_age}; samesite=strict`;
    }
  }
  if (d.land && window.__marketAssistantLanded !== d.land) {
    window.__marketAssistantLanded = d.land;  // a newer landing ends the one before
    land(d.land, d.land.startsWith("top") ? "top" : "answer");
  }
})(__DATA__);
"""


def style() -> None:
    """The app's style sheet (goes to Streamlit's event area: it takes no room on the page)."""
    st.html(CSS)


def helper(owner: str | None = None, cookie: str = "", max_age: int = 0, land: str = "") -> None:
    """Run the browser helper: write the owner cookie; ``land`` names a view to land on once
    ("answer-KEY": the newest answer, "top-KEY": the page title)."""
    data = {"owner": owner, "cookie": cookie, "max_age": max_age, "land": land}
    # JSON is a JavaScript literal; "<" escaped so nothing in it could close the script tag.
    script = JS.replace("__DATA__", json.dumps(data).replace("<", "\\u003c"))
    with st.container(key="browser-helper"):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
