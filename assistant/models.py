"""The model factory: a model id string in, a LangChain chat model out. Nothing is built at import.

Ids: ``offline`` (the deterministic offline analyst), ``openai:MODEL`` (OpenAI, or any
OpenAI-compatible server through OPENAI_BASE_URL: Ollama, vLLM, llama.cpp, LM Studio), or any
``provider:MODEL`` that LangChain's ``init_chat_model`` knows and whose package is installed.
"""

from __future__ import annotations

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


def make_model(settings: Settings) -> BaseChatModel:
    """Build the chat model named by ``settings.model``."""
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

    return ChatOpenAI(
        model=name,
        api_key=key or "not-needed",
        base_url=settings.openai_base_url,
        timeout=settings.limits.timeout_s,
        max_retries=settings.limits.retries,
        streaming=True,
    )


def _other(provider: str, name: str, settings: Settings) -> BaseChatModel:
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(
            f"{provider}:{name}",
            timeout=settings.limits.timeout_s,
            max_retries=settings.limits.retries,
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
