"""tools.yahoo: the one seam to yfinance, its failure classification and frame normalisation.

``yfinance.download`` is replaced by fakes from ``yf_fakes`` that build their frames the way
yfinance 1.x does; the first tests check that claim against yfinance's own assembly code.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings

import numpy as np
import pandas as pd
import pytest
import yf_fakes
from yf_fakes import FakeYahoo, install, price_frame, yf_empty, yf_frame

from tools import yahoo
from tools.frames import COLUMNS
from tools.yahoo import FetchError

DATES = ["2026-03-23", "2026-03-24", "2026-03-25", "2026-03-26", "2026-03-27", "2026-03-30"]
CLOSES = [70.1, 71.2, 69.8, 72.4, 73.0, 70.324]


def _real_download(monkeypatch, history=None, error=None, ignore_tz=None):
    """Run yfinance's real ``download`` with only ``Ticker`` replaced (no network is touched)."""
    import yfinance
    import yfinance.multi as multi

    class OneTicker:
        def __init__(self, ticker, *a, **k):
            self.ticker = ticker
            self._price_history = None

        def history(self, **kwargs):
            if error is not None:
                raise error
            return history.copy()

    monkeypatch.setattr(multi, "Ticker", OneTicker)
    with warnings.catch_warnings():  # pandas deprecation warnings from yfinance's own code
        warnings.simplefilter("ignore")
        return yfinance.download(
            "SI=F",
            period="max",
            interval="1d",
            auto_adjust=False,
            actions=False,
            progress=False,
            threads=False,
            multi_level_index=True,
            ignore_tz=ignore_tz,
        )


# --- the fakes are shaped exactly like yfinance's own output ---------------------------------


@pytest.mark.parametrize(
    "tz, ignore_tz",
    [
        pytest.param("America/New_York", None, id="daily-default-tz-dropped"),
        pytest.param("America/New_York", False, id="tz-aware-exchange-zone"),
        pytest.param("UTC", False, id="tz-aware-utc-crypto"),
    ],
)
def test_fake_frame_matches_yfinance_assembly(monkeypatch, tz, ignore_tz):
    truth = price_frame(DATES, CLOSES)
    per_ticker = yf_fakes.history_frame(truth, tz=tz)
    real = _real_download(monkeypatch, history=per_ticker, ignore_tz=ignore_tz)
    fake = yf_frame("SI=F", truth, tz=tz, ignore_tz=ignore_tz is None)
    pd.testing.assert_frame_equal(fake, real)
    assert list(real.columns.names) == ["Price", "Ticker"]
    assert real.index.name == "Date"
    assert "Adj Close" in real.columns.get_level_values("Price")
    assert (real.index.tz is None) == (ignore_tz is None)


def test_fake_failure_matches_yfinance_empty_frame_and_log(monkeypatch, caplog):
    with caplog.at_level(logging.ERROR, logger="yfinance"):
        real = _real_download(monkeypatch, error=ConnectionError("Could not resolve host"))
    pd.testing.assert_frame_equal(yf_empty("SI=F"), real)
    assert real.empty and isinstance(real.columns, pd.MultiIndex)
    assert any("['SI=F']: ConnectionError(" in r.getMessage() for r in caplog.records)


# --- normalise: yfinance's shapes into the project's price frame -----------------------------


def test_normalise_multiindex_columns_into_project_frame():
    truth = price_frame(DATES, CLOSES)
    out = yahoo.normalise(yf_frame("SI=F", truth), "SI=F")
    assert list(out.columns) == COLUMNS
    assert out.index.name == "date" and out.index.tz is None
    assert list(out.index.date) == [dt.date.fromisoformat(d) for d in DATES]
    np.testing.assert_allclose(out["close"], CLOSES)


def test_normalise_uses_close_not_adj_close():
    raw = yf_frame("SI=F", price_frame(DATES, CLOSES))
    raw[("Adj Close", "SI=F")] = raw[("Adj Close", "SI=F")] * 0.5
    out = yahoo.normalise(raw, "SI=F")
    np.testing.assert_allclose(out["close"], CLOSES)


@pytest.mark.parametrize("tz", ["America/New_York", "UTC", "Asia/Tokyo", "Europe/London"])
def test_normalise_tz_aware_index_keeps_exchange_calendar_dates(tz):
    raw = yf_frame("X", price_frame(DATES, CLOSES), tz=tz, ignore_tz=False)
    assert raw.index.tz is not None
    out = yahoo.normalise(raw, "X")
    assert out.index.tz is None
    assert list(out.index.date) == [dt.date.fromisoformat(d) for d in DATES]
    assert (out.index == out.index.normalize()).all()


def test_normalise_drops_nan_rows_and_nan_closes():
    truth = price_frame(DATES, CLOSES)
    raw = yf_frame("SI=F", truth)
    prices = [c for c in raw.columns if c[0] != "Volume"]
    raw.loc[raw.index[1], prices] = np.nan  # no prices at all; yfinance keeps it for its volume
    raw.loc[raw.index[3], ("Close", "SI=F")] = np.nan  # a bar without a close
    out = yahoo.normalise(raw, "SI=F")
    assert len(out) == len(DATES) - 2
    assert raw.index[1] not in out.index and raw.index[3] not in out.index
    assert np.isfinite(out["close"]).all()


def test_normalise_picks_the_requested_ticker_from_a_multi_ticker_frame():
    silver = yf_fakes.history_frame(price_frame(DATES, CLOSES))
    gold = yf_fakes.history_frame(price_frame(DATES[:-1], [4000.0, 4010, 4020, 4030, 4040]))
    raw = yf_fakes.assemble({"GC=F": gold, "SI=F": silver})
    out = yahoo.normalise(raw, "SI=F")
    np.testing.assert_allclose(out["close"], CLOSES)


def test_normalise_flat_columns_as_with_multi_level_index_false():
    raw = (
        yf_frame("SI=F", price_frame(DATES, CLOSES)).droplevel(1, axis=1).rename_axis(None, axis=1)
    )
    out = yahoo.normalise(raw, "SI=F")
    np.testing.assert_allclose(out["close"], CLOSES)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(None, id="none"),
        pytest.param("empty", id="empty-multiindex-frame"),
        pytest.param("all-nan", id="only-nan-rows"),
        pytest.param("non-positive", id="only-zero-closes"),
    ],
)
def test_normalise_rejects_frames_without_usable_rows(raw):
    if raw == "empty":
        raw = yf_empty("SI=F")
    elif raw == "all-nan":
        raw = yf_frame("SI=F", price_frame(DATES, CLOSES))
        raw.loc[:, [c for c in raw.columns if c[0] != "Volume"]] = np.nan
    elif raw == "non-positive":
        raw = yf_frame("SI=F", price_frame(DATES, np.zeros(len(DATES))))
    with pytest.raises(FetchError) as err:
        yahoo.normalise(raw, "SI=F")
    assert err.value.kind == "empty"


# --- download: the seam itself, with yfinance.download replaced -----------------------------


def test_download_passes_the_documented_arguments(monkeypatch, tmp_path):
    fake = install(monkeypatch, FakeYahoo({"SI=F": price_frame(DATES, CLOSES)}))
    full = yahoo.download("SI=F", None, cache_dir=tmp_path / "tz")
    tail = yahoo.download("SI=F", dt.date(2026, 3, 26), cache_dir=tmp_path / "tz")
    assert [c.symbol for c in fake.calls] == ["SI=F", "SI=F"]
    first, second = fake.calls
    for call in fake.calls:
        assert call.kwargs["auto_adjust"] is False
        assert call.kwargs["multi_level_index"] is True
        assert call.kwargs["interval"] == "1d"
        assert call.kwargs["progress"] is False
    assert first.kwargs.get("period") == "max" and "start" not in first.kwargs
    assert second.start == dt.date(2026, 3, 26) and "period" not in second.kwargs
    assert len(full) == len(DATES) and len(tail) == 3
    assert isinstance(full.columns, pd.MultiIndex)


@pytest.mark.parametrize(
    "action, kind",
    [
        pytest.param("dns", "network", id="dns-failure-logged-empty-frame"),
        pytest.param("rate_limit_log", "rate_limit", id="rate-limit-logged-empty-frame"),
        pytest.param("rate_limit_raise", "rate_limit", id="rate-limit-raised"),
        pytest.param("no_data", "empty", id="no-data-for-range"),
    ],
)
def test_download_turns_yfinance_failures_into_fetch_errors(monkeypatch, tmp_path, action, kind):
    install(monkeypatch, FakeYahoo(script=[action]))
    with pytest.raises(FetchError) as err:
        yahoo.download("SI=F", None, cache_dir=tmp_path)
    assert err.value.kind == kind


def test_download_raised_network_exception_is_classified(monkeypatch, tmp_path):
    def boom(*args, **kwargs):
        raise ConnectionError("Failed to perform, curl: (7) Couldn't connect to server")

    import yfinance

    monkeypatch.setattr(yfinance, "download", boom)
    with pytest.raises(FetchError) as err:
        yahoo.download("SI=F", None, cache_dir=tmp_path)
    assert err.value.kind == "network"


def test_download_keeps_yfinance_log_lines_off_the_terminal(monkeypatch, tmp_path, capfd):
    logger = logging.getLogger("yfinance")
    before = (list(logger.handlers), logger.propagate)
    install(monkeypatch, FakeYahoo(script=["dns"]))
    with pytest.raises(FetchError):
        yahoo.download("SI=F", None, cache_dir=tmp_path)
    out, err = capfd.readouterr()
    assert "Failed download" not in out + err
    assert (list(logger.handlers), logger.propagate) == before


# --- classify: failure texts as yfinance and curl_cffi word them -----------------------------

CLASSIFY_CASES = [
    ("dns", "['SI=F']: " + yf_fakes.DNS_ERROR, "network"),
    ("crumb-warning", "Cookie/crumb fetch failed (DNSError), continuing without crumb", "network"),
    (
        "timeout",
        "Timeout('Failed to perform, curl: (28) Operation timed out after 10001 milliseconds')",
        "network",
    ),
    ("ssl", "SSLError('curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL')", "network"),
    ("rate-limit-repr", "['SI=F']: " + yf_fakes.RATE_LIMIT_ERROR, "rate_limit"),
    ("rate-limit-class", "YFRateLimitError Too Many Requests. Rate limited.", "rate_limit"),
    ("http-429", "HTTPError('429 Client Error: Too Many Requests for url')", "rate_limit"),
    (
        "delisted",
        "['SI=F']: possibly delisted; no price data found  (1d 2026-03-25 -> 2026-03-30)",
        "empty",
    ),
    ("tz-missing", "['XYZ']: YFTzMissingError('possibly delisted; no timezone found')", "empty"),
    (
        "ticker-with-429",
        "['6429.T']: possibly delisted; no price data found  (period=max)",
        "empty",
    ),
    ("ticker-ssl", "['SSL']: possibly delisted; no price data found  (period=max)", "empty"),
    ("nothing", "", "empty"),
]


@pytest.mark.parametrize("text, kind", [pytest.param(t, k, id=i) for i, t, k in CLASSIFY_CASES])
def test_classify(text, kind):
    err = yahoo.classify(text)
    assert isinstance(err, FetchError)
    assert err.kind == kind
    assert str(err)
