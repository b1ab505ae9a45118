"""The security headers every response of the app carries: a Content Security Policy and
framing, type-sniffing and referrer rules.

Streamlit has no setting for response headers, so :class:`SecurityHeaders` is a plain ASGI
middleware that the app's ASGI entry (``serve_app.py``, run by ``make run``) wraps around
Streamlit's own server through ``st.App(..., middleware=middleware())``. The policy lets the
page load scripts, styles, fonts and data only from the app itself; images only from the app
itself (and the ``data:``/``blob:`` images the page draws for its own charts and icons); no
plugin objects; no framing by other sites; forms and the base URL only to the app. A Markdown
image or beacon in a model answer or a quoted document is therefore neither fetched nor shown,
even if it got past the text cleaning.
"""

from __future__ import annotations

CSP = "; ".join(
    [
        "default-src 'self'",
        # Streamlit's page and plotly.js need inline styles and scripts, and plotly compiles
        # some functions at run time.
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


class SecurityHeaders:
    """ASGI middleware: add :data:`HEADERS` to every HTTP response (an existing header of the
    same name is replaced); WebSocket traffic passes untouched."""

    def __init__(self, app, headers: dict[str, str] | None = None):
        self.app = app
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in (headers or HEADERS).items()
        ]
        self._names = {name for name, _ in self.headers}

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message.get("type") == "http.response.start":
                kept = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in self._names
                ]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware() -> list:
    """The middleware list for ``st.App``: :class:`SecurityHeaders` first."""
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders)]
