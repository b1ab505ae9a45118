"""Expected figures computed straight from the CSV files with pandas, independently of tools/.

Definitions (DESIGN.md): closes; a change compares a close with the last close on or before the
same calendar offset; a calendar period runs from the last close before it to the last close in
it; the record is the highest close.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from pathlib import Path

import pandas as pd

from tools import formatting as f

FILES = {"gold": "gold", "silver": "silver", "bitcoin": "btc", "sp500": "spx", "dxy": "dxy"}
NAMES = {"gold": "Gold", "silver": "Silver", "bitcoin": "Bitcoin", "sp500": "S&P 500",
         "dxy": "US Dollar Index"}  # fmt: skip
OFFSETS = {
    "1w": pd.DateOffset(days=7),
    "1m": pd.DateOffset(months=1),
    "3m": pd.DateOffset(months=3),
    "1y": pd.DateOffset(years=1),
}
DATA = Path(
    os.environ.get("MARKET_ASSISTANT_TEST_DATA")
    or Path(__file__).resolve().parents[3] / "shared" / "market-data"
)


_CUT: list[pd.Timestamp] = []  # an as-of date in force (see :func:`as_of`)


@functools.cache
def _full(asset: str) -> pd.Series:
    frame = pd.read_csv(DATA / f"{FILES[asset]}.csv", parse_dates=["date"])
    s = frame.set_index("date")["close"].dropna()
    return s[s > 0].sort_index()


def closes(asset: str) -> pd.Series:
    """The asset's closes, up to the as-of date in force."""
    s = _full(asset)
    return s.loc[: _CUT[-1]] if _CUT else s


@contextlib.contextmanager
def as_of(day):
    """Every figure computed as of ``day`` (the data after it unseen), as ``--as-of`` does."""
    _CUT.append(pd.Timestamp(day))
    try:
        yield
    finally:
        _CUT.pop()


def D(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def last_date(asset: str) -> dt.date:
    return closes(asset).index[-1].date()


def first_date(asset: str) -> dt.date:
    return closes(asset).index[0].date()


def on_or_before(asset: str, day) -> tuple[float, dt.date]:
    s = closes(asset).loc[: pd.Timestamp(day)]
    return float(s.iloc[-1]), s.index[-1].date()


def before(asset: str, day) -> tuple[float, dt.date]:
    s = closes(asset).loc[: pd.Timestamp(day) - pd.Timedelta(days=1)]
    return float(s.iloc[-1]), s.index[-1].date()


def period(asset: str, start, end) -> dict:
    """The change over [start, end]: last close before start to last close on or before end."""
    s = closes(asset)
    inside = s.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    prior = s.loc[: pd.Timestamp(start) - pd.Timedelta(days=1)]
    base = (float(prior.iloc[-1]), prior.index[-1].date()) if len(prior) else (
        float(inside.iloc[0]), inside.index[0].date())  # fmt: skip
    last = (float(inside.iloc[-1]), inside.index[-1].date())
    return {"pct": (last[0] / base[0] - 1) * 100, "base": base, "last": last}


def horizon(asset: str, h: str, end=None) -> dict:
    s = closes(asset)
    if end is not None:
        s = s.loc[: pd.Timestamp(end)]
    t = s.index[-1]
    target = pd.Timestamp(t.year - 1, 12, 31) if h == "ytd" else t - OFFSETS[h]
    ref = s.loc[:target]
    base = (float(ref.iloc[-1]), ref.index[-1].date())
    return {
        "pct": (s.iloc[-1] / base[0] - 1) * 100,
        "base": base,
        "last": (float(s.iloc[-1]), t.date()),
    }


def record(asset: str, end=None) -> dict:
    s = closes(asset)
    if end is not None:
        s = s.loc[: pd.Timestamp(end)]
    k = s.idxmax()
    at_record = s.iloc[-1] >= s.max()
    since = len(s.loc[k:]) - 1
    below = (1 - s.iloc[-1] / s.max()) * 100
    return {"close": float(s.max()), "date": k.date(), "at_record": bool(at_record),
            "below": below, "since": since, "last": float(s.iloc[-1])}  # fmt: skip


def px(value: float) -> str:
    return f.price(value)


def pct(value: float) -> str:
    return f.pct(abs(value), signed=False)
