"""The offline embedder: pinned files, vectors, batching, truncation and Chroma's protocol."""

from __future__ import annotations

import numpy as np
import pytest
from test_knowledge_support import embedder

from knowledge import embeddings as emb
from knowledge.errors import KnowledgeError, ModelFileError


def test_model_files_are_found_and_match_their_pins():
    model, tokenizer = emb.model_files()
    assert model.name == "model.onnx" and tokenizer.name == "tokenizer.json"
    emb.verify_file(model, emb.MODEL_SHA256)
    emb.verify_file(tokenizer, emb.TOKENIZER_SHA256)


def test_a_tampered_file_is_refused(tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(ModelFileError, match="does not match its pinned sha256"):
        emb.verify_file(fake, emb.MODEL_SHA256)


def test_verification_is_remembered_on_disk(tmp_path):
    _, tokenizer = emb.model_files()
    emb._verified.clear()
    emb.verify_file(tokenizer, emb.TOKENIZER_SHA256, cache_dir=tmp_path)
    assert (tmp_path / "model-hashes.json").is_file()
    emb._verified.clear()
    emb.verify_file(tokenizer, emb.TOKENIZER_SHA256, cache_dir=tmp_path)  # from the disk cache


def test_vectors_are_unit_length_and_meaningful():
    vecs = embedder().embed(
        [
            "Gold rises when real yields fall.",
            "Gold prices go up when real interest rates go down.",
            "The halving cuts the bitcoin block reward.",
        ]
    )
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_batching_and_padding_do_not_change_a_vector():
    model = embedder()
    texts = [
        "short",
        "a much longer sentence about silver supply and solar demand " * 3,
        "mid length text",
    ]
    together = model.embed(texts)
    alone = np.vstack([model.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_long_input_is_truncated_at_256_tokens():
    model = embedder()
    base = "silver " * 300
    assert model.count_tokens(base) > 256
    assert np.allclose(model.embed([base]), model.embed([base + "gold " * 100]), atol=1e-5)


def test_empty_input_gives_an_empty_array():
    assert embedder().embed([]).shape == (0, 384)


def test_chroma_protocol():
    model = embedder()
    assert model.name() == "market-assistant-minilm-int8"
    assert model.default_space() == "cosine" and not model.is_legacy()
    rebuilt = emb.MiniLMEmbedder.build_from_config(model.get_config())
    assert rebuilt.max_tokens == 256
    out = model(["one", "two"])
    assert len(out) == 2 and out[0].shape == (384,)


def test_make_embedder_choices():
    assert isinstance(emb.make_embedder("local"), emb.MiniLMEmbedder)
    openai = emb.make_embedder("openai:text-embedding-3-large", api_key="k")
    assert openai.model_id == "openai:text-embedding-3-large" and "k" not in str(
        openai.get_config()
    )
    with pytest.raises(KnowledgeError, match="Unknown embedding model"):
        emb.make_embedder("word2vec")
    with pytest.raises(KnowledgeError, match="API key"):
        emb.OpenAIEmbedder(None).embed(["x"])
