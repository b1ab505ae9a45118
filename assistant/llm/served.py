"""Which model an OpenAI-compatible server serves (``GET /v1/models``).

With ``OPENAI_BASE_URL`` set and no model named, the assistant uses the server's model when it
serves exactly one (a llama.cpp server, an Ollama with one model pulled) and says which; with
none or several it says which to choose, instead of quietly using another model.
"""

from __future__ import annotations

from tools.errors import InputError


class ModelChoiceError(InputError):
    """The server's models do not name one to use."""


def served_models(base_url: str, api_key: str | None, timeout_s: float = 10.0) -> list[str]:
    """The model ids the server at ``base_url`` lists."""
    from openai import OpenAI, OpenAIError

    client = OpenAI(
        base_url=base_url, api_key=api_key or "not-needed", timeout=timeout_s, max_retries=0
    )
    try:
        return [m.id for m in client.models.list()]
    except OpenAIError as exc:
        raise ModelChoiceError(
            f"OPENAI_BASE_URL is set to {base_url}, but its list of models (GET /models) could "
            f"not be read ({type(exc).__name__}). Start the server, fix the URL, or name the "
            "model with --model openai:NAME (or --model offline)."
        ) from None
    finally:
        client.close()


def pick_served_model(base_url: str, api_key: str | None, timeout_s: float = 10.0) -> str:
    """``openai:ID`` of the one model the server serves."""
    ids = served_models(base_url, api_key, timeout_s)
    if len(ids) == 1:
        return f"openai:{ids[0]}"
    if not ids:
        raise ModelChoiceError(
            f"The server at {base_url} lists no models. Load one, or name it with "
            "--model openai:NAME."
        )
    listed = ", ".join(f"openai:{i}" for i in ids[:8]) + (" …" if len(ids) > 8 else "")
    raise ModelChoiceError(
        f"The server at {base_url} serves {len(ids)} models; choose one with --model "
        f"(or MARKET_ASSISTANT_MODEL): {listed}."
    )
