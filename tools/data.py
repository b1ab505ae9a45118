"""Price sources behind one interface, and the as-of truncation every answer goes through.

Sources (``--data`` / ``MARKET_ASSISTANT_DATA``):

- ``yfinance``: Yahoo Finance through :mod:`tools.yahoo`, persisted in :mod:`tools.cache`.
  Data the cache already holds is served with no network call; a refresh fetches only the
  missing tail; a failed download serves the cache marked stale, with its age.
- ``csv:DIR``: one CSV per asset, found by key, alias or symbol (``btc.csv``, ``SI=F.csv``).
- ``demo``: the bundled synthetic dataset (:mod:`tools.demo`).
- ``auto`` (default): yfinance with cache; with no network and nothing cached, demo, saying so.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import pandas as pd

from tools import assets, demo, yahoo
from tools.assets import Asset
from tools.cache import PriceCache, utcnow
from tools.csvfile import read_price_csv
from tools.errors import DataUnavailableError, DateRangeError, InputError
from tools.results import Provenance, age_text
from tools.symbols import SymbolFinder, resolve_name

SOURCE_CHOICES = "auto, yfinance, demo or csv:DIR"
DEFAULT_TTL_HOURS = 12.0


@dataclass(frozen=True, eq=False)
class PriceSeries:
    """A price frame with the asset it belongs to and where it came from."""

    asset: Asset
    frame: pd.DataFrame
    provenance: Provenance

    @property
    def close(self) -> pd.Series:
        return self.frame["close"]

    @property
    def first_date(self) -> dt.date:
        return self.frame.index[0].date()

    @property
    def last_date(self) -> dt.date:
        return self.frame.index[-1].date()

    def truncate(self, as_of: dt.date | None) -> PriceSeries:
        """Bars on or before ``as_of``; raises when as-of is before the first bar."""
        if as_of is None:
            return self
        if self.frame.empty or pd.Timestamp(as_of) < self.frame.index[0]:
            start = self.first_date.isoformat() if not self.frame.empty else "nowhere"
            raise DateRangeError(
                f"{self.asset.name} data starts on {start}; choose an as-of date on or after it."
            )
        cut = self.frame.loc[: pd.Timestamp(as_of)]
        prov = replace(self.provenance, as_of=cut.index[-1].date().isoformat())
        return PriceSeries(self.asset, cut, prov)


class PriceSource(Protocol):
    """Anything that returns a :class:`PriceSeries` for an asset."""

    name: str
    live: bool  # accepts arbitrary Yahoo tickers

    def history(self, asset: Asset, refresh: bool = False) -> PriceSeries: ...


class DemoSource:
    name = "demo"
    live = False

    def history(self, asset: Asset, refresh: bool = False) -> PriceSeries:
        if not demo.available(asset):
            raise DataUnavailableError(
                f"The demo data has no series for '{asset.key}'. Demo assets:"
                f" {', '.join(assets.keys())}.",
                options=assets.keys(),
            )
        frame = demo.history(asset)
        prov = Provenance(
            source="demo",
            as_of=frame.index[-1].date().isoformat(),
            synthetic=True,
            notice="These are synthetic demo prices, not real market history.",
        )
        return PriceSeries(asset, frame, prov)


class CsvSource:
    live = False

    def __init__(self, directory: Path | str):
        self.directory = Path(directory).expanduser()
        self.name = f"csv:{directory}"
        if not self.directory.is_dir():
            raise InputError(
                f"CSV directory '{directory}' does not exist; pass --data csv:DIR with a "
                "folder holding one CSV per asset (e.g. silver.csv, btc.csv)."
            )

    def files(self) -> dict[str, Path]:
        """Registry key -> CSV path, for every file named after an asset."""
        found: dict[str, Path] = {}
        for path in sorted(self.directory.iterdir()):
            if path.suffix.lower() == ".csv" and path.is_file():
                hit = assets.lookup(path.stem)
                if hit is not None and hit.key not in found:
                    found[hit.key] = path
        return found

    def history(self, asset: Asset, refresh: bool = False) -> PriceSeries:
        path = self.files().get(asset.key)
        if path is None:
            names = ", ".join(sorted(self.files())) or "none"
            raise DataUnavailableError(
                f"No CSV for {asset.name} in {self.directory}; name it {asset.key}.csv (or an alias"
                f" such as {(asset.aliases or (asset.symbol,))[0]}.csv). Assets found there:"
                f" {names}."
            )
        frame, report = read_price_csv(path)
        note = report.summary() or None
        prov = Provenance(
            source="csv", as_of=frame.index[-1].date().isoformat(), location=str(path), notice=note
        )
        return PriceSeries(asset, frame, prov)


class _NetworkState:
    """Remembers a failed download for a minute so an offline session fails fast."""

    def __init__(self, hold_seconds: float = 60.0):
        self.hold = hold_seconds
        self._down_until = 0.0
        self._lock = threading.Lock()

    def down(self) -> bool:
        return time.monotonic() < self._down_until

    def mark_down(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.hold

    def mark_up(self) -> None:
        with self._lock:
            self._down_until = 0.0


class YahooSource:
    name = "yfinance"
    live = True

    def __init__(
        self,
        home: Path | str,
        ttl_hours: float = DEFAULT_TTL_HOURS,
        retries: int = 3,
        retry_wait: float = 1.0,
        network: _NetworkState | None = None,
    ):
        self.home = Path(home)
        self.cache = PriceCache(self.home / "prices")
        self.ttl_hours = ttl_hours
        self.retries = retries
        self.retry_wait = retry_wait
        self.network = network or _NetworkState()
        self.symbols = SymbolFinder(self.home / "symbols.json", self.network)  # company names
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, symbol: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(symbol, threading.Lock())

    def history(
        self, asset: Asset, refresh: bool = False, as_of: dt.date | None = None
    ) -> PriceSeries:
        with self._lock(asset.symbol), self.cache.lock(asset.symbol):  # threads, processes
            entry = self.cache.read(asset.symbol)
            if entry is not None and not refresh and self._covers(entry, as_of):
                return self._series(asset, entry.frame, entry.fetched_at, stale=False)
            if self.network.down() and entry is not None:
                return self._stale(asset, entry, "Yahoo Finance was unreachable a moment ago")
            start = None
            if entry is not None and not entry.frame.empty:
                # Re-fetch a few days before the last bar so revised closes replace provisional
                # ones.
                start = entry.frame.index[-1].date() - dt.timedelta(days=5)
            try:
                fresh = self._download(asset.symbol, start)
            except yahoo.FetchError as exc:
                if exc.kind != "empty":
                    self.network.mark_down()
                if entry is not None:
                    if exc.kind == "empty" and start is not None:  # nothing new since the last bar
                        self.cache.write(asset.symbol, entry.frame)
                        return self._series(asset, entry.frame, utcnow(), stale=False)
                    return self._stale(asset, entry, str(exc))
                damage = self.cache.damage(asset.symbol)
                cached = (
                    f"No cached data for {asset.name} either"
                    if damage is None
                    else f"The cached prices for {asset.name} cannot be used: {damage}"
                )
                raise DataUnavailableError(
                    f"{exc} {cached}; try again later, or use --data demo or --data csv:DIR."
                ) from exc
            self.network.mark_up()
            merged = fresh if entry is None else _merge(entry.frame, fresh)
            fetched = utcnow()
            self.cache.write(asset.symbol, merged, fetched)
            return self._series(asset, merged, fetched, stale=False)

    def _covers(self, entry, as_of: dt.date | None) -> bool:
        if entry.frame.empty:
            return False
        if as_of is not None and entry.frame.index[-1].date() >= as_of:
            return True  # a past as-of the cache already reaches needs nothing new
        return entry.age_hours < self.ttl_hours

    def _download(self, symbol: str, start: dt.date | None) -> pd.DataFrame:
        from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

        def transient(exc: BaseException) -> bool:
            return isinstance(exc, yahoo.FetchError) and exc.kind == "rate_limit"

        @retry(
            retry=retry_if_exception(transient),
            stop=stop_after_attempt(self.retries),
            wait=wait_exponential(multiplier=self.retry_wait, max=30),
            reraise=True,
        )
        def attempt() -> pd.DataFrame:
            raw = yahoo.download(symbol, start, cache_dir=self.home / "yfinance-tz")
            return yahoo.normalise(raw, symbol)

        return attempt()

    def _series(
        self,
        asset: Asset,
        frame: pd.DataFrame,
        fetched: dt.datetime,
        stale: bool,
        notice: str | None = None,
    ) -> PriceSeries:
        age = (utcnow() - fetched).total_seconds() / 3600
        prov = Provenance(
            source="yfinance",
            as_of=frame.index[-1].date().isoformat(),
            fetched_at=fetched.isoformat(timespec="seconds"),
            stale=stale,
            location=str(self.cache.path(asset.symbol)),
            notice=notice,
            age_hours=round(age, 3),
        )
        return PriceSeries(asset, frame, prov)

    def _stale(self, asset: Asset, entry, reason: str) -> PriceSeries:
        notice = (
            f"{reason.rstrip('.')}; showing cached data fetched {age_text(entry.age_hours)} ago "
            f"(last bar {entry.frame.index[-1].date().isoformat()})."
        )
        return self._series(asset, entry.frame, entry.fetched_at, stale=True, notice=notice)


def _merge(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Old bars with the new ones laid over them (new wins on shared dates)."""
    combined = pd.concat([old[old.index < new.index[0]], new])
    return combined[~combined.index.duplicated(keep="last")].sort_index()


class AutoSource:
    """Yahoo Finance with cache; falls back to demo data, with a notice, when nothing else
    exists."""

    name = "auto"
    live = True

    def __init__(self, yahoo_source: YahooSource):
        self.yahoo = yahoo_source
        self.symbols = yahoo_source.symbols
        self.demo = DemoSource()

    def history(
        self, asset: Asset, refresh: bool = False, as_of: dt.date | None = None
    ) -> PriceSeries:
        try:
            return self.yahoo.history(asset, refresh=refresh, as_of=as_of)
        except DataUnavailableError as exc:
            if not demo.available(asset):
                raise
            series = self.demo.history(asset)
            damage = self.yahoo.cache.damage(asset.symbol)
            cached = f"nothing is cached for {asset.name}" if damage is None else damage
            notice = (
                f"Yahoo Finance is unreachable and {cached}, so this uses"
                " synthetic demo data, not real prices."
            )
            del exc
            return PriceSeries(asset, series.frame, replace(series.provenance, notice=notice))


def make_source(spec: str | None, home: Path | str | None = None) -> PriceSource:
    """The source named by ``spec``: auto, yfinance, demo or csv:DIR.

    ``home`` is the data directory that holds the Yahoo Finance cache; the live sources need it
    (the caller reads it from the settings: this layer never reads the environment).
    """
    spec = (spec or "auto").strip()
    low = spec.lower()
    if low in ("auto", "yfinance", "yahoo", "live"):
        if home is None:
            raise ValueError("make_source: the live sources need the data directory (home)")
        live = YahooSource(Path(home))
        return AutoSource(live) if low == "auto" else live
    if low == "demo":
        return DemoSource()
    if low.startswith("csv:") and len(spec) > 4:
        return CsvSource(spec[4:])
    raise InputError(
        f"Unknown data source '{assets.printable(spec)}'; use {SOURCE_CHOICES}.",
        options=["auto", "yfinance", "demo", "csv:DIR"],
    )


def parse_date(text: str | dt.date | None, what: str = "date") -> dt.date | None:
    """An ISO date (YYYY-MM-DD) or None; a clear error otherwise."""
    if text is None or text == "":
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise DateRangeError(
            f"Bad {what} '{assets.printable(str(text))}'; use YYYY-MM-DD, e.g. 2026-01-23."
        ) from exc


class Market:
    """Resolves names and serves as-of-truncated series from one source, memoised per instance.

    This is what the analyses and the assistant use: ``Market(source, as_of).series("silver")``.
    """

    def __init__(
        self,
        source: PriceSource,
        as_of: dt.date | None = None,
        today: dt.date | None = None,
        memo_seconds: float = 300.0,
    ):
        self.source = source
        # A long-running app must see new bars: memoised series are re-read after this long
        # (a re-read of a fresh cache costs about a millisecond and makes no network call).
        self.memo_seconds = memo_seconds
        today = today or dt.date.today()
        if as_of is not None and as_of > today:
            raise DateRangeError(
                f"The as-of date {as_of.isoformat()} is in the future; use a date on "
                f"or before today ({today.isoformat()})."
            )
        self.as_of = as_of
        self._memo: dict[str, tuple[float, PriceSeries]] = {}
        self._lock = threading.Lock()

    def resolve(self, name: str) -> Asset:
        return resolve_name(self.source, name)

    def series(self, name: str | Asset, refresh: bool = False) -> PriceSeries:
        asset = name if isinstance(name, Asset) else self.resolve(name)
        with self._lock:
            hit = self._memo.get(asset.key)
        if hit is not None and not refresh and time.monotonic() - hit[0] < self.memo_seconds:
            return hit[1]
        if isinstance(self.source, (YahooSource, AutoSource)):
            full = self.source.history(asset, refresh=refresh, as_of=self.as_of)
        else:
            full = self.source.history(asset, refresh=refresh)
        out = full.truncate(self.as_of)
        with self._lock:
            self._memo[asset.key] = (time.monotonic(), out)
        return out
