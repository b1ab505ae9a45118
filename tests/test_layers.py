"""The layering rules of docs/architecture.md, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


FORBIDDEN = {
    "tools": {"knowledge", "assistant", "langchain", "langchain_core", "langgraph", "openai", "streamlit",
              "chromadb", "langchain_openai"},
    "knowledge": {"tools", "assistant", "langchain", "langchain_core", "langgraph", "openai", "streamlit",
                  "langchain_openai"},
    "assistant": {"streamlit", "chromadb", "yfinance"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package):
    bad = {str(p.relative_to(ROOT)): sorted(imports_of(p) & FORBIDDEN[package]) for p in modules(package)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_only_the_seam_imports_yfinance():
    users = [str(p.relative_to(ROOT)) for pkg in ("tools", "knowledge", "assistant", "ui")
             for p in (ROOT / pkg).rglob("*.py") if "yfinance" in imports_of(p)]
    assert users == ["tools/yahoo.py"]


def test_only_the_ui_imports_streamlit():
    users = {str(p.relative_to(ROOT)) for pkg in ("tools", "knowledge", "assistant")
             for p in (ROOT / pkg).rglob("*.py") if "streamlit" in imports_of(p)}
    assert users == set()
