"""The one in-memory shape of a price history, and checks every source applies to it.

A price frame has a tz-naive, normalised, strictly increasing DatetimeIndex named ``date``
and float columns ``open high low close volume`` (open/high/low/volume may be NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["open", "high", "low", "close", "volume"]


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="float64") for c in COLUMNS}, index=pd.DatetimeIndex([], name="date")
    )


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalise dates, sort, keep the last of duplicate dates, drop rows without a close."""
    out = frame.reindex(columns=COLUMNS).astype("float64")
    idx = pd.DatetimeIndex(out.index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    out.index = idx.normalize().rename("date")
    out = out[~out.index.isna()]
    out = out.sort_index(kind="stable")
    out = out[~out.index.duplicated(keep="last")]
    out = out[np.isfinite(out["close"].to_numpy())]
    return out


def to_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dates as int64 days since the epoch and an (n, 5) float64 block, for the cache."""
    days = frame.index.values.astype("datetime64[D]").astype("int64")
    return days, frame[COLUMNS].to_numpy(dtype="float64", copy=False)


def from_arrays(days: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    idx = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
    return pd.DataFrame(values, index=idx, columns=COLUMNS, copy=False)
