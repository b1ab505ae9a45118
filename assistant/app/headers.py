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


# Paths of the server's own endpoints and files, never a page (relative to the base path).
_NOT_PAGES = ("_stcore", "static", "media", "component", "app", "favicon")
_BASE = (
    b"<script>window.__streamlit=Object.assign({},window.__streamlit,"
    b"{BACKEND_BASE_URL:%s})</script>"
)


class DirectLinks:
    """ASGI middleware: a page opened by its own address (``/briefing``) finds the server at once.

    Streamlit's page tries the server first under the page's path (``/briefing/_stcore/health``
    and ``…/host-config``, two 404 errors in the console) and only then under the root, unless
    ``window.__streamlit.BACKEND_BASE_URL`` names the server. This writes that setting into the
    page's HTML (an inline script, which the policy allows): the server's base path, read from
    Streamlit's ``server.baseUrlPath``. The page document is fetched uncompressed for that."""

    def __init__(self, app, base_path: str = ""):
        self.app = app
        self.base = "/" + base_path.strip("/") if base_path.strip("/") else ""
        origin_path = (self.base + "/").replace("\\", "").replace('"', "")
        self.script = _BASE % f'location.origin+"{origin_path}"'.encode()

    def _page(self, path: str) -> bool:
        if not path.startswith(self.base + "/"):
            return False
        parts = path[len(self.base) + 1 :].split("/")
        return "." not in parts[-1] and not set(parts) & set(_NOT_PAGES)

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        if not self._page(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            html = any(k.lower() == b"content-type" and b"text/html" in v for k, v in kept)
            if html and b"<head>" in body:
                body = body.replace(b"<head>", b"<head>" + self.script, 1)
            kept.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": kept})
            await send({"type": "http.response.body", "body": body})

        await self.app({**scope, "headers": headers}, receive, rewrite)


def middleware(base_path: str = "") -> list:
    """The middleware list for ``st.App``: :class:`SecurityHeaders` first, then
    :class:`DirectLinks` for a server under ``base_path``."""
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders), Middleware(DirectLinks, base_path=base_path)]
