"""The agent middleware around every call to a language model.

- Request options: ``tool_choice`` ("required" only on a turn's first call) and
  ``parallel_tool_calls`` go with each request.
- The turn's deadline: a call that starts after it is refused, and the call runs inside
  :func:`~assistant.llm.bounds.deadline_scope`, so its HTTP transport stops it in time; a tool
  still running at the deadline is no longer waited for.
- Tool calls written as text: a reply without structured ``tool_calls`` whose text holds calls
  (see :mod:`assistant.llm.textcalls`) becomes a message with real tool calls. When the text
  looks like a call that cannot be read, the reply says so and how to switch on the server's
  tool-call support, instead of showing the raw text.
- Every tool call is checked against its tool's schema before it runs: a call with an argument
  of the wrong type, a missing one, or one the tool does not take is not run; the model (and the
  user's tool line) gets one clear message naming the tool and the bad arguments, to correct.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ModelResponse
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool
from pydantic import ValidationError

from assistant.config import RequestOptions
from assistant.llm.bounds import check_deadline, deadline_scope, run_by
from assistant.llm.textcalls import parse

TEXT_CALLS = "text_tool_calls"  # additional_kwargs key: what the fallback parser did
# Chat-template markup a small model sometimes writes into its answer ("</tool_response>").
_TEMPLATE_TAGS = re.compile(
    r"</?tool_response>|<\|im_(?:start|end)\|>(?:assistant|user)?|<\|eot_id\|>"
)
HOW_TO_ENABLE = (
    "The model server returned no structured tool calls: the model wrote its tool call as text"
    " ({problems}). Switch on the server's tool-call support: llama.cpp: start llama-server with"
    " --jinja; vLLM: --enable-auto-tool-choice --tool-call-parser hermes (or the parser for your"
    " model); Ollama: use a model tag that supports tools. Or use a model that calls tools"
    " reliably, or the offline analyst."
)


class ModelCallMiddleware(AgentMiddleware):
    """Request options, the turn's deadline (model calls and tools), tool calls written as text."""

    def __init__(self, options: RequestOptions, turn_s: float, language_model: bool = True):
        super().__init__()
        self.options = options
        self.turn_s = turn_s
        self.language_model = language_model

    def wrap_model_call(self, request, handler):
        deadline = getattr(getattr(request.runtime, "context", None), "deadline", None)
        check_deadline(deadline, self.turn_s)
        if self.language_model:
            request = self._with_options(request)
        with deadline_scope(deadline):
            response = handler(request)
        return read_text_calls(response, request.tools)

    def wrap_tool_call(self, request, handler):
        deadline = getattr(getattr(request.runtime, "context", None), "deadline", None)
        check_deadline(deadline, self.turn_s)
        if isinstance(request.tool, BaseTool):
            _, issues = validated(request.tool, dict(request.tool_call.get("args") or {}))
            if issues:
                return refused_call(request.tool, request.tool_call, issues)
        return run_by(deadline, self.turn_s, lambda: handler(request))

    def _with_options(self, request):
        changes: dict[str, Any] = {}
        choice = self.options.tool_choice
        if choice == "required" and not _first_call(request.messages):
            choice = "auto"
        if choice != "auto" and request.tools:
            changes["tool_choice"] = choice
        if self.options.parallel_tool_calls is not None and request.tools:
            changes["model_settings"] = {
                **request.model_settings,
                "parallel_tool_calls": self.options.parallel_tool_calls,
            }
        return request.override(**changes) if changes else request


def _first_call(messages: list) -> bool:
    """No tool has answered since the user's last message."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return True
        if getattr(message, "type", "") == "tool":
            return False
    return True


def read_text_calls(response, tools: list) -> Any:
    """``response`` with tool calls written as text turned into real ones (or explained)."""
    messages = response.result if isinstance(response, ModelResponse) else [response]
    if not messages or not isinstance(messages[-1], AIMessage):
        return response
    message = messages[-1]
    if message.tool_calls or not message.text:
        return response
    if _TEMPLATE_TAGS.search(message.text):  # a chat template's markup leaked into the reply
        message = message.model_copy(
            update={"content": _TEMPLATE_TAGS.sub("", message.text).strip()}
        )
        messages = [*messages[:-1], message]
        response = ModelResponse(messages, getattr(response, "structured_response", None))
    by_name = {t.name: t for t in tools if isinstance(t, BaseTool)}
    found = parse(message.text, by_name)
    if not found.looked_like_calls:
        return response
    if found.calls:
        calls, problems = [], list(found.problems)
        for call in found.calls:
            args, issues = validated(by_name[call.name], call.args)
            problems += issues
            calls.append(
                {
                    "name": call.name,
                    "args": args,
                    "id": f"text_{uuid.uuid4().hex[:12]}",
                    "type": "tool_call",
                }
            )
        note = {"calls": len(calls), "problems": problems}
        replaced = _replace(message, "", calls, note)
    else:
        problems = "; ".join(found.problems) or "no call could be read"
        note = {"calls": 0, "problems": list(found.problems), "failed": True}
        replaced = _replace(message, HOW_TO_ENABLE.format(problems=problems), [], note)
    if isinstance(response, ModelResponse):
        return ModelResponse([*messages[:-1], replaced], response.structured_response)
    return replaced


def _replace(message: AIMessage, content: str, calls: list, note: dict) -> AIMessage:
    return AIMessage(
        content=content,
        tool_calls=calls,
        id=message.id,
        response_metadata=message.response_metadata,
        usage_metadata=message.usage_metadata,
        additional_kwargs={**message.additional_kwargs, TEXT_CALLS: note},
    )


def validated(tool: BaseTool, args: dict) -> tuple[dict, list[str]]:
    """The arguments (nulls dropped: they mean "not given") and what is wrong with them for the
    tool's schema: a value of the wrong type, a missing argument, one the tool does not take.
    A call with issues is not run (:func:`refused_call`)."""
    schema = tool.tool_call_schema
    fields = getattr(schema, "model_fields", None) or {}
    takes = ", ".join(fields) or "no arguments"
    kept = {k: v for k, v in args.items() if v is not None}
    issues = [
        f"{tool.name}: unknown argument '{k}' (it takes {takes})"
        for k in kept
        if fields and k not in fields
    ]
    try:
        if hasattr(schema, "model_validate"):
            schema.model_validate({k: v for k, v in kept.items() if not fields or k in fields})
    except ValidationError as exc:
        issues += [
            f"{tool.name}: {'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
            + (f" (got {e['input']!r:.40})" if e.get("type") != "missing" else "")
            for e in exc.errors()
        ]
    return kept, issues


def refused_call(tool: BaseTool, call: dict, issues: list[str]) -> ToolMessage:
    """The answer to a call whose arguments do not fit the tool: it was not run, and why."""
    listed = "; ".join(i.removeprefix(f"{tool.name}: ") for i in issues)
    text = f"Input error: {tool.name} was not run: {listed}. Call it again with valid arguments."
    return ToolMessage(
        content=text[:1500],
        tool_call_id=call.get("id") or "",
        name=tool.name,
        status="error",
        artifact={"kind": "error", "error": text[:1500], "options": []},
    )
