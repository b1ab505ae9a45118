"""Real PostgreSQL and Chroma servers for the replica tests (no tests here).

``.ci/run`` starts one throw-away PostgreSQL cluster and one ``chroma run`` on loopback and
exports their addresses (``MARKET_ASSISTANT_TEST_DATABASE_URL``, ``MARKET_ASSISTANT_TEST_CHROMA``).
Outside CI, the fixtures start their own when the binaries are installed (PostgreSQL from the
distribution's packages: ``initdb`` and ``pg_ctl``), and the tests are skipped when they are
not; in CI a missing server fails the test instead. Every test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ENV_DATABASE = "MARKET_ASSISTANT_TEST_DATABASE_URL"
ENV_CHROMA = "MARKET_ASSISTANT_TEST_CHROMA"
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str):
    """Skip outside CI; in CI the server is part of the run and its absence is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI starts it in .ci/run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition()`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


# -- PostgreSQL -------------------------------------------------------------------------------
def pg_bin() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    return versions[-1].parent if versions else None


class PgCluster:
    """A throw-away cluster in a temporary folder, on a loopback port, trusting local users."""

    def __init__(self, root: Path, port: int | None = None):
        self.bin = pg_bin()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL (initdb, pg_ctl) is not installed")
        self.root = Path(root)
        self.data = self.root / "data"
        self.port = port or free_port()
        self.user = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.user = "postgres"
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                raise FileNotFoundError("no 'postgres' user to run the cluster as") from None
            shutil.chown(self.root, self.user)

    def _run(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {(done.stderr or done.stdout)[-600:]}")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "60", action, *extra,
        )  # fmt: skip

    def init(self) -> PgCluster:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--locale=C",
        )  # fmt: skip
        return self

    def start(self) -> PgCluster:
        self._ctl("start")
        return self

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def create_database(server_url: str) -> str:
    """A new, empty database on the server of ``server_url``; returns its URL."""
    import psycopg

    name = f"ma_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with contextlib.suppress(psycopg.Error), psycopg.connect(f"{server}/postgres") as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a PostgreSQL server's maintenance database (exported by CI, or started)."""
    url = os.environ.get(ENV_DATABASE)
    if url:
        yield url
        return
    if pg_bin() is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ma-pg-"))
    cluster = PgCluster(root).init().start()
    try:
        yield cluster.url()
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(pg_server):
    """A fresh database for one test, dropped afterwards."""
    url = create_database(pg_server)
    yield url
    drop_database(url)


@pytest.fixture
def own_cluster(tmp_path_factory):
    """A cluster of the test's own, for tests that stop and restart PostgreSQL."""
    if pg_bin() is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ma-pg-own-"))
    cluster = PgCluster(root).init().start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


# -- Chroma -----------------------------------------------------------------------------------
def chroma_exe() -> str | None:
    exe = Path(sys.executable).parent / "chroma"
    return str(exe) if exe.is_file() else shutil.which("chroma")


def chroma_heartbeat(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def chroma_address():
    """(host, port) of a Chroma server (exported by CI, or a ``chroma run`` started here)."""
    exported = os.environ.get(ENV_CHROMA)
    if exported:
        host, _, port = exported.rpartition(":")
        yield host, int(port)
        return
    exe = chroma_exe()
    if not exe:
        unavailable("the chroma command line (from the chromadb package) is not installed")
    root = Path(tempfile.mkdtemp(prefix="ma-chroma-"))
    port = free_port()
    log = open(root / "chroma.log", "wb")
    cmd = [exe, "run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(
            lambda: chroma_heartbeat("127.0.0.1", port) or proc.poll() is not None,
            60,
            "chroma run to answer",
        )
        if proc.poll() is not None:
            pytest.fail(f"chroma run exited: {(root / 'chroma.log').read_text()[-500:]}")
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


# -- app replicas -----------------------------------------------------------------------------
WORKER = Path(__file__).resolve().parent / "replica_worker.py"
ROOT = Path(__file__).resolve().parents[1]


class Replica:
    """One replica process (tests/replica_worker.py) with its own data directory."""

    def __init__(self, name: str, home: Path, env: dict[str, str]):
        self.name, self.home, self.env = name, Path(home), env
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 180) -> Replica:
        return self.launch().wait_ready(timeout)

    def launch(self) -> Replica:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "replica.ready").unlink(missing_ok=True)
        (self.home / "slow-started").unlink(missing_ok=True)
        self.log = open(self.home / "replica.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(self.home / "replica.ready")],
            cwd=ROOT,
            env={**self.env, "MARKET_ASSISTANT_HOME": str(self.home)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self, timeout: float = 180) -> Replica:
        ready = self.home / "replica.ready"
        try:
            wait_until(lambda: ready.exists() or self.proc.poll() is not None, timeout, "ready")
        except AssertionError:
            raise AssertionError(f"{self.name} not ready: {self.log_text()[-800:]}") from None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited: {self.log_text()[-800:]}")
        self.port = int(ready.read_text())
        return self

    def log_text(self) -> str:
        path = self.home / "replica.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def post(self, path: str, body: dict, timeout: float = 180) -> dict:
        import json

        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def ask(self, question: str, thread: str, owner: str = "", **extra) -> dict:
        return self.post("/ask", {"question": question, "thread": thread, "owner": owner, **extra})

    def conversation(self, thread: str, owner: str | None = None) -> dict:
        return self.post("/conversation", {"thread": thread, "owner": owner})

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or container dies."""
        import signal

        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()


def replica_env(database_url: str | None, chroma: tuple[str, int] | None, **extra) -> dict:
    """The environment of a replica: the caller's, less its own settings, plus the servers."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MARKET_ASSISTANT_", "CHROMA_", "OPENAI_"))
    }
    env["MARKET_ASSISTANT_DATA"] = "demo"
    if database_url:
        env["MARKET_ASSISTANT_DATABASE_URL"] = database_url
    if chroma:
        env["CHROMA_HOST"], env["CHROMA_PORT"] = chroma[0], str(chroma[1])
    env.update({k: str(v) for k, v in extra.items()})
    return env
