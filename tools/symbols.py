"""Names to assets for a source: the registry first, then (live source only) Yahoo's own symbol
search for company and fund names ("Tesla" -> TSLA), cached on disk.

A name no source can serve gets an error that says what the source has instead, e.g. "'Tesla'
is not in your CSV folder; it has btc, gold, silver."
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from pathlib import Path

from tools import assets, yahoo
from tools.assets import CRYPTO, EXCHANGE, Asset
from tools.errors import UnknownAssetError
from tools.files import write_text

NEGATIVE_TTL = dt.timedelta(days=1)  # a name Yahoo did not know is asked again after this
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 .&'\-]{1,39}$")


class SymbolFinder:
    """Yahoo's symbol search behind a JSON cache (one file per data directory).

    Found names are kept for good; names Yahoo did not know are asked again after a day; a
    failed search (network) is not cached, so it is retried once the network is back.
    """

    def __init__(self, path: Path | str, network=None):
        self.path = Path(path)
        self.network = network  # the source's _NetworkState: an offline session fails fast
        self._lock = threading.Lock()

    def find(self, name: str) -> Asset | None:
        """The asset Yahoo's search finds for ``name``, or None."""
        text = " ".join(str(name or "").split())
        if not _NAME.match(text):
            return None
        key = text.lower()
        with self._lock:
            cache = self._read()
            hit = cache.get(key)
            if hit is not None and (hit.get("symbol") or not _expired(hit)):
                return _asset(hit) if hit.get("symbol") else None
            if self.network is not None and self.network.down():
                return None
            try:
                found = yahoo.search(text)
            except yahoo.FetchError as exc:
                if exc.kind != "empty" and self.network is not None:
                    self.network.mark_down()
                return None
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            entry = {**found[0], "at": now} if found else {"symbol": None, "at": now}
            cache[key] = entry
            self._write(cache)
        return _asset(entry) if found else None

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, cache: dict) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, json.dumps(cache, indent=1, sort_keys=True))
        except OSError:
            pass  # an unwritable cache costs only a repeated search


def _expired(entry: dict) -> bool:
    try:
        at = dt.datetime.fromisoformat(str(entry.get("at")))
    except ValueError:
        return True
    return dt.datetime.now(dt.UTC) - at > NEGATIVE_TTL


def _asset(entry: dict) -> Asset:
    symbol = str(entry["symbol"])
    return Asset(
        key=symbol,
        name=str(entry.get("name") or symbol),
        symbol=symbol,
        registered=False,
        calendar=CRYPTO if entry.get("type") == "CRYPTOCURRENCY" else EXCHANGE,
    )


def resolve_name(source, name: str) -> Asset:
    """The asset ``name`` means for ``source``: registry, then ticker or company name (live).

    Raises:
        UnknownAssetError: saying what the source has instead.
    """
    try:
        return assets.resolve(name, allow_ticker=source.live)
    except UnknownAssetError as exc:
        finder = getattr(source, "symbols", None)
        found = finder.find(name) if finder is not None else None
        if found is not None:
            return found
        files = getattr(source, "files", None)
        if files is None:
            raise
        have = sorted(files())
        shown = assets.printable(name)
        listed = ", ".join(have) or "no asset files"
        raise UnknownAssetError(
            f"'{shown}' is not in your CSV folder ({source.directory}); it has {listed}.",
            options=have,
        ) from exc
