"""Offline claim extraction: a table of sentences (testable and not, written in varied ways) with
the claims each must give, the quotes taken verbatim, determinism, the embedder's part, the
document's own "now", and the speed budget's shape (rules alone on a long text)."""

from __future__ import annotations

import pytest

from assistant.claims.extract import extract, focus_asset, present_date
from assistant.claims.text import lag_range, levels, sentences

NT = "not_testable"
# Reason words: the not-testable reason must contain this.
REASON = {
    "forecast": "forecast",
    "opinion": "opinion",
    "policy": "policy",
    "supply": "supply and demand",
    "flows": "flows",
    "cause": "cause",
    "phase": "phase",
    "character": "characterises",
    "remark": "a remark about the claim, not a claim about markets",
    "advice": "advice to the reader",
    "document": "about the document itself",
    "mechanism": "how a driver works in general",
    "habit": "a habit",
}

# (text, expected claims): each expected claim is (kind, subject, reference, details) for a
# testable one, (NT, reason key) for one that is not; [] means no claim at all.
TABLE = [
    # levels and records
    ("Silver hit $101 today, setting a new all-time high.",
     [("level", "silver", [], {"level": 101.0, "record": True})]),
    ("Gold closed above $4,000 for the first time.", [("level", "gold", [], {"level": 4000.0})]),
    ("Bitcoin topped $100k last week.", [("level", "bitcoin", [], {"level": 100000.0})]),
    ("The S&P 500 is trading at record highs.", [("level", "sp500", [], {"record": True})]),
    ("Copper broke through $5 a pound.", [("level", "copper", [], {"level": 5.0})]),
    ("Bitcoin fell below $60,000 on Friday.",
     [("level", "bitcoin", [], {"level": 60000.0, "direction": "below"})]),
    ("Platinum set a fresh record this week.", [("level", "platinum", [], {"record": True})]),
    ("Gold reached an all-time high of $2,500.",
     [("level", "gold", [], {"level": 2500.0, "record": True})]),
    ("Ether is at $3,000.", [("level", "ethereum", [], {"level": 3000.0})]),
    # relative performance
    ("Silver has actually outperformed gold recently.",
     [("relative", "silver", ["gold"], {"direction": "outperform", "window": "recent"})]),
    ("Gold beat the S&P 500 this year.",
     [("relative", "gold", ["sp500"], {"direction": "outperform", "window": "ytd"})]),
    ("Bitcoin underperformed ether over the past three months.",
     [("relative", "bitcoin", ["ethereum"], {"direction": "underperform", "window": "3m"})]),
    ("Over the last year, copper did better than crude oil.",
     [("relative", "copper", ["crude"], {"direction": "outperform", "window": "1y"})]),
    ("Silver hasn't outperformed gold this year.",
     [("relative", "silver", ["gold"], {"direction": "underperform", "window": "ytd"})]),
    ("The Nasdaq has outpaced the S&P 500 in recent months.",
     [("relative", "nasdaq", ["sp500"], {"direction": "outperform", "window": "recent"})]),
    # moves and trends
    ("Silver has rallied for months.",
     [("move", "silver", [], {"direction": "up", "window": "months"})]),
    ("Gold fell sharply last week.",
     [("move", "gold", [], {"direction": "down", "strong": True, "window": "1w"})]),
    ("Bitcoin has been flat since the summer.", [("move", "bitcoin", [], {"direction": "flat"})]),
    ("Copper prices surged in March 2026.",
     [("move", "copper", [], {"direction": "up", "strong": True, "window": "month:2026-03"})]),
    ("The rally in silver accelerated in January 2026.",
     [("move", "silver", [], {"direction": "accelerate", "window": "month:2026-01"})]),
    ("Crude oil has slumped this year.",
     [("move", "crude", [], {"direction": "down", "window": "ytd"})]),
    ("Ether has been climbing steadily.", [("move", "ethereum", [], {"direction": "up"})]),
    ("Platinum hasn't budged in weeks.", [("move", "platinum", [], {"direction": "flat"})]),
    # divergence
    ("Bitcoin hasn't followed silver higher.", [("divergence", "bitcoin", ["silver"], {})]),
    # "X has lagged Y" over a period, with no wording about timing: X did worse than Y
    ("Ether has lagged bitcoin this year.",
     [("relative", "ethereum", ["bitcoin"], {"window": "ytd", "direction": "underperform"})]),
    ("Bitcoin lagged silver in 2025.",
     [("relative", "bitcoin", ["silver"], {"window": "year:2025", "direction": "underperform"})]),
    ("Bitcoin has been lagging gold recently.",
     [("relative", "bitcoin", ["gold"], {"window": "recent", "direction": "underperform"})]),
    ("Bitcoin lags silver by four weeks.",
     [("lead_lag", "bitcoin", ["silver"], {"lag_min": 3, "lag_max": 5})]),
    ("This year bitcoin has lagged silver by about four weeks.",
     [("lead_lag", "bitcoin", ["silver"], {"lag_min": 3, "lag_max": 5})]),
    # calendar periods and negated levels
    ("Gold outperformed the S&P 500 in the first quarter of 2025.",
     [("relative", "gold", ["sp500"], {"window": "period:2025-01-01..2025-03-31"})]),
    ("Gold outperformed the S&P 500 in Q1 2025.",
     [("relative", "gold", ["sp500"], {"window": "period:2025-01-01..2025-03-31"})]),
    ("Silver outperformed gold during 2024.",
     [("relative", "silver", ["gold"], {"window": "year:2024"})]),
    ("Silver outperformed gold last year.",
     [("relative", "silver", ["gold"], {"window": "year:last"})]),
    ("Bitcoin hit $100,000 in 2024.",
     [("level", "bitcoin", [], {"level": 100000.0, "window": "year:2024", "negated": False})]),
    ("Gold topped $2,024 in March 2024.",
     [("level", "gold", [], {"level": 2024.0, "window": "month:2024-03"})]),
    ("Gold did not reach $3,000 in 2024.",
     [("level", "gold", [], {"level": 3000.0, "window": "year:2024", "negated": True})]),
    ("Bitcoin has never traded above $120,000.",
     [("level", "bitcoin", [], {"level": 120000.0, "window": None, "negated": True})]),
    ("Silver did not fall below $30 in 2025.",
     [("level", "silver", [], {"direction": "below", "window": "year:2025", "negated": True})]),
    ("Stocks have been left behind by the gold rally.", [("divergence", "sp500", ["gold"], {})]),
    ("Bitcoin did not join the move in metals.", [("divergence", "bitcoin", ["gold"], {})]),
    # lead/lag
    ("In previous cycles, Bitcoin followed gold and silver with a lag of weeks to months.",
     [("lead_lag", "bitcoin", ["gold", "silver"], {"lag_min": 1, "lag_max": 26})]),
    ("Bitcoin tends to follow silver by about four weeks.",
     [("lead_lag", "bitcoin", ["silver"], {"lag_min": 3, "lag_max": 5})]),
    ("Historically, silver's sustained strength has often preceded Bitcoin rallies.",
     [("lead_lag", "bitcoin", ["silver"], {})]),
    ("Gold leads the S&P 500 by a month.",
     [("lead_lag", "sp500", ["gold"], {"lag_min": 3, "lag_max": 5})]),
    ("Copper moves first; crude follows a few days later.",
     [("lead_lag", "crude", ["copper"], {"freq": "daily"})]),
    ("Bitcoin lags silver.", [("lead_lag", "bitcoin", ["silver"], {})]),
    ("Ether typically trails bitcoin by a week or two.",
     [("lead_lag", "ethereum", ["bitcoin"], {"lag_min": 1})]),
    # frequency
    ("Silver outperformed gold last quarter, which rarely happens.",
     [("relative", "silver", ["gold"], {}),
      ("frequency", "silver", ["gold"], {"direction": "rare"})]),
    ("Bitcoin has lagged silver this year. That gap isn't unusual.",
     [("relative", "bitcoin", ["silver"], {"direction": "underperform"}),
      ("frequency", "silver", ["bitcoin"], {"direction": "common"})]),
    ("Gold beating stocks over three months is uncommon.",
     [("frequency", "gold", ["sp500"], {"direction": "rare"})]),
    ("It is not unusual for silver to outperform gold.",
     [("frequency", "silver", ["gold"], {"direction": "common"})]),
    # macro drivers through a proxy
    ("That pushes real yields lower and weakens the dollar.",
     [("macro", "us10y", [], {"direction": "down", "driver": "real yields"}),
      ("macro", "dxy", [], {"direction": "down", "driver": "the dollar"})]),
    ("The dollar has strengthened this month.",
     [("macro", "dxy", [], {"direction": "up", "window": "1m"})]),
    ("Treasury yields are rising again.", [("macro", "us10y", [], {"direction": "up"})]),
    ("A weaker greenback has helped gold.", [("macro", "dxy", [], {"direction": "down"})]),
    ("The dollar index slid 2% in March 2026.",
     [("macro", "dxy", [], {"direction": "down", "window": "month:2026-03"})]),
    # not testable with price data
    ("Silver's been in a structural deficit for years.", [(NT, "supply")]),
    ("Most silver comes as a by-product of mining other metals.", [(NT, "supply")]),
    ("The US recently called silver a critical mineral.", [(NT, "policy")]),
    ("Markets expect the Federal Reserve to cut rates later in 2026.", [(NT, "policy")]),
    ("Investors are getting defensive.", [(NT, "flows")]),
    ("Capital is choosing safety first.", [(NT, "flows")]),
    ("Silver could hit $150 by the end of the year.", [(NT, "forecast")]),
    ("If silver keeps rising, bitcoin might catch up.", [(NT, "forecast")]),
    ("I think gold is the better hedge.", [(NT, "opinion")]),
    ("Gold looks cheap here.", [(NT, "opinion")]),
    ("A few things are pushing silver up.", [(NT, "cause")]),
    ("Solar panel demand keeps growing.", [(NT, "supply")]),
    ("Bitcoin thrives during these periods.", [(NT, "phase")]),
    ("So it's both a safe haven and a strategic commodity.", [(NT, "character")]),
    ("Central banks have been buying gold.", [(NT, "policy")]),
    ("Gold will probably rally into year-end.", [(NT, "forecast")]),
    ("Mine supply is tight.", [(NT, "supply")]),
    # no claim at all
    ("Not yet, anyway.", []),
    ("## Why Silver Is Climbing", []),
    ("Is silver breaking out?", []),
    ("Let's look at the numbers.", []),
    ("It's a pattern worth watching.", []),
    ("Thanks for reading.", []),
    # context: "it", "the rally", "that gap", leaders named before
    ("Silver hit a record in January 2026. The rally's been building for months.",
     [("level", "silver", [], {"record": True, "window": "month:2026-01"}),
      ("move", "silver", [], {"direction": "up", "window": "months"})]),
    ("Gold and silver absorbed the first wave of defensive capital. Bitcoin follows later.",
     [(NT, "flows"), ("lead_lag", "bitcoin", ["gold", "silver"], {})]),
    ("Silver outperformed gold recently, which doesn't happen too often.",
     [("relative", "silver", ["gold"], {}),
      ("frequency", "silver", ["gold"], {"direction": "rare"})]),
    ("Bitcoin often consolidates while metals rally. It tends to move later.",
     [(NT, "phase"), ("lead_lag", "bitcoin", ["gold", "silver"], {})]),
    ("Gold and silver take the first wave of defensive buying. Bitcoin consolidates. It tends to "
     "move later.", [(NT, "flows"), ("lead_lag", "bitcoin", ["gold", "silver"], {})]),
    # remarks about a claim, the document or the reader: never claims about markets, and never
    # a source of assets for one
    ("The lag claim is the weakest.", [(NT, "remark")]),
    ("That last claim is the hardest to defend, and the evidence for it is thin.",
     [(NT, "remark")]),
    ('A lead of "weeks to months" is a wide window, and a correlation found by searching many '
     "lags is easily a chance result.", [(NT, "remark")]),
    ("With only three cycles to go on, the pattern could easily be coincidence.",
     [(NT, "remark")]),
    ("Correlation is not causation here.", [(NT, "remark")]),
    ("These are testable statements.", [(NT, "remark")]),
    ("The record and the silver-versus-gold comparison can be checked on closing prices.",
     [(NT, "remark")]),
    ("The claims are the article's, not established facts.", [(NT, "remark")]),
    ("See the notes on lead/lag claims and on breakouts before treating the sequence as a rule.",
     [(NT, "advice")]),
    ("Treat the timing argument with caution.", [(NT, "advice")]),
    ("For more on how lags are tested, read the methodology note.", [(NT, "advice")]),
    ("This note restates the article's argument in the project's own words.",
     [(NT, "document")]),
    ("Silver outperformed gold recently. The lag claim is the weakest.",
     [("relative", "silver", ["gold"], {}), (NT, "remark")]),
    ("The article argues that bitcoin followed gold and silver with a lag of weeks to months.",
     [("lead_lag", "bitcoin", ["gold", "silver"], {"lag_min": 1, "lag_max": 26})]),
    # how a driver works, and habits, are not claims about a period
    ("Falling real yields favour silver, and a softer dollar makes metal cheaper abroad.",
     [(NT, "mechanism")]),
    ("Gold usually drifts sideways in the summer.", [(NT, "habit")]),
    # assets come from the sentence or the previous one in the same paragraph, not from further
    ("Silver rallied.\n\nIt tends to move later.", [("move", "silver", [], {"direction": "up"})]),
    ("Silver outperformed gold recently.\n\nThat gap isn't unusual.",
     [("relative", "silver", ["gold"], {})]),
    ("Silver rose 5% in March 2026.\n\nBitcoin lags.", [("move", "silver", [], {})]),
    ("Silver rose in March 2026. Bitcoin lags.",
     [("move", "silver", [], {}), ("lead_lag", "bitcoin", ["silver"], {})]),
    ("Silver rallied, and gold followed. Bitcoin did not join the move.",
     [("move", "silver", [], {}), ("divergence", "bitcoin", ["silver"], {})]),
]  # fmt: skip


def test_the_table_is_large_and_varied():
    assert len(TABLE) >= 60
    kinds = {c[0] for _, claims in TABLE for c in claims}
    assert kinds >= {
        "level",
        "relative",
        "move",
        "divergence",
        "lead_lag",
        "frequency",
        "macro",
        NT,
    }
    assert sum(1 for _, claims in TABLE if not claims) >= 5


def _shape(claim) -> tuple:
    if claim.kind == NT:
        return (NT, claim.reason)
    return (claim.kind, claim.subject, claim.reference)


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t[:40] for t, _ in TABLE])
def test_sentence_gives_its_claims(text, expected):
    got = [c for c in extract(text, classifier=False).claims]
    # The bare "move" clause of a context sentence may come along with a not-testable one; the
    # table lists exactly what each text must give.
    assert len(got) == len(expected), [_shape(c) for c in got]
    for claim, want in zip(got, expected, strict=True):
        if want[0] == NT:
            assert claim.kind == NT and REASON[want[1]] in claim.reason, _shape(claim)
            continue
        kind, subject, reference, details = want
        assert (claim.kind, claim.subject) == (kind, subject), _shape(claim)
        assert claim.reference == reference, _shape(claim)
        for field, value in details.items():
            assert getattr(claim, field) == value, (field, getattr(claim, field))
        assert " ".join(claim.quote.split()) in " ".join(text.split())  # verbatim


def test_extraction_is_deterministic():
    text = " ".join(t for t, _ in TABLE)
    first = extract(text, classifier=False).claims
    assert [c.to_dict() for c in first] == [
        c.to_dict() for c in extract(text, classifier=False).claims
    ]


def test_a_sentence_with_one_claim_is_quoted_whole_and_a_compound_one_by_clause():
    found = extract(
        "This isn't just a flash in the pan—the rally's been building for months, really "
        "accelerating in January 2026. Silver hit $101 today.",
        title="Silver's Defensive Rally",
        classifier=False,
    ).claims
    assert [c.quote for c in found] == [
        "the rally's been building for months",
        "really accelerating in January 2026.",
        "Silver hit $101 today.",
    ]
    assert [c.direction for c in found[:2]] == ["up", "accelerate"]
    assert {c.subject for c in found} == {"silver"}


def test_helpers_read_levels_lags_and_dates():
    text = "hit $101, then $4,000 and $100k, or 120 dollars"
    assert levels(text) == [
        (101.0, text.index("$101")),
        (4000.0, text.index("$4,000")),
        (100000.0, text.index("$100k")),
        (120.0, text.index("120")),
    ]
    assert lag_range("with a lag of weeks to months") == (1, 26, "weekly")
    assert lag_range("lags silver by about four weeks") == (3, 5, "weekly")
    assert lag_range("follows a few days later") == (1, 10, "daily")
    assert lag_range("with a lag of 10 to 20 weeks") == (10, 20, "weekly")
    assert lag_range("lags gold by two to three months") == (8, 13, "weekly")
    assert lag_range("trails it by 3-5 days") == (3, 5, "daily")
    assert lag_range("silver rose") is None
    found = sentences("January 2026 seems to be the first phase. Prices could fall later in 2026.")
    day, precision, phrase = present_date(found)
    assert (day.isoformat(), precision, phrase) == ("2026-01-01", "month", "January 2026")
    assert (
        focus_asset("Silver's Defensive Rally", sentences("Gold rose. Bitcoin fell.")) == "silver"
    )


@pytest.mark.slow
def test_the_embedder_labels_clauses_the_rules_do_not_know():
    from assistant.claims.semantic import shared_classifier

    text = "Silver has been on an absolute tear. Bitcoin had a miserable few weeks."
    rules_only = extract(text, classifier=False)
    assert rules_only.claims == [] and rules_only.embedded == 2
    found = extract(text, classifier=shared_classifier())
    assert [(c.kind, c.subject, c.direction, c.origin) for c in found.claims] == [
        ("move", "silver", "up", "embedder"),
        ("move", "bitcoin", "down", "embedder"),
    ]


def test_a_long_article_is_read_by_the_rules_in_one_pass():
    """Extraction cost grows with the text, not with the claims found (benchmarks/bench_claims.py
    times it); here: a 1,000-word article gives the claims of its sentences, once each."""
    body = " ".join(t for t, _ in TABLE if not t.startswith("##"))
    article = " ".join([body] * 3)
    assert len(article.split()) >= 1000
    once = [(c.kind, c.subject, c.quote) for c in extract(body, classifier=False).claims]
    thrice = [(c.kind, c.subject, c.quote) for c in extract(article, classifier=False).claims]
    assert thrice == once * 3


def _named_near(found, index: int) -> set[str]:
    """Assets named in sentence ``index``, in the one before it in the same paragraph, and in
    the sentences of the same paragraph before it that say who moves "first"."""
    from assistant.claims.text import keys_in, mentions, plain

    here = found[index]
    keys = set(keys_in(mentions(plain(here.text))))
    for s in found[:index]:
        if s.paragraph != here.paragraph:
            continue
        if s.index == index - 1 or " first" in plain(s.text).lower():
            keys |= set(keys_in(mentions(plain(s.text))))
    return keys


@pytest.mark.parametrize("name", ["library note", "seed article", "table"])
def test_a_claims_assets_come_from_its_sentence_or_the_one_before(name):
    from pathlib import Path

    from conftest import COMMENTARY

    from assistant.claims.source import from_file

    root = Path(__file__).resolve().parents[1]
    if name == "library note":
        doc = from_file(root / "knowledge/corpus/silvers-defensive-rally.md")
        text, title = doc.text, doc.title
    elif name == "seed article":
        path = COMMENTARY / "silvers-defensive-rally.txt"
        if not path.is_file():
            pytest.skip("../shared is not present")
        doc = from_file(path)
        text, title = doc.text, doc.title
    else:
        text, title = "\n\n".join(t for t, _ in TABLE), ""
    found = sentences(text)
    focus = focus_asset(title, found)
    claims = [c for c in extract(text, title, classifier=False).claims if c.testable]
    assert claims
    for c in claims:
        near = _named_near(found, c.sentence)
        for key in c.assets:
            # the document's own subject may stand for "the move" a divergence did not follow
            allowed = near | ({focus} if c.kind == "divergence" else set())
            assert key in allowed, (c.quote, key, near)


@pytest.mark.parametrize(
    ("text", "assets"),
    [
        ("For metals like silver that don't pay interest, lower rates make them more attractive.",
         {"gold", "silver"}),
        ("Gold and silver tend to absorb the first wave of defensive capital.", {"gold", "silver"}),
        ("Demand for silver and copper from solar panels keeps growing.", {"silver", "copper"}),
    ],
)  # fmt: skip
def test_a_statement_that_cannot_be_tested_lists_every_asset_it_names(text, assets):
    (claim,) = extract(text, classifier=False).claims
    assert claim.kind == NT and set(claim.assets) == assets
