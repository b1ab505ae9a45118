"""A local OpenAI-compatible server for tests: real HTTP on loopback, scripted responses.

Each request to ``/v1/chat/completions`` takes the next step of the script:

- ``{"text": "..."}``: an assistant message (streamed as SSE when the client asks to stream);
- ``{"tool_calls": [{"name": ..., "args": {...}}]}``: tool calls (streamed as chunks);
- ``{"status": 429, "headers": {"Retry-After": "0"}}`` (or 401, 500...): an error response;
- ``{"delay": seconds, ...}``: wait before answering (for timeouts);
- ``{"raw": "..."}``: a malformed body; ``{"truncate": True, "text": ...}``: a stream cut short;
- a function of the request body returning one of the above.

``requests`` records every request body for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubOpenAI:
    def __init__(self, script: list[dict] | None = None):
        self.script: list[dict] = list(script or [])
        self.requests: list[dict] = []
        self.headers: list[dict] = []
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

            def _stream(self, body, step):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                chunks = list(_chunks(body, step))
                if step.get("truncate"):
                    chunks = chunks[: max(1, len(chunks) // 2)]
                for chunk in chunks:
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                if not step.get("truncate"):
                    self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

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
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
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
    for word in text.split(" "):
        piece = word + " " if word is not text.split(" ")[-1] else word
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
    finish = "tool_calls" if step.get("tool_calls") else "stop"
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
