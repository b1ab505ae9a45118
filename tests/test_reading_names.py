"""Assets in a question: names, groups, misspellings (rapidfuzz, said out loud), tickers and
names the registry does not know."""

from __future__ import annotations

import pytest

from assistant.offline.names import find_mentions, keys_of
from tools.assets import fuzzy_lookup


@pytest.mark.parametrize(
    "word, key",
    [("slver", "silver"), ("bitcon", "bitcoin"), ("golld", "gold"), ("slvr", "silver"),
     ("etherium", "ethereum"), ("platnum", "platinum"), ("dollr", "dxy"), ("nasdq", "nasdaq")],
)  # fmt: skip
def test_misspellings_find_their_asset(word, key):
    asset, score = fuzzy_lookup(word)
    assert asset.key == key and 80 <= score < 100


@pytest.mark.parametrize("word", ["good", "hold", "gld", "golf", "silicon"])
def test_other_words_find_nothing(word):
    assert fuzzy_lookup(word) is None


@pytest.mark.parametrize(
    "question, keys, how",
    [
        ("golld vs slvr", ("gold", "silver"), ["typo", "typo"]),
        ("is either gold or silver up?", ("gold", "silver"), ["name", "name"]),
        (
            "Is bitcoin lagging the metals?",
            ("bitcoin", "gold", "silver"),
            ["name", "group", "group"],
        ),
        ("price of AAPL", ("AAPL",), ["ticker"]),
        ("PLATINUM PRICE", ("platinum",), ["name"]),
        ("How much is Tesla?", ("Tesla",), ["unknown"]),
        ("compare gold with Tesla", ("gold", "Tesla"), ["name", "unknown"]),
        ("why is gold rising after what Powell said in Washington?", ("gold",), ["name"]),
    ],
)
def test_mentions_in_order_and_how_they_were_found(question, keys, how):
    found = find_mentions(question)
    assert keys_of(found) == keys and [m.how for m in found] == how
