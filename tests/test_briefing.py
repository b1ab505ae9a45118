"""Briefings: sections, grounding, the demo warning, reproducibility, bad input, the LLM path,
quoting, the JSON and HTML outputs, watchlists, the agent tool, the app page and real data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fakes import ScriptedChatModel, series
from langchain_core.messages import AIMessage

from assistant.briefing import render as br
from assistant.briefing import watchlists as watchlists
from assistant.briefing.doc import SECTION_TITLES, inline
from assistant.briefing.pipeline import generate
from assistant.config import Settings
from tools.errors import DateRangeError, InputError

SECTIONS = [
    "Headline",
    "Moves",
    "Records and breakouts",
    "Relationships",
    "Context",
    "What to watch",
    "Provenance",
]
AS_OF = "2025-06-30"
NOW = dt.datetime(2026, 1, 2, 7, 0, tzinfo=dt.UTC)
GROUNDED = re.compile(r"\*\*Grounding\*\*: all (\d+) figures from tools and cited sources\.\n\Z")


def demo(**overrides) -> Settings:
    return Settings.from_env(data="demo", **overrides)


@pytest.fixture(scope="session")
def kb(request, tmp_path_factory):
    """The shared knowledge base fixture, or one opened here while conftest's cannot import."""
    try:
        return request.getfixturevalue("knowledge_base")
    except ImportError:
        from knowledge.base import open_knowledge_base

        return open_knowledge_base(tmp_path_factory.mktemp("briefing-kb"))


class FakeKB:
    """A knowledge base stand-in that returns fixed passages (to test quoting and filters)."""

    def __init__(self, passages: list[dict]):
        self.passages = passages
        self.queries: list[tuple[str, object]] = []

    def search(self, query, k=4, assets=None, since=None):
        self.queries.append((query, assets))
        return [_Passage(p) for p in self.passages[:k]]


class _Passage:
    def __init__(self, data: dict):
        self.data = {"url": None, "score": 0.5, "doc_id": data.get("title", ""), **data}

    def to_dict(self) -> dict:
        return dict(self.data)


def passage(
    text: str, title: str = "A note", published: str | None = "2025-01", chunk: str = "c1"
) -> dict:
    return {
        "text": text,
        "title": title,
        "source": "Test Desk",
        "published": published,
        "chunk_id": chunk,
    }


# --- structure and grounding ------------------------------------------------------------------


def test_every_section_is_present_in_order():
    b = generate(demo(as_of=AS_OF), commentary=False)
    headings = re.findall(r"(?m)^## (.+)$", b.markdown)
    assert headings == SECTIONS == list(SECTION_TITLES.values())
    assert b.markdown.startswith(f"# Market briefing — {b.as_of.isoformat()}\n")
    moves = b.markdown.split("## Moves")[1].split("## Records")[0]
    assert "| Asset | Close | 1d | 1w | 1m | YTD | From ATH |" in moves
    assert all(
        f"**{name}**" in moves
        for name in ("Gold", "Silver", "Bitcoin", "S&P 500", "US Dollar Index")
    )


def test_offline_briefing_is_fully_grounded_and_says_so():
    b = generate(demo(as_of=AS_OF), commentary=False)
    assert b.grounding.ok and b.grounding.checked > 100
    match = GROUNDED.search(b.markdown)
    assert match and int(match.group(1)) == b.grounding.checked
    assert "offline analyst" in b.markdown and b.model == "offline"


def test_offline_briefing_with_quoted_commentary_is_grounded(kb):
    b = generate(demo(), knowledge=kb)
    context = b.markdown.split("## Context")[1].split("## What to watch")[0]
    assert b.commentary == "ok" and 1 <= len(b.passages) <= 4
    assert "third-party" in context and context.count("\n> — ") == len(b.passages)
    for p in b.passages:
        assert p["title"] in context or p["source"] in context
    assert b.grounding.ok, b.grounding.ungrounded


def test_demo_data_warning_is_visible_at_the_top_and_in_provenance():
    md = generate(demo(as_of=AS_OF), commentary=False).markdown
    top = md.split("## Headline")[0]
    assert "> **Warning:**" in top and "synthetic demo data" in top
    assert "synthetic demo data" in md.split("## Provenance")[1]


def test_no_demo_warning_with_real_files(tmp_path):
    from tools.data import Market, make_source

    demo_market = Market(make_source("demo"))
    for key in ("gold", "silver"):
        demo_market.series(key).frame.to_csv(tmp_path / f"{key}.csv")
    b = generate(Settings.from_env(data=f"csv:{tmp_path}"), ["gold", "silver"], commentary=False)
    assert "synthetic" not in b.markdown and "Warning" not in b.markdown
    assert "CSV file gold.csv" in b.markdown and str(tmp_path) not in b.markdown


# --- reproducibility --------------------------------------------------------------------------


def test_same_data_and_as_of_give_byte_identical_markdown():
    first = generate(demo(as_of=AS_OF), commentary=False, now=NOW)
    second = generate(demo(as_of=AS_OF), commentary=False, now=NOW + dt.timedelta(hours=5))
    assert first.markdown.encode() == second.markdown.encode()
    assert first.to_dict()["generated_at"] != second.to_dict()["generated_at"]
    assert "07:00" not in first.markdown and "2026-01-02" not in first.markdown


def test_reproducible_with_commentary(kb):
    a = generate(demo(as_of=AS_OF), knowledge=kb, now=NOW)
    b = generate(demo(as_of=AS_OF), knowledge=kb, now=NOW)
    assert a.markdown == b.markdown


def test_as_of_cuts_every_hand_series():
    b = generate(demo(as_of=AS_OF), commentary=False)
    assert b.as_of <= dt.date.fromisoformat(AS_OF)
    assert all(a.price.as_of <= b.as_of for a in b.facts.assets)
    assert f"**As of**: {AS_OF} (requested)" in b.markdown


# --- bad input --------------------------------------------------------------------------------


def test_unknown_asset_is_skipped_and_said():
    b = generate(demo(), ["gold", "unobtainium", "silver"], commentary=False)
    assert b.assets == ["gold", "silver"]
    assert b.facts.skipped[0][0] == "unobtainium"
    top = b.markdown.split("## Headline")[0]
    assert "skipped 'unobtainium'" in top and "Unknown asset" in top
    assert "**Skipped**" in b.markdown.split("## Provenance")[1]
    assert b.grounding.ok


@pytest.mark.parametrize(
    "assets", [[], "", " , ,"], ids=["empty-list", "empty-text", "only-commas"]
)
def test_empty_asset_list_is_an_input_error(assets):
    with pytest.raises(InputError, match="empty"):
        generate(demo(), assets, commentary=False)


def test_empty_saved_watchlist_is_an_input_error(isolated_home):
    watchlists.path(isolated_home).write_text("[watchlists.nothing]\nassets = []\n")
    with pytest.raises(InputError, match="watchlist 'nothing' is empty"):
        generate(demo(), watchlist="nothing", commentary=False)


def test_all_assets_unknown_is_an_input_error():
    with pytest.raises(InputError, match="None of the watchlist's assets"):
        generate(demo(), ["unobtainium", "kryptonite"], commentary=False)


def test_as_of_before_the_data_is_a_clear_error():
    with pytest.raises(DateRangeError, match=r"before the data starts.*2014-01-02"):
        generate(demo(as_of="2001-01-01"), commentary=False)


def test_assets_and_watchlist_together_is_an_input_error():
    with pytest.raises(InputError, match="not both"):
        generate(demo(), ["gold"], watchlist="default", commentary=False)


def test_unknown_watchlist_lists_the_saved_ones():
    with pytest.raises(InputError, match="Saved watchlists: default"):
        generate(demo(), watchlist="nope", commentary=False)


# --- headline scoring, pairs ------------------------------------------------------------------


def test_headline_takes_three_facts_one_per_subject_and_one_lead_lag():
    b = generate(demo(), commentary=False)
    assert len(b.headline) == 3
    assert len({c.subject for c in b.headline}) == 3
    assert sum(c.kind == "leadlag" for c in b.headline) <= 1
    assert [c.score for c in b.headline] == sorted((c.score for c in b.headline), reverse=True)
    headline = b.markdown.split("## Headline")[1].split("## Moves")[0]
    for c in b.headline:
        assert inline(c.text) in headline


def _hand_series(key: str, closes: list[float]):
    return series(closes, key=key, start="2024-01-01", location=f"{key}.csv")


class _Market:
    """A Market stand-in serving hand-made series (tiny, named edge cases)."""

    def __init__(self, **series):
        self.series_by_key = {k: _hand_series(k, v) for k, v in series.items()}
        self.as_of = None
        self.source = type("S", (), {"name": "csv:test"})()

    def series(self, name):
        from tools import assets

        return self.series_by_key[assets.resolve(name).key]


RISING = [100 + i * 0.1 for i in range(300)]  # a record on every bar
CRASH = [100.0] * 299 + [85.0]  # a 15% fall on the last bar
FLAT = [100.0 + (i % 2) * 0.01 for i in range(300)]
HEADLINE_CASES = [
    ("record-beats-a-move", {"gold": RISING, "silver": FLAT}, "gold", "record"),
    ("a-crash-beats-calm", {"gold": FLAT, "silver": CRASH}, "silver", "move"),
]


@pytest.mark.parametrize(
    "case,series,subject,kind", HEADLINE_CASES, ids=[c[0] for c in HEADLINE_CASES]
)
def test_headline_scoring_table(case, series, subject, kind):
    b = generate(demo(), list(series), market=_Market(**series), commentary=False)
    top = b.headline[0]
    assert (top.subject, top.kind) == (subject, kind)
    if kind == "move":
        assert "fell -15.00% in a day" in top.text
    assert b.grounding.ok, b.grounding.ungrounded


SHORT_HISTORY = [
    (
        "two-months",
        "2014-03-01",
        "**Silver underperformed Gold over 1 month**",
        "**Silver → Bitcoin**: not computed",
    ),
    ("first-day", "2014-01-02", "too little shared history", "**Gold → Bitcoin**: not computed"),
]


@pytest.mark.parametrize(
    "case,as_of,ratio_text,pair_text", SHORT_HISTORY, ids=[c[0] for c in SHORT_HISTORY]
)
def test_short_histories_still_give_a_grounded_briefing(case, as_of, ratio_text, pair_text):
    b = generate(demo(as_of=as_of), commentary=False)
    assert ratio_text in b.markdown and pair_text in b.markdown
    assert "n/a against" not in b.markdown and b.grounding.ok, b.grounding.ungrounded


def test_custom_pairs_replace_the_defaults():
    b = generate(demo(), ["gold", "silver"], pairs="gold>silver", commentary=False)
    assert [(p.leader, p.follower) for p in b.facts.pairs] == [("gold", "silver")]
    assert "**Gold → Silver** (weekly log returns" in b.markdown and "In plain words" in b.markdown


def test_a_bad_pair_is_an_input_error():
    with pytest.raises(InputError, match="leader>follower"):
        generate(demo(), ["gold"], pairs="gold", commentary=False)


# --- the LLM path -----------------------------------------------------------------------------


def _close_sentence(model_messages) -> str:
    """A narration built only from figures in the prompt (as a well-behaved model would)."""
    prompt = next(m.text for m in model_messages if "Most notable facts" in m.text)
    first = re.search(r"^1\. (.+)$", prompt, re.M).group(1)
    return f"Top story: {first}"


def test_llm_narrates_the_headline_over_the_facts():
    model = ScriptedChatModel([_close_sentence])
    b = generate(demo(as_of=AS_OF), model=model, commentary=False)
    assert len(model.calls) == 1
    prompt = model.calls[0][-1].text
    assert "Most notable facts" in prompt and "Tool results:" in prompt
    headline = b.markdown.split("## Headline")[1].split("## Moves")[0]
    assert "Top story:" in headline and "Warning" not in headline
    assert "narrated by" in b.markdown and b.grounding.ok and b.flagged == []


def test_llm_ungrounded_figures_get_one_rewrite():
    model = ScriptedChatModel(["Gold jumped 987,654.32% to 123,456.78.", _close_sentence])
    b = generate(demo(as_of=AS_OF), model=model, commentary=False)
    assert len(model.calls) == 2
    assert "987,654.32%" in model.calls[1][-1].text  # the rewrite request names the figures
    assert b.grounding.ok and b.flagged == [] and "Top story:" in b.markdown


def test_llm_ungrounded_figures_that_stay_are_flagged_visibly():
    model = ScriptedChatModel(
        [
            "Gold jumped 987,654.32% to 123,456.78.",
            AIMessage("Gold rose 876,543.21% to 234,567.89."),
        ]
    )
    b = generate(demo(as_of=AS_OF), model=model, commentary=False)
    assert len(model.calls) == 2
    assert b.flagged == ["876,543.21%", "234,567.89"]
    headline = b.markdown.split("## Headline")[1].split("## Moves")[0]
    assert "> **Warning:**" in headline and "876,543.21%" in headline and "unverified" in headline
    assert not b.grounding.ok and set(b.grounding.ungrounded) == set(b.flagged)
    assert "**Grounding**: 2 of" in b.markdown and "(flagged above)" in b.markdown
    assert b.to_dict()["grounding"]["flagged"] == b.flagged


def test_a_failing_model_leaves_the_template_headline():
    def broken(_messages):
        raise ConnectionError("no route to host")

    b = generate(demo(as_of=AS_OF), model=ScriptedChatModel([broken]), commentary=False)
    assert b.model_error and "Cannot reach the model API" in b.model_error
    assert "could not write the headline" in b.markdown
    assert b.headline[0].text in b.markdown and b.grounding.ok


def test_a_configured_model_without_a_key_fails_before_any_work():
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        generate(demo(model="openai:gpt-4.1-mini"), commentary=False)


# --- commentary: quoting, filters, failures ---------------------------------------------------


def test_quoted_commentary_cannot_inject_markup():
    hostile = passage(
        "Gold <script>alert(1)</script> **bold** [click](http://evil.example) $5 ![x](y.png)"
    )
    b = generate(demo(as_of=AS_OF), ["gold"], knowledge=FakeKB([hostile]))
    assert "<script>" not in b.markdown and r"\<script\>" in b.markdown
    assert r"\[click\](http://evil.example)" in b.markdown and r"\$5" in b.markdown
    page = br.to_html(b, figs=[])
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>bold</strong>" not in page and b.grounding.ok


def test_commentary_published_after_the_as_of_date_is_left_out():
    kb = FakeKB(
        [
            passage("Later view.", "Late", "2025-09-01", "c2"),
            passage("Earlier view.", "Early", "2025-06", "c1"),
        ]
    )
    b = generate(demo(as_of=AS_OF), ["gold"], knowledge=kb)
    assert [p["title"] for p in b.passages] == ["Early"]
    assert f"published on or before {AS_OF}" in b.markdown


def test_an_unavailable_library_still_gives_a_briefing():
    from knowledge.errors import StoreError

    def broken():
        raise StoreError("Cannot open the knowledge store at /x: the folder is not writable")

    b = generate(demo(as_of=AS_OF), ["gold"], knowledge=broken)
    assert (
        b.commentary.startswith("Cannot open")
        and "commentary library is not available" in b.markdown
    )


# --- outputs ----------------------------------------------------------------------------------


def test_json_has_the_facts_and_metadata():
    b = generate(demo(as_of=AS_OF), commentary=False, now=NOW)
    data = json.loads(br.to_json(b))
    assert {
        "kind",
        "as_of",
        "watchlist",
        "assets",
        "skipped",
        "model",
        "synthetic",
        "generated_at",
        "grounding",
        "headline",
        "sections",
        "commentary",
        "facts",
        "markdown",
    } <= set(data)
    assert data["generated_at"] == "2026-01-02T07:00:00+00:00" and data["markdown"] == b.markdown
    gold = data["facts"]["assets"][0]
    assert gold["asset"] == "gold" and {"price", "records", "highs", "levels"} <= set(gold)
    assert data["facts"]["pairs"][0]["result"]["best_lag"]["p_value_adjusted"] is not None


def test_html_is_self_contained():
    b = generate(demo(as_of=AS_OF), commentary=False)
    figs = br.figures(b)
    page = br.to_html(b, figs)
    assert len(figs) == 11  # relative; 5 price charts; 3 ratios; 2 correlograms
    assert page.count('class="plotly-graph-div"') == len(figs)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert len(scripts) == 1 + len(figs)  # plotly.js once, then one newPlot per chart
    bundle_end = page.index("</script>")
    assert "https://" not in page[bundle_end:].replace("https://plotly.com", "")


def test_dated_files_never_overwrite(tmp_path):
    b = generate(demo(as_of=AS_OF), ["gold"], commentary=False, now=NOW)
    paths = [br.write_new(tmp_path, br.dated_stem(b), "md", b.markdown) for _ in range(3)]
    assert [p.name for p in paths] == [
        f"briefing-2026-01-02-asof-{b.as_of}.md",
        f"briefing-2026-01-02-asof-{b.as_of}-2.md",
        f"briefing-2026-01-02-asof-{b.as_of}-3.md",
    ]


def test_archive_and_browse(isolated_home):
    b = generate(demo(as_of=AS_OF), ["gold"], commentary=False)
    paths = br.archive(b, isolated_home, formats=("md", "json"))
    items = br.saved(isolated_home)
    assert [i.stem for i in items] == [paths["md"].stem] and items[0].json == paths["json"]


# --- watchlists -------------------------------------------------------------------------------


def test_watchlists_round_trip_through_toml(isolated_home):
    saved = watchlists.save(
        isolated_home, "metals", 'gold, silver ,xag "quoted" \\ ünï', "silver>bitcoin"
    )
    assert saved.assets == ("gold", "silver", 'xag "quoted" \\ ünï')
    loaded = watchlists.load(isolated_home)
    assert loaded["metals"] == saved and loaded["default"].builtin
    assert not [p for p in isolated_home.iterdir() if p.name.endswith(".tmp")]
    watchlists.save(isolated_home, "default", ["gold"])
    assert watchlists.get(isolated_home, None).assets == ("gold",)
    watchlists.remove(isolated_home, "default")
    assert watchlists.get(isolated_home, None).builtin


@pytest.mark.parametrize("name", ["", "has space", "x" * 41, "-dash", "a.b"])
def test_bad_watchlist_names_are_refused(isolated_home, name):
    with pytest.raises(InputError, match="Bad watchlist name"):
        watchlists.save(isolated_home, name, "gold")


def test_a_broken_watchlist_file_names_itself(isolated_home):
    watchlists.path(isolated_home).write_text("[watchlists\n")
    with pytest.raises(InputError, match="watchlists.toml is not valid TOML"):
        watchlists.load(isolated_home)


def test_a_saved_watchlist_drives_the_briefing(isolated_home):
    watchlists.save(isolated_home, "metals", "gold,silver", "gold>silver")
    b = generate(demo(), watchlist="metals", commentary=False)
    assert b.assets == ["gold", "silver"] and b.watchlist == "metals"
    assert [(p.leader, p.follower) for p in b.facts.pairs] == [("gold", "silver")]
    assert "Watchlist **metals**" in b.markdown


# --- the agent tool and the app page ----------------------------------------------------------


def test_the_market_briefing_tool_returns_summary_and_artifact():
    from assistant.config import Settings
    from assistant.lc_tools import MAX_CONTENT, ToolContext, run_tool
    from assistant.registry import ToolName
    from tools.data import Market, make_source

    ctx = ToolContext(Market(make_source("demo")), settings=Settings(data="demo"))
    msg = run_tool(ToolName.BRIEFING, {"assets": ["gold", "silver"]}, ctx)
    assert len(msg.content) <= MAX_CONTENT and "Market briefing as of" in msg.content
    assert msg.artifact["kind"] == "briefing" and "## Moves" in msg.artifact["markdown"]
    assert msg.artifact["assets"] == ["gold", "silver"]


def test_the_offline_analyst_answers_a_briefing_question_with_it():
    from assistant.agent import Assistant

    reply = Assistant(demo()).ask("Write a market briefing on gold and silver")
    assert [c["name"] for c in reply.tool_calls] == ["market_briefing"]
    assert "## Records and breakouts" in reply.answer and reply.grounding.ok, (
        reply.grounding.ungrounded
    )


def test_the_briefing_page_generates_shows_and_archives(isolated_home, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MARKET_ASSISTANT_DATA", "demo")
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "ui" / "briefing.py"), default_timeout=90
    )
    at.run()
    assert not at.exception
    at.checkbox(key="bp_quotes").uncheck()
    at.button[0].click().run()
    assert not at.exception and not at.error
    shown = "\n".join(m.value for m in at.markdown)
    assert all(f"### {title}" in shown for title in SECTIONS)
    assert len(at.get("plotly_chart")) == 11
    assert br.saved(isolated_home)  # archived, and not offered again under "Earlier briefings"
    assert not [s for s in at.selectbox if s.key == "bp_saved"]


# --- real data --------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_data_silver_record_and_outperformance_of_gold(market_data):
    b = generate(Settings.from_env(data=f"csv:{market_data}", as_of="2026-01-23"), commentary=False)
    silver = b.facts.asset("silver")
    assert silver.records.last_record.close == pytest.approx(100.925, abs=1e-4)
    assert silver.records.breaking_out and str(silver.records.last_record.date) == "2026-01-23"
    assert "**Silver**: new all-time closing high 100.93 on 2026-01-23" in b.markdown
    ratio = next(
        r for r in b.facts.ratios if (r.numerator.key, r.denominator.key) == ("silver", "gold")
    )
    rows = {row.asset: row.change_pct["3m"] for row in ratio.comparison.rows}
    assert rows["silver"] > rows["gold"] and ratio.comparison.ratio.change_pct["3m"] > 0
    assert "**Silver outperformed Gold over 3 months**" in b.markdown
    assert b.grounding.ok and "synthetic" not in b.markdown
