"""A wall-clock deadline for a whole turn, enforced where the bytes arrive.

The client's own timeout measures the silence between bytes, and a server such as llama.cpp
sends keep-alive lines while it reads a long prompt, so a request can run for ever without one
read ever timing out. The agent sets the turn's deadline (:func:`deadline_scope`) around each
model call; :class:`DeadlineTransport`, the HTTP transport of the OpenAI client, then

- gives every connect, write and read of the headers no more time than the turn has left;
- checks the clock on every chunk of a streamed body, keep-alives included, and closes the
  connection once the deadline has passed (the server sees the disconnect and stops generating);
- shuts the socket down at the deadline when the body stalls (a read's timeout is fixed when
  the body starts, so a silent server could otherwise hold a read past the deadline);
- refuses a retry that could not finish in time: a 429 or 5xx whose Retry-After (or the
  client's longest back-off) is longer than what is left ends the turn now instead of sleeping
  past its end.

:class:`DeadlineExceeded` is an ``OpenAIError``, which the OpenAI client passes on without
retrying or wrapping.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

import httpx2
from openai import OpenAIError

MAX_BACKOFF_S = 8.0  # the OpenAI client's longest back-off between retries
MAX_RETRY_AFTER_S = 60.0  # the longest Retry-After the OpenAI client honours
RETRYABLE = frozenset({408, 409, 429})
_DEADLINE: ContextVar[float | None] = ContextVar("market_assistant_turn_deadline", default=None)


class TurnStopped(OpenAIError):
    """A turn stopped by one of its bounds; ``message`` says what happened and what to do."""

    kind = "limit"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DeadlineExceeded(TurnStopped):
    kind = "deadline"


class RepetitionStopped(TurnStopped):
    kind = "repetition"


def deadline_message(seconds: float) -> str:
    return (
        f"The answer took longer than this turn's limit of {seconds:g} s and was stopped. "
        "Ask a narrower question, try a faster model, or raise MARKET_ASSISTANT_TURN_TIMEOUT."
    )


@contextlib.contextmanager
def deadline_scope(deadline: float | None) -> Iterator[None]:
    """Model calls made inside this block end by ``deadline`` (a ``time.monotonic()`` value)."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float | None:
    return _DEADLINE.get()


def check_deadline(deadline: float | None, turn_s: float) -> None:
    """Raise :class:`DeadlineExceeded` when ``deadline`` has passed."""
    if deadline is not None and time.monotonic() >= deadline:
        raise DeadlineExceeded(deadline_message(turn_s))


def run_by(deadline: float | None, turn_s: float, work: Callable[[], object]):
    """``work()``, or :class:`DeadlineExceeded` when it is not done by ``deadline``.

    A tool cannot be interrupted, so it runs in a thread of its own that the turn stops waiting
    for; its result is dropped. The tools only read (prices through the cache, the library), so
    one finishing unseen changes nothing.
    """
    if deadline is None:
        return work()
    context = contextvars.copy_context()  # LangChain's run configuration travels in it
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = context.run(work)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="market-assistant-tool", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise DeadlineExceeded(deadline_message(turn_s))
    if "error" in box:
        raise box["error"]
    return box["value"]


class DeadlineTransport(httpx2.BaseTransport):
    """An HTTP transport that holds every request to the turn's deadline (when one is set)."""

    def __init__(self, turn_s: float, max_retries: int, inner: httpx2.BaseTransport | None = None):
        self.turn_s = turn_s
        self.max_retries = max_retries
        self.inner = inner or httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        deadline = _DEADLINE.get()
        if deadline is None:
            return self.inner.handle_request(request)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(deadline_message(self.turn_s))
        timeout = dict(request.extensions.get("timeout") or {})
        for key in ("connect", "read", "write", "pool"):
            timeout[key] = min(timeout.get(key) or remaining, remaining)
        request.extensions["timeout"] = timeout
        will_retry = _retry_count(request) < self.max_retries
        try:
            response = self.inner.handle_request(request)
        except httpx2.TransportError as exc:
            left = deadline - time.monotonic()
            if left <= 0 or (will_retry and left <= MAX_BACKOFF_S):
                raise DeadlineExceeded(deadline_message(self.turn_s)) from exc
            raise
        if will_retry and _retryable(response):
            wait = _retry_after(response)
            if wait >= deadline - time.monotonic():
                response.close()
                raise DeadlineExceeded(
                    f"The model API asked to retry after {wait:g} s (HTTP {response.status_code}),"
                    f" longer than this turn has left of its {self.turn_s:g} s. Ask again later."
                )
        return httpx2.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_DeadlineStream(response.stream, deadline, self.turn_s, _watchdog(response)),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


class _DeadlineStream(httpx2.SyncByteStream):
    """A response body that stops (and closes the connection) once the deadline has passed."""

    def __init__(self, inner, deadline: float, turn_s: float, watchdog=None):
        self.inner = inner
        self.deadline = deadline
        self.turn_s = turn_s
        self.watchdog = watchdog
        if watchdog is not None:
            watchdog.start(deadline)

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.inner:
                if time.monotonic() >= self.deadline:
                    raise DeadlineExceeded(deadline_message(self.turn_s))
                yield chunk
            if self.watchdog is not None:
                self.watchdog.cancel()  # read to the end: the connection may be reused
                if self.watchdog.fired:  # the end was the socket shut at the deadline
                    raise DeadlineExceeded(deadline_message(self.turn_s))
        except httpx2.TransportError as exc:  # the watchdog shut the socket at the deadline
            if time.monotonic() >= self.deadline:
                raise DeadlineExceeded(deadline_message(self.turn_s)) from exc
            raise
        except DeadlineExceeded:
            self.close()
            raise

    def close(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


class _Watchdog:
    """Shuts a connection's socket down at the deadline, which wakes a read blocked on it."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.timer: threading.Timer | None = None
        self.fired = False

    def start(self, deadline: float) -> None:
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        self.fired = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()


def _watchdog(response: httpx2.Response) -> _Watchdog | None:
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    return _Watchdog(sock) if isinstance(sock, socket.socket) else None


def bounded_client(turn_s: float, max_retries: int, timeout_s: float) -> httpx2.Client:
    """The HTTP client for an OpenAI-compatible model: the deadline transport, the timeout."""
    return httpx2.Client(
        transport=DeadlineTransport(turn_s, max_retries),
        timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        follow_redirects=True,
    )


def _retry_count(request: httpx2.Request) -> int:
    try:
        return int(request.headers.get("x-stainless-retry-count") or 0)
    except ValueError:
        return 0


def _retryable(response: httpx2.Response) -> bool:
    should = (response.headers.get("x-should-retry") or "").lower()
    if should in ("true", "false"):
        return should == "true"
    return response.status_code in RETRYABLE or response.status_code >= 500


def _retry_after(response: httpx2.Response) -> float:
    """How long the OpenAI client would sleep before retrying (at most)."""
    for header, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = response.headers.get(header)
        try:
            wait = float(raw) / scale if raw else None
        except ValueError:
            wait = None
        if wait is not None and 0 < wait <= MAX_RETRY_AFTER_S:
            return wait
    return MAX_BACKOFF_S
