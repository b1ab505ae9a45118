"""Commentary corpus, loaders, chunking, offline embeddings, the Chroma store and retrieval.

The assistant layer calls ``open_knowledge_base(home, chroma_host, chroma_port, embedder)`` and
uses the returned ``KnowledgeBase``. Names are imported on first use so that importing this
package stays cheap (chromadb and onnxruntime load only when a store or a model is needed).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "open_knowledge_base": "knowledge.base", "KnowledgeBase": "knowledge.base",
    "DocumentInfo": "knowledge.base", "default_embedder": "knowledge.base",
    "Passage": "knowledge.retrieval", "quote_passages": "knowledge.retrieval",
    "quote_for_model": "knowledge.retrieval",
    "IngestReport": "knowledge.ingest", "Document": "knowledge.loaders",
    "load_file": "knowledge.loaders", "MiniLMEmbedder": "knowledge.embeddings",
    "OpenAIEmbedder": "knowledge.embeddings", "make_embedder": "knowledge.embeddings",
    "KnowledgeError": "knowledge.errors", "LoadError": "knowledge.errors",
    "ModelMismatchError": "knowledge.errors", "StoreError": "knowledge.errors",
    "DocumentIdError": "knowledge.errors", "ModelFileError": "knowledge.errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
