"""Text from models and documents made safe to show with ``st.markdown``."""

from __future__ import annotations

import re

from assistant.safety import inert_markdown

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
