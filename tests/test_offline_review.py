"""What a stranger found on the real data: days named by holidays, date phrases the analyst cannot
resolve, stale data said once in every kind of answer, and why-questions about a dated move that
report the move and then say what the library does (or does not) explain. Figures from pandas."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.questions import oracle as o
from tests.questions.runner import TODAY, make_assistant
from tools import formatting as f

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def live(knowledge_base):
    from tests.conftest import MARKET_DATA

    if not (MARKET_DATA / "silver.csv").is_file():
        pytest.skip("../shared/market-data is not present")
    return make_assistant(MARKET_DATA, knowledge_base)


def calls(reply, name):
    return [c["args"] for c in reply.tool_calls if c["name"] == name]


def test_a_day_named_by_a_holiday_is_looked_up_not_the_latest_close(live):
    reply = live.ask("how much was bitcoin last christmas")
    close, day = o.on_or_before("bitcoin", "2025-12-25")  # bitcoin's data ends 2026-03-06
    assert {"asset": "bitcoin", "on": "2025-12-25"} in calls(reply, "get_price")
    assert f"**{f.price(close)}** on {day}" in reply.answer
    assert "'last christmas' as Christmas Day, 2025-12-25" in reply.answer
    latest = f.price(o.on_or_before("bitcoin", o.last_date("bitcoin"))[0])
    assert latest not in reply.answer and reply.grounding.ok


def test_a_holiday_when_the_market_was_shut_gives_the_close_before(live):
    reply = live.ask("S&P 500 on thanksgiving 2024")  # 28 November 2024, a US holiday
    close, day = o.on_or_before("sp500", "2024-11-28")
    assert day == dt.date(2024, 11, 27)
    assert "did not trade on 2024-11-28" in reply.answer and f.price(close) in reply.answer


@pytest.mark.parametrize(
    "question, phrase",
    [("what was silver on election day?", "on election day"),
     ("gold after the crash", "after the crash"),
     ("bitcoin on my birthday", "on my birthday")],
)  # fmt: skip
def test_a_date_phrase_that_cannot_be_resolved_is_asked_about(live, question, phrase):
    reply = live.ask(question)
    assert not reply.tool_calls
    assert f"I can't tell which date you mean by '{phrase}'" in reply.answer
    assert reply.grounding.ok


STALE_QUESTIONS = [
    "how did gold do in 2024",
    "which did better in 2025, gold or silver?",
    "silver vs gold over the past year",
    "is gold at a record?",
    "does gold lead silver?",
    "why is silver falling?",
    "why did silver drop on 30 January 2026?",
    "What was gold on 3 March 2025?",
    "did gold hit 5000?",
]


@pytest.mark.parametrize("question", STALE_QUESTIONS)
def test_every_kind_of_answer_says_once_that_the_data_is_stale(live, question):
    reply = live.ask(question)
    last = o.last_date("gold")  # gold and silver end on the same day
    assert reply.answer.count(" data end") == 1, reply.answer
    assert f"{last}, eight months before today ({TODAY})" in reply.answer


def test_stale_data_is_measured_from_the_as_of_date_and_fresh_data_says_nothing(knowledge_base):
    from tests.conftest import MARKET_DATA

    later = make_assistant(MARKET_DATA, knowledge_base, as_of="2026-06-15")
    reply = later.ask("which did better this year, gold or silver?")
    assert "two months before the as-of date (2026-06-15)" in reply.answer
    fresh = make_assistant(MARKET_DATA, knowledge_base, as_of=o.last_date("gold").isoformat())
    assert " data end" not in fresh.ask("does gold lead silver?").answer


def test_a_dated_why_reports_the_move_then_says_the_library_does_not_explain_it(live):
    reply = live.ask("Why did bitcoin tank on 5 feb 2026?")
    move = o.period("bitcoin", "2026-02-05", "2026-02-05")
    assert reply.answer.startswith(f"**On 2026-02-05 bitcoin fell {o.pct(move['pct'])}**")
    assert calls(reply, "search_commentary") and calls(reply, "period_change")
    assert "Nothing in the library explains bitcoin's move on 2026-02-05" in reply.answer
    assert "What the commentary says" not in reply.answer  # no dated piece is about that day
    assert reply.grounding.ok


def test_a_why_question_with_the_wrong_direction_is_corrected_first(live):
    reply = live.ask("why did silver rise on 30 January 2026?")
    move = o.period("silver", "2026-01-30", "2026-01-30")
    assert reply.answer.startswith(
        f"**Silver did not rise on 2026-01-30: it fell {o.pct(move['pct'])}**"
    )


ABOUT_THAT_DAY = """---
title: "Bitcoin's February flush"
source: "Crypto desk note"
published: 2026-02-06
assets: [bitcoin]
---

# Bitcoin's February flush

Bitcoin tanked on 5 February 2026 as leveraged long positions were liquidated across the
big exchanges; forced selling, not news, drove the fall, and funding rates turned negative.
"""


@pytest.fixture(scope="module")
def dated_library(tmp_path_factory):
    from knowledge.base import open_knowledge_base

    home = tmp_path_factory.mktemp("dated-kb")
    kb = open_knowledge_base(home)
    note = home / "february-flush.md"
    note.write_text(ABOUT_THAT_DAY, encoding="utf-8")
    kb.ingest([note])
    return kb


def test_commentary_written_about_that_day_is_quoted_unless_after_the_as_of_date(dated_library):
    from tests.conftest import MARKET_DATA

    if not (MARKET_DATA / "btc.csv").is_file():
        pytest.skip("../shared/market-data is not present")
    reply = make_assistant(MARKET_DATA, dated_library).ask("why did bitcoin tank on 5 feb 2026?")
    assert "What the commentary says" in reply.answer
    assert "Bitcoin's February flush" in reply.answer and "leveraged long" in reply.answer
    assert "Nothing in the library explains" not in reply.answer
    early = make_assistant(MARKET_DATA, dated_library, as_of="2026-02-05")
    reply = early.ask("why did bitcoin tank on 5 feb 2026?")
    assert "February flush" not in reply.answer
    assert "Nothing in the library explains bitcoin's move on 2026-02-05" in reply.answer


def test_a_question_about_the_record_opens_with_the_record(live):
    reply = live.ask("when did silver peak?")
    rec = o.record("silver")
    first = reply.answer.split("\n\n")[0]
    assert first.startswith(
        f"**Silver last closed at a record on {rec['date']}, at {o.px(rec['close'])}**"
    )
    assert f"{o.pct(rec['below'])} below it" in first and "breaking out" not in first


def test_a_move_that_contradicts_the_question_is_said_first(live):
    week = o.horizon("silver", "1w")
    reply = live.ask("how much did silver drop over the past week")
    first = reply.answer.split("\n\n")[0]
    if week["pct"] > 0:
        assert first.startswith(
            f"**Silver did not fall over the past week: it is up {o.pct(week['pct'])}"
        )
    else:
        assert first.startswith(f"**Silver is down {o.pct(week['pct'])} over the past week")


def test_a_ratio_question_opens_with_the_ratio_in_the_order_asked(live):
    gold, silver = o.closes("gold"), o.closes("silver")
    both = (gold / silver).dropna()
    reply = live.ask("how many ounces of silver does one ounce of gold buy")
    assert reply.answer.startswith(f"**The Gold/Silver ratio is {f.num(both.iloc[-1], 2)} on")
    assert reply.grounding.ok


def test_a_measure_no_tool_has_is_said_before_the_data(live):
    reply = live.ask("which is more volatile, gold or silver?")
    assert reply.answer.startswith("I have no tool for volatility")
    reply = live.ask("gold price in euros")
    assert reply.answer.startswith("I have no tool for prices in other currencies")


def test_a_ranking_without_assets_compares_every_usual_asset(live):
    reply = live.ask("best performing asset this year?")
    assert [c["args"]["assets"] for c in reply.tool_calls if c["name"] == "compare_assets"] == [
        ["gold", "silver", "bitcoin", "sp500", "dxy"]
    ]
    assert "did better than" in reply.answer.split("\n\n")[0]


def test_that_month_in_a_follow_up_keeps_the_month(live):
    live.ask("gold price in march 2020", thread_id="that-month")
    reply = live.ask("and the lowest close that month?", thread_id="that-month")
    s = o.closes("gold").loc["2020-03-01":"2020-03-31"]
    assert f"lowest {o.px(s.min())} ({s.idxmin().date()})" in reply.answer
