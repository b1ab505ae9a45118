"""Splitting a finished AIMessage into the chunks a streaming chat model would send."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

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
