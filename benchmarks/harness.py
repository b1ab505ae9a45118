"""A tiny benchmark harness: every figure is reported next to a baseline measured in the same run.

A benchmark module ``benchmarks/bench_*.py`` defines ``run() -> list[Row]``. ``benchmarks/run.py``
collects the rows and prints one table; ``--json`` writes them for the docs.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    name: str  # what was measured
    seconds: float  # median wall time of one call
    baseline: str = ""  # what it is compared with
    baseline_seconds: float | None = None
    budget_seconds: float | None = None  # absolute budget from the issue
    max_ratio: float | None = None  # budget as ratio to the baseline (seconds / baseline), if any
    min_speedup: float | None = (
        None  # budget as speed-up over the baseline (baseline / seconds), if any
    )
    note: str = ""
    checks_ok: bool = True  # non-timing budgets of the row (counts, sizes) were met

    @property
    def ratio(self) -> float | None:
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def ok(self) -> bool:
        good = self.checks_ok
        if self.budget_seconds is not None:
            good &= self.seconds <= self.budget_seconds
        if self.max_ratio is not None and self.ratio is not None:
            good &= self.ratio <= self.max_ratio
        if self.min_speedup is not None and self.ratio:
            good &= (1 / self.ratio) >= self.min_speedup
        return good


def measure(fn: Callable[[], object], repeat: int = 7, number: int = 1, warmup: int = 1) -> float:
    """Median seconds per call over ``repeat`` rounds of ``number`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - t0) / number)
    finally:
        if gc_was:
            gc.enable()
    return statistics.median(times)


def fmt_ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:9.2f} ms"


def table(rows: list[Row]) -> str:
    lines = [
        f"{'benchmark':<48} {'time':>12} {'baseline':<34} {'base time':>12} {'ratio':>8}"
        f" {'budget':<22} ok"
    ]
    for r in rows:
        budget = []
        if r.budget_seconds is not None:
            budget.append(f"<= {r.budget_seconds * 1000:g} ms")
        if r.max_ratio is not None:
            budget.append(f"<= {r.max_ratio:g}x base")
        if r.min_speedup is not None:
            budget.append(f">= {r.min_speedup:g}x faster")
        ratio = f"{r.ratio:8.3f}" if r.ratio is not None else " " * 8
        lines.append(
            f"{r.name:<48} {fmt_ms(r.seconds):>12} {r.baseline:<34}"
            f" {fmt_ms(r.baseline_seconds):>12} {ratio} {', '.join(budget):<22}"
            f" {'yes' if r.ok else 'NO'}"
        )
        if r.note:
            lines.append(f"    {r.note}")
    return "\n".join(lines)
