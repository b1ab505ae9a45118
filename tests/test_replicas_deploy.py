"""compose.yaml and the Dockerfile, checked against the code (containers cannot run here): the
services and images the deployment needs, every variable the app is given is one the settings
read and docs/deploy.md explains, and the proxy reaches every replica on the port it serves."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from assistant import config

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APPS = sorted(name for name in SERVICES if name.startswith("app-"))
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
SAMPLE = {"MARKET_ASSISTANT_DB_PASSWORD": "pw-for-the-test", "OPENAI_API_KEY": ""}


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message} forms."""

    def value(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return re.sub(r"\$\{([A-Z0-9_]+)(:[-?])?([^}]*)\}", value, text)


def app_env(name: str) -> dict[str, str]:
    return {k: interpolate(str(v), SAMPLE) for k, v in SERVICES[name]["environment"].items()}


def test_the_deployment_has_two_replicas_postgres_chroma_and_a_proxy():
    assert len(APPS) >= 2 and {"postgres", "chroma", "proxy"} <= set(SERVICES)
    images = {name: s.get("image", "") for name, s in SERVICES.items()}
    assert len({images[a] for a in APPS}) == 1 and all(SERVICES[a]["build"] == "." for a in APPS)
    assert re.fullmatch(r"postgres:1[4-9](\.\d+)?", images["postgres"])
    assert images["proxy"].startswith("caddy:")
    # the Chroma server speaks the protocol of the chromadb client the app is installed with
    assert images["chroma"] == f"chromadb/chroma:{version('chromadb')}"
    assert set(COMPOSE["volumes"]) >= {"app-data", "pg-data", "chroma-data"}
    assert "5432" not in str(SERVICES["postgres"].get("ports", ""))  # never published
    assert not SERVICES["chroma"].get("ports")


def test_every_replica_gets_the_same_settings_and_the_settings_accept_them():
    envs = [app_env(a) for a in APPS]
    assert all(e == envs[0] for e in envs)
    settings = config.Settings.from_env(envs[0])
    pg = SERVICES["postgres"]["environment"]
    assert settings.database_url == (
        f"postgresql://{pg['POSTGRES_USER']}:pw-for-the-test@postgres:5432/{pg['POSTGRES_DB']}"
    )
    assert interpolate(pg["POSTGRES_PASSWORD"], SAMPLE) == "pw-for-the-test"
    assert (settings.chroma_host, settings.chroma_port) == ("chroma", 8000)
    assert str(settings.home) == "/data"
    assert all(v.endswith(":/data") for v in SERVICES[APPS[0]]["volumes"])
    assert settings.data == "auto" and settings.model == "offline"  # no key: the offline analyst
    with pytest.raises(KeyError, match="MARKET_ASSISTANT_DB_PASSWORD"):
        interpolate(SERVICES[APPS[0]]["environment"]["MARKET_ASSISTANT_DATABASE_URL"], {})


def test_every_variable_is_read_by_the_settings_and_explained_in_the_docs():
    read = {v for k, v in vars(config).items() if k.startswith("ENV_")} | {
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    }
    given = set(SERVICES[APPS[0]]["environment"])
    assert given <= read, given - read
    assert {config.ENV_DATABASE_URL, config.ENV_CHROMA_HOST} <= given
    compose_text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r"\$\{([A-Z0-9_]+)", compose_text)) | given
    missing = [v for v in sorted(named) if f"`{v}`" not in DEPLOY]
    assert not missing, missing


def test_the_proxy_reaches_every_replica_on_the_port_the_image_serves():
    port = re.search(r"^EXPOSE (\d+)", DOCKERFILE, re.M).group(1)
    assert f'"--server.port", "{port}"' in DOCKERFILE and "streamlit_app.py" in DOCKERFILE
    assert re.search(r"^RUN pip install \.", DOCKERFILE, re.M)
    caddyfile = COMPOSE["configs"]["caddyfile"]["content"]
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile).group(1).split()
    assert upstreams == [f"{a}:{port}" for a in APPS]
    assert "health_uri /_stcore/health" in caddyfile and "lb_policy cookie" in caddyfile
    assert all(SERVICES[a]["expose"] == [port] for a in APPS)
    assert SERVICES["proxy"]["configs"][0]["target"] == "/etc/caddy/Caddyfile"
    assert set(SERVICES["proxy"]["depends_on"]) == set(APPS)
    for app in APPS:
        assert SERVICES[app]["depends_on"]["postgres"]["condition"] == "service_healthy"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", ".streamlit/secrets.toml", ".env"} <= set(ignored)
