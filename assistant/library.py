"""The commentary library, opened once and lazily from the settings.

Opening the knowledge base loads the embedding model and, the first time, embeds the bundled
corpus, so it is done on first use and kept. A :class:`Library` is cheap to create and is what
the chat tools, the briefings, the CLI and the app's Knowledge page all hold; calling it returns
the opened ``knowledge.base.KnowledgeBase`` (from any thread).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.config import Settings


class Library:
    """Opens the knowledge base of one data directory (or Chroma server) on first call."""

    def __init__(
        self, home: Path | str, host: str | None = None, port: int | None = None, **options: Any
    ):
        self.home, self.host, self.port = Path(home), host, port
        self.options = options  # passed to open_knowledge_base (auto_ingest, check_model, ...)
        self._kb = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> Library:
        return cls(settings.home, settings.chroma_host, settings.chroma_port, **options)

    @property
    def opened(self) -> bool:
        return self._kb is not None

    def __call__(self):
        """The knowledge base; raises ``knowledge.errors.KnowledgeError`` when it cannot open."""
        with self._lock:
            if self._kb is None:
                from knowledge.base import open_knowledge_base

                self._kb = open_knowledge_base(
                    self.home, chroma_host=self.host, chroma_port=self.port, **self.options
                )
            return self._kb


def resolve(knowledge: Any):
    """A knowledge base from what callers pass: the base itself, a Library or any opener."""
    if knowledge is None or hasattr(knowledge, "search"):
        return knowledge
    return knowledge()
