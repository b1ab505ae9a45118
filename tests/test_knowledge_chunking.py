"""Chunking: sections, paragraphs, size, overlap and positions."""

from __future__ import annotations

import pytest

from knowledge.chunking import CHUNK_CHARS, OVERLAP_CHARS, chunk_text

TEXT = """Intro paragraph before any heading.

# Title

## Rates

Short paragraph about rates.

Another short one.

## Supply

""" + " ".join(f"Sentence number {i} explains a supply detail at some length." for i in range(40))


def test_sections_never_share_a_chunk_and_carry_their_heading():
    chunks = chunk_text(TEXT)
    assert chunks[0].section == "" and chunks[0].text == "Intro paragraph before any heading."
    rates = [c for c in chunks if c.section == "Title > Rates"]
    assert len(rates) == 1
    assert rates[0].text == "Short paragraph about rates.\n\nAnother short one."
    assert all("rates" not in c.text for c in chunks if c.section.endswith("Supply"))


def test_long_paragraphs_split_at_sentences_within_the_size():
    supply = [c for c in chunk_text(TEXT) if c.section == "Title > Supply"]
    assert len(supply) >= 3
    assert all(len(c.text) <= CHUNK_CHARS for c in supply)
    assert all(c.text.startswith("Sentence number") and c.text.endswith("length.") for c in supply)


def test_overlap_repeats_the_last_sentences_of_the_previous_chunk():
    supply = [c for c in chunk_text(TEXT) if c.section == "Title > Supply"]
    for before, after in zip(supply, supply[1:], strict=False):
        shared = max(n for n in range(len(after.text) + 1) if before.text.endswith(after.text[:n]))
        assert 0 < shared <= OVERLAP_CHARS
        assert after.text[:shared].startswith("Sentence number")


def test_positions_run_in_document_order():
    chunks = chunk_text(TEXT)
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_no_overlap_and_giant_words():
    chunks = chunk_text("x" * 2500, size=1000, overlap=0)
    assert [len(c.text) for c in chunks] == [1000, 1000, 500] or all(
        len(c.text) <= 1000 for c in chunks
    )


@pytest.mark.parametrize(("size", "overlap"), [(50, 0), (800, 400), (800, -1)])
def test_bad_parameters_are_refused(size, overlap):
    with pytest.raises(ValueError):
        chunk_text("text", size=size, overlap=overlap)
