"""The shipped embeddings of the bundled corpus (knowledge/corpus_vectors.npz).

The file must hold exactly the texts that ingesting today's corpus embeds, made by today's
offline model, with vectors equal to what the model computes; a fresh library must use them
instead of running the model; and a text the file does not know is embedded live.
Regenerate the file with ``python -m knowledge.prebuilt`` after changing a note.
"""

from __future__ import annotations

import numpy as np
import pytest

from knowledge import prebuilt
from knowledge.base import open_knowledge_base
from knowledge.embeddings import MiniLMEmbedder

REGENERATE = "the corpus changed: run `python -m knowledge.prebuilt` and commit the file"


class CountingMiniLM(MiniLMEmbedder):
    """The real offline model, counting the texts it is asked to embed."""

    def __init__(self, **options):
        super().__init__(**options)
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded.extend(texts)
        return super().embed(texts)


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_the_file_covers_exactly_the_current_corpus_for_the_current_model(model):
    stored = prebuilt.load(model)
    assert stored, "knowledge/corpus_vectors.npz is missing or was made by another model"
    ident = prebuilt.identity(model)
    expected = {prebuilt.text_key(ident, t) for t in prebuilt.corpus_texts()}
    assert set(stored) == expected, REGENERATE


def test_the_stored_vectors_are_what_the_model_computes(model):
    texts = list(dict.fromkeys(prebuilt.corpus_texts()))
    stored = prebuilt.load(model)
    ident = prebuilt.identity(model)
    live = model.embed(texts)
    saved = np.stack([stored[prebuilt.text_key(ident, t)] for t in texts])
    cosines = (live * saved).sum(axis=1)
    assert cosines.min() > 0.999


def test_another_model_or_setting_uses_none_of_them():
    assert prebuilt.load(MiniLMEmbedder(max_tokens=128)) == {}


def test_a_text_the_file_lacks_is_embedded_live_and_known_ones_are_not():
    counting = CountingMiniLM()
    known = next(prebuilt.corpus_texts())
    wrapped = prebuilt.embedder_for(counting)
    vectors = wrapped.embed([known, "A note about copper that was edited after the build."])
    assert counting.embedded == ["A note about copper that was edited after the build."]
    assert (wrapped.hits, wrapped.misses) == (1, 1)
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_fresh_library_is_built_without_running_the_model(tmp_path):
    counting = CountingMiniLM()
    kb = open_knowledge_base(tmp_path / "home", embedder=counting)
    assert kb.count() == len(list(prebuilt.corpus_texts()))
    assert counting.embedded == []  # every bundled chunk came from the file
    found = kb.search("why is silver rising", k=2)
    assert counting.embedded == ["why is silver rising"]  # only the query ran the model
    assert found and "silver" in " ".join(p.text.lower() for p in found)


def test_a_changed_note_is_embedded_live(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(prebuilt.CORPUS.glob("*.md"))[:2]:
        (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    first = sorted(corpus.glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nAn added closing line.\n")
    counting = CountingMiniLM()
    open_knowledge_base(tmp_path / "home", embedder=counting, corpus_dir=corpus)
    assert counting.embedded, "the edited note must not reuse stale vectors"
    assert all("An added closing line." in t for t in counting.embedded[-1:])
    untouched = set(prebuilt.corpus_texts(corpus)) - set(counting.embedded)
    assert untouched  # the other note still came from the file
