"""The commentary library: corpus notes, loaders, chunking, offline embeddings, the Chroma store,
ingestion and retrieval.

The assistant layer opens it with ``knowledge.base.open_knowledge_base(home, host, port)`` and
holds the returned ``KnowledgeBase``. Importing a module here stays cheap: chromadb and
onnxruntime load only when a store or a model is first needed.
"""
