"""Analysis tools on about 25 years of daily data, each next to a baseline measured in the same run.

Budgets (issue 3): price lookup <= 2 ms; breakouts <= 15 ms; lag daily K=260 with 1,000
permutations <= 300 ms, with the lag correlations >= 20x faster than the pandas shift/corr loop
over the same lags; lag weekly K=52 <= 50 ms. The series are generated here (seeded), so the
figures do not depend on the data folder; the real silver file is added when it is present.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.harness import Row, measure
from tools import assets
from tools.breakouts import find_breakouts
from tools.data import PriceSeries
from tools.frames import COLUMNS
from tools.lagstats import lagged_corr
from tools.leadlag import aligned_returns, lead_lag
from tools.prices import price_lookup
from tools.results import Provenance

YEARS = 25
REAL = Path(__file__).resolve().parents[2] / "shared" / "market-data"


def synthetic(key: str, seed: int, calendar: str = "B") -> PriceSeries:
    """About 25 years of a seeded random walk on business days ("B") or every day ("D")."""
    days = pd.date_range(
        "2001-01-01",
        periods=int(YEARS * (261 if calendar == "B" else 365)),
        freq=calendar,
        name="date",
    )
    rng = np.random.default_rng(seed)
    close = 20 * np.exp(np.cumsum(rng.normal(0.0002, 0.015, len(days))))
    frame = pd.DataFrame(np.nan, index=days, columns=COLUMNS)
    frame["close"] = close
    frame["high"] = close * 1.01
    return PriceSeries(
        assets.get(key), frame, Provenance(source="demo", as_of=None, synthetic=True)
    )


def _pandas_loop(x: pd.Series, y: pd.Series, k_max: int) -> list[float]:
    return [x.corr(y.shift(-k)) for k in range(-k_max, k_max + 1)]


def _read_baseline(series: PriceSeries) -> float:
    """Seconds for pandas to read the same frame back from an in-memory CSV."""
    import io

    text = series.frame.to_csv()
    return measure(lambda: pd.read_csv(io.StringIO(text), index_col=0, parse_dates=True), repeat=5)


def run() -> list[Row]:
    silver, gold = synthetic("silver", 1), synthetic("gold", 2)
    bars = len(silver.frame)
    read = _read_baseline(silver)
    rows = [
        Row(
            f"price lookup ({bars} bars)",
            measure(lambda: price_lookup(silver), repeat=21, number=5),
            "pandas read_csv of the same data",
            read,
            budget_seconds=0.002,
        ),
        Row(
            f"breakouts all-time ({bars} bars)",
            measure(lambda: find_breakouts(silver), repeat=21, number=3),
            "pandas read_csv of the same data",
            read,
            budget_seconds=0.015,
        ),
        Row(
            f"breakouts window 252 ({bars} bars)",
            measure(lambda: find_breakouts(silver, window=252), repeat=21, number=3),
            "pandas read_csv of the same data",
            read,
            budget_seconds=0.015,
        ),
    ]
    rets = aligned_returns(silver.close, gold.close, "daily")
    x, y = rets["leader"], rets["follower"]
    loop = measure(lambda: _pandas_loop(x, y, 260), repeat=3)
    xa, ya = x.to_numpy(), y.to_numpy()
    rows.append(
        Row(
            "lag corr(k), daily, K=260 (521 lags)",
            measure(lambda: lagged_corr(xa, ya, 260), repeat=21),
            "pandas shift/corr loop, same lags",
            loop,
            min_speedup=20,
            note=f"{len(rets)} aligned daily returns; equal to the loop to 1e-9 (tests)",
        )
    )
    rows.append(
        Row(
            "lag daily K=260, 1000 permutations",
            measure(lambda: lead_lag(silver, gold, freq="daily", max_lag=260), repeat=7),
            "pandas shift/corr loop, same lags",
            loop,
            budget_seconds=0.300,
            note="full analysis: alignment, corr(k), p-values, adjusted p-value, stability",
        )
    )
    weekly = aligned_returns(silver.close, gold.close, "weekly")
    wloop = measure(lambda: _pandas_loop(weekly["leader"], weekly["follower"], 52), repeat=5)
    rows.append(
        Row(
            "lag weekly K=52, 1000 permutations",
            measure(lambda: lead_lag(silver, gold, freq="weekly", max_lag=52), repeat=11),
            "pandas shift/corr loop, same lags",
            wloop,
            budget_seconds=0.050,
        )
    )
    btc = synthetic("bitcoin", 3, calendar="D")
    rows.append(
        Row(
            "lag weekly K=52, exchange vs 24/7",
            measure(lambda: lead_lag(silver, btc, freq="weekly", max_lag=52), repeat=11),
            "pandas shift/corr loop, same lags",
            wloop,
            budget_seconds=0.050,
        )
    )
    rows.extend(_real_rows())
    return rows


def _real_rows() -> list[Row]:
    """The same lookups on the real silver and gold files, when the data folder is present."""
    if not (REAL / "silver.csv").is_file():
        return []
    from tools.data import Market, make_source

    market = Market(make_source(f"csv:{REAL}"))
    silver, gold = market.series("silver"), market.series("gold")
    read = _read_baseline(silver)
    return [
        Row(
            f"real silver price lookup ({len(silver.frame)} bars)",
            measure(lambda: price_lookup(silver), repeat=21, number=5),
            "pandas read_csv of the same data",
            read,
            budget_seconds=0.002,
        ),
        Row(
            "real silver breakouts all-time",
            measure(lambda: find_breakouts(silver), repeat=21, number=3),
            "pandas read_csv of the same data",
            read,
            budget_seconds=0.015,
        ),
        Row(
            "real silver->gold lag daily K=260, 1000 perms",
            measure(lambda: lead_lag(silver, gold, freq="daily", max_lag=260), repeat=7),
            "",
            None,
            budget_seconds=0.300,
        ),
    ]
