"""Settings: the only module that reads the environment.

Everything configurable is read here once, at the edge (the command line, the app, a test), into
one frozen :class:`Settings` that is passed down. ``tools/`` and ``knowledge/`` take paths, hosts
and values as arguments and never look at ``os.environ`` themselves.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from tools.data import Market, PriceSource, make_source, parse_date
from tools.errors import InputError

ENV_DATA = "MARKET_ASSISTANT_DATA"
ENV_AS_OF = "MARKET_ASSISTANT_AS_OF"
ENV_HOME = "MARKET_ASSISTANT_HOME"
ENV_MODEL = "MARKET_ASSISTANT_MODEL"
ENV_DEBUG = "MARKET_ASSISTANT_DEBUG"
ENV_CHROMA_HOST = "CHROMA_HOST"
ENV_CHROMA_PORT = "CHROMA_PORT"
ENV_DATABASE_URL = "MARKET_ASSISTANT_DATABASE_URL"
DEFAULT_HOME = Path("~/.market-assistant")


def environment() -> dict[str, str]:
    """A copy of the process environment (the one place it is read)."""
    return dict(os.environ)


def default_home(env: dict[str, str] | None = None) -> Path:
    """``MARKET_ASSISTANT_HOME`` or ``~/.market-assistant``."""
    env = environment() if env is None else env
    return Path(env.get(ENV_HOME) or DEFAULT_HOME).expanduser()


def debug_enabled(env: dict[str, str] | None = None) -> bool:
    """``MARKET_ASSISTANT_DEBUG`` is set: show tracebacks for bug reports."""
    env = environment() if env is None else env
    return bool(env.get(ENV_DEBUG))


def chroma_server(env: dict[str, str] | None = None) -> tuple[str | None, int | None]:
    """(host, port) of a Chroma server from CHROMA_HOST / CHROMA_PORT, or (None, None)."""
    env = environment() if env is None else env
    host = (env.get(ENV_CHROMA_HOST) or "").strip() or None
    raw = (env.get(ENV_CHROMA_PORT) or "").strip()
    if not raw:
        return host, None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise InputError(f"CHROMA_PORT must be a port number from 1 to 65535, not '{raw[:20]}'.")
    return host, int(raw)


def database_url(env: dict[str, str] | None = None) -> str | None:
    """``MARKET_ASSISTANT_DATABASE_URL``: a ``postgresql://`` URL for shared conversations, or
    None for the embedded SQLite store. Anything else is an InputError that says what to set."""
    env = environment() if env is None else env
    url = (env.get(ENV_DATABASE_URL) or "").strip()
    if not url:
        return None
    if not url.lower().startswith(("postgresql://", "postgres://")):
        scheme = url.split(":", 1)[0][:20] if ":" in url else "no scheme"
        raise InputError(
            f"{ENV_DATABASE_URL} must be a postgresql://user:password@host:port/database URL, "
            f"not one with {scheme!r}; unset it to keep conversations in the local SQLite file."
        )
    return url


@dataclass(frozen=True)
class Limits:
    model_calls: int = 6  # per turn
    tool_calls: int = 12  # per turn
    timeout_s: float = 60.0  # per model request
    retries: int = 3  # on 429 and 5xx
    question_chars: int = 4000


@dataclass(frozen=True)
class Settings:
    data: str = "auto"
    as_of: dt.date | None = None
    home: Path = field(default_factory=default_home)
    model: str = "offline"
    openai_api_key: str | None = field(default=None, repr=False)
    openai_base_url: str | None = None
    chroma_host: str | None = None  # a Chroma server instead of the local store
    chroma_port: int | None = None
    # PostgreSQL for conversations and checkpoints (shared by replicas); None: SQLite in home.
    database_url: str | None = field(default=None, repr=False)
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        # Accept strings for convenience (tests, the UI); store dates and paths.
        object.__setattr__(self, "as_of", parse_date(self.as_of, "as-of date"))
        object.__setattr__(self, "home", Path(self.home).expanduser())

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = environment() if env is None else dict(env)
        key = env.get("OPENAI_API_KEY") or None
        model = env.get(ENV_MODEL) or ("openai:gpt-4.1-mini" if key else "offline")
        host, port = chroma_server(env)
        base = cls(
            data=env.get(ENV_DATA) or "auto",
            as_of=parse_date(env.get(ENV_AS_OF), "as-of date (MARKET_ASSISTANT_AS_OF)"),
            home=default_home(env),
            model=model,
            openai_api_key=key,
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            chroma_host=host,
            chroma_port=port,
            database_url=database_url(env),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        if "as_of" in clean:
            clean["as_of"] = parse_date(clean["as_of"], "as-of date")
        if "home" in clean:
            clean["home"] = Path(clean["home"]).expanduser()
        return replace(base, **clean)

    def source(self) -> PriceSource:
        return make_source(self.data, self.home)

    def market(self) -> Market:
        return Market(self.source(), self.as_of)
