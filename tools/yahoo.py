"""The one seam to Yahoo Finance.

:func:`download` and :func:`search` are the only functions in the project that call yfinance
(through :func:`_yfinance`, the one import). Tests replace them with fakes that return what
yfinance 1.x returns; everything after them (:func:`normalise`, the symbol cache) runs for real.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import warnings
from pathlib import Path

import pandas as pd

from tools.frames import COLUMNS, tidy


class FetchError(Exception):
    """A download failed; ``kind`` is "network", "rate_limit" or "empty"."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)


def download(symbol: str, start: dt.date | None, cache_dir: Path | None = None) -> pd.DataFrame:
    """Daily OHLCV for ``symbol`` from ``start`` (all history when None), as yfinance returns it.

    yfinance reports most failures by logging them and returning an empty frame; those log
    lines are captured here (not printed) and turned into a :class:`FetchError`.
    """
    yf = _yfinance()
    if cache_dir is not None:  # keep yfinance's own timezone cache inside the data directory
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            yf.set_tz_cache_location(str(cache_dir))
        except Exception:  # noqa: BLE001 - an unwritable tz cache must not stop a download
            pass
    kwargs = {
        "interval": "1d",
        "auto_adjust": False,
        "actions": False,
        "progress": False,
        "threads": False,
        "multi_level_index": True,
    }
    if start is None:
        kwargs["period"] = "max"
    else:
        kwargs["start"] = start.isoformat()
    with _captured_log() as messages, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            raw = yf.download(symbol, **kwargs)
        except Exception as exc:  # classified here so callers see one exception type
            raise classify(f"{type(exc).__name__} {exc}") from exc
    if raw is None or len(raw) == 0:
        raise (
            classify(" ".join(messages))
            if messages
            else FetchError("empty", f"Yahoo Finance returned no rows for {symbol}.")
        )
    return raw


def _yfinance():
    """The yfinance module (imported on first use only)."""
    import yfinance as yf  # the only yfinance import in the project

    return yf


SEARCH_TYPES = ("EQUITY", "ETF", "INDEX", "MUTUALFUND", "CRYPTOCURRENCY", "FUTURE", "CURRENCY")


def search(query: str, limit: int = 5) -> list[dict]:
    """Yahoo Finance's symbol search for a company, fund or index name ("Tesla" -> TSLA).

    Returns ``[{"symbol", "name", "type", "exchange"}]``, best match first, tradable quote types
    only. Failures raise :class:`FetchError` like :func:`download`.
    """
    yf = _yfinance()
    with _captured_log() as messages, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = yf.Search(
                query,
                max_results=limit,
                news_count=0,
                lists_count=0,
                include_cb=False,
                recommended=0,
                timeout=10,
            ).quotes
        except Exception as exc:  # classified here so callers see one exception type
            raise classify(f"{type(exc).__name__} {exc} {' '.join(messages)}") from exc
    out = []
    for quote in found or []:
        kind = str(quote.get("quoteType") or "").upper()
        if quote.get("symbol") and kind in SEARCH_TYPES:
            name = quote.get("longname") or quote.get("shortname") or quote["symbol"]
            out.append(
                {
                    "symbol": str(quote["symbol"]),
                    "name": str(name),
                    "type": kind,
                    "exchange": str(quote.get("exchange") or ""),
                }
            )
    return out


@contextlib.contextmanager
def _captured_log():
    logger = logging.getLogger("yfinance")
    messages: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = _Keep(level=logging.DEBUG)
    saved = logger.handlers[:], logger.propagate
    logger.handlers = [handler]
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.handlers, logger.propagate = saved


_NETWORK = re.compile(
    r"dnserror|could not resolve|failed to perform|connection|timed out|timeout|"
    r"network|\bssl|unreachable|curl"
)
_RATE_LIMIT = re.compile(r"rate ?limit|too many requests|\b429\b")
# yfinance prefixes each failure with the tickers it concerns ("['SI=F']: ..."); a ticker such
# as SSL or 6429.T must not be read as a network or rate-limit failure.
_TICKERS = re.compile(r"\[(?:\s*'[^']*'\s*,?)+\]:?")


def classify(text: str) -> FetchError:
    """Map a yfinance / curl_cffi failure text onto a FetchError kind."""
    low = _TICKERS.sub(" ", text).lower()
    if _RATE_LIMIT.search(low):
        return FetchError(
            "rate_limit", "Yahoo Finance is rate-limiting requests; try again in a minute."
        )
    if _NETWORK.search(low):
        return FetchError("network", "Yahoo Finance could not be reached (network error).")
    return FetchError(
        "empty", f"Yahoo Finance returned no data ({text.strip()[:120] or 'no rows'})."
    )


def normalise(raw: pd.DataFrame | None, symbol: str) -> pd.DataFrame:
    """Turn a yfinance frame into the project's price frame.

    Handles the shapes yfinance returns: MultiIndex columns (Price, Ticker), capitalised
    names, a tz-aware index, all-NaN rows, and an empty frame (raises FetchError "empty").
    """
    if raw is None or len(raw) == 0:
        raise FetchError("empty", f"Yahoo Finance returned no rows for {symbol}.")
    frame = raw.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        level = _price_level(frame.columns)
        for other in range(frame.columns.nlevels):
            values = set(frame.columns.get_level_values(other))
            if other != level and symbol in values and len(values) > 1:
                frame = frame.xs(symbol, axis=1, level=other, drop_level=False)
        frame.columns = frame.columns.get_level_values(level)
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    if "close" not in frame.columns and "adj_close" in frame.columns:
        frame["close"] = frame["adj_close"]
    if "close" not in frame.columns:
        raise FetchError("empty", f"Yahoo Finance returned no close prices for {symbol}.")
    frame = frame.loc[:, [c for c in COLUMNS if c in frame.columns]]
    out = tidy(frame)
    out = out[out["close"] > 0]
    if out.empty:
        raise FetchError("empty", f"Yahoo Finance returned only empty rows for {symbol}.")
    return out


def _price_level(columns: pd.MultiIndex) -> int:
    names = {"open", "high", "low", "close", "adj close", "volume"}
    for level in range(columns.nlevels):
        values = {str(v).lower() for v in columns.get_level_values(level)}
        if values & names:
            return level
    return 0
