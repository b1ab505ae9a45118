"""Helpers shared by the knowledge tests (no tests here).

The real embedder is one per process (``default_embedder``). A store with the bundled corpus
is built once per process and copied into each test's data directory, because ingesting the
corpus takes seconds and copying the folder takes milliseconds.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from knowledge.base import default_embedder, open_knowledge_base

_seeded: list[Path] = []
_seed_lock = threading.Lock()


def embedder():
    """The offline MiniLM embedder shared by every test in the process."""
    return default_embedder()


def seeded_store() -> Path:
    """A store folder holding the bundled corpus, built on first call."""
    with _seed_lock:
        if not _seeded:
            home = Path(tempfile.mkdtemp(prefix="kb-seed-"))
            atexit.register(shutil.rmtree, home, True)
            open_knowledge_base(home, embedder=embedder())
            _seeded.append(home / "chroma")
        return _seeded[0]


def seed_home(home: Path) -> Path:
    """Copy the seeded store into ``home`` (as ``home/chroma``) and return ``home``."""
    shutil.copytree(seeded_store(), home / "chroma")
    return home


def tiny_kb(home: Path, embedder_=None, **options):
    """A knowledge base without the bundled corpus (fast to fill with a few test files)."""
    return open_knowledge_base(home, embedder=embedder_ or embedder(), corpus_dir=None, **options)


class FakeEmbedder:
    """Hashed bag-of-words vectors: instant and deterministic, with its own model id."""

    dimensions = 64

    def __init__(self, model_id: str = "fake-bow-v1"):
        self.model_id = model_id

    def __call__(self, input):  # noqa: A002 - Chroma's protocol
        return list(self.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "test-fake-bow"

    def get_config(self) -> dict:
        return {"model_id": self.model_id}

    @staticmethod
    def build_from_config(config: dict) -> FakeEmbedder:
        return FakeEmbedder(config.get("model_id", "fake-bow-v1"))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def is_legacy(self) -> bool:
        return False

    def embed(self, texts):
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimensions] += 1
            out[row, 0] += 1e-3  # never the zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal, valid one-page PDF whose text layer holds ``lines``."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = (
        ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
        + [f"({esc(line)}) Tj T*" for line in lines]
        + ["ET"]
    )
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R"
            b" >> >> /Contents 4 0 R >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if title:
        objects.append(b"<< /Title (" + esc(title).encode("latin-1") + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    info = b" /Info %d 0 R" % len(objects) if title else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info,
        xref,
    )
    return bytes(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_immutable(path: Path, on: bool) -> bool:
    """Make a folder unwritable even for root (chattr +i); False when that is not possible."""
    try:
        done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    except OSError:
        return False
    return done.returncode == 0
