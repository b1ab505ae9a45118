"""Shared fixtures: an isolated data directory for every test, and the real-data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
MARKET_DATA = Path(os.environ.get("MARKET_ASSISTANT_TEST_DATA", SHARED / "market-data"))
COMMENTARY = SHARED / "commentary"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own data directory and never the user's environment settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MARKET_ASSISTANT_HOME", str(home))
    for var in (
        "MARKET_ASSISTANT_DATA",
        "MARKET_ASSISTANT_AS_OF",
        "MARKET_ASSISTANT_MODEL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "CHROMA_HOST",
        "CHROMA_PORT",
    ):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def market_data() -> Path:
    """The real price histories in ../shared/market-data (the test is skipped without them)."""
    if not (MARKET_DATA / "silver.csv").is_file():
        pytest.skip("../shared/market-data is not present")
    return MARKET_DATA


@pytest.fixture
def commentary_dir() -> Path:
    if not (COMMENTARY / "silvers-defensive-rally.txt").is_file():
        pytest.skip("../shared/commentary is not present")
    return COMMENTARY


@pytest.fixture(scope="session")
def knowledge_base(tmp_path_factory):
    """The bundled commentary corpus in a real local Chroma store (built once per test session)."""
    from knowledge.base import open_knowledge_base

    return open_knowledge_base(tmp_path_factory.mktemp("kb-home"))


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright (skipped where it is missing, except in CI,
    where .ci/run installs it)."""
    from app_browser import chromium, chromium_missing_reason

    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI, but {reason}")
        pytest.skip(reason)
    with chromium() as b:
        yield b
