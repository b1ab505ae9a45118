"""The embedder's part in offline extraction: a clause that names an asset but whose wording the
rules do not know is compared, with the shipped MiniLM sentence embedder, with short labelled
examples, and takes the label of the nearest group (a move up or down, a kind of statement
prices cannot test, or nothing to check).

Only undecided clauses are embedded, so a typical article costs a handful of embeddings; the
examples are embedded once per process. The same text always gets the same label.
"""

from __future__ import annotations

import threading

import numpy as np

from assistant.claims.rules import FORECAST_REASON, NOT_TESTABLE

# Labelled examples, written for this purpose. Keys: "up" and "down" (a move), a not-testable
# reason, or "skip" (no claim).
_REASONS = {
    "opinion": NOT_TESTABLE[0][1],
    "policy": NOT_TESTABLE[1][1],
    "supply": NOT_TESTABLE[2][1],
    "flows": NOT_TESTABLE[3][1],
    "causal": NOT_TESTABLE[4][1],
    "regime": NOT_TESTABLE[5][1],
    "forecast": FORECAST_REASON,
}
EXAMPLES = {
    "up": (
        "Silver has been on a tear.",
        "Gold kept grinding out gains week after week.",
        "Bitcoin has had a powerful run.",
        "Copper is in a strong uptrend.",
        "The metal has been marching steadily upward.",
    ),
    "down": (
        "Bitcoin has been under heavy pressure.",
        "Gold lost a lot of ground.",
        "Oil has been in a downtrend.",
        "Silver had a rough month.",
        "Stocks took a beating.",
    ),
    "opinion": (
        "Silver is a great asset to own.",
        "Gold looks like good value at these prices.",
        "Platinum is badly underrated.",
        "Bitcoin is the better long-term bet.",
    ),
    "policy": (
        "Regulators approved new crypto funds.",
        "The government restricted copper exports.",
        "Policymakers are in no hurry to ease.",
    ),
    "supply": (
        "Mines cannot keep up with industrial buying of silver.",
        "Copper stockpiles in warehouses are shrinking.",
        "Jewellery buying in India picked up.",
    ),
    "flows": (
        "Hedge funds are piling into gold.",
        "Retail buyers keep chasing bitcoin.",
        "Money is rotating out of stocks into bullion.",
    ),
    "causal": (
        "Geopolitical tension is what lifted gold.",
        "Inflation worries explain most of the move in silver.",
    ),
    "regime": ("Bitcoin thrives when liquidity is abundant.", "Gold shines in times of crisis."),
    "forecast": (
        "Gold is headed for much higher levels.",
        "Silver has plenty of room to run.",
        "Bitcoin is due for a correction.",
    ),
    "skip": (
        "Silver is a metal.",
        "Here is what we make of gold.",
        "This note is about bitcoin.",
        "Read on for our take on silver.",
    ),
}
MIN_SIMILARITY = 0.35  # below this the nearest example is too far to say anything


class Classifier:
    """Nearest-centroid labels for clauses, over the given embedder's vectors."""

    def __init__(self, embedder):
        self.embedder = embedder
        self._centroids: tuple[list[str], np.ndarray] | None = None
        self._lock = threading.Lock()

    def centroids(self) -> tuple[list[str], np.ndarray]:
        with self._lock:
            if self._centroids is None:
                labels = list(EXAMPLES)
                vectors = self.embedder.embed([t for k in labels for t in EXAMPLES[k]])
                rows, start = [], 0
                for k in labels:
                    block = vectors[start : start + len(EXAMPLES[k])]
                    start += len(EXAMPLES[k])
                    mean = block.mean(axis=0)
                    rows.append(mean / np.linalg.norm(mean))
                self._centroids = labels, np.vstack(rows)
            return self._centroids

    def labels(self, texts: list[str]) -> list[tuple[str, float]]:
        """(label, similarity) for each text; "skip" when nothing is near enough."""
        if not texts:
            return []
        labels, centroids = self.centroids()
        sims = self.embedder.embed(texts) @ centroids.T
        out = []
        for row in sims:
            i = int(np.argmax(row))
            best = float(row[i])
            out.append((labels[i], best) if best >= MIN_SIMILARITY else ("skip", best))
        return out


def reason_of(label: str) -> str | None:
    """The not-testable reason of a label, or None for a move or "skip"."""
    return _REASONS.get(label)


_shared: list[Classifier] = []
_shared_lock = threading.Lock()


def shared_classifier() -> Classifier:
    """One classifier per process over the library's shared MiniLM embedder."""
    from knowledge.base import default_embedder

    with _shared_lock:
        if not _shared:
            _shared.append(Classifier(default_embedder()))
        return _shared[0]
