"""Errors of the knowledge base that a user can act on.

Each carries a one-line message that says what went wrong and what to do. The assistant layer
turns them into its own input errors; bugs are not wrapped and propagate unchanged.
"""

from __future__ import annotations


class KnowledgeError(ValueError):
    """A problem the caller can fix; ``str(err)`` is one line that names the fix."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class LoadError(KnowledgeError):
    """One file could not be read as a document (empty, binary, too large, malformed...)."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = " ".join(reason.split())
        super().__init__(f"{self.path}: {self.reason}")


class ModelFileError(KnowledgeError):
    """The offline embedding model or tokenizer is missing or does not match its pinned hash."""


class ModelMismatchError(KnowledgeError):
    """The store was built with another embedding model than the one in use."""


class StoreError(KnowledgeError):
    """The Chroma store cannot be opened or written (server down, read-only directory...)."""


class DamagedStoreError(StoreError):
    """Chroma opens or reaches the store but cannot read it; ``kb rebuild`` rebuilds it from the
    documents on disk."""


class DocumentIdError(KnowledgeError):
    """A document id that is malformed or not in the store."""
