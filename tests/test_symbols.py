"""Company names to Yahoo symbols with the live source ("Tesla" -> TSLA): Yahoo's search at the
one seam (a stand-in for ``yfinance.Search`` returning quotes shaped as Yahoo's), the on-disk
cache, and what other sources say about a name they cannot serve."""

from __future__ import annotations

import pytest

from assistant.agent import Assistant
from assistant.config import Settings
from tests.yf_fakes import FakeYahoo, business_days, install, price_frame, walk
from tools import formatting as f
from tools import yahoo
from tools.data import CsvSource, Market, YahooSource
from tools.errors import UnknownAssetError
from tools.symbols import SymbolFinder

TESLA = {
    "exchange": "NMS", "shortname": "Tesla, Inc.", "quoteType": "EQUITY", "symbol": "TSLA",
    "index": "quotes", "score": 2.1e6, "typeDisp": "Equity", "longname": "Tesla, Inc.",
    "isYahooFinance": True,
}  # fmt: skip
NEWS_ONLY = {"symbol": "TSLA240119C00250000", "quoteType": "OPTION", "shortname": "TSLA call"}


class FakeSearch:
    """Stands in for ``yfinance.Search``: records each query and serves scripted quotes."""

    queries: list[str] = []
    results: dict[str, list[dict]] = {}
    fail: bool = False

    def __init__(self, query, **kwargs):
        FakeSearch.queries.append(query)
        if FakeSearch.fail:
            raise ConnectionError("Failed to perform, curl: (6) Could not resolve host")
        self.quotes = list(FakeSearch.results.get(query.lower(), []))


@pytest.fixture
def search(monkeypatch):
    import yfinance

    FakeSearch.queries, FakeSearch.fail = [], False
    FakeSearch.results = {"tesla": [NEWS_ONLY, TESLA], "unobtainium": []}
    monkeypatch.setattr(yfinance, "Search", FakeSearch)
    return FakeSearch


def test_the_seam_keeps_tradable_quotes_only(search):
    found = yahoo.search("Tesla")
    assert found == [{"symbol": "TSLA", "name": "Tesla, Inc.", "type": "EQUITY", "exchange": "NMS"}]


def test_found_names_are_cached_and_misses_are_asked_again_after_a_day(search, tmp_path):
    finder = SymbolFinder(tmp_path / "symbols.json")
    assert finder.find("Tesla").symbol == "TSLA" and finder.find("tesla").symbol == "TSLA"
    assert search.queries == ["Tesla"]  # the second lookup came from the cache
    assert SymbolFinder(tmp_path / "symbols.json").find("TESLA ").symbol == "TSLA"
    assert finder.find("unobtainium") is None and finder.find("unobtainium") is None
    assert search.queries.count("unobtainium") == 1


def test_a_failed_search_is_not_cached(search, tmp_path):
    search.fail = True
    finder = SymbolFinder(tmp_path / "symbols.json")
    assert finder.find("Tesla") is None
    search.fail = False
    assert SymbolFinder(tmp_path / "symbols.json").find("Tesla").symbol == "TSLA"


def test_the_live_source_serves_a_company_by_name(search, monkeypatch, tmp_path):
    closes = walk(300, start=250.0)
    frame = price_frame(business_days("2025-01-01", "2026-03-01")[:300], closes)
    install(monkeypatch, FakeYahoo({"TSLA": frame}))
    market = Market(YahooSource(tmp_path, retry_wait=0))
    series = market.series("Tesla")
    assert series.asset.symbol == "TSLA" and series.asset.name == "Tesla, Inc."
    assert series.close.iloc[-1] == pytest.approx(closes[-1])


def test_the_offline_analyst_answers_for_a_company_name(search, monkeypatch, tmp_path):
    closes = walk(300, start=250.0, seed=3)
    frame = price_frame(business_days("2025-01-01", "2026-03-01")[:300], closes)
    install(monkeypatch, FakeYahoo({"TSLA": frame}))
    reply = Assistant(Settings(data="yfinance", home=tmp_path), knowledge=None).ask(
        "How much is Tesla?"
    )
    assert reply.tool_calls[0]["args"] == {"asset": "Tesla"}
    assert f.price(closes[-1]) in reply.answer and "Tesla, Inc." in reply.answer
    assert reply.grounding.ok


def test_a_csv_folder_names_what_it_has(tmp_path):
    (tmp_path / "gold.csv").write_text("date,close\n2026-01-02,4000\n2026-01-05,4010\n")
    (tmp_path / "btc.csv").write_text("date,close\n2026-01-02,90000\n2026-01-03,91000\n")
    with pytest.raises(
        UnknownAssetError, match=r"'Tesla' is not in your CSV folder.*bitcoin, gold"
    ):
        Market(CsvSource(tmp_path)).resolve("Tesla")
