"""One app replica for the replica tests and benchmark: the assistant's Python API behind a
small HTTP server on loopback, wired exactly as the app wires it.

    python tests/replica_worker.py READY_FILE

Settings come from the environment as for the app (``MARKET_ASSISTANT_HOME``,
``MARKET_ASSISTANT_DATABASE_URL``, ``CHROMA_HOST``/``CHROMA_PORT``, ``MARKET_ASSISTANT_DATA``).
The conversation store is ``open_store(settings)``, the library ``Library.from_settings``, and a
turn is stored as the Chat page stores it (``touch`` then ``add_turn`` of
``Turn.from_reply(...).to_record()``). When the server listens, its port is written to
READY_FILE. ``REPLICA_RETRY_SECONDS`` and ``REPLICA_LOCK_SECONDS`` shorten the store's waits.

POST JSON to:
- ``/ask`` ``{question, thread, owner, slow}``: one turn (``slow`` seconds of delay in every price
  lookup, after writing ``<home>/slow-started``, so a test can kill the replica mid-turn);
- ``/conversation`` ``{thread, owner}``: what ``?c=`` needs (index entry, turns, history);
- ``/ingest`` ``{paths}``, ``/search`` ``{query, k}``, ``/documents`` ``{}``: the library.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.app.turn import Turn  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.library import Library  # noqa: E402
from assistant.memory import open_store  # noqa: E402
from assistant.runtime import make_assistant  # noqa: E402
from tools.data import Market  # noqa: E402

_slow = {"seconds": 0.0}


class SlowMarket(Market):
    """A Market whose lookups can be slowed down, to be killed in the middle of a turn."""

    def __init__(self, source, as_of, marker: Path):
        super().__init__(source, as_of)
        self.marker = marker

    def series(self, name, refresh: bool = False):
        if _slow["seconds"]:
            self.marker.write_text(str(time.time()))
            time.sleep(_slow["seconds"])
        return super().series(name, refresh)


def build():
    settings = Settings.from_env()
    options = {}
    if os.environ.get("REPLICA_RETRY_SECONDS") and settings.database_url:
        options["retry_seconds"] = float(os.environ["REPLICA_RETRY_SECONDS"])
    if os.environ.get("REPLICA_LOCK_SECONDS"):
        options["lock_timeout"] = float(os.environ["REPLICA_LOCK_SECONDS"])
    store = open_store(settings, **options)
    library = Library.from_settings(settings)
    market = SlowMarket(settings.source(), settings.as_of, settings.home / "slow-started")
    bot = make_assistant(
        settings, checkpointer=store.checkpointer, knowledge=library, market=market
    )
    bot.graph()
    return settings, store, library, bot


def handle(path: str, body: dict, store, library, bot) -> dict:
    if path == "/ask":
        _slow["seconds"] = float(body.get("slow") or 0)
        thread, question, owner = body["thread"], body["question"], body.get("owner", "")
        started = time.perf_counter()
        reply = bot.ask(question, thread)
        turn = Turn.from_reply(question, reply, seconds=time.perf_counter() - started)
        store.touch(thread, question, owner)
        store.add_turn(thread, turn.to_record())
        return {
            "answer": reply.answer,
            "error": reply.error,
            "error_kind": reply.error_kind,
            "assets": sorted({str(c["args"].get("asset")) for c in reply.tool_calls}),
            "grounded": reply.grounding.ok,
            "pid": os.getpid(),
        }
    if path == "/conversation":
        thread, owner = body["thread"], body.get("owner")
        found = store.get(thread, owner)
        return {
            "conversation": vars(found) if found else None,
            "turns": store.turns(thread, owner),
            "history": bot.history(thread) if found else [],
        }
    if path == "/ingest":
        return library().ingest([Path(p) for p in body["paths"]]).to_dict()
    if path == "/search":
        hits = library().search(body["query"], k=int(body.get("k", 4)))
        return {"passages": [{"doc_id": p.doc_id, "text": p.text} for p in hits]}
    if path == "/documents":
        return {"documents": [vars(d) for d in library().documents()]}
    raise KeyError(path)


def main(ready_file: str) -> None:
    settings, store, library, bot = build()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802 - http.server naming
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            try:
                status, out = 200, handle(self.path, body, store, library, bot)
            except KeyError as exc:
                status, out = 404, {"error": f"unknown {exc}"}
            except Exception as exc:  # noqa: BLE001 - reported to the test as data
                status, out = 500, {"error": f"{type(exc).__name__}: {exc}"}
            data = json.dumps(out, default=str).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ready = Path(ready_file)
    ready.with_suffix(".tmp").write_text(str(server.server_address[1]))
    os.replace(ready.with_suffix(".tmp"), ready)  # the test sees the whole port or nothing
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1])
