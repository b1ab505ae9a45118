"""Commentary corpus, loaders, chunking, offline embeddings, the Chroma store and retrieval."""
