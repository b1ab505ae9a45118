"""The claim check in the chat, the app and briefings: the ``check_claims`` tool through the
registry, the offline analyst's fact-check route end to end with its table and charts, the
escaping of document text in the table, the Knowledge page's "Check claims", and the optional
briefing section."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from test_knowledge_support import seed_home, tiny_kb

from assistant.agent import Assistant
from assistant.claims.render import summary_lines, verdict_markdown
from assistant.claims.source import from_text
from assistant.config import Settings
from assistant.lc_tools import ToolContext, run_tool
from assistant.registry import Kind, ToolFailure, ToolName, kind_of, read
from tools.claims import ClaimReport
from tools.data import Market, make_source


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from test_knowledge_support import embedder

    from knowledge.base import open_knowledge_base

    home = seed_home(tmp_path_factory.mktemp("claims-library"))
    return open_knowledge_base(home, embedder=embedder())


def test_the_tool_returns_a_typed_claim_report(library):
    ctx = ToolContext(market=Market(make_source("demo")), knowledge=lambda: library)
    message = run_tool(ToolName.CHECK_CLAIMS, {"source": "the silver article"}, ctx)
    assert kind_of(message.artifact) == Kind.CLAIMS
    report = read(message.artifact)
    assert isinstance(report, ClaimReport)
    assert {"kind": "claims", **report.to_dict()} == message.artifact  # reads back exactly
    assert report.document.doc_id == "silvers-defensive-rally"
    assert len(message.content) <= 1500 and message.content.startswith("Claim check of")
    failure = read(run_tool(ToolName.CHECK_CLAIMS, {"source": "/etc/passwd"}, ctx).artifact)
    assert isinstance(failure, ToolFailure) and "No file or library document" in failure.error


@pytest.mark.parametrize(
    ("question", "args", "verdicts"),
    [
        (
            "Check this: Bitcoin follows silver with a lag of about four weeks. Gold leads the "
            "S&P 500 by a month.",
            {"text": "Bitcoin follows silver with a lag of about four weeks. Gold leads the "
             "S&P 500 by a month."},
            ["Supported", "Not supported"],
        ),
        ("Is the claim that bitcoin lags silver true?", {"text": "bitcoin lags silver"},
         ["Supported"]),
    ],
)  # fmt: skip
def test_the_offline_analyst_answers_a_fact_check_with_the_table(question, args, verdicts):
    bot = Assistant(Settings(data="demo"), knowledge=None)
    reply = bot.ask(question)
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [(ToolName.CHECK_CLAIMS, args)]
    assert re.search(r"(?m)^1\. :\w+-badge\[[A-Za-z ]+\] “", reply.answer)  # one item per claim
    for v in verdicts:
        assert f"-badge[{v}]" in reply.answer
    report = read(reply.tool_results[0]["artifact"])
    for line in summary_lines(report):
        assert line.split(":")[0].replace(":", "\\:") in reply.answer.replace("\\:", ":")
    assert reply.grounding.ok, reply.grounding.badge()
    titles = [t for t, _ in bot.charts(reply)]
    assert titles and all(t.startswith("Claim 1") or t.startswith("Claim 2") for t in titles)


@pytest.mark.slow
def test_fact_check_the_silver_article_in_the_chat(library):
    bot = Assistant(Settings(data="demo"), knowledge=lambda: library)
    reply = bot.ask("fact-check the silver article")
    assert [c["name"] for c in reply.tool_calls] == [ToolName.CHECK_CLAIMS]
    assert "Claim check: Silver's Defensive Rally" in reply.answer.replace("\\", "")
    assert "Tested at 2026-01-30" in reply.answer and reply.grounding.ok
    assert len(bot.charts(reply)) >= 3


def test_document_text_cannot_inject_markup_or_badges():
    """A quote that carries a badge, a link, HTML or a pipe shows as text in the app (through
    ``safe_markdown``, as the chat and the Knowledge page render it) and in plain Markdown."""
    import re

    from ui.common import safe_markdown

    text = (
        "Silver hit $101 today :red-badge[Supported] [click](http://evil.example) <img src=x> "
        "**bold** | pipe."
    )
    report = _report(text)
    shown = safe_markdown(verdict_markdown(report, badges=True))
    live = re.findall(r"(?<![\\\w\u200b]):(\w+)-badge\[([^\]\\]*)\]", shown)
    assert live == [("red", "Contradicted")]  # only the verdict's own badge is live
    row = next(line for line in shown.splitlines() if line.startswith("1. "))
    assert "∣ pipe" in row and "|" not in row  # a pipe cannot start a table
    assert "<img" not in shown and "&lt;img" in shown and "](http" not in shown
    # no link can form: ingestion already reduces a Markdown link to its text
    assert "evil.example" not in shown and "click" in shown
    plain = verdict_markdown(report, badges=False)
    assert "\\<img" in plain and "\\$101" in plain and "-badge[" not in plain
    assert "\\*\\*bold\\*\\*" in plain and "\\| pipe" in plain


def _report(text: str):
    from assistant.claims.check import check_document

    return check_document(from_text(text), Market(make_source("demo")), classifier=False)


def test_the_knowledge_page_checks_a_documents_claims(isolated_home, monkeypatch):
    import streamlit as st

    seed_home(isolated_home)
    monkeypatch.setenv("MARKET_ASSISTANT_DATA", "demo")
    st.cache_resource.clear()
    from pathlib import Path

    app = Path(__file__).resolve().parents[1] / "streamlit_app.py"
    at = AppTest.from_file(str(app), default_timeout=120).run()
    at.switch_page("ui/knowledge.py").run()
    at.selectbox(key="check_doc").set_value("silvers-defensive-rally")
    at.button(key="check_claims").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(m.value for m in at.markdown)
    assert "Claim check: Silver" in shown and "*Since publication:*" in shown
    assert "-badge[" in shown and "\\:" not in shown
    (details,) = [e for e in at.expander if e.label == "How each claim was tested, in full"]
    full = "\n".join(m.value for m in details.markdown)
    assert "*Tested with:*" in full and "Claims " in full  # claims with one test listed together
    st.cache_resource.clear()


def test_a_briefing_can_check_the_commentary_published_in_its_window(tmp_path):
    from assistant.briefing.pipeline import generate

    kb = tiny_kb(tmp_path / "home")
    note = tmp_path / "october.md"
    note.write_text(
        "---\ntitle: October metals note\npublished: 2026-10-20\n---\n\nBitcoin follows silver "
        "with a lag of about four weeks. Gold leads the S&P 500 by a month.\n",
        encoding="utf-8",
    )
    old = tmp_path / "old.md"
    old.write_text("---\ntitle: An old note\npublished: 2025-01-10\n---\n\nSilver rallied.\n")
    assert not kb.ingest([note, old]).failed
    settings = Settings(data="demo", home=tmp_path / "home")
    plain = generate(settings, commentary=False)
    assert "Claims in the commentary, checked" not in plain.markdown
    b = generate(settings, commentary=False, knowledge=kb, claims=True)
    section = b.markdown.split("## Claims in the commentary, checked")[1].split("\n## ")[0]
    assert "October metals note" in section and "An old note" not in section
    assert "| 1 | Bitcoin follows silver with a lag of about four weeks. | supported |" in section
    assert "| 2 | Gold leads the S&P 500 by a month. | not supported |" in section
    assert b.grounding.ok, b.grounding.ungrounded
    assert b.markdown.replace(section, "").count("##") == plain.markdown.count("##") + 1


def test_a_briefing_with_claims_grounds_its_window_and_numbers_its_claims(tmp_path):
    """The window's first day is stated and grounded (``brief --claims --strict`` passes), and a
    claim tested like an earlier one points at a numbered row."""
    import datetime as dt

    from assistant.briefing.pipeline import generate

    kb = tiny_kb(tmp_path / "home")
    note = tmp_path / "october.md"
    note.write_text(
        "---\ntitle: October metals note\npublished: 2026-08-05\n---\n\nBitcoin follows silver "
        "with a lag of about four weeks. Bitcoin trails silver by about four weeks.\n",
        encoding="utf-8",
    )
    assert not kb.ingest([note]).failed
    as_of = dt.date(2026, 8, 10)  # the window starts on a Saturday, a month and a day back
    settings = Settings(data="demo", home=tmp_path / "home", as_of=as_of)
    b = generate(settings, commentary=False, knowledge=kb, claims=True)
    section = b.markdown.split("## Claims in the commentary, checked")[1].split("\n## ")[0]
    start = (as_of - dt.timedelta(days=30)).isoformat()
    assert f"from {start} to {as_of}" in section
    assert b.grounding.ok, b.grounding.ungrounded
    assert (
        "| 2 | Bitcoin trails silver by about four weeks. | supported | Same test as claim 1."
        in (section)
    )


def test_remarks_about_the_claims_are_listed_apart_and_not_counted_as_claims():
    from assistant.claims.render import verdict_html, verdict_text

    report = _report(
        "Bitcoin follows silver with a lag of about four weeks. Gold leads the S&P 500 by a "
        "month. The lag claim is the weakest. See the notes on breakouts. Silver's been in a "
        "structural deficit for years."
    )
    assert [len(report.testable), len(report.untestable), len(report.remarks)] == [2, 1, 2]
    first = summary_lines(report)[0]
    assert first.startswith(
        "Of 2 testable claims, 1 held up and 1 was not supported by the data; 1 more cannot be"
        " tested with price data."
    )
    assert "2 sentences about the claims or the document, listed apart." in first
    for shown in (verdict_markdown(report), verdict_text(report), verdict_html(report)):
        assert "Not testable with price data (1)" in shown
        assert "Not claims about markets" in shown
    assert report.tally() == (
        "3 claims: 1 supported, 1 not supported; 1 not testable with price data; 2 remarks about "
        "the claims"
    )


def test_an_undated_text_names_the_date_it_is_tested_at_and_why():
    """With a market cut at a global as-of date the header names that date as the as-of date;
    at the latest data it says a publication date would change what is tested."""
    import datetime as dt

    from assistant.claims.check import check_source
    from tools.data import DemoSource, Market

    text = "Bitcoin follows silver with a lag of about four weeks."
    cut = check_source(None, Market(DemoSource(), dt.date(2026, 6, 30)), text=text)
    assert cut.tested_at == dt.date(2026, 6, 30)
    second = summary_lines(cut)[1]
    assert "latest data" not in second and "as-of date (2026-06-30)" in second
    latest = check_source(None, Market(DemoSource()), text=text)
    second = summary_lines(latest)[1]
    assert "latest data" in second and "a publication date would change what is tested" in second
    assert summary_lines(latest)[0] == "The claim held up."


def test_a_charts_record_label_rounds_as_the_table_does():
    """A record of 100.925 reads "100.93" on the chart as in the table (half up, 2 decimals)."""
    import datetime as dt
    from decimal import ROUND_HALF_UP, Decimal

    import plotly.graph_objects as go

    from assistant.claims.figures import claim_figures
    from tools.claims import Claim, ClaimCheck, ClaimReport, DocumentMeta

    claim = Claim("Silver hit a record.", "level", "silver", record=True)
    check = ClaimCheck(
        claim,
        "supported",
        "Record.",
        {"record": 100.925, "record_date": "2026-01-23"},
        tested_at=dt.date(2026, 1, 23),
    )
    report = ClaimReport(DocumentMeta("t"), dt.date(2026, 1, 23), "", None, [check])
    charts = claim_figures(
        report, Market(make_source("demo")), lambda *a, **k: go.Figure(), None, None
    )
    ((title, fig),) = charts
    labels = [a.text for a in fig.layout.annotations]
    want = Decimal("100.925").quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert f"record {want} (2026-01-23)" in labels, labels
