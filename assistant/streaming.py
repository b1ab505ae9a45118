"""Streaming text: a finished AIMessage as the chunks a streaming chat model would send, and the
pace at which an answer is shown."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator

from langchain_core.messages import AIMessage, AIMessageChunk


def chunks_of(message: AIMessage) -> Iterator[AIMessageChunk]:
    """Word-sized text chunks, then each tool call's arguments in two pieces, then a last marker."""
    text = message.content if isinstance(message.content, str) else message.text
    for token in (t for t in re.split(r"(\s+)", text) if t):
        yield AIMessageChunk(content=token, id=message.id)
    for index, call in enumerate(message.tool_calls):
        payload = json.dumps(call["args"])
        half = len(payload) // 2
        for part_no, part in enumerate((payload[:half], payload[half:])):
            yield AIMessageChunk(
                content="",
                id=message.id,
                tool_call_chunks=[
                    {
                        "name": call["name"] if part_no == 0 else None,
                        "args": part,
                        "id": call["id"] if part_no == 0 else None,
                        "index": index,
                        "type": "tool_call_chunk",
                    }
                ],
            )
    yield AIMessageChunk(content="", id=message.id, chunk_position="last")


class Pacer:
    """How much of a growing answer to show now, so that text that arrives all at once (the
    offline analyst writes its whole answer in one go) still reads as a stream, while text that
    arrives token by token (a language model) shows as it comes.

    The first words show at once; after that at least ``rate`` characters a second, faster when
    needed so that the text already received is out within ``within`` seconds. Cuts fall after
    whole words.
    """

    def __init__(
        self,
        rate: float = 900.0,
        within: float = 0.45,
        first: int = 40,
        clock: Callable[[], float] = time.perf_counter,
    ):
        self.rate, self.within, self.first, self.clock = rate, within, first, clock
        self.text = ""
        self._shown = 0
        self._mark: tuple[float, int] | None = None  # (time, characters shown then)
        self._speed = rate

    def feed(self, piece: str) -> None:
        """Add text as it arrives."""
        if not piece:
            return
        now = self.clock()
        # Restart the clock from what may be shown now (never beyond what had arrived); the
        # first piece may show its first words at once.
        shown = self.first if self._mark is None else min(self._allowed(now), len(self.text))
        self._mark = (now, shown)
        self.text += piece
        pending = max(len(self.text) - shown, 0)
        self._speed = max(self.rate, pending / self.within)

    def _allowed(self, now: float) -> int:
        start, base = self._mark or (now, 0)
        return int(base + (now - start) * self._speed)

    def visible(self) -> str:
        """The text to show now: a prefix of what arrived, ending after a whole word."""
        if self._mark is None:
            return ""
        limit = self._allowed(self.clock())
        if limit >= len(self.text):
            self._shown = len(self.text)
            return self.text
        cut = self.text.rfind(" ", 0, limit + 1)
        self._shown = max(self._shown, cut if cut > 0 else 0)
        return self.text[: self._shown]

    @property
    def caught_up(self) -> bool:
        """Everything that arrived is shown."""
        return self._shown >= len(self.text)
