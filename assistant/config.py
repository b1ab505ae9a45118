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
ENV_CSV_ROOT = "MARKET_ASSISTANT_CSV_ROOT"  # the app's CSV folders must lie under it
ENV_BASE_URL = "OPENAI_BASE_URL"
AUTO_MODEL = "openai:auto"  # the one model an OpenAI-compatible server serves (GET /v1/models)
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
    timeout_s: float = 60.0  # per model request: the longest wait for the next bytes
    retries: int = 3  # on 429 and 5xx
    question_chars: int = 4000
    turn_s: float = 300.0  # wall-clock deadline of a whole turn (every model call and tool)


TOOL_CHOICES = ("auto", "required", "none")


@dataclass(frozen=True)
class RequestOptions:
    """What every model request carries besides the messages and the tools.

    ``tool_choice`` "required" applies to the first model call of a turn only (a model that
    must call a tool every time never answers); ``parallel_tool_calls`` None leaves it to the
    server. ``recheck``: when an answer states figures no tool gave, ask the model once to
    rewrite it with the list of those figures.
    """

    temperature: float | None = 0.0
    max_tokens: int | None = 1024  # per model call
    tool_choice: str = "auto"
    parallel_tool_calls: bool | None = None
    recheck: bool = True


# (variable, field, type, lowest, highest); the environment sets every request option and limit.
_LIMIT_VARS = (
    ("MARKET_ASSISTANT_MODEL_CALLS", "model_calls", int, 1, 50),
    ("MARKET_ASSISTANT_TOOL_CALLS", "tool_calls", int, 1, 100),
    ("MARKET_ASSISTANT_TIMEOUT", "timeout_s", float, 1, 3600),
    ("MARKET_ASSISTANT_RETRIES", "retries", int, 0, 10),
    ("MARKET_ASSISTANT_TURN_TIMEOUT", "turn_s", float, 5, 7200),
)
_REQUEST_VARS = (
    ("MARKET_ASSISTANT_TEMPERATURE", "temperature", float, 0, 2),
    ("MARKET_ASSISTANT_MAX_TOKENS", "max_tokens", int, 16, 131072),
)


def _number(env: dict[str, str], var: str, kind: type, low: float, high: float):
    raw = (env.get(var) or "").strip()
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        what = "a whole number" if kind is int else "a number"
        raise InputError(f"{var} must be {what} from {low:g} to {high:g}, not '{raw[:20]}'.")
    return value


def _flag(env: dict[str, str], var: str) -> bool | None:
    raw = (env.get(var) or "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise InputError(f"{var} must be true or false, not '{raw[:20]}'.")


def limits_from_env(env: dict[str, str]) -> Limits:
    """The per-turn limits, each overridable by its MARKET_ASSISTANT_* variable."""
    values = {
        f: v for var, f, k, lo, hi in _LIMIT_VARS if (v := _number(env, var, k, lo, hi)) is not None
    }
    return replace(Limits(), **values)


def request_from_env(env: dict[str, str]) -> RequestOptions:
    """The request options, each overridable by its MARKET_ASSISTANT_* variable."""
    values: dict = {
        f: v
        for var, f, k, lo, hi in _REQUEST_VARS
        if (v := _number(env, var, k, lo, hi)) is not None
    }
    choice = (env.get("MARKET_ASSISTANT_TOOL_CHOICE") or "").strip().lower()
    if choice:
        if choice not in TOOL_CHOICES:
            raise InputError(
                f"MARKET_ASSISTANT_TOOL_CHOICE must be one of {', '.join(TOOL_CHOICES)}, "
                f"not '{choice[:20]}'."
            )
        values["tool_choice"] = choice
    parallel = _flag(env, "MARKET_ASSISTANT_PARALLEL_TOOL_CALLS")
    if parallel is not None:
        values["parallel_tool_calls"] = parallel
    recheck = _flag(env, "MARKET_ASSISTANT_RECHECK")
    if recheck is not None:
        values["recheck"] = recheck
    return replace(RequestOptions(), **values)


def default_model(env: dict[str, str], key: str | None) -> str:
    """MARKET_ASSISTANT_MODEL; else the server's own model when OPENAI_BASE_URL is set; else
    gpt-4.1-mini with a key; else the offline analyst."""
    if env.get(ENV_MODEL):
        return env[ENV_MODEL]
    if env.get(ENV_BASE_URL):
        return AUTO_MODEL
    return "openai:gpt-4.1-mini" if key else "offline"


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
    csv_root: Path | None = None  # the app's CSV folders lie under it; None: HOME/csv
    request: RequestOptions = field(default_factory=RequestOptions)

    def __post_init__(self) -> None:
        # Accept strings for convenience (tests, the UI); store dates and paths.
        object.__setattr__(self, "as_of", parse_date(self.as_of, "as-of date"))
        object.__setattr__(self, "home", Path(self.home).expanduser())

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = environment() if env is None else dict(env)
        key = env.get("OPENAI_API_KEY") or None
        model = default_model(env, key)
        host, port = chroma_server(env)
        base = cls(
            data=env.get(ENV_DATA) or "auto",
            as_of=parse_date(env.get(ENV_AS_OF), "as-of date (MARKET_ASSISTANT_AS_OF)"),
            home=default_home(env),
            model=model,
            openai_api_key=key,
            openai_base_url=env.get(ENV_BASE_URL) or None,
            chroma_host=host,
            chroma_port=port,
            csv_root=Path(env[ENV_CSV_ROOT]).expanduser() if env.get(ENV_CSV_ROOT) else None,
            limits=limits_from_env(env),
            request=request_from_env(env),
            database_url=database_url(env),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        if "as_of" in clean:
            clean["as_of"] = parse_date(clean["as_of"], "as-of date")
        if "home" in clean:
            clean["home"] = Path(clean["home"]).expanduser()
        return replace(base, **clean)

    def csv_roots(self) -> tuple[Path, ...]:
        """Where the app may read CSV folders from: ``csv_root`` (or HOME/csv), and the folder
        of a ``csv:DIR`` data source chosen when the app was started."""
        roots = [self.csv_root or self.home / "csv"]
        if self.data.lower().startswith("csv:") and self.data[4:].strip():
            roots.append(Path(self.data[4:].strip()).expanduser())
        return tuple(roots)

    def source(self) -> PriceSource:
        return make_source(self.data, self.home)

    def market(self) -> Market:
        return Market(self.source(), self.as_of)
