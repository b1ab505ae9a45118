"""tools.data: the price sources (Yahoo with cache, CSV, demo, auto), Market and as-of.

Yahoo Finance is replaced at its one seam: ``yfinance.download`` becomes a ``FakeYahoo`` that
returns frames shaped as yfinance 1.x returns them, so tools.yahoo and the cache run for real.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import numpy as np
import pandas as pd
import pytest
from yf_fakes import FakeYahoo, install, price_frame, walk

from tools import assets
from tools.cache import utcnow
from tools.data import (
    AutoSource,
    CsvSource,
    DemoSource,
    Market,
    YahooSource,
    make_source,
    parse_date,
)
from tools.errors import DataUnavailableError, DateRangeError, InputError, UnknownAssetError

SILVER = assets.get("silver")
GOLD = assets.get("gold")
LAST = "2026-03-30"


def history(n: int = 300, end: str = LAST, seed: int = 0) -> pd.DataFrame:
    return price_frame(pd.bdate_range(end=end, periods=n), walk(n, seed=seed))


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_freq=False, check_index_type=False, check_names=False)


def age_cache(source: YahooSource, symbol: str, hours: float) -> None:
    """Pretend the cached copy of ``symbol`` was fetched ``hours`` ago."""
    entry = source.cache.read(symbol)
    source.cache.write(symbol, entry.frame, utcnow() - dt.timedelta(hours=hours))


@pytest.fixture
def fake(monkeypatch):
    return install(monkeypatch, FakeYahoo({"SI=F": history(), "GC=F": history(seed=1)}))


@pytest.fixture
def yahoo_source(tmp_path):
    return YahooSource(tmp_path / "home", retry_wait=0)


# --- Yahoo Finance with cache -----------------------------------------------------------------


def test_cold_fetch_downloads_all_history_once_and_caches_it(fake, yahoo_source):
    series = yahoo_source.history(SILVER)
    assert len(fake.calls) == 1
    assert fake.calls[0].symbol == "SI=F" and fake.calls[0].kwargs.get("period") == "max"
    same(series.frame, fake.histories["SI=F"])
    prov = series.provenance
    assert prov.source == "yfinance" and prov.as_of == LAST
    assert not prov.stale and not prov.synthetic and prov.freshness == "live"
    assert prov.fetched_at and prov.age_hours < 0.01
    same(yahoo_source.cache.read("SI=F").frame, fake.histories["SI=F"])


def test_warm_hit_makes_zero_calls(fake, yahoo_source, tmp_path):
    first = yahoo_source.history(SILVER)
    fake.calls.clear()
    again = yahoo_source.history(SILVER)
    other_process = YahooSource(tmp_path / "home", retry_wait=0).history(SILVER)
    assert fake.calls == []
    same(again.frame, first.frame)
    same(other_process.frame, first.frame)
    assert not other_process.provenance.stale


def test_tail_refresh_makes_one_call_from_near_the_last_cached_bar(fake, yahoo_source):
    full = fake.histories["SI=F"]
    fake.histories["SI=F"] = full.iloc[:-10]  # what Yahoo had at the first download
    yahoo_source.history(SILVER)
    cached_last = full.index[-11]
    age_cache(yahoo_source, "SI=F", hours=yahoo_source.ttl_hours + 1)
    revised = full.copy()
    revised.iloc[-11, revised.columns.get_loc("close")] *= 1.01  # Yahoo revised a provisional close
    fake.histories["SI=F"] = revised
    fake.calls.clear()

    series = yahoo_source.history(SILVER)

    assert len(fake.calls) == 1
    start = fake.calls[0].start
    assert start is not None and "period" not in fake.calls[0].kwargs
    assert cached_last.date() - dt.timedelta(days=7) <= start <= cached_last.date()
    assert len(revised.loc[pd.Timestamp(start) :]) < 20  # only the tail travelled
    same(series.frame, revised)
    assert series.frame.loc[cached_last, "close"] == pytest.approx(
        revised.loc[cached_last, "close"]
    )
    same(yahoo_source.cache.read("SI=F").frame, revised)
    assert series.provenance.as_of == LAST and series.provenance.age_hours < 0.01


def test_refresh_flag_fetches_the_tail_even_when_fresh(fake, yahoo_source):
    yahoo_source.history(SILVER)
    fake.calls.clear()
    series = yahoo_source.history(SILVER, refresh=True)
    assert len(fake.calls) == 1 and fake.calls[0].start is not None
    same(series.frame, fake.histories["SI=F"])


def test_network_error_serves_stale_cache_marked_with_its_age(fake, yahoo_source):
    cached = yahoo_source.history(SILVER).frame
    age_cache(yahoo_source, "SI=F", hours=72)
    fake.default = "dns"
    fake.calls.clear()

    series = yahoo_source.history(SILVER)

    assert len(fake.calls) == 1
    same(series.frame, cached)
    prov = series.provenance
    assert prov.stale and prov.freshness == "stale"
    assert prov.age_hours == pytest.approx(72, abs=0.1)
    assert "3.0 days" in prov.notice and LAST in prov.notice
    assert "could not be reached" in prov.notice
    assert "STALE" in prov.label() and "3.0 days" in prov.label()
    # An offline session fails fast: the next request does not wait on the network again.
    again = yahoo_source.history(SILVER)
    assert len(fake.calls) == 1 and again.provenance.stale


def test_stale_notice_gives_hours_for_a_recent_cache(fake, yahoo_source):
    yahoo_source.history(SILVER)
    age_cache(yahoo_source, "SI=F", hours=13)
    fake.default = "dns"
    notice = yahoo_source.history(SILVER).provenance.notice
    assert "13.0 hours" in notice


def test_network_error_with_nothing_cached_is_a_clear_input_error(fake, yahoo_source):
    fake.default = "dns"
    with pytest.raises(DataUnavailableError) as err:
        yahoo_source.history(SILVER)
    message = str(err.value)
    assert "could not be reached" in message and "No cached data for Silver" in message
    assert "--data demo" in message


def test_empty_tail_means_nothing_new(fake, yahoo_source):
    cached = yahoo_source.history(SILVER).frame
    age_cache(yahoo_source, "SI=F", hours=30)
    fake.script = ["no_data"]
    fake.calls.clear()
    series = yahoo_source.history(SILVER)
    assert len(fake.calls) == 1
    same(series.frame, cached)
    assert not series.provenance.stale
    assert yahoo_source.cache.read("SI=F").age_hours < 0.01  # checked just now
    fake.calls.clear()
    yahoo_source.history(SILVER)
    assert fake.calls == []


def test_empty_frame_with_nothing_cached_raises(fake, yahoo_source):
    fake.script = ["no_data"]
    with pytest.raises(DataUnavailableError, match="no data"):
        yahoo_source.history(SILVER)
    assert yahoo_source.cache.read("SI=F") is None


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(["rate_limit_raise", "rate_limit_raise"], id="raised-twice"),
        pytest.param(["rate_limit_log", "rate_limit_raise"], id="logged-then-raised"),
    ],
)
def test_rate_limit_is_retried_then_succeeds(fake, yahoo_source, script):
    fake.script = list(script)
    series = yahoo_source.history(SILVER)
    assert len(fake.calls) == 3
    same(series.frame, fake.histories["SI=F"])
    assert not series.provenance.stale


def test_rate_limit_retries_back_off_exponentially(fake, tmp_path, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)  # tenacity sleeps through time.sleep
    fake.script = ["rate_limit_raise", "rate_limit_log"]
    YahooSource(tmp_path / "h", retry_wait=0.5).history(SILVER)
    assert waits == [0.5, 1.0]


def test_persistent_rate_limit_gives_up_after_the_retries(fake, yahoo_source):
    cached = yahoo_source.history(SILVER).frame
    age_cache(yahoo_source, "SI=F", hours=48)
    fake.default = "rate_limit_raise"
    fake.calls.clear()
    series = yahoo_source.history(SILVER)
    assert len(fake.calls) == yahoo_source.retries
    assert series.provenance.stale and "rate-limiting" in series.provenance.notice
    same(series.frame, cached)
    fresh = YahooSource(yahoo_source.home / "other", retry_wait=0)
    with pytest.raises(DataUnavailableError, match="rate-limiting"):
        fresh.history(GOLD)


@pytest.mark.parametrize(
    "tz, ignore_tz",
    [
        pytest.param(None, True, id="naive-index"),
        pytest.param("America/New_York", True, id="exchange-zone-dropped"),
        pytest.param("America/New_York", False, id="tz-aware-new-york"),
        pytest.param("UTC", False, id="tz-aware-utc"),
        pytest.param("Asia/Tokyo", False, id="tz-aware-tokyo"),
    ],
)
def test_yfinance_index_shapes_give_the_same_calendar_dates(monkeypatch, tmp_path, tz, ignore_tz):
    truth = history(60)
    fake = install(monkeypatch, FakeYahoo({"SI=F": truth}, tz=tz, ignore_tz=ignore_tz))
    series = YahooSource(tmp_path, retry_wait=0).history(SILVER)
    assert len(fake.calls) == 1
    assert series.frame.index.tz is None
    same(series.frame, truth)


def test_nan_rows_from_yfinance_are_not_cached(monkeypatch, tmp_path):
    truth = history(40)
    served = truth.copy()
    served.iloc[[5, 17], served.columns.get_loc("close")] = np.nan
    served.iloc[25, :4] = np.nan  # a bar with a volume and no prices
    install(monkeypatch, FakeYahoo({"SI=F": served}))
    source = YahooSource(tmp_path, retry_wait=0)
    series = source.history(SILVER)
    expected = truth.drop(truth.index[[5, 17, 25]])
    same(series.frame, expected)
    same(source.cache.read("SI=F").frame, expected)


def test_one_download_when_two_threads_ask_at_once(fake, yahoo_source):
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(yahoo_source.history(SILVER)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len(fake.calls) == 1


# --- as-of ------------------------------------------------------------------------------------


def test_as_of_covered_by_the_cache_makes_no_call_even_when_old(fake, yahoo_source):
    yahoo_source.history(SILVER)
    age_cache(yahoo_source, "SI=F", hours=24 * 30)
    fake.calls.clear()
    series = Market(yahoo_source, as_of=dt.date(2026, 3, 1)).series("silver")
    assert fake.calls == []
    assert series.last_date == dt.date(2026, 2, 27)  # the last weekday on or before
    assert series.provenance.as_of == "2026-02-27" and not series.provenance.stale


def test_as_of_past_the_cache_fetches_the_tail(fake, yahoo_source):
    yahoo_source.history(SILVER)
    age_cache(yahoo_source, "SI=F", hours=24 * 30)
    fake.calls.clear()
    Market(yahoo_source, as_of=dt.date(2026, 4, 2), today=dt.date(2026, 4, 3)).series("silver")
    assert len(fake.calls) == 1 and fake.calls[0].start is not None


def test_as_of_with_auto_source_and_cache_makes_no_call(fake, yahoo_source):
    yahoo_source.history(SILVER)
    age_cache(yahoo_source, "SI=F", hours=24 * 30)
    fake.calls.clear()
    series = Market(AutoSource(yahoo_source), as_of=dt.date(2026, 1, 23)).series("xag")
    assert fake.calls == [] and series.last_date == dt.date(2026, 1, 23)


# --- auto -------------------------------------------------------------------------------------


def test_auto_falls_back_to_demo_with_a_notice_when_offline_and_nothing_cached(fake, yahoo_source):
    fake.default = "dns"
    series = AutoSource(yahoo_source).history(SILVER)
    prov = series.provenance
    assert prov.synthetic and prov.source == "demo"
    assert "synthetic demo data" in prov.label()
    assert "unreachable" in prov.notice and "synthetic demo data" in prov.notice
    same(series.frame, DemoSource().history(SILVER).frame)


def test_auto_prefers_the_stale_cache_to_demo(fake, yahoo_source):
    cached = yahoo_source.history(SILVER).frame
    age_cache(yahoo_source, "SI=F", hours=100)
    fake.default = "dns"
    series = AutoSource(yahoo_source).history(SILVER)
    assert series.provenance.stale and not series.provenance.synthetic
    same(series.frame, cached)


def test_auto_has_no_demo_for_an_arbitrary_ticker(fake, yahoo_source):
    fake.default = "dns"
    market = Market(AutoSource(yahoo_source))
    with pytest.raises(DataUnavailableError, match="AAPL"):
        market.series("AAPL")


def test_live_source_accepts_any_ticker_and_demo_does_not(fake, yahoo_source):
    fake.histories["^N225"] = history(30)
    series = Market(yahoo_source).series("^N225")
    assert fake.calls[-1].symbol == "^N225" and series.asset.symbol == "^N225"
    assert len(series.frame) == 30
    with pytest.raises(UnknownAssetError):
        Market(DemoSource()).series("^N225")


# --- demo and CSV -----------------------------------------------------------------------------


def test_demo_source_is_synthetic_and_says_so():
    series = DemoSource().history(SILVER)
    prov = series.provenance
    assert prov.source == "demo" and prov.synthetic and prov.freshness == "synthetic"
    assert "synthetic demo data" in prov.label()
    assert prov.as_of == series.last_date.isoformat()


def test_demo_source_has_nothing_for_a_raw_ticker():
    with pytest.raises(DataUnavailableError, match="demo data has no series"):
        DemoSource().history(assets.resolve("AAPL", allow_ticker=True))


def write_csv(path, n=5, end="2024-01-08", close=10.0):
    dates = pd.bdate_range(end=end, periods=n)
    rows = "".join(f"{d.date()},{close + i}\n" for i, d in enumerate(dates))
    path.write_text("date,close\n" + rows)


@pytest.mark.parametrize(
    "filename, key",
    [
        ("silver.csv", "silver"),
        ("Silver.CSV", "silver"),
        ("xag.csv", "silver"),
        ("SI=F.csv", "silver"),
        ("btc.csv", "bitcoin"),
        ("BTC-USD.csv", "bitcoin"),
        ("bitcoin.csv", "bitcoin"),
        ("^GSPC.csv", "sp500"),
        ("spx.csv", "sp500"),
        ("s&p 500.csv", "sp500"),
        ("DX-Y.NYB.csv", "dxy"),
        ("the dollar.csv", "dxy"),
        ("10y.csv", "us10y"),
        ("gold.csv", "gold"),
    ],
)
def test_csv_file_found_by_key_alias_or_symbol(tmp_path, filename, key):
    write_csv(tmp_path / filename)
    (tmp_path / "notes.txt").write_text("not prices")
    (tmp_path / "silver_tail_intraday_snapshots.csv").write_text("date,close\n2024-01-02,1\n")
    source = CsvSource(tmp_path)
    assert source.files() == {key: tmp_path / filename}
    series = Market(source).series(key)
    assert len(series.frame) == 5
    assert series.provenance.source == "csv" and series.provenance.location == str(
        tmp_path / filename
    )
    assert not series.provenance.synthetic and not series.provenance.stale


def test_csv_source_missing_asset_names_what_is_there(tmp_path):
    write_csv(tmp_path / "btc.csv")
    write_csv(tmp_path / "gold.csv")
    with pytest.raises(DataUnavailableError) as err:
        Market(CsvSource(tmp_path)).series("silver")
    message = str(err.value)
    assert "silver.csv" in message and "bitcoin, gold" in message


def test_csv_source_passes_on_what_validation_dropped(tmp_path):
    (tmp_path / "silver.csv").write_text(
        "date,close\n2024-01-02,1\n2024-01-03,null\n2024-01-04,\n2024-01-05,3\n"
    )
    series = CsvSource(tmp_path).history(SILVER)
    assert len(series.frame) == 2
    assert "2 rows without a numeric close dropped" in series.provenance.notice


def test_csv_source_requires_an_existing_directory(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        CsvSource(tmp_path / "missing")


# --- make_source, parse_date, Market ------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, kind",
    [
        (None, AutoSource),
        ("auto", AutoSource),
        (" AUTO ", AutoSource),
        ("yfinance", YahooSource),
        ("yahoo", YahooSource),
        ("demo", DemoSource),
        ("Demo", DemoSource),
        ("csv:{tmp}", CsvSource),
    ],
)
def test_make_source(tmp_path, spec, kind):
    source = make_source(spec.format(tmp=tmp_path) if spec else spec, home=tmp_path)
    assert isinstance(source, kind)


@pytest.mark.parametrize("spec", ["", "bloomberg", "csv:", "csv", "file:/tmp", "../../etc"])
def test_make_source_rejects_unknown_specs(tmp_path, spec):
    if spec == "":
        assert isinstance(make_source(spec, home=tmp_path), AutoSource)  # empty means default
        return
    with pytest.raises(InputError) as err:
        make_source(spec, home=tmp_path)
    assert "auto, yfinance, demo or csv:DIR" in str(err.value)


def test_the_live_source_caches_in_the_home_the_settings_read(tmp_path, monkeypatch):
    from assistant.config import Settings

    monkeypatch.setenv("MARKET_ASSISTANT_HOME", str(tmp_path / "env-home"))
    source = Settings.from_env(data="yfinance").source()
    assert source.cache.root == tmp_path / "env-home" / "prices"
    with pytest.raises(ValueError, match="data directory"):  # the tools layer never guesses a home
        make_source("yfinance")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-01-23", dt.date(2026, 1, 23)),
        (" 2026-01-23 ", dt.date(2026, 1, 23)),
        (None, None),
        ("", None),
        (dt.date(2020, 2, 29), dt.date(2020, 2, 29)),
        (dt.datetime(2020, 2, 29, 13, 0), dt.date(2020, 2, 29)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "23/01/2026", "yesterday", "2026-1"])
def test_parse_date_rejects_bad_dates(text):
    with pytest.raises(DateRangeError, match="use YYYY-MM-DD"):
        parse_date(text, "as-of date")


def test_market_rejects_a_future_as_of():
    with pytest.raises(DateRangeError, match="in the future"):
        Market(DemoSource(), as_of=dt.date(2026, 5, 2), today=dt.date(2026, 5, 1))


def test_market_as_of_before_the_first_bar():
    with pytest.raises(DateRangeError, match="starts on 2014-01-02"):
        Market(DemoSource(), as_of=dt.date(2000, 1, 1)).series("silver")


def test_market_truncates_and_memoises():
    market = Market(DemoSource(), as_of=dt.date(2020, 6, 6))  # a Saturday
    series = market.series("silver")
    assert series.last_date == dt.date(2020, 6, 5)
    assert series.provenance.as_of == "2020-06-05" and series.provenance.synthetic
    assert (series.frame.index <= pd.Timestamp("2020-06-06")).all()
    assert market.series("xag") is series
    full = Market(DemoSource()).series("silver")
    same(series.frame, full.frame.loc[:"2020-06-05"])


def test_market_memo_expires_so_a_long_running_app_sees_new_bars():
    from tools.data import DemoSource, Market

    fresh = Market(DemoSource(), memo_seconds=0)
    assert fresh.series("silver") is not fresh.series("silver")
    kept = Market(DemoSource())
    assert kept.series("silver") is kept.series("silver")
