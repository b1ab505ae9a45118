"""tools.assets: the registry, name resolution, tickers and helpful errors."""

from __future__ import annotations

import pytest

from tools import assets
from tools.assets import resolve
from tools.errors import UnknownAssetError

# The assets the issue requires, with the Yahoo symbol each must map to.
REQUIRED = {
    "gold": "GC=F",
    "silver": "SI=F",
    "bitcoin": "BTC-USD",
    "ethereum": "ETH-USD",
    "sp500": "^GSPC",
    "nasdaq": "^IXIC",
    "dxy": "DX-Y.NYB",
    "copper": "HG=F",
    "crude": "CL=F",
    "platinum": "PL=F",
    "us10y": "^TNX",
}


def test_registry_holds_every_required_asset_with_its_symbol():
    assert {a.key: a.symbol for a in assets.ASSETS if a.key in REQUIRED} == REQUIRED
    assert set(REQUIRED) <= set(assets.keys())


@pytest.mark.parametrize("asset", assets.ASSETS, ids=lambda a: a.key)
def test_every_asset_is_complete_and_resolves_by_each_label(asset):
    assert asset.name and asset.unit and asset.registered
    assert asset.calendar in (assets.CRYPTO, assets.EXCHANGE)
    assert asset.is_crypto == (asset.group == "crypto")
    for label in (asset.key, asset.name, asset.symbol, *asset.aliases):
        assert resolve(label) is asset, label
    assert asset.to_dict()["aliases"] == list(asset.aliases)


def test_labels_are_unambiguous():
    owners: dict[str, str] = {}
    for a in assets.ASSETS:
        for label in {assets.normalise(x) for x in (a.key, a.name, a.symbol, *a.aliases)}:
            assert owners.setdefault(label, a.key) == a.key, f"{label!r} names two assets"


@pytest.mark.parametrize(
    "name, key",
    [
        ("btc", "bitcoin"),
        ("BTC", "bitcoin"),
        ("BTC-USD", "bitcoin"),
        ("btc/usd", "bitcoin"),
        ("xag", "silver"),
        ("XAG/USD", "silver"),
        ("Silver", "silver"),
        ("  silver  ", "silver"),
        ("si=f", "silver"),
        ("SI=F", "silver"),
        ("the dollar", "dxy"),
        ("The Dollar", "dxy"),
        ("dollar", "dxy"),
        ("DX-Y.NYB", "dxy"),
        ("s&p 500", "sp500"),
        ("S&P 500", "sp500"),
        ("S&P500", "sp500"),
        ("s & p 500", "sp500"),
        ("spx", "sp500"),
        ("SPX", "sp500"),
        ("^GSPC", "sp500"),
        ("the s&p 500", "sp500"),
        ("10y", "us10y"),
        ("10Y", "us10y"),
        ("10-year", "us10y"),
        ("^TNX", "us10y"),
        ("xau", "gold"),
        ("GC=F", "gold"),
        ("eth", "ethereum"),
        ("ETH-USD", "ethereum"),
        ("nasdaq", "nasdaq"),
        ("^IXIC", "nasdaq"),
        ("wti", "crude"),
        ("crude oil", "crude"),
        ("CL=F", "crude"),
        ("copper", "copper"),
        ("HG=F", "copper"),
        ("platinum", "platinum"),
        ("PL=F", "platinum"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_resolve_aliases_case_and_punctuation(name, key):
    assert resolve(name).key == key
    assert resolve(name, allow_ticker=True).key == key  # registry names win over raw tickers


@pytest.mark.parametrize(
    "ticker, crypto",
    [
        ("AAPL", False),
        ("^N225", False),
        ("MSFT", False),
        ("BRK-B", False),
        ("7203.T", False),
        ("ES=F", False),
        ("SOL-USD", True),
    ],
)
def test_any_ticker_is_accepted_with_the_live_source(ticker, crypto):
    asset = resolve(ticker, allow_ticker=True)
    assert asset.symbol == ticker and asset.key == ticker
    assert not asset.registered
    assert asset.is_crypto == crypto
    with pytest.raises(UnknownAssetError, match="any Yahoo ticker"):
        resolve(ticker)  # without the live source only the registry is known


@pytest.mark.parametrize(
    "name, suggestion",
    [
        ("silvr", "silver"),
        ("gld", "gold"),
        ("bitcon", "bitcoin"),
        ("etherium", "ethereum"),
        ("nasdq", "nasdaq"),
        ("platnum", "platinum"),
        ("coper", "copper"),
    ],
)
def test_unknown_name_names_the_closest_matches(name, suggestion):
    with pytest.raises(UnknownAssetError) as err:
        resolve(name)
    message = str(err.value)
    assert f"Unknown asset '{name}'" in message
    assert (
        "Did you mean" in message and suggestion in message.split("Did you mean")[1].split("?")[0]
    )
    assert err.value.options[0] == suggestion
    assert "\n" not in message


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("../../etc/passwd", id="path-traversal"),
        pytest.param("..", id="dot-dot"),
        pytest.param("/etc/passwd", id="absolute-path"),
        pytest.param("..\\..\\windows", id="backslash-traversal"),
        pytest.param("silver/../../x", id="traversal-after-a-name"),
        pytest.param("'; DROP TABLE prices;--", id="sql-injection"),
        pytest.param("1 OR 1=1", id="sql-tautology"),
        pytest.param("<script>alert(1)</script>", id="html"),
        pytest.param("\x00\x1b[31m", id="control-characters"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("A" * 500, id="very-long"),
        pytest.param("aapl", id="lower-case-ticker"),
    ],
)
def test_hostile_or_malformed_names_are_rejected_cleanly(name):
    for allow_ticker in (False, True):
        with pytest.raises(UnknownAssetError) as err:
            resolve(name, allow_ticker=allow_ticker)
        message = str(err.value)
        assert "\n" not in message and "\x00" not in message and "\x1b" not in message
        assert len(message) < 400
        assert err.value.options  # always something valid to offer


@pytest.mark.parametrize(
    "text, shown", [("silver", "silver"), ("a\nb", "a?b"), ("x" * 50, "x" * 39 + "…")]
)
def test_printable(text, shown):
    assert assets.printable(text) == shown


@pytest.mark.parametrize(
    "label, norm",
    [("S&P 500", "sp500"), ("DX-Y.NYB", "dxynyb"), ("^GSPC", "gspc"), ("The Dollar", "thedollar")],
)
def test_normalise(label, norm):
    assert assets.normalise(label) == norm
