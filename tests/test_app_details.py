"""What surrounds an answer, computed outside Streamlit (second part): follow-ups for every kind
of answer, sources with their origin, one commentary row per document, readable labels, the
comparison chart's window, a briefing's freshness, the claim chart's labels and the direct page
links of the served app."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from assistant import charts
from assistant.app import citations, followups, labels, results
from assistant.app.freshness import answer_freshness
from assistant.app.headers import DirectLinks
from assistant.config import Settings
from assistant.lc_tools import ToolContext, run_tool
from assistant.registry import ToolName


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    return Settings(data="demo", home=tmp_path_factory.mktemp("details")).market()


def result(market, name: ToolName, **args) -> dict:
    msg = run_tool(name, args, ToolContext(market=market))
    error = msg.artifact.get("kind") == "error"
    return {"id": name.value, "name": name.value, "artifact": msg.artifact, "error": error}


def test_every_kind_of_answer_gets_two_or_three_follow_ups(market):
    compared = followups.suggest([result(market, ToolName.COMPARE, assets=["gold", "silver"])])
    assert 2 <= len(compared) <= 3 and any("breaking out" in s.question for s in compared)
    unknown = [result(market, ToolName.PRICE, asset="peru")]
    assert unknown[0]["error"]
    fixed = followups.suggest(unknown, ["How much is Peru?"])
    assert 2 <= len(fixed) <= 3
    # The first is the question asked again with a market the tool knows.
    assert fixed[0].question.startswith("How much is ") and "peru" not in fixed[0].question.lower()
    asked = [s.question for s in fixed]
    assert not set(asked) & {s.question for s in followups.suggest(unknown, asked)}


def test_a_failed_lookup_of_an_unknown_market_reads_as_such(market):
    failed = result(market, ToolName.PRICE, asset="peru")
    title = labels.call_title(failed["name"], {"asset": "peru"}, failed["artifact"], True)
    assert title == "Could not find a market called “peru”"


def test_a_claim_check_label_names_the_document():
    class Doc:
        title = "Silver's Defensive Rally"

    class Report:
        document = Doc()

    phrase = labels.phrase("check_claims", {"source": "silver"}, None)
    assert phrase.text("running") == "checking the claims in the article matching “silver”"
    assert labels.Phrase(phrase.verb, "the claims " + labels._claims_document({}, Report())).text(
        "done"
    ) == ("checked the claims in “Silver's Defensive Rally”")


def source(title, publication, kind="commentary", origin="bundled", text="t") -> dict:
    return {
        "title": title,
        "source": publication,
        "published": "2026-01",
        "kind": kind,
        "origin": origin,
        "text": text,
    }


def test_sources_say_where_each_document_comes_from_without_repeating_its_title():
    found = citations.cited_sources(
        "No markers, no quotes.",
        [
            source(
                "Silver's Defensive Rally",
                "Silver's Defensive Rally (market commentary, January 2026)",
            ),
            source("Gold and real yields", "Market Assistant explanatory notes", "background"),
            source("My notes", "my-notes.md", origin="user"),
        ],
    )
    assert [c.label() for c in found] == [
        "Silver's Defensive Rally · 2026-01",
        "Gold and real yields · 2026-01",
        "My notes · 2026-01",
    ]
    assert [c.origin for c in found] == ["Market commentary", "Background note", "Your document"]


def test_the_commentary_table_lists_each_document_once_with_its_origin(market, tmp_path):
    from assistant.library import Library

    lib = Library(str(tmp_path), None, None)
    msg = run_tool(
        ToolName.COMMENTARY,
        {"query": "why is silver rising", "k": 6},
        ToolContext(market=market, knowledge=lib),
    )
    passages = msg.artifact["passages"]
    (table,) = results.tables(msg.artifact)
    assert table.header == ("Title", "Origin", "Published", "Passages")
    titles = [row[0] for row in table.rows]
    assert len(titles) == len(set(titles)) == len({p["title"] for p in passages})
    assert sum(int(row[3]) for row in table.rows) == len(passages)
    assert {row[1] for row in table.rows} <= {"Market commentary", "Background note"}


def test_a_comparison_chart_spans_the_window_the_answer_states(market):
    compared = [result(market, ToolName.COMPARE, assets=["gold", "silver"])]
    gold = market.series("gold").close
    year_end = gold[gold.index <= f"{gold.index[-1].year - 1}-12-31"].index[-1]
    for answer, first in (
        ("Year to date gold rose more than silver.", year_end),
        (
            "Over the past year gold rose.",
            gold.index[-1] - __import__("pandas").DateOffset(days=365),
        ),
    ):
        ((title, fig),) = charts.charts_for(compared, market, answer)
        start = min(x for trace in fig.data for x in trace.x)
        assert abs((start - first).days) <= 4, (answer, start, first)
    assert charts.stated_window("How did they do this year?") == "ytd"
    assert charts.stated_window("Gold is up.") == "1y"


def test_a_briefings_freshness_counts_its_oldest_series():
    artifact = {
        "kind": "briefing",
        "as_of": "2026-08-21",
        "assets": ["gold", "spx"],
        "markdown": "",
        "facts": {
            "assets": [
                {"asset": "gold", "price": {"provenance": {"as_of": "2026-03-30"}}},
                {"asset": "spx", "price": {"provenance": {"as_of": "2026-08-21"}}},
            ]
        },
    }
    fresh = answer_freshness([{"artifact": artifact, "error": False}], dt.date(2026, 12, 2))
    assert fresh.as_of == "2026-03-30 to 2026-08-21"
    assert (
        fresh.badge == f"Oldest data {(dt.date(2026, 12, 2) - dt.date(2026, 3, 30)).days} days old"
    )


def test_the_claim_charts_record_and_claimed_level_labels_sit_apart():
    import plotly.graph_objects as go

    from assistant.claims import figures

    fig = go.Figure(go.Scatter(x=[0, 1], y=[90, 101]))
    figures._level(fig, 100.0, "claimed level 100.00")
    figures._level(fig, 100.925, "record 100.93 (2026-01-23)", "top left")
    below, above = fig.layout.annotations
    assert below.yanchor != above.yanchor  # one under its line, the other over its own


def run_asgi(app, path: str) -> tuple[dict, bytes, list]:
    sent: list = []
    seen_scopes: list = []

    async def inner(scope, receive, send):
        seen_scopes.append(scope)
        html = b"<html><head><title>x</title></head></html>"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html"), (b"content-length", b"42")],
            }
        )
        await send({"type": "http.response.body", "body": html})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept-encoding", b"gzip")],
    }
    asyncio.run(app(inner)(scope, receive, send) if callable(app) else None)
    start, body = sent[0], sent[1]["body"]
    return start, body, seen_scopes


def test_a_page_opened_by_its_address_names_the_server_root():
    for path in ("/briefing", "/knowledge", "/"):
        start, body, scopes = run_asgi(lambda inner: DirectLinks(inner), path)
        assert b'BACKEND_BASE_URL:location.origin+"/"' in body, path
        assert dict(start["headers"])[b"content-length"] == str(len(body)).encode()
        assert not dict(scopes[0]["headers"]).get(b"accept-encoding")  # fetched uncompressed
    _, body, _ = run_asgi(lambda inner: DirectLinks(inner, "tools/app"), "/tools/app/briefing")
    assert b'location.origin+"/tools/app/"' in body
    for path in ("/_stcore/health", "/static/js/index.js", "/briefing/_stcore/host-config"):
        _, body, _ = run_asgi(lambda inner: DirectLinks(inner), path)
        assert b"BACKEND_BASE_URL" not in body, path


def test_the_fact_check_follow_up_gets_a_claim_check(market, tmp_path):
    from assistant.runtime import make_assistant

    s = Settings(data="demo", home=tmp_path, model="offline")
    bot = make_assistant(s)
    first = bot.ask("Why is silver rising?", "t")
    offered = followups.suggest(first.tool_results, ["Why is silver rising?"])
    check = next(s for s in offered if s.label == "Fact-check the commentary")
    reply = bot.ask(check.question, "t")
    assert [c["name"] for c in reply.tool_calls] == [ToolName.CHECK_CLAIMS.value]
