"""Loading price history from the warm cache, against ``pandas.read_csv`` of the same bars.

Issue 2's budget: reading 25 years of daily bars for one asset from the warm cache is no
slower than twice ``pandas.read_csv`` of the same data, and under 20 ms on this machine.
The 25-year series is generated in a temporary directory (business days, OHLCV); the real
silver history from ../shared/market-data is measured as well when that folder exists.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.harness import Row, measure
from tools import assets
from tools.cache import PriceCache
from tools.csvfile import read_price_csv
from tools.data import YahooSource

BUDGET_SECONDS = 0.020
MAX_RATIO = 2.0
YEARS = 25
MARKET_DATA = Path(
    os.environ.get(
        "MARKET_ASSISTANT_TEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "market-data"
    )
)


def synthetic_history(years: int = YEARS, seed: int = 0) -> pd.DataFrame:
    """Business-day OHLCV bars ending on 2026-03-30: a positive random walk."""
    dates = pd.bdate_range(end="2026-03-30", periods=years * 261, name="date")
    rng = np.random.default_rng(seed)
    close = 5.0 * np.exp(np.cumsum(rng.normal(0.0002, 0.015, len(dates))))
    opens = close * np.exp(rng.normal(0, 0.004, len(dates)))
    high = np.maximum(opens, close) * 1.005
    low = np.minimum(opens, close) * 0.995
    volume = rng.integers(1_000, 100_000, len(dates)).astype("float64")
    return pd.DataFrame(
        {"open": opens, "high": high, "low": low, "close": close, "volume": volume}, index=dates
    )


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index_label="date", float_format="%.6f", date_format="%Y-%m-%d")


def _pair(name: str, symbol: str, frame: pd.DataFrame, csv_path: Path, root: Path) -> list[Row]:
    """Rows for one history: the cache read, and the full warm-cache path of the Yahoo source."""
    home = root / f"home-{symbol}"
    store = PriceCache(home / "prices")
    store.write(symbol, frame)
    entry = store.read(symbol)
    assert entry is not None and len(entry.frame) == len(frame)
    assert np.allclose(entry.frame["close"].to_numpy(), frame["close"].to_numpy())

    baseline = measure(lambda: pd.read_csv(csv_path), repeat=15)
    baseline_dates = measure(
        lambda: pd.read_csv(csv_path, index_col="date", parse_dates=["date"]), repeat=15
    )
    cached = measure(lambda: store.read(symbol), repeat=15)
    rows = [
        Row(
            name=f"cache read, {name} ({len(frame):,} bars)",
            seconds=cached,
            baseline="pandas.read_csv, same bars",
            baseline_seconds=baseline,
            budget_seconds=BUDGET_SECONDS,
            max_ratio=MAX_RATIO,
            note=f"read_csv with date parsing: {baseline_dates * 1000:.2f} ms",
        )
    ]

    source = YahooSource(home)  # a warm hit: no download, the same file read plus provenance
    asset = assets.resolve(symbol, allow_ticker=True)
    assert not source.history(asset).provenance.stale
    warm = measure(lambda: source.history(asset), repeat=15)
    rows.append(
        Row(
            name=f"YahooSource warm hit, {name}",
            seconds=warm,
            baseline="pandas.read_csv, same bars",
            baseline_seconds=baseline,
            budget_seconds=BUDGET_SECONDS,
            max_ratio=MAX_RATIO,
        )
    )
    return rows


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        root = Path(tmp)
        frame = synthetic_history()
        csv_path = root / "synthetic.csv"
        _write_csv(frame, csv_path)
        rows += _pair(f"{YEARS}y synthetic", "BENCH", frame, csv_path, root)

        silver_csv = MARKET_DATA / "silver.csv"
        if silver_csv.is_file():
            silver, _ = read_price_csv(silver_csv)
            span = (silver.index[-1] - silver.index[0]).days / 365.25
            rows += _pair(f"real silver {span:.0f}y", "SI=F", silver, silver_csv, root)
            csv_load = measure(lambda: read_price_csv(silver_csv), repeat=7)
            rows.append(
                Row(
                    name="csv source validation, real silver",
                    seconds=csv_load,
                    baseline="pandas.read_csv, same file",
                    baseline_seconds=measure(lambda: pd.read_csv(silver_csv), repeat=7),
                    note="informational: the CSV source validates every row (no budget)",
                )
            )
    return rows


if __name__ == "__main__":  # pragma: no cover
    from benchmarks.harness import table

    print(table(run()))
