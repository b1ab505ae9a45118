"""Test doubles shared by the suite: the one hand-made price series builder, and a scripted chat
model that binds tools and streams tool-call chunks.

``series()`` builds a :class:`~tools.data.PriceSeries` from closes (tiny, named edge cases).
Each step of a :class:`ScriptedChatModel` script is an ``AIMessage``, a string, or a function of
the messages the model was given (so a step can react to tool results). Every call records the
messages it received.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.streaming import chunks_of
from tools import assets
from tools.data import PriceSeries
from tools.frames import COLUMNS
from tools.results import Provenance


def series(
    closes,
    dates=None,
    key: str = "silver",
    *,
    start: str = "2020-01-01",
    highs=None,
    synthetic: bool = False,
    location: str | None = None,
) -> PriceSeries:
    """A registry asset's series of ``closes`` on ``dates`` (default: business days from ``start``).

    The provenance is a CSV file's (or the demo source's with ``synthetic``), dated by the last bar.
    """
    if dates is None:
        idx = pd.bdate_range(start, periods=len(closes), name="date")
    else:
        idx = pd.DatetimeIndex(pd.to_datetime(list(dates)), name="date")
    frame = pd.DataFrame(np.nan, index=idx, columns=COLUMNS)
    frame["close"] = np.asarray(closes, dtype="float64")
    if highs is not None:
        frame["high"] = np.asarray(highs, dtype="float64")
    prov = Provenance(
        source="demo" if synthetic else "csv",
        as_of=idx[-1].date().isoformat() if len(idx) else None,
        synthetic=synthetic,
        location=None if synthetic else (location or f"/x/{key}.csv"),
    )
    return PriceSeries(assets.get(key), frame, prov)


Step = AIMessage | str | Callable[[list[BaseMessage]], AIMessage | str]
_ids = itertools.count(1)


def tool_call(name: str, args: dict, call_id: str | None = None) -> dict:
    """A tool call dict as it appears on ``AIMessage.tool_calls``."""
    return {"name": name, "args": args, "id": call_id or f"call_{next(_ids)}", "type": "tool_call"}


class ScriptedChatModel(GenericFakeChatModel):
    """Plays back a script; ``calls`` holds the message lists it was called with."""

    calls: list[list[BaseMessage]] = []
    bound_tools: list[Any] = []

    def __init__(self, script: Sequence[Step], **kwargs: Any):
        super().__init__(messages=iter(list(script)), **kwargs)
        self.calls = []
        self.bound_tools = []

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
        self.bound_tools = list(tools)
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.calls.append(list(messages))
        try:
            step = next(self.messages)
        except StopIteration:
            raise RuntimeError("the scripted model ran out of steps") from None
        if callable(step):
            step = step(list(messages))
        return AIMessage(content=step) if isinstance(step, str) else step

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(
        self, messages, stop=None, run_manager=None, **kwargs
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in chunks_of(self._next(messages)):
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=ChatGenerationChunk(message=chunk))
            yield ChatGenerationChunk(message=chunk)

    @property
    def _llm_type(self) -> str:
        return "scripted-chat-model"
