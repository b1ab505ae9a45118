"""Wiring for the CLI and the app: an Assistant with its knowledge base and memory, from Settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from assistant.agent import Assistant
from assistant.config import Settings


def knowledge_opener(settings: Settings) -> Callable[[], Any]:
    """A function that opens the knowledge base once, on first use (the embedding model is slow to load)."""
    lock = threading.Lock()
    box: dict[str, Any] = {}

    def open_kb():
        with lock:
            if "kb" not in box:
                from knowledge import open_knowledge_base

                box["kb"] = open_knowledge_base(settings.home, chroma_host=settings.chroma_host,
                                                chroma_port=settings.chroma_port)
            return box["kb"]

    return open_kb


def make_assistant(settings: Settings, checkpointer=None, knowledge: Callable[[], Any] | None = None,
                   model=None, market=None) -> Assistant:
    return Assistant(settings, model=model, checkpointer=checkpointer, market=market,
                     knowledge=knowledge or knowledge_opener(settings))
