"""One test per misreading the analyst used to make (dates, periods, typos, paraphrases, verdicts,
documents, premises, scope, records, stale data), on the real data with figures from pandas."""

from __future__ import annotations

import datetime as dt

import numpy as np
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


def as_of(date: str, knowledge_base):
    from tests.conftest import MARKET_DATA

    return make_assistant(MARKET_DATA, knowledge_base, as_of=date)


def calls(reply, name):
    return [c["args"] for c in reply.tool_calls if c["name"] == name]


def test_dates_in_words_are_read_not_ignored(live):
    reply = live.ask("What was gold on 3 March 2025?")
    close, day = o.on_or_before("gold", "2025-03-03")
    assert calls(reply, "get_price") == [{"asset": "gold", "on": "2025-03-03"}]
    assert reply.answer.startswith(f"**Gold** closed at **{f.price(close)}** on {day}")
    assert "2025-03-03" in reply.answer.split("\n\n")[0]


def test_a_date_before_the_data_names_where_the_data_starts(live):
    reply = live.ask("gold on 3 March 1999")
    assert f"Gold's data starts on {o.first_date('gold')}" in reply.answer
    assert reply.grounding.ok


def test_relative_dates_are_anchored_to_the_as_of_date_not_today(knowledge_base):
    reply = as_of("2025-06-30", knowledge_base).ask("what was gold last Friday?")
    assert calls(reply, "get_price") == [{"asset": "gold", "on": "2025-06-27"}]
    assert f.price(o.on_or_before("gold", "2025-06-27")[0]) in reply.answer


def test_calendar_periods_are_a_change_between_two_dated_closes(live):
    reply = live.ask("how did gold do in 2024")
    p = o.period("gold", "2024-01-01", "2024-12-31")
    assert calls(reply, "period_change")[0] | {"label": None} == {
        "asset": "gold", "start": "2024-01-01", "end": "2024-12-31", "label": None}  # fmt: skip
    first = reply.answer.split("\n\n")[0]
    for figure in (o.pct(p["pct"]), o.px(p["base"][0]), str(p["base"][1]), str(p["last"][1])):
        assert figure in first


def test_typos_are_matched_and_said_never_dropped(live):
    reply = live.ask("golld vs slvr")
    assert calls(reply, "compare_assets") == [{"assets": ["gold", "silver"]}]
    assert reply.answer.startswith("(Taking 'golld' as gold, 'slvr' as silver.)")


@pytest.mark.parametrize(
    "question",
    [
        "what's driving gold?",
        "what's behind the silver rally",
        "any reason for bitcoin's slide?",
        "how come the dollar fell?",
    ],  # fmt: skip
)
def test_paraphrased_why_questions_search_the_commentary(live, question):
    reply = live.ask(question)
    assert calls(reply, "search_commentary") and reply.grounding.ok


def test_unclear_questions_get_a_specific_question_back(live):
    reply = live.ask("silver, thoughts on the general vibe of things lately?")
    assert not reply.tool_calls or "not sure" in reply.answer or "Silver" in reply.answer
    ambiguous = live.ask("gold on 03/04/2025")
    assert not ambiguous.tool_calls
    assert "the third of April or the fourth of March" in ambiguous.answer or (
        "the fourth of March or the third of April" in ambiguous.answer
    )


def test_a_comparison_opens_with_the_winner_over_the_same_window(live):
    reply = live.ask("which did better this year, gold or bitcoin?")
    end = min(o.last_date("gold"), o.last_date("bitcoin"))  # bitcoin's file ends earlier
    g, b = o.horizon("gold", "ytd", end), o.horizon("bitcoin", "ytd", end)
    winner = "Gold" if g["pct"] > b["pct"] else "Bitcoin"
    first = reply.answer.split("\n\n")[0]
    assert first.startswith(f"**{winner} did better than")
    assert o.pct(g["pct"]) in first and o.pct(b["pct"]) in first and str(end) in first


def test_questions_about_a_document_answer_from_quotes(live):
    reply = live.ask("What does the article say about bitcoin?")
    assert [c["name"] for c in reply.tool_calls] == ["search_commentary"]
    assert "[1]" in reply.answer and "closed at" not in reply.answer


def test_a_false_premise_is_checked_against_the_data_first(live):
    reply = live.ask("Why is silver rising?")
    month = o.horizon("silver", "1m")
    rec = o.record("silver")
    assert month["pct"] < 0  # the data: silver fell over the past month
    first = reply.answer.split("\n\n")[0]
    assert first.startswith(f"**Silver is not rising**: it is down {o.pct(month['pct'])}")
    assert f"{o.pct(rec['below'])} below its record" in first


@pytest.mark.parametrize(
    "question",
    ["Why are silver vault inventories rising?", "why have silver ETF holdings been rising lately"],
)
def test_a_move_of_something_else_the_asset_names_is_not_judged_by_its_price(live, question):
    """The premise is about inventories or holdings, not the price: the price is stated plainly
    and neither denies nor confirms it (silver fell over the past month in this data)."""
    assert o.horizon("silver", "1m")["pct"] < 0
    first = live.ask(question).answer.split("\n\n")[0]
    assert "not rising" not in first and "Partly" not in first and "has been rising" not in first
    assert first.startswith("**Silver** closed at"), first


def test_why_did_it_drop_on_a_date_reports_that_days_move_first(live):
    reply = live.ask("why did silver drop on 30 January 2026?")
    move = o.period("silver", "2026-01-30", "2026-01-30")
    assert reply.answer.startswith(f"**On 2026-01-30 silver fell {o.pct(move['pct'])}**")


def test_nothing_relevant_in_the_library_is_said_plainly(live):
    reply = live.ask("why are tulip bulbs so expensive in Amsterdam?")
    assert "nothing that answers this" in reply.answer or not reply.tool_calls
    assert ">" not in reply.answer.split("Data:")[0]  # no passage quoted


def test_commentary_after_the_as_of_date_is_not_cited_and_background_is_labelled(knowledge_base):
    reply = as_of("2025-06-30", knowledge_base).ask("Why is silver rising?")
    assert "Silver's Defensive Rally" not in reply.answer  # published January 2026
    assert "(background note)" in reply.answer or "nothing that answers" in reply.answer


def test_forecasts_are_declined_with_what_can_be_offered(live):
    reply = live.ask("what's your price target for gold?")
    assert "don't forecast" in reply.answer and f.price(o.closes("gold").iloc[-1]) in reply.answer


def test_an_asset_missing_from_the_csv_folder_is_named_with_what_is_there(live):
    reply = live.ask("How much is Tesla?")
    assert "Tesla is not in your CSV folder; it has" in reply.answer
    assert "Valid options" not in reply.answer
    names = ("bitcoin", "US Dollar Index", "gold", "silver", "S&P 500")
    assert all(k in reply.answer for k in names)


def test_at_a_record_only_when_the_last_close_is_the_record(knowledge_base):
    s = o.closes("sp500")
    c = s.to_numpy()
    record = np.r_[True, c[1:] > np.maximum.accumulate(c)[:-1]]
    days = [
        t for t in range(len(c) - 400, len(c))
        if 1 <= t - np.flatnonzero(record[: t + 1])[-1] <= 4 and c[t] < c[: t + 1].max() * 0.995
    ]  # fmt: skip
    t = days[-1]
    since = t - np.flatnonzero(record[: t + 1])[-1]
    below = (1 - c[t] / c[: t + 1].max()) * 100
    day = s.index[t].date()
    reply = as_of(day.isoformat(), knowledge_base).ask("Is the S&P 500 breaking out?")
    first = reply.answer.split("\n\n")[0]
    assert "is at a record" not in first.lower() and "is breaking out" not in first.lower()
    assert f"{f.pct(below, signed=False)} below its record close" in first
    assert f"{since} trading days earlier" in first and "recent breakout" in first


def test_stale_data_is_said_plainly_with_its_last_date(live):
    reply = live.ask("How much is silver?")
    last = o.last_date("silver")
    assert f"Silver's data ends {last}, eight months before today ({TODAY})" in reply.answer
    assert (TODAY - last).days > 240


def test_answers_use_plain_words_and_one_rounding_rule(live):
    for q in ("How much is silver?", "Is gold breaking out?", "Does bitcoin follow silver?",
              "how did bitcoin do in 2022", "silver vs gold"):  # fmt: skip
        text = live.ask(q).answer
        assert " bars" not in text and "follower first" not in text
        assert not any(f"{verb} -" in text for verb in ("fell", "down", "rose", "up"))


def test_llm_prompt_asks_for_the_same_answers(live):
    from assistant.prompts import dates_in, system_prompt

    prompt = system_prompt("CSV", dt.date(2026, 1, 23), today=TODAY)
    assert "Today is 2026-01-23" in prompt and dates_in(prompt) == (dt.date(2026, 1, 23),) * 2
    assert "[1]" in prompt and "trading days" in prompt and "period_change" in prompt
    assert "forecast" in prompt and "fell 13.47%" in prompt
    assert dates_in(system_prompt("CSV", None, today=TODAY)) == (TODAY, None)
