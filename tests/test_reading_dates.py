"""Dates and periods in words, read against an anchor (the as-of date or the data's last day)."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.offline.dates import find_when

D = dt.date
ANCHOR = D(2026, 3, 30)  # a Monday

CASES = [
    ("gold on 3 March 2025", "day", D(2025, 3, 3), D(2025, 3, 3)),
    ("silver on March 3rd", "day", D(2026, 3, 3), D(2026, 3, 3)),
    ("silver on 3 April", "day", D(2025, 4, 3), D(2025, 4, 3)),  # the latest 3 April
    ("what was btc last Friday", "day", D(2026, 3, 27), D(2026, 3, 27)),
    ("gold on Monday", "day", D(2026, 3, 30), D(2026, 3, 30)),
    ("gold at the end of 2024", "day", D(2024, 12, 31), D(2024, 12, 31)),
    ("at the start of March 2025", "day", D(2025, 3, 1), D(2025, 3, 1)),
    ("yesterday", "day", D(2026, 3, 29), D(2026, 3, 29)),
    ("2 weeks ago", "day", D(2026, 3, 16), D(2026, 3, 16)),
    ("What did silver close at on 2025-06-02?", "day", D(2025, 6, 2), D(2025, 6, 2)),
    ("on 13/04/2025", "day", D(2025, 4, 13), D(2025, 4, 13)),
    ("silver in Q3 2025", "period", D(2025, 7, 1), D(2025, 9, 30)),
    ("gold in 2024", "period", D(2024, 1, 1), D(2024, 12, 31)),
    ("during February 2026", "period", D(2026, 2, 1), D(2026, 2, 28)),
    ("in the first quarter", "period", D(2026, 1, 1), D(2026, 3, 31)),
    ("in the third quarter of 2025", "period", D(2025, 7, 1), D(2025, 9, 30)),
    ("from June to September 2025", "period", D(2025, 6, 1), D(2025, 9, 30)),
    ("from November to February 2025", "period", D(2024, 11, 1), D(2025, 2, 28)),
    ("between March and May", "period", D(2025, 3, 1), D(2025, 5, 31)),
    ("first half of 2025", "period", D(2025, 1, 1), D(2025, 6, 30)),
    ("how did gold do last month", "period", D(2026, 2, 1), D(2026, 2, 28)),
    ("last year", "period", D(2025, 1, 1), D(2025, 12, 31)),
    ("in May", "period", D(2025, 5, 1), D(2025, 5, 31)),
    ("since 2020", "since", D(2020, 1, 1), ANCHOR),
    ("since March", "since", D(2026, 3, 1), ANCHOR),
    ("over 6 months?", "trailing", D(2025, 10, 1), ANCHOR),
    ("over the last 18 months", "trailing", D(2024, 10, 1), ANCHOR),
]


@pytest.mark.parametrize("text, kind, start, end", CASES, ids=[c[0] for c in CASES])
def test_phrases_resolve_against_the_anchor(text, kind, start, end):
    when = find_when(text)
    assert when is not None and when.kind == kind
    assert when.resolve(ANCHOR)[:2] == (start, end)


def test_the_same_phrase_moves_with_the_anchor():
    when = find_when("gold last Friday")
    assert when.relative and when.resolve(D(2025, 6, 30))[0] == D(2025, 6, 27)
    assert not find_when("gold on 3 March 2025").relative


@pytest.mark.parametrize(
    "text", ["silver may rise", "gold over 10y", "2 decades", "did gold hit $2,000", "up 5%"]
)
def test_words_that_are_not_dates(text):
    when = find_when(text)
    assert when is None or when.kind == "trailing"  # "10y" is ten years, never a day


def test_standard_windows_are_horizons_and_unclear_dates_are_flagged():
    assert find_when("over the past 3 months").horizon == "3m"
    assert find_when("over the past year").horizon == "1y"
    unclear = find_when("gold on 03/04/2025")
    assert unclear.kind == "unclear" and unclear.options == ("2025-03-04", "2025-04-03")
    assert find_when("what was gold on the 3rd?").kind == "unclear"


NAMED = D(2026, 3, 6)  # bitcoin's last day in the real data, a Friday
NAMED_DAYS = [
    ("how much was bitcoin last christmas", D(2025, 12, 25)),
    ("bitcoin on christmas", D(2025, 12, 25)),
    ("gold on christmas eve 2024", D(2024, 12, 24)),
    ("silver on new year's day", D(2026, 1, 1)),
    ("the dollar on new years eve 2025", D(2025, 12, 31)),
    ("S&P 500 on thanksgiving 2025", D(2025, 11, 27)),  # the fourth Thursday of November
    ("gold on black friday 2024", D(2024, 11, 29)),
    ("silver on the fourth of july 2025", D(2025, 7, 4)),
    ("independence day 2024", D(2024, 7, 4)),
    ("bitcoin on easter 2025", D(2025, 4, 20)),
    ("gold on good friday 2024", D(2024, 3, 29)),
    ("halloween", D(2025, 10, 31)),
    ("on valentine's day", D(2026, 2, 14)),
    ("last labor day", D(2025, 9, 1)),  # the first Monday of September
    ("memorial day 2025", D(2025, 5, 26)),  # the last Monday of May
    ("the day after christmas 2024", D(2024, 12, 26)),
    ("the 2020 halving", D(2020, 5, 11)),
]


@pytest.mark.parametrize("text, day", NAMED_DAYS, ids=[t for t, _ in NAMED_DAYS])
def test_days_named_by_holidays_resolve_against_the_anchor(text, day):
    when = find_when(text)
    assert when is not None and when.kind == "day" and when.named
    assert when.resolve(NAMED)[:2] == (day, day)


def test_last_means_the_one_before_the_anchor_day_itself():
    when = find_when("gold last christmas")
    assert when.resolve(D(2025, 12, 25))[0] == D(2024, 12, 25)
    assert find_when("gold on christmas").resolve(D(2025, 12, 25))[0] == D(2025, 12, 25)
    assert find_when("gold on christmas").resolve(D(2025, 12, 24))[0] == D(2024, 12, 25)


def test_named_days_open_and_close_periods():
    since = find_when("how has gold done since easter?")
    assert since.kind == "since" and since.resolve(NAMED)[:2] == (D(2025, 4, 20), NAMED)
    span = find_when("silver from christmas to new year's day")
    assert span.kind == "period" and span.resolve(NAMED)[:2] == (D(2025, 12, 25), D(2026, 1, 1))


@pytest.mark.parametrize(
    "text",
    [
        "silver on election day",
        "gold on election day 2024",
        "bitcoin after the crash",
        "the S&P during the covid crash",
        "gold on my birthday",
        "silver on Bastille Day",
        "gold around the holidays",
        "gold on the eve of the election",
        "silver in the run-up to christmas",
        "bitcoin in the wake of the halving",
    ],
)
def test_date_like_phrases_the_reader_cannot_resolve_are_unclear(text):
    when = find_when(text)
    assert when is not None and when.kind == "unclear" and when.named


@pytest.mark.parametrize(
    "text",
    ["does bitcoin rally after silver breakouts", "why do markets move on rate cuts",
     "silver on a good day", "gold over the past day", "what does the article say"],
)  # fmt: skip
def test_ordinary_words_are_not_mistaken_for_unknown_dates(text):
    when = find_when(text)
    assert when is None or when.kind != "unclear"


def test_a_date_written_out_wins_over_a_vague_one():
    when = find_when("bitcoin on my birthday, 14 July 2025")
    assert when.kind == "day" and when.resolve(NAMED)[0] == D(2025, 7, 14)


@pytest.mark.parametrize(
    "text, kind, start, end",
    [
        ("where was bitcoin at the start of the year", "day", D(2026, 1, 1), D(2026, 1, 1)),
        ("gold at the end of last year", "day", D(2025, 12, 31), D(2025, 12, 31)),
        ("silver at the end of last month", "day", D(2026, 2, 28), D(2026, 2, 28)),
        ("silver on the last trading day of 2025", "day", D(2025, 12, 31), D(2025, 12, 31)),
        ("since the start of the year", "since", D(2026, 1, 1), NAMED),
        ("gold in the week after christmas", "period", D(2025, 12, 26), D(2026, 1, 1)),
        ("the week before thanksgiving 2025", "period", D(2025, 11, 20), D(2025, 11, 26)),
    ],
)
def test_edges_of_periods_and_weeks_beside_a_holiday(text, kind, start, end):
    when = find_when(text)
    assert when is not None and when.kind == kind
    assert when.resolve(NAMED)[:2] == (start, end)


@pytest.mark.parametrize(
    "text", ["gold this past weekend", "silver over the weekend", "bitcoin back then",
             "and the lowest close that month?", "the weekend after christmas"],
)  # fmt: skip
def test_weekends_and_references_to_an_earlier_date_are_unclear_on_their_own(text):
    when = find_when(text)
    assert when is not None and when.kind == "unclear"
