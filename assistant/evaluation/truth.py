"""The figures a question's answer should state, computed from the price data with pandas.

Computed here from the closes themselves, following the definitions in DESIGN.md, not by the
tools the assistant calls, so that a wrong tool or a wrong argument shows as a wrong figure.
Each truth is a :class:`Truth`: a label, and a number or a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tools.errors import InputError

_OFFSETS = {
    "1w": pd.DateOffset(days=7),
    "1m": pd.DateOffset(months=1),
    "3m": pd.DateOffset(months=3),
    "1y": pd.DateOffset(years=1),
}


@dataclass(frozen=True)
class Truth:
    label: str  # e.g. "silver close", "gold 1m change"
    value: float | None = None
    date: dt.date | None = None


def closes(market, asset: str) -> pd.Series:
    """The asset's daily closes up to the market's as-of date, oldest first."""
    frame = market.series(asset).frame
    return frame["close"].dropna().sort_index()


def compute(spec: dict, market) -> Truth:
    """The truth named by one ``truth`` entry of a question."""
    if len(spec) != 1:
        raise InputError(f"A truth entry names one figure, e.g. {{close: silver}}; got {spec}.")
    (kind, arg), *_ = spec.items()
    arg = arg if isinstance(arg, dict) else {"asset": arg}
    asset = str(arg.get("asset", ""))
    if kind == "close":
        return Truth(f"{asset} close", float(closes(market, asset).iloc[-1]))
    if kind == "close_on":
        day = pd.Timestamp(str(arg["date"]))
        s = closes(market, asset)
        return Truth(f"{asset} close on {arg['date']}", float(s[s.index <= day].iloc[-1]))
    if kind == "change":
        horizon = str(arg["horizon"])
        return Truth(f"{asset} {horizon} change", change(closes(market, asset), horizon))
    if kind == "ath":
        return Truth(f"{asset} all-time high", float(closes(market, asset).max()))
    if kind == "ratio":
        a, b = closes(market, asset), closes(market, str(arg["vs"]))
        both = pd.concat([a, b], axis=1, join="inner").dropna()
        return Truth(f"{asset}/{arg['vs']} ratio", float(both.iloc[-1, 0] / both.iloc[-1, 1]))
    if kind == "first_above":
        s = closes(market, asset)
        hit = s[s >= float(arg["level"])]
        day = hit.index[0].date() if len(hit) else None
        return Truth(f"{asset} first close above {arg['level']}", date=day)
    raise InputError(
        f"Unknown truth '{kind}'; use close, close_on, change, ath, ratio or first_above."
    )


def change(s: pd.Series, horizon: str) -> float:
    """Percent change of the last close against the reference close of ``horizon``."""
    last_day, last = s.index[-1], float(s.iloc[-1])
    if horizon == "1d":
        ref = float(s.iloc[-2])
    elif horizon == "ytd":
        ref = float(s[s.index.year < last_day.year].iloc[-1])
    elif horizon in _OFFSETS:
        ref = float(s[s.index <= last_day - _OFFSETS[horizon]].iloc[-1])
    else:
        raise InputError(f"Unknown horizon '{horizon}'; use 1d, 1w, 1m, 3m, ytd or 1y.")
    return (last / ref - 1.0) * 100.0
