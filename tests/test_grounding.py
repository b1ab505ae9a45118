"""The grounding check: planted ungrounded figures, rounding, dates, percentages, names."""

import pytest

from assistant.grounding import check, extract_figures

EVIDENCE = [
    {
        "close": 100.925,
        "as_of": "2026-01-23",
        "change_pct": {"3m": 108.1734, "1d": -3.2101},
        "all_time_high": {"close": 100.925, "date": "2026-01-23"},
        "bars": 6375,
        "btc": 101234.5,
        "prior_record": 48.584,
        "prior_record_date": "2011-04-29",
        "corr": 0.0912,
        "lag": 4,
        "p": 0.0004,
    },
    "Silver closed at 100.93 on 2026-01-23.",
]

CASES = [
    # (id, answer, expected ungrounded)
    ("exact", "Silver closed at 100.925.", []),
    ("rounded-2dp", "Silver closed at $100.93.", []),
    ("rounded-1dp", "Silver is near 100.9.", []),
    ("rounded-int", "Silver is about 101.", []),
    ("wrong-price", "Silver closed at 101.50.", ["101.50"]),
    (
        "planted-among-good",
        "Silver closed at 100.93, up 108.17% over 3 months, and will hit 150.",
        ["150"],
    ),
    ("percent", "It rose 108.2% in three months.", []),
    ("negative-as-fell", "It fell 3.21% yesterday.", []),
    ("percent-wrong", "It fell 4.5% yesterday.", ["4.5%"]),
    ("thousands", "The history has 6,375 bars.", []),
    ("thousands-wrong", "The history has 6,420 bars.", ["6,420"]),
    ("k-suffix", "Bitcoin traded near $101k.", []),
    ("k-suffix-wrong", "Bitcoin traded near $95k.", ["$95k"]),
    ("iso-date", "The record was set on 2011-04-29.", []),
    ("long-date", "The record was set on April 29, 2011.", []),
    ("dmy-date", "The record was set on 29 April 2011.", []),
    ("wrong-date", "The record was set on 2011-05-02.", ["2011-05-02"]),
    ("month-year", "Silver broke out in January 2026.", []),
    ("month-year-wrong", "Silver broke out in March 2024.", ["March 2024"]),
    ("year", "Since 2011 the record stood.", []),
    ("year-wrong", "Since 1999 nothing happened.", ["1999"]),
    ("names-not-figures", "The S&P 500 and the 10-year yield and the 52-week range.", []),
    ("standard-window", "Over 3 months and 1 week and year to date.", []),
    ("lag-weeks", "The best lag is 4 weeks.", []),
    ("lag-weeks-wrong", "The best lag is 9 weeks.", ["9 weeks"]),
    ("correlation", "Correlation 0.09 with p-value 0.000.", []),
    ("list-markers", "1. Silver closed at 100.93\n2. Gold is up", []),
]


@pytest.mark.parametrize("answer,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_grounding_table(answer, expected):
    report = check(answer, EVIDENCE)
    assert report.ungrounded == expected
    assert report.ok is (not expected)


def test_counts_every_figure():
    report = check("Silver closed at 100.93 on 2026-01-23, up 108.17%.", EVIDENCE)
    assert report.checked == 3 and report.ok


def test_no_evidence_means_every_figure_is_ungrounded():
    report = check("Gold closed at 4,976.20 on 2026-01-23.", [])
    assert report.ungrounded == ["4,976.20", "2026-01-23"]
    assert "not found" in report.badge()


def test_extracts_currency_and_percent_kinds():
    kinds = [(f.text, f.kind) for f in extract_figures("€12.5, 3%, 2026-01-23, July 2025, 2024")]
    assert kinds == [
        ("€12.5", "number"),
        ("3%", "percent"),
        ("2026-01-23", "date"),
        ("July 2025", "month"),
        ("2024", "year"),
    ]
