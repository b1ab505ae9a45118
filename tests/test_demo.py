"""tools.demo: the bundled synthetic dataset is deterministic, long enough and labelled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools import assets, demo
from tools.data import DemoSource
from tools.frames import COLUMNS
from tools.results import SYNTHETIC_NOTE

REGISTRY = [a for a in assets.ASSETS if a.registered]


def test_every_registry_asset_has_demo_data():
    assert all(demo.available(a) for a in REGISTRY)
    assert not demo.available(assets.resolve("AAPL", allow_ticker=True))


@pytest.mark.parametrize("asset", REGISTRY, ids=lambda a: a.key)
def test_demo_series_shape_and_span(asset):
    frame = demo.history(asset)
    assert list(frame.columns) == COLUMNS
    assert frame.index.name == "date" and frame.index.tz is None
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    span_years = (frame.index[-1] - frame.index[0]).days / 365.25
    assert span_years >= 10
    values = frame[["open", "high", "low", "close"]].to_numpy()
    assert np.isfinite(values).all() and (values > 0).all()
    assert (frame["low"] <= frame[["open", "close"]].min(axis=1) + 1e-12).all()
    assert (frame["high"] >= frame[["open", "close"]].max(axis=1) - 1e-12).all()
    assert (frame["volume"] > 0).all()


@pytest.mark.parametrize("asset", REGISTRY, ids=lambda a: a.key)
def test_demo_calendar_weekdays_for_exchanges_every_day_for_crypto(asset):
    idx = demo.history(asset).index
    if asset.is_crypto:
        expected = pd.date_range(idx[0], idx[-1], freq="D")
        assert (idx.day_of_week >= 5).any()
    else:
        expected = pd.bdate_range(idx[0], idx[-1])
        assert (idx.day_of_week < 5).all()
    assert list(idx) == list(expected)  # no gaps and no extra days


@pytest.mark.parametrize("asset", REGISTRY, ids=lambda a: a.key)
def test_demo_is_deterministic(asset):
    a = demo.history(asset)
    demo._generate.cache_clear()  # regenerate rather than reuse the memoised frame
    demo._factors.cache_clear()
    b = demo.history(asset)
    pd.testing.assert_frame_equal(a, b)


def test_demo_history_is_a_copy():
    silver = assets.get("silver")
    first = demo.history(silver)
    first.iloc[:, :] = -1.0
    assert (demo.history(silver)["close"] > 0).all()


def test_demo_series_differ_between_assets():
    closes = {a.key: demo.history(a)["close"] for a in REGISTRY}
    returns = pd.DataFrame({k: np.log(v).diff() for k, v in closes.items()}).dropna()
    corr = returns.corr().to_numpy()
    off_diagonal = corr[~np.eye(len(corr), dtype=bool)]
    assert (np.abs(off_diagonal) < 0.99).all()


def test_demo_provenance_says_synthetic():
    series = DemoSource().history(assets.get("gold"))
    prov = series.provenance
    assert prov.synthetic and prov.source == "demo"
    assert SYNTHETIC_NOTE == "synthetic demo data"
    assert SYNTHETIC_NOTE in prov.label() and "not real" in prov.label()
    assert prov.to_dict()["synthetic"] is True and prov.to_dict()["freshness"] == "synthetic"
    assert "not real" in prov.notice
