"""The real price histories in ../shared/market-data load correctly (skipped when absent)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tools import assets
from tools.csvfile import read_price_csv
from tools.data import CsvSource, Market

pytestmark = pytest.mark.realdata

# file -> (asset key, rows, first bar, last bar), as SOURCES.md describes the main files.
MAIN_FILES = {
    "silver": ("silver", 6420, "2000-08-30", "2026-03-30"),
    "gold": ("gold", 6418, "2000-08-30", "2026-03-30"),
    "btc": ("bitcoin", 4189, "2014-09-17", "2026-03-06"),
    "spx": ("sp500", 24777, "1927-12-30", "2026-08-21"),
    "dxy": ("dxy", 6628, "2000-01-03", "2026-03-30"),
}


@pytest.mark.parametrize("stem", list(MAIN_FILES))
def test_each_main_file_loads_through_the_csv_source(market_data, stem):
    key, rows, first, last = MAIN_FILES[stem]
    source = CsvSource(market_data)
    assert source.files()[key].name == f"{stem}.csv"
    series = Market(source).series(key)
    frame = series.frame
    raw = pd.read_csv(market_data / f"{stem}.csv")
    assert len(frame) == rows == len(raw)
    assert series.first_date.isoformat() == first and series.last_date.isoformat() == last
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert (frame["close"] > 0).all()
    np.testing.assert_allclose(frame["close"].to_numpy(), raw["close"].to_numpy())
    prov = series.provenance
    assert prov.source == "csv" and prov.as_of == last and not prov.synthetic and not prov.stale


def test_silver_matches_the_issue(market_data):
    series = Market(CsvSource(market_data)).series("silver")
    assert len(series.frame) == 6420
    assert series.first_date == dt.date(2000, 8, 30)
    assert series.last_date == dt.date(2026, 3, 30)
    assert series.close.iloc[-1] == pytest.approx(70.324, abs=1e-3)


def test_as_of_ends_silver_on_its_first_close_above_100(market_data):
    series = Market(CsvSource(market_data), as_of=dt.date(2026, 1, 23)).series("xag")
    assert series.last_date == dt.date(2026, 1, 23)
    assert series.close.iloc[-1] == pytest.approx(100.925, abs=1e-3)
    assert series.provenance.as_of == "2026-01-23"
    assert series.close.iloc[:-1].max() < 100  # the first close at or above $100


def test_bitcoin_trades_every_day_and_the_others_do_not(market_data):
    source = CsvSource(market_data)
    btc = Market(source).series("btc").frame.index
    assert (btc.day_of_week >= 5).sum() > 1000
    assert (np.diff(btc.values).astype("timedelta64[D]").astype(int) == 1).all()
    silver = Market(source).series("silver").frame.index
    assert (silver.day_of_week < 5).all()


def test_spx_zero_opens_are_blanked_not_rejected(market_data):
    frame, report = read_price_csv(market_data / "spx.csv")
    raw = pd.read_csv(market_data / "spx.csv")
    assert report.blanked_ohl == int((raw[["open", "high", "low"]] == 0).sum().sum()) > 0
    assert frame["open"].isna().sum() == int((raw["open"] == 0).sum())


def test_tail_and_supplementary_files_are_not_taken_for_main_assets(market_data):
    files = CsvSource(market_data).files()
    assert {p.name for p in files.values()} == {f"{stem}.csv" for stem in MAIN_FILES}
    assert set(files) == {key for key, *_ in MAIN_FILES.values()}
    assert assets.lookup("silver_tail_intraday_snapshots") is None
