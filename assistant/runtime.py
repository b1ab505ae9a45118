"""Wiring for the CLI and the app: an Assistant with its knowledge base and memory, from
Settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.agent import Assistant
from assistant.config import Settings
from assistant.library import Library


def make_assistant(
    settings: Settings,
    checkpointer=None,
    knowledge: Callable[[], Any] | None = None,
    model=None,
    market=None,
) -> Assistant:
    """An assistant for ``settings``; the commentary library opens on its first search."""
    return Assistant(
        settings,
        model=model,
        checkpointer=checkpointer,
        market=market,
        knowledge=knowledge or Library.from_settings(settings),
    )
