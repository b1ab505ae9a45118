"""What the app shows around an answer, computed outside Streamlit: plain-word tool labels and
their running/done state, result tables, cited sources, follow-ups, freshness, the streaming
pace, owner ids and the charts' colours and labels."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from assistant import charts
from assistant.app import citations, followups, identity, labels, results
from assistant.app.freshness import answer_freshness
from assistant.config import Settings
from assistant.lc_tools import ToolContext, run_tool
from assistant.registry import ToolName
from assistant.streaming import Pacer
from tools import formatting as fmt


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    return Settings(data="demo", home=tmp_path_factory.mktemp("parts")).market()


def result(market, name: ToolName, **args) -> dict:
    """A tool's result as a reply holds it (id, name, summary, artifact, error)."""
    msg = run_tool(name, args, ToolContext(market=market))
    artifact = msg.artifact
    return {
        "id": name.value,
        "name": name.value,
        "summary": msg.text,
        "artifact": artifact,
        "error": artifact.get("kind") == "error",
    }


# -- labels ----------------------------------------------------------------------------------
LABELS = [
    (ToolName.PRICE, {"asset": "silver"}, "Looked up silver's price"),
    (
        ToolName.PRICE,
        {"asset": "btc", "on": "2026-01-02"},
        "Looked up bitcoin's close on 2026-01-02",
    ),
    (
        ToolName.COMPARE,
        {"assets": ["silver", "gold", "sp500"]},
        "Compared silver, gold and S&P 500",
    ),
    (ToolName.BREAKOUTS, {"asset": "silver"}, "Found silver's records"),
    (ToolName.BREAKOUTS, {"asset": "gold", "window": 252}, "Found gold's 252-day highs"),
    (
        ToolName.BREAKOUTS,
        {"asset": "silver", "vs": "gold"},
        "Found breakouts of silver against gold",
    ),
    (
        ToolName.LEAD_LAG,
        {"leader": "silver", "follower": "btc"},
        "Tested whether bitcoin follows silver",
    ),
    (
        ToolName.LEVEL,
        {"asset": "silver", "level": 100},
        "Found when silver first closed at or above 100",
    ),
    (ToolName.COMMENTARY, {"query": "why is silver rising"}, "Searched the commentary"),
    (ToolName.BRIEFING, {}, "Wrote a briefing"),
    (ToolName.BRIEFING, {"assets": ["gold", "silver"]}, "Wrote a briefing on gold and silver"),
    ("mystery_tool", {"x": 1}, "Used the mystery tool tool"),
]


@pytest.mark.parametrize(("name", "args", "title"), LABELS)
def test_tool_calls_read_as_plain_words(name, args, title):
    assert labels.call_title(name, args) == title
    assert "_" not in labels.call_title(name, args).replace("mystery_tool", "")


def test_a_turns_tools_read_as_one_sentence_with_its_for_the_same_asset():
    calls = [
        {"name": "get_price", "args": {"asset": "silver"}, "done": True},
        {"name": "find_breakouts", "args": {"asset": "silver"}, "done": True},
        {"name": "search_commentary", "args": {"query": "q"}, "done": True},
    ]
    assert labels.status_label(calls) == (
        "Looked up silver's price · found its records · searched the commentary",
        "complete",
    )


def test_the_status_is_running_until_every_tool_is_done():
    calls = [
        {"name": "get_price", "args": {"asset": "silver"}, "done": True},
        {"name": "search_commentary", "args": {"query": "q"}, "done": False},
    ]
    label, state = labels.status_label(calls)
    assert state == "running" and label == "Searching the commentary…"
    calls[1]["done"] = True
    assert labels.status_label(calls)[1] == "complete"
    assert labels.status_label([])[1] == "running"  # thinking: no check mark yet


def test_a_failed_call_says_so():
    calls = [{"name": "get_price", "args": {"asset": "xyz"}, "done": True, "error": True}]
    assert labels.status_label(calls) == ("Could not look up xyz's price", "error")


# -- result tables ---------------------------------------------------------------------------
def cells(tables: list[results.Table]) -> dict[str, str]:
    return {row[0]: row[1] for t in tables for row in t.rows if len(row) == 2}


def test_a_price_result_is_a_table_of_rounded_figures(market):
    r = result(market, ToolName.PRICE, asset="silver")
    close = market.series("silver").close
    shown = cells(results.tables(r["artifact"]))
    last = close.index[-1].date()
    assert shown[f"Last close ({last})"] == f"{fmt.price(close.iloc[-1])} USD/oz"
    year_ago = close.loc[: close.index[-1] - dt.timedelta(days=365)].iloc[-1]
    assert shown["1 year"] == fmt.pct((close.iloc[-1] / year_ago - 1) * 100)
    assert shown["All-time closing high"].startswith(fmt.price(close.max()))


def test_commentary_results_never_show_the_text_meant_for_the_model(market, tmp_path):
    from knowledge.base import open_knowledge_base

    kb = open_knowledge_base(tmp_path / "kb")
    msg = run_tool(
        ToolName.COMMENTARY, {"query": "why is silver rising"}, ToolContext(market, lambda: kb)
    )
    assert "QUOTED COMMENTARY" in msg.text  # what the model reads ...
    shown = json.dumps([t.records() for t in results.tables(msg.artifact)])
    for marker in ("QUOTED COMMENTARY", "untrusted", "<<<", ">>>"):
        assert marker not in shown  # ... is never what a person sees
    titles = {p["title"] for p in msg.artifact["passages"]}
    assert titles and all(t in shown for t in titles)


def test_period_and_claim_results_read_as_tables():
    mark = lambda close, day: SimpleNamespace(close=close, date=day)  # noqa: E731
    period = SimpleNamespace(
        name="Gold",
        label="2024",
        so_far=False,
        change_pct=27.2249,
        base=mark(2062.98, "2023-12-29"),
        last=mark(2624.6, "2024-12-31"),
        high=mark(2788.5, "2024-10-30"),
        low=mark(1991.4, "2024-02-14"),
        trading_days=252,
    )
    shown = cells(results._period(period))
    assert shown["Change over 2024"] == "+27.22%" and shown["To"] == "2,624.60 on 2024-12-31"
    check = SimpleNamespace(
        claim=SimpleNamespace(quote="Silver beat gold."), verdict="supported", reason="+30%"
    )
    report = SimpleNamespace(checks=[check], tally=lambda: "1 claim: 1 supported")
    (table,) = results._claims(report)
    assert table.rows == [("Silver beat gold.", "supported", "+30%")]
    assert table.caption == "1 claim: 1 supported"


def test_unknown_result_kinds_show_their_plain_values():
    shown = cells(results.tables({"kind": "period", "asset": "silver", "change_pct": 12.3456}))
    assert shown == {"Asset": "silver", "Change pct": "12.35"}


# -- citations -------------------------------------------------------------------------------
SOURCES = [
    {
        "doc_id": "a",
        "title": "Silver note",
        "source": "Desk",
        "published": "2026-01",
        "text": "One.",
    },
    {"doc_id": "b", "title": "Gold note", "source": "Desk", "published": "2026-02", "text": "Two."},
    {
        "doc_id": "a",
        "title": "Silver note",
        "source": "Desk",
        "published": "2026-01",
        "text": "Six.",
    },
    {"doc_id": "c", "title": "My memo", "source": "me", "text": "Mine.", "origin": "user"},
]


def test_markers_list_only_cited_sources_once_per_document_in_marker_order():
    """Numbered as a reference list: documents in the order of their lowest marker."""
    cited = citations.cited_sources("Gold rose [2]. Silver too [3][1]. See [9] and [2].", SOURCES)
    assert [(c.title, c.numbers) for c in cited] == [("Silver note", [1, 3]), ("Gold note", [2])]
    assert cited[0].passages == ["One.", "Six."]


def test_without_markers_the_quoted_sources_are_listed():
    long = dict(SOURCES[1], text="Gold rose as real yields fell and central banks kept buying " * 2)
    answer = f"> {long['text'][:90]}…\n> — *Gold note*, Desk"
    assert [c.title for c in citations.cited_sources(answer, [SOURCES[0], long])] == ["Gold note"]


def test_without_markers_or_quotes_every_document_is_listed_once_and_uploads_are_marked():
    cited = citations.cited_sources("No quotes here.", SOURCES)
    assert [c.title for c in cited] == ["Silver note", "Gold note", "My memo"]
    assert [c.mine for c in cited] == [False, False, True]


def test_markdown_headings_are_demoted_and_markers_drawn_as_badges():
    text = "# Briefing\n\n## Moves\nGold [1], see [7] and [link](http://x) [2](y)."
    out = citations.badge_markers(citations.demote_headings(text), 2)
    assert out.startswith("#### Briefing\n\n##### Moves")
    assert ":blue-badge[1]" in out and "[7]" in out and "[2](y)" in out
    escaped = citations.badge_markers("Gold \\[1\\] and \\[3\\].", 2)  # as shown inert
    assert escaped == "Gold :blue-badge[1] and \\[3\\]."


# -- follow-ups ------------------------------------------------------------------------------
def test_follow_ups_come_from_the_typed_results(market):
    turn = [result(market, ToolName.PRICE, asset="silver")]
    found = followups.suggest(turn, ["How much is silver?"])
    assert 2 <= len(found) <= 3
    questions = [s.question for s in found]
    assert "Is silver breaking out?" in questions  # no records looked up yet
    assert "Compare silver with gold" in questions or len(found) == 3
    assert not any("Fact-check" in s.label for s in found)  # no commentary was quoted


def test_follow_ups_skip_what_was_asked_and_follow_the_lead_lag(market):
    turn = [result(market, ToolName.LEAD_LAG, leader="silver", follower="bitcoin")]
    found = followups.suggest(turn, ["Does silver follow bitcoin with a lag?"])
    assert [s.question for s in found][:2] == ["Is bitcoin breaking out?", "Why is bitcoin moving?"]


def test_fact_check_is_offered_only_with_the_claim_tool(monkeypatch, market, tmp_path):
    from knowledge.base import open_knowledge_base

    kb = open_knowledge_base(tmp_path / "kb")
    msg = run_tool(ToolName.COMMENTARY, {"query": "silver record"}, ToolContext(market, lambda: kb))
    turn = [{"id": "c", "name": "search_commentary", "artifact": msg.artifact, "error": False}]
    monkeypatch.setattr(followups, "ToolName", SimpleNamespace())  # no claim-check tool
    assert not any("Fact-check" in s.label for s in followups.suggest(turn))
    monkeypatch.setattr(followups, "ToolName", SimpleNamespace(CHECK_CLAIMS="check_claims"))
    offered = [s for s in followups.suggest(turn) if s.label == "Fact-check the commentary"]
    assert offered and offered[0].question.startswith("Fact-check the article")


# -- freshness -------------------------------------------------------------------------------
def test_demo_data_is_flagged_as_synthetic(market):
    fresh = answer_freshness([result(market, ToolName.PRICE, asset="silver")], dt.date(2026, 12, 1))
    last = market.series("silver").close.index[-1].date()
    assert fresh.as_of == str(last) and fresh.badge == "Synthetic demo data"


def _csv_market(folder, last: str):
    """Silver closes from a CSV folder whose last bar is on ``last``."""
    import pandas as pd

    folder.mkdir()
    days = pd.bdate_range(end=last, periods=400)
    closes = [20 + i * 0.05 for i in range(len(days))]
    pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "Close": closes}).to_csv(
        folder / "silver.csv", index=False
    )
    return Settings(data=f"csv:{folder}", home=folder.parent).market()


def test_old_data_gets_a_badge_relative_to_today_or_the_as_of(tmp_path):
    old = [result(_csv_market(tmp_path / "prices", "2026-11-20"), ToolName.PRICE, asset="silver")]
    fresh = answer_freshness(old, dt.date(2026, 12, 1))
    assert (fresh.as_of, fresh.badge) == ("2026-11-20", "Data 11 days old")
    assert "CSV" in fresh.detail
    assert answer_freshness(old, dt.date(2026, 11, 23)).badge is None  # a weekend is not old
    assert answer_freshness(old, dt.date(2026, 12, 1), as_of="2026-11-21").badge is None
    assert answer_freshness([], dt.date(2026, 12, 1)) is None


def test_a_damaged_stored_result_is_no_result():
    damaged = [{"artifact": {"kind": "breakouts", "provenance": {}}, "error": False}]
    assert answer_freshness(damaged, dt.date(2026, 12, 1)) is None
    assert results.tables(damaged[0]["artifact"]) == []
    assert followups.suggest(damaged) == list(followups.GENERAL)  # nothing from the damage


# -- streaming pace --------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_that_arrives_at_once_is_shown_progressively_within_the_limit():
    clock = Clock()
    pacer = Pacer(clock=clock, within=0.6)
    text = " ".join(f"word{i}" for i in range(300))
    pacer.feed(text)
    first = pacer.visible()
    assert first and len(first) < 60 and text.startswith(first) and not first.endswith("word")
    shown = [first]
    while not pacer.caught_up:
        clock.now += 0.05
        shown.append(pacer.visible())
        assert text.startswith(shown[-1]) and len(shown[-1]) >= len(shown[-2])
    assert clock.now <= 0.6 + 1e-9 and shown[-1] == text
    assert len(set(shown)) >= 8  # many steps, not one jump


def test_an_answer_that_arrives_word_by_word_in_one_burst_is_still_paced():
    clock = Clock()
    pacer = Pacer(clock=clock, within=0.45)
    words = [f"word{i} " for i in range(300)]  # the offline analyst's chunks, all at once
    for word in words:
        pacer.feed(word)
    assert 0 < len(pacer.visible()) < 60
    clock.now = 0.2
    assert 60 < len(pacer.visible()) < len("".join(words))
    clock.now = 0.45
    assert pacer.visible() == "".join(words) and pacer.caught_up


def test_tokens_that_arrive_slowly_show_as_they_come():
    clock = Clock()
    pacer = Pacer(clock=clock)
    for i in range(20):
        pacer.feed(f"tok{i} ")
        clock.now += 0.05
        assert pacer.visible().endswith(f"tok{i} ")


# -- owners -----------------------------------------------------------------------------------
def test_owner_and_thread_ids_are_checked_not_trusted():
    owner = identity.new_owner()
    assert identity.valid_owner(owner) == owner and owner != identity.new_owner()
    for bad in ("", "x" * 32, owner.upper(), owner + "0", None, "../" + owner[:29]):
        assert identity.valid_owner(bad) is None
    thread = identity.new_thread()
    assert identity.valid_thread(thread) == thread and identity.valid_thread([thread]) == thread
    assert identity.valid_thread("1; drop table") is None


# -- charts ------------------------------------------------------------------------------------
def _line_colors(fig) -> dict[str, str]:
    return {t.name: t.line.color for t in fig.data if getattr(t, "line", None) and t.name}


def test_each_asset_has_one_colour_in_every_chart(market):
    gold, silver = market.series("gold"), market.series("silver")
    price = charts.price_figure(gold)
    pair = charts.relative_figure([silver, gold])
    group = charts.relative_figure([gold, silver, market.series("bitcoin")])
    assert _line_colors(price)["Gold close"] == charts.asset_color("gold")
    assert _line_colors(pair)["Gold"] == _line_colors(group)["Gold"] == charts.asset_color("gold")
    assert (
        _line_colors(pair)["Silver"] == charts.asset_color("silver") != charts.asset_color("gold")
    )
    assert charts.asset_color("XYZ") == charts.asset_color("xyz")  # stable for any ticker


def test_chart_labels_are_legend_entries_and_titles_are_distinct(market):
    from tools import breakouts, prices

    silver = market.series("silver")
    fig = charts.price_figure(
        silver, breakouts.find_breakouts(silver).to_dict(), prices.price_lookup(silver).to_dict()
    )
    names = [t.name for t in fig.data]
    assert any(n.startswith("all-time closing high") for n in names)
    assert any(n.startswith("52-week range") for n in names)
    assert not fig.layout.annotations  # nothing floats over the plot to collide
    titles = [
        charts.relative_figure([market.series(a), market.series(b)]).layout.title.text
        for a, b in (("silver", "gold"), ("bitcoin", "gold"), ("gold", "sp500"))
    ]
    assert len(set(titles)) == 3
