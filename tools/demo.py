"""A bundled, deterministic synthetic dataset, so every command works with no network.

The series are generated, not recorded: seeded random walks with a shared "metals" factor
and a shared "risk" factor. Levels and dates are plausible so the tools have something to
chew on, but nothing here is real history, and every result computed from it says
"synthetic demo data".
"""

from __future__ import annotations

import datetime as dt
import zlib
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from tools.assets import ASSETS, Asset
from tools.frames import COLUMNS

START = dt.date(2014, 1, 2)
END = dt.date(2026, 10, 30)  # fixed, so demo answers are reproducible

# key: (starting level, annual drift, annual volatility, metals beta, risk beta)
_PARAMS = {
    "gold": (1200.0, 0.07, 0.15, 1.0, 0.0),
    "silver": (20.0, 0.06, 0.27, 1.5, 0.3),
    "platinum": (1400.0, -0.01, 0.24, 0.9, 0.4),
    "copper": (3.2, 0.03, 0.22, 0.4, 0.8),
    "crude": (95.0, -0.02, 0.38, 0.2, 0.9),
    "sp500": (1800.0, 0.10, 0.17, 0.0, 1.0),
    "nasdaq": (4100.0, 0.13, 0.22, 0.0, 1.3),
    "dxy": (80.0, 0.01, 0.07, -0.4, -0.2),
    "us10y": (2.9, 0.02, 0.30, -0.3, 0.5),
    "bitcoin": (800.0, 0.45, 0.70, 0.0, 0.9),
    "ethereum": (10.0, 0.55, 0.90, 0.0, 1.1),
}
# Bitcoin's demo returns echo silver's with a four-week delay, so the lead/lag tools have a
# relationship to find; an explanation of this appears with every demo lead/lag result.
DEMO_LAG_DAYS = 28


def _seed(key: str) -> int:
    return zlib.crc32(f"market-assistant-demo:{key}".encode())


@lru_cache(maxsize=1)
def _factors() -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    days = pd.date_range(START, END, freq="D", name="date")
    rng = np.random.default_rng(_seed("factors"))
    metals = rng.standard_normal(len(days)) * 0.6
    risk = rng.standard_normal(len(days)) * 0.6
    return days, metals, risk


@cache
def _generate(key: str) -> pd.DataFrame:
    level, drift, vol, b_metal, b_risk = _PARAMS[key]
    days, metals, risk = _factors()
    asset = next(a for a in ASSETS if a.key == key)
    rng = np.random.default_rng(_seed(key))
    n = len(days)
    # Daily shocks in units of daily volatility: common factors plus an idiosyncratic part.
    own = rng.standard_normal(n)
    shock = (b_metal * metals + b_risk * risk + own) / np.sqrt(1 + 0.36 * (b_metal**2 + b_risk**2))
    if key == "bitcoin":
        silver_shock = _calendar_shocks("silver")
        lagged = np.concatenate([np.zeros(DEMO_LAG_DAYS), silver_shock[:-DEMO_LAG_DAYS]])
        shock = 0.55 * lagged + np.sqrt(1 - 0.55**2) * shock
    trading = np.ones(n, dtype=bool) if asset.is_crypto else days.day_of_week < 5
    dt_year = 1 / 365.0
    log_ret = (drift - 0.5 * vol**2) * dt_year + vol * np.sqrt(dt_year) * shock
    # A late rally in the metals gives the breakout tools recent records to report.
    if key in ("silver", "gold"):
        ramp = np.clip((np.arange(n) - (n - 330)) / 330, 0, 1)
        log_ret = log_ret + ramp * (0.0035 if key == "silver" else 0.0018)
    close = level * np.exp(np.cumsum(log_ret))
    frame = _ohlcv(close, rng, vol)
    frame.index = days
    return frame[trading]


def _calendar_shocks(key: str) -> np.ndarray:
    """The idiosyncratic-plus-factor shocks of ``key`` on every calendar day (for the planted
    lag)."""
    level, drift, vol, b_metal, b_risk = _PARAMS[key]
    days, metals, risk = _factors()
    rng = np.random.default_rng(_seed(key))
    own = rng.standard_normal(len(days))
    return (b_metal * metals + b_risk * risk + own) / np.sqrt(1 + 0.36 * (b_metal**2 + b_risk**2))


def _ohlcv(close: np.ndarray, rng: np.random.Generator, vol: float) -> pd.DataFrame:
    daily = vol / np.sqrt(252)
    prev = np.concatenate([[close[0]], close[:-1]])
    opens = prev * np.exp(rng.standard_normal(len(close)) * daily * 0.25)
    top = np.maximum(opens, close)
    bottom = np.minimum(opens, close)
    high = top * np.exp(np.abs(rng.standard_normal(len(close))) * daily * 0.5)
    low = bottom * np.exp(-np.abs(rng.standard_normal(len(close))) * daily * 0.5)
    volume = np.round(1e6 * np.exp(rng.standard_normal(len(close)) * 0.3))
    return pd.DataFrame(dict(zip(COLUMNS, (opens, high, low, close, volume), strict=True)))


def available(asset: Asset) -> bool:
    return asset.registered and asset.key in _PARAMS


def history(asset: Asset) -> pd.DataFrame:
    """The demo frame for a registry asset (a copy, so callers may modify it)."""
    return _generate(asset.key).copy()
