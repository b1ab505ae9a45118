"""A local OpenAI-compatible server for tests: real HTTP on loopback, scripted responses.

Each request to ``/v1/chat/completions`` takes the next step of the script:

- ``{"text": "..."}``: an assistant message (streamed as SSE when the client asks to stream);
- ``{"tool_calls": [{"name": ..., "args": {...}}]}``: tool calls (streamed as chunks);
- ``{"status": 429, "headers": {"Retry-After": "0"}}`` (or 401, 500...): an error response;
- ``{"delay": seconds, ...}``: wait before answering (for timeouts);
- ``{"raw": "..."}``: a malformed body; ``{"truncate": True, "text": ...}``: a stream cut short;
- ``{"text": ..., "finish_reason": "length"}``: a reply the server stopped at max_tokens;
- ``{"replay": PATH}``: a recorded reply played back byte for byte (SSE lines, keep-alive
  comments included, or a JSON body); ``"pace"`` seconds between its events;
- ``{"keepalive": seconds, ...}``: SSE keep-alive comments every ``"every"`` seconds first (a
  server reading a long prompt), then the step as usual; ``"stall"``: seconds of silence after
  the first words of a streamed reply;
- a function of the request body returning one of the above.

``requests`` records every request body for assertions; ``disconnects`` counts streams the
client closed before the end (what a server sees when a turn is cancelled). ``GET /v1/models``
lists ``models``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class StubOpenAI:
    def __init__(self, script: list[dict] | None = None, models: list[str] | None = None):
        self.script: list[dict] = list(script or [])
        self.models: list[str] = list(models if models is not None else ["stub-model"])
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.disconnects = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> StubOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def push(self, *steps: dict) -> None:
        with self._lock:
            self.script.extend(steps)

    def _next(self) -> dict:
        with self._lock:
            return self.script.pop(0) if self.script else {"text": "(stub: script exhausted)"}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):  # noqa: N802 - http.server naming
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": m, "object": "model", "owned_by": "stub"} for m in stub.models]
                    return self._send_json(200, {"object": "list", "data": data})
                return self._send_json(404, {"error": {"message": "not found"}})

            def do_POST(self):  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub._lock:
                    stub.requests.append(body)
                    stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                step = stub._next()
                if callable(step):  # a step may depend on the request (e.g. echo a tool result)
                    step = step(body)
                if step.get("delay"):
                    time.sleep(step["delay"])
                if "replay" in step:
                    return self._replay(step)
                status = step.get("status", 200)
                if status != 200:
                    return self._send_json(
                        status,
                        {
                            "error": {
                                "message": step.get("message", f"stub error {status}"),
                                "type": "stub_error",
                                "code": str(status),
                            }
                        },
                        step.get("headers", {}),
                    )
                if "raw" in step:
                    return self._send_raw(step["raw"], "application/json")
                if body.get("stream"):
                    return self._stream(body, step)
                return self._send_json(200, _completion(body, step))

            def _send_json(self, status, obj, headers=None):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _send_raw(self, text, ctype):
                data = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _sse_headers(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True

            def _write(self, data: bytes) -> bool:
                """False once the client has gone (it closed the stream)."""
                try:
                    self.wfile.write(data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, OSError):
                    with stub._lock:
                        stub.disconnects += 1
                    return False
                return True

            def _stream(self, body, step):
                self._sse_headers()
                if not self._keepalive(step):
                    return
                chunks = list(_chunks(body, step))
                if step.get("truncate"):
                    chunks = chunks[: max(1, len(chunks) // 2)]
                for i, chunk in enumerate(chunks):
                    if not self._write(f"data: {json.dumps(chunk)}\n\n".encode()):
                        return
                    time.sleep(step.get("stall", 0) if i == 1 else step.get("pace", 0))
                if not step.get("truncate"):
                    self._write(b"data: [DONE]\n\n")

            def _keepalive(self, step) -> bool:
                until = time.monotonic() + step.get("keepalive", 0)
                while time.monotonic() < until:
                    if not self._write(b": keep-alive\n\n"):
                        return False
                    time.sleep(step.get("every", 0.2))
                return True

            def _replay(self, step):
                text = Path(step["replay"]).read_text(encoding="utf-8")
                if not text.lstrip().startswith(("data:", ":")):
                    return self._send_raw(text, "application/json")
                self._sse_headers()
                for event in re.split(r"\n\n+", text.strip()):
                    if not self._write(event.encode() + b"\n\n"):
                        return
                    time.sleep(step.get("pace", 0))

        return Handler


def _calls(step: dict) -> list[dict]:
    return [
        {
            "id": c.get("id", f"call_{i}"),
            "type": "function",
            "function": {"name": c["name"], "arguments": json.dumps(c.get("args", {}))},
        }
        for i, c in enumerate(step.get("tool_calls", []))
    ]


def _completion(body: dict, step: dict) -> dict:
    calls = _calls(step)
    message = {"role": "assistant", "content": step.get("text") if not calls else step.get("text")}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(step, calls)}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _chunks(body: dict, step: dict):
    base = {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
    }
    yield {
        **base,
        "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        ],
    }
    text = step.get("text") or ""
    words = text.split(" ")
    for i, word in enumerate(words):
        piece = word + " " if i < len(words) - 1 else word
        yield {
            **base,
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
    for i, call in enumerate(_calls(step)):
        args = call["function"]["arguments"]
        half = len(args) // 2
        yield {
            **base,
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {
                                "index": i,
                                "id": call["id"],
                                "type": "function",
                                "function": {
                                    "name": call["function"]["name"],
                                    "arguments": args[:half],
                                },
                            }
                        ]
                    },
                    "finish_reason": None,
                }
            ],
        }
        yield {
            **base,
            "choices": [
                {
                    "index": 0,
                    "delta": {"tool_calls": [{"index": i, "function": {"arguments": args[half:]}}]},
                    "finish_reason": None,
                }
            ],
        }
    finish = _finish(step, step.get("tool_calls"))
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
    if (body.get("stream_options") or {}).get("include_usage"):
        usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        yield {**base, "choices": [], "usage": usage}


def _finish(step: dict, calls) -> str:
    return step.get("finish_reason") or ("tool_calls" if calls else "stop")
