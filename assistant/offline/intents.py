"""What a question asks, read from its meaning: the question (with its assets and dates masked)
is embedded with the offline MiniLM model and compared with labelled example questions
(:mod:`assistant.offline.bank`); the intent whose nearest examples are closest wins, and it
counts as certain only with a margin over the runner-up.

The examples' vectors ship with the package (``bank.npz``, rebuilt by ``python -m
assistant.offline.intents``); when the file does not match the examples they are embedded at
first use instead, so an edited bank is never read with stale vectors.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.offline.bank import EXAMPLES

BANK_FILE = Path(__file__).with_name("bank.npz")
MIN_SCORE = 0.5  # below this the nearest examples are not alike enough to trust
MIN_MARGIN = 0.03  # the winner must beat the runner-up by this much
TOP = 3  # nearest examples per intent that count


@dataclass(frozen=True)
class Guess:
    """The most likely intent, how alike its examples are, and the runner-up."""

    intent: str
    score: float
    runner_up: str
    runner_up_score: float

    @property
    def margin(self) -> float:
        return self.score - self.runner_up_score

    @property
    def certain(self) -> bool:
        return self.score >= MIN_SCORE and self.margin >= MIN_MARGIN


def bank_texts() -> tuple[list[str], list[str]]:
    labels, texts = [], []
    for intent, examples in EXAMPLES.items():
        for text in examples:
            labels.append(intent)
            texts.append(text)
    return labels, texts


def bank_digest() -> str:
    labels, texts = bank_texts()
    joined = "\n".join(f"{label}\t{text}" for label, text in zip(labels, texts, strict=True))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


class IntentReader:
    """Nearest labelled examples by cosine similarity; one per process (see :func:`reader`)."""

    def __init__(self, embedder=None):
        self._embedder = embedder
        self._vectors: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._intents: list[str] = list(EXAMPLES)
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            from knowledge.embeddings import MiniLMEmbedder

            # One thread: a single short question is faster without thread hand-offs.
            self._embedder = MiniLMEmbedder(threads=1)
        return self._embedder

    def load(self) -> IntentReader:
        with self._lock:
            if self._vectors is None:
                labels, texts = bank_texts()
                self._labels = np.asarray(labels)
                self._vectors = _shipped(bank_digest())
                if self._vectors is None or len(self._vectors) != len(texts):
                    self._vectors = self.embedder.embed(texts)
                self.embedder.load()
        return self

    def guess(self, masked: str) -> Guess:
        """The intent of ``masked`` (a question with assets as X, Y and dates as "then")."""
        return _guess_cached(self, masked)

    def _guess(self, masked: str) -> Guess:
        self.load()
        query = self.embedder.embed([masked])[0]
        sims = self._vectors @ query
        scores = {}
        for intent in self._intents:
            best = np.sort(sims[self._labels == intent])[::-1][:TOP]
            scores[intent] = float(0.5 * best[0] + 0.5 * best.mean())
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        (first, s1), (second, s2) = ranked[0], ranked[1]
        return Guess(first, round(s1, 4), second, round(s2, 4))


@functools.lru_cache(maxsize=2048)
def _guess_cached(reader: IntentReader, masked: str) -> Guess:
    return reader._guess(masked)


def _shipped(digest: str) -> np.ndarray | None:
    try:
        with np.load(BANK_FILE) as data:
            if str(data["digest"]) != digest:
                return None
            return data["vectors"].astype(np.float32)
    except (OSError, KeyError, ValueError):
        return None


_READER: list[IntentReader] = []
_READER_LOCK = threading.Lock()


def reader() -> IntentReader:
    """The process's intent reader (its model loads on first use)."""
    with _READER_LOCK:
        if not _READER:
            _READER.append(IntentReader())
        return _READER[0]


def build_bank_file(path: Path = BANK_FILE) -> Path:
    """Embed the examples and write them with their digest (run after editing the bank)."""
    from knowledge.embeddings import MiniLMEmbedder

    _, texts = bank_texts()
    vectors = MiniLMEmbedder(threads=1).embed(texts).astype(np.float16)
    np.savez_compressed(path, vectors=vectors, digest=np.asarray(bank_digest()))
    return path


if __name__ == "__main__":
    print(build_bank_file())
