"""The model factory: a model id string in, a LangChain chat model out. Nothing is built at import.

Ids: ``offline`` (the deterministic offline analyst), ``openai:MODEL`` (OpenAI, or any
OpenAI-compatible server through OPENAI_BASE_URL: Ollama, vLLM, llama.cpp, LM Studio), or any
``provider:MODEL`` that LangChain's ``init_chat_model`` knows and whose package is installed.
``openai:auto`` is the one model the server at OPENAI_BASE_URL serves (:func:`resolve`).

An OpenAI-compatible model carries the request options (temperature, max_tokens) and talks
through :func:`assistant.llm.bounds.bounded_client`, which holds each call to the turn's deadline.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tools.errors import InputError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.config import Settings

OFFLINE = "offline"


class ModelConfigError(InputError):
    """The model cannot be built as configured (missing key, unknown provider)."""


def is_offline(model_id: str) -> bool:
    return (model_id or OFFLINE).strip().lower() in (OFFLINE, "offline-analyst", "")


def resolve(settings: Settings) -> tuple[Settings, str | None]:
    """``settings`` with ``openai:auto`` replaced by the server's one model, and a line saying
    which model that is (None when nothing was chosen for the user)."""
    from assistant.config import AUTO_MODEL

    if (settings.model or "").strip().lower() != AUTO_MODEL:
        return settings, None
    if not settings.openai_base_url:
        raise ModelConfigError(
            f"The model {AUTO_MODEL} means the one model an OpenAI-compatible server serves; set"
            " OPENAI_BASE_URL to the server, or name the model."
        )
    from assistant.llm.served import pick_served_model

    model = pick_served_model(
        settings.openai_base_url, settings.openai_api_key, min(settings.limits.timeout_s, 10.0)
    )
    note = f"Model: {model} (the model served at {settings.openai_base_url})."
    return replace(settings, model=model), note


def make_model(settings: Settings) -> BaseChatModel:
    """Build the chat model named by ``settings.model``."""
    settings, _ = resolve(settings)
    model_id = (settings.model or OFFLINE).strip()
    if is_offline(model_id):
        from assistant.offline.analyst import OfflineAnalyst

        return OfflineAnalyst()
    provider, sep, name = model_id.partition(":")
    if not sep:
        provider, name = "openai", model_id
    provider = provider.lower()
    if provider == "openai":
        return _openai(name, settings)
    return _other(provider, name, settings)


def _openai(name: str, settings: Settings) -> BaseChatModel:
    key = settings.openai_api_key
    if not key and not settings.openai_base_url:
        raise ModelConfigError(
            f"The model openai:{name} needs an API key: set OPENAI_API_KEY (or enter a key in the"
            " app's sidebar), point OPENAI_BASE_URL at an OpenAI-compatible server, or use --model"
            " offline."
        )
    from langchain_openai import ChatOpenAI

    from assistant.llm.bounds import bounded_client

    limits, options = settings.limits, settings.request
    extra: dict = {}
    max_tokens = options.max_tokens
    if settings.openai_base_url and max_tokens:
        # Local servers (llama.cpp, vLLM, Ollama, LM Studio) all read max_tokens; OpenAI itself
        # wants max_completion_tokens, which is what ChatOpenAI sends.
        extra["extra_body"] = {"max_tokens": max_tokens}
        max_tokens = None
    return ChatOpenAI(
        model=name,
        api_key=key or "not-needed",
        base_url=settings.openai_base_url,
        timeout=limits.timeout_s,
        max_retries=limits.retries,
        streaming=True,
        stream_usage=True,
        temperature=options.temperature,
        max_tokens=max_tokens,
        http_client=bounded_client(limits.turn_s, limits.retries, limits.timeout_s),
        **extra,
    )


def _other(provider: str, name: str, settings: Settings) -> BaseChatModel:
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(
            f"{provider}:{name}",
            timeout=settings.limits.timeout_s,
            max_retries=settings.limits.retries,
            temperature=settings.request.temperature,
            max_tokens=settings.request.max_tokens,
        )
    except ImportError as exc:
        raise ModelConfigError(
            f"The model provider '{provider}' needs its LangChain package "
            f"(pip install langchain-{provider}); or use openai:MODEL or offline."
        ) from exc
    except ValueError as exc:
        raise ModelConfigError(
            f"Unknown model id '{provider}:{name}': {str(exc).splitlines()[0][:160]} "
            "Use offline, openai:MODEL or another provider:MODEL."
        ) from exc
