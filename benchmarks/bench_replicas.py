"""Replicas: what PostgreSQL costs per turn, and what a second replica adds.

- One offline turn with the PostgreSQL checkpointer against the same turn with SQLite, in one
  process, on loopback (budget: at most 20 ms more at the median).
- Answers per second of two replica processes against one, on one shared PostgreSQL, driven by
  the same 16 concurrent conversations (budget: at least 1.8 times). Each replica is
  tests/replica_worker.py, run as a program (the assistant wired as the app wires it).

PostgreSQL: ``MARKET_ASSISTANT_TEST_DATABASE_URL`` when set (CI exports it), else a throw-away
cluster started here when ``initdb`` is installed; without either the rows say so.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from benchmarks.harness import Row

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "replica_worker.py"
SECONDS = float(os.environ.get("BENCH_REPLICA_SECONDS", "20"))
CLIENTS = 16
ASSETS = ("silver", "gold", "bitcoin", "copper", "crude", "platinum", "nasdaq", "sp500")


@contextlib.contextmanager
def postgres():
    """A server URL (maintenance database), from CI or a cluster of our own."""
    url = os.environ.get("MARKET_ASSISTANT_TEST_DATABASE_URL")
    if url:
        yield url
        return
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or (
        [Path(shutil.which("initdb"))] if shutil.which("initdb") else []
    )
    if not found:
        yield None
        return
    bin_dir, root = found[-1].parent, Path(tempfile.mkdtemp(prefix="bench-pg-"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data, log = root / "data", root / "server.log"

    def run(*args):
        subprocess.run(as_user + [str(bin_dir / args[0]), *args[1:]], check=True,
                       capture_output=True)  # fmt: skip

    run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "--locale=C")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server: str) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}"


def turn_p50(checkpointer, market) -> float:
    from assistant.agent import Assistant
    from assistant.config import Settings

    bot = Assistant(Settings(data="demo"), checkpointer=checkpointer, market=market)
    for asset in ASSETS:  # warm: graph, series, first writes
        bot.ask(f"How much is {asset}?", f"warm-{asset}")
    times = []
    for i in range(20):
        thread = f"t{i}-{uuid.uuid4().hex[:6]}"
        for question in (f"How much is {ASSETS[i % len(ASSETS)]}?", "and over 3 months?"):
            started = time.perf_counter()
            reply = bot.ask(question, thread)
            times.append(time.perf_counter() - started)
            assert reply.error is None, reply.error
    return statistics.median(times)


def checkpointer_rows(server: str) -> list[Row]:
    from assistant.config import Settings
    from assistant.memory import ConversationStore
    from assistant.memory_pg import PgConversationStore

    home = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    market = Settings(data="demo", home=home).market()
    sqlite = ConversationStore(home / "conversations.sqlite")
    pg = PgConversationStore(fresh_database(server))
    rounds = [(turn_p50(sqlite.checkpointer, market), turn_p50(pg.checkpointer, market))]
    rounds.append((turn_p50(sqlite.checkpointer, market), turn_p50(pg.checkpointer, market)))
    base = statistics.median(r[0] for r in rounds)
    with_pg = statistics.median(r[1] for r in rounds)
    pg.close()
    return [
        Row(
            "offline turn, PostgreSQL checkpointer (p50)",
            with_pg,
            "the same turn, SQLite (p50)",
            base,
            budget_seconds=base + 0.020,
            note=f"PostgreSQL adds {(with_pg - base) * 1000:.1f} ms per turn (budget 20 ms).",
        )
    ]


def start_replicas(n: int, url: str, root: Path) -> list[tuple[subprocess.Popen, int]]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("MARKET_ASSISTANT_", "CHROMA_"))
    }
    env.update(MARKET_ASSISTANT_DATA="demo", MARKET_ASSISTANT_DATABASE_URL=url)
    procs = []
    for i in range(n):
        home = root / f"replica-{i}"
        home.mkdir(parents=True)
        ready = home / "replica.ready"
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(ready)],
            cwd=ROOT,
            env={**env, "MARKET_ASSISTANT_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append((proc, ready))
    started = []
    for proc, ready in procs:
        deadline = time.monotonic() + 180
        while not ready.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("a replica did not start")
            time.sleep(0.1)
        started.append((proc, int(ready.read_text())))
    return started


def ask(port: int, question: str, thread: str) -> dict:
    body = json.dumps({"question": question, "thread": thread, "owner": "bench"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/ask", data=body)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def throughput(ports: list[int], seconds: float) -> tuple[float, int]:
    """Answers per second from CLIENTS concurrent conversations, each turn to a random replica."""
    for i, port in enumerate(ports):  # warm each replica
        ask(port, "How much is silver?", f"warm-{i}-{uuid.uuid4().hex[:6]}")
    stop = threading.Event()
    counts, errors = [0] * CLIENTS, []

    def client(n: int) -> None:
        rng = random.Random(n)
        while not stop.is_set():
            thread = f"bench-{n}-{uuid.uuid4().hex[:8]}"
            for question in (f"How much is {ASSETS[n % len(ASSETS)]}?", "and over 3 months?"):
                reply = ask(rng.choice(ports), question, thread)
                if reply.get("error"):
                    errors.append(reply["error"])
                counts[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(120)
    return sum(counts) / (time.perf_counter() - started), len(errors)


SPIN = (
    "import sys, time\n"
    "n, end = 0, time.monotonic() + float(sys.argv[1])\n"
    "while time.monotonic() < end:\n"
    "    n += 1\n"
    "print(n)"
)


def cpu_ceiling(seconds: float = 2.0) -> float:
    """How much two busy processes get done together relative to one, right now: the most a
    second replica could add on this machine (other users' work competes for the cores)."""

    def spin(n: int) -> int:
        procs = [
            subprocess.Popen([sys.executable, "-c", SPIN, str(seconds)], stdout=subprocess.PIPE)
            for _ in range(n)
        ]
        return sum(int(p.communicate()[0]) for p in procs)

    done = {1: [], 2: []}
    for n in (1, 2, 2, 1):  # alternated, as the replica rounds are
        done[n].append(spin(n))
    return sum(done[2]) / sum(done[1])


def replica_rows(server: str) -> list[Row]:
    """Two replicas started once; rounds alternate between sending every turn to the first
    only and spreading turns over both, so a change in the machine's load hits both sides."""
    root = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    replicas = start_replicas(2, fresh_database(server), root)
    ports = [port for _, port in replicas]
    rates: dict[int, list[float]] = {1: [], 2: []}
    errors = 0
    ceiling = cpu_ceiling()
    try:
        for n in (1, 2, 2, 1):
            rate, failed = throughput(ports[:n], SECONDS / 2)
            rates[n].append(rate)
            errors += failed
    finally:
        for proc, _ in replicas:
            proc.terminate()
            proc.wait(20)
        shutil.rmtree(root, ignore_errors=True)
    one, two = statistics.mean(rates[1]), statistics.mean(rates[2])
    load = os.getloadavg()[0]
    return [
        Row(
            "2 replicas: seconds per answer (16 conversations)",
            1 / two,
            "1 replica, same load",
            1 / one,
            min_speedup=1.8,
            checks_ok=errors == 0,
            note=(
                f"{one:.1f} answers/s with 1 replica, {two:.1f} with 2 ({two / one:.2f}x); two busy"
                f" processes got {ceiling:.2f}x the work of one at the same time (load average "
                f"{load:.1f} on {os.cpu_count()} cores), the ceiling for a second replica here;"
                f" errors {errors}."
            ),
        )
    ]


def run() -> list[Row]:
    with postgres() as server:
        if server is None:
            return [Row("replicas (PostgreSQL not installed)", 0.0, note="skipped")]
        return checkpointer_rows(server) + replica_rows(server)
