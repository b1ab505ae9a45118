"""Stand-ins for ``yfinance.download`` shaped exactly as yfinance 1.x returns its frames.

For ``yf.download(symbol, multi_level_index=True, auto_adjust=False, actions=False)`` yfinance
builds one frame per ticker in ``Ticker.history`` (columns Open, High, Low, Close, Adj Close and
an int64 Volume; a DatetimeIndex named ``Date`` at midnight in the exchange's time zone), then
``multi._download_impl`` concatenates them with keys (names ``Ticker``, ``Price``), swaps the
levels to (Price, Ticker) and sorts them, and for daily bars drops the time zone
(``ignore_tz``). Failures are logged through the "yfinance" logger and an empty frame with the
same columns comes back; nothing is raised. The fakes below follow those steps, so
``tools.yahoo.download`` and everything after it run their real code.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DNS_ERROR = (
    "DNSError('Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com. "
    "See https://curl.se/libcurl/c/libcurl-errors.html first for more details.')"
)
RATE_LIMIT_ERROR = "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"
NO_DATA_ERROR = "possibly delisted; no price data found  (1d {start} -> {end})"


def price_frame(dates, closes, volume=None) -> pd.DataFrame:
    """A project-shaped price frame (the hidden 'true' history a fake Yahoo serves)."""
    closes = np.asarray(closes, dtype="float64")
    idx = pd.DatetimeIndex(pd.to_datetime(list(dates)), name="date")
    vol = np.full(len(closes), 1000.0) if volume is None else np.asarray(volume, dtype="float64")
    return pd.DataFrame(
        {
            "open": closes * 0.99,
            "high": closes * 1.01,
            "low": closes * 0.98,
            "close": closes,
            "volume": vol,
        },
        index=idx,
    )


def history_frame(frame: pd.DataFrame, tz: str | None = "America/New_York") -> pd.DataFrame:
    """What ``Ticker.history(interval="1d", auto_adjust=False, actions=False)`` returns."""
    dates = pd.to_datetime(pd.DatetimeIndex(frame.index).date)
    idx = dates.tz_localize(tz) if tz else dates
    out = pd.DataFrame(
        {
            "Open": frame["open"].to_numpy(),
            "High": frame["high"].to_numpy(),
            "Low": frame["low"].to_numpy(),
            "Close": frame["close"].to_numpy(),
            "Adj Close": frame["close"].to_numpy(),
            "Volume": np.nan_to_num(frame["volume"].to_numpy()).astype(np.int64),
        },
        index=idx,
    )
    out.index.name = "Date"
    return out


def empty_history() -> pd.DataFrame:
    """yfinance's ``utils.empty_df()``: the per-ticker frame of a failed download."""
    out = pd.DataFrame(
        index=[],
        data={
            "Open": np.nan,
            "High": np.nan,
            "Low": np.nan,
            "Close": np.nan,
            "Adj Close": np.nan,
            "Volume": np.nan,
        },
    )
    out.index.name = "Date"
    return out


def assemble(per_ticker: dict[str, pd.DataFrame], ignore_tz: bool = True) -> pd.DataFrame:
    """The tail of ``multi._download_impl``: concat with keys, swap to (Price, Ticker), sort."""
    dfs = dict(per_ticker)
    if ignore_tz:
        for key, df in dfs.items():
            if not df.empty:
                dfs[key] = df.set_axis(df.index.tz_localize(None), axis=0)
    idx = None
    for df in dfs.values():
        if not df.empty:
            idx = df.index if idx is None else idx.union(df.index)
    if idx is None:
        idx = pd.DatetimeIndex([])
    dfs = {k: df.reindex(idx) for k, df in dfs.items()}
    data = pd.concat(dfs.values(), axis=1, sort=True, keys=dfs.keys(), names=["Ticker", "Price"])
    data.columns = data.columns.swaplevel(0, 1)
    return data.sort_index(level=0, axis=1)


def yf_frame(
    symbol: str, frame: pd.DataFrame, tz: str | None = "America/New_York", ignore_tz: bool = True
) -> pd.DataFrame:
    """``yf.download(symbol, multi_level_index=True, auto_adjust=False)`` for one ticker."""
    return assemble({symbol: history_frame(frame, tz)}, ignore_tz=ignore_tz)


def yf_empty(symbol: str) -> pd.DataFrame:
    return assemble({symbol: empty_history()})


@dataclass
class Call:
    symbol: str
    kwargs: dict

    @property
    def start(self) -> dt.date | None:
        text = self.kwargs.get("start")
        return dt.date.fromisoformat(text) if text else None


@dataclass
class FakeYahoo:
    """A callable that replaces ``yfinance.download``.

    It serves slices of ``histories`` (symbol -> price frame) honouring ``start``/``period``,
    unless a scripted behaviour is queued in ``script``: "dns" (log the DNS error and return an
    empty frame, as yfinance does offline), "rate_limit_log" (the same for HTTP 429),
    "rate_limit_raise" (raise ``YFRateLimitError``), "no_data" (empty frame and yfinance's
    "possibly delisted" log line) or a DataFrame returned as is.
    """

    histories: dict[str, pd.DataFrame] = field(default_factory=dict)
    tz: str | None = "America/New_York"
    ignore_tz: bool = True
    script: list = field(default_factory=list)
    default: str = "serve"  # what to do once the script is used up
    calls: list[Call] = field(default_factory=list)

    def __call__(self, tickers, **kwargs):
        symbol = tickers
        self.calls.append(Call(symbol, kwargs))
        action = self.script.pop(0) if self.script else self.default
        if isinstance(action, pd.DataFrame):
            return action
        log = logging.getLogger("yfinance")
        if action == "serve":
            full = self.histories.get(symbol)
            if full is None:
                return self._fail(symbol, NO_DATA_ERROR.format(start="1900-01-01", end="today"))
            start = kwargs.get("start")
            part = full if start is None else full.loc[pd.Timestamp(start) :]
            if part.empty:
                return self._fail(symbol, NO_DATA_ERROR.format(start=start, end="today"))
            return yf_frame(symbol, part, tz=self.tz, ignore_tz=self.ignore_tz)
        if action == "dns":
            log.warning("Cookie/crumb fetch failed (DNSError), continuing without crumb")
            return self._fail(symbol, DNS_ERROR)
        if action == "rate_limit_log":
            return self._fail(symbol, RATE_LIMIT_ERROR)
        if action == "rate_limit_raise":
            from yfinance.exceptions import YFRateLimitError

            raise YFRateLimitError()
        if action == "no_data":
            return self._fail(symbol, NO_DATA_ERROR.format(start=kwargs.get("start"), end="today"))
        raise AssertionError(f"unknown fake action {action!r}")

    @staticmethod
    def _fail(symbol: str, error: str) -> pd.DataFrame:
        log = logging.getLogger("yfinance")
        log.error("\n1 Failed download:")
        log.error(f"['{symbol}']: {error}")
        return yf_empty(symbol)


def install(monkeypatch, fake: FakeYahoo) -> FakeYahoo:
    """Put ``fake`` in place of ``yfinance.download`` (the function tools.yahoo.download calls)."""
    import yfinance

    monkeypatch.setattr(yfinance, "download", fake)
    return fake


def business_days(start: str, end: str) -> pd.DatetimeIndex:
    return pd.bdate_range(start, end)


def walk(n: int, start: float = 20.0, seed: int = 0) -> np.ndarray:
    """A positive random walk of ``n`` closes."""
    rng = np.random.default_rng(seed)
    return start * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
